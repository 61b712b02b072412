"""The synthetic Local Offer: big enough, in both areas, realistic, synthetic-only and deterministic."""

import datetime as dt
import re

import pytest

from accounts.models import Organisation
from directory import demo
from directory.models import (
    Address,
    Attribute,
    Contact,
    CostOption,
    Location,
    Phone,
    Place,
    Postcode,
    Provider,
    Schedule,
    SearchEntry,
    Service,
    ServiceArea,
)

TODAY = dt.date(2026, 11, 23)
OFCOM_DRAMA = re.compile(r"^(01632 960\d{3}|020 7946 0\d{3}|07700 900\d{3})$")


@pytest.fixture
def demo_data(db):
    summary = demo.generate(demo.DEFAULT_SERVICES, 2026, today=TODAY, reindex=False)
    return summary


def test_default_demo_meets_the_size_the_issue_asks_for(demo_data):
    assert Service.objects.count() >= 400
    assert Provider.objects.count() >= 120
    assert demo_data.services == Service.objects.count()
    for area in demo.AREAS:
        la = Organisation.objects.get(code=area.la_code, kind=Organisation.Kind.LOCAL_AUTHORITY)
        assert la.name == area.la_name
        assert Service.objects.filter(areas=la).count() >= 150


def test_services_cover_education_health_social_care_leisure_and_voluntary_support(demo_data):
    codes = set(
        Attribute.objects.filter(taxonomy_term__taxonomy__vocabulary="service-categories").values_list(
            "taxonomy_term__code", flat=True
        )
    )
    assert {
        "speech-and-language-therapy",
        "community-paediatrics",
        "mental-health",
        "health-visiting",
        "schools",
        "special-schools",
        "early-years",
        "post-16-training",
        "short-breaks",
        "support-groups",
        "information-advice",
        "travel",
        "childcare",
        "sport-swimming",
        "complaints-disagreements",
        "preparing-for-adulthood",
    } <= codes
    needs = set(
        Attribute.objects.filter(taxonomy_term__taxonomy__vocabulary="send-needs").values_list(
            "taxonomy_term__code", flat=True
        )
    )
    assert {"autism", "adhd", "hearing", "vision", "speech-language-communication"} <= needs
    names = " ".join(Service.objects.values_list("name", flat=True)).lower()
    for words in ("speech and language therapy", "autism", "short breaks", "swim", "sendiass"):
        assert words in names
    # Every service is tagged with what it is and how to reach it.
    for service in Service.objects.prefetch_related("attributes__taxonomy_term__taxonomy")[:100]:
        vocabularies = {a.taxonomy_term.taxonomy.vocabulary for a in service.attributes.all()}
        assert {"service-categories", "delivery", "referral"} <= vocabularies


def test_places_postcodes_and_locations_lie_inside_their_area(demo_data):
    boxes = {a.la_code: a for a in demo.AREAS}
    assert Postcode.objects.count() >= 500
    for pc in Postcode.objects.all():
        area = boxes[pc.la_code]
        assert area.contains(pc.latitude, pc.longitude), pc.postcode
        assert re.match(r"^(NS[1-9]|EB[1-6]) [1-9][A-Z]{2}$", pc.postcode)
    for place in Place.objects.all():
        assert any(a.contains(place.latitude, place.longitude) for a in demo.AREAS), place.name
    for location in Location.objects.all():
        assert any(a.contains(location.latitude, location.longitude) for a in demo.AREAS)
    demo_postcodes = set(Postcode.objects.values_list("postcode", flat=True))
    for area in demo.AREAS:  # where other apps' demo children live: always there, in their LA
        for code in demo.RESIDENT_POSTCODES[area.key]:
            assert Postcode.objects.get(postcode=code).la_code == area.la_code
    assert set(Address.objects.values_list("postal_code", flat=True)) <= demo_postcodes
    # The areas do not overlap.
    n, e = demo.NORTHSHIRE.box, demo.EASTBURY.box
    assert n[0] > e[1] or e[0] > n[1] or n[2] > e[3] or e[2] > n[3]


def test_no_real_contact_details(demo_data):
    for number in Phone.objects.values_list("number", flat=True):
        assert OFCOM_DRAMA.match(number), number
    emails = [
        *Service.objects.values_list("email", flat=True),
        *Provider.objects.values_list("email", flat=True),
        *Contact.objects.values_list("email", flat=True),
        *Service.objects.values_list("reviewed_by_email", flat=True),
    ]
    assert all(e.endswith("@example.org") for e in emails if e)
    urls = [
        *Service.objects.values_list("url", flat=True),
        *Provider.objects.values_list("website", flat=True),
    ]
    assert all(u.startswith("https://example.org/") for u in urls if u)
    # Contacts are teams and roles, never people.
    assert set(Contact.objects.values_list("name", flat=True)) <= set(demo.CONTACT_TITLES)


def test_opening_times_ages_costs_and_freshness_look_like_a_real_local_offer(demo_data):
    services = Service.objects.count()
    schedules = Schedule.objects.all()
    assert schedules.filter(byday__contains="SA").exists()
    assert {"in person", "online", "phone"} <= set(schedules.values_list("attending_type", flat=True))
    assert all(s.opens_at < s.closes_at for s in schedules)
    paid = Service.objects.filter(is_free=False)
    assert 0.05 * services < paid.count() < 0.5 * services
    assert CostOption.objects.filter(service__in=paid, amount__gt=0).values("service").distinct().count() == (
        paid.count()
    )
    assert Service.objects.filter(minimum_age__gte=16).exists()
    assert Service.objects.filter(maximum_age__lte=5).exists()
    assert all(s.minimum_age <= s.maximum_age for s in Service.objects.all())
    year_ago = TODAY - dt.timedelta(days=365)
    stale = Service.objects.filter(last_reviewed__lt=year_ago).count()
    assert 0.08 * services < stale < 0.25 * services
    assert not Service.objects.filter(last_reviewed__lt=TODAY - dt.timedelta(days=20 * 31)).exists()
    assert not Service.objects.filter(last_reviewed__gt=TODAY).exists()
    assert Service.objects.filter(status=Service.Status.TEMPORARILY_CLOSED).exclude(alert="").exists()
    assert ServiceArea.objects.count() >= services
    assert all(s.eligibility_description and s.application_process for s in Service.objects.all())


def test_some_providers_are_linked_to_accounts_organisations_for_provider_editors(demo_data):
    trust = Organisation.objects.get(code="RX9")
    assert trust.kind == Organisation.Kind.PROVIDER_TRUST
    assert Provider.objects.get(account=trust).services.count() >= 10
    forum = Organisation.objects.get(code="VOL-DEMO", kind=Organisation.Kind.VOLUNTARY)
    assert Provider.objects.filter(account=forum).exists()
    school = Organisation.objects.get(code="URN-999001", kind=Organisation.Kind.SCHOOL)
    assert Provider.objects.get(account=school).services.exists()


def test_the_same_seed_gives_the_same_data_and_another_seed_does_not(db):
    def snapshot():
        return [
            (str(s.public_id), s.name, s.provider.name, s.minimum_age, s.last_reviewed, s.is_free)
            for s in Service.objects.select_related("provider").order_by("public_id")
        ] + [
            (str(loc.public_id), loc.latitude, loc.longitude)
            for loc in Location.objects.order_by("public_id")
        ]

    def wipe():
        Service.objects.all().delete()
        Location.objects.all().delete()
        Provider.objects.all().delete()

    demo.generate(120, 11, today=TODAY, reindex=False)
    first = snapshot()
    wipe()
    demo.generate(120, 11, today=TODAY, reindex=False)
    assert snapshot() == first
    wipe()
    demo.generate(120, 12, today=TODAY, reindex=False)
    assert snapshot() != first


def test_larger_sizes_are_written_in_batches_with_exact_counts(db):
    summary = demo.generate(1500, 3, today=TODAY, batch_size=200, reindex=False)
    assert Service.objects.count() == summary.services == 1500
    assert Provider.objects.count() == summary.providers == round(1500 / demo.SERVICES_PER_PROVIDER)
    assert Service.objects.filter(provider__isnull=True).count() == 0


def test_generate_refuses_a_directory_that_already_has_services(db):
    demo.generate(10, today=TODAY, reindex=False)
    with pytest.raises(ValueError, match="without services"):
        demo.generate(10, today=TODAY, reindex=False)


def test_load_is_what_load_demo_data_calls_and_fills_the_search_index(db):
    assert not demo.is_loaded()
    summary = demo.load(services=60, seed=5)
    assert "60 services" in summary
    assert demo.is_loaded()
    assert SearchEntry.objects.count() == 60


def test_the_demo_does_not_flood_providers_with_review_reminders_on_first_start(db):
    """Records already due when the demo begins were reminded in the demo's past; the worker's first
    pass sends nothing, and reminders fall due from the demo's own dates afterwards."""
    from directory.tasks import send_review_reminders

    demo.generate(120, 2026, reindex=False)
    already = demo.record_reminders_already_sent()
    assert already > 0  # the demo has records that were due for review before it began

    assert send_review_reminders() == 0

    # Forty days on, records that were only due soon are now overdue: their providers hear of it.
    assert send_review_reminders(today=dt.date.today() + dt.timedelta(days=40)) > 0
