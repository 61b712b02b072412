"""The needs and categories terms a search filters on, read in one query."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models.expressions import RawSQL

from directory.models import Taxonomy, TaxonomyTerm
from directory.search import index as search_index
from directory.search import synonyms


@dataclass
class _Terms:
    # {code: (bit, name, parent code)} per vocabulary, in display order
    needs: dict[str, tuple[int, str, str]]
    categories: dict[str, tuple[int, str, str]]
    # The search rows' version (PostgreSQL: the newest id of the change log, migration 0007), read
    # in the same query when there are terms; None on SQLite or when there are no terms to read.
    version: int | None = None
    # The synonyms' version (synonyms.VERSION_SQL), read the same way.
    synonyms_key: int | None = None


_terms_sql: dict[str, tuple[str, tuple[Any, ...]]] = {}  # per vendor: the compiled terms query


def _terms_query() -> tuple[str, tuple[Any, ...]]:
    """The terms query, compiled once per process (it runs on every search; compiling it through the
    ORM each time cost more than running it)."""
    vendor = connection.vendor
    if vendor not in _terms_sql:
        rows = TaxonomyTerm.objects.filter(
            taxonomy__vocabulary__in=[Taxonomy.Vocabulary.NEEDS, Taxonomy.Vocabulary.CATEGORIES],
            position__lte=62,
        ).order_by("taxonomy__vocabulary", "position")
        columns = ["taxonomy__vocabulary", "code", "position", "name", "parent__code"]
        if vendor in ("postgresql", "sqlite"):
            version_sql = RawSQL(search_index.VERSION_SQL, [])  # noqa: S611 - constant SQL
            synonyms_sql = RawSQL(synonyms.VERSION_SQL, [])  # noqa: S611 - constant SQL
            rows = rows.annotate(search_version=version_sql, synonyms_version=synonyms_sql)
            columns += ["search_version", "synonyms_version"]
        sql, params = rows.values_list(*columns).query.sql_with_params()
        _terms_sql[vendor] = (sql, tuple(params))
    return _terms_sql[vendor]


def _load_terms() -> _Terms:
    needs: dict[str, tuple[int, str, str]] = {}
    categories: dict[str, tuple[int, str, str]] = {}
    sql, params = _terms_query()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    version: int | None = None
    synonyms_key: int | None = None
    for vocabulary, code, position, name, parent, *stamp in rows:
        target = needs if vocabulary == Taxonomy.Vocabulary.NEEDS else categories
        target[code] = (position, name, parent or "")
        version, synonyms_key = (stamp[0], stamp[1]) if stamp else (None, None)
    if not rows and connection.vendor in ("postgresql", "sqlite"):
        # No terms to carry the versions (a directory without taxonomies): read them on their own.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT ({search_index.VERSION_SQL}), ({synonyms.VERSION_SQL})")
            read_version, synonyms_key = cursor.fetchone()
        synonyms.note_versions(read_version, synonyms_key)
        # As before: without terms, the index reads its own version.
        return _Terms(needs, categories, None, synonyms_key)
    synonyms.note_versions(version, synonyms_key)
    return _Terms(needs, categories, version, synonyms_key)
