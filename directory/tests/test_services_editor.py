"""Service functions for keeping records fresh: edits, locking, proposals, reviews, problem reports."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from audit.testing import TEST_CONTEXT
from core.concurrency import ConcurrentUpdate
from directory import freshness, services
from directory.models import ChangeProposal, ProblemReport, Service
from directory.tests.editor_personas import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def test_update_service_changes_fields_and_related_records_with_history(world):
    service = world.service
    services.update_service(
        service=service,
        data={
            "name": "Speech drop-in",
            "needs": ["autism"],
            "opening_times": {"MO": ["09:00", "12:00"], "TU": ["09:00", "12:00"]},
            "phone": "01632 960123",
            "cost_options": [{"option": "Per session", "amount": "5.00"}],
        },
        user=world.editor,
        context=TEST_CONTEXT,
        expected_version=service.version,
    )
    service.refresh_from_db()
    assert service.name == "Speech drop-in"
    assert service.version == 2
    values = services.service_values(service)
    assert values["needs"] == ["autism"]
    assert values["opening_times"] == {"MO": ["09:00", "12:00"], "TU": ["09:00", "12:00"]}
    assert service.schedules.get().byday == "MO,TU"
    assert values["phone"] == "01632 960123"
    newest = service.history.order_by("-history_id").first()
    assert newest.history_user == world.editor
    assert newest.related_values["needs"] == ["autism"]
    assert "name" in newest.history_change_reason.lower()


def test_stale_version_raises_concurrent_update_and_history_tells_their_changes(world):
    service = world.service
    opened = service.version
    services.update_service(
        service=service,
        data={"name": "First writer's name"},
        user=world.editor,
        context=TEST_CONTEXT,
        expected_version=opened,
    )
    with pytest.raises(ConcurrentUpdate) as caught:
        services.update_service(
            service=service,
            data={"description": "Second writer"},
            user=world.other_editor,
            context=TEST_CONTEXT,
            expected_version=opened,
        )
    assert caught.value.current_version == opened + 1
    service.refresh_from_db()
    base = services.values_at_version(service, opened)
    rows = services.diff_values(base, services.service_values(service), only_changed=True)
    assert [r.key for r in rows] == ["name"]
    assert rows[0].new == "First writer's name"
    assert service.name == "First writer's name"
    assert service.description != "Second writer"


def test_mark_reviewed_sets_today_and_bumps_version(world):
    service = world.service
    service.last_reviewed = dt.date(2020, 1, 1)
    service.save()
    before = service.version
    services.mark_reviewed(
        service=service, user=world.provider_editor, context=TEST_CONTEXT, expected_version=service.version
    )
    service.refresh_from_db()
    assert service.last_reviewed == timezone.localdate()
    assert service.version == before + 1
    assert service.history.order_by("-history_id").first().history_user == world.provider_editor


def test_approve_applies_only_the_providers_changes_and_records_the_approver(
    world, django_capture_on_commit_callbacks
):
    service = world.service
    proposal = services.propose_change(
        service=service,
        provider=world.provider,
        data={**services.service_values(service), "name": "New name"},
        user=world.provider_editor,
        context=TEST_CONTEXT,
        note="We renamed it",
    )
    # Meanwhile an editor changes another field.
    services.update_service(
        service=service,
        data={"alert": "Closed at Christmas"},
        user=world.editor,
        context=TEST_CONTEXT,
        expected_version=service.version,
    )
    assert services.proposal_conflicts(proposal) == set()
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_proposal(
            proposal=proposal, user=world.editor, context=TEST_CONTEXT, expected_version=proposal.version
        )
    service.refresh_from_db()
    assert service.name == "New name"
    assert service.alert == "Closed at Christmas"
    proposal.refresh_from_db()
    assert proposal.status == ChangeProposal.Status.APPROVED
    newest = service.history.order_by("-history_id").first()
    assert newest.history_user == world.editor
    assert "Priya" in newest.history_change_reason
    assert mail.outbox[-1].to == [world.provider_editor.email]


def test_reject_leaves_the_service_unchanged(world):
    service = world.service
    proposal = services.propose_change(
        service=service,
        provider=world.provider,
        data={"name": "Nope"},
        user=world.provider_editor,
        context=TEST_CONTEXT,
    )
    services.reject_proposal(
        proposal=proposal,
        user=world.editor,
        context=TEST_CONTEXT,
        expected_version=proposal.version,
        reason="Name must match the NHS listing",
    )
    service.refresh_from_db()
    assert service.name == "Speech and language drop-in"
    proposal.refresh_from_db()
    assert proposal.status == ChangeProposal.Status.REJECTED


def test_new_service_proposal_without_areas_is_listed_in_the_approvers_area(world):
    data = {**services.empty_values(), "name": "Quiet room", "description": "Calm", "is_free": True}
    data.pop("areas")
    proposal = services.propose_change(
        service=None, provider=world.provider, data=data, user=world.provider_editor, context=TEST_CONTEXT
    )
    service = services.approve_proposal(
        proposal=proposal, user=world.editor, context=TEST_CONTEXT, expected_version=proposal.version
    )
    assert list(service.areas.all()) == [world.area]


def test_new_service_proposal_creates_the_service_on_approval(world):
    data = {
        **services.empty_values(),
        "name": "Sensory garden",
        "description": "A quiet garden",
        "is_free": True,
        "status": "active",
        "referral": "self",
        "areas": [str(world.area.public_id)],
    }
    proposal = services.propose_change(
        service=None, provider=world.provider, data=data, user=world.provider_editor, context=TEST_CONTEXT
    )
    service = services.approve_proposal(
        proposal=proposal, user=world.editor, context=TEST_CONTEXT, expected_version=proposal.version
    )
    assert service.name == "Sensory garden"
    assert list(service.areas.all()) == [world.area]
    assert service.history.count() == 1


def test_problem_report_recorded_and_resolved_with_reply(world, django_capture_on_commit_callbacks):
    report = services.record_problem_report(
        service=world.service,
        topic="out_of_date",
        details="Phone is wrong",
        reporter_email="parent@example.org",
    )
    assert report.status == ProblemReport.Status.NEW
    with django_capture_on_commit_callbacks(execute=True):
        services.resolve_problem_report(
            report=report,
            user=world.editor,
            context=TEST_CONTEXT,
            expected_version=report.version,
            response="Fixed the phone number",
        )
    report.refresh_from_db()
    assert report.status == ProblemReport.Status.RESOLVED
    assert mail.outbox[-1].to == ["parent@example.org"]


def test_archive_takes_the_service_out(world):
    services.archive_service(
        service=world.service, user=world.editor, context=TEST_CONTEXT, expected_version=world.service.version
    )
    world.service.refresh_from_db()
    assert world.service.status == Service.Status.INACTIVE


def test_review_cutoff_is_twelve_months_back():
    assert freshness.review_cutoff(dt.date(2026, 11, 23)) == dt.date(2025, 11, 23)
    assert freshness.review_cutoff(dt.date(2024, 2, 29)) == dt.date(2023, 2, 28)


def test_an_edit_updates_the_public_search_index(world):
    from directory.models import SearchEntry

    services.update_service(
        service=world.service,
        data={"name": "Zebra club"},
        user=world.editor,
        context=TEST_CONTEXT,
        expected_version=world.service.version,
    )
    entry = SearchEntry.objects.get(service=world.service)
    assert "Zebra club" in entry.document


def test_a_proposal_tells_the_areas_editors(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.propose_change(
            service=world.service,
            provider=world.provider,
            data={"name": "X"},
            user=world.provider_editor,
            context=TEST_CONTEXT,
            note="Hi",
        )
    assert mail.outbox[-1].to == [world.editor.email]
    assert "/manage/proposals/" in mail.outbox[-1].body


def test_changing_opening_times_keeps_the_phone_line_and_descriptions(world):
    from directory.models import Schedule
    from directory.testing import ScheduleFactory

    service = world.service
    office = ScheduleFactory(
        service=service, byday="MO,TU,WE,TH,FR", attending_type="in person", description="Appointments only"
    )
    phone = ScheduleFactory(
        service=service,
        byday="MO,TU,WE,TH,FR",
        opens_at=dt.time(9, 30),
        closes_at=dt.time(16, 30),
        attending_type="phone",
        description="Phone line",
    )
    values = services.service_values(service)
    assert values["opening_times"]["MO"] == ["09:00", "17:00"]
    times = dict(values["opening_times"])
    times["FR"] = ["09:00", "13:00"]
    services.update_service(
        service=service,
        data={"opening_times": times},
        user=world.editor,
        context=TEST_CONTEXT,
        expected_version=service.version,
    )
    rows = list(Schedule.objects.filter(service=service).order_by("pk"))
    assert [(r.byday, r.description, r.attending_type) for r in rows] == [
        ("MO,TU,WE,TH", "Appointments only", "in person"),
        ("FR", "Appointments only", "in person"),
        ("MO,TU,WE,TH,FR", "Phone line", "phone"),
    ]
    assert rows[0].public_id == office.public_id
    assert rows[2].public_id == phone.public_id
    assert services.service_values(service)["opening_times"]["FR"] == ["09:00", "13:00"]
