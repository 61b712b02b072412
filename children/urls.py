"""Children's records under /children/. Who may see each page is in its view's docstring."""

from django.urls import path

from children import views, views_search

app_name = "children"

urlpatterns = [
    path("search/", views_search.search, name="search"),
    path("possible-duplicates/", views.possible_duplicates, name="possible-duplicates"),
    path("possible-duplicates/<uuid:public_id>/", views.possible_duplicate, name="possible-duplicate"),
    path("<uuid:public_id>/", views.child_detail, name="child-detail"),
    path("<uuid:public_id>/details/", views.child_edit, name="child-edit"),
    path("<uuid:public_id>/carers/add/", views.carer_add, name="carer-add"),
    path("<uuid:public_id>/carers/<uuid:carer_id>/", views.carer_edit, name="carer-edit"),
    path("<uuid:public_id>/carers/<uuid:carer_id>/remove/", views.carer_remove, name="carer-remove"),
    path("<uuid:public_id>/consent/add/", views.consent_add, name="consent-add"),
    path(
        "<uuid:public_id>/consent/<uuid:consent_id>/withdraw/",
        views.consent_withdraw,
        name="consent-withdraw",
    ),
]
