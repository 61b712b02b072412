"""The in-memory search index (ADR 0012), on both engines: it answers every public search exactly as
the database does, and never answers from data other than the committed search rows."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest
from django.conf import settings
from django.db import connection, transaction

from directory import demo
from directory.models import Postcode, SearchEntry, Service, Taxonomy, TaxonomyTerm
from directory.search import ServiceSearch, reindex_services, search_services
from directory.search import index as search_index
from directory.testing import (
    LocationFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    TaxonomyFactory,
    TaxonomyTermFactory,
)

pytestmark = pytest.mark.django_db
# Real concurrent connections: SQLite's in-memory test database is not shared between connections.
needs_postgres = [
    pytest.mark.postgres,
    pytest.mark.skipif(getattr(settings, "DB_VENDOR", "") != "postgresql", reason="needs PostgreSQL"),
]


@pytest.fixture(autouse=True)
def _fresh_index():
    search_index.forget()
    yield
    search_index.ENABLED = True
    search_index.forget()


def both_ways(params: ServiceSearch):
    """(the index's answer, the database's answer) to the same search."""
    search_index.ENABLED = True
    from_index = search_services(params)
    search_index.ENABLED = False
    try:
        from_database = search_services(params)
    finally:
        search_index.ENABLED = True
    return from_index, from_database


def summary(results, *, ordered: bool):
    hits = [(h.service_id, None if h.distance_m is None else round(h.distance_m, 3)) for h in results.hits]
    return {
        "total": results.total,
        "facets": results.facets,
        "without": results.total_without,
        "hits": hits if ordered else sorted(hits),
        "suggestion": results.suggestion,
    }


def test_the_index_gives_the_databases_answer_to_every_kind_of_search():
    demo.generate(240, 7, stdout=None)
    postcode = Postcode.objects.order_by("key").first()
    assert postcode is not None
    at = {"latitude": postcode.latitude, "longitude": postcode.longitude, "location_label": postcode.postcode}
    needs = list(
        TaxonomyTerm.objects.filter(taxonomy__vocabulary=Taxonomy.Vocabulary.NEEDS)
        .order_by("position")
        .values_list("code", flat=True)[:3]
    )
    categories = list(
        TaxonomyTerm.objects.filter(taxonomy__vocabulary=Taxonomy.Vocabulary.CATEGORIES, parent__isnull=True)
        .order_by("position")
        .values_list("code", flat=True)[:2]
    )
    searches = [
        ServiceSearch(),
        ServiceSearch(text="speech therapy"),
        ServiceSearch(text="autism"),
        ServiceSearch(text="Autism Support"),
        ServiceSearch(text="swimming", page=2, per_page=5),
        ServiceSearch(text="parent support group", minimum_age=4, maximum_age=4),
        ServiceSearch(text="xyzzy"),
        ServiceSearch(text="the"),
        ServiceSearch(text="!!!"),
        ServiceSearch(minimum_age=4, maximum_age=4),
        ServiceSearch(minimum_age=16),
        ServiceSearch(needs=needs[:1]),
        ServiceSearch(needs=needs, is_free=True),
        ServiceSearch(categories=categories, days=("SA", "SU")),
        ServiceSearch(delivery=("online", "phone"), is_free=False),
        ServiceSearch(needs=["not-a-need"]),
        ServiceSearch(
            text="support", needs=needs[:2], categories=categories[:1], minimum_age=5, days=("MO",)
        ),
        ServiceSearch(**at, proximity_m=8_000, sort="distance"),
        ServiceSearch(**at, proximity_m=16_000, sort="distance", page=3),
        ServiceSearch(**at, sort="distance", per_page=50),
        ServiceSearch(**at, proximity_m=16_000, text="therapy", minimum_age=4, maximum_age=4),
        ServiceSearch(**at, proximity_m=3_000, needs=needs[:1], sort="name"),
        ServiceSearch(sort="name", page=4),
        ServiceSearch(statuses=tuple(Service.Status.values), per_page=100),
        ServiceSearch(text="club", with_facets=False, per_page=100),
        ServiceSearch(**at, proximity_m=20_000, with_facets=False, sort="distance", per_page=100, page=2),
    ]
    assert search_index.available()  # the test's own transaction counts as committed data
    search_services(ServiceSearch())
    assert search_index._indexes  # ...so searches build the index and answer from it
    mismatches = []
    for params in searches:
        from_index, from_database = both_ways(params)
        # Relevance puts services whose name has more of the words first on both, but PostgreSQL's
        # database path ranks ties within that by cover density, and SQLite's by bm25 over the whole
        # text: compare relevance results as sets of the whole list.
        ordered = not (params.text and params.sort == "relevance")
        if not ordered:
            whole = replace(params, page=1, per_page=100)
            from_index, from_database = both_ways(whole)
        expected, got = summary(from_database, ordered=ordered), summary(from_index, ordered=ordered)
        if not ordered and from_database.total > 100:
            expected["hits"] = got["hits"] = None  # a page of a longer list: the sets may differ
        if got != expected:
            mismatches.append(params)
    assert not mismatches
    assert search_services(ServiceSearch(text="autism")).total > 10  # the searches found things


def test_names_with_more_of_the_words_come_first():
    ServiceFactory(name="Parent group", description="Talks about autism support for families.")
    ServiceFactory(name="Autism support group", description="A parent group.")
    ServiceFactory(name="Autism drop-in", description="Support for families.")
    reindex_services()
    results = search_services(ServiceSearch(text="autism support"))
    names = dict(Service.objects.values_list("pk", "name"))
    assert [names[i] for i in results.service_ids] == [
        "Autism support group",
        "Autism drop-in",
        "Parent group",
    ]


def need_term():
    return TaxonomyTermFactory(
        taxonomy=TaxonomyFactory(vocabulary=Taxonomy.Vocabulary.NEEDS), code="autism", position=1
    )


def test_changes_after_the_index_was_built_are_in_the_next_search():
    autism = need_term()
    club = ServiceFactory(name="Autism swimming club")
    ServiceFactory(name="Autism support group", terms=[autism])
    reindex_services()
    assert search_services(ServiceSearch(text="autism")).total == 2

    new = ServiceFactory(name="Autism sensory room", terms=[autism])
    reindex_services([new.pk])
    club.name = "Swimming club"
    club.description = "Lessons in a quiet pool."
    club.save()
    reindex_services([club.pk])

    autism_search = search_services(ServiceSearch(text="autism"))
    assert autism_search.total == 2
    assert club.pk not in autism_search.service_ids
    assert new.pk in autism_search.service_ids
    assert search_services(ServiceSearch(text="lessons")).service_ids == [club.pk]
    # The counts follow the changed rows too.
    needs = {f.value: f.count for f in search_services(ServiceSearch()).facets["needs"]}
    assert needs == {"autism": 2}


def test_a_service_deleted_without_a_reindex_leaves_the_results():
    need_term()
    gone = ServiceFactory(name="Autism drop-in")
    ServiceFactory(name="Autism support group")
    reindex_services()
    assert search_services(ServiceSearch(text="autism")).total == 2

    Service.objects.filter(pk=gone.pk).delete()  # the search rows go by cascade; the log sees it

    again = search_services(ServiceSearch(text="autism"))
    assert again.total == 1
    assert gone.pk not in again.service_ids


def test_a_closed_service_leaves_public_searches():
    need_term()
    closing = ServiceFactory(name="Autism drop-in")
    ServiceFactory(name="Autism support group")
    reindex_services()
    assert search_services(ServiceSearch(text="autism")).total == 2
    closing.status = Service.Status.INACTIVE
    closing.save()
    reindex_services([closing.pk])
    assert search_services(ServiceSearch(text="autism")).total == 1
    assert closing.pk not in search_services(ServiceSearch(text="autism")).service_ids
    everything = search_services(ServiceSearch(text="autism", statuses=tuple(Service.Status.values)))
    assert everything.total == 2


def test_uncommitted_changes_are_searched_in_the_database_and_never_enter_the_index():
    need_term()
    ServiceFactory(name="Autism support group")
    reindex_services()
    assert search_services(ServiceSearch(text="autism")).total == 1
    index = search_index.index_at(None)

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        extra = ServiceFactory(name="Autism music group")
        reindex_services([extra.pk])
        assert not search_index.available()
        assert search_services(ServiceSearch(text="autism")).total == 2  # from the database
        raise Undo

    assert search_index.index_at(None) is index
    assert search_services(ServiceSearch(text="autism")).total == 1


def test_a_full_reindex_and_a_pruned_log_rebuild_the_index(monkeypatch):
    need_term()
    for name in ("Autism support group", "Autism swimming", "Autism drop-in"):
        ServiceFactory(name=name)
    reindex_services()
    assert search_services(ServiceSearch(text="autism")).total == 3
    first = search_index.index_at(None)

    SearchEntry.objects.filter(name_sort__startswith="autism swim").update(document="Lessons")
    reindex_services()  # puts the document back, and logs "everything changed"
    assert search_services(ServiceSearch(text="autism")).total == 3
    assert search_index.index_at(None) is not first

    built = search_index.index_at(None)
    monkeypatch.setattr(search_index, "KEEP_CHANGES", 1)
    more = [ServiceFactory(name=f"Autism club {n}") for n in range(3)]
    for service in more:
        reindex_services([service.pk])  # each prunes the log down to its newest rows
    assert search_services(ServiceSearch(text="autism")).total == 6
    assert search_index.index_at(None) is not built


def test_the_change_log_names_the_changed_services():
    a, b = ServiceFactory(name="Alpha"), ServiceFactory(name="Beta")
    reindex_services()
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM directory_searchchange")
        (before,) = cursor.fetchone()
        reindex_services([a.pk])
        Service.objects.filter(pk=b.pk).delete()
        cursor.execute("SELECT DISTINCT service_id FROM directory_searchchange WHERE id > %s", [before])
        assert {row[0] for row in cursor.fetchall()} == {a.pk, b.pk}


def test_tsquery_text_is_read_back_into_lexemes():
    assert search_index._parse_tsquery("'speech' & 'therapi'") == ("speech", "therapi")
    assert search_index._parse_tsquery("'o''brien' & 'brien'") == ("o'brien", "brien")
    assert search_index._parse_tsquery("") == ()


@pytest.mark.django_db(transaction=True)
@needs_postgres[0]
@needs_postgres[1]
def test_a_web_process_builds_its_index_as_it_starts(settings):
    need_term()
    ServiceFactory(name="Autism support group")
    reindex_services()
    settings.SEARCH_INDEX_WARM = True
    thread = search_index.warm_in_background()
    assert thread is not None
    thread.join(timeout=30)
    assert len(search_index._indexes) == 1  # built before any search asked for it
    built = search_index.index_at(None)  # the background build, already current: no rebuild
    assert built.size == 1
    assert search_services(ServiceSearch(text="autism")).total == 1
    assert search_index.index_at(None) is built

    settings.SEARCH_INDEX_WARM = False
    assert search_index.warm_in_background() is None


@pytest.mark.django_db(transaction=True)
@needs_postgres[0]
@needs_postgres[1]
def test_writers_log_in_commit_order_so_an_index_never_skips_a_change():
    """A writer that starts while another is uncommitted waits for it before changing anything, so its
    log ids come after all of the first writer's, even those the first writer logs later. (Were it
    otherwise, an index reading the first commit would move past ids the second commits later.)"""
    x, y, z = (ServiceFactory(name=f"Service {n}") for n in "xyz")
    for service in (x, y, z):  # so that each reindex's first statement changes (and logs) rows
        ServiceAtLocationFactory(service=service, location=LocationFactory(latitude=52.6, longitude=-1.1))
    reindex_services()
    first_started, second_waiting = threading.Event(), threading.Event()
    errors: list[Exception] = []

    def first() -> None:
        try:
            with transaction.atomic():
                reindex_services([x.pk])
                first_started.set()
                second_waiting.wait(5)
                time.sleep(0.3)  # the second writer is now blocked, or (wrongly) logging
                reindex_services([z.pk])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    def second() -> None:
        try:
            first_started.wait(5)
            second_waiting.set()
            reindex_services([y.pk])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert not errors
    with connection.cursor() as cursor:
        cursor.execute("SELECT service_id, id FROM directory_searchchange WHERE service_id IS NOT NULL")
        logged = cursor.fetchall()
    first_ids = [i for sid, i in logged if sid in (x.pk, z.pk)]
    second_ids = [i for sid, i in logged if sid == y.pk]
    assert first_ids and second_ids
    assert max(first_ids) < min(second_ids)
