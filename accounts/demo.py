"""Demo organisations, people for every role, and API tokens (demo mode only; synthetic names).

Every demo person shares one password and one authenticator key (DEMO_TOTP_BASE32), so a reviewer
adds the key to any authenticator app once and can sign in as anyone. Demo accounts and demo API
tokens stop working when DEMO_MODE is off (accounts.services.verify_token, ApiToken.authenticate).
Loading is idempotent: organisations are found by code and people by e-mail address.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken, Membership, Organisation, Role, User
from accounts.services import DEMO_TOTP_BASE32, DEMO_TOTP_KEY_HEX

DEMO_PASSWORD = "send-demo-2026"  # noqa: S105 - published on purpose; demo mode only

Kind = Organisation.Kind


@dataclass(frozen=True)
class DemoOrganisation:
    code: str
    name: str
    kind: str
    parent: str = ""
    specialism: str = ""
    email: str = ""


ORGANISATIONS = [
    DemoOrganisation("ICB-DEMO", "Northshire and Eastbury Integrated Care Board", Kind.INTEGRATED_CARE_BOARD),
    DemoOrganisation(
        "DCO-DEMO",
        "Northshire and Eastbury DCO service",
        Kind.DCO_SERVICE,
        parent="ICB-DEMO",
        email="dco.service@example.org",
    ),
    DemoOrganisation(
        "E10000099", "Northshire County Council", Kind.LOCAL_AUTHORITY, email="send@example.org"
    ),
    DemoOrganisation("E09000099", "Eastbury Borough Council", Kind.LOCAL_AUTHORITY, email="ehc@example.org"),
    DemoOrganisation("RX9", "Northshire Community Health NHS Trust", Kind.PROVIDER_TRUST),
    DemoOrganisation(
        "RX9-PAED",
        "Community paediatrics",
        Kind.PROVIDER_TEAM,
        "RX9",
        "Community paediatrics",
        "paeds@example.org",
    ),
    DemoOrganisation(
        "RX9-SLT",
        "Speech and language therapy",
        Kind.PROVIDER_TEAM,
        "RX9",
        "Speech and language therapy",
        "slt@example.org",
    ),
    DemoOrganisation(
        "RX9-OT", "Occupational therapy", Kind.PROVIDER_TEAM, "RX9", "Occupational therapy", "ot@example.org"
    ),
    DemoOrganisation(
        "RX9-PHYSIO", "Physiotherapy", Kind.PROVIDER_TEAM, "RX9", "Physiotherapy", "physio@example.org"
    ),
    DemoOrganisation(
        "RX9-CAMHS",
        "Children and young people's mental health service (CAMHS)",
        Kind.PROVIDER_TEAM,
        "RX9",
        "Mental health",
        "camhs@example.org",
    ),
    DemoOrganisation(
        "RX9-HV", "Health visiting", Kind.PROVIDER_TEAM, "RX9", "Health visiting", "hv@example.org"
    ),
    DemoOrganisation(
        "RX9-SN", "School nursing", Kind.PROVIDER_TEAM, "RX9", "School nursing", "sn@example.org"
    ),
    DemoOrganisation("URN-999001", "Brookfield Primary School", Kind.SCHOOL, email="office@example.org"),
    DemoOrganisation("VOL-DEMO", "Northshire Parent Carer Forum", Kind.VOLUNTARY, email="forum@example.org"),
    DemoOrganisation("Y99001", "Millbrook Surgery", Kind.GP_PRACTICE, email="millbrook.surgery@example.org"),
]
DCO_AREAS = ["E10000099", "E09000099"]


@dataclass(frozen=True)
class DemoPerson:
    email: str
    first_name: str
    last_name: str
    role: str
    organisations: tuple[str, ...]


PEOPLE = [
    DemoPerson("dco@example.org", "Morgan", "Ashby", Role.DCO, ("DCO-DEMO",)),
    DemoPerson("dco.admin@example.org", "Jordan", "Pike", Role.DCO_ADMIN, ("DCO-DEMO",)),
    DemoPerson("caseworker.northshire@example.org", "Casey", "Northam", Role.LA_CASEWORKER, ("E10000099",)),
    DemoPerson("caseworker.eastbury@example.org", "Eli", "Eastwood", Role.LA_CASEWORKER, ("E09000099",)),
    # Northshire's early-years SEN officer: acknowledges section 23 notifications for the SEN team.
    DemoPerson("earlyyears.northshire@example.org", "Emery", "Yates", Role.LA_CASEWORKER, ("E10000099",)),
    DemoPerson("clinician.slt@example.org", "Sam", "Talbot", Role.PROVIDER_CLINICIAN, ("RX9-SLT",)),
    DemoPerson("manager.slt@example.org", "Robin", "Lang", Role.PROVIDER_TEAM_MANAGER, ("RX9-SLT",)),
    DemoPerson("clinician.paeds@example.org", "Pat", "Kendry", Role.PROVIDER_CLINICIAN, ("RX9-PAED",)),
    DemoPerson("manager.paeds@example.org", "Alex", "Marlow", Role.PROVIDER_TEAM_MANAGER, ("RX9-PAED",)),
    DemoPerson("clinician.ot@example.org", "Charlie", "Oates", Role.PROVIDER_CLINICIAN, ("RX9-OT",)),
    DemoPerson("clinician.physio@example.org", "Drew", "Fenwick", Role.PROVIDER_CLINICIAN, ("RX9-PHYSIO",)),
    DemoPerson("clinician.camhs@example.org", "Kit", "Mayfield", Role.PROVIDER_CLINICIAN, ("RX9-CAMHS",)),
    DemoPerson("clinician.hv@example.org", "Rowan", "Hale", Role.PROVIDER_CLINICIAN, ("RX9-HV",)),
    DemoPerson("clinician.sn@example.org", "Avery", "Nash", Role.PROVIDER_CLINICIAN, ("RX9-SN",)),
    DemoPerson("admin@example.org", "Taylor", "Grant", Role.SYSTEM_ADMIN, ("ICB-DEMO",)),
    DemoPerson("localoffer@example.org", "Lee", "Offord", Role.DIRECTORY_EDITOR, ("E10000099", "E09000099")),
    DemoPerson("provider.editor@example.org", "Frankie", "Bell", Role.PROVIDER_EDITOR, ("RX9", "VOL-DEMO")),
    DemoPerson("school@example.org", "Jo", "Brightwater", Role.SCHOOL_STAFF, ("URN-999001",)),
    DemoPerson("la.admin@example.org", "Nico", "Ashdown", Role.ORGANISATION_ADMIN, ("E10000099",)),
    # A GP: raises concerns about young children with the DCO service (section 23 names no GP practice).
    DemoPerson("gp@example.org", "Harper", "Gale", Role.HEALTH_PRACTITIONER, ("Y99001",)),
]

# Published demo API tokens, one per demo LA: they only work in demo mode.
API_TOKENS = {
    "E10000099": "shh_demo_northshire_7c1e4b9a2f6d",
    "E09000099": "shh_demo_eastbury_3a8d5f0c9e2b",
}


def is_loaded() -> bool:
    return Organisation.objects.filter(code="DCO-DEMO").exists() and User.objects.filter(
        is_demo=True, email__in=[p.email for p in PEOPLE]
    ).count() == len(PEOPLE)


def organisation(code: str) -> Organisation:
    return Organisation.objects.get(code=code)


def _organisation(spec: DemoOrganisation) -> Organisation:
    values: dict[str, Any] = {
        "name": spec.name,
        "kind": spec.kind,
        "parent": Organisation.objects.get(code=spec.parent) if spec.parent else None,
        "specialism": spec.specialism,
        "email": spec.email,
    }
    org = Organisation.objects.filter(code=spec.code).first()
    if org is None:
        return Organisation.objects.create(code=spec.code, **values)
    for name, value in values.items():
        setattr(org, name, value)
    org.save(update_fields=list(values))
    return org


def _person(spec: DemoPerson, password_hash: str) -> User:
    user = User.objects.filter(email__iexact=spec.email).first()
    if user is None:
        user = User(email=spec.email)
    user.first_name, user.last_name = spec.first_name, spec.last_name
    user.is_demo = user.is_active = True
    # The demo system administrator manages accounts in the Django admin.
    user.is_staff = user.is_superuser = spec.role == Role.SYSTEM_ADMIN
    user.password = password_hash  # hashed once for all demo people (Argon2 is slow on purpose)
    user.save()
    for code in spec.organisations:
        Membership.objects.update_or_create(
            user=user, organisation=organisation(code), role=spec.role, defaults={"is_active": True}
        )
    TOTPDevice.objects.filter(user=user).exclude(name="Demo authenticator").delete()
    TOTPDevice.objects.update_or_create(
        user=user, name="Demo authenticator", defaults={"key": DEMO_TOTP_KEY_HEX, "confirmed": True}
    )
    return user


@transaction.atomic
def load(stdout: Any = None, **options: Any) -> str:
    """Create or refresh the demo organisations, people and API tokens. Refuses outside demo mode."""
    if not settings.DEMO_MODE:
        return "skipped: DEMO_MODE is off, so no demo accounts were made"
    orgs = [_organisation(spec) for spec in ORGANISATIONS]
    organisation("DCO-DEMO").areas.set([organisation(code) for code in DCO_AREAS])
    password_hash = make_password(DEMO_PASSWORD)
    people = [_person(spec, password_hash) for spec in PEOPLE]
    for code, raw in API_TOKENS.items():
        token_hash = ApiToken.hash(raw)
        if not ApiToken.objects.filter(token_hash=token_hash).exists():
            ApiToken.objects.create(
                organisation=organisation(code),
                name="Demo case-management system",
                token_hash=token_hash,
                prefix=raw[:8],
                is_demo=True,
            )
    return f"{len(orgs)} organisations, {len(people)} people, {len(API_TOKENS)} API tokens"


def credentials_text() -> str:
    """The demo sign-in details as a block of text for the terminal."""
    org_names = dict(
        Organisation.objects.filter(code__in=[o.code for o in ORGANISATIONS]).values_list("code", "name")
    )
    role_names = dict(Role.choices)
    width = max(len(p.email) for p in PEOPLE) + 2
    role_width = max(len(str(role_names[p.role])) for p in PEOPLE) + 2
    lines = [
        "Demo sign-in (demo mode only; every name here is made up)",
        "",
        f"  Password for every account: {DEMO_PASSWORD}",
        f"  Authenticator key (add it once to any authenticator app, as a time-based key): {DEMO_TOTP_BASE32}",
        "",
        f"  {'Email':<{width}}{'Role':<{role_width}}Organisation",
    ]
    for person in PEOPLE:
        orgs = ", ".join(org_names.get(code, code) for code in person.organisations)
        lines.append(f"  {person.email:<{width}}{role_names[person.role]!s:<{role_width}}{orgs}")
    lines += ["", "  LA case-management API tokens (Authorization: Bearer <token>):"]
    for code, raw in API_TOKENS.items():
        lines.append(f"  {org_names.get(code, code)}: {raw}")
    return "\n".join(lines) + "\n"
