"""Children and young people: matching, recording and access. Every function here that changes a
child's record takes the acting user and an `audit.context.AuditContext` (never the HTTP request)
and writes an audit event in the same transaction (see `audit.services.record_access`).

Views that *show* or *export* a child's record call `audit.services.record_access(action="view"...)`
(or "export") themselves, after `children.access.get_child_for_user`, because only the view knows that it showed it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Organisation
from audit.context import AuditContext
from audit.services import record_access
from children.models import ChildOrYoungPerson, ConsentToShare, ParentCarer, PossibleDuplicate, normalise_name
from core.concurrency import ConcurrentUpdate, check_version, require_version, save_if_version
from lib.nhs_number import InvalidNhsNumber
from lib.nhs_number import validate as validate_nhs_number
from lib.phases import age_on

if TYPE_CHECKING:
    from accounts.models import User


# --- matching -------------------------------------------------------------------------------------
#
# ADR 0013. One function decides what a local authority's details of a child match, for the LA's pages
# and its API alike. An LA is only ever offered records it already holds (`known_to`). Records held by
# anyone else that may be the same child never reach the LA: the request goes ahead on a new record
# holding only what the LA sent, and a `PossibleDuplicate` goes to the DCO service covering the LA.


@dataclass(frozen=True)
class ChildMatch:
    """What matching found for one LA.

    own: the LA's own record of this child, which it may be shown: the same NHS number, or the same
        name and date of birth with no NHS number that contradicts it.
    own_is_exact: whether `own` agrees on everything sent (otherwise it has the NHS number sent with a
        different name or date of birth: not a match until someone who can see it says so).
    elsewhere: records the LA cannot see that may be the same child, with why. For the DCO service
        only: nothing about them may reach the LA, in a page, an API body, an error or its wording.
    """

    own: ChildOrYoungPerson | None = None
    own_is_exact: bool = False
    elsewhere: tuple[tuple[ChildOrYoungPerson, str], ...] = ()


def _same_details(child: ChildOrYoungPerson, given: str, family: str, date_of_birth: dt.date) -> bool:
    return (
        child.date_of_birth == date_of_birth
        and normalise_name(child.given_name).lower() == given.lower()
        and normalise_name(child.family_name).lower() == family.lower()
    )


def _valid_or_blank(nhs_number: str | None) -> str:
    try:
        return validate_nhs_number(nhs_number) if nhs_number and nhs_number.strip() else ""
    except InvalidNhsNumber:
        return ""


def _held_elsewhere(
    *,
    known: Any,
    number: str,
    given: str,
    family: str,
    date_of_birth: dt.date,
    exclude_pk: int | None = None,
) -> tuple[tuple[ChildOrYoungPerson, str], ...]:
    """Records outside `known` that may be this child: the same NHS number (whatever the names), or the
    same name and date of birth with no NHS number that tells them apart. Records still awaiting
    their own check are left out when a settled record matches (they point at it already)."""
    others = ChildOrYoungPerson.objects.filter(merged_into__isnull=True).exclude(pk__in=known.values("pk"))
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    by_details = others.matching_name_and_birth(
        given_name=given, family_name=family, date_of_birth=date_of_birth
    )
    if number:
        by_details = by_details.filter(nhs_number__in=["", number])
    condition = Q(pk__in=by_details.values("pk"))
    if number:
        condition |= Q(nhs_number=number)
    found = list(others.filter(condition).order_by("created_at", "pk"))
    settled = [c for c in found if not c.awaiting_identity_check]
    result = []
    for candidate in settled or found:
        same_number = bool(number) and candidate.nhs_number == number
        if same_number and _same_details(candidate, given, family, date_of_birth):
            reason = PossibleDuplicate.Reason.NHS_NUMBER_AND_DETAILS
        elif same_number:
            reason = PossibleDuplicate.Reason.NHS_NUMBER
        else:
            reason = PossibleDuplicate.Reason.NAME_AND_BIRTH
        result.append((candidate, str(reason)))
    return tuple(result)


def match_child(
    *,
    local_authority: Organisation,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date,
    nhs_number: str | None = "",
) -> ChildMatch:
    """Match what an LA sent about a child against the records (see `ChildMatch`).

    The LA's own records first: the one with the NHS number sent (exact only if the name and date of
    birth agree too: a different name or date of birth with the same NHS number is not a match), else
    one with the same name and date of birth and no different NHS number. Only when the LA holds no
    such record are other records looked at, and those only for the DCO service. An invalid NHS
    number is ignored here (the caller refuses it with a message about the number alone).
    """
    number = _valid_or_blank(nhs_number)
    given, family = normalise_name(given_name), normalise_name(family_name)
    known = ChildOrYoungPerson.objects.known_to(local_authority)
    if number:
        by_number = known.filter(nhs_number=number).order_by("created_at", "pk").first()
        if by_number is not None:
            return ChildMatch(
                own=by_number, own_is_exact=_same_details(by_number, given, family, date_of_birth)
            )
    by_details = known.matching_name_and_birth(
        given_name=given, family_name=family, date_of_birth=date_of_birth
    )
    if number:
        by_details = by_details.filter(nhs_number__in=["", number])
    own = by_details.order_by("created_at", "pk").first()
    if own is not None:
        return ChildMatch(own=own, own_is_exact=True)
    return ChildMatch(
        elsewhere=_held_elsewhere(
            known=known, number=number, given=given, family=family, date_of_birth=date_of_birth
        )
    )


def _move_version_on(child: ChildOrYoungPerson) -> None:
    """A change made without a version the person saw (matching, the DCO service's decision) still
    makes pages opened before it stale: one UPDATE adds 1 to whatever the version is now."""
    ChildOrYoungPerson.objects.filter(pk=child.pk).update(version=F("version") + 1)
    child.version = ChildOrYoungPerson.objects.values_list("version", flat=True).get(pk=child.pk)


def clean_nhs_number(raw: str | None) -> str:
    """The normalised NHS number, "" when none was given, or ValidationError in the field's words."""
    if not raw or not raw.strip():
        return ""
    try:
        return validate_nhs_number(raw)
    except InvalidNhsNumber as exc:
        raise ValidationError({"nhs_number": str(exc)}) from exc


def _ask_the_dco(
    *,
    child: ChildOrYoungPerson,
    local_authority: Organisation,
    elsewhere: tuple[tuple[ChildOrYoungPerson, str], ...],
    user: Any,
    context: AuditContext,
) -> None:
    """Hold `child` for the DCO service's check against each record in `elsewhere` (ADR 0013)."""
    if not elsewhere:
        return
    if not child.awaiting_identity_check:
        child.awaiting_identity_check = True
        child.save(update_fields=["awaiting_identity_check"])
    for existing, reason in elsewhere:
        check, created = PossibleDuplicate.objects.get_or_create(
            new_record=child,
            existing=existing,
            defaults={"local_authority": local_authority, "reason": reason},
        )
        if created:
            # Logged against the LA's record only: the LA's own view of the log must not lead elsewhere.
            record_access(
                user=user,
                action="create",
                obj=check,
                child=child,
                context=context,
                detail="possible duplicate sent to the DCO service to check",
            )


# How many times `record_child` matches again after another request recorded the same NHS number
# between its match and its insert, before it holds the new record for the DCO service's check.
MATCH_ATTEMPTS = 2


@transaction.atomic
def record_child(
    *,
    user: User | Any,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date,
    local_authority: Organisation,
    nhs_number: str | None = "",
    school_or_setting_name: str = "",
    school: Organisation | None = None,
    context: AuditContext,
    confirmed: ChildOrYoungPerson | None = None,
) -> tuple[ChildOrYoungPerson, bool]:
    """The record an LA's request is about: its own matching record, or a new one. Returns (child, created).

    `match_child` decides. The LA's own exact match is used (a missing NHS number is filled in); an own
    record with the NHS number but other details is used only when the caseworker, shown it, said it is
    the same child (`confirmed`). Otherwise a new record holds exactly what was sent; if anyone the LA
    cannot see may hold the same child, the new record waits for the DCO service's check (ADR 0013),
    which changes nothing the LA sees. Raises ValidationError for an invalid NHS number, a date of
    birth in the future, or a non-LA organisation.

    Two requests recording the same new NHS number at once: the one whose insert meets the
    one-record-per-NHS-number constraint matches again against the record now there (up to
    MATCH_ATTEMPTS times), and if it still clashes its record waits for the DCO service's check against
    every record holding the number: never an error for the LA.
    """
    number = clean_nhs_number(nhs_number)
    if date_of_birth > timezone.localdate():
        raise ValidationError({"date_of_birth": "Date of birth must be today or in the past."})
    if local_authority.kind != Organisation.Kind.LOCAL_AUTHORITY:
        raise ValidationError({"local_authority": "Choose a local authority."})
    given, family = normalise_name(given_name), normalise_name(family_name)
    if not given or not family:
        raise ValidationError("Enter the child's given name and family name.")
    new_record = {
        "given_name": given,
        "family_name": family,
        "date_of_birth": date_of_birth,
        "nhs_number": number,
        "local_authority": local_authority,
        "school_or_setting_name": school_or_setting_name.strip(),
        "school": school,
        "created_by": user if getattr(user, "is_authenticated", False) else None,
    }
    for _attempt in range(MATCH_ATTEMPTS):
        match = match_child(
            local_authority=local_authority,
            given_name=given,
            family_name=family,
            date_of_birth=date_of_birth,
            nhs_number=number,
        )
        own = match.own
        if own is not None and (match.own_is_exact or (confirmed is not None and confirmed.pk == own.pk)):
            if number and not own.nhs_number:
                own.nhs_number = number
                own.updated_at = timezone.now()
                elsewhere = _held_elsewhere(
                    known=ChildOrYoungPerson.objects.known_to(local_authority),
                    number=number,
                    given=own.given_name,
                    family=own.family_name,
                    date_of_birth=own.date_of_birth,
                    exclude_pk=own.pk,
                )
                own.awaiting_identity_check = own.awaiting_identity_check or bool(elsewhere)
                own.save(update_fields=["nhs_number", "updated_at", "awaiting_identity_check"])
                _move_version_on(own)  # a page opened before the number was added is now stale
                record_access(
                    user=user, action="change", obj=own, child=own, context=context, detail="NHS number added"
                )
                _ask_the_dco(
                    child=own,
                    local_authority=local_authority,
                    elsewhere=elsewhere,
                    user=user,
                    context=context,
                )
            return own, False
        # An own record with this NHS number and other details: the new record must not take the number
        # from it silently, so the DCO service checks the two like any other possible duplicate.
        elsewhere = ((own, str(PossibleDuplicate.Reason.NHS_NUMBER)),) if own is not None else match.elsewhere
        try:
            with transaction.atomic():
                child = ChildOrYoungPerson.objects.create(
                    **new_record, awaiting_identity_check=bool(elsewhere)
                )
        except IntegrityError:
            # Someone recorded this NHS number a moment ago (another request, committed while this one
            # matched): match again against what is there now. It finds that record, the LA's own (used
            # as above) or someone else's (the new record waits for the DCO service's check).
            continue
        record_access(user=user, action="create", obj=child, child=child, context=context)
        _ask_the_dco(
            child=child, local_authority=local_authority, elsewhere=elsewhere, user=user, context=context
        )
        return child, True
    # Still clashing: the number's holder kept changing while this request matched (rare: each
    # attempt follows a commit by someone else). Never an error for the LA: what it sent is recorded,
    # waiting for the DCO service to check it against every record holding the number now.
    holders = ChildOrYoungPerson.objects.filter(
        nhs_number=number, awaiting_identity_check=False, merged_into__isnull=True
    ).order_by("created_at", "pk")
    elsewhere = tuple(
        (
            holder,
            str(
                PossibleDuplicate.Reason.NHS_NUMBER_AND_DETAILS
                if _same_details(holder, given, family, date_of_birth)
                else PossibleDuplicate.Reason.NHS_NUMBER
            ),
        )
        for holder in holders
    )
    child = ChildOrYoungPerson.objects.create(**new_record, awaiting_identity_check=bool(elsewhere))
    record_access(user=user, action="create", obj=child, child=child, context=context)
    _ask_the_dco(
        child=child, local_authority=local_authority, elsewhere=elsewhere, user=user, context=context
    )
    return child, True


@transaction.atomic
def update_child(
    *,
    user: User | Any,
    child: ChildOrYoungPerson,
    expected_version: int,
    context: AuditContext,
    **changes: Any,
) -> ChildOrYoungPerson:
    """Change a child's details (names, date of birth, NHS number, school). Audited with the fields changed.

    `expected_version` is the version the editor saw: ConcurrentUpdate if the record changed since
    (checked first), and the save is conditional on it.

    Refused when a record `user` can see already has the new NHS number. When the new details may be a
    child recorded by someone `user` cannot see, the change is saved all the same and the DCO service
    covering the child's LA checks the two (ADR 0013): the editor is told nothing of the other record.
    """
    allowed = {"given_name", "family_name", "date_of_birth", "nhs_number", "school_or_setting_name", "school"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"cannot change {', '.join(sorted(unknown))}")
    check_version(child, expected_version)
    visible = ChildOrYoungPerson.objects.visible_to(user)
    if "nhs_number" in changes:
        changes["nhs_number"] = clean_nhs_number(changes["nhs_number"])
        if (
            changes["nhs_number"]
            and visible.filter(nhs_number=changes["nhs_number"]).exclude(pk=child.pk).exists()
        ):
            raise ValidationError({"nhs_number": "Another record already has this NHS number."})
    for name in ("given_name", "family_name"):
        if name in changes:
            changes[name] = normalise_name(changes[name])
    changed = [name for name, value in changes.items() if getattr(child, name) != value]
    for name in changed:
        setattr(child, name, changes[name])
    if not changed:
        return child
    elsewhere: tuple[tuple[ChildOrYoungPerson, str], ...] = ()
    if set(changed) & {"given_name", "family_name", "date_of_birth", "nhs_number"}:
        elsewhere = _held_elsewhere(
            known=visible,
            number=child.nhs_number,
            given=child.given_name,
            family=child.family_name,
            date_of_birth=child.date_of_birth,
            exclude_pk=child.pk,
        )
    fields = {name: changes[name] for name in changed}
    if elsewhere and not child.awaiting_identity_check:
        fields["awaiting_identity_check"] = True
    save_if_version(child, expected_version, **fields)
    record_access(
        user=user, action="change", obj=child, child=child, context=context, detail=", ".join(changed)
    )
    _ask_the_dco(
        child=child, local_authority=child.local_authority, elsewhere=elsewhere, user=user, context=context
    )
    return child


@transaction.atomic
def add_parent_carer(
    *,
    user: User | Any,
    child: ChildOrYoungPerson,
    name: str,
    relationship: str,
    email: str = "",
    phone: str = "",
    address: str = "",
    preferred_contact: str = ParentCarer.PreferredContact.EMAIL,
    has_parental_responsibility: bool = True,
    communication_needs: str = "",
    context: AuditContext,
) -> ParentCarer:
    """Add a parent or carer and how to contact them. The preferred way must have its details."""
    needs = {"email": email, "phone": phone, "text": phone, "post": address}
    if not needs.get(preferred_contact, "").strip():
        raise ValidationError(
            {"preferred_contact": "Give the details for the preferred way to make contact."}
        )
    carer = ParentCarer.objects.create(
        child=child,
        name=normalise_name(name),
        relationship=relationship,
        email=email.strip(),
        phone=phone.strip(),
        address=address.strip(),
        preferred_contact=preferred_contact,
        has_parental_responsibility=has_parental_responsibility,
        communication_needs=communication_needs.strip(),
    )
    record_access(
        user=user, action="change", obj=carer, child=child, context=context, detail="parent or carer added"
    )
    return carer


@transaction.atomic
def record_consent(
    *,
    user: User | Any,
    child: ChildOrYoungPerson,
    given_by: str,
    given_on: dt.date,
    scope: str,
    parent_carer: ParentCarer | None = None,
    scope_detail: str = "",
    capacity_assessed: bool | None = None,
    context: AuditContext,
) -> ConsentToShare:
    """Record consent to share health information (statutory.md 9.1).

    A parent or carer gives consent for a child; a young person (over compulsory school age) for
    themselves. For anyone aged 16 or over on the day, whether capacity was assessed must be recorded.
    """
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": "The date consent was given must be today or in the past."})
    if given_by == ConsentToShare.GivenBy.PARENT_CARER and parent_carer is None:
        raise ValidationError({"parent_carer": "Choose the parent or carer who gave consent."})
    if parent_carer is not None and parent_carer.child_id != child.pk:
        raise ValidationError({"parent_carer": "That parent or carer is not linked to this child."})
    if age_on(child.date_of_birth, given_on) >= 16 and capacity_assessed is None:
        raise ValidationError({"capacity_assessed": "Say whether mental capacity was assessed (16 or over)."})
    consent = ConsentToShare.objects.create(
        child=child,
        given_by=given_by,
        parent_carer=parent_carer,
        given_on=given_on,
        scope=scope,
        scope_detail=scope_detail.strip(),
        capacity_assessed=capacity_assessed,
        recorded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    record_access(
        user=user, action="change", obj=consent, child=child, context=context, detail="consent recorded"
    )
    return consent


@transaction.atomic
def withdraw_consent(
    *,
    user: User | Any,
    consent: ConsentToShare,
    expected_version: int,
    reason: str = "",
    withdrawn_on: dt.date | None = None,
    context: AuditContext,
) -> ConsentToShare:
    """Mark consent withdrawn (kept, never deleted). ConcurrentUpdate (checked first) when the consent
    changed since the person saw `expected_version`, for example someone else withdrew it; withdrawing
    what they saw already withdrawn changes nothing.

    `withdrawn_on` is the day the person withdrew it (default today): not in the future and not
    before the consent was given. A past day is stored as the start of that day."""
    check_version(consent, expected_version)
    today = timezone.localdate()
    day = withdrawn_on or today
    if day > today:
        raise ValidationError(
            {"withdrawn_on": "The date consent was withdrawn must be today or in the past."}
        )
    if day < consent.given_on:
        raise ValidationError(
            {"withdrawn_on": "The date consent was withdrawn must be on or after the day it was given."}
        )
    when = (
        timezone.now()
        if day == today
        else timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone())
    )
    if not consent.is_active:
        return consent
    save_if_version(consent, expected_version, withdrawn_at=when, withdrawal_reason=reason.strip())
    record_access(
        user=user,
        action="change",
        obj=consent,
        child=consent.child,
        context=context,
        detail="consent withdrawn",
    )
    return consent


@transaction.atomic
def update_parent_carer(
    *, user: User | Any, carer: ParentCarer, expected_version: int, context: AuditContext, **changes: Any
) -> ParentCarer:
    """Change a parent or carer's details. The preferred way to make contact must still have its
    details. ConcurrentUpdate (checked first) when someone changed them since the person saw
    `expected_version`. Audited with the names of the fields changed (never their values)."""
    allowed = {
        "name",
        "relationship",
        "email",
        "phone",
        "address",
        "preferred_contact",
        "has_parental_responsibility",
        "communication_needs",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"cannot change {', '.join(sorted(unknown))}")
    check_version(carer, expected_version)
    for name, value in changes.items():
        if isinstance(value, str):
            changes[name] = normalise_name(value) if name == "name" else value.strip()
    after = {name: changes.get(name, getattr(carer, name)) for name in allowed}
    needs = {
        "email": after["email"],
        "phone": after["phone"],
        "text": after["phone"],
        "post": after["address"],
    }
    if not needs.get(after["preferred_contact"], ""):
        raise ValidationError(
            {"preferred_contact": "Give the details for the preferred way to make contact."}
        )
    changed = [name for name, value in changes.items() if getattr(carer, name) != value]
    if changed:
        save_if_version(carer, expected_version, **{name: changes[name] for name in changed})
        record_access(
            user=user,
            action="change",
            obj=carer,
            child=carer.child,
            context=context,
            detail="parent or carer changed: " + ", ".join(changed),
        )
    return carer


@transaction.atomic
def remove_parent_carer(
    *, user: User | Any, carer: ParentCarer, expected_version: int, context: AuditContext
) -> None:
    """Remove a parent or carer from the child's record. ConcurrentUpdate (checked first) when their
    details changed, or they were removed, since the person saw `expected_version`. Refused
    (ValidationError) while a consent they gave is on the record, current or withdrawn: who gave
    consent is kept for as long as the consent is."""
    locked = ParentCarer.objects.select_for_update().filter(pk=carer.pk).first()
    if locked is None:
        raise ConcurrentUpdate()
    require_version(locked, expected_version)
    if carer.consents.exists():
        raise ValidationError(
            f"{carer.name} gave consent to share that is kept on the record, so they cannot be removed."
        )
    child = carer.child
    record_access(
        user=user, action="change", obj=carer, child=child, context=context, detail="parent or carer removed"
    )
    carer.delete()


def other_records_for(
    *,
    user: User | Any,
    child: ChildOrYoungPerson,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date,
    nhs_number: str = "",
) -> list[ChildOrYoungPerson]:
    """Other records `user` can see that would be the same child as `child` with these details (the
    same NHS number, or the same name and date of birth with no NHS number that tells them apart):
    changing a record must not make it a second record of someone already recorded. Records the user
    cannot see are never returned: `update_child` sends those to the DCO service instead."""
    number = _valid_or_blank(nhs_number)
    visible = ChildOrYoungPerson.objects.visible_to(user).exclude(pk=child.pk)
    by_details = visible.matching_name_and_birth(
        given_name=given_name, family_name=family_name, date_of_birth=date_of_birth
    )
    if number:
        by_details = by_details.filter(nhs_number__in=["", number])
    condition = Q(pk__in=by_details.values("pk"))
    if number:
        condition |= Q(nhs_number=number)
    return list(visible.filter(condition).select_related("local_authority").order_by("created_at", "pk"))


# --- possible duplicates: the DCO service's check (ADR 0013) ----------------------------------------

CHECK_CHANGED = "Someone else decided this check since you opened it"


def _locked_open_check(check: PossibleDuplicate, expected_version: int) -> PossibleDuplicate:
    """The check, locked, if the person saw its current version (else ConcurrentUpdate, checked
    first) and it is still open."""
    current = PossibleDuplicate.objects.select_for_update().get(pk=check.pk)
    require_version(current, expected_version)
    if not current.is_open:
        raise ValidationError(CHECK_CHANGED, code="conflict")
    return current


def _close(check: PossibleDuplicate, *, user: Any, outcome: str, notes: str) -> None:
    check.outcome = outcome
    check.outcome_notes = notes.strip()
    check.resolved_at = timezone.now()
    check.resolved_by = user if getattr(user, "is_authenticated", False) else None
    check.version += 1
    check.save(update_fields=["outcome", "outcome_notes", "resolved_at", "resolved_by", "version"])


def _still_waiting(child: ChildOrYoungPerson) -> None:
    """A record waits for the DCO service only while one of its checks is open."""
    waiting = PossibleDuplicate.objects.open().filter(new_record=child).exists()
    if child.awaiting_identity_check != waiting:
        child.awaiting_identity_check = waiting
        child.save(update_fields=["awaiting_identity_check"])


def _move_everything(source: ChildOrYoungPerson, target: ChildOrYoungPerson) -> list[str]:
    """Point every record that belongs to `source` (carers, consent, and every other app's rows: advice
    requests, involvements) at `target`, without naming the apps (children sits below them). Rows that
    keep `updated_at` or `version` have them moved on, so an LA's system reading changes sees this."""
    moved = []
    now = timezone.now()
    for relation in ChildOrYoungPerson._meta.related_objects:
        model = relation.related_model
        if model in (ChildOrYoungPerson, PossibleDuplicate) or not (
            relation.one_to_many or relation.one_to_one
        ):
            continue
        name = relation.field.name
        rows = model._base_manager.filter(**{name: source})
        values: dict[str, Any] = {name: target}
        field_names = {f.name for f in model._meta.concrete_fields}
        if "updated_at" in field_names:
            values["updated_at"] = now
        if "version" in field_names:
            values["version"] = F("version") + 1
        if rows.update(**values):
            moved.append(str(model._meta.verbose_name_plural))
    return moved


@transaction.atomic
def link_records(
    *,
    user: User | Any,
    check: PossibleDuplicate,
    expected_version: int,
    notes: str = "",
    context: AuditContext,
) -> ChildOrYoungPerson:
    """The DCO service found that what the LA sent is the child already recorded: one record from now
    on. Everything on the LA's record (its advice requests, carers and consent) moves to the existing
    record, so the LA then reaches it as any requester does; the LA's record is kept, merged, so old
    links and the audit log still lead somewhere. A missing NHS number is filled in from the LA's.
    Returns the record kept. ValidationError when the check was decided or changed meanwhile."""
    check = _locked_open_check(check, expected_version)
    new, existing = check.new_record, check.existing
    moved = _move_everything(new, existing)
    if new.nhs_number and not existing.nhs_number:
        held = (
            ChildOrYoungPerson.objects.filter(
                nhs_number=new.nhs_number, awaiting_identity_check=False, merged_into__isnull=True
            )
            .exclude(pk=existing.pk)
            .exists()
        )
        if not held:
            existing.nhs_number = new.nhs_number
            existing.updated_at = timezone.now()
            existing.save(update_fields=["nhs_number", "updated_at"])
            _move_version_on(existing)
    new.merged_into = existing
    new.awaiting_identity_check = False
    new.updated_at = timezone.now()
    new.save(update_fields=["merged_into", "awaiting_identity_check", "updated_at"])
    _move_version_on(new)
    _close(check, user=user, outcome=PossibleDuplicate.Outcome.LINKED, notes=notes)
    # The LA's record's other open checks are now about the record kept.
    for other in PossibleDuplicate.objects.open().filter(new_record=new):
        if (
            other.existing_id == existing.pk
            or PossibleDuplicate.objects.filter(new_record=existing, existing_id=other.existing_id).exists()
        ):
            _close(
                other, user=user, outcome=PossibleDuplicate.Outcome.LINKED, notes="Linked with " + str(check)
            )
        else:
            other.new_record = existing
            other.version += 1
            other.save(update_fields=["new_record", "version"])
    PossibleDuplicate.objects.open().filter(existing=new).update(existing=existing, version=F("version") + 1)
    _still_waiting(existing)
    detail = f"possible duplicate {check.public_id}: the same child, records linked"
    record_access(
        user=user,
        action="change",
        obj=existing,
        child=existing,
        context=context,
        detail=f"{detail}; moved here: {', '.join(moved) or 'nothing'}",
    )
    record_access(
        user=user,
        action="change",
        obj=new,
        child=new,
        context=context,
        detail=f"{detail}; merged into {existing.public_id}",
    )
    return existing


@transaction.atomic
def record_different_children(
    *,
    user: User | Any,
    check: PossibleDuplicate,
    expected_version: int,
    notes: str = "",
    nhs_number: str | None = None,
    context: AuditContext,
) -> ChildOrYoungPerson:
    """The DCO service found they are different children: both records stay as they are, and the LA's
    record stops waiting once none of its checks is open. Two children cannot share an NHS number, so
    when both records have the same one the right NHS number of the child the LA sent is required
    (`nhs_number`); it replaces the one on the LA's record. Returns the LA's record."""
    check = _locked_open_check(check, expected_version)
    new, existing = check.new_record, check.existing
    changed = []
    if new.nhs_number and new.nhs_number == existing.nhs_number:
        number = clean_nhs_number(nhs_number)
        if not number or number == existing.nhs_number:
            raise ValidationError(
                {
                    "nhs_number": "Two children cannot have the same NHS number: enter the right NHS number "
                    f"of the child {check.local_authority.name} sent"
                }
            )
        new.nhs_number = number
        new.updated_at = timezone.now()
        new.save(update_fields=["nhs_number", "updated_at"])
        _move_version_on(new)
        changed.append("NHS number corrected")
    _close(check, user=user, outcome=PossibleDuplicate.Outcome.DIFFERENT, notes=notes)
    try:
        with transaction.atomic():
            _still_waiting(new)
    except IntegrityError as exc:
        raise ValidationError({"nhs_number": "Another record already has this NHS number."}) from exc
    record_access(
        user=user,
        action="change",
        obj=new,
        child=new,
        context=context,
        detail="; ".join([f"possible duplicate {check.public_id}: a different child", *changed]),
    )
    return new


def only_parent_consent(child: ChildOrYoungPerson, on: dt.date | None = None) -> bool:
    """True when a young person (over compulsory school age, CFA 2014 s83(2)) has current consent to
    share only from a parent or carer: from then on the decision is the young person's own
    (statutory.md 9.1), so their consent should be sought."""
    on = on or timezone.localdate()
    if not child.is_young_person(on):
        return False
    givers = {c.given_by for c in child.consents.all() if c.is_active}
    return bool(givers) and givers == {ConsentToShare.GivenBy.PARENT_CARER}
