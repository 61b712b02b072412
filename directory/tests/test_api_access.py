"""What the open ORUK API shares is decided in one place, `directory.access` (OPEN_DATA_STATUSES and
`open_data`), not in the API's code: narrowing it there narrows every endpoint and the API's searches."""

from __future__ import annotations

import pytest

from directory import access
from directory.models import Service
from directory.tests.conformance.data import build_directory

pytestmark = pytest.mark.django_db
BASE = "/api/v3"


def _ids(client, path, **params):
    response = client.get(BASE + path, params)
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["contents"]}


def test_every_status_is_shared_by_default_and_narrowing_the_rule_in_access_narrows_every_endpoint(
    client, monkeypatch
):
    directory = build_directory(24)
    inactive = next(s for s in directory.services if s.status == Service.Status.INACTIVE)
    sid, org = str(inactive.public_id), str(inactive.provider.public_id)
    located = inactive.service_at_locations.first()
    assert access.open_data().children == []  # every status: no condition on the API's queries
    assert sid in _ids(client, "/services") and sid in _ids(client, "/services", organization_id=org)

    monkeypatch.setattr(access, "OPEN_DATA_STATUSES", Service.PUBLISHED_STATUSES)

    assert sid not in _ids(client, "/services", per_page=100)
    assert sid not in _ids(client, "/services", minimal="true", per_page=100)
    assert sid not in _ids(client, "/services", organization_id=org)  # through the search engine
    assert sid not in _ids(client, "/services", organization_id=org, format="json", minimal="true")
    assert client.get(f"{BASE}/services/{sid}").status_code == 404
    nested = client.get(f"{BASE}/organizations/{org}").json()["services"]
    assert sid not in {s["id"] for s in nested}
    if located is not None:
        assert str(located.public_id) not in _ids(client, "/service_at_locations", per_page=100)
        assert client.get(f"{BASE}/service_at_locations/{located.public_id}").status_code == 404
