"""The notification goes to the LA where the child lives: the local authority comes from the child's
postcode (section23.areas, through the directory's postcode data registered with core), the list of
LAs is only a fallback for a postcode that gives none, and an LA never sees another LA's child."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Organisation
from accounts.testing import make_organisation, sign_in
from audit.testing import TEST_CONTEXT
from core import registry
from directory.models import Postcode
from section23 import areas, services
from section23.areas import Found, choose_local_authority, council_for_postcode
from section23.models import Concern, Notification
from section23.testing import (
    complete_details,
    make_world,
    notify,
    postcode_in,
    raise_concern,
    young_birth_date,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = make_world()
    postcode_in(world.la, "TS1 1AA")
    postcode_in(world.other_la, "OT1 1AA")
    return world


# --- the rule, without HTTP ----------------------------------------------------------------------


def test_a_postcode_in_the_las_area_gives_that_la_in_any_case_or_spacing(world):
    for typed in ("TS1 1AA", "ts11aa", "  ts1   1Aa ", "Ts1\t1aA"):
        council = council_for_postcode(typed)
        assert council.found == Found.LOCAL_AUTHORITY, typed
        assert council.local_authority == world.la and council.postcode == "TS1 1AA"
    assert areas.local_authority_for_postcode("ot11aa") == world.other_la


def test_an_unknown_postcode_gives_no_la_and_says_so(world):
    council = council_for_postcode("zz9 9zz")
    assert (council.found, council.local_authority, council.postcode) == (Found.UNKNOWN, None, "ZZ9 9ZZ")
    assert "We could not find the postcode ZZ9 9ZZ" in council.problem()


def test_a_postcode_whose_council_is_not_served_here_gives_no_la(world):
    elsewhere = make_organisation(kind=Organisation.Kind.LOCAL_AUTHORITY, name="Farshire Council")
    postcode_in(elsewhere, "FS1 1AA")
    elsewhere.is_active = False  # its council left the service
    elsewhere.save(update_fields=["is_active"])
    assert council_for_postcode("FS1 1AA").found == Found.NOT_SERVED
    # A code no organisation here carries at all.
    Postcode.objects.create(postcode="XY1 1AA", key="XY11AA", latitude=52, longitude=-1, la_code="E06999999")
    council = council_for_postcode("xy1 1aa")
    assert (council.found, council.local_authority) == (Found.NOT_SERVED, None)
    assert "does not cover" in council.problem()


def test_in_a_two_tier_area_the_county_council_is_the_la(world):
    """ONSPD gives the district (oslaua) and the county (oscty); the county council is the LA for SEN."""
    county = make_organisation(
        kind=Organisation.Kind.LOCAL_AUTHORITY, name="Testshire County Council", code="E10000901"
    )
    Postcode.objects.create(
        postcode="TD1 1AA",
        key="TD11AA",
        latitude=52,
        longitude=-1,
        la_code="E07000901",
        county_code="E10000901",
    )
    assert areas.local_authority_for_postcode("TD1 1AA") == county
    # Even with the district (wrongly) set up as an LA too, the county is the one.
    make_organisation(
        kind=Organisation.Kind.LOCAL_AUTHORITY, name="Testdale District Council", code="E07000901"
    )
    assert areas.local_authority_for_postcode("td11aa") == county


def test_not_a_postcode_and_no_postcode_data(world, monkeypatch):
    assert council_for_postcode("TS1").found == Found.NOT_A_POSTCODE
    assert council_for_postcode("").found == Found.NOT_A_POSTCODE
    monkeypatch.setattr(registry, "_postcode_la_codes", [])  # no app holds postcodes
    assert council_for_postcode("TS1 1AA").found == Found.UNKNOWN


def test_choosing_the_la_the_postcode_decides_and_the_list_is_the_fallback(world):
    # The postcode decides, whatever was chosen.
    assert choose_local_authority(child_postcode="ts1 1aa", chosen=world.other_la) == (
        world.la,
        "TS1 1AA",
        {},
    )
    # Unknown: the LA chosen from the list; none chosen is an error that says why.
    assert choose_local_authority(child_postcode="ZZ9 9ZZ", chosen=world.other_la) == (
        world.other_la,
        "ZZ9 9ZZ",
        {},
    )
    la, _, errors = choose_local_authority(child_postcode="ZZ9 9ZZ", chosen=None)
    assert la is None and "ZZ9 9ZZ" in errors["local_authority"]
    # An organisation that is not an LA cannot be chosen.
    _, _, errors = choose_local_authority(child_postcode="ZZ9 9ZZ", chosen=world.team)
    assert "local_authority" in errors
    assert choose_local_authority(child_postcode="12345", chosen=world.la)[2] == {
        "child_postcode": "Enter a full postcode, like NS1 4AB"
    }
    assert "child_postcode" in choose_local_authority(child_postcode="", chosen=None)[2]


def test_the_services_send_it_to_the_council_for_the_postcode(world):
    notification = notify(world, local_authority=None, child_postcode="ts11aa")
    assert notification.local_authority == world.la and notification.child_postcode == "TS1 1AA"
    notification = notify(world, local_authority=world.la, child_postcode="OT1 1AA", given_name="Kit")
    assert notification.local_authority == world.other_la  # where the child lives, not what was passed
    with pytest.raises(ValidationError) as raised:
        notify(world, local_authority=None, child_postcode="ZZ9 9ZZ", given_name="Lou")
    assert "local_authority" in raised.value.message_dict
    assert Notification.objects.count() == 2


def test_a_concern_goes_to_the_dco_service_for_the_postcodes_la_and_keeps_the_postcode(world):
    concern = raise_concern(world, local_authority=None, child_postcode="ts1 1aa")
    assert concern.local_authority == world.la and concern.dco_service == world.dco_service
    assert concern.child_postcode == "TS1 1AA"
    services.decide_concern(
        user=world.dco,
        context=TEST_CONTEXT,
        concern=concern,
        expected_version=concern.version,
        decision=Concern.Decision.ICB_NOTIFIES,
    )
    draft = Notification.objects.get(concern=concern)
    assert draft.local_authority == world.la and draft.child_postcode == "TS1 1AA"
    # The other LA has no DCO service here: the concern cannot go anywhere.
    with pytest.raises(ValidationError) as raised:
        raise_concern(world, local_authority=None, child_postcode="OT1 1AA")
    assert "No DCO service here covers Otherton Council" in raised.value.message_dict["child_postcode"][0]
    with pytest.raises(ValidationError) as raised:
        raise_concern(world, local_authority=world.other_la, child_postcode="ZZ9 9ZZ")
    assert "No DCO service here covers Otherton Council" in raised.value.message_dict["local_authority"][0]


# --- the pages -----------------------------------------------------------------------------------


def _date(prefix: str, value: dt.date) -> dict[str, str]:
    return {
        f"{prefix}-day": str(value.day),
        f"{prefix}-month": str(value.month),
        f"{prefix}-year": str(value.year),
    }


def _form(world: Any, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "given_name": "Robin",
        "family_name": "Testchild",
        **_date("date_of_birth", young_birth_date()),
        "child_postcode": "ts1 1aa",
        "acting_for": str(world.team.pk),
        "action": "send",
    }
    for name, value in complete_details().items():
        if isinstance(value, dt.date):
            data |= _date(name, value)
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    return data | overrides


NEW = "section23:notification-new"


def test_the_form_asks_for_the_postcode_not_the_la(world, client):
    sign_in(client, world.health_visitor)
    page = client.get(reverse(NEW)).content.decode()
    assert 'name="child_postcode"' in page and 'name="local_authority"' not in page


def test_the_postcode_gives_the_la_and_the_confirmation_names_it(world, client):
    sign_in(client, world.health_visitor)
    response = client.post(reverse(NEW), _form(world), follow=True)
    notification = Notification.objects.get()
    assert notification.local_authority == world.la and notification.status == Notification.Status.SENT
    assert (
        f"Notification {notification.reference} sent to Testshire Council, the council for TS1 1AA"
        in response.content.decode()
    )


def test_with_another_mistake_the_page_shows_where_it_will_go_and_keeps_what_was_typed(world, client):
    sign_in(client, world.health_visitor)
    page = client.post(reverse(NEW), _form(world, given_name="")).content.decode()
    assert 'href="#id_given_name"' in page
    assert "This notification will go to Testshire Council, the council for TS1 1AA." in page
    assert 'name="local_authority"' not in page
    assert 'value="ts1 1aa"' in page and 'value="Alex Testvisitor"' in page
    assert not Notification.objects.exists()


def test_an_unknown_postcode_says_so_then_offers_the_list_and_keeps_everything(world, client):
    sign_in(client, world.health_visitor)
    response = client.post(reverse(NEW), _form(world, child_postcode="zz9 9zz"))
    page = response.content.decode()
    assert response.status_code == 200 and not Notification.objects.exists()
    assert "We could not find the postcode ZZ9 9ZZ" in page
    assert 'name="local_authority"' in page
    assert ">Testshire Council<" in page and ">Otherton Council<" in page
    assert 'value="zz9 9zz"' in page and 'value="Robin"' in page and 'value="Alex Testvisitor"' in page
    assert "Delayed speech &amp; limited play" in page
    # The person chooses; it goes there.
    response = client.post(reverse(NEW), _form(world, child_postcode="zz9 9zz", local_authority=world.la.pk))
    assert response.status_code == 302
    notification = Notification.objects.get()
    assert notification.local_authority == world.la and notification.child_postcode == "ZZ9 9ZZ"


def test_a_chosen_la_stays_chosen_when_another_field_is_wrong(world, client):
    sign_in(client, world.health_visitor)
    form = _form(world, child_postcode="ZZ9 9ZZ", local_authority=world.other_la.pk, family_name="")
    page = client.post(reverse(NEW), form).content.decode()
    assert re.search(rf'<option value="{world.other_la.pk}"\s+selected\s*>Otherton Council<', page)
    assert "We could not find the postcode ZZ9 9ZZ" in page  # said as a note, not as an error
    assert not Notification.objects.exists()


def test_a_postcode_whose_council_is_not_served_here_says_so(world, client):
    Postcode.objects.create(postcode="XY1 1AA", key="XY11AA", latitude=52, longitude=-1, la_code="E06999999")
    sign_in(client, world.health_visitor)
    page = client.post(reverse(NEW), _form(world, child_postcode="XY1 1AA")).content.decode()
    assert "The postcode XY1 1AA is in a council area this service does not cover" in page
    assert 'name="local_authority"' in page and not Notification.objects.exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12345", "Enter a full postcode where the child lives, like NS1 4AB"),
        ("TS1", "Enter a full postcode where the child lives, like NS1 4AB"),
        ("", "Enter the postcode where the child lives"),
    ],
)
def test_a_missing_or_malformed_postcode_is_an_error_on_the_field(world, client, typed, message):
    sign_in(client, world.health_visitor)
    page = client.post(reverse(NEW), _form(world, child_postcode=typed)).content.decode()
    assert message in page and 'href="#id_child_postcode"' in page
    assert f'value="{typed}"' in page or not typed
    assert 'value="Robin"' in page and not Notification.objects.exists()


def test_a_crafted_choice_cannot_send_it_past_the_postcode(world, client):
    sign_in(client, world.health_visitor)
    client.post(reverse(NEW), _form(world, local_authority=world.other_la.pk))
    assert Notification.objects.get().local_authority == world.la


def test_an_la_officer_of_another_la_never_sees_it(world, client):
    sign_in(client, world.health_visitor)
    client.post(reverse(NEW), _form(world))
    notification = Notification.objects.get()
    detail = reverse("section23:notification-detail", args=[notification.public_id])
    other = sign_in(type(client)(), world.other_caseworker)
    assert notification.reference not in other.get(reverse("section23:notifications")).content.decode()
    assert other.get(detail).status_code == 404
    ack = reverse("section23:notification-acknowledge", args=[notification.public_id])
    assert other.post(ack, {"version": notification.version}).status_code == 404
    own = sign_in(type(client)(), world.caseworker)
    assert notification.reference in own.get(reverse("section23:notifications")).content.decode()
    assert own.get(detail).status_code == 200


def test_a_draft_says_where_it_will_go_before_it_is_sent(world, client):
    sign_in(client, world.health_visitor)
    client.post(reverse(NEW), _form(world, action="save", child_postcode="OT1 1AA"))
    draft = Notification.objects.get()
    assert draft.is_draft and draft.local_authority == world.other_la
    page = client.get(reverse("section23:notification-edit", args=[draft.public_id])).content.decode()
    assert "This notification will go to Otherton Council, the council for OT1 1AA." in page
    detail = client.get(reverse("section23:notification-detail", args=[draft.public_id])).content.decode()
    assert "Will go to" in detail and "Otherton Council" in detail
    # Not sent yet: neither LA sees it.
    other = sign_in(type(client)(), world.other_caseworker)
    assert other.get(reverse("section23:notification-detail", args=[draft.public_id])).status_code == 404


def test_a_gp_concern_takes_the_la_from_the_postcode(world, client):
    sign_in(client, world.gp)
    form = {
        "organisation": str(world.gp_practice.pk),
        "given_name": "Sasha",
        "family_name": "Testchild",
        **_date("date_of_birth", young_birth_date(years=3)),
        "child_postcode": "ts1 1aa",
        "professional_name": "Dr Casey Testdoctor",
        "profession": "gp",
        "concern": "Not walking independently at 3.",
    }
    page = client.post(reverse("section23:concern-new"), form | {"concern": ""}).content.decode()
    assert "This concern will go to the DCO service for Testshire Council, the council for TS1 1AA." in page
    assert client.post(reverse("section23:concern-new"), form).status_code == 302
    concern = Concern.objects.get()
    assert concern.local_authority == world.la and concern.child_postcode == "TS1 1AA"
    page = client.post(
        reverse("section23:concern-new"), form | {"child_postcode": "ZZ9 9ZZ"}
    ).content.decode()
    assert "We could not find the postcode ZZ9 9ZZ" in page and 'name="local_authority"' in page
    assert 'value="Sasha"' in page and Concern.objects.count() == 1
    # Otherton has no DCO service here: said next to the postcode, which is on the page.
    page = client.post(
        reverse("section23:concern-new"), form | {"child_postcode": "OT1 1AA"}
    ).content.decode()
    assert "No DCO service here covers Otherton Council" in page and 'href="#id_child_postcode"' in page
    assert Concern.objects.count() == 1


def test_the_demo_childrens_postcodes_are_ones_the_directorys_demo_holds_in_their_la():
    """section23.demo cannot import the directory: its postcodes must match the directory demo's
    RESIDENT_POSTCODES by LA (`manage.py load_demo_data` then gives each notification's LA)."""
    from directory import demo as directory_demo
    from section23 import demo as section23_demo

    held = {area.la_code: directory_demo.RESIDENT_POSTCODES[area.key] for area in directory_demo.AREAS}
    assert held == section23_demo.POSTCODES
