"""Children and young people: matching, recording and access. Every function here that changes a
child's record writes an audit event in the same transaction (see `audit.services.record_access`).

Views that *show* or *export* a child's record call `audit.services.record_access(action="view"...)`
(or "export") themselves, after `get_child_for_user`, because only the view knows that it showed it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest
from django.utils import timezone

from accounts.models import Organisation, Role
from children.models import ChildOrYoungPerson, ConsentToShare, ParentCarer, normalise_name
from lib.nhs_number import InvalidNhsNumber
from lib.nhs_number import validate as validate_nhs_number
from lib.phases import age_on

if TYPE_CHECKING:
    from accounts.models import User

WRITE_ROLES = (Role.LA_CASEWORKER, Role.DCO, Role.DCO_ADMIN)


def audit(
    *,
    user: Any,
    action: str,
    obj: Any,
    child: ChildOrYoungPerson | None,
    request: HttpRequest | None = None,
    detail: str = "",
) -> None:
    """Write one audit event (the audit app owns the log; imported here so the dependency stays lazy)."""
    from audit.services import record_access

    record_access(user=user, action=action, obj=obj, child=child, request=request, detail=detail)


# --- access -------------------------------------------------------------------------------------


def get_child_for_user(user: User | Any, public_id: Any, write: bool = False) -> ChildOrYoungPerson:
    """The child if `user` may see it (and, with write=True, change it), else Http404.

    Read: anyone who can see one of the child's advice requests, and the caseworkers of its LA.
    Write: the caseworkers of its LA, and the DCO service of its LA's area. Nobody else: a system
    administrator does not read children's records. The caller records the view in the audit log.
    """
    try:
        child = (
            ChildOrYoungPerson.objects.visible_to(user)
            .select_related("local_authority", "school")
            .get(public_id=public_id)
        )
    except (ChildOrYoungPerson.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404("No such child or young person") from exc
    if write and not can_change_child(user, child):
        raise Http404("No such child or young person")
    return child


def can_change_child(user: User | Any, child: ChildOrYoungPerson) -> bool:
    orgs = user.organisations_with_role(*WRITE_ROLES)
    return (
        orgs.filter(pk=child.local_authority_id, kind=Organisation.Kind.LOCAL_AUTHORITY).exists()
        or orgs.filter(kind=Organisation.Kind.DCO_SERVICE, areas=child.local_authority_id).exists()
    )


# --- matching -------------------------------------------------------------------------------------


def find_matches(
    *, nhs_number: str | None = None, given_name: str, family_name: str, date_of_birth: dt.date
) -> list[ChildOrYoungPerson]:
    """Existing records for the same child, so it is never entered twice.

    With a valid NHS number: the record with that number, if there is one. Otherwise (or when no record
    has it): records with the same date of birth and names (ignoring case and spaces) that have no NHS
    number or the same one; a record with a *different* NHS number is a different child.
    """
    number = ""
    if nhs_number:
        try:
            number = validate_nhs_number(nhs_number)
        except InvalidNhsNumber:
            number = ""
    if number:
        exact = list(ChildOrYoungPerson.objects.filter(nhs_number=number))
        if exact:
            return exact
    candidates = ChildOrYoungPerson.objects.matching_name_and_birth(
        given_name=given_name, family_name=family_name, date_of_birth=date_of_birth
    )
    if number:
        candidates = candidates.filter(nhs_number__in=["", number])
    return list(candidates.order_by("created_at", "pk"))


def clean_nhs_number(raw: str | None) -> str:
    """The normalised NHS number, "" when none was given, or ValidationError in the field's words."""
    if not raw or not raw.strip():
        return ""
    try:
        return validate_nhs_number(raw)
    except InvalidNhsNumber as exc:
        raise ValidationError({"nhs_number": str(exc)}) from exc


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
    request: HttpRequest | None = None,
) -> tuple[ChildOrYoungPerson, bool]:
    """Return the existing record for this child, or create one. Returns (child, created).

    An existing match is returned unchanged except that a missing NHS number is filled in. Raises
    ValidationError for an invalid NHS number, a date of birth in the future, or a non-LA organisation.
    """
    number = clean_nhs_number(nhs_number)
    if date_of_birth > timezone.localdate():
        raise ValidationError({"date_of_birth": "Date of birth must be today or in the past."})
    if local_authority.kind != Organisation.Kind.LOCAL_AUTHORITY:
        raise ValidationError({"local_authority": "Choose a local authority."})
    given, family = normalise_name(given_name), normalise_name(family_name)
    if not given or not family:
        raise ValidationError("Enter the child's given name and family name.")
    matches = find_matches(
        nhs_number=number, given_name=given, family_name=family, date_of_birth=date_of_birth
    )
    if matches:
        child = matches[0]
        if number and not child.nhs_number:
            child.nhs_number = number
            child.updated_at = timezone.now()
            child.save(update_fields=["nhs_number", "updated_at"])
            audit(
                user=user, action="change", obj=child, child=child, request=request, detail="NHS number added"
            )
        return child, False
    try:
        with transaction.atomic():
            child = ChildOrYoungPerson.objects.create(
                given_name=given,
                family_name=family,
                date_of_birth=date_of_birth,
                nhs_number=number,
                local_authority=local_authority,
                school_or_setting_name=school_or_setting_name.strip(),
                school=school,
                created_by=user if getattr(user, "is_authenticated", False) else None,
            )
    except IntegrityError:
        # Someone recorded the same NHS number a moment ago: use their record.
        return ChildOrYoungPerson.objects.get(nhs_number=number), False
    audit(user=user, action="create", obj=child, child=child, request=request)
    return child, True


@transaction.atomic
def update_child(
    *, user: User | Any, child: ChildOrYoungPerson, request: HttpRequest | None = None, **changes: Any
) -> ChildOrYoungPerson:
    """Change a child's details (names, date of birth, NHS number, school). Audited with the fields changed."""
    allowed = {"given_name", "family_name", "date_of_birth", "nhs_number", "school_or_setting_name", "school"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"cannot change {', '.join(sorted(unknown))}")
    if "nhs_number" in changes:
        changes["nhs_number"] = clean_nhs_number(changes["nhs_number"])
        if (
            changes["nhs_number"]
            and ChildOrYoungPerson.objects.filter(nhs_number=changes["nhs_number"])
            .exclude(pk=child.pk)
            .exists()
        ):
            raise ValidationError({"nhs_number": "Another record already has this NHS number."})
    for name in ("given_name", "family_name"):
        if name in changes:
            changes[name] = normalise_name(changes[name])
    changed = [name for name, value in changes.items() if getattr(child, name) != value]
    for name in changed:
        setattr(child, name, changes[name])
    if changed:
        child.updated_at = timezone.now()
        child.save(update_fields=[*changed, "updated_at"])
        audit(user=user, action="change", obj=child, child=child, request=request, detail=", ".join(changed))
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
    request: HttpRequest | None = None,
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
    audit(user=user, action="change", obj=carer, child=child, request=request, detail="parent or carer added")
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
    request: HttpRequest | None = None,
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
    audit(user=user, action="change", obj=consent, child=child, request=request, detail="consent recorded")
    return consent


@transaction.atomic
def withdraw_consent(
    *,
    user: User | Any,
    consent: ConsentToShare,
    reason: str = "",
    withdrawn_on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> ConsentToShare:
    """Mark consent withdrawn (kept, never deleted). Withdrawing twice changes nothing.

    `withdrawn_on` is the day the person withdrew it (default today): not in the future and not
    before the consent was given. A past day is stored as the start of that day."""
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
    updated = ConsentToShare.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=when, withdrawal_reason=reason.strip()
    )
    consent.refresh_from_db()
    if updated:
        audit(
            user=user,
            action="change",
            obj=consent,
            child=consent.child,
            request=request,
            detail="consent withdrawn",
        )
    return consent


@transaction.atomic
def update_parent_carer(
    *, user: User | Any, carer: ParentCarer, request: HttpRequest | None = None, **changes: Any
) -> ParentCarer:
    """Change a parent or carer's details. The preferred way to make contact must still have its
    details. Audited with the names of the fields changed (never their values)."""
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
    for name in changed:
        setattr(carer, name, changes[name])
    if changed:
        carer.save(update_fields=changed)
        audit(
            user=user,
            action="change",
            obj=carer,
            child=carer.child,
            request=request,
            detail="parent or carer changed: " + ", ".join(changed),
        )
    return carer


@transaction.atomic
def remove_parent_carer(*, user: User | Any, carer: ParentCarer, request: HttpRequest | None = None) -> None:
    """Remove a parent or carer from the child's record. Refused (ValidationError) while a consent
    they gave is on the record, current or withdrawn: who gave consent is kept for as long as the
    consent is."""
    if carer.consents.exists():
        raise ValidationError(
            f"{carer.name} gave consent to share that is kept on the record, so they cannot be removed."
        )
    child = carer.child
    audit(
        user=user, action="change", obj=carer, child=child, request=request, detail="parent or carer removed"
    )
    carer.delete()


def other_records_for(
    *,
    child: ChildOrYoungPerson,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date,
    nhs_number: str = "",
) -> list[ChildOrYoungPerson]:
    """Other records that `find_matches` says are the same child as `child` would be with these
    details: changing a record must not make it a second record of someone already recorded."""
    return [
        match
        for match in find_matches(
            nhs_number=nhs_number, given_name=given_name, family_name=family_name, date_of_birth=date_of_birth
        )
        if match.pk != child.pk
    ]


def only_parent_consent(child: ChildOrYoungPerson, on: dt.date | None = None) -> bool:
    """True when a young person (over compulsory school age, CFA 2014 s83(2)) has current consent to
    share only from a parent or carer: from then on the decision is the young person's own
    (statutory.md 9.1), so their consent should be sought."""
    on = on or timezone.localdate()
    if not child.is_young_person(on):
        return False
    givers = {c.given_by for c in child.consents.all() if c.is_active}
    return bool(givers) and givers == {ConsentToShare.GivenBy.PARENT_CARER}
