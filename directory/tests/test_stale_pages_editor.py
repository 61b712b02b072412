"""A stale editor page always gets "someone else changed this", with what was typed kept.

For every editor page that changes a record (edit a service, confirm it is still right, archive it,
approve, reject or withdraw a proposal, pick up or close a problem report): the person opens the page
(and the record's version), someone else changes the record meanwhile, and the person sends the form.
They get the page again as the record is now, status 409, the shared conflict banner and what they
typed, never a change made on top of one they have not seen (core.concurrency, via the services'
version checks). Also: an approved change counts as a review, so the public page's "may be out of
date" warning goes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.testing import sign_in
from audit.testing import TEST_CONTEXT
from core.concurrency import ConcurrentUpdate
from directory import services
from directory.models import ChangeProposal, ProblemReport, Service
from directory.tests.editor_personas import World, make_world

pytestmark = pytest.mark.django_db
BANNER = "Someone else changed this since you opened it"


def _fresh(obj: Any) -> Any:
    obj.refresh_from_db()
    return obj


@dataclass
class Records:
    service: Service
    proposal: ChangeProposal
    report: ProblemReport


def _other_edit(w: World, r: Records) -> None:
    services.update_service(
        user=w.other_editor,
        context=TEST_CONTEXT,
        service=_fresh(r.service),
        data={"alert": "Closed on Friday"},
        expected_version=r.service.version,
    )


def _approve(w: World, r: Records) -> None:
    services.approve_proposal(
        user=w.editor, context=TEST_CONTEXT, proposal=_fresh(r.proposal), expected_version=r.proposal.version
    )


@dataclass
class Case:
    user: str
    url: Callable[[Records], str]
    typed: Callable[[Records], dict[str, Any]]
    meanwhile: Callable[[World, Records], None]
    kept: str  # on the conflict page
    unchanged: Callable[[Records], bool]


OLD = dt.date(2020, 1, 1)

CASES = {
    "confirm still correct (edited meanwhile)": Case(
        "editor",
        lambda r: reverse("directory:editor-service-reviewed", args=[r.service.public_id]),
        lambda r: {"version": r.service.version},
        _other_edit,
        "Closed on Friday",  # what changed since, and the button again
        lambda r: _fresh(r.service).last_reviewed == OLD,
    ),
    "archive (edited meanwhile)": Case(
        "editor",
        lambda r: reverse("directory:editor-service-archive", args=[r.service.public_id]),
        lambda r: {"version": r.service.version},
        _other_edit,
        "Closed on Friday",
        lambda r: _fresh(r.service).status == Service.Status.ACTIVE,
    ),
    "approve (service edited meanwhile)": Case(
        "editor",
        lambda r: reverse("directory:editor-proposal-approve", args=[r.proposal.public_id]),
        lambda r: {
            "version": r.proposal.version,
            "service_version": r.service.version,
            "note": "Typed: thanks for the update",
        },
        _other_edit,
        "Typed: thanks for the update",
        lambda r: (
            _fresh(r.proposal).status == ChangeProposal.Status.PENDING
            and _fresh(r.service).name == "Speech and language drop-in"
        ),
    ),
    "reject (approved meanwhile)": Case(
        "other_area_editor",
        lambda r: reverse("directory:editor-proposal-reject", args=[r.proposal.public_id]),
        lambda r: {"version": r.proposal.version, "reason": "Typed: the name must match"},
        _approve,
        "Typed: the name must match",
        lambda r: _fresh(r.proposal).status == ChangeProposal.Status.APPROVED,
    ),
    "withdraw (approved meanwhile)": Case(
        "provider_editor",
        lambda r: reverse("directory:editor-proposal-withdraw", args=[r.proposal.public_id]),
        lambda r: {"version": r.proposal.version},
        _approve,
        "Approved",
        lambda r: _fresh(r.proposal).status == ChangeProposal.Status.APPROVED,
    ),
    "close a problem report (picked up meanwhile)": Case(
        "editor",
        lambda r: reverse("directory:editor-problem", args=[r.report.public_id]),
        lambda r: {"version": r.report.version, "outcome": "resolved", "response": "Typed: fixed the phone"},
        lambda w, r: services.start_problem_report(
            user=w.editor, context=TEST_CONTEXT, report=_fresh(r.report), expected_version=r.report.version
        ),
        "Typed: fixed the phone",
        lambda r: _fresh(r.report).status == ProblemReport.Status.IN_PROGRESS,
    ),
}


@pytest.fixture
def world() -> World:
    return make_world()


@pytest.fixture
def records(world: World) -> Records:
    service = world.service
    service.last_reviewed = OLD
    service.save()
    proposal = services.propose_change(
        user=world.provider_editor,
        context=TEST_CONTEXT,
        service=service,
        provider=world.provider,
        data={**services.service_values(service), "name": "Speech drop-in for under 5s"},
    )
    report = services.record_problem_report(service=service, topic="out_of_date", details="Phone is wrong")
    return Records(_fresh(service), _fresh(proposal), _fresh(report))


def _user(world: World, name: str) -> Any:
    if name == "other_area_editor":  # a second editor of the same area
        from accounts.models import Role
        from accounts.testing import member

        return member(Role.DIRECTORY_EDITOR, world.area)
    return getattr(world, name)


@pytest.mark.parametrize("name", CASES)
def test_a_stale_editor_page_gets_the_conflict_page_with_what_was_typed(world, records, name):
    case = CASES[name]
    user = _user(world, case.user)
    url, typed = case.url(records), case.typed(records)
    case.meanwhile(world, records)

    response = sign_in(Client(), user).post(url, typed)

    page = response.content.decode()
    assert response.status_code == 409, page[:3000]
    assert BANNER in page
    assert case.kept in page
    assert page.count("<h1") == 1
    if "service-" in url:  # a one-button action: the button again, to choose again
        assert (
            "Archive this service" if "archive" in url else "Confirm these details are still correct"
        ) in page
    assert case.unchanged(records)


@pytest.mark.parametrize(
    "name", ["confirm still correct (edited meanwhile)", "approve (service edited meanwhile)"]
)
def test_the_conflict_page_carries_the_versions_now_so_acting_again_is_a_choice(world, records, name):
    case = CASES[name]
    url, typed = case.url(records), case.typed(records)
    case.meanwhile(world, records)
    client = sign_in(Client(), world.editor)
    page = client.post(url, typed).content.decode()
    service = _fresh(records.service)
    assert (
        f'name="version" value="{service.version if "confirm" in name else records.proposal.version}"' in page
    )

    again = {**typed, "version": service.version if "confirm" in name else _fresh(records.proposal).version}
    if "service_version" in typed:
        again["service_version"] = service.version
    assert client.post(url, again).status_code == 302
    service.refresh_from_db()
    assert service.alert == "Closed on Friday"  # the other person's change stands
    assert service.last_reviewed == timezone.localdate()


def test_the_services_check_the_version_before_the_state(world, records):
    """A proposal decided meanwhile, from a stale page: ConcurrentUpdate, not "already decided"."""
    stale = records.proposal.version
    _approve(world, records)
    with pytest.raises(ConcurrentUpdate):
        services.reject_proposal(
            user=world.editor,
            context=TEST_CONTEXT,
            proposal=records.proposal,
            expected_version=stale,
            reason="x",
        )
    with pytest.raises(ValueError, match="already been decided"):
        services.reject_proposal(
            user=world.editor,
            context=TEST_CONTEXT,
            proposal=records.proposal,
            expected_version=_fresh(records.proposal).version,
            reason="x",
        )


def test_an_approved_change_counts_as_a_review_and_the_public_warning_goes(client, world, records):
    public = reverse("directory:service", args=[records.service.public_id])
    assert "This information may be out of date" in client.get(public).content.decode()

    editor = sign_in(Client(), world.editor)
    response = editor.post(
        reverse("directory:editor-proposal-approve", args=[records.proposal.public_id]),
        {"version": records.proposal.version, "service_version": records.service.version, "note": ""},
    )

    assert response.status_code == 302
    service = _fresh(records.service)
    assert service.last_reviewed == timezone.localdate() and service.reviewed_by_email == world.editor.email
    page = client.get(public).content.decode()
    assert "Speech drop-in for under 5s" in page
    assert "This information may be out of date" not in page
