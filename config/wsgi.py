"""WSGI entry point, served by gunicorn (`make run`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# The search index, then the ORUK API's columns beside it (ADR 0012), built in the background.
from directory.search.api_index import warm_in_background  # noqa: E402 - needs Django set up

warm_in_background()
