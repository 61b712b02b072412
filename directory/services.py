"""State changes on directory records: editing, proposals, reviews, problem reports.

Every function here that a person's action calls takes the acting `user` and an
`audit.context.AuditContext` (never the request) and writes the change to the access log with it.
Every change to an existing record checks the version the person saw first, before the record's
state (core.concurrency: `save_if_version` moves the version on in one conditional UPDATE, or raises
ConcurrentUpdate), so a stale page always gets "someone else changed this".

Every function here is keyword-only, runs inside one transaction, records who changed what through
django-simple-history (the user, a reason, and on each historical row of a service the values of its
related records: needs, categories, delivery, opening times, phone, cost options and areas), brings
the search index up to date inside the same transaction, and queues e-mails with
`transaction.on_commit`.

A service's editable content travels as a plain dict of JSON values (`service_values`), the same
shape a proposal stores, so one function (`diff_values`) shows the difference between any two
states: proposal against current record, a conflicting edit, or two history rows.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, Role, User
from audit.context import AuditContext
from audit.services import record_access
from core.concurrency import require_version, save_if_version
from core.email import send_email
from directory.models import (
    Attribute,
    ChangeProposal,
    CostOption,
    Phone,
    ProblemReport,
    Provider,
    Schedule,
    Service,
    Taxonomy,
    TaxonomyTerm,
)
from directory.search import reindex_services
from lib.weekdays import DAY_CODES, DAY_NAMES

# --- The editable content of a service, as values --------------------------------------------

# Fields stored on the Service row itself, in the order forms and diffs show them.
SCALAR_FIELDS: list[str] = [
    "name",
    "description",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "referral",
    "application_process",
    "is_free",
    "fees_description",
    "email",
    "url",
    "status",
    "alert",
]
# Values kept in related rows (attributes, schedules, phones, cost options, areas).
TERM_FIELDS: dict[str, str] = {
    "needs": Taxonomy.Vocabulary.NEEDS,
    "categories": Taxonomy.Vocabulary.CATEGORIES,
    "delivery": Taxonomy.Vocabulary.DELIVERY,
}
RELATED_FIELDS: list[str] = ["phone", "cost_options", "opening_times", *TERM_FIELDS, "areas"]
EDITABLE_FIELDS: list[str] = [
    "name",
    "description",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "referral",
    "application_process",
    "is_free",
    "fees_description",
    "cost_options",
    "email",
    "url",
    "phone",
    "opening_times",
    *TERM_FIELDS,
    "status",
    "alert",
    "areas",
]

LABELS: dict[str, str] = {
    "name": "Name",
    "description": "What the service offers",
    "eligibility_description": "Who the service is for",
    "minimum_age": "Youngest age",
    "maximum_age": "Oldest age",
    "referral": "How to access the service",
    "application_process": "How to access or be referred",
    "is_free": "Free to use",
    "fees_description": "About the cost",
    "cost_options": "Costs",
    "email": "Email address",
    "url": "Website",
    "phone": "Phone number",
    "opening_times": "Opening times",
    "needs": "Needs",
    "categories": "Categories",
    "delivery": "How it is delivered",
    "status": "Status",
    "alert": "Alert on the service page",
    "areas": "Local Offer areas",
    "last_reviewed": "Last reviewed",
    "reviewed_by_email": "Reviewed by",
    "provider": "Provider",
    "alternate_name": "Other name",
    "wait_time": "Waiting time",
    "accreditations": "Accreditations",
    "interpretation_services": "Interpreting",
}


def _time_text(value: dt.time | None) -> str:
    return value.strftime("%H:%M") if value else ""


def _weekly_schedules(service: Service) -> list[Schedule]:
    return list(
        Schedule.objects.filter(
            service=service, service_at_location__isnull=True, freq=Schedule.Frequency.WEEKLY
        ).order_by("pk")
    )


def _main_schedules(schedules: list[Schedule]) -> dict[str, Schedule]:
    """For each day, the first weekly schedule with hours: the one the opening-times table edits.

    Others (a separate phone line's hours, a note with no hours) are kept as they are.
    """
    main: dict[str, Schedule] = {}
    for schedule in schedules:
        if not schedule.opens_at or not schedule.closes_at:
            continue
        for day in (d.strip() for d in schedule.byday.split(",")):
            if day in DAY_NAMES:
                main.setdefault(day, schedule)
    return main


def _opening_times(service: Service) -> dict[str, list[str]]:
    main = _main_schedules(_weekly_schedules(service))
    return {
        day: [_time_text(main[day].opens_at), _time_text(main[day].closes_at)]
        for day in DAY_CODES
        if day in main
    }


def _write_opening_times(service: Service, times: dict[str, list[str]]) -> None:
    """Rewrite the main weekly schedules from a per-day table, keeping everything else about them.

    Each new set of hours copies the attending type, description and notes (and, where it can, the
    public id) of the schedule that covered its first day; other schedules are rewritten after the
    main ones, unchanged and with their ids, so they stay secondary.
    """
    existing = _weekly_schedules(service)
    main = _main_schedules(existing)
    main_ids = {s.pk for s in main.values()}
    others = [s for s in existing if s.pk not in main_ids]
    Schedule.objects.filter(pk__in=[s.pk for s in existing]).delete()
    groups: dict[tuple[str, str], list[str]] = {}
    for day in DAY_CODES:
        hours = times.get(day)
        if hours and hours[0] and hours[1]:
            groups.setdefault((hours[0], hours[1]), []).append(day)
    fallback = next(iter(main.values()), None)
    used: set[Any] = set()
    for (opens, closes), days in groups.items():
        template = main.get(days[0]) or fallback
        public_id = (
            template.public_id if template is not None and template.public_id not in used else uuid.uuid4()
        )
        used.add(public_id)
        Schedule.objects.create(
            public_id=public_id,
            service=service,
            freq=Schedule.Frequency.WEEKLY,
            byday=",".join(days),
            opens_at=dt.time.fromisoformat(opens),
            closes_at=dt.time.fromisoformat(closes),
            attending_type=template.attending_type if template else "",
            description=template.description if template else "",
            notes=template.notes if template else "",
            valid_from=template.valid_from if template else None,
            valid_to=template.valid_to if template else None,
        )
    for schedule in others:
        schedule.pk = None
        schedule._state.adding = True
        schedule.save()


def service_values(service: Service) -> dict[str, Any]:
    """The editable content of a saved service, as JSON-ready values."""
    values: dict[str, Any] = {name: getattr(service, name) for name in SCALAR_FIELDS}
    phone = service.phones.order_by("pk").first()
    values["phone"] = phone.number if phone else ""
    values["cost_options"] = [
        {"option": c.option, "amount": None if c.amount is None else f"{c.amount:.2f}"}
        for c in service.cost_options.order_by("pk")
    ]
    values["opening_times"] = _opening_times(service)
    terms = (
        Attribute.objects.filter(
            service=service, taxonomy_term__taxonomy__vocabulary__in=TERM_FIELDS.values()
        )
        .values_list("taxonomy_term__taxonomy__vocabulary", "taxonomy_term__code")
        .order_by("taxonomy_term__code")
    )
    for key, vocabulary in TERM_FIELDS.items():
        values[key] = sorted({code for vocab, code in terms if vocab == vocabulary})
    values["areas"] = sorted(str(pid) for pid in service.areas.values_list("public_id", flat=True))
    return values


def empty_values() -> dict[str, Any]:
    """The values of a service that does not exist yet (the "current" side of a new-service proposal)."""
    return {
        **{name: None for name in SCALAR_FIELDS},
        "phone": "",
        "cost_options": [],
        "opening_times": {},
        **{key: [] for key in TERM_FIELDS},
        "areas": [],
    }


def _normalise(values: dict[str, Any]) -> dict[str, Any]:
    """Values as compared: blank strings and None are the same; lists sorted where order is meaningless."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value == "":
            value = None
        if key in TERM_FIELDS or key == "areas":
            value = sorted(value or [])
        if key in {"cost_options"}:
            value = value or []
        if key == "opening_times":
            value = value or {}
        out[key] = value
    return out


@dataclass
class ChangeRow:
    """One field in a diff, with display text for both sides."""

    key: str
    label: str
    old: str
    new: str
    changed: bool
    conflict: bool = False


def _lookups(values_list: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    codes: set[str] = set()
    area_ids: set[str] = set()
    for values in values_list:
        for key in TERM_FIELDS:
            codes.update(values.get(key) or [])
        area_ids.update(values.get("areas") or [])
    terms = {
        f"{vocab}:{code}": name
        for vocab, code, name in TaxonomyTerm.objects.filter(
            code__in=codes, taxonomy__vocabulary__in=TERM_FIELDS.values()
        ).values_list("taxonomy__vocabulary", "code", "name")
    }
    areas = (
        {
            str(pid): name
            for pid, name in Organisation.objects.filter(public_id__in=list(area_ids)).values_list(
                "public_id", "name"
            )
        }
        if area_ids
        else {}
    )
    return {"terms": terms, "areas": areas}


def display_value(key: str, value: Any, lookups: dict[str, dict[str, str]] | None = None) -> str:
    """A value as an editor reads it: labels for choices, names for terms and areas."""
    lookups = lookups or {"terms": {}, "areas": {}}
    if value is None or value == "" or value == [] or value == {}:
        return "Not given"
    if key == "is_free":
        return "Yes" if value else "No"
    if key == "referral":
        return str(Service.Referral(value).label) if value in Service.Referral.values else str(value)
    if key == "status":
        return str(Service.Status(value).label) if value in Service.Status.values else str(value)
    if key in TERM_FIELDS:
        vocab = TERM_FIELDS[key]
        return ", ".join(lookups["terms"].get(f"{vocab}:{code}", code) for code in value)
    if key == "areas":
        return ", ".join(sorted(lookups["areas"].get(pid, "An area no longer listed") for pid in value))
    if key == "opening_times":
        return "; ".join(
            f"{DAY_NAMES[day]} {value[day][0]} to {value[day][1]}" for day in DAY_CODES if day in value
        )
    if key == "cost_options":
        parts = []
        for option in value:
            amount = f"£{option['amount']}" if option.get("amount") not in (None, "") else ""
            parts.append(" ".join(p for p in [amount, option.get("option") or ""] if p))
        return "; ".join(parts)
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    return str(value)


def diff_values(
    old: dict[str, Any],
    new: dict[str, Any],
    *,
    keys: list[str] | None = None,
    only_changed: bool = False,
    conflicts: set[str] | None = None,
) -> list[ChangeRow]:
    """Field-by-field comparison of two sets of values, in form order."""
    keys = keys or [k for k in EDITABLE_FIELDS if k in old or k in new]
    old_n, new_n = _normalise(old), _normalise(new)
    lookups = _lookups([old, new])
    rows = []
    for key in keys:
        changed = old_n.get(key) != new_n.get(key)
        if only_changed and not changed:
            continue
        rows.append(
            ChangeRow(
                key=key,
                label=LABELS.get(key, key.replace("_", " ").capitalize()),
                old=display_value(key, old.get(key), lookups),
                new=display_value(key, new.get(key), lookups),
                changed=changed,
                conflict=key in (conflicts or set()),
            )
        )
    return rows


def changed_keys(old: dict[str, Any], new: dict[str, Any]) -> set[str]:
    old_n, new_n = _normalise(old), _normalise(new)
    return {k for k in new_n if k in old_n and old_n[k] != new_n[k]} | {k for k in new_n if k not in old_n}


# --- Writing values to a service ------------------------------------------------------------


def _apply_values(service: Service, values: dict[str, Any]) -> None:
    """Write the given values (any subset of EDITABLE_FIELDS) to a saved service's related rows.

    Scalar fields are set on the instance (the caller saves it, which records history).
    """
    for name in SCALAR_FIELDS:
        if name in values:
            value = values[name]
            if name in {"minimum_age", "maximum_age"}:
                value = None if value in (None, "") else int(value)
            elif name == "is_free":
                value = bool(value)
            elif value is None:
                value = {"referral": Service.Referral.EITHER, "status": Service.Status.ACTIVE}.get(name, "")
            setattr(service, name, value)
    if "phone" in values:
        number = (values["phone"] or "").strip()
        phone = service.phones.order_by("pk").first()
        if number and phone:
            if phone.number != number:
                phone.number = number
                phone.save(update_fields=["number"])
        elif number:
            Phone.objects.create(service=service, number=number)
        elif phone:
            phone.delete()
    if "cost_options" in values:
        # Rows are matched by position, so what the form does not show (currency, dates) is kept.
        existing = list(service.cost_options.order_by("pk"))
        wanted = values["cost_options"] or []
        for index, option in enumerate(wanted):
            amount = option.get("amount")
            try:
                amount_value = None if amount in (None, "") else Decimal(str(amount))
            except InvalidOperation:
                amount_value = None
            if index < len(existing):
                row = existing[index]
                row.option, row.amount = option.get("option") or "", amount_value
                row.save(update_fields=["option", "amount"])
            else:
                CostOption.objects.create(
                    service=service, option=option.get("option") or "", amount=amount_value
                )
        CostOption.objects.filter(pk__in=[row.pk for row in existing[len(wanted) :]]).delete()
    if "opening_times" in values:
        _write_opening_times(service, values["opening_times"] or {})
    for key, vocabulary in TERM_FIELDS.items():
        if key not in values:
            continue
        wanted = set(values[key] or [])
        current = Attribute.objects.filter(service=service, taxonomy_term__taxonomy__vocabulary=vocabulary)
        current.exclude(taxonomy_term__code__in=wanted).delete()
        have = set(current.values_list("taxonomy_term__code", flat=True))
        for term in TaxonomyTerm.objects.filter(taxonomy__vocabulary=vocabulary, code__in=wanted - have):
            Attribute.objects.create(
                taxonomy_term=term, service=service, link_type=Attribute.LinkType.SERVICE
            )
    if "areas" in values:
        service.areas.set(
            Organisation.objects.filter(
                public_id__in=list(values["areas"] or []), kind=Organisation.Kind.LOCAL_AUTHORITY
            )
        )


def _save_with_history(
    service: Service, *, by: User | None, reason: str, update_fields: list[str] | None = None
) -> None:
    """Save the service (simple-history records who and why) and stamp that history row. A change to
    an existing service has claimed its version first (`_claim`), which moved it on."""
    service._history_user = by  # type: ignore[attr-defined]
    service._change_reason = reason[:100]  # type: ignore[attr-defined]
    service.updated_at = timezone.now()
    if update_fields is not None:
        service.save(update_fields=[*update_fields, "updated_at", "version"])
    else:
        service.save()
    _stamp_history(service)


def _stamp_history(service: Service) -> None:
    """Put the related values (and the version) on the service's newest history row."""
    record = service.history.order_by("-history_id").first()
    if record is not None:
        values = service_values(service)
        record.related_values = {"_version": service.version, **{key: values[key] for key in RELATED_FIELDS}}
        record.save(update_fields=["related_values"])


def _stamp_base(service: Service, version: int) -> None:
    """Before a change: give the newest history row the values it stands for, if nobody did.

    Records created outside these functions (imports, demo data) have unstamped history rows; the
    first change through here stamps the state it starts from, so its diff is exact.
    """
    record = service.history.order_by("-history_id").first()
    if record is not None and not record.related_values:
        values = service_values(service)
        record.related_values = {"_version": version, **{key: values[key] for key in RELATED_FIELDS}}
        record.save(update_fields=["related_values"])


def _reindex(service_ids: list[int]) -> None:
    """Bring the public search rows up to date, inside the same transaction as the change."""
    reindex_services(service_ids)


def _link(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


# --- Editing ----------------------------------------------------------------------------------


def values_at_version(service: Service, version: int) -> dict[str, Any] | None:
    """The service's editable values as they were at `version`, from its history (None if unknown).

    Each history row written by these functions carries its version in related_values. A record made
    elsewhere (an import, the demo data) has an unstamped first row: then the state just before the
    first later stamped row is used, and related values missing from it count as unchanged.
    """
    records = list(service.history.order_by("-history_id")[:200])
    base = None
    for index, record in enumerate(records):
        stamped = (record.related_values or {}).get("_version")
        if stamped == version:
            base = record
            break
        if stamped is not None and stamped > version and index + 1 < len(records):
            following = (records[index + 1].related_values or {}).get("_version")
            if following is None or following <= version:
                base = records[index + 1]
                break
    if base is None:
        return None
    related = base.related_values or {}
    current = service_values(service)
    values = {name: getattr(base, name) for name in SCALAR_FIELDS}
    values.update({key: related.get(key, current[key]) for key in RELATED_FIELDS})
    return values


def _claim(service: Service, expected_version: int) -> Service:
    """The service as it is now, its version moved on if it is still `expected_version` (the one the
    person saw), before anything looks at its state; else ConcurrentUpdate. One conditional UPDATE
    (core.concurrency.save_if_version), so two people acting at once cannot both win."""
    fresh = Service.objects.get(pk=service.pk)
    save_if_version(fresh, expected_version)
    return fresh


def _log(user: User | None, context: AuditContext, obj: Any, detail: str, action: str = "change") -> None:
    """The change in the access log: who, from where (the audit context), what."""
    record_access(user=user, action=action, obj=obj, context=context, detail=detail[:500])


def update_service(
    *,
    user: User,
    context: AuditContext,
    service: Service,
    data: dict[str, Any],
    expected_version: int,
    reason: str = "",
    reviewed: bool = False,
) -> Service:
    """A directory editor changes a service directly.

    Optimistic locking: the editor's form carries the version they opened; if the service has moved
    on since, nothing is written (ConcurrentUpdate: the editor's page shows what the other person
    changed, from `values_at_version`). `reviewed`: the change also confirms the record is right
    (an approved proposal), so its last reviewed date becomes today.
    """
    with transaction.atomic():
        fresh = _claim(service, expected_version)
        _stamp_base(fresh, expected_version)
        before = service_values(fresh)
        changed = sorted(changed_keys(before, {**before, **data}), key=_order)
        # Only what changed is written, so related rows the form does not show (a schedule's
        # attending type, a cost option's currency) survive an edit of something else.
        _apply_values(fresh, {key: data[key] for key in changed if key in data})
        if reviewed:
            fresh.last_reviewed = timezone.localdate()
            fresh.reviewed_by_email = user.email
        summary = ", ".join(LABELS.get(k, k).lower() for k in changed) or "no fields"
        _save_with_history(fresh, by=user, reason=reason or f"Edited: {summary}")
        _reindex([fresh.pk])
        _log(user, context, fresh, f"service changed: {summary}" + ("; reviewed" if reviewed else ""))
    return fresh


def _order(key: str) -> int:
    return EDITABLE_FIELDS.index(key) if key in EDITABLE_FIELDS else len(EDITABLE_FIELDS)


def create_service(
    *, user: User, context: AuditContext, provider: Provider, data: dict[str, Any], reason: str = "Created"
) -> Service:
    """Add a new service for a provider (directly, by a directory editor, or by approving a proposal)."""
    by = user
    with transaction.atomic():
        service = Service(
            provider=provider, name=data.get("name") or "", description=data.get("description") or ""
        )
        service.last_reviewed = timezone.localdate()
        service.reviewed_by_email = getattr(by, "email", "") or ""
        _apply_values(service, {k: v for k, v in data.items() if k in SCALAR_FIELDS})
        service._history_user = by  # type: ignore[attr-defined]
        service._change_reason = reason[:100]  # type: ignore[attr-defined]
        service.save()
        _apply_values(service, {k: v for k, v in data.items() if k in RELATED_FIELDS})
        _stamp_history(service)
        _reindex([service.pk])
        _log(user, context, service, reason, action="create")
    return service


def archive_service(
    *, user: User, context: AuditContext, service: Service, expected_version: int, reason: str = "Archived"
) -> Service:
    """Take a service out of the public Local Offer (status inactive); its record and history stay.
    ConcurrentUpdate when the service changed since the editor saw `expected_version`."""
    with transaction.atomic():
        fresh = _claim(service, expected_version)
        _stamp_base(fresh, expected_version)
        fresh.status = Service.Status.INACTIVE
        _save_with_history(fresh, by=user, reason=reason, update_fields=["status"])
        _reindex([fresh.pk])
        _log(user, context, fresh, "service archived")
    return fresh


def mark_reviewed(*, user: User, context: AuditContext, service: Service, expected_version: int) -> Service:
    """Someone confirms the details are still correct: last reviewed becomes today, version moves on.
    ConcurrentUpdate when the service changed since they saw `expected_version` (they confirmed
    details that are no longer the record's)."""
    with transaction.atomic():
        fresh = _claim(service, expected_version)
        _stamp_base(fresh, expected_version)
        fresh.last_reviewed = timezone.localdate()
        fresh.reviewed_by_email = user.email
        _save_with_history(
            fresh,
            by=user,
            reason="Confirmed the details are still correct",
            update_fields=["last_reviewed", "reviewed_by_email"],
        )
        _reindex([fresh.pk])
        _log(user, context, fresh, "service reviewed: details still correct")
    return fresh


# --- Proposals ----------------------------------------------------------------------------------


def propose_change(
    *,
    user: User,
    context: AuditContext,
    service: Service | None,
    provider: Provider,
    data: dict[str, Any],
    note: str = "",
) -> ChangeProposal:
    """A provider editor proposes a change to a service (or, with service=None, a new service).

    Provider editors never change a record directly: the proposal keeps the values they propose and
    the values they started from (base_data, base_version) so an editor sees a diff and any conflict.
    """
    by = user
    with transaction.atomic():
        if service is not None and service.provider_id != provider.pk:
            raise ValueError("The service belongs to another provider")
        base = service_values(service) if service is not None else empty_values()
        proposal = ChangeProposal.objects.create(
            service=service,
            provider=provider,
            proposed_by=by,
            data=_jsonable(data),
            base_data=_jsonable(base),
            base_version=service.version if service is not None else 0,
            note=note,
        )
        name = service.name if service is not None else f"a new service, {data.get('name') or 'no name'}"
        send_email(
            subject=f"{provider.name} proposed a change to {name}",
            body=f"{by.get_full_name() or by.email} at {provider.name} proposed a change to {name}.\n\n"
            + (f"Their note: {note}\n\n" if note else "")
            + "Check the change and approve or reject it:\n"
            + _link(f"/manage/proposals/{proposal.public_id}/"),
            to=_area_editor_emails(service),
        )
        _log(user, context, proposal, f"change proposed to {name}", action="create")
    return proposal


def _area_editor_emails(service: Service | None) -> list[str]:
    """The directory editors of the areas listing a service (none for a new or unlisted service:
    those wait in every editor's queue)."""
    if service is None:
        return []
    return list(
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__role=Role.DIRECTORY_EDITOR,
            memberships__organisation__in=service.areas.all(),
        )
        .values_list("email", flat=True)
        .distinct()
    )


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in values.items():
        if isinstance(value, dt.date | dt.datetime | dt.time):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = f"{value:.2f}"
        out[key] = value
    return out


def proposed_changes(proposal: ChangeProposal) -> set[str]:
    """The fields the provider actually changed (proposed value differs from what they started from)."""
    return changed_keys(proposal.base_data or empty_values(), proposal.data)


def proposal_conflicts(proposal: ChangeProposal) -> set[str]:
    """Fields the provider changed that someone else has also changed since the proposal was made."""
    if proposal.service is None or proposal.service.version == proposal.base_version:
        return set()
    current = service_values(proposal.service)
    changed_since = changed_keys(proposal.base_data, current)
    return proposed_changes(proposal) & changed_since


def _claim_pending(proposal: ChangeProposal, expected_version: int) -> ChangeProposal:
    """The proposal, its version moved on if the person saw `expected_version` (else ConcurrentUpdate,
    checked first), and still pending (else ValueError)."""
    locked = ChangeProposal.objects.select_for_update().get(pk=proposal.pk)
    require_version(locked, expected_version)
    if locked.status != ChangeProposal.Status.PENDING:
        raise ValueError("This proposal has already been decided")
    save_if_version(locked, expected_version)
    return locked


def approve_proposal(
    *,
    user: User,
    context: AuditContext,
    proposal: ChangeProposal,
    expected_version: int,
    service_version: int | None = None,
    note: str = "",
) -> Service:
    """An editor approves: the fields the provider changed are applied, recorded under the approver.

    `expected_version` is the proposal's version the editor saw, `service_version` the service's (the
    page showed the proposal against the service as it was then): if either moved on, nothing is
    done (ConcurrentUpdate). If the service had changed since the proposal was made, only the
    provider's changed fields are applied (other people's changes to other fields stay); the page
    shows those conflicts before approval. An approved change counts as a review of the record: its
    last reviewed date becomes today.
    """
    by = user
    with transaction.atomic():
        locked = _claim_pending(proposal, expected_version)
        who = locked.proposed_by.get_full_name() or locked.proposed_by.email
        if locked.service is None:
            data = dict(locked.data)
            if not data.get("areas"):
                # A provider does not choose Local Offers: the approving editor's areas list it.
                from directory.access import editor_areas

                data["areas"] = [str(pid) for pid in editor_areas(by).values_list("public_id", flat=True)]
            service = create_service(
                user=user,
                context=context,
                provider=locked.provider,
                data=data,
                reason=f"Created from a proposal by {who}",
            )
            locked.service = service
        else:
            keys = proposed_changes(locked)
            service = update_service(
                user=user,
                context=context,
                service=locked.service,
                data={k: v for k, v in locked.data.items() if k in keys},
                expected_version=locked.service.version if service_version is None else service_version,
                reason=f"Approved a change proposed by {who}",
                reviewed=True,
            )
        locked.status = ChangeProposal.Status.APPROVED
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.decision_note = note
        locked.save(update_fields=["service", "status", "decided_by", "decided_at", "decision_note"])
        _log(user, context, locked, f"proposed change to {service.name} approved")
        send_email(
            subject=f"Your change to {service.name} has been approved",
            body=f"Your proposed change to {service.name} has been approved and is now published.\n\n"
            + (f"The editor said: {note}\n\n" if note else "")
            + _link(f"/manage/proposals/{locked.public_id}/"),
            to=[locked.proposed_by.email],
        )
    proposal.refresh_from_db()
    return service


def reject_proposal(
    *, user: User, context: AuditContext, proposal: ChangeProposal, expected_version: int, reason: str
) -> ChangeProposal:
    """An editor rejects a proposal with a reason; the service is unchanged and the proposer is told.
    ConcurrentUpdate when the proposal changed since the editor saw `expected_version`."""
    if not reason.strip():
        raise ValueError("Give a reason for rejecting the change")
    with transaction.atomic():
        locked = _claim_pending(proposal, expected_version)
        locked.status = ChangeProposal.Status.REJECTED
        locked.decided_by = user
        locked.decided_at = timezone.now()
        locked.decision_note = reason.strip()
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        name = locked.service.name if locked.service else (locked.data.get("name") or "a new service")
        _log(user, context, locked, f"proposed change to {name} rejected")
        send_email(
            subject=f"Your change to {name} was not approved",
            body=f"Your proposed change to {name} was not approved.\n\nThe reason given: {locked.decision_note}\n\n"
            + _link(f"/manage/proposals/{locked.public_id}/"),
            to=[locked.proposed_by.email],
        )
    return locked


def withdraw_proposal(
    *, user: User, context: AuditContext, proposal: ChangeProposal, expected_version: int
) -> ChangeProposal:
    """The proposer (or a colleague at the same provider) withdraws a pending proposal.
    ConcurrentUpdate when it changed (was decided) since they saw `expected_version`."""
    with transaction.atomic():
        locked = _claim_pending(proposal, expected_version)
        locked.status = ChangeProposal.Status.WITHDRAWN
        locked.decided_by = user
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        _log(user, context, locked, "proposed change withdrawn")
    return locked


# --- Problem reports ----------------------------------------------------------------------------


def record_problem_report(
    *, service: Service, topic: str, details: str, reporter_email: str = ""
) -> ProblemReport:
    """A member of the public reports a problem with a service page (called by the public form).

    `topic` is one of ProblemReport.Topic; the report waits in the editors' queue as "new".
    """
    if topic not in ProblemReport.Topic.values:
        raise ValueError(f"Unknown topic {topic!r}")
    with transaction.atomic():
        report = ProblemReport.objects.create(
            service=service, topic=topic, details=details.strip(), reporter_email=reporter_email.strip()
        )
    return report


OPEN_REPORT_STATUSES = (ProblemReport.Status.NEW, ProblemReport.Status.IN_PROGRESS)


def start_problem_report(
    *, user: User, context: AuditContext, report: ProblemReport, expected_version: int
) -> ProblemReport:
    """An editor picks up a new report (status "in progress"). ConcurrentUpdate when it changed since
    they saw `expected_version`; a report already picked up or closed stays as it is."""
    with transaction.atomic():
        locked = ProblemReport.objects.select_for_update().get(pk=report.pk)
        require_version(locked, expected_version)
        if locked.status == ProblemReport.Status.NEW:
            save_if_version(
                locked,
                expected_version,
                status=ProblemReport.Status.IN_PROGRESS,
                handled_by=user,
                handled_at=timezone.now(),
            )
            _log(user, context, locked, "problem report picked up")
    report.refresh_from_db()
    return report


def resolve_problem_report(
    *,
    user: User,
    context: AuditContext,
    report: ProblemReport,
    expected_version: int,
    response: str,
    dismissed: bool = False,
) -> ProblemReport:
    """An editor closes a report with a note of what they did (or that no action was needed).
    ConcurrentUpdate (checked first) when the report changed since they saw `expected_version`;
    ValueError when it is already closed.

    If the reporter left an e-mail address, they are sent the response ("you said, we did"), and the
    address is then deleted: it was given only for that (data minimisation, as the form says).
    """
    if not response.strip():
        raise ValueError("Say what was done about the report")
    with transaction.atomic():
        locked = ProblemReport.objects.select_for_update().select_related("service").get(pk=report.pk)
        require_version(locked, expected_version)
        if locked.status not in OPEN_REPORT_STATUSES:
            raise ValueError("This report is already closed")
        address = locked.reporter_email
        save_if_version(
            locked,
            expected_version,
            status=ProblemReport.Status.DISMISSED if dismissed else ProblemReport.Status.RESOLVED,
            handled_by=user,
            handled_at=timezone.now(),
            response=response.strip(),
            reporter_email="",
        )
        _log(user, context, locked, "problem report " + ("dismissed" if dismissed else "resolved"))
        if address:  # queued on commit with the address; the row no longer holds it
            send_email(
                subject=f"Your report about {locked.service.name}",
                body=(
                    f"Thank you for telling us about a problem with {locked.service.name}.\n\n"
                    f"{locked.response}\n\n"
                    "We have now deleted your email address: we kept it only to send you this message.\n"
                ),
                to=[address],
            )
    return locked
