"""A small casework world for tests: two LAs, a DCO service for one of them, a trust with two
teams, and a persona for every role, inside and outside reach. Synthetic people only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from accounts.models import Organisation, Role, User
from accounts.testing import OrganisationFactory, member
from advice import services
from advice.models import AdviceRequest, Assignment, EHCNeedsAssessment
from audit.testing import TEST_CONTEXT
from children.testing import ChildFactory

GOOD_ADVICE: dict[str, Any] = {
    "needs": [
        {
            "description": "Difficulty with expressive language affecting classroom learning",
            "relates_to_sen": True,
        }
    ],
    "outcomes": [
        {"outcome": "Uses three-word sentences to ask for help in class", "by_when": "End of Key Stage 1"}
    ],
    "provision": [
        {
            "what": "Direct speech and language therapy",
            "who": "Speech and language therapist (Band 6)",
            "how_often": "Weekly, 30 minutes",
            "how_long": "12 months, reviewed termly",
            "section": "F",
        }
    ],
    "author_name": "Sam Testwriter",
    "author_profession": "Speech and language therapist",
    "author_registration_number": "SL000000",
    "author_registration_body": "HCPC",
}
GOOD_SCORES: dict[str, int | str] = {**{f"Q{n}": 2 for n in range(1, 13)}, "Q13": "n/a"}


@dataclass
class World:
    la: Organisation
    other_la: Organisation
    dco_service: Organisation
    other_dco_service: Organisation
    trust: Organisation
    team: Organisation
    other_team: Organisation
    la_user: User
    other_la_user: User
    dco: User
    dco_admin: User
    other_dco: User
    clinician: User
    manager: User
    trust_manager: User
    other_clinician: User
    sysadmin: User
    school_staff: User
    outsider: User


def _org(**kwargs: Any) -> Organisation:
    return cast(Organisation, OrganisationFactory(**kwargs))


def make_world() -> World:
    la = _org(kind=Organisation.Kind.LOCAL_AUTHORITY, name="Testshire Council", email="")
    other_la = _org(kind=Organisation.Kind.LOCAL_AUTHORITY, name="Otherborough Council")
    dco_service = _org(kind=Organisation.Kind.DCO_SERVICE, name="Test DCO service")
    dco_service.areas.add(la)
    other_dco_service = _org(kind=Organisation.Kind.DCO_SERVICE, name="Other DCO service")
    other_dco_service.areas.add(other_la)
    trust = _org(kind=Organisation.Kind.PROVIDER_TRUST, name="Test Community Trust")
    team = _org(kind=Organisation.Kind.PROVIDER_TEAM, name="Speech and language therapy", parent=trust)
    other_team = _org(kind=Organisation.Kind.PROVIDER_TEAM, name="Occupational therapy", parent=trust)
    manager = member(Role.PROVIDER_TEAM_MANAGER, team)
    trust_manager = member(Role.PROVIDER_TEAM_MANAGER, trust)
    return World(
        la=la,
        other_la=other_la,
        dco_service=dco_service,
        other_dco_service=other_dco_service,
        trust=trust,
        team=team,
        other_team=other_team,
        la_user=member(Role.LA_CASEWORKER, la),
        other_la_user=member(Role.LA_CASEWORKER, other_la),
        dco=member(Role.DCO, dco_service),
        dco_admin=member(Role.DCO_ADMIN, dco_service),
        other_dco=member(Role.DCO, other_dco_service),
        clinician=member(Role.PROVIDER_CLINICIAN, team),
        manager=manager,
        trust_manager=trust_manager,
        other_clinician=member(Role.PROVIDER_CLINICIAN, other_team),
        sysadmin=member(Role.SYSTEM_ADMIN),
        school_staff=member(Role.SCHOOL_STAFF),
        outsider=member(Role.DIRECTORY_EDITOR, la),  # same LA, but not a caseworker
    )


def make_request(
    world: World,
    *,
    received: dt.date | None = None,
    child: Any = None,
    la: Organisation | None = None,
    user: User | None = None,
) -> AdviceRequest:
    la = la or world.la
    user = user or (world.la_user if la == world.la else world.other_la_user)
    child = child or ChildFactory(local_authority=la)
    received = received or dt.date.today()
    return services.request_advice(
        context=TEST_CONTEXT,
        user=user,
        local_authority=la,
        child=child,
        request_received_on=received - dt.timedelta(days=30),
        clock_start_type=EHCNeedsAssessment.ClockStart.S36_REQUEST,
        questions="What are the child's health needs?",
        known_health_involvement="Known to speech and language therapy",
        sent_on=received,
        received_by_health=received,
    )


def route(
    world: World, advice_request: AdviceRequest, *teams: Organisation, received_on: dt.date | None = None
) -> list[Assignment]:
    advice_request.refresh_from_db()
    return services.triage_and_route(
        context=TEST_CONTEXT,
        user=world.dco,
        advice_request=advice_request,
        expected_version=advice_request.version,
        teams=list(teams) or [world.team],
        lawful_basis="legal_obligation",
        received_on=received_on,
    )
