"""The casework API (see advice/api.py), mounted at /api/casework/v1/ by config/api_urls.py."""

from advice.api import api

app_name = "casework-api"

urlpatterns = list(api.urls[0])
