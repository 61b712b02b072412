"""The enquiry pages as people use them: the public form (no account, every error at once with what
was typed kept, robots and floods refused), the status check (the same answer for a wrong reference and
a wrong address, wrong guesses throttled), the DCO service's pages, the dashboard and its CSV, and who
gets a 404."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.testing import sign_in
from core.models import RateCount
from enquiries.forms import PublicEnquiryForm
from enquiries.models import Enquiry
from enquiries.testing import submit, take_to
from section23.testing import make_world, notify

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh(settings):
    settings.ENQUIRY_MIN_FILL_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world():
    return make_world()


def _public_data(world: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "started": PublicEnquiryForm.stamp(),
        "website": "",
        "enquirer_role": "parent",
        "enquirer_name": "Sam Example-Parent",
        "relationship": "Father",
        "reply_by": "email",
        "email": "sam.parent@example.org",
        "interpreter": "on",
        "language": "Urdu",
        "local_authority": str(world.la.pk),
        "service_name": "Wheelchair service",
        "kind": "query",
        "theme": "equipment",
        "need": "sensory_physical",
        "details": "When will the new wheelchair be delivered? It has been 6 months.",
        "consent_to_share": "on",
    }
    data.update(overrides)
    return data


def test_a_parent_sends_an_enquiry_without_an_account_and_gets_a_reference(world, client):
    page = client.get(reverse("enquiries:public-new"))
    assert page.status_code == 200 and b"Send your enquiry" in page.content
    response = client.post(reverse("enquiries:public-new"), _public_data(world), follow=True)
    enquiry = Enquiry.objects.get()
    assert enquiry.reference.encode() in response.content
    assert enquiry.interpreter and enquiry.language == "Urdu" and enquiry.channel == "online"


def test_every_error_is_named_at_once_and_what_was_typed_is_kept(world, client):
    response = client.post(
        reverse("enquiries:public-new"),
        _public_data(world, enquirer_name="", email="", kind="", details="short", local_authority=""),
    )
    assert response.status_code == 400
    text = response.content.decode()
    for message in [
        "Enter your name",
        "Enter your e-mail address",
        "Choose whether this is a question",
        "Tell us what your enquiry is about",
        "Choose the local authority area",
    ]:
        assert message in text
    assert "Wheelchair service" in text  # kept
    assert not Enquiry.objects.exists()


def test_robots_are_refused_without_a_puzzle(world, client, settings):
    filled = client.post(reverse("enquiries:public-new"), _public_data(world, website="http://spam.example"))
    assert filled.status_code == 400 and not Enquiry.objects.exists()
    no_stamp = client.post(reverse("enquiries:public-new"), _public_data(world, started="forged"))
    assert no_stamp.status_code == 400 and not Enquiry.objects.exists()
    assert b"Check your answers" in no_stamp.content and b"Wheelchair service" in no_stamp.content


def test_an_empty_form_sent_at_once_names_every_missing_answer(world, client, settings):
    settings.ENQUIRY_MIN_FILL_SECONDS = 30
    page = client.post(reverse("enquiries:public-new"), {"started": PublicEnquiryForm.stamp(), "website": ""})
    assert page.status_code == 400
    text = page.content.decode()
    for message in ["Choose who you are", "Enter your name", "Choose how we should reply", "Tell us what"]:
        assert message in text
    assert "Check your answers, then send the form again" not in text


def test_a_robot_is_still_told_what_is_missing_and_keeps_what_it_typed(world, client):
    page = client.post(
        reverse("enquiries:public-new"), _public_data(world, website="http://spam.example", enquirer_name="")
    )
    assert page.status_code == 400 and b"Enter your name" in page.content
    assert b"Wheelchair service" in page.content and not Enquiry.objects.exists()


def test_a_quick_person_using_autofill_is_not_refused_but_counts_double_towards_the_limit(
    world, client, settings
):
    """Sent faster than anyone could type it is a spam signal, not a refusal: a real person who fills
    the form in from their browser's memory is not sent back, what they typed is never lost; the
    enquiry says it came quickly, and it counts twice towards the hourly limit, so a robot sending
    fast meets the limit sooner."""
    settings.ENQUIRY_MIN_FILL_SECONDS = 30
    settings.ENQUIRIES_PER_HOUR = 3
    quick = client.post(reverse("enquiries:public-new"), _public_data(world))
    assert quick.status_code == 302
    enquiry = Enquiry.objects.get()
    assert "sent within 30 seconds of opening the form" in enquiry.events.get().text
    assert client.post(reverse("enquiries:public-new"), _public_data(world)).status_code == 302
    assert client.post(reverse("enquiries:public-new"), _public_data(world)).status_code == 429
    assert Enquiry.objects.count() == 2


def test_a_badly_typed_e_mail_address_is_named_with_every_other_missing_answer(world, client):
    page = client.post(
        reverse("enquiries:public-new"), _public_data(world, email="sam@example", enquirer_name="", kind="")
    )
    text = page.content.decode()
    assert "Enter an e-mail address in the correct format, like name@example.org" in text
    assert "Enter your name" in text and "Choose whether this is a question or a concern" in text


def test_a_flood_from_one_address_gets_the_form_back_with_a_plain_message(world, client, settings):
    settings.ENQUIRIES_PER_HOUR = 2
    for _ in range(2):
        assert client.post(reverse("enquiries:public-new"), _public_data(world)).status_code == 302
    limited = client.post(reverse("enquiries:public-new"), _public_data(world, enquirer_name="Kit Example"))
    assert limited.status_code == 429 and limited["Retry-After"] == "3600"
    page = limited.content.decode()
    assert "nhsuk-error-summary" in page and "You have sent several enquiries in the last hour" in page
    assert 'value="Kit Example"' in page  # what was typed is kept
    assert Enquiry.objects.count() == 2
    other = client.post(reverse("enquiries:public-new"), _public_data(world), REMOTE_ADDR="198.51.100.9")
    assert other.status_code == 302  # the limit is per address


def test_the_limits_hold_without_a_shared_cache(world, client, settings):
    """Several app server processes each have their own cache: a dummy cache (which forgets
    everything) stands for a fresh process, and the limit still holds because it is in the database."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    settings.ENQUIRIES_PER_HOUR = 1
    settings.ENQUIRY_STATUS_FREE_FAILURES = 1
    assert client.post(reverse("enquiries:public-new"), _public_data(world)).status_code == 302
    assert client.post(reverse("enquiries:public-new"), _public_data(world)).status_code == 429
    wrong = {"reference": "SPC-0099999", "email": "x@example.org"}
    assert client.post(reverse("enquiries:status"), wrong).status_code == 400
    assert client.post(reverse("enquiries:status"), wrong).status_code == 429
    stored = list(RateCount.objects.values_list("key", flat=True))
    assert len(stored) == 3 and not any("127.0.0.1" in key or "SPC" in key for key in stored)


def test_the_status_check_shows_progress_and_nothing_else(world, client):
    enquiry = submit(world.la)
    response = client.post(
        reverse("enquiries:status"), {"reference": enquiry.reference, "email": "sam.parent@example.org"}
    )
    text = response.content.decode()
    assert response.status_code == 200 and "Received" in text and enquiry.reference in text
    for private in ["Robin", "Sam Example-Parent", "speech therapy", world.dco.email]:
        assert private not in text


def test_a_wrong_reference_and_a_wrong_address_get_the_same_answer(world, client):
    enquiry = submit(world.la)
    other = submit(world.la, email="someone.else@example.org")
    wrong_address = client.post(
        reverse("enquiries:status"), {"reference": enquiry.reference, "email": "someone.else@example.org"}
    )
    wrong_reference = client.post(
        reverse("enquiries:status"), {"reference": "SPC-0099999", "email": "sam.parent@example.org"}
    )
    assert wrong_address.status_code == wrong_reference.status_code == 400

    def message(r: Any) -> str:
        text = re.sub(r'value="[A-Za-z0-9]{64}"', "", r.content.decode())
        return (
            text[text.index("<main") :]
            .replace(enquiry.reference, "REF")
            .replace("SPC-0099999", "REF")
            .replace("someone.else@example.org", "ADDR")
            .replace("sam.parent@example.org", "ADDR")
        )

    assert message(wrong_address) == message(wrong_reference)
    assert other.reference not in wrong_address.content.decode()


def test_repeated_wrong_guesses_are_throttled_by_address_and_by_reference(world, client, settings):
    settings.ENQUIRY_STATUS_FREE_FAILURES = 3
    enquiry = submit(world.la)
    for n in range(3):
        client.post(reverse("enquiries:status"), {"reference": f"SPC-00000{n}9", "email": "x@example.org"})
    right = {"reference": enquiry.reference, "email": "sam.parent@example.org"}
    waits = client.post(reverse("enquiries:status"), right)
    assert waits.status_code == 429 and waits["Retry-After"] == "3600"  # this address waits
    assert b"too many attempts to check progress" in waits.content and b"nhsuk-error-summary" in waits.content
    assert enquiry.received_on.strftime("%B").encode() not in waits.content  # not checked, nothing shown
    RateCount.objects.all().delete()
    for n in range(3):  # guesses at one reference from many addresses
        client.post(
            reverse("enquiries:status"),
            {"reference": enquiry.reference, "email": f"g{n}@example.org"},
            REMOTE_ADDR=f"198.51.100.{n}",
        )
    assert client.post(reverse("enquiries:status"), right, REMOTE_ADDR="198.51.100.200").status_code == 429
    assert client.post(
        reverse("enquiries:status"),
        {"reference": "SPC-0000777", "email": "a@example.org"},
        REMOTE_ADDR="198.51.100.201",
    ).status_code in {200, 400}


def test_a_throttled_status_check_says_the_same_whether_or_not_the_reference_exists(world, client, settings):
    settings.ENQUIRY_STATUS_FREE_FAILURES = 1
    enquiry = submit(world.la)
    pages = []
    for n, reference in enumerate([enquiry.reference, "SPC-0099999"]):
        guess = {"reference": reference, "email": "someone.else@example.org"}
        address = f"198.51.100.{n}"
        client.post(reverse("enquiries:status"), guess, REMOTE_ADDR=address)
        limited = client.post(reverse("enquiries:status"), guess, REMOTE_ADDR=address)
        assert limited.status_code == 429
        text = re.sub(r'value="[A-Za-z0-9]{64}"', "", limited.content.decode())
        pages.append(text[text.index("<main") :].replace(reference, "REF"))
    assert pages[0] == pages[1]


def test_the_dco_answers_an_enquiry_through_its_pages(world, client):
    enquiry = submit(world.la)
    dco = sign_in(client, world.dco)
    listing = dco.get(reverse("enquiries:list"))
    assert enquiry.reference.encode() in listing.content
    detail = dco.get(reverse("enquiries:detail", args=[enquiry.public_id]))
    assert b"Triage and acknowledge" in detail.content
    response = dco.post(
        reverse("enquiries:triage", args=[enquiry.public_id]),
        {"version": enquiry.version, "need": "communication", "triage_note": "Call the parent"},
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    dco.post(
        reverse("enquiries:assign", args=[enquiry.public_id]),
        {"version": enquiry.version, "team": world.team.pk},
    )
    enquiry.refresh_from_db()
    assert enquiry.status == "assigned" and enquiry.assigned_team == world.team
    errors = dco.post(
        reverse("enquiries:contact", args=[enquiry.public_id]), {"service_name": "", "summary": ""}
    )
    assert errors.status_code == 400 and b"Enter the service you contacted" in errors.content
    today = timezone.localdate()
    ok = dco.post(
        reverse("enquiries:contact", args=[enquiry.public_id]),
        {
            "service_name": "SLT",
            "method": "phone",
            "summary": "Agreed a date",
            "contacted_on-day": today.day,
            "contacted_on-month": today.month,
            "contacted_on-year": today.year,
        },
    )
    assert ok.status_code == 302 and enquiry.contacts.count() == 1
    missing = dco.post(reverse("enquiries:outcome", args=[enquiry.public_id]), {"version": enquiry.version})
    assert b"Choose the outcome" in missing.content and b"Enter what you told the person" in missing.content
    dco.post(
        reverse("enquiries:outcome", args=[enquiry.public_id]),
        {
            "version": enquiry.version,
            "outcome": "signposted",
            "outcome_detail": "Told about the parent carer forum",
        },
    )
    enquiry.refresh_from_db()
    dco.post(reverse("enquiries:close", args=[enquiry.public_id]), {"version": enquiry.version})
    enquiry.refresh_from_db()
    assert enquiry.status == "closed" and enquiry.outcome == "signposted"
    dco.post(
        reverse("enquiries:reopen", args=[enquiry.public_id]),
        {"version": enquiry.version, "reason": "Parent called back"},
    )
    enquiry.refresh_from_db()
    assert enquiry.status == "reopened"


def test_a_stale_page_gets_the_conflict_page_with_what_was_typed(world, client):
    enquiry = take_to(submit(world.la), "acknowledged", dco=world.dco)
    stale = enquiry.version
    take_to(enquiry, "assigned", dco=world.dco)
    dco = sign_in(client, world.dco)
    response = dco.post(
        reverse("enquiries:outcome", args=[enquiry.public_id]),
        {"version": stale, "outcome": "answered", "outcome_detail": "My typed answer"},
    )
    assert response.status_code == 409
    assert b"My typed answer" in response.content
    enquiry.refresh_from_db()
    assert enquiry.outcome == ""


def test_staff_log_a_phone_enquiry(world, client):
    dco = sign_in(client, world.dco)
    today = timezone.localdate()
    data = _public_data(world, channel="phone", reply_by="phone", phone="01632 960003", email="")
    data |= {"received_on-day": today.day, "received_on-month": today.month, "received_on-year": today.year}
    response = dco.post(reverse("enquiries:log"), data)
    assert response.status_code == 302
    assert Enquiry.objects.get().channel == "phone"


def test_staff_logging_an_enquiry_read_about_the_person_and_see_every_error_at_once(world, client):
    dco = sign_in(client, world.dco)
    page = dco.get(reverse("enquiries:log")).content.decode()
    for words in ["Who is asking?", "Their name", "They agreed that the DCO service may share"]:
        assert words in page
    for words in ["Who are you?", "Your name", "I agree", "I need an interpreter", "asking about myself"]:
        assert words not in page
    empty = dco.post(reverse("enquiries:log"), {"email": "pat@example"}).content.decode()
    for message in [
        "Choose how the enquiry arrived",
        "Enter the date the enquiry was received",
        "Choose who is asking",
        "Enter their name",
        "Choose how we should reply to them",
        "Enter an e-mail address in the correct format, like name@example.org",
        "Enter the service or organisation the enquiry is about",
        "Choose what the enquiry is about",
        "Enter what the enquiry is about",
        "Choose the local authority area where the child lives",
    ]:
        assert message in empty
    assert "Choose who you are" not in empty and "Enter your name" not in empty
    assert not Enquiry.objects.exists()


def test_others_get_404(world, client):
    enquiry = submit(world.la)
    for user in (world.caseworker, world.health_visitor, world.gp):
        c = sign_in(client, user)
        assert c.get(reverse("enquiries:detail", args=[enquiry.public_id])).status_code == 404
        assert c.get(reverse("enquiries:dashboard")).status_code == 404
        client.logout()
    team = take_to(enquiry, "assigned", dco=world.dco, team=world.team)
    c = sign_in(client, world.health_visitor)
    assert c.get(reverse("enquiries:detail", args=[team.public_id])).status_code == 200
    assert c.get(reverse("enquiries:outcome", args=[team.public_id])).status_code == 404


def test_the_dashboard_and_its_csv(world, client):
    take_to(submit(world.la), "answered", dco=world.dco)
    submit(world.la, theme="therapy", urgent=True)
    dco = sign_in(client, world.dco)
    page = dco.get(reverse("enquiries:dashboard"))
    text = page.content.decode()
    assert (
        "Enquiries received" in text
        and "Waiting times or waiting lists" in text
        and "Up to 3 working days" in text
    )
    # The period form is whole: both dates and its button (it had no "to" field nor button).
    assert re.search(
        r'<form method="get"[^>]*>.*name="from".*name="to".*Show figures\s*</button>\s*</form>', text, re.S
    )
    csv = b"".join(dco.get(reverse("enquiries:dashboard-csv")).streaming_content).decode("utf-8-sig")
    assert "Summary,Enquiries received,2" in csv and "Theme,Waiting times or waiting lists,1" in csv
    assert "Robin" not in csv and "sam.parent" not in csv
    bad = dco.get(reverse("enquiries:dashboard"), {"period": "custom", "from": "x", "to": "2026-01-01"})
    assert b"Enter the first day as a date" in bad.content


def _linked(world: Any) -> Enquiry:
    from audit.testing import TEST_CONTEXT
    from enquiries import services

    enquiry = take_to(submit(world.la), "assigned", dco=world.dco, team=world.team)
    return services.link_records(
        user=world.dco,
        context=TEST_CONTEXT,
        enquiry=enquiry,
        expected_version=enquiry.version,
        given_name="Robin",
        family_name="Example",
        date_of_birth=dt.date(2016, 5, 1),
    )


def test_the_childs_page_search_and_access_log_know_the_enquiry(world, client):
    from audit import naming
    from children import search

    enquiry = _linked(world)
    assert enquiry.child is not None
    number = enquiry.reference.removeprefix("SPC-").lstrip("0")
    for typed in (enquiry.reference, f"spc{number}"):
        results = search.search(world.dco, typed)
        assert any(hit.text == f"Enquiry {enquiry.reference}" for r in results for hit in r.records), typed
    assert not search.search(world.caseworker, enquiry.reference) or all(
        not r.records for r in search.search(world.caseworker, enquiry.reference)
    )
    names = naming.kind("enquiries.Enquiry").names(world.dco, [str(enquiry.public_id)])
    assert names[str(enquiry.public_id)].text == f"Enquiry {enquiry.reference} about Robin Example"
    assert naming.kind("enquiries.Enquiry").names(world.gp, [str(enquiry.public_id)]) == {}
    dco = sign_in(client, world.dco)
    page = dco.get(reverse("children:child-detail", args=[enquiry.child.public_id]))
    assert page.status_code == 200 and enquiry.reference.encode() in page.content


def test_the_dco_sees_how_many_enquiries_are_open_in_the_header(world, client):
    submit(world.la)
    dco = sign_in(client, world.dco)
    page = dco.get(reverse("enquiries:list"))
    assert b"Enquiries (1)" in page.content or b"Enquiries <span" in page.content


def test_the_public_home_page_says_how_to_contact_the_dco_service_and_check_progress(client):
    html = client.get("/").content.decode()
    assert 'href="/contact-the-dco-service/"' in html
    assert 'href="/contact-the-dco-service/progress/"' in html


def _chosen(page: Any, name: str) -> list[str]:
    """The values a page's select or radios named `name` start at."""
    html = page.content.decode()
    if select := re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S):
        return re.findall(r'<option value="([^"]*)"[^>]*\bselected\b', select[1])
    inputs = [i for i in re.findall(r"<input[^>]*>", html) if f'name="{name}"' in i and " checked" in i]
    return [re.findall(r'value="([^"]*)"', i)[0] for i in inputs]


@pytest.mark.parametrize("need", ["not_said", "semh"])
def test_triage_starts_at_the_need_already_recorded_so_acknowledging_keeps_it(world, client, need):
    enquiry = submit(world.la, need=need)
    dco = sign_in(client, world.dco)
    page = dco.get(reverse("enquiries:triage", args=[enquiry.public_id]))
    assert _chosen(page, "need") == [need]
    # The browser sends what the page showed: acknowledging without touching the need keeps it.
    dco.post(
        reverse("enquiries:triage", args=[enquiry.public_id]),
        {"version": enquiry.version, "need": _chosen(page, "need")[0], "triage_note": ""},
    )
    enquiry.refresh_from_db()
    assert enquiry.status == "acknowledged" and enquiry.need == need


def test_every_action_form_starts_from_the_enquirys_current_values(world, client):
    enquiry = take_to(submit(world.la), "assigned", dco=world.dco, team=world.team)
    dco = sign_in(client, world.dco)
    assign = dco.get(reverse("enquiries:assign", args=[enquiry.public_id]))
    assert _chosen(assign, "person") == [str(world.dco.pk)]
    assert _chosen(assign, "team") == [str(world.team.pk)]
    Enquiry.objects.filter(pk=enquiry.pk).update(advice_reference="HA0000301")
    link = dco.get(reverse("enquiries:link", args=[enquiry.public_id]))
    assert 'value="HA0000301"' in link.content.decode()
    enquiry = take_to(enquiry, "reopened", dco=world.dco)
    outcome = dco.get(reverse("enquiries:outcome", args=[enquiry.public_id]))
    assert "The service gave a start date; told the parent." in outcome.content.decode()


def test_all_enquiries_lists_open_ones_first_newest_first_so_a_new_one_is_on_page_one(world, client):
    closed = take_to(submit(world.la), "closed", dco=world.dco)
    old = submit(world.la)
    Enquiry.objects.filter(pk=old.pk).update(received_on=timezone.localdate() - dt.timedelta(days=30))
    new = submit(world.la)
    dco = sign_in(client, world.dco)
    page = dco.get(reverse("enquiries:list")).content.decode()
    positions = [page.index(e.reference) for e in (new, old, closed)]
    assert positions == sorted(positions)


def test_linking_a_notification_links_its_child_and_shows_it_as_a_link_to_those_who_may_see_it(world, client):
    notification = notify(world)
    enquiry = take_to(submit(world.la), "assigned", dco=world.dco, team=world.other_trust_team)
    dco = sign_in(client, world.dco)
    response = dco.post(
        reverse("enquiries:link", args=[enquiry.public_id]),
        {"version": enquiry.version, "notification_reference": notification.reference.lower()},
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.child == notification.child and enquiry.notification_reference == notification.reference
    page = dco.get(reverse("enquiries:detail", args=[enquiry.public_id])).content.decode()
    href = reverse("section23:notification-detail", args=[notification.public_id])
    assert f'<a href="{href}">{notification.reference}</a>' in page
    client.logout()
    # The provider team the enquiry is assigned to may not see the notification: its reference only.
    other = sign_in(client, world.other_team_clinician)
    page = other.get(reverse("enquiries:detail", args=[enquiry.public_id])).content.decode()
    assert notification.reference in page and href not in page


def test_linking_an_advice_request_links_its_child_and_shows_it_as_a_link_to_those_who_may_see_it(
    world, client
):
    from types import SimpleNamespace

    from advice.testing import make_request

    advice = make_request(SimpleNamespace(la=world.la), la=world.la, user=world.caseworker)
    enquiry = take_to(submit(world.la), "assigned", dco=world.dco, team=world.other_trust_team)
    dco = sign_in(client, world.dco)
    response = dco.post(
        reverse("enquiries:link", args=[enquiry.public_id]),
        {"version": enquiry.version, "advice_reference": advice.reference.lower()},
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.child == advice.child and enquiry.advice_reference == advice.reference
    page = dco.get(reverse("enquiries:detail", args=[enquiry.public_id])).content.decode()
    href = reverse("advice:request-detail", args=[advice.public_id])
    assert f'<a href="{href}">{advice.reference}</a>' in page  # the area's DCO service may open it
    client.logout()
    # The provider team the enquiry is assigned to was not asked for this advice: its reference only.
    other = sign_in(client, world.other_team_clinician)
    page = other.get(reverse("enquiries:detail", args=[enquiry.public_id])).content.decode()
    assert advice.reference in page and href not in page


def test_a_notification_about_another_child_is_not_linked(world, client):
    notification = notify(world)
    enquiry = submit(world.la)
    dco = sign_in(client, world.dco)
    response = dco.post(
        reverse("enquiries:link", args=[enquiry.public_id]),
        {
            "version": enquiry.version,
            "given_name": "Alex",
            "family_name": "Otherchild",
            "date_of_birth-day": "1",
            "date_of_birth-month": "2",
            "date_of_birth-year": "2023",
            "notification_reference": notification.reference,
        },
    )
    assert response.status_code == 200
    assert "This notification is about another child" in response.content.decode()
    enquiry.refresh_from_db()
    assert enquiry.child is None and enquiry.notification_reference == ""
