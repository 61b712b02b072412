from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.search, name="search"),
    path("export.csv", views.export, name="export"),
    path("child/<uuid:child_public_id>/", views.child, name="child"),
    path("child/<uuid:child_public_id>/export.csv", views.child_export, name="child-export"),
]
