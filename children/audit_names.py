"""How the access log's pages name this app's records (audit.naming), registered by ChildrenConfig."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from audit import naming
from children.models import ChildOrYoungPerson, ConsentToShare, ParentCarer, PossibleDuplicate


def _child_names(user: Any, ids: Collection[str]) -> dict[str, naming.Named]:
    rows = (
        ChildOrYoungPerson.objects.visible_to(user)
        .filter(public_id__in=naming.valid_ids(ids))
        .values_list("public_id", "given_name", "family_name")
    )
    return {
        str(pid): naming.Named(f"Record of {given} {family}", pid, f"{given} {family}")
        for pid, given, family in rows
    }


def _through_child(model: Any, text: str) -> Any:
    """Names for a record that belongs to one child, seen when the child may be seen."""

    def names(user: Any, ids: Collection[str]) -> dict[str, naming.Named]:
        rows = model.objects.filter(
            public_id__in=naming.valid_ids(ids),
            child__in=ChildOrYoungPerson.objects.visible_to(user).values("pk"),
        ).values_list("public_id", "child__public_id", "child__given_name", "child__family_name")
        return {
            str(pid): naming.Named(text.format(child=f"{given} {family}"), child, f"{given} {family}")
            for pid, child, given, family in rows
        }

    return names


def _duplicate_names(user: Any, ids: Collection[str]) -> dict[str, naming.Named]:
    rows = (
        PossibleDuplicate.objects.visible_to(user)
        .filter(public_id__in=naming.valid_ids(ids))
        .values_list(
            "public_id", "new_record__public_id", "new_record__given_name", "new_record__family_name"
        )
    )
    return {
        str(pid): naming.Named(f"Possible duplicate check for {given} {family}", child, f"{given} {family}")
        for pid, child, given, family in rows
    }


def register() -> None:
    naming.register(naming.RecordKind(naming.CHILD_LABEL, "Child's record", _child_names))
    naming.register(
        naming.RecordKind(
            "children.ParentCarer",
            "Parent or carer",
            _through_child(ParentCarer, "Parent or carer of {child}"),
        )
    )
    naming.register(
        naming.RecordKind(
            "children.ConsentToShare",
            "Consent to share",
            _through_child(ConsentToShare, "Consent to share for {child}"),
        )
    )
    naming.register(
        naming.RecordKind("children.PossibleDuplicate", "Possible duplicate check", _duplicate_names)
    )
