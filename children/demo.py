"""Synthetic children and young people for the demo: deterministic (seeded), invented names only.

Children belong to the two demo LAs, Northshire County Council (E10000099) and Eastbury Borough
Council (E09000099), looked up (or made) by code so this works with or without accounts.demo. NHS
numbers are in the 999 test range with a valid check digit, so none can belong to a real person.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any, TextIO

from django.utils import timezone

from accounts.models import Organisation
from children.models import ChildOrYoungPerson, ConsentToShare, ParentCarer

DEMO_LAS = {"E10000099": "Northshire County Council", "E09000099": "Eastbury Borough Council"}
DEFAULT_CHILDREN = 300
SHARE_NORTHSHIRE = 0.62

GIVEN_NAMES = [
    "Amara",
    "Ben",
    "Callum",
    "Daisy",
    "Eli",
    "Freya",
    "Gabriel",
    "Hana",
    "Isaac",
    "Jasmine",
    "Kai",
    "Leah",
    "Mason",
    "Nia",
    "Oscar",
    "Priya",
    "Quinn",
    "Rosa",
    "Samir",
    "Tilly",
    "Umar",
    "Violet",
    "Wren",
    "Yusuf",
    "Zara",
    "Alfie",
    "Bethan",
    "Cerys",
    "Dev",
    "Esme",
    "Finn",
    "Grace",
    "Harvey",
    "Ivy",
    "Jack",
    "Kiera",
]
FAMILY_NAMES = [
    "Ashdown",
    "Brightwell",
    "Carrowby",
    "Dunmere",
    "Elsworth",
    "Fennimore",
    "Galloway-Pike",
    "Hartigan",
    "Iverley",
    "Jessop-Vale",
    "Kirkstall",
    "Lanyon",
    "Marchbank",
    "Northcote",
    "Orrinsmith",
    "Penhallow",
    "Quarrendon",
    "Rosewarne",
    "Stanbury",
    "Tressider",
    "Umberleigh",
    "Valemont",
    "Whitacre",
    "Yelverton",
]
SCHOOLS = {
    "E10000099": [
        "Northshire Vale Primary School",
        "St Aidan's CE Primary",
        "Hollowmere Academy",
        "Northshire College",
        "Little Acorns Nursery",
        "Brookfield Special School",
    ],
    "E09000099": [
        "Eastbury Green Primary",
        "Riverside Infant School",
        "Eastbury High School",
        "Canal Street Nursery",
        "Eastbury Sixth Form College",
    ],
}


def demo_local_authorities() -> dict[str, Organisation]:
    """The two demo LAs by code, made if accounts.demo has not made them."""
    result = {}
    for code, name in DEMO_LAS.items():
        org, _ = Organisation.objects.get_or_create(
            code=code, kind=Organisation.Kind.LOCAL_AUTHORITY, defaults={"name": name}
        )
        result[code] = org
    return result


def synthetic_nhs_number(rng: random.Random) -> str:
    """A 999-range NHS number with a valid modulus 11 check digit."""
    while True:
        digits = [9, 9, 9] + [rng.randrange(10) for _ in range(6)]
        total = sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def is_loaded() -> bool:
    return ChildOrYoungPerson.objects.filter(local_authority__code__in=DEMO_LAS).exists()


def load(stdout: TextIO | None = None, seed: int = 2026, children: int | None = None, **options: Any) -> str:
    """Make the demo children (called by `manage.py load_demo_data`); returns a one-line summary."""
    rng = random.Random(f"children-{seed}")  # repeatable demo data, not a secret  # nosec B311
    las = demo_local_authorities()
    today = timezone.localdate()
    used_numbers: set[str] = set(ChildOrYoungPerson.objects.values_list("nhs_number", flat=True))
    made = carers = consents = 0
    for _ in range(children or DEFAULT_CHILDREN):
        code = "E10000099" if rng.random() < SHARE_NORTHSHIRE else "E09000099"
        # Ages 1 to 24, weighted to school age, as EHC needs assessments are.
        age_days = int(rng.triangular(365, 24 * 365, 8 * 365))
        dob = today - dt.timedelta(days=age_days)
        nhs_number = ""
        if rng.random() < 0.85:
            nhs_number = synthetic_nhs_number(rng)
            while nhs_number in used_numbers:
                nhs_number = synthetic_nhs_number(rng)
            used_numbers.add(nhs_number)
        family = rng.choice(FAMILY_NAMES)
        child = ChildOrYoungPerson.objects.create(
            given_name=rng.choice(GIVEN_NAMES),
            family_name=family,
            date_of_birth=dob,
            nhs_number=nhs_number,
            local_authority=las[code],
            school_or_setting_name=rng.choice(SCHOOLS[code]) if age_days > 2 * 365 else "",
        )
        made += 1
        parent = ParentCarer.objects.create(
            child=child,
            name=f"{rng.choice(GIVEN_NAMES)} {family}",
            relationship=rng.choice(["mother", "father", "parent", "foster_carer", "grandparent"]),
            email=f"parent{made}@example.org",
            phone=f"07700 900{rng.randrange(1000):03d}",
            preferred_contact=rng.choice(["email", "phone", "text"]),
        )
        carers += 1
        given_on = today - dt.timedelta(days=rng.randrange(20, 400))
        over_16 = (given_on - dob).days >= 16 * 365
        ConsentToShare.objects.create(
            child=child,
            given_by="young_person" if over_16 else "parent_carer",
            parent_carer=None if over_16 else parent,
            given_on=given_on,
            scope=rng.choice(["ehc_assessment", "ehc_assessment", "all_send"]),
            capacity_assessed=True if over_16 else None,
        )
        consents += 1
    return f"{made} children and young people, {carers} parents or carers, {consents} consents"
