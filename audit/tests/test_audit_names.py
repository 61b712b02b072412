"""The access log's pages name records as people know them, through what each app registers
(audit.naming), and never name a child to someone who may not see the child."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _log_page(client, **params) -> str:
    response = client.get("/audit/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_dco_reads_requests_and_duplicate_checks_by_reference_and_name(personas):
    side = personas.side(1)
    dco = personas["dco_1"].client()
    assert dco.get(f"/casework/requests/{side.request.public_id}/").status_code == 200
    assert dco.get(f"/children/possible-duplicates/{side.possible_duplicate.public_id}/").status_code == 200
    html = _log_page(dco, person=personas["dco_1"].user.email)
    child = side.request.child.full_name
    assert f"Health advice request {side.request.reference} for {child}" in html
    assert f"Possible duplicate check for {side.new_child.full_name}" in html
    assert f"Who has looked at {child}&#39;s records" in html
    for label in ("advice.AdviceRequest", "children.PossibleDuplicate", str(side.request.public_id)):
        assert label not in html


def test_an_assignment_and_the_childs_own_page_are_named(personas):
    side = personas.side(1)
    clinician = personas["clinician_1"].client()
    assert clinician.get(f"/casework/assignments/{side.assignment.public_id}/").status_code == 200
    assert clinician.get(f"/children/{side.child.public_id}/").status_code == 200
    html = _log_page(personas["dco_1"].client(), person=personas["clinician_1"].user.email)
    assert (
        f"Health advice request {side.request.reference} for {side.child.full_name}, sent to {side.team.name}"
        in html
    )
    assert f"Record of {side.child.full_name}" in html
    child_page = personas["dco_1"].client().get(f"/audit/child/{side.child.public_id}/").content.decode()
    assert f"{side.child.full_name}: record reference" in child_page
    assert f"Health advice request {side.request.reference} for {side.child.full_name}" in child_page


def test_a_system_administrator_reads_the_kind_of_record_but_no_childs_name(personas):
    side = personas.side(1)
    personas["dco_1"].client().get(f"/casework/requests/{side.request.public_id}/")
    html = _log_page(personas["system_admin_1"].client(), person=personas["dco_1"].user.email)
    assert "Health advice request" in html and side.request.reference not in html
    assert side.child.full_name not in html and "advice.AdviceRequest" not in html
    assert "Who has looked at this child&#39;s records" in html


def test_the_names_a_log_page_shows_are_themselves_logged(personas):
    side = personas.side(1)
    dco = personas["dco_1"].client()
    dco.get(f"/casework/requests/{side.request.public_id}/")
    before = AuditEvent.objects.filter(path="/audit/", child_public_id=side.child.public_id).count()
    _log_page(dco, person=personas["dco_1"].user.email)
    assert AuditEvent.objects.filter(path="/audit/", child_public_id=side.child.public_id).count() > before


def test_account_changes_are_named_as_people_know_them(personas):
    organisation = personas.side(1).school
    organisation.name = "Aldermoor Primary Academy"
    organisation.save()
    html = _log_page(personas["system_admin_1"].client(), action="account")
    assert "Organisation Aldermoor Primary Academy" in html and "accounts.Organisation" not in html


def test_the_access_log_names_no_app():
    """audit.naming only keeps what apps register: it imports nothing of the apps it names."""
    tree = ast.parse(Path(__file__).resolve().parents[1].joinpath("naming.py").read_text())
    imported = {
        (node.module or "").split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    } | {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert not imported & {"accounts", "children", "advice", "directory", "reporting", "core"}


def test_pages_are_named_as_people_know_them_not_by_url_name(personas):
    from audit.pages import readable_detail

    dco = personas["dco_1"].client()
    # rows written before pages were named read the same way
    assert readable_detail("shown on advice:dashboard") == "shown on DCO dashboard"
    assert readable_detail("refused advice.AdviceRequest 1 on children:child-detail") == (
        "refused advice.AdviceRequest 1 on Child's record"
    )
    user = personas["dco_1"].user
    AuditEvent.objects.create(
        user=user, user_email=user.email, action="view", detail="shown on advice:dashboard"
    )
    html = _log_page(dco, person=personas["dco_1"].user.email)
    assert "shown on DCO dashboard" in html
    assert "advice:" not in html
    # the e-mail and the role sit on the lines after the name, with no empty block between them
    assert '<span class="nhsuk-body-s">' not in html
