"""The families' and professionals' single point of contact (statutory.md 5.4): an enquiry about health
provision for a child or young person with SEND, raised on the public form (no account) or logged by
staff from a phone call, letter or e-mail, and answered by the DCO service of the area.

    Enquiry   who asked and how to reply (with reasonable adjustments), the child (optional, linked to
              the child's record by the DCO service), what it is about, targets in working days
              (casework.targets), triage, assignment, outcome, closing and reopening.
      └ EnquiryContact  each contact with a service about it
      └ EnquiryEvent    what happened to it, in order (the case history)

State changes happen only in `enquiries.services`; an enquiry carries a `version` for optimistic locking.
Access: `Enquiry.objects.visible_to(user)` for lists, `enquiries.access` for one enquiry. Reminders are
`casework.CaseReminder` rows.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.access import access_rule, reach_for
from accounts.models import Organisation
from children.models import ChildOrYoungPerson


class EnquirerRole(models.TextChoices):
    PARENT = "parent", "A parent"
    CARER = "carer", "A carer"
    YOUNG_PERSON = "young_person", "A young person asking about myself"
    PROFESSIONAL = "professional", "A professional"


class ReplyBy(models.TextChoices):
    EMAIL = "email", "E-mail"
    PHONE = "phone", "Phone"


class Kind(models.TextChoices):
    QUERY = "query", "A question"
    CONCERN = "concern", "A concern"


class Theme(models.TextChoices):
    """What the enquiry is about (the dashboard's 'type of concern')."""

    WAITING = "waiting", "Waiting times or waiting lists"
    ACCESS = "access", "Getting a service or a referral"
    EHC_PLAN = "ehc_plan", "Health provision in an EHC plan or needs assessment"
    THERAPY = "therapy", "Therapy (speech and language, occupational therapy, physiotherapy)"
    EQUIPMENT = "equipment", "Equipment or continence products"
    DIAGNOSIS = "diagnosis", "Assessment or diagnosis (for example autism or ADHD)"
    TRANSITION = "transition", "Moving to adult services"
    COMMUNICATION = "communication", "How a service communicated"
    OTHER = "other", "Something else"


class Need(models.TextChoices):
    """The child's main need, as the enquirer or the DCO service records it (the SEND Code of Practice's
    four broad areas), for the dashboard's themes."""

    COMMUNICATION = "communication", "Communication and interaction"
    COGNITION = "cognition", "Cognition and learning"
    SEMH = "semh", "Social, emotional and mental health"
    SENSORY_PHYSICAL = "sensory_physical", "Sensory and/or physical needs"
    NOT_SAID = "not_said", "Not said"


class Channel(models.TextChoices):
    ONLINE = "online", "Online form"
    PHONE = "phone", "Phone"
    LETTER = "letter", "Letter"
    EMAIL = "email", "E-mail"


class Outcome(models.TextChoices):
    ANSWERED = "answered", "Answered"
    SIGNPOSTED = "signposted", "Signposted to another service"
    COMPLAINTS = "complaints", "Passed to the provider's complaints process"
    ESCALATED = "escalated", "Escalated"


class EnquiryQuerySet(models.QuerySet["Enquiry"]):
    @access_rule
    def visible_to(self, user: Any) -> EnquiryQuerySet:
        """Enquiries `user` may see: the DCO service's members, for enquiries it received; a provider
        team's clinicians and managers, for enquiries assigned to their team. Anyone else: none (the
        person who asked checks the status with the reference and their e-mail address instead)."""
        reach = reach_for(user)
        if reach.is_empty:
            return self.none()
        return self.filter(
            models.Q(dco_service_id__in=reach.dco_service_ids) | models.Q(assigned_team_id__in=reach.team_ids)
        )

    def open(self) -> EnquiryQuerySet:
        return self.exclude(status=Enquiry.Status.CLOSED)


class Enquiry(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        ASSIGNED = "assigned", "Assigned"
        ANSWERED = "answered", "Outcome recorded"
        CLOSED = "closed", "Closed"
        REOPENED = "reopened", "Reopened"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=20, unique=True, help_text="SPC- and seven digits")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    dco_service = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="enquiries")
    local_authority = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", limit_choices_to={"kind": "la"}
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who asked and how to reply.
    enquirer_role = models.CharField(max_length=20, choices=EnquirerRole.choices)
    enquirer_name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=200, blank=True, help_text="Their relationship to the child")
    organisation_name = models.CharField(
        max_length=200, blank=True, help_text="A professional's organisation"
    )
    reply_by = models.CharField(max_length=10, choices=ReplyBy.choices)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    interpreter = models.BooleanField(default=False)
    language = models.CharField(max_length=60, blank=True)
    easy_read = models.BooleanField(default=False)
    other_adjustments = models.CharField(max_length=500, blank=True)
    # The child (optional), and the record the DCO service links.
    child_name = models.CharField(max_length=200, blank=True)
    child_date_of_birth = models.DateField(null=True, blank=True)
    child = models.ForeignKey(
        ChildOrYoungPerson, null=True, blank=True, on_delete=models.PROTECT, related_name="enquiries"
    )
    # What it is about.
    service_name = models.CharField(max_length=200, help_text="The service or organisation it is about")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    theme = models.CharField(max_length=20, choices=Theme.choices)
    need = models.CharField(max_length=20, choices=Need.choices, default=Need.NOT_SAID)
    details = models.TextField()
    tried = models.TextField(blank=True, help_text="What they have tried already")
    urgent = models.BooleanField(default=False)
    consent_to_share = models.BooleanField(default=False)
    # Targets in working days (casework.targets), set when it is received.
    received_on = models.DateField()
    acknowledge_by = models.DateField()
    respond_by = models.DateField()
    acknowledged_on = models.DateField(null=True, blank=True)
    # Triage and assignment.
    triage_note = models.TextField(blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_team = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="assigned_enquiries"
    )
    # Links to other casework, by reference (checked against what the DCO service can see).
    advice_reference = models.CharField(max_length=20, blank=True)
    notification_reference = models.CharField(max_length=20, blank=True)
    # The outcome, closing and reopening.
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_detail = models.TextField(blank=True)
    responded_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    reopen_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic locking: bumped by every change")

    objects = EnquiryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "enquiries"
        indexes = [
            models.Index(fields=["dco_service", "status", "received_on"]),
            models.Index(fields=["assigned_team", "status"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def adjustments(self) -> list[str]:
        found = []
        if self.interpreter:
            found.append(f"Interpreter ({self.language})" if self.language else "Interpreter")
        if self.easy_read:
            found.append("Easy read")
        if self.other_adjustments:
            found.append(self.other_adjustments)
        return found


class EnquiryContact(models.Model):
    """A contact with a service about the enquiry (a call, an e-mail, a meeting)."""

    class Method(models.TextChoices):
        PHONE = "phone", "Phone"
        EMAIL = "email", "E-mail"
        MEETING = "meeting", "Meeting"
        LETTER = "letter", "Letter"

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="contacts")
    service_name = models.CharField(max_length=200)
    method = models.CharField(max_length=10, choices=Method.choices)
    contacted_on = models.DateField()
    summary = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["contacted_on", "pk"]


class EnquiryEvent(models.Model):
    """One step in the enquiry's history, as the staff page lists it."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="events")
    text = models.CharField(max_length=500)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
