"""Children's records under /children/. Who may see each page is in its view's docstring."""

from django.urls import path

from children import views

app_name = "children"

urlpatterns = [
    path("<uuid:public_id>/", views.child_detail, name="child-detail"),
]
