"""The casework pages, per page and per role: inside reach 200, outside 404, signed out -> sign in;
forms keep what was typed; the concurrency message; the whole journey through the test client."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.testing import sign_in
from advice import services
from advice.models import AdviceRequest, Assignment, HealthAdvice
from advice.testing import GOOD_ADVICE, GOOD_SCORES, make_request, make_world, route
from audit.models import AuditEvent
from audit.testing import TEST_CONTEXT
from children.models import ChildOrYoungPerson
from children.testing import ChildFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def client_for(user) -> Client:
    return sign_in(Client(), user)


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month), f"{name}-year": str(day.year)}


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def routed(world):
    advice_request = make_request(world)
    (assignment,) = route(world, advice_request, world.team)
    return advice_request, assignment


def submitted(world, assignment, **extra):
    assignment.refresh_from_db()
    services.submit_advice(
        context=TEST_CONTEXT,
        user=world.clinician,
        assignment=assignment,
        expected_version=assignment.version,
        **{**GOOD_ADVICE, **extra},
    )
    assignment.refresh_from_db()
    return assignment


# --- who may see each page ------------------------------------------------------------------------

PERSONAS = [
    "la_user",
    "other_la_user",
    "dco",
    "dco_admin",
    "other_dco",
    "clinician",
    "manager",
    "trust_manager",
    "other_clinician",
    "sysadmin",
    "school_staff",
    "outsider",
]

# page -> personas that get 200 (everyone else signed in gets 404)
LIST_PAGES = {
    "advice:la-requests": {"la_user", "other_la_user"},
    "advice:request-new": {"la_user", "other_la_user"},
    "advice:dashboard": {"dco", "dco_admin", "other_dco"},
    "advice:triage": {"dco", "dco_admin", "other_dco"},
    "advice:team-inbox": {"clinician", "manager", "trust_manager", "other_clinician"},
}


@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_pages_by_role(world, name):
    for persona in PERSONAS:
        response = client_for(getattr(world, persona)).get(reverse(name))
        expected = 200 if persona in LIST_PAGES[name] else 404
        assert response.status_code == expected, (name, persona)


RECORD_PAGES = {
    # name, kind -> personas with 200
    ("advice:request-detail", "request"): {
        "la_user",
        "dco",
        "dco_admin",
        "clinician",
        "manager",
        "trust_manager",
    },
    ("advice:request-sent", "request"): {
        "la_user",
        "dco",
        "dco_admin",
        "clinician",
        "manager",
        "trust_manager",
    },
    ("advice:assignment-detail", "assignment"): {
        "la_user",
        "dco",
        "dco_admin",
        "clinician",
        "manager",
        "trust_manager",
    },
    ("advice:assignment-not-known", "assignment"): {"clinician", "manager", "trust_manager"},
    ("advice:assignment-advice", "assignment"): {"clinician", "manager", "trust_manager"},
    ("advice:assignment-exception", "assignment"): {
        "dco",
        "dco_admin",
        "clinician",
        "manager",
        "trust_manager",
    },
    ("advice:assignment-quality-check", "assignment"): {"dco", "dco_admin"},
}


@pytest.mark.parametrize(("name", "kind"), RECORD_PAGES)
def test_record_pages_inside_and_outside_reach(world, routed, name, kind):
    advice_request, assignment = routed
    public_id = advice_request.public_id if kind == "request" else assignment.public_id
    for persona in PERSONAS:
        response = client_for(getattr(world, persona)).get(reverse(name, args=[public_id]))
        expected = 200 if persona in RECORD_PAGES[(name, kind)] else 404
        assert response.status_code == expected, (name, persona)


def test_signed_out_people_are_sent_to_sign_in(routed):
    advice_request, assignment = routed
    client = Client()
    urls = [reverse(n) for n in LIST_PAGES] + [
        reverse("advice:request-detail", args=[advice_request.public_id]),
        reverse("advice:request-pdf", args=[advice_request.public_id]),
        reverse("advice:assignment-detail", args=[assignment.public_id]),
        reverse("advice:assignment-quality-check", args=[assignment.public_id]),
        reverse("advice:dashboard-csv", args=["overdue"]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"], url


def test_viewing_a_request_is_audited(world, routed):
    advice_request, _ = routed
    client_for(world.dco).get(reverse("advice:request-detail", args=[advice_request.public_id]))
    event = AuditEvent.objects.filter(action="view", user=world.dco).latest("pk")
    assert event.child_public_id == advice_request.child.public_id
    assert event.object_id == str(advice_request.public_id)


# --- 1. the LA requests advice ----------------------------------------------------------------------


def test_la_requests_advice_for_a_new_child(world):
    client = client_for(world.la_user)
    response = client.post(
        reverse("advice:request-new"),
        {
            "given_name": "Ava",
            "family_name": "Testchild",
            **date_fields("date_of_birth", dt.date(2017, 3, 27)),
            "nhs_number": "999 000 0018",
            "school_or_setting_name": "Brookfield Primary",
            "local_authority": world.la.pk,
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("advice:request-new-details")
    child = ChildOrYoungPerson.objects.get(family_name="Testchild")
    assert child.nhs_number == "9990000018"
    page = client.get(response["Location"])
    assert "Ava Testchild" in page.content.decode()
    response = client.post(
        reverse("advice:request-new-details"),
        {
            **date_fields("request_received_on", TODAY - dt.timedelta(days=20)),
            "clock_start_type": "s36_request",
            **date_fields("decision_to_assess_on", TODAY - dt.timedelta(days=2)),
            "questions": "What are Ava's health needs?",
            "known_health_involvement": "Community paediatrics",
            "attachments": SimpleUploadedFile(
                "parent-views.pdf", b"%PDF-1.4 test", content_type="application/pdf"
            ),
        },
    )
    advice_request = AdviceRequest.objects.get(child=child)
    assert response.status_code == 302
    assert response["Location"] == reverse("advice:request-sent", args=[advice_request.public_id])
    assert advice_request.due_on == TODAY + dt.timedelta(weeks=6)
    assert advice_request.attachments.get().name == "parent-views.pdf"
    assessment = advice_request.assessment
    assert assessment.clock_start_date == TODAY - dt.timedelta(days=20)
    assert assessment.final_plan_due == assessment.clock_start_date + dt.timedelta(weeks=20)
    sent = client.get(response["Location"]).content.decode()
    assert advice_request.reference in sent and str(advice_request.due_on.year) in sent
    listing = client.get(reverse("advice:la-requests")).content.decode()
    assert advice_request.reference in listing and "Awaiting triage" in listing


def test_nhs_number_is_checked_and_input_kept(world):
    response = client_for(world.la_user).post(
        reverse("advice:request-new"),
        {
            "given_name": "Ava",
            "family_name": "Typedname",
            **date_fields("date_of_birth", dt.date(2017, 3, 27)),
            "nhs_number": "999 000 0019",
            "local_authority": world.la.pk,
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "This is not a valid NHS number" in page
    assert 'value="Typedname"' in page and 'value="27"' in page and 'value="999 000 0019"' in page
    assert "<title>Error:" in page


def test_incomplete_date_has_a_clear_message(world):
    response = client_for(world.la_user).post(
        reverse("advice:request-new"),
        {"given_name": "A", "family_name": "B", "date_of_birth-day": "27", "date_of_birth-year": "2017"},
    )
    assert "Date of birth must include a month" in response.content.decode()


def test_likely_match_is_offered_before_creating(world):
    existing = ChildFactory(
        given_name="Ava", family_name="Matchme", date_of_birth=dt.date(2017, 3, 27), local_authority=world.la
    )
    client = client_for(world.la_user)
    response = client.post(
        reverse("advice:request-new"),
        {
            "given_name": "ava ",
            "family_name": "MATCHME",
            **date_fields("date_of_birth", dt.date(2017, 3, 27)),
            "local_authority": world.la.pk,
        },
    )
    assert response["Location"] == reverse("advice:request-new-match")
    page = client.get(response["Location"]).content.decode()
    assert "Is this the same child?" in page
    response = client.post(reverse("advice:request-new-match"), {"same": "yes"})
    assert response["Location"] == reverse("advice:request-new-details")
    assert ChildOrYoungPerson.objects.filter(family_name__iexact="matchme").count() == 1
    assert client.session["advice_new_child"]["child"] == str(existing.public_id)


def test_request_form_keeps_input_on_error(world):
    client = client_for(world.la_user)
    client.post(
        reverse("advice:request-new"),
        {
            "given_name": "Ava",
            "family_name": "Keeper",
            **date_fields("date_of_birth", dt.date(2017, 3, 27)),
            "local_authority": world.la.pk,
        },
    )
    response = client.post(
        reverse("advice:request-new-details"),
        {
            **date_fields("request_received_on", TODAY + dt.timedelta(days=3)),
            "clock_start_type": "s36_request",
            "questions": "Typed question stays",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "must be today or in the past" in page
    assert "Typed question stays" in page
    assert AdviceRequest.objects.count() == 0


def test_attachment_type_is_checked(world):
    client = client_for(world.la_user)
    client.post(
        reverse("advice:request-new"),
        {
            "given_name": "Ava",
            "family_name": "Filer",
            **date_fields("date_of_birth", dt.date(2017, 3, 27)),
            "local_authority": world.la.pk,
        },
    )
    response = client.post(
        reverse("advice:request-new-details"),
        {
            **date_fields("request_received_on", TODAY),
            "clock_start_type": "s36_request",
            "questions": "Q",
            "attachments": SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream"),
        },
    )
    assert "run.exe must be a PDF" in response.content.decode()


# --- 2. the DCO routes it ---------------------------------------------------------------------------


def test_dco_routes_to_teams_grouped_by_trust(world):
    advice_request = make_request(world)
    client = client_for(world.dco)
    page = client.get(reverse("advice:request-detail", args=[advice_request.public_id])).content.decode()
    assert "Test Community Trust" in page and "Final EHC plan (20 weeks)" in page
    response = client.post(
        reverse("advice:request-route", args=[advice_request.public_id]),
        {
            "lawful_basis": "legal_obligation",
            "version": advice_request.version,
            f"teams_{world.trust.pk}": [world.team.pk, world.other_team.pk],
            **date_fields("received_on", TODAY),
            "triage_notes": "Both teams know the family",
        },
    )
    assert response.status_code == 302
    assert set(advice_request.assignments.values_list("team_id", flat=True)) == {
        world.team.pk,
        world.other_team.pk,
    }
    advice_request.refresh_from_db()
    assert advice_request.status == AdviceRequest.Status.ROUTED


def test_routing_needs_a_team_and_keeps_notes(world):
    advice_request = make_request(world)
    response = client_for(world.dco).post(
        reverse("advice:request-route", args=[advice_request.public_id]),
        {
            "lawful_basis": "legal_obligation",
            "version": advice_request.version,
            **date_fields("received_on", TODAY),
            "triage_notes": "Keep me",
        },
    )
    page = response.content.decode()
    assert "Choose at least one provider team" in page and "Keep me" in page


def test_concurrent_routing_is_told_and_keeps_input(world):
    advice_request = make_request(world)
    stale = advice_request.version
    route(world, advice_request, world.other_team)  # someone else routes it first
    response = client_for(world.dco_admin).post(
        reverse("advice:request-route", args=[advice_request.public_id]),
        {
            "lawful_basis": "legal_obligation",
            "version": stale,
            f"teams_{world.trust.pk}": [world.team.pk],
            **date_fields("received_on", TODAY),
            "triage_notes": "My careful notes",
        },
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this since you opened it" in page
    assert "My careful notes" in page
    assert "Occupational therapy" in page  # their change is shown
    assert not advice_request.assignments.filter(team=world.team).exists()


def test_la_cannot_route(world):
    advice_request = make_request(world)
    response = client_for(world.la_user).post(
        reverse("advice:request-route", args=[advice_request.public_id]),
        {
            "lawful_basis": "legal_obligation",
            "version": advice_request.version,
            f"teams_{world.trust.pk}": [world.team.pk],
        },
    )
    assert response.status_code == 404


# --- 3. the team answers ------------------------------------------------------------------------------


def test_team_inbox_and_accept(world, routed):
    advice_request, assignment = routed
    client = client_for(world.clinician)
    inbox = client.get(reverse("advice:team-inbox")).content.decode()
    assert advice_request.reference in inbox and "days left" in inbox
    response = client.post(
        reverse("advice:assignment-accept", args=[assignment.public_id]), {"version": assignment.version}
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACCEPTED


def test_not_known_needs_a_reason(world, routed):
    _, assignment = routed
    client = client_for(world.clinician)
    url = reverse("advice:assignment-not-known", args=[assignment.public_id])
    page = client.post(url, {"version": assignment.version, "reason": "short"}).content.decode()
    assert "Explain why" in page and ">short</textarea>" in page
    response = client.post(
        url, {"version": assignment.version, "reason": "No referral received; health assessment offered"}
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.NOT_KNOWN and assignment.returned_on == TODAY


def advice_post(assignment, **extra):
    data = {
        "version": assignment.version,
        "need-TOTAL_FORMS": "2",
        "need-INITIAL_FORMS": "0",
        "need-0-description": "Expressive language difficulty",
        "need-0-relates_to_sen": "on",
        "need-1-description": "",
        "outcome-TOTAL_FORMS": "1",
        "outcome-INITIAL_FORMS": "0",
        "outcome-0-outcome": "Asks for help with three-word sentences",
        "outcome-0-by_when": "July 2027",
        "provision-TOTAL_FORMS": "2",
        "provision-INITIAL_FORMS": "0",
        "provision-0-what": "Direct speech and language therapy",
        "provision-0-who": "Speech and language therapist (Band 6)",
        "provision-0-how_often": "Weekly, 30 minutes",
        "provision-0-how_long": "12 months",
        "provision-0-where": "School",
        "provision-0-section": "F",
        "provision-0-commissioned": "on",
        "author_name": "Sam Writer",
        "author_profession": "Speech and language therapist",
        "author_registration_body": "HCPC",
        "author_registration_number": "SL012345",
        **date_fields("advice_date", TODAY),
    }
    data.update(extra)
    return data


def test_submit_structured_advice(world, routed):
    _, assignment = routed
    client = client_for(world.clinician)
    url = reverse("advice:assignment-advice", args=[assignment.public_id])
    assert client.get(url).status_code == 200
    response = client.post(url, advice_post(assignment))
    assert response.status_code == 302, response.content.decode()[:3000]
    advice = HealthAdvice.objects.get(assignment=assignment)
    assert advice.provision[0]["how_often"] == "Weekly, 30 minutes" and advice.provision[0]["section"] == "F"
    assert advice.needs == [{"description": "Expressive language difficulty", "relates_to_sen": True}]
    assert advice.author_registration_number == "SL012345"


def test_add_another_row_keeps_what_was_typed(world, routed):
    _, assignment = routed
    client = client_for(world.clinician)
    url = reverse("advice:assignment-advice", args=[assignment.public_id])
    response = client.post(url, advice_post(assignment, add_provision="1"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Provision 3" in page and "Direct speech and language therapy" in page
    assert (
        'name="provision-TOTAL_FORMS" value="3"' in page or 'value="3" name="provision-TOTAL_FORMS"' in page
    )
    assert "There is a problem" not in page
    assert not HealthAdvice.objects.exists()


def test_incomplete_provision_is_refused_and_kept(world, routed):
    _, assignment = routed
    response = client_for(world.clinician).post(
        reverse("advice:assignment-advice", args=[assignment.public_id]),
        advice_post(assignment, **{"provision-0-how_often": "", "provision-0-section": ""}),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter how often provision 1 is given" in page
    assert "Choose section F (educates or trains) or section G for provision 1" in page
    assert "Direct speech and language therapy" in page and "SL012345" in page


def test_every_advice_error_is_shown_at_once_naming_the_field(world, routed):
    """One round: the missing need and outcome with the fields' own errors, each in the summary
    linking to its field."""
    _, assignment = routed
    response = client_for(world.clinician).post(
        reverse("advice:assignment-advice", args=[assignment.public_id]),
        advice_post(
            assignment,
            **{
                "need-0-description": "",
                "outcome-0-outcome": "",
                "author_name": "",
                "advice_date-day": "",
                "advice_date-month": "",
                "advice_date-year": "",
            },
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    summary = " ".join(page.split('class="nhsuk-error-summary"')[1].split("</ul>")[0].split())
    for message, target in (
        ("Enter at least one health need", "#id_need-0-description"),
        ("Enter at least one outcome", "#id_outcome-0-outcome"),
        ("Enter the name of the professional who gave the advice", "#id_author_name"),
        ("Enter the date of the advice", "#id_advice_date"),
    ):
        assert f'href="{target}" > {message} </a>' in summary, message
    assert 'id="id_advice_date"' in page  # the link lands on the day box
    assert "This field is required" not in page
    assert not HealthAdvice.objects.exists()


def test_request_form_errors_name_the_field(world):
    client = client_for(world.la_user)
    child = ChildFactory(local_authority=world.la)
    session = client.session
    session["advice_new_child"] = {"child": str(child.public_id), "local_authority": world.la.pk}
    session.save()
    page = client.post(reverse("advice:request-new-details"), {"clock_start_type": "s36_request"})
    text = page.content.decode()
    assert "Enter the date the local authority received the request" in text
    assert "Enter when did" not in text and "This field is required" not in text
    assert 'href="#id_request_received_on"' in text and 'href="#id_questions"' in text
    partial = client.post(
        reverse("advice:request-new-details"),
        {"clock_start_type": "s36_request", "request_received_on-day": "4", "questions": "Needs?"},
    )
    assert "The date the local authority received the request must include a month and a year" in (
        partial.content.decode()
    )


def test_concurrent_advice_is_told_and_kept(world, routed):
    _, assignment = routed
    stale = assignment.version
    services.accept_assignment(
        context=TEST_CONTEXT, user=world.manager, assignment=assignment, expected_version=stale
    )
    response = client_for(world.clinician).post(
        reverse("advice:assignment-advice", args=[assignment.public_id]),
        advice_post(assignment, version=stale),
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this since you opened it" in page
    assert "SL012345" in page and "Accepted" in page


def test_record_exception_shows_the_clock_unchanged(world, routed):
    _, assignment = routed
    client = client_for(world.clinician)
    url = reverse("advice:assignment-exception", args=[assignment.public_id])
    page = client.get(url).content.decode()
    assert "A waiting list or a school holiday is not an exception" in page
    bad = client.post(
        url,
        {
            "version": assignment.version,
            "code": "missed_appointment",
            **date_fields("start_on", TODAY - dt.timedelta(days=30)),
            "reason": "Not brought",
            "approved_by": world.manager.pk,
        },
    )
    assert "must fall within the 6-week period" in bad.content.decode()
    response = client.post(
        url,
        {
            "version": assignment.version,
            "code": "missed_appointment",
            **date_fields("start_on", TODAY),
            "reason": "Not brought",
            "approved_by": world.dco.pk,
        },
    )
    assert response.status_code == 302
    due = assignment.due_on
    assignment.refresh_from_db()
    assert assignment.due_on == due and assignment.exceptions.count() == 1


# --- 4. quality check and 5. the LA receives it ------------------------------------------------------


def test_quality_check_rework_then_release(world, routed):
    advice_request, assignment = routed
    assignment = submitted(world, assignment)
    client = client_for(world.dco)
    url = reverse("advice:assignment-quality-check", args=[assignment.public_id])
    page = client.get(url).content.decode()
    assert "Q13" in page and "Direct speech and language therapy" in page
    assert "Section F: 1; section G: 0." in page and "HCPC SL000000" in page  # the facts beside the checklist
    missing = client.post(url, {"version": assignment.version, "score_Q1": "2", "decision": "rework"})
    assert "Give the reasons for returning the advice to the author" in missing.content.decode()
    response = client.post(
        url,
        {
            "version": assignment.version,
            "score_Q1": "1",
            "decision": "rework",
            "comments": "Quantify provision",
        },
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.REWORK_REQUESTED
    assignment = submitted(world, assignment, response="Quantified.")
    scores = {f"score_{k}": str(v) for k, v in GOOD_SCORES.items()}
    response = client.post(url, {"version": assignment.version, "decision": "release", **scores})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.RELEASED and assignment.returned_on == TODAY
    la_page = client_for(world.la_user).get(reverse("advice:request-detail", args=[advice_request.public_id]))
    assert "Released advice" in la_page.content.decode()
    assert "Weekly, 30 minutes" in la_page.content.decode()
    # The released advice, provision table and all, takes the full width, outside the two-thirds column.
    released = _enclosing_columns(la_page.content.decode(), "<h2>Released advice</h2>")
    assert released == ["nhsuk-grid-column-full"]


def test_advice_takes_the_full_width_on_the_assignment_and_quality_check_pages(world, routed):
    _, assignment = routed
    assignment = submitted(world, assignment)
    qc_url = reverse("advice:assignment-quality-check", args=[assignment.public_id])
    client_for(world.dco).post(
        qc_url, {"version": assignment.version, "decision": "rework", "comments": "Say how long."}
    )
    assignment = submitted(world, assignment, response="Twelve months.")
    detail_url = reverse("advice:assignment-detail", args=[assignment.public_id])
    for user in (world.dco, world.clinician):
        page = client_for(user).get(detail_url).content.decode()
        assert "Weekly, 30 minutes" in page
        # The advice, six-column provision table and all, is a full-width row; the rest stays two-thirds.
        assert _enclosing_columns(page, "<h3>Provision required</h3>") == ["nhsuk-grid-column-full"]
        assert _enclosing_columns(page, "<h2>What the LA is asking</h2>") == ["nhsuk-grid-column-two-thirds"]
        assert _enclosing_columns(page, "<h2>Quality checks</h2>") == ["nhsuk-grid-column-two-thirds"]
        assert _enclosing_columns(page, "<footer") == []  # every row it opens is closed
    page = client_for(world.dco).get(qc_url).content.decode()
    assert "Weekly, 30 minutes" in page
    assert _enclosing_columns(page, "<h3>Provision required</h3>") == []  # no narrower column around it
    assert _enclosing_columns(page, "<footer") == []


def _enclosing_columns(html: str, marker: str) -> list[str]:
    """The NHS.UK grid columns the element starting with `marker` is inside, outermost first."""
    from html.parser import HTMLParser

    class Columns(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.open: list[str] = []
            self.found: list[str] | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "div":
                classes = (dict(attrs).get("class") or "").split()
                self.open.append(next((c for c in classes if c.startswith("nhsuk-grid-column")), ""))

        def handle_endtag(self, tag: str) -> None:
            if tag == "div":
                self.open.pop()

    parser = Columns()
    parser.feed(html[: html.index(marker)])
    return [c for c in parser.open if c]


def test_la_does_not_see_unreleased_advice(world, routed):
    advice_request, assignment = routed
    submitted(world, assignment)
    la = client_for(world.la_user)
    assert (
        "Weekly, 30 minutes"
        not in la.get(reverse("advice:request-detail", args=[advice_request.public_id])).content.decode()
    )
    assert (
        "Weekly, 30 minutes"
        not in la.get(reverse("advice:assignment-detail", args=[assignment.public_id])).content.decode()
    )
    assert la.get(reverse("advice:request-pdf", args=[advice_request.public_id])).status_code == 404


def test_released_advice_pdf_has_real_text(world, routed):
    import io

    from pypdf import PdfReader

    advice_request, assignment = routed
    assignment = submitted(world, assignment)
    services.release_advice(
        context=TEST_CONTEXT,
        user=world.dco,
        assignment=assignment,
        expected_version=assignment.version,
        scores=GOOD_SCORES,
    )
    response = client_for(world.la_user).get(reverse("advice:request-pdf", args=[advice_request.public_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert advice_request.reference in text
    assert "Provision required" in text and "Weekly, 30 minutes" in text
    assert "SL000000" in text and advice_request.child.full_name in text
    # Needs and outcomes are bulleted lists (a real bullet character, not a typed "- ").
    assert "\u2022 Difficulty with expressive language" in text
    assert "\u2022 Uses three-word sentences" in text and "- Uses three-word" not in text
    assert reader.metadata.title == f"Health advice {advice_request.reference}"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"

    def titles(items):
        for item in items:
            yield from titles(item) if isinstance(item, list) else [item.title]

    bookmarks = list(titles(reader.outline))
    assert bookmarks[:2] == [f"Health advice {advice_request.reference}", "Child or young person"]
    assert "Provision required" in bookmarks
    assert AuditEvent.objects.filter(action="export", user=world.la_user).exists()


def test_page_titles_have_one_h1(world, routed):
    advice_request, assignment = routed
    for user, url in [
        (world.la_user, reverse("advice:la-requests")),
        (world.dco, reverse("advice:dashboard")),
        (world.dco, reverse("advice:request-detail", args=[advice_request.public_id])),
        (world.clinician, reverse("advice:assignment-detail", args=[assignment.public_id])),
        (world.clinician, reverse("advice:assignment-advice", args=[assignment.public_id])),
    ]:
        page = client_for(user).get(url).content.decode()
        assert len(re.findall(r"<h1[ >]", page)) == 1, url


def test_a_different_child_goes_back_with_what_was_typed(world):
    ChildFactory(
        given_name="Ava", family_name="Twin", date_of_birth=dt.date(2017, 3, 27), local_authority=world.la
    )
    client = client_for(world.la_user)
    client.post(
        reverse("advice:request-new"),
        {
            "given_name": "Ava",
            "family_name": "Twin",
            **date_fields("date_of_birth", dt.date(2017, 3, 27)),
            "school_or_setting_name": "Typed School",
            "local_authority": world.la.pk,
        },
    )
    response = client.post(reverse("advice:request-new-match"), {"same": "no"})
    assert response["Location"] == reverse("advice:request-new") + "?change=1"
    page = client.get(response["Location"]).content.decode()
    assert 'value="Twin"' in page and 'value="27"' in page and 'value="2017"' in page
    assert "enter their NHS number" in page
    assert ChildOrYoungPerson.objects.filter(family_name="Twin").count() == 1


def test_la_list_filters_by_status(world, routed):
    advice_request, _ = routed
    waiting = make_request(world)
    client = client_for(world.la_user)
    page = client.get(reverse("advice:la-requests"), {"status": "submitted"}).content.decode()
    assert waiting.reference in page and advice_request.reference not in page
    other = make_request(world, la=world.other_la)
    assert other.reference not in client.get(reverse("advice:la-requests")).content.decode()


def test_concurrent_quality_check_is_told_and_kept(world, routed):
    _, assignment = routed
    assignment = submitted(world, assignment)
    stale = assignment.version
    services.release_advice(
        context=TEST_CONTEXT,
        user=world.dco_admin,
        assignment=assignment,
        expected_version=stale,
        scores=GOOD_SCORES,
    )
    response = client_for(world.dco).post(
        reverse("advice:assignment-quality-check", args=[assignment.public_id]),
        {"version": stale, "score_Q1": "1", "decision": "rework", "comments": "My typed comments"},
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this since you opened it" in page
    assert "My typed comments" in page and "Released to the LA" in page


def test_attachments_download_within_reach(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    advice_request = make_request(world)
    from advice.models import Attachment

    upload = SimpleUploadedFile("letter.pdf", b"%PDF-1.4 parent letter", content_type="application/pdf")
    attachment = Attachment.objects.create(
        advice_request=advice_request, file=upload, name="letter.pdf", content_type="application/pdf", size=22
    )
    (assignment,) = route(world, advice_request, world.team)
    url = reverse("advice:attachment", args=[attachment.public_id])
    response = client_for(world.clinician).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 parent letter"
    assert response["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(action="export", user=world.clinician).exists()
    for persona in ("other_clinician", "other_la_user", "other_dco", "sysadmin"):
        assert client_for(getattr(world, persona)).get(url).status_code == 404, persona
    assert Client().get(url).status_code == 302

    assignment = submitted(world, assignment)
    advice = assignment.advice.get()
    report = Attachment.objects.create(
        advice=advice, file=SimpleUploadedFile("report.pdf", b"%PDF-1.4 report"), name="report.pdf", size=15
    )
    report_url = reverse("advice:attachment", args=[report.public_id])
    assert client_for(world.la_user).get(report_url).status_code == 404  # not released yet
    assert client_for(world.dco).get(report_url).status_code == 200
    services.release_advice(
        context=TEST_CONTEXT,
        user=world.dco,
        assignment=assignment,
        expected_version=assignment.version,
        scores=GOOD_SCORES,
    )
    assert client_for(world.la_user).get(report_url).status_code == 200


def test_each_team_can_receive_it_on_its_own_day(world):
    advice_request = make_request(world, received=TODAY - dt.timedelta(days=5))
    earlier = TODAY - dt.timedelta(days=3)
    response = client_for(world.dco).post(
        reverse("advice:request-route", args=[advice_request.public_id]),
        {
            "lawful_basis": "legal_obligation",
            "version": advice_request.version,
            f"teams_{world.trust.pk}": [world.team.pk, world.other_team.pk],
            **date_fields("received_on", TODAY),
            **date_fields(f"received_on_{world.team.pk}", earlier),
        },
    )
    assert response.status_code == 302
    by_team = {a.team_id: a for a in advice_request.assignments.all()}
    assert by_team[world.team.pk].received_on == earlier
    assert by_team[world.team.pk].due_on == earlier + dt.timedelta(weeks=6)
    assert by_team[world.other_team.pk].received_on == TODAY


def test_a_team_day_before_health_received_it_is_refused_and_nothing_routed(world):
    advice_request = make_request(world, received=TODAY - dt.timedelta(days=1))
    response = client_for(world.dco).post(
        reverse("advice:request-route", args=[advice_request.public_id]),
        {
            "lawful_basis": "legal_obligation",
            "version": advice_request.version,
            f"teams_{world.trust.pk}": [world.team.pk, world.other_team.pk],
            **date_fields("received_on", TODAY),
            **date_fields(f"received_on_{world.team.pk}", TODAY - dt.timedelta(days=10)),
        },
    )
    assert "must be on or after" in response.content.decode()
    assert not advice_request.assignments.exists()


def test_walk_wording_by_when_plurals_and_sizes(world, routed):
    """What a walk through the pages found: "(by By ...)", "1 outcomes", "0 of 1 teams", "(0 KB)"."""
    advice_request, assignment = routed
    outcome = {"outcome": "Joins in group games", "by_when": "By the next annual review"}
    assignment.refresh_from_db()
    services.submit_advice(
        context=TEST_CONTEXT,
        user=world.clinician,
        assignment=assignment,
        expected_version=assignment.version,
        **{**GOOD_ADVICE, "outcomes": [outcome]},
    )
    dco = client_for(world.dco)
    page = dco.get(reverse("advice:assignment-quality-check", args=[assignment.public_id])).content.decode()
    assert "(by the next annual review)" in page and "by By" not in page
    assert "1 outcome, 1 with a time frame" in page and "1 need," in page and "1 provision row," in page
    requests_page = client_for(world.la_user).get(reverse("advice:la-requests")).content.decode()
    assert "0 of 1 team answered" in requests_page
    small = advice_request.attachments.model(name="a.txt", size=300)
    assert small.size_display == "300 bytes"
    assert advice_request.attachments.model(name="b.pdf", size=0).size_display == ""
    assert advice_request.attachments.model(name="c.pdf", size=2_500_000).size_display == "2.4 MB"


def test_triage_mentions_an_open_identity_check(world):
    from children.models import PossibleDuplicate

    advice_request = make_request(world)
    other = ChildFactory(local_authority=world.other_la)
    check = PossibleDuplicate.objects.create(
        new_record=advice_request.child,
        existing=other,
        local_authority=world.la,
        reason=PossibleDuplicate.Reason.NAME_AND_BIRTH,
    )
    page = client_for(world.dco).get(reverse("advice:triage")).content.decode()
    assert "Identity check still open" in page and "Possible duplicate" in page
    assert reverse("children:possible-duplicate", args=[check.public_id]) in page
    detail = client_for(world.dco).get(reverse("advice:request-detail", args=[advice_request.public_id]))
    assert "Identity check still open" in detail.content.decode()
    la_page = client_for(world.la_user).get(reverse("advice:request-detail", args=[advice_request.public_id]))
    assert "Identity check" not in la_page.content.decode()


def test_quality_check_offers_does_not_apply_only_where_the_guidance_says(world, routed):
    _, assignment = routed  # the factory's child is below Year 9
    assignment = submitted(world, assignment)
    page = client_for(world.dco).get(reverse("advice:assignment-quality-check", args=[assignment.public_id]))
    html = page.content.decode()
    for key in ("Q10", "Q11", "Q13"):
        assert f'name="score_{key}" type="radio" value="n/a"' in html, key
    for key in ("Q1", "Q5", "Q12"):
        assert f'name="score_{key}" type="radio" value="2"' in html, key
        assert f'name="score_{key}" type="radio" value="n/a"' not in html, key
    assert "Does not apply before Year 9." in html


def test_release_names_every_unscored_criterion(world, routed):
    _, assignment = routed
    assignment = submitted(world, assignment)
    url = reverse("advice:assignment-quality-check", args=[assignment.public_id])
    response = client_for(world.dco).post(
        url, {"version": assignment.version, "score_Q1": "2", "decision": "release"}
    )
    page = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert 'href="#id_score_Q2" > Score Q2 before you release the advice </a>' in page
    assert "Score Q13 or choose Does not apply before you release the advice" in page
    assert page.count("before you release the advice </a>") == 12
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ADVICE_SUBMITTED


def test_returned_advice_is_answered_by_the_author(world, routed):
    _, assignment = routed
    assignment = submitted(world, assignment)
    dco = client_for(world.dco)
    qc_url = reverse("advice:assignment-quality-check", args=[assignment.public_id])
    dco.post(
        qc_url,
        {"version": assignment.version, "decision": "rework", "comments": "Say how long therapy lasts."},
    )
    assignment.refresh_from_db()
    team = client_for(world.clinician)
    detail = team.get(reverse("advice:assignment-detail", args=[assignment.public_id])).content.decode()
    assert "returned the advice to you" in detail and "Say how long therapy lasts." in detail
    url = reverse("advice:assignment-advice", args=[assignment.public_id])
    form_page = team.get(url).content.decode()
    assert "Your answer to the DCO service" in form_page
    unanswered = team.post(url, advice_post(assignment))
    assert "Answer the DCO service&#39;s reasons" in unanswered.content.decode() or (
        "Answer the DCO service's reasons" in unanswered.content.decode()
    )
    response = team.post(url, advice_post(assignment, response="Therapy lasts 12 months, reviewed termly."))
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ADVICE_SUBMITTED
    check = assignment.quality_checks.get()
    assert check.author_response == "Therapy lasts 12 months, reviewed termly."
    qc_page = dco.get(qc_url).content.decode()
    assert "Returned to the author before" in qc_page and "Therapy lasts 12 months" in qc_page


def _child_born(client, world, born):
    client.post(
        reverse("advice:request-new"),
        {
            "given_name": "Ava",
            "family_name": "Plausible",
            **date_fields("date_of_birth", born),
            "local_authority": world.la.pk,
        },
    )


def test_the_date_received_cannot_be_before_the_child_was_born(world):
    client = client_for(world.la_user)
    _child_born(client, world, dt.date(2019, 2, 14))
    page = client.post(
        reverse("advice:request-new-details"),
        {
            **date_fields("request_received_on", dt.date(2018, 4, 3)),
            "clock_start_type": "s36_request",
            "questions": "Q",
            "confirm_old_date": "on",
        },
    ).content.decode()
    assert "cannot be before the child&#39;s date of birth (14 February 2019)" in page
    assert "The date the local authority received the request" in page
    assert AdviceRequest.objects.count() == 0


def test_a_date_received_over_a_year_ago_must_be_confirmed(world):
    client = client_for(world.la_user)
    _child_born(client, world, dt.date(2017, 3, 27))
    old = TODAY - dt.timedelta(days=400)
    post = {**date_fields("request_received_on", old), "clock_start_type": "s36_request", "questions": "Q"}
    page = client.post(reverse("advice:request-new-details"), post).content.decode()
    assert "The date the local authority received the request is more than a year ago" in page
    assert AdviceRequest.objects.count() == 0
    response = client.post(reverse("advice:request-new-details"), {**post, "confirm_old_date": "on"})
    assert response.status_code == 302
    assert AdviceRequest.objects.count() == 1


def test_a_child_over_25_cannot_be_requested_for(world):
    client = client_for(world.la_user)
    response = client.post(
        reverse("advice:request-new"),
        {
            "given_name": "Ava",
            "family_name": "Grown",
            **date_fields("date_of_birth", dt.date(1990, 1, 1)),
            "local_authority": world.la.pk,
        },
    )
    assert response.status_code == 200
    assert "for children and young people up to the age of 25" in response.content.decode()
