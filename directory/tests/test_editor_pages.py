"""The editor pages under /manage/: who may see them, and what a user notices."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.testing import sign_in
from audit.testing import TEST_CONTEXT
from directory import services
from directory.models import ChangeProposal, ProblemReport, Service
from directory.testing import ServiceFactory
from directory.tests.editor_personas import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def one_h1(response):
    html = response.content.decode()
    assert len(re.findall(r"<h1[\s>]", html)) == 1, html
    return html


def edit_data(service, **changes):
    """What the edit form posts for a service, with some fields changed."""
    values = services.service_values(service)
    data = {
        "version": str(service.version),
        "name": values["name"],
        "description": values["description"],
        "eligibility_description": values["eligibility_description"],
        "minimum_age": values["minimum_age"] if values["minimum_age"] is not None else "",
        "maximum_age": values["maximum_age"] if values["maximum_age"] is not None else "",
        "referral": values["referral"],
        "application_process": values["application_process"],
        "is_free": "yes" if values["is_free"] else "no",
        "fees_description": values["fees_description"],
        "email": values["email"],
        "phone": values["phone"],
        "url": values["url"],
        "status": values["status"],
        "alert": values["alert"],
        "needs": values["needs"],
        "categories": values["categories"],
        "delivery": values["delivery"],
        "areas": values["areas"],
    }
    data.update(changes)
    return data


EDITOR_URLS = [
    "directory:editor-home",
    "directory:editor-services",
    "directory:editor-service-create",
    "directory:editor-proposals",
    "directory:editor-stale",
    "directory:editor-problems",
    "directory:editor-import",
    "directory:editor-export",
]


@pytest.mark.parametrize("name", EDITOR_URLS)
def test_anonymous_is_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


def test_anonymous_is_sent_to_sign_in_from_a_service(client, world):
    response = client.get(reverse("directory:editor-service", args=[world.service.public_id]))
    assert response.status_code == 302 and "sign-in" in response.url


@pytest.mark.parametrize("name", EDITOR_URLS)
def test_staff_without_an_editor_role_get_403(client, world, name):
    sign_in(client, world.caseworker)
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize(
    "name", ["directory:editor-problems", "directory:editor-import", "directory:editor-export"]
)
def test_provider_editors_cannot_use_editor_only_pages(client, world, name):
    sign_in(client, world.provider_editor)
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", EDITOR_URLS)
def test_editor_pages_render_with_one_h1(client, world, name):
    sign_in(client, world.editor)
    response = client.get(reverse(name))
    assert response.status_code == 200
    one_h1(response)


def test_home_counts_for_an_editor(client, world):
    world.service.last_reviewed = dt.date(2020, 1, 1)
    world.service.save()
    services.propose_change(
        service=world.service,
        provider=world.provider,
        data={"name": "X"},
        user=world.provider_editor,
        context=TEST_CONTEXT,
    )
    services.record_problem_report(service=world.service, topic="other", details="Hmm")
    sign_in(client, world.editor)
    html = one_h1(client.get(reverse("directory:editor-home")))
    assert "1 change waiting for approval" in html
    assert "1 new problem report" in html
    assert "1 record due for review" in html
    assert "Services: 2" in html


def test_provider_editor_home_shows_only_their_services(client, world):
    sign_in(client, world.provider_editor)
    html = one_h1(client.get(reverse("directory:editor-home")))
    assert "Your services: 2" in html
    assert "problem report" not in html
    listing = client.get(reverse("directory:editor-services")).content.decode()
    assert "Speech and language drop-in" in listing
    assert "Another provider" not in listing


def test_provider_editor_cannot_open_another_providers_service(client, world):
    sign_in(client, world.provider_editor)
    url = reverse("directory:editor-service", args=[world.other_provider_service.public_id])
    assert client.get(url).status_code == 404
    assert client.post(url, edit_data(world.other_provider_service, name="Hijack")).status_code == 404
    world.other_provider_service.refresh_from_db()
    assert world.other_provider_service.name == "Another provider's club"


def test_other_area_editor_cannot_open_the_service(client, world):
    sign_in(client, world.other_editor)
    assert client.get(reverse("directory:editor-service", args=[world.service.public_id])).status_code == 404


def test_editor_edits_directly_and_history_records_it(client, world):
    sign_in(client, world.editor)
    url = reverse("directory:editor-service", args=[world.service.public_id])
    data = edit_data(
        world.service, name="Speech drop-in", needs=["autism"], mo_opens="09:00", mo_closes="12:30"
    )
    response = client.post(url, data)
    assert response.status_code == 302
    world.service.refresh_from_db()
    assert world.service.name == "Speech drop-in"
    history = client.get(reverse("directory:editor-service-history", args=[world.service.public_id]))
    html = one_h1(history)
    assert "Edie Editor" in html
    assert "Speech and language drop-in" in html and "Speech drop-in" in html
    assert "Autism" in html
    assert "Monday 09:00 to 12:30" in html


def test_edit_form_keeps_what_was_typed_on_error(client, world):
    sign_in(client, world.editor)
    url = reverse("directory:editor-service", args=[world.service.public_id])
    response = client.post(url, edit_data(world.service, name="", description="Typed words", mo_opens="9am"))
    html = one_h1(response)
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "<title>Error: " in html
    assert "Typed words" in html
    assert 'value="9am"' in html
    assert "Enter a time like 09:00" in html


def test_second_writer_is_told_and_nothing_is_lost(client, world, django_user_model):
    service = world.service
    opened = edit_data(service)
    # Someone else saves first.
    services.update_service(
        service=service,
        data={"alert": "Closed on Friday"},
        user=world.other_editor,
        context=TEST_CONTEXT,
        expected_version=service.version,
    )
    sign_in(client, world.editor)
    url = reverse("directory:editor-service", args=[service.public_id])
    response = client.post(url, {**opened, "name": "My new name"})
    html = one_h1(response)
    assert response.status_code == 409
    assert "Someone else changed this since you opened it" in html
    assert "Closed on Friday" in html  # their change is shown...
    assert 'value="My new name"' in html  # ...and my typing is kept
    service.refresh_from_db()
    assert service.name == "Speech and language drop-in"  # nothing written yet
    # Submitting the merged form again keeps both changes.
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    response = client.post(
        url, {**opened, "version": version, "name": "My new name", "alert": "Closed on Friday"}
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name == "My new name"
    assert service.alert == "Closed on Friday"


def test_provider_editor_proposes_and_editor_sees_diff_then_approves(
    client, world, django_capture_on_commit_callbacks
):
    sign_in(client, world.provider_editor)
    url = reverse("directory:editor-service", args=[world.service.public_id])
    response = client.post(
        url, {**edit_data(world.service, name="Speech drop-in for under 5s"), "note": "Renamed"}
    )
    assert response.status_code == 302
    world.service.refresh_from_db()
    assert world.service.name == "Speech and language drop-in"  # a proposal, not an edit
    proposal = ChangeProposal.objects.get()
    # The provider editor cannot approve it.
    assert (
        client.post(reverse("directory:editor-proposal-approve", args=[proposal.public_id])).status_code
        == 404
    )
    client.logout()
    sign_in(client, world.editor)
    html = one_h1(client.get(reverse("directory:editor-proposal", args=[proposal.public_id])))
    assert ">Current<" in html and ">Proposed<" in html
    assert "Speech drop-in for under 5s" in html
    assert "Changed" in html and "No change" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("directory:editor-proposal-approve", args=[proposal.public_id]),
            {"version": proposal.version, "service_version": world.service.version, "note": ""},
        )
    assert response.status_code == 302
    world.service.refresh_from_db()
    assert world.service.name == "Speech drop-in for under 5s"
    newest = world.service.history.order_by("-history_id").first()
    assert newest.history_user == world.editor
    assert mail.outbox[-1].to == [world.provider_editor.email]


def test_reject_needs_a_reason_and_leaves_the_service_unchanged(client, world):
    proposal = services.propose_change(
        service=world.service,
        provider=world.provider,
        data={"name": "Nope"},
        user=world.provider_editor,
        context=TEST_CONTEXT,
    )
    sign_in(client, world.editor)
    url = reverse("directory:editor-proposal-reject", args=[proposal.public_id])
    html = one_h1(client.post(url, {"version": proposal.version, "reason": ""}))
    assert "Enter a reason for not approving the change" in html
    assert client.post(url, {"version": proposal.version, "reason": "Duplicate"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ChangeProposal.Status.REJECTED
    world.service.refresh_from_db()
    assert world.service.name == "Speech and language drop-in"


def test_proposal_page_flags_a_conflict(client, world):
    proposal = services.propose_change(
        service=world.service,
        provider=world.provider,
        data={**services.service_values(world.service), "name": "Provider name"},
        user=world.provider_editor,
        context=TEST_CONTEXT,
    )
    services.update_service(
        service=world.service,
        data={"name": "Editor name"},
        user=world.editor,
        context=TEST_CONTEXT,
        expected_version=world.service.version,
    )
    sign_in(client, world.editor)
    html = one_h1(client.get(reverse("directory:editor-proposal", args=[proposal.public_id])))
    assert "This service has changed since the proposal" in html
    assert "Conflict" in html


def test_stale_list_oldest_first_and_mark_reviewed(client, world):
    old = ServiceFactory(name="Oldest", provider=world.provider, last_reviewed=dt.date(2019, 5, 1))
    old.areas.add(world.area)
    never = ServiceFactory(name="Never reviewed", provider=world.provider, last_reviewed=None)
    never.areas.add(world.area)
    fresh = world.service
    sign_in(client, world.editor)
    html = one_h1(client.get(reverse("directory:editor-stale")))
    assert html.index("Never reviewed") < html.index("Oldest")
    assert fresh.name not in html
    response = client.post(
        reverse("directory:editor-service-reviewed", args=[old.public_id]),
        {"next": reverse("directory:editor-stale"), "version": old.version},
    )
    assert response.status_code == 302 and response.url == reverse("directory:editor-stale")
    old.refresh_from_db()
    assert old.last_reviewed == timezone.localdate()
    assert (
        f'href="{reverse("directory:editor-service", args=[old.public_id])}"'
        not in client.get(reverse("directory:editor-stale")).content.decode()
    )


def test_service_list_search_and_stale_filter(client, world):
    world.other_provider_service.last_reviewed = dt.date(2018, 1, 1)
    world.other_provider_service.save()
    sign_in(client, world.editor)
    html = client.get(reverse("directory:editor-services"), {"q": "speech"}).content.decode()
    assert "Speech and language drop-in" in html and "Another provider" not in html
    html = client.get(reverse("directory:editor-services"), {"stale": "on"}).content.decode()
    assert "Another provider" in html and "Speech and language drop-in" not in html


def test_problem_report_queue_and_resolve(client, world, django_capture_on_commit_callbacks):
    report = services.record_problem_report(
        service=world.service,
        topic="out_of_date",
        details="The phone number is wrong",
        reporter_email="parent@example.org",
    )
    sign_in(client, world.editor)
    html = one_h1(client.get(reverse("directory:editor-problems")))
    assert "The phone number is wrong" in html
    url = reverse("directory:editor-problem", args=[report.public_id])
    detail = one_h1(client.get(url))
    assert f'<a href="{reverse("directory:editor-service", args=[world.service.public_id])}">' in detail
    typed = {"version": report.version, "outcome": "resolved"}
    html = one_h1(client.post(url, {**typed, "response": ""}))
    assert "Say what was done about the report" in html
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {**typed, "response": "Updated the number"}).status_code == 302
    report.refresh_from_db()
    assert report.status == ProblemReport.Status.RESOLVED
    assert mail.outbox[-1].to == ["parent@example.org"]


def test_editor_creates_a_service(client, world):
    sign_in(client, world.editor)
    data = edit_data(world.service, name="Brand new club", areas=[str(world.area.public_id)])
    data["provider"] = str(world.provider.public_id)
    response = client.post(reverse("directory:editor-service-create"), data)
    assert response.status_code == 302
    created = Service.objects.get(name="Brand new club")
    assert list(created.areas.all()) == [world.area]


def test_provider_editor_proposes_a_new_service(client, world):
    sign_in(client, world.provider_editor)
    data = edit_data(world.service, name="Brand new club")
    data.pop("areas")
    data["provider"] = str(world.provider.public_id)
    response = client.post(reverse("directory:editor-service-create"), data)
    assert response.status_code == 302
    assert not Service.objects.filter(name="Brand new club").exists()
    assert ChangeProposal.objects.get().service is None


def _every_editor_url():
    import uuid

    from directory import urls

    for pattern in urls.urlpatterns:
        name = getattr(pattern, "name", "") or ""
        if not name.startswith("editor-"):
            continue
        kwargs = {}
        if "public_id" in pattern.pattern.regex.groupindex:
            kwargs["public_id"] = uuid.UUID(int=1)
        if "kind" in pattern.pattern.regex.groupindex:
            kwargs["kind"] = "csv"
        yield reverse(f"directory:{name}", kwargs=kwargs)


@pytest.mark.parametrize("url", list(_every_editor_url()))
def test_every_editor_url_is_guarded(client, url):
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:sign-in"))


@pytest.mark.parametrize(
    "name",
    [
        "directory:editor-services",
        "directory:editor-stale",
        "directory:editor-proposals",
        "directory:editor-problems",
    ],
)
def test_list_pages_use_a_constant_number_of_queries(client, world, name, django_assert_max_num_queries):
    def add(n):
        for i in range(n):
            service = ServiceFactory(provider=world.provider, name=f"Extra {i}", last_reviewed=None)
            service.areas.add(world.area)
            services.propose_change(
                service=service,
                provider=world.provider,
                data={"name": "X"},
                user=world.provider_editor,
                context=TEST_CONTEXT,
            )
            services.record_problem_report(service=service, topic="other", details="Something")

    sign_in(client, world.editor)
    add(2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(name)).status_code == 200
    add(15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse(name)).status_code == 200


def test_editing_one_field_keeps_details_the_form_does_not_show(client, world):
    from directory.models import Schedule
    from directory.testing import CostOptionFactory, ScheduleFactory

    service = world.service
    ScheduleFactory(service=service, byday="MO", attending_type="online", description="Video call")
    for n in range(4):
        CostOptionFactory(service=service, option=f"Option {n}", amount=n + 1)
    sign_in(client, world.editor)
    url = reverse("directory:editor-service", args=[service.public_id])
    page = client.get(url).content.decode()
    assert 'name="cost_5_option"' in page  # every cost option shown, plus one empty row
    data = edit_data(service, name="Renamed", mo_opens="09:00", mo_closes="17:00")
    for n in range(4):
        data[f"cost_{n + 1}_option"] = f"Option {n}"
        data[f"cost_{n + 1}_amount"] = f"{n + 1}.00"
    assert client.post(url, data).status_code == 302
    service.refresh_from_db()
    assert service.name == "Renamed"
    assert service.cost_options.count() == 4
    assert Schedule.objects.get(service=service).attending_type == "online"


def test_provider_editor_withdraws_and_a_decided_proposal_cannot_be_decided_again(client, world):
    proposal = services.propose_change(
        service=world.service,
        provider=world.provider,
        data={"name": "X"},
        user=world.provider_editor,
        context=TEST_CONTEXT,
    )
    sign_in(client, world.provider_editor)
    seen = proposal.version
    withdraw = reverse("directory:editor-proposal-withdraw", args=[proposal.public_id])
    assert client.post(withdraw, {"version": seen}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ChangeProposal.Status.WITHDRAWN
    client.logout()
    sign_in(client, world.editor)
    # The editor's page still showed it pending: told someone else changed it, shown it withdrawn.
    response = client.post(
        reverse("directory:editor-proposal-approve", args=[proposal.public_id]),
        {"version": seen, "service_version": world.service.version, "note": "Typed: fine"},
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this since you opened it" in page and "Withdrawn" in page
    world.service.refresh_from_db()
    assert world.service.name == "Speech and language drop-in"
