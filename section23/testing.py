"""Helpers for tests of section 23 (and other apps' tests, such as the site-wide walks): a small world
of organisations and people, and a notification's details with every statutory step recorded.
Synthetic people only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from accounts.models import Organisation, Role, User
from accounts.testing import make_organisation, member
from audit.testing import TEST_CONTEXT
from directory.models import Postcode
from lib.postcodes import display_postcode, postcode_key
from section23 import services
from section23.models import Concern, Notification


def young_birth_date(today: dt.date | None = None, years: int = 2) -> dt.date:
    """A date of birth `years` years ago: well under compulsory school age."""
    today = today or timezone.localdate()
    return today.replace(year=today.year - years, day=min(today.day, 28))


def complete_details(today: dt.date | None = None, **overrides: Any) -> dict[str, Any]:
    """Details with every statutory step recorded, ready to send."""
    today = today or timezone.localdate()
    details: dict[str, Any] = {
        "professional_name": "Alex Testvisitor",
        "profession": "health_visitor",
        "registration_number": "NMC00000",
        "parent_name": "Jordan Example-Parent",
        "parent_relationship": "mother",
        "parent_phone": "01632 960001",
        "parent_email": "jordan.parent@example.org",
        "parent_address": "1 Example Street",
        "parent_language": "Polish",
        "interpreter_needed": True,
        "opinion": 'Delayed speech & limited play at the 2-year review; probably has SEN ("communication").',
        "areas_of_need": ["communication"],
        "opinion_formed_on": today - dt.timedelta(days=20),
        "parent_told_on": today - dt.timedelta(days=14),
        "discussion": "held",
        "discussion_on": today - dt.timedelta(days=14),
        "discussion_with": "Alex Testvisitor, health visitor",
        "parent_view": "agrees",
        "parent_views": "Wants help before nursery",
        "voluntary_organisations": "Example Parent Carer Forum",
        "no_voluntary_organisation": False,
        "referral_consent": "not_asked",
    }
    details.update(overrides)
    return details


@dataclass
class World:
    icb: Organisation
    dco_service: Organisation
    la: Organisation
    other_la: Organisation
    trust: Organisation
    team: Organisation
    other_trust_team: Organisation
    gp_practice: Organisation
    health_visitor: User
    other_team_clinician: User
    caseworker: User
    other_caseworker: User
    dco: User
    gp: User
    system_admin: User


def make_world() -> World:
    icb = make_organisation(kind=Organisation.Kind.INTEGRATED_CARE_BOARD, name="Testshire ICB")
    dco_service = make_organisation(
        kind=Organisation.Kind.DCO_SERVICE, name="Testshire DCO service", parent=icb
    )
    la = make_organisation(kind=Organisation.Kind.LOCAL_AUTHORITY, name="Testshire Council")
    other_la = make_organisation(kind=Organisation.Kind.LOCAL_AUTHORITY, name="Otherton Council")
    dco_service.areas.add(la)
    trust = make_organisation(kind=Organisation.Kind.PROVIDER_TRUST, name="Testshire Community NHS Trust")
    team = make_organisation(
        kind=Organisation.Kind.PROVIDER_TEAM, name="Testshire health visiting", parent=trust
    )
    other_trust = make_organisation(kind=Organisation.Kind.PROVIDER_TRUST, name="Otherton NHS Trust")
    other_team = make_organisation(
        kind=Organisation.Kind.PROVIDER_TEAM, name="Otherton therapy", parent=other_trust
    )
    gp_practice = make_organisation(kind=Organisation.Kind.GP_PRACTICE, name="Testshire Surgery")
    return World(
        icb=icb,
        dco_service=dco_service,
        la=la,
        other_la=other_la,
        trust=trust,
        team=team,
        other_trust_team=other_team,
        gp_practice=gp_practice,
        health_visitor=member(Role.PROVIDER_CLINICIAN, team),
        other_team_clinician=member(Role.PROVIDER_CLINICIAN, other_team),
        caseworker=member(Role.LA_CASEWORKER, la),
        other_caseworker=member(Role.LA_CASEWORKER, other_la),
        dco=member(Role.DCO, dco_service),
        gp=member(Role.HEALTH_PRACTITIONER, gp_practice),
        system_admin=member(Role.SYSTEM_ADMIN, icb),
    )


def postcode_in(la: Organisation, postcode: str, *, county: Organisation | None = None) -> str:
    """Put `postcode` in the postcode data (the directory's ONS Postcode Directory table) in `la`'s
    area: `la` is its district (or unitary authority), `county` the county in a two-tier area. Gives
    each an ONS-like code if it has none. Returns the postcode."""
    for org in (la, county):
        if org is not None and not org.code:
            org.code = f"E{(6 if org is la else 10):02d}{org.pk:06d}"  # 9 characters, as ONS codes
            org.save(update_fields=["code"])
    Postcode.objects.update_or_create(
        key=postcode_key(postcode),
        defaults={
            "postcode": display_postcode(postcode),
            "latitude": 52.6,
            "longitude": -1.2,
            "la_code": la.code,
            "county_code": county.code if county is not None else "",
        },
    )
    return display_postcode(postcode)


def notify(
    world: World,
    *,
    send: bool = True,
    given_name: str = "Robin",
    details: dict[str, Any] | None = None,
    **kwargs: Any,
) -> Notification:
    """A notification by the world's health visitor about a 2-year-old in the world's LA."""
    return services.create_notification(
        user=world.health_visitor,
        context=TEST_CONTEXT,
        acting_for=world.team,
        local_authority=kwargs.pop("local_authority", world.la),
        given_name=given_name,
        family_name="Testchild",
        date_of_birth=kwargs.pop("date_of_birth", young_birth_date()),
        details=details if details is not None else complete_details(),
        send=send,
        **kwargs,
    )


def raise_concern(world: World, **kwargs: Any) -> Concern:
    values: dict[str, Any] = {
        "user": world.gp,
        "context": TEST_CONTEXT,
        "organisation": world.gp_practice,
        "local_authority": world.la,
        "given_name": "Sasha",
        "family_name": "Testchild",
        "date_of_birth": young_birth_date(years=3),
        "professional_name": "Dr Casey Testdoctor",
        "profession": "gp",
        "concern": "Not walking independently at 3; parents worried about development.",
        "areas_of_need": ["sensory_physical"],
        "parent_aware": True,
    }
    values.update(kwargs)
    return services.raise_concern(**values)
