"""Pages render with the production static storage, whose manifest knows only real files.

The rest of the suite uses plain static storage, which would not notice a template asking for a
folder or a missing file: under gunicorn that is a 500 on every page.
"""

import pytest
from django.core.management import call_command
from django.test import override_settings

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/services/",
    "/services/a-z/",
    "/services/shortlist/",
    "/accounts/sign-in/",
    "/styleguide/",
    "/open-data/",
]


@pytest.fixture(scope="module")
def manifest_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command("collectstatic", "--noinput", verbosity=0)
    return root, storages


@pytest.mark.parametrize("path", PAGES)
def test_page_renders_with_the_manifest_storage(client, manifest_root, path):
    root, storages = manifest_root
    with override_settings(STATIC_ROOT=root, STORAGES=storages, DEBUG=False):
        response = client.get(path)
    assert response.status_code == 200, path
    assert "/static/nhsuk/nhsuk-frontend.min" in response.content.decode()
