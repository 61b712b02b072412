"""Public search: keywords, places, filters, counts and suggestions (on whichever engine is in use)."""

from __future__ import annotations

import datetime as dt

import pytest

from directory import search
from directory.models import Place, SearchEntry, Service, Taxonomy
from directory.search import ServiceSearch, reindex_services, resolve_location, search_services
from directory.testing import (
    LocationFactory,
    PostcodeFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    TaxonomyFactory,
    TaxonomyTermFactory,
)

pytestmark = pytest.mark.django_db


def need(code: str, position: int):
    return TaxonomyTermFactory(
        taxonomy=TaxonomyFactory(vocabulary=Taxonomy.Vocabulary.NEEDS), code=code, position=position
    )


def category(code: str, position: int, parent=None):
    return TaxonomyTermFactory(
        taxonomy=TaxonomyFactory(vocabulary=Taxonomy.Vocabulary.CATEGORIES),
        code=code,
        position=position,
        parent=parent,
    )


def names(results) -> list[str]:
    by_id = dict(Service.objects.filter(pk__in=results.service_ids).values_list("pk", "name"))
    return [by_id[i] for i in results.service_ids]


def at(service: Service, latitude: float, longitude: float) -> None:
    ServiceAtLocationFactory(
        service=service, location=LocationFactory(latitude=latitude, longitude=longitude)
    )


def test_stemming_finds_therapy_when_searching_therapies():
    ServiceFactory(name="Children's speech therapy", description="Help with talking.")
    ServiceFactory(name="Swimming club", description="Fun in the pool.")
    reindex_services()
    assert names(search_services(ServiceSearch(text="therapies"))) == ["Children's speech therapy"]


def test_keywords_are_all_required_and_name_matches_rank_first():
    ServiceFactory(name="Autism support group", description="A parent group.")
    ServiceFactory(name="Parent group", description="Talks about autism support for families.")
    ServiceFactory(name="Autism assessment", description="Diagnosis.")
    reindex_services()
    results = search_services(ServiceSearch(text="autism support"))
    assert names(results) == ["Autism support group", "Parent group"]


def test_typo_gives_did_you_mean_and_results_for_the_correction():
    ServiceFactory(name="Speech therapy", description="Talking help.")
    reindex_services()
    results = search_services(ServiceSearch(text="speach therapy"))
    assert results.suggestion == "speech therapy"
    assert results.corrected_from == "speach therapy"
    assert names(results) == ["Speech therapy"]


def test_age_filter_uses_overlap_and_open_ends():
    ServiceFactory(name="Under fives", minimum_age=0, maximum_age=5)
    ServiceFactory(name="Teenagers", minimum_age=13, maximum_age=19)
    ServiceFactory(name="Anyone", minimum_age=None, maximum_age=None)
    ServiceFactory(name="Five to eleven", minimum_age=5, maximum_age=11)
    reindex_services()
    four = search_services(ServiceSearch(minimum_age=4, maximum_age=4, sort="name"))
    assert names(four) == ["Anyone", "Under fives"]
    range_ = search_services(ServiceSearch(minimum_age=4, maximum_age=6, sort="name"))
    assert names(range_) == ["Anyone", "Five to eleven", "Under fives"]


def test_filters_combine_with_and_and_values_within_a_filter_with_or():
    autism, adhd = need("autism", 0), need("adhd", 1)
    ServiceFactory(name="Free autism", is_free=True, terms=[autism])
    ServiceFactory(name="Paid autism", is_free=False, terms=[autism])
    ServiceFactory(name="Free ADHD", is_free=True, terms=[adhd])
    ServiceFactory(name="Free nothing", is_free=True)
    reindex_services()
    both = search_services(ServiceSearch(needs=["autism"], is_free=True))
    assert names(both) == ["Free autism"]
    either = search_services(ServiceSearch(needs=["autism", "adhd"], is_free=True, sort="name"))
    assert names(either) == ["Free ADHD", "Free autism"]


def test_category_filter_includes_child_categories():
    health = category("health", 0)
    therapies = category("therapies", 10, parent=health)
    ServiceFactory(name="Therapy service", terms=[therapies])
    ServiceFactory(name="Other")
    reindex_services()
    assert names(search_services(ServiceSearch(categories=["health"]))) == ["Therapy service"]


def test_days_and_delivery_filters():
    weekend = ServiceFactory(name="Saturday club")
    ScheduleFactory(service=weekend, byday="SA", attending_type="in person")
    weekday = ServiceFactory(name="Helpline")
    ScheduleFactory(service=weekday, byday="MO,TU", attending_type="phone")
    reindex_services()
    assert names(search_services(ServiceSearch(days=["SA"]))) == ["Saturday club"]
    assert names(search_services(ServiceSearch(delivery=["phone"]))) == ["Helpline"]
    assert names(search_services(ServiceSearch(days=["SA", "MO"], sort="name"))) == [
        "Helpline",
        "Saturday club",
    ]


def test_open_during_times():
    morning = ServiceFactory(name="Morning")
    ScheduleFactory(service=morning, byday="MO", opens_at=dt.time(9), closes_at=dt.time(12))
    ScheduleFactory(
        service=ServiceFactory(name="Evening"), byday="MO", opens_at=dt.time(17), closes_at=dt.time(20)
    )
    reindex_services()
    found = search_services(ServiceSearch(days=["MO"], start_time=dt.time(10), end_time=dt.time(11)))
    assert names(found) == ["Morning"]


def test_distance_ordering_and_proximity():
    near = ServiceFactory(name="Near")
    at(near, 52.631, -1.131)
    far = ServiceFactory(name="Far")
    at(far, 52.70, -1.13)
    at(far, 53.5, -1.0)  # a second, further location: the nearest one counts
    very_far = ServiceFactory(name="Very far")
    at(very_far, 54.5, -2.0)
    ServiceFactory(name="Nowhere")  # no location
    reindex_services()
    results = search_services(
        ServiceSearch(latitude=52.63, longitude=-1.13, proximity_m=20_000, sort="distance")
    )
    assert names(results) == ["Near", "Far"]
    assert results.hits[0].distance_m < 200
    assert 7_500 < results.hits[1].distance_m < 8_000
    anywhere = search_services(ServiceSearch(latitude=52.63, longitude=-1.13, sort="distance"))
    assert names(anywhere) == ["Near", "Far", "Very far", "Nowhere"]


def test_facet_counts_say_what_choosing_each_value_gives():
    autism, adhd = need("autism", 0), need("adhd", 1)
    ServiceFactory(is_free=True, terms=[autism])
    ServiceFactory(is_free=False, terms=[autism, adhd])
    ServiceFactory(is_free=True, terms=[adhd])
    reindex_services()
    results = search_services(ServiceSearch(needs=["autism"]))
    assert results.total == 2
    counts = {f.value: f.count for f in results.facets["needs"]}
    assert counts == {"autism": 2, "adhd": 2}  # within needs, counts ignore the need chosen
    cost = {f.value: f.count for f in results.facets["cost"]}
    assert cost == {"free": 1, "paid": 1}
    assert [f.selected for f in results.facets["needs"]] == [True, False]


def test_public_search_hides_inactive_services():
    ServiceFactory(name="Open")
    ServiceFactory(name="Paused", status=Service.Status.TEMPORARILY_CLOSED)
    ServiceFactory(name="Gone", status=Service.Status.DEFUNCT)
    reindex_services()
    assert names(search_services(ServiceSearch(sort="name"))) == ["Open", "Paused"]


def test_reindex_one_service_updates_keywords():
    service = ServiceFactory(name="Swimming club")
    reindex_services()
    service.name = "Trampoline club"
    service.save()
    reindex_services([service.pk])
    assert search_services(ServiceSearch(text="trampoline")).total == 1
    assert search_services(ServiceSearch(text="swimming", correct_spelling=False)).total == 0
    assert SearchEntry.objects.count() == 1


def test_resolve_location_normalises_postcodes_and_finds_places():
    PostcodeFactory(postcode="NS1 2AB", latitude=52.1, longitude=-1.2)
    Place.objects.create(name="Northtown", key="northtown", latitude=52.2, longitude=-1.3)
    assert resolve_location(" ns12ab ") == (52.1, -1.2, "NS1 2AB")
    assert resolve_location("Ns1  2Ab") == (52.1, -1.2, "NS1 2AB")
    assert resolve_location("northtown") == (52.2, -1.3, "Northtown")
    assert resolve_location("North") == (52.2, -1.3, "Northtown")
    assert resolve_location("ZZ9 9ZZ") is None
    assert resolve_location("") is None


def test_letters():
    ServiceFactory(name="apple club")
    ServiceFactory(name="Ábaco")
    ServiceFactory(name="1st Steps")
    reindex_services()
    assert search.letter_counts() == {"#": 1, "A": 2}


def test_edit_distance():
    assert search.edit_distance("speach", "speech") == 1
    assert search.edit_distance("theraphy", "therapy") == 1
    assert search.edit_distance("abc", "abc") == 0
    assert search.edit_distance("austim", "autism") == 2


def test_matching_entries_applies_every_filter():
    autism = need("autism", 0)
    ServiceFactory(name="Free autism therapy", is_free=True, terms=[autism])
    ServiceFactory(name="Paid autism therapy", is_free=False, terms=[autism])
    ServiceFactory(name="Free swimming", is_free=True)
    reindex_services()
    qs = search.matching_entries(ServiceSearch(text="therapy", is_free=True, needs=["autism"]))
    assert list(qs.values_list("service__name", flat=True)) == ["Free autism therapy"]


def test_full_reindex_keeps_the_keyword_index_in_step():
    service = ServiceFactory(name="Trampoline club")
    reindex_services()
    reindex_services()  # a second full rebuild must not duplicate or lose rows
    assert search_services(ServiceSearch(text="trampoline")).total == 1
    service.name = "Climbing club"
    service.save()
    reindex_services([service.pk])  # the per-row path still maintains the index afterwards
    assert search_services(ServiceSearch(text="climbing")).total == 1
    assert search_services(ServiceSearch(text="trampoline", correct_spelling=False)).total == 0


def test_nearest_first_pages_agree_with_a_full_sort():
    # Services at increasing distances; pages must come out in the same order whether the page
    # lies in the first small circle searched or needs the whole radius.
    for n in range(30):
        service = ServiceFactory(name=f"Club {n:02d}")
        at(service, 52.63 + (n * n) / 4000, -1.13)
    reindex_services()
    everything = []
    for page in (1, 2, 3):
        results = search_services(
            ServiceSearch(latitude=52.63, longitude=-1.13, proximity_m=40_000, sort="distance", page=page)
        )
        everything += names(results)
        distances = [h.distance_m for h in results.hits]
        assert distances == sorted(distances)
    assert everything == [f"Club {n:02d}" for n in range(30)]
