"""Section 23 records in the access log and the child/case search: named as people know them, and only
for those who may see them."""

from __future__ import annotations

import pytest

from audit import naming
from section23.models import Notification

pytestmark = pytest.mark.django_db


def _search(client, typed: str) -> str:
    response = client.get("/children/search/", {"q": typed})
    assert response.status_code == 200
    return response.content.decode()


def test_the_la_finds_a_notification_by_its_reference_however_it_is_typed(personas):
    sent = personas.side(1).s23_sent
    number = int(sent.reference.split("-")[1])
    for typed in (sent.reference, sent.reference.lower(), f"S23-{number}", f"s23{number}"):
        html = _search(personas["caseworker_1"].client(), typed)
        assert f"Section 23 notification {sent.reference}" in html, typed
        assert f'href="/notifications/{sent.public_id}/"' in html


def test_another_las_notification_is_not_found_by_its_reference(personas):
    other = personas.side(2).s23_sent
    html = _search(personas["caseworker_1"].client(), other.reference)
    assert f"Section 23 notification {other.reference}" not in html
    assert f"/notifications/{other.public_id}/" not in html


def test_the_access_log_names_a_notification_for_those_who_may_see_it(personas):
    sent: Notification = personas.side(1).s23_sent
    child = sent.child
    kind = naming.kind("section23.Notification")
    assert kind is not None and kind.names is not None
    named = kind.names(personas["caseworker_1"].user, [str(sent.public_id)])[str(sent.public_id)]
    assert (
        named.text == f"Section 23 notification {sent.reference} for {child.given_name} {child.family_name}"
    )
    assert kind.names(personas["caseworker_2"].user, [str(sent.public_id)]) == {}  # shown as the bare noun
    assert naming.noun("section23.Notification") == "Section 23 notification"
