from django.urls import path

from directory import api

app_name = "directory"

urlpatterns: list = [
    path("open-data/", api.api_docs, name="api-docs"),  # the ORUK API explained (directory/api.py)
]
