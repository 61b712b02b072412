"""The section 23 pages as people use them: record a notification (draft, send, the school-age check,
errors kept next to the fields), the LA acknowledges and decides, the notifier sees it, concerns, the
dashboard and its CSV, and who gets a 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.testing import sign_in
from section23.models import Concern, Notification
from section23.testing import complete_details, make_world, notify, raise_concern, young_birth_date
from tests.test_form_errors import INLINE_ERROR, SUMMARY, SUMMARY_LINK, _text

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def _client(client: Any, user: Any) -> Any:
    return sign_in(client, user)


def _date(prefix: str, value: dt.date) -> dict[str, str]:
    return {
        f"{prefix}-day": str(value.day),
        f"{prefix}-month": str(value.month),
        f"{prefix}-year": str(value.year),
    }


def _form(world: Any, born: dt.date, **overrides: Any) -> dict[str, Any]:
    details = complete_details()
    data: dict[str, Any] = {
        "given_name": "Robin",
        "family_name": "Testchild",
        **_date("date_of_birth", born),
        "local_authority": str(world.la.pk),
        "child_postcode": "ts1 1aa",
        "acting_for": str(world.team.pk),
    }
    for name, value in details.items():
        if isinstance(value, dt.date):
            data |= _date(name, value)
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    data.update(overrides)
    return data


def test_a_health_visitor_sends_a_notification_and_sees_the_las_answer(world, client):
    _client(client, world.health_visitor)
    response = client.post(
        reverse("section23:notification-new"), _form(world, young_birth_date()) | {"action": "send"}
    )
    notification = Notification.objects.get()
    assert response.status_code == 302
    assert notification.status == Notification.Status.SENT and notification.child_postcode == "TS1 1AA"
    page = client.get(
        reverse("section23:notification-detail", args=[notification.public_id])
    ).content.decode()
    assert "Sent to the local authority" in page and "Not yet" in page

    la = sign_in(type(client)(), world.caseworker)
    listed = la.get(reverse("section23:notifications")).content.decode()
    assert notification.reference in listed
    ack = reverse("section23:notification-acknowledge", args=[notification.public_id])
    assert la.post(ack, {"version": notification.version, "decision": "early_years"}).status_code == 302
    page = client.get(
        reverse("section23:notification-detail", args=[notification.public_id])
    ).content.decode()
    assert "Refer to early years SEN support" in page


def test_sending_without_the_statutory_steps_keeps_what_was_typed_and_saves_nothing(world, client):
    _client(client, world.health_visitor)
    form = _form(
        world,
        young_birth_date(),
        **{"parent_told_on-day": "", "parent_told_on-month": "", "parent_told_on-year": ""},
    )
    form["voluntary_organisations"] = ""
    response = client.post(reverse("section23:notification-new"), form | {"action": "send"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "the duty to notify (section 23(2)(a))" in page
    assert "section 23(4)" in page
    assert 'value="Alex Testvisitor"' in page
    assert not Notification.objects.exists()


def test_a_draft_can_be_saved_without_the_steps_then_sent(world, client):
    _client(client, world.health_visitor)
    form = {k: v for k, v in _form(world, young_birth_date()).items() if not k.startswith("parent_told_on")}
    client.post(reverse("section23:notification-new"), form | {"action": "save"})
    draft = Notification.objects.get()
    assert draft.is_draft
    edit = reverse("section23:notification-edit", args=[draft.public_id])
    assert (
        "Not ready to send"
        in client.get(reverse("section23:notification-detail", args=[draft.public_id])).content.decode()
    )
    full = _form(world, young_birth_date())
    response = client.post(edit, full | {"version": draft.version, "action": "send"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Notification.Status.SENT


def test_a_school_age_child_is_refused_with_what_to_do_instead(world, client):
    _client(client, world.health_visitor)
    response = client.post(
        reverse("section23:notification-new"), _form(world, young_birth_date(years=7)) | {"action": "send"}
    )
    page = response.content.decode()
    assert "reached compulsory school age" in page and "EHC needs assessment" in page
    assert not Notification.objects.exists()


def test_a_stale_acknowledgement_gets_the_conflict_page(world, client):
    notification = notify(world)
    _client(client, world.caseworker)
    url = reverse("section23:notification-acknowledge", args=[notification.public_id])
    Notification.objects.filter(pk=notification.pk).update(version=notification.version + 1)
    response = client.post(url, {"version": notification.version, "la_reference": "EY-77"})
    assert response.status_code == 409
    assert "Someone else changed this" in response.content.decode()
    assert 'value="EY-77"' in response.content.decode()


def test_drafts_stay_with_the_notifier_and_other_areas_get_404(world, client):
    draft = notify(world, send=False)
    sent = notify(world, given_name="Kit")
    _client(client, world.caseworker)
    assert client.get(reverse("section23:notification-detail", args=[draft.public_id])).status_code == 404
    assert client.get(reverse("section23:notification-detail", args=[sent.public_id])).status_code == 200
    other = sign_in(type(client)(), world.other_caseworker)
    assert other.get(reverse("section23:notification-detail", args=[sent.public_id])).status_code == 404
    assert other.get(reverse("section23:notification-acknowledge", args=[sent.public_id])).status_code == 404
    stranger = sign_in(type(client)(), world.other_team_clinician)
    assert stranger.get(reverse("section23:notification-detail", args=[sent.public_id])).status_code == 404
    admin = sign_in(type(client)(), world.system_admin)
    assert admin.get(reverse("section23:notifications")).status_code == 404


def test_a_gp_raises_a_concern_and_sees_the_dcos_decision(world, client):
    _client(client, world.gp)
    form = {
        "organisation": str(world.gp_practice.pk),
        "given_name": "Sasha",
        "family_name": "Testchild",
        **_date("date_of_birth", young_birth_date(years=3)),
        "local_authority": str(world.la.pk),
        "child_postcode": "TS1 2AB",
        "professional_name": "Dr Casey Testdoctor",
        "profession": "gp",
        "concern": "Not walking independently at 3.",
    }
    assert client.post(reverse("section23:concern-new"), form).status_code == 302
    concern = Concern.objects.get()
    assert client.get(reverse("section23:notification-new")).status_code == 404  # a GP practice cannot notify
    dco = sign_in(type(client)(), world.dco)
    url = reverse("section23:concern-detail", args=[concern.public_id])
    dco.post(url, {"version": concern.version, "decision": "icb_notifies"})
    page = client.get(url).content.decode()
    assert "The ICB will notify the local authority" in page


def test_the_dashboard_shows_the_kpis_and_exports_csv_without_names(world, client):
    notify(world)
    notify(
        world,
        given_name="Kit",
        details=complete_details(voluntary_organisations="", no_voluntary_organisation=True),
    )
    late = notify(world, given_name="Lou", details=complete_details(parent_told_on=timezone.localdate()))
    Notification.objects.filter(pk=late.pk).update(sent_on=timezone.localdate() - dt.timedelta(days=1))
    _client(client, world.dco)
    page = client.get(reverse("section23:dashboard")).content.decode()
    assert "Notifications sent" in page
    assert "67% (2 of 3)" in page  # parent told and discussion before notifying
    assert "100% (3 of 3)" in page  # signposting recorded
    assert "Health visitor" in page and "Communication and interaction" in page and "2 years" in page
    response = client.get(reverse("section23:dashboard-csv") + "?period=month")
    body = b"".join(response.streaming_content).decode()
    assert body.count("\n") == 4 and "Robin" not in body and "Testchild" not in body
    assert (
        client.get(reverse("section23:dashboard") + "?period=custom&from=x&to=2026-01-01").status_code == 200
    )
    caseworker = sign_in(type(client)(), world.caseworker)
    assert caseworker.get(reverse("section23:dashboard")).status_code == 404


# --- what a walker found in Chromium (issue 11) ---------------------------------------------------------


def _summary_items(page: str) -> list[str]:
    found = SUMMARY.search(page)
    assert found, "no error summary"
    return [_text(text) for _, text in SUMMARY_LINK.findall(found[0])]


def test_each_missing_step_is_listed_once_in_the_summary_and_once_by_its_field(world, client):
    _client(client, world.health_visitor)
    data = _form(
        world, young_birth_date(), discussion="", parent_view="", opinion="", voluntary_organisations=""
    )
    response = client.post(reverse("section23:notification-new"), data | {"action": "send"})
    page = response.content.decode()
    items = _summary_items(page)
    assert len(items) == len(set(items)) == 4, items
    assert "Say whether a discussion was held or offered (section 23(2)(b))" in items
    inline = [_text(m) for m in INLINE_ERROR.findall(page)]
    assert sorted(inline) == sorted(items)


def test_a_school_age_child_gets_the_callout_saying_what_to_do_instead_once_by_the_date_of_birth(
    world, client
):
    _client(client, world.health_visitor)
    response = client.post(
        reverse("section23:notification-new"), _form(world, young_birth_date(years=7)) | {"action": "send"}
    )
    page = response.content.decode()
    assert "This child is of compulsory school age" in page
    assert (
        page.count("SENCO") == 1
    )  # what to do instead, said once (not also in the error, nor a details box)
    assert "ask the local authority for an EHC needs assessment" in page
    dob_error = (
        page.index('id="date_of_birth--error-message"')
        if 'id="date_of_birth--error-message"' in page
        else page.index("reached compulsory school age")
    )
    assert dob_error < page.index("This child is of compulsory school age") < page.index('name="nhs_number"')
    assert not Notification.objects.exists()


def test_a_draft_without_a_profession_is_saved_and_sending_names_the_profession(world, client):
    _client(client, world.health_visitor)
    url = reverse("section23:notification-new")
    page = client.post(
        url, _form(world, young_birth_date(), profession="") | {"action": "send"}
    ).content.decode()
    assert "Choose one of the options" not in page
    assert "Select the profession of the person who formed the opinion" in _summary_items(page)
    assert (
        client.post(url, _form(world, young_birth_date(), profession="") | {"action": "save"}).status_code
        == 302
    )
    assert Notification.objects.get().profession == ""


def test_a_choice_not_offered_names_its_field(world):
    from section23 import services

    with pytest.raises(ValidationError) as caught:
        notify(world, details=complete_details(profession="astronaut", parent_view="maybe"))
    errors = caught.value.message_dict
    assert "profession" in errors["profession"][0] and "view" in errors["parent_view"][0]
    assert services._decision_errors("nonsense", "", required=True) == {
        "decision": "Select what the local authority decided from the list"
    }


def test_the_concerns_list_shows_open_ones_first_then_newest(world, client):
    old_open = raise_concern(world, given_name="Ada")
    decided = raise_concern(world, given_name="Bea")
    new_open = raise_concern(world, given_name="Cy")
    Concern.objects.filter(pk=old_open.pk).update(created_at=timezone.now() - dt.timedelta(days=9))
    Concern.objects.filter(pk=decided.pk).update(status=Concern.Status.DECIDED, decision="no_notification")
    _client(client, world.dco)
    page = client.get(reverse("section23:concerns")).content.decode()
    assert page.index(new_open.reference) < page.index(old_open.reference) < page.index(decided.reference)


def test_the_concern_page_shows_the_areas_of_need_the_gp_ticked(world, client):
    concern = raise_concern(world, areas_of_need=["sensory_physical", "communication"])
    assert concern.area_labels() == ["Sensory and/or physical needs", "Communication and interaction"]
    url = reverse("section23:concern-detail", args=[concern.public_id])
    for user in (world.gp, world.dco):
        page = sign_in(type(client)(), user).get(url).content.decode()
        assert "Areas of need" in page
        assert "Sensory and/or physical needs, Communication and interaction" in page


def test_the_concerns_notification_is_a_link_for_whoever_may_open_it(world, client):
    concern = raise_concern(world)
    dco = sign_in(type(client)(), world.dco)
    url = reverse("section23:concern-detail", args=[concern.public_id])
    dco.post(url, {"version": concern.version, "decision": "trust_notifies", "team": str(world.team.pk)})
    draft = Notification.objects.get(concern=concern)
    link = reverse("section23:notification-detail", args=[draft.public_id])
    page = dco.get(url).content.decode()
    assert draft.reference in page and link not in page  # the team's draft: the DCO service cannot open it
    team_page = sign_in(type(client)(), world.health_visitor).get(link).content.decode()
    assert draft.reference in team_page
    Notification.objects.filter(pk=draft.pk).update(
        status=Notification.Status.SENT, sent_on=timezone.localdate()
    )
    page = dco.get(url).content.decode()
    assert f'href="{link}"' in page  # sent: the area's DCO service may open it
    gp_page = sign_in(type(client)(), world.gp).get(url).content.decode()
    assert link not in gp_page


def _advice_request(world: Any, child: Any) -> Any:
    from types import SimpleNamespace

    from advice.testing import make_request

    return make_request(SimpleNamespace(la=world.la), child=child, la=world.la, user=world.caseworker)


def test_the_la_links_its_decision_to_the_ehc_needs_assessments_advice_request(world, client):
    notification = notify(world)
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.DECIDED, decision="consider_assessment"
    )
    notification.refresh_from_db()
    advice = _advice_request(world, notification.child)
    other_child = _advice_request(world, None)
    la = sign_in(type(client)(), world.caseworker)
    detail = reverse("section23:notification-detail", args=[notification.public_id])
    link = reverse("section23:notification-advice-link", args=[notification.public_id])
    assert link in la.get(detail).content.decode()
    page = la.get(link).content.decode()
    assert advice.reference in page and other_child.reference not in page  # only this child's requests
    wrong = la.post(link, {"version": notification.version, "reference": other_child.reference})
    assert (
        "No advice request for Robin Testchild that you can see has this reference" in wrong.content.decode()
    )
    empty = la.post(link, {"version": notification.version})
    assert "Choose the advice request, or enter its reference" in empty.content.decode()
    assert la.post(link, {"version": notification.version, "chosen": advice.reference}).status_code == 302
    notification.refresh_from_db()
    assert notification.advice_reference == advice.reference
    advice_url = reverse("advice:request-detail", args=[advice.public_id])
    assert f'href="{advice_url}"' in la.get(detail).content.decode()  # the LA may open it
    hv_page = sign_in(type(client)(), world.health_visitor).get(detail).content.decode()
    assert advice.reference not in hv_page  # the notifying team may not see the LA's advice request
    assert sign_in(type(client)(), world.health_visitor).get(link).status_code == 404
    assert sign_in(type(client)(), world.other_caseworker).get(link).status_code == 404


def test_a_concern_about_a_school_age_child_says_what_to_do_instead_once_by_the_date_of_birth(world, client):
    _client(client, world.gp)
    form = {
        "organisation": str(world.gp_practice.pk),
        "given_name": "Sasha",
        "family_name": "Testchild",
        **_date("date_of_birth", young_birth_date(years=7)),
        "local_authority": str(world.la.pk),
        "child_postcode": "TS1 2AB",
        "professional_name": "Dr Casey Testdoctor",
        "profession": "gp",
        "concern": "Not walking independently.",
    }
    page = client.post(reverse("section23:concern-new"), form).content.decode()
    assert any("reached compulsory school age" in item for item in _summary_items(page))
    assert page.count("SENCO") == 1 and "This child is of compulsory school age" in page
    assert not Concern.objects.exists()


def test_consent_not_asked_shows_no_date_or_referral_and_missing_decision_details_say_so(world, client):
    """'Not asked on 27 November: Early years SEN support team' read as if consent had been asked."""
    details = complete_details(
        referral_consent="not_asked",
        referral_consent_on=timezone.localdate(),
        referral_consent_detail="Early years SEN support team",
    )
    notification = notify(world, details=details)
    page = _client(client, world.caseworker).get(
        reverse("section23:notification-detail", args=[notification.public_id])
    )
    text = " ".join(_text(page.content.decode()).split())
    assert "Consent to an onward referral Not asked" in text
    assert "Early years SEN support team" not in text
    assert "Decision details Not recorded" in text


def test_the_advice_request_page_links_the_notifications_linked_to_it_for_those_who_may_open_them(
    world, client
):
    """The EHC needs assessment's advice request lists the section 23 notification the LA linked to it
    (through children.registry, so advice names no section 23): a link for the LA, nothing for a team
    asked for advice that may not open the notification; another LA cannot open the request at all."""
    from types import SimpleNamespace

    from advice.testing import route
    from audit.testing import TEST_CONTEXT
    from section23 import services

    notification = notify(world)
    advice = _advice_request(world, notification.child)
    services.link_advice_request(
        user=world.caseworker,
        context=TEST_CONTEXT,
        notification=notification,
        expected_version=notification.version,
        reference=advice.reference,
    )
    route(SimpleNamespace(dco=world.dco), advice, world.other_trust_team)
    page = reverse("advice:request-detail", args=[advice.public_id])
    link = reverse("section23:notification-detail", args=[notification.public_id])
    la_page = sign_in(type(client)(), world.caseworker).get(page).content.decode()
    assert f'<a href="{link}">Section 23 notification {notification.reference} from' in la_page
    team = sign_in(type(client)(), world.other_team_clinician).get(page)
    assert team.status_code == 200  # the team asked for advice sees the request...
    assert notification.reference not in team.content.decode() and link not in team.content.decode()
    assert "Linked records" not in team.content.decode()  # ...and not that the notification exists
    other_la = sign_in(type(client)(), world.other_caseworker).get(page)
    assert other_la.status_code == 404 and notification.reference not in other_la.content.decode()
