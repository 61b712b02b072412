"""A repeated search always answers for the data as it is now (through the in-memory index, which
reads only what changed: ADR 0012), and costs one query once the index is current."""

from __future__ import annotations

import pytest
from django.db import connection

from directory.models import Service, Taxonomy
from directory.search import ServiceSearch, reindex_services, search_services
from directory.testing import ServiceFactory, TaxonomyFactory, TaxonomyTermFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _a_need_term():
    # The index's version is read with the terms (one query for a repeated search).
    TaxonomyTermFactory(
        taxonomy=TaxonomyFactory(vocabulary=Taxonomy.Vocabulary.NEEDS), code="autism", position=1
    )


def test_a_new_service_appears_in_a_repeated_search_and_its_count():
    ServiceFactory(name="Autism support group")
    reindex_services()
    first = search_services(ServiceSearch(text="autism"))
    assert first.total == 1
    assert search_services(ServiceSearch(text="autism")).service_ids == first.service_ids

    second = ServiceFactory(name="Autism swimming")
    reindex_services([second.pk])

    again = search_services(ServiceSearch(text="autism"))
    assert again.total == 2
    assert second.pk in again.service_ids


def test_a_deleted_service_leaves_a_repeated_search():
    gone = ServiceFactory(name="Autism drop-in")
    ServiceFactory(name="Autism support group")
    reindex_services()
    assert search_services(ServiceSearch(text="autism")).total == 2

    Service.objects.filter(pk=gone.pk).delete()  # the search row goes by cascade, without a reindex

    again = search_services(ServiceSearch(text="autism"))
    assert again.total == 1
    assert gone.pk not in again.service_ids


def test_a_repeated_search_reads_only_the_terms(django_assert_num_queries):
    for name in ("Autism support group", "Autism swimming", "Autism drop-in"):
        ServiceFactory(name=name)
    reindex_services()
    search_services(ServiceSearch(text="autism"))
    # The terms (with the version); on SQLite also FTS5's matches for the words. More than
    # SUGGEST_BELOW results: no spelling suggestion.
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):
        assert search_services(ServiceSearch(text="autism")).total == 3
