"""Finding a child or a case across everything the signed-in person may reach: by name (any order,
small spelling differences), date of birth (any common form), NHS number (with or without spaces) or
any reference an app knows (advice requests "HA0000301", an LA's own reference, and later others).

`children` names no app: each app registers how its references are found, from its AppConfig:

    search.register_reference_lookup(ReferenceLookup("advice", find_advice_references))

`find(user, terms)` returns the records of that app the user may see (through its own visible_to)
whose reference is one of `terms.references`. Every child listed comes from
`ChildOrYoungPerson.objects.visible_to(user)`: another organisation's child is never found, and the
page says the same "nothing" as for a name nobody has.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.http import Http404

from accounts.access import access_rule, reach_for
from children.models import ChildOrYoungPerson
from lib import person_search
from lib.person_search import Terms

MAX_RESULTS = 50
MAX_CANDIDATES = 2000  # names read to score: the closest MAX_RESULTS of them are listed
MAX_QUERY = 200


@dataclass(frozen=True)
class ReferenceHit:
    child_public_id: uuid.UUID
    text: str  # "Health advice request HA0000301"
    url: str
    reference: str  # the record's own reference ("HA0000301"), for another app to keep or match


@dataclass(frozen=True)
class ReferenceLookup:
    key: str
    find: Callable[[Any, Terms], list[ReferenceHit]]
    # The child's records of this app that the user may see (its visible_to), newest first; an app
    # that registers none cannot be chosen from a child's list, only found by reference.
    for_child: Callable[[Any, ChildOrYoungPerson], list[ReferenceHit]] | None = None


_lookups: dict[str, ReferenceLookup] = {}


def register_reference_lookup(lookup: ReferenceLookup) -> None:
    """Add (or replace, by key) a way of finding records by reference."""
    _lookups[lookup.key] = lookup


def records_with_reference(user: Any, reference: str) -> list[ReferenceHit]:
    """The records `user` may see whose own reference is `reference` (any case), from every registered
    lookup, without naming their apps: for an app that keeps another app's reference and wants its
    child or a link to it. Hits found by another reference (an LA's own, say) are left out."""
    reference = clean_query(reference).upper()
    if not reference or " " in reference:
        return []
    terms = Terms(references=[reference])
    return [
        hit
        for lookup in _lookups.values()
        for hit in lookup.find(user, terms)
        if hit.reference.upper() == reference
    ]


def find_by_reference(user: Any, key: str, text: str) -> list[ReferenceHit]:
    """The records of the app registered as `key` that the user may see, whose reference (or other
    reference that app knows) is one of the words in `text`. Another app links to them by this, naming
    no app: for example section 23 linking a notification to the advice request for that child."""
    lookup = _lookups.get(key)
    terms = person_search.parse(clean_query(text))
    if lookup is None or not terms.references:
        return []
    return lookup.find(user, terms)


def records_for_child(user: Any, key: str, child: ChildOrYoungPerson) -> list[ReferenceHit]:
    """The child's records of the app registered as `key` that the user may see (none when that app
    lists none)."""
    lookup = _lookups.get(key)
    if lookup is None or lookup.for_child is None:
        return []
    return lookup.for_child(user, child)


@dataclass
class Result:
    child: ChildOrYoungPerson
    score: float
    matched: list[str] = field(default_factory=list)  # "name", "date of birth", "NHS number"
    records: list[ReferenceHit] = field(default_factory=list)


@access_rule
def searchable_children(user: Any) -> Any:
    """The children this person may find: `ChildOrYoungPerson.objects.visible_to(user)`; Http404 for
    anyone who does casework for no organisation (school staff, Local Offer editors, system
    administrators), for whom the page does not exist."""
    if reach_for(user).is_empty:
        raise Http404("No such page")
    return ChildOrYoungPerson.objects.visible_to(user)


def clean_query(text: str) -> str:
    return " ".join(text.replace("\x00", " ").split())[:MAX_QUERY]


def search(user: Any, text: str) -> list[Result]:
    """The children (and their records) the typed text finds, closest first, at most MAX_RESULTS."""
    children = searchable_children(user)
    terms = person_search.parse(clean_query(text))
    if terms.empty:
        return []
    hits: list[ReferenceHit] = []
    if terms.references:
        for lookup in _lookups.values():
            hits.extend(lookup.find(user, terms))
    results: dict[int, Result] = {}
    if terms.names or terms.dates or terms.nhs_numbers:
        for child, score, matched in _by_details(children, terms):
            results[child.pk] = Result(child, score, matched)
    if hits:
        by_child: dict[uuid.UUID, list[ReferenceHit]] = {}
        for hit in hits:
            by_child.setdefault(hit.child_public_id, []).append(hit)
        for child in children.filter(public_id__in=list(by_child)).select_related("local_authority"):
            result = results.setdefault(child.pk, Result(child, 0.0))
            result.records = by_child[child.public_id]
            result.score += 2.0  # a reference is an exact find
    ordered = sorted(results.values(), key=lambda r: (-r.score, r.child.family_name, r.child.given_name))
    return ordered[:MAX_RESULTS]


def _starting(piece: str) -> Q:
    """A name, or a part of a double-barrelled or two-word name, that starts with `piece`."""
    return (
        Q(given_name__istartswith=piece)
        | Q(family_name__istartswith=piece)
        | Q(family_name__icontains=f"-{piece}")
        | Q(family_name__icontains=f" {piece}")
        | Q(given_name__icontains=f" {piece}")
    )


def _scored(rows: Any, typed: list[str], limit: int) -> dict[int, float]:
    """Name scores (lib.person_search.name_score) of up to `limit` candidate rows, by primary key."""
    scores: dict[int, float] = {}
    for pk, given, family in rows.values_list("pk", "given_name", "family_name")[:limit]:
        score = person_search.name_score(typed, given, family)
        if score is not None:
            scores[pk] = score
    return scores


def _by_details(children: Any, terms: Terms) -> list[tuple[ChildOrYoungPerson, float, list[str]]]:
    """Children matching every detail typed. Names in two passes, both plain LIKE filters that work
    the same on SQLite and PostgreSQL: first names that start as each typed word starts (its first
    four letters: the usual case, and a narrow one); then, if that finds fewer than MAX_RESULTS,
    names sharing each typed word's first two or last three letters (a misspelt word), at most
    MAX_CANDIDATES of them. Only the MAX_RESULTS best are read in full."""
    rows = children
    matched: list[str] = []
    if terms.nhs_numbers:
        rows = rows.filter(nhs_number__in=terms.nhs_numbers)
        matched.append("NHS number")
    if terms.dates:
        rows = rows.filter(date_of_birth__in=terms.dates)
        matched.append("date of birth")
    if terms.names:
        narrow = Q()
        for word in terms.names:
            narrow &= _starting(word[:4])
        scores = _scored(rows.filter(narrow), terms.names, MAX_CANDIDATES)
        if len(scores) < MAX_RESULTS:
            wide = Q()
            for word in terms.names:
                starts, contains = person_search.candidate_fragments([word])
                near = Q()
                for piece in starts:
                    near |= _starting(piece)
                for piece in contains:
                    near |= Q(given_name__icontains=piece) | Q(family_name__icontains=piece)
                wide &= near
            scores.update(
                _scored(rows.filter(wide).exclude(pk__in=list(scores)), terms.names, MAX_CANDIDATES)
            )
        matched.insert(0, "name")
    else:
        scores = {pk: 1.0 for pk in rows.values_list("pk", flat=True)[:MAX_CANDIDATES]}
    best = sorted(scores, key=lambda pk: -scores[pk])[:MAX_RESULTS]
    bonus = 0.5 * (len(matched) - (1 if terms.names else 0))
    found = children.filter(pk__in=best).select_related("local_authority")
    return [(child, scores[child.pk] + bonus, matched) for child in found]
