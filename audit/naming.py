"""Records named as people know them on the access log's pages ("Health advice request HA0000301 for
Maya Thornfield", "Possible duplicate check for ..."), not as model labels and ids.

`audit` names no app: each app describes its own models from its `AppConfig.ready`:

    naming.register(naming.RecordKind("advice.AdviceRequest", "Health advice request", names=request_names))

`names(user, public_ids)` returns, in one query, a `Named` for each of those records that `user` may
see (through the app's own `visible_to`); the others are shown by their kind alone ("Health advice
request"), so the log never names a child to someone who may not see that child (a system
administrator reads the whole log but no child's record). A child's name shown on a log page is noted
in the access log like any other page that shows one.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps

from audit.pages import readable_detail

CHILD_LABEL = "children.ChildOrYoungPerson"


@dataclass(frozen=True)
class Named:
    text: str  # the record as people know it
    child_public_id: uuid.UUID | None = None  # the child the text names, if it names one
    child_name: str = ""


@dataclass(frozen=True)
class RecordKind:
    label: str  # the model's label, as the log stores it ("advice.AdviceRequest")
    noun: str  # what people call one ("Health advice request"), shown when the record is out of reach
    names: Callable[[Any, Collection[str]], dict[str, Named]] | None = None


_kinds: dict[str, RecordKind] = {}


def register(kind: RecordKind) -> None:
    """Add (or replace, by label) how one model's records are named on the log's pages."""
    _kinds[kind.label] = kind


def kind(label: str) -> RecordKind | None:
    return _kinds.get(label)


def noun(label: str) -> str:
    """What one record of this model is called: the app's own word, else its verbose name."""
    registered = _kinds.get(label)
    if registered is not None:
        return registered.noun
    try:
        return str(apps.get_model(label)._meta.verbose_name).capitalize()
    except (LookupError, ValueError):
        return label


@dataclass
class EventNames:
    """What the log's page says about each event (by event id), and the children it named."""

    records: dict[int, str] = field(default_factory=dict)
    children: dict[int, str] = field(default_factory=dict)  # event id -> the child's name
    named_children: set[uuid.UUID] = field(default_factory=set)

    def record(self, event: Any) -> str:
        return self.records.get(event.pk, "")

    def child(self, event: Any) -> str:
        return self.children.get(event.pk, "")

    def detail(self, event: Any) -> str:
        """The event's detail with pages named as people know them."""
        return readable_detail(event.detail)


def _names(user: Any, label: str, ids: Collection[str]) -> dict[str, Named]:
    registered = _kinds.get(label)
    if registered is None or registered.names is None or not ids:
        return {}
    return registered.names(user, ids)


def describe(user: Any, events: Iterable[Any]) -> EventNames:
    """Names for a page of events: one query per kind of record on the page, and one for children."""
    events = list(events)
    ids: dict[str, set[str]] = defaultdict(set)
    child_ids: set[str] = set()
    for event in events:
        if event.object_type and event.object_id:
            ids[event.object_type].add(event.object_id)
        if event.child_public_id:
            child_ids.add(str(event.child_public_id))
    found = {label: _names(user, label, wanted) for label, wanted in ids.items()}
    children = _names(user, CHILD_LABEL, child_ids)
    result = EventNames()
    for event in events:
        if event.object_type:
            named = found.get(event.object_type, {}).get(event.object_id)
            result.records[event.pk] = named.text if named is not None else noun(event.object_type)
            if named is not None and named.child_public_id is not None:
                result.named_children.add(named.child_public_id)
        if event.child_public_id:
            child = children.get(str(event.child_public_id))
            if child is not None and child.child_name:
                result.children[event.pk] = child.child_name
                result.named_children.add(event.child_public_id)
    return result


def child_name(user: Any, child_public_id: Any) -> str:
    """The child's name if `user` may see the child, else ""."""
    named = _names(user, CHILD_LABEL, [str(child_public_id)]).get(str(child_public_id))
    return named.child_name if named is not None else ""


def valid_ids(ids: Collection[str]) -> list[uuid.UUID]:
    """The ids that are UUIDs (the log keeps what it was given; a malformed one names nothing)."""
    valid = []
    for value in ids:
        try:
            valid.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return valid
