"""Children and young people: the one place a child's identity lives.

Every other record (advice requests, notifications, healthcare plans) points at a ChildOrYoungPerson.
One record per child: `children.services.match_child` matches an LA's details against the records
it holds (by NHS number, or by name and date of birth) before anything is created; a possible match
with a record it cannot see goes to the DCO service as a `PossibleDuplicate` (ADR 0013). The phase
(early years, school age, preparing for adulthood, post-16) is derived from the date of birth every
time it is read, never stored.

Access: `ChildOrYoungPerson.objects.visible_to(user)` and `children.access.get_child_for_user`.
A child is visible to its LA's caseworkers and through `Involvement` rows, which each app's services
write with their own records (ADR 0018); this app names no other.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.access import Reach, access_rule, reach_for
from accounts.models import Organisation
from lib import clocks, phases
from lib.nhs_number import format_nhs_number

if TYPE_CHECKING:
    from accounts.models import User


# What an organisation may still see once its involvement ends (ADR 0018): the child's page stays
# open to it for this many calendar months after the involvement's end date, so it can answer the
# questions that follow its work (the rest of the 20-week EHC assessment, a draft plan). Its own
# records (an assignment, a notification) stay visible by that app's own rule.
ENDED_INVOLVEMENT_MONTHS = 6


class InvolvementQuerySet(models.QuerySet["Involvement"]):
    def giving_access(self, on: dt.date | None = None) -> InvolvementQuerySet:
        """Current involvements, and those that ended within ENDED_INVOLVEMENT_MONTHS of `on`."""
        today = on or timezone.localdate()
        cutoff = clocks.add_months(today, -ENDED_INVOLVEMENT_MONTHS)
        return self.filter(models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=cutoff))

    def reached_by(self, reach: Reach) -> InvolvementQuerySet:
        """Involvements of the organisations a user acts for, and (for a DCO service) of the local
        authorities in its areas."""
        return self.filter(organisation_id__in=reach.organisation_ids | reach.dco_area_ids)


class ChildQuerySet(models.QuerySet["ChildOrYoungPerson"]):
    @access_rule
    def visible_to(self, user: User | Any, on: dt.date | None = None) -> ChildQuerySet:
        """Children this user may see (ADR 0018):

        - every child whose record its own local authority holds (`local_authority`), to that LA's
          caseworkers;
        - every child with an involvement (see `Involvement`) of an organisation the user acts for (an
          LA, a provider team, a DCO service), or, for a DCO service, of an LA in its areas, while the
          involvement is current and for ENDED_INVOLVEMENT_MONTHS after it ends.

        Anonymous users and system administrators see none; merged records are never listed.
        """
        reach = reach_for(user)
        if reach.is_empty:
            return self.none()
        involved = Involvement.objects.giving_access(on).reached_by(reach).values("child_id")
        return self.filter(merged_into__isnull=True).filter(
            models.Q(pk__in=involved) | models.Q(local_authority_id__in=reach.la_ids)
        )

    def known_to(self, local_authority: Organisation | int) -> ChildQuerySet:
        """The records a local authority already holds: its own, and every child it has been involved
        with (what its caseworkers and its API token may see, ended involvements included). Matching
        offers an LA only these."""
        la_id = local_authority if isinstance(local_authority, int) else local_authority.pk
        involved = Involvement.objects.filter(organisation_id=la_id).values("child_id")
        return self.filter(merged_into__isnull=True).filter(
            models.Q(local_authority_id=la_id) | models.Q(pk__in=involved)
        )

    def matching_name_and_birth(
        self, *, given_name: str, family_name: str, date_of_birth: dt.date
    ) -> ChildQuerySet:
        """Same date of birth and the same names, ignoring case and extra spaces."""
        return self.alias(given_key=Lower("given_name"), family_key=Lower("family_name")).filter(
            date_of_birth=date_of_birth,
            given_key=normalise_name(given_name).lower(),
            family_key=normalise_name(family_name).lower(),
        )


def normalise_name(name: str) -> str:
    """Names are stored trimmed with single spaces, so matching can ignore case alone."""
    return " ".join((name or "").split())


class ChildOrYoungPerson(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    nhs_number = models.CharField(
        "NHS number",
        max_length=10,
        blank=True,
        help_text="10 digits, no spaces; validated with its check digit",
    )
    local_authority = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="children_and_young_people",
        limit_choices_to={"kind": Organisation.Kind.LOCAL_AUTHORITY},
    )
    school_or_setting_name = models.CharField("school or setting", max_length=200, blank=True)
    school = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pupils",
        limit_choices_to={"kind": Organisation.Kind.SCHOOL},
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # ADR 0013. A record made from what an LA sent while the DCO service checks whether it is a child
    # already recorded by someone the LA cannot see (a `PossibleDuplicate`). Its NHS number may be one
    # another record holds, so it is outside the one-record-per-NHS-number constraint until the DCO
    # decides. Never shown to the LA: its pages must read the same as for any other new record.
    awaiting_identity_check = models.BooleanField(default=False)
    # Set when the DCO service found this record to be the same child as another: everything on it
    # moved there, and it stays only so old links and the audit log still lead somewhere.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_records"
    )
    version = models.PositiveIntegerField(default=1, help_text="Optimistic locking: bumped by every change")

    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name = "child or young person"
        verbose_name_plural = "children and young people"
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["nhs_number"],
                condition=~models.Q(nhs_number="")
                & models.Q(awaiting_identity_check=False, merged_into__isnull=True),
                name="child_nhs_number_unique",
            )
        ]
        indexes = [
            models.Index(Lower("family_name"), "date_of_birth", name="child_family_dob_idx"),
            models.Index(fields=["local_authority", "family_name"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def nhs_number_display(self) -> str:
        return format_nhs_number(self.nhs_number) if self.nhs_number else ""

    @property
    def school_or_setting(self) -> str:
        return self.school.name if self.school_id and self.school else self.school_or_setting_name

    def phase(self, on: dt.date | None = None) -> phases.Phase:
        """Derived from the date of birth (lib.phases); never stored."""
        return phases.phase(self.date_of_birth, on or timezone.localdate())

    def age(self, on: dt.date | None = None) -> int:
        return phases.age_on(self.date_of_birth, on or timezone.localdate())

    def is_young_person(self, on: dt.date | None = None) -> bool:
        return phases.is_young_person(self.date_of_birth, on or timezone.localdate())

    def pfa_required(self, on: dt.date | None = None) -> bool:
        return phases.pfa_required(self.date_of_birth, on or timezone.localdate())


class ParentCarer(models.Model):
    class Relationship(models.TextChoices):
        MOTHER = "mother", "Mother"
        FATHER = "father", "Father"
        PARENT = "parent", "Parent"
        STEP_PARENT = "step_parent", "Step-parent"
        GRANDPARENT = "grandparent", "Grandparent"
        FOSTER_CARER = "foster_carer", "Foster carer"
        KINSHIP_CARER = "kinship_carer", "Kinship carer"
        SOCIAL_WORKER = "social_worker", "Social worker (corporate parent)"
        GUARDIAN = "guardian", "Special guardian"
        OTHER = "other", "Other"

    class PreferredContact(models.TextChoices):
        EMAIL = "email", "E-mail"
        PHONE = "phone", "Phone call"
        TEXT = "text", "Text message"
        POST = "post", "Post"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(ChildOrYoungPerson, on_delete=models.CASCADE, related_name="parent_carers")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    address = models.TextField(blank=True)
    preferred_contact = models.CharField(max_length=10, choices=PreferredContact.choices, default="email")
    has_parental_responsibility = models.BooleanField(default=True)
    communication_needs = models.CharField(
        max_length=200,
        blank=True,
        help_text="For example an interpreter, large print or British Sign Language",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic locking: bumped by every change")

    class Meta:
        ordering = ["child", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relationship_display()})"


class ConsentToShare(models.Model):
    """Consent to share health information (statutory.md 9.1): who gave it, when, for what; withdrawn
    consent is kept with its date, never deleted. `capacity_assessed` is recorded for young people
    aged 16 or over (Mental Capacity Act 2005)."""

    class GivenBy(models.TextChoices):
        PARENT_CARER = "parent_carer", "Parent or carer"
        YOUNG_PERSON = "young_person", "Young person"
        CHILD = "child", "The child (competent to decide)"

    class Scope(models.TextChoices):
        EHC_ASSESSMENT = "ehc_assessment", "Share health information for the EHC needs assessment"
        EHC_PLAN = "ehc_plan", "Share the EHC plan with named health services"
        ALL_SEND = "all_send", "Share health information for all SEND purposes"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(ChildOrYoungPerson, on_delete=models.CASCADE, related_name="consents")
    given_by = models.CharField(max_length=20, choices=GivenBy.choices)
    parent_carer = models.ForeignKey(
        ParentCarer, null=True, blank=True, on_delete=models.SET_NULL, related_name="consents"
    )
    given_on = models.DateField()
    scope = models.CharField(max_length=20, choices=Scope.choices)
    scope_detail = models.TextField(blank=True)
    capacity_assessed = models.BooleanField(
        null=True, blank=True, help_text="For young people aged 16 or over: was mental capacity assessed?"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic locking: bumped by every change")

    class Meta:
        ordering = ["-given_on"]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} ({self.get_given_by_display()}, {self.given_on})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class PossibleDuplicateQuerySet(models.QuerySet["PossibleDuplicate"]):
    @access_rule
    def visible_to(self, user: User | Any) -> PossibleDuplicateQuerySet:
        """Checks for the DCO service covering the LA that sent the details; nobody else (the LA
        included: it is never told a check exists)."""
        return self.filter(local_authority_id__in=reach_for(user).dco_area_ids)

    def open(self) -> PossibleDuplicateQuerySet:
        return self.filter(resolved_at__isnull=True)


class PossibleDuplicate(models.Model):
    """What an LA sent (`new_record`) may be a child already recorded (`existing`) by an organisation the
    LA cannot see. The DCO service covering the LA compares the two and links them (one record) or
    records that they are different children (ADR 0013). The LA is never told this row exists."""

    class Reason(models.TextChoices):
        NHS_NUMBER_AND_DETAILS = "nhs_number_and_details", "Same NHS number, name and date of birth"
        NHS_NUMBER = "nhs_number", "Same NHS number, different name or date of birth"
        NAME_AND_BIRTH = "name_and_birth", "Same name and date of birth"

    class Outcome(models.TextChoices):
        LINKED = "linked", "The same child: records linked"
        DIFFERENT = "different", "Different children"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    new_record = models.ForeignKey(
        ChildOrYoungPerson, on_delete=models.PROTECT, related_name="duplicate_checks"
    )
    existing = models.ForeignKey(ChildOrYoungPerson, on_delete=models.PROTECT, related_name="+")
    # The LA that sent the details: the DCO service whose areas include it resolves the check.
    local_authority = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": Organisation.Kind.LOCAL_AUTHORITY},
    )
    reason = models.CharField(max_length=30, choices=Reason.choices)
    created_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_notes = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, help_text="Optimistic locking: bumped by every change")

    objects = PossibleDuplicateQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["new_record", "existing"], name="possible_duplicate_once")
        ]
        indexes = [models.Index(fields=["local_authority", "resolved_at"])]

    def __str__(self) -> str:
        return f"Possible duplicate {self.public_id}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class Involvement(models.Model):
    """An organisation's part in a child's life that gives it sight of the child's record.

    Written by each app's services in the same transaction as the record it is about (for example
    `advice.involvements`: the LA when it asks for advice, each provider team the DCO routes it to),
    and given an end date when that work ends. `ChildOrYoungPerson.objects.visible_to`, the child's
    page and the access log's scope are built on these rows, so `children` imports no other app.

    `reason` is the app's code for why (e.g. "advice_request"; later "s23_notification", "enquiry",
    "healthcare_plan", "annual_review"), labelled through `children.registry`; `record_type` and
    `record_id` name the source record (its model label and public id) without a foreign key.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(ChildOrYoungPerson, on_delete=models.CASCADE, related_name="involvements")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="involvements")
    reason = models.CharField(max_length=40)
    record_type = models.CharField(
        max_length=60, help_text="The source record's model, e.g. advice.assignment"
    )
    record_id = models.UUIDField(help_text="The source record's public id")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = InvolvementQuerySet.as_manager()

    class Meta:
        ordering = ["started_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "record_type", "record_id"], name="involvement_once_per_record"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "ended_on"]),
            models.Index(fields=["record_type", "record_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} with {self.child} ({self.reason}, from {self.started_on})"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None
