"""A synthetic Local Offer with every ORUK field in use, for the API and conformance tests.

Deterministic (seeded), synthetic only: example.org e-mails, Ofcom drama numbers, made-up places
around a fictional "Northtown" (52.6, -1.1). `build_directory(n)` makes n services from about n/4
organisations, each with locations, addresses, opening times, costs, contacts with phones,
languages, funding, areas, needs and categories, then indexes them for search.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from directory import search
from directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Funding,
    Language,
    Location,
    Phone,
    Postcode,
    Provider,
    ProviderIdentifier,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)
from directory.taxonomies import ensure_taxonomies

TOPICS = [
    ("Speech and language therapy drop-in", "speech-language-communication"),
    ("Autism family support group", "autism"),
    ("ADHD parent workshop", "adhd"),
    ("Short breaks club", "physical-disability"),
    ("Deaf children's swimming", "hearing"),
    ("Vision support service", "vision"),
    ("Wellbeing and anxiety group", "social-emotional-mental-health"),
    ("Learning disability youth club", "learning-disability"),
]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
LANGUAGES = [("English", "en"), ("Polish", "pl"), ("Urdu", "ur"), ("British Sign Language", "bfi")]
CENTRE = (52.63, -1.13)
STATUSES = [Service.Status.ACTIVE] * 8 + [Service.Status.TEMPORARILY_CLOSED, Service.Status.INACTIVE]


@dataclass
class Directory:
    services: list[Service] = field(default_factory=list)
    providers: list[Provider] = field(default_factory=list)
    postcodes: dict[int, Postcode] = field(default_factory=dict)  # service pk -> postcode of its place
    terms: dict[str, dict[str, TaxonomyTerm]] = field(default_factory=dict)


def _postcode(i: int, lat: float, lng: float) -> Postcode:
    district, unit = divmod(i, 26 * 26)
    code = f"NS{district % 9 + 1} {i % 10}{chr(65 + unit // 26)}{chr(65 + unit % 26)}"
    return Postcode.objects.create(
        postcode=code, key=code.replace(" ", ""), latitude=lat, longitude=lng, la_code="E10000099"
    )


def build_directory(n: int = 40, *, seed: int = 2026) -> Directory:
    rng = random.Random(seed)  # noqa: S311 - test data
    terms = ensure_taxonomies()
    needs = terms["send-needs"]
    categories = list(terms["service-categories"].values())
    out = Directory(terms=terms)
    now = timezone.now()

    for p in range((n + 3) // 4):
        parent = out.providers[0] if out.providers and p % 5 == 4 else None
        provider = Provider.objects.create(
            name=f"Northtown Provider {p:03d}",
            description=f"A synthetic organisation number {p} providing SEND services.",
            email=f"provider{p}@example.org",
            website=f"https://provider{p}.example.org/" if p % 2 == 0 else "",
            parent=parent,
            updated_at=now - dt.timedelta(days=p),
        )
        if p % 3 == 0:
            ProviderIdentifier.objects.create(
                provider=provider,
                identifier_scheme="GB-CHC",
                identifier_type="Charity number",
                identifier=f"{1100000 + p}",
            )
        out.providers.append(provider)

    for i in range(n):
        topic, need = TOPICS[i % len(TOPICS)]
        provider = out.providers[i // 4]
        min_age = rng.choice([None, 0, 2, 5, 11, 16])
        max_age = rng.choice([None, 4, 11, 18, 25]) if min_age is None or min_age < 16 else 25
        if min_age is not None and max_age is not None and max_age < min_age:
            max_age = min_age + 3
        svc = Service.objects.create(
            provider=provider,
            name=f"{topic} {i:03d}",
            description=f"{topic} for children and young people in Northtown, session {i}.",
            url=f"https://services.example.org/{i}" if i % 3 else "",
            email=f"service{i}@example.org" if i % 4 else "",
            status=STATUSES[i % len(STATUSES)],
            minimum_age=min_age,
            maximum_age=max_age,
            eligibility_description="Children with SEND and their families." if i % 2 else "",
            application_process="Ring us or ask your health visitor to refer you." if i % 3 else "",
            fees_description="Free for families in Northtown." if i % 5 else "",
            is_free=i % 5 != 0,
            accreditations="Ofsted registered" if i % 7 == 0 else "",
            alert="Closed in August." if i % 11 == 0 else "",
            last_reviewed=(now - dt.timedelta(days=i % 400)).date() if i % 13 else None,
            reviewed_by_email="editor@example.org" if i % 13 else "",
            updated_at=now - dt.timedelta(days=i),
        )
        Attribute.objects.create(taxonomy_term=needs[need], service=svc)
        Attribute.objects.create(taxonomy_term=categories[i % len(categories)], service=svc)

        lat = CENTRE[0] + rng.uniform(-0.08, 0.08)
        lng = CENTRE[1] + rng.uniform(-0.12, 0.12)
        loc = Location.objects.create(
            provider=provider,
            name=f"Northtown Centre {i:03d}",
            description="A community centre." if i % 2 else "",
            latitude=lat,
            longitude=lng,
            external_identifier=f"{10090000000 + i}" if i % 4 == 0 else "",
            external_identifier_type="UPRN" if i % 4 == 0 else "",
        )
        postcode = _postcode(i, lat, lng)
        out.postcodes[svc.pk] = postcode
        Address.objects.create(
            location=loc,
            address_1=f"{i + 1} Example Street",
            city="Northtown",
            state_province="Northshire",
            postal_code=postcode.postcode,
        )
        if i % 3 == 0:
            Accessibility.objects.create(
                location=loc, description="Step-free access", details="Ramp at the side door."
            )
        sal = ServiceAtLocation.objects.create(service=svc, location=loc)
        if i % 6 == 0:
            online = Location.objects.create(
                provider=provider, location_type=Location.LocationType.VIRTUAL, name="Online"
            )
            ServiceAtLocation.objects.create(service=svc, location=online)

        opens = dt.time(rng.choice([8, 9, 10, 13]), rng.choice([0, 30]))
        closes = dt.time(min(opens.hour + rng.choice([2, 4, 8]), 21), 0)
        byday = ",".join(sorted(rng.sample(DAYS, rng.choice([1, 2, 5])), key=DAYS.index))
        Schedule.objects.create(
            service=svc,
            service_at_location=sal if i % 2 else None,
            byday=byday,
            opens_at=opens,
            closes_at=closes,
            interval=1,
            attending_type=Schedule.AttendingType.IN_PERSON,
            description=f"Open {byday} from {opens:%H:%M} to {closes:%H:%M}.",
            valid_from=(now - dt.timedelta(days=100)).date() if i % 2 else None,
        )
        if i % 5 == 0:
            CostOption.objects.create(
                service=svc, option="Per session", amount=Decimal("3.50") if i % 2 else Decimal("5")
            )
        contact = Contact.objects.create(
            service=svc, name="Duty team" if i % 2 else "", email=f"team{i}@example.org"
        )
        phone = Phone.objects.create(contact=contact, number=f"01632 960{i % 1000:03d}", type="voice")
        Phone.objects.create(service=svc, number=f"07700 900{i % 1000:03d}", description="Text us")
        name, code = LANGUAGES[i % len(LANGUAGES)]
        Language.objects.create(service=svc, name=name, code=code)
        if i % 4 == 0:
            Language.objects.create(phone=phone, name="English", code="en")
        if i % 3 == 0:
            Funding.objects.create(service=svc, source="Northshire County Council")
        ServiceArea.objects.create(service=svc, name="Northshire", la_code="E10000099", extent_type="")
        out.services.append(svc)

    search.reindex_services()
    return out
