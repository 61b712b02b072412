"""Section 23 notifications (Children and Families Act 2014 s23; statutory.md section 4).

    Notification   an NHS trust's, foundation trust's or ICB's opinion that a child under compulsory
                   school age has, or probably has, special educational needs or a disability, brought to
                   the attention of the local authority where the child lives. Drafted, then sent once
                   the statutory steps are recorded (parent told, discussion offered, signposting);
                   acknowledged by the LA's SEN team, which records what it decided.
      └ Attachment  a report sent with it, kept to what is needed (statutory.md 9.4)
    Concern        a GP practice's or independent provider's concern about a child, raised with the DCO
                   service, which decides whether the trust or the ICB notifies (s23 names neither).

State changes happen only in `section23.services`; records carry a `version` for optimistic locking.
Access: `Notification.objects.visible_to(user)` and `Concern.objects.visible_to(user)` for lists,
`section23.access` for one record. Reminders are `casework.CaseReminder` rows.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.access import access_rule, reach_for
from accounts.models import Organisation
from children.models import ChildOrYoungPerson, ParentCarer


class AreaOfNeed(models.TextChoices):
    """The SEND Code of Practice's four broad areas of need (statutory.md 4.2), and physical or sensory
    disability as it is usually reported."""

    COMMUNICATION = "communication", "Communication and interaction"
    COGNITION = "cognition", "Cognition and learning"
    SEMH = "semh", "Social, emotional and mental health"
    SENSORY_PHYSICAL = "sensory_physical", "Sensory and/or physical needs"


class Profession(models.TextChoices):
    HEALTH_VISITOR = "health_visitor", "Health visitor"
    PAEDIATRICIAN = "paediatrician", "Paediatrician"
    SLT = "slt", "Speech and language therapist"
    OT = "ot", "Occupational therapist"
    PHYSIOTHERAPIST = "physiotherapist", "Physiotherapist"
    NURSE = "nurse", "Nurse"
    AUDIOLOGIST = "audiologist", "Audiologist"
    PSYCHOLOGIST = "psychologist", "Clinical psychologist"
    GP = "gp", "GP"
    OTHER = "other", "Other health professional"


class NotificationQuerySet(models.QuerySet["Notification"]):
    @access_rule
    def visible_to(self, user: Any) -> NotificationQuerySet:
        """Notifications `user` may see:

        - the notifying team's members (a trust-level membership covers the trust's teams), and the
          DCO service that notified for the ICB: their own, drafts included;
        - the caseworkers of the local authority it was sent to, once sent;
        - the DCO service whose areas include that local authority, once sent (oversight, objections).

        Anyone else (a system administrator, a GP practice, a school): none.
        """
        reach = reach_for(user)
        if reach.is_empty:
            return self.none()
        condition = models.Q(team_id__in=reach.team_ids) | models.Q(dco_service_id__in=reach.dco_service_ids)
        sent = ~models.Q(status=Notification.Status.DRAFT)
        condition |= sent & models.Q(local_authority_id__in=reach.la_ids | reach.dco_area_ids)
        return self.filter(condition)

    def sent(self) -> NotificationQuerySet:
        return self.exclude(status=Notification.Status.DRAFT)

    def awaiting_acknowledgement(self) -> NotificationQuerySet:
        return self.filter(status=Notification.Status.SENT)


class Notification(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENT = "sent", "Sent to the local authority"
        ACKNOWLEDGED = "acknowledged", "Acknowledged by the local authority"
        DECIDED = "decided", "Local authority decision recorded"

    class Discussion(models.TextChoices):
        HELD = "held", "A discussion was held"
        OFFERED = "offered", "A discussion was offered and not taken up"

    class ParentView(models.TextChoices):
        AGREES = "agrees", "Agrees with the opinion"
        DISAGREES = "disagrees", "Disagrees or objects"
        NO_VIEW = "no_view", "Gave no view"

    class ReferralConsent(models.TextChoices):
        NOT_ASKED = "not_asked", "Not asked"
        GIVEN = "given", "Given"
        REFUSED = "refused", "Refused"

    class Decision(models.TextChoices):
        CONSIDER_ASSESSMENT = "consider_assessment", "Consider whether an EHC needs assessment is needed"
        EARLY_YEARS = "early_years", "Refer to early years SEN support"
        ALREADY_KNOWN = "already_known", "Already known to the SEN team: added to the child's file"
        INFORMATION = "information", "Noted for information: no action now"
        OTHER = "other", "Other"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=20, unique=True, help_text="Shown in e-mails instead of any name")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    child = models.ForeignKey(ChildOrYoungPerson, on_delete=models.PROTECT, related_name="s23_notifications")
    child_postcode = models.CharField(max_length=10, blank=True, help_text="Where the child lives")
    # The LA where the child lives (s23(3): the "appropriate" local authority; statutory.md 4.1).
    local_authority = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="s23_notifications",
        limit_choices_to={"kind": "la"},
    )
    # Who notifies: the NHS trust or foundation trust (through one of its teams), or the ICB (through its
    # DCO service). Exactly one of team and dco_service is set; notifying_body is the trust or the ICB.
    notifying_body = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="s23_notifications_made"
    )
    dco_service = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="s23_notifications_for_icb",
    )
    professional_name = models.CharField(max_length=200)
    profession = models.CharField(max_length=30, choices=Profession.choices)
    registration_number = models.CharField(max_length=30, blank=True)
    # Who holds parental responsibility, and how to reach them.
    parent_name = models.CharField(max_length=200, blank=True)
    parent_relationship = models.CharField(
        max_length=20, choices=ParentCarer.Relationship.choices, blank=True
    )
    parent_phone = models.CharField(max_length=30, blank=True)
    parent_email = models.EmailField(blank=True)
    parent_address = models.TextField(blank=True)
    parent_language = models.CharField(max_length=60, blank=True, help_text="Preferred language")
    interpreter_needed = models.BooleanField(default=False)
    # The opinion (s23(1)) and its basis.
    opinion = models.TextField(blank=True, help_text="The opinion and its basis")
    areas_of_need = models.JSONField(default=list, blank=True, help_text="AreaOfNeed codes")
    opinion_formed_on = models.DateField(null=True, blank=True)
    # s23(2)(a): the parent told of the opinion and of the duty to notify.
    parent_told_on = models.DateField(null=True, blank=True)
    # s23(2)(b): an opportunity to discuss the opinion with an officer of the body.
    discussion = models.CharField(max_length=10, choices=Discussion.choices, blank=True)
    discussion_on = models.DateField(null=True, blank=True)
    discussion_with = models.CharField(max_length=200, blank=True, help_text="The officer: name and role")
    # Recorded, never a veto; an objection is flagged to the DCO service.
    parent_view = models.CharField(max_length=10, choices=ParentView.choices, blank=True)
    parent_views = models.TextField(blank=True)
    # s23(4): voluntary organisations named to the parent, or none considered likely to help.
    voluntary_organisations = models.TextField(blank=True)
    no_voluntary_organisation = models.BooleanField(default=False)
    # A separate consent for anything beyond the notification (statutory.md 4.1, 9.1).
    referral_consent = models.CharField(
        max_length=10, choices=ReferralConsent.choices, default=ReferralConsent.NOT_ASKED
    )
    referral_consent_on = models.DateField(null=True, blank=True)
    referral_consent_detail = models.CharField(max_length=300, blank=True, help_text="To whom, for what")
    # Sending, and the LA's answer.
    sent_on = models.DateField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledge_by = models.DateField(
        null=True, blank=True, help_text="Sent on plus the configured working days (a local target)"
    )
    acknowledged_on = models.DateField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_via_api = models.BooleanField(default=False)
    la_reference = models.CharField("LA reference", max_length=50, blank=True)
    decision = models.CharField(max_length=30, choices=Decision.choices, blank=True)
    decision_detail = models.TextField(blank=True)
    decided_on = models.DateField(null=True, blank=True)
    objection_seen_by_dco_at = models.DateTimeField(null=True, blank=True)
    advice_reference = models.CharField(
        "EHC needs assessment advice request",
        max_length=20,
        blank=True,
        help_text="The reference of the advice request for the EHC needs assessment the LA went on to",
    )
    concern = models.OneToOneField(
        "Concern", null=True, blank=True, on_delete=models.SET_NULL, related_name="notification"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic locking: bumped by every change")

    objects = NotificationQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["local_authority", "status", "sent_on"]),
            models.Index(fields=["local_authority", "updated_at", "id"], name="s23_la_updated_idx"),
            models.Index(fields=["team", "status"]),
            models.Index(fields=["dco_service", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(team__isnull=False, dco_service__isnull=True)
                | models.Q(team__isnull=True, dco_service__isnull=False),
                name="s23_notified_by_team_or_dco",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def notifier(self) -> Organisation:
        """The team or DCO service that made it (the database's check constraint makes one of them set)."""
        found = self.team or self.dco_service
        if found is None:  # pragma: no cover
            raise ValueError("A notification has a team or a DCO service")
        return found

    @property
    def objection(self) -> bool:
        return self.parent_view == self.ParentView.DISAGREES

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def signposting_recorded(self) -> bool:
        return bool(self.voluntary_organisations.strip()) or self.no_voluntary_organisation

    def area_labels(self) -> list[str]:
        return _area_labels(self.areas_of_need)


def _area_labels(codes: list[str]) -> list[str]:
    labels = dict(AreaOfNeed.choices)
    return [labels.get(code, code) for code in codes]


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"section23/{instance.public_id}/{filename}"


class Attachment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class ConcernQuerySet(models.QuerySet["Concern"]):
    @access_rule
    def visible_to(self, user: Any) -> ConcernQuerySet:
        """Concerns `user` may see: those their own organisation raised (a GP practice or an independent
        provider); the DCO service they were raised with. Nobody else."""
        reach = reach_for(user)
        own = _concern_organisation_ids(user)
        if not own and reach.is_empty:
            return self.none()
        return self.filter(
            models.Q(raised_by_organisation_id__in=own) | models.Q(dco_service_id__in=reach.dco_service_ids)
        )


def _concern_organisation_ids(user: Any) -> set[int]:
    """The organisations a user raises concerns for (memberships with the concern-raising role)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    from accounts.models import RoleGroup

    return set(user.organisations_with_role(*RoleGroup.CONCERNS).values_list("pk", flat=True))


class Concern(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "With the DCO service"
        DECIDED = "decided", "Decided"

    class Decision(models.TextChoices):
        ICB_NOTIFIES = "icb_notifies", "The ICB will notify the local authority (through the DCO service)"
        TRUST_NOTIFIES = "trust_notifies", "A trust team will consider notifying"
        NO_NOTIFICATION = "no_notification", "No notification: the reason is recorded"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=20, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    child = models.ForeignKey(ChildOrYoungPerson, on_delete=models.PROTECT, related_name="s23_concerns")
    child_postcode = models.CharField(max_length=10, blank=True, help_text="Where the child lives")
    local_authority = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", limit_choices_to={"kind": "la"}
    )
    dco_service = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="s23_concerns")
    raised_by_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    professional_name = models.CharField(max_length=200)
    profession = models.CharField(max_length=30, choices=Profession.choices)
    concern = models.TextField(help_text="What the concern is and why")
    areas_of_need = models.JSONField(default=list, blank=True)
    parent_aware = models.BooleanField(default=False)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(blank=True)
    team = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The trust team asked to consider notifying",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = ConcernQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["dco_service", "status"])]

    def __str__(self) -> str:
        return self.reference

    def area_labels(self) -> list[str]:
        """The areas of need ticked, as people say them (Notification.area_labels)."""
        return _area_labels(self.areas_of_need)
