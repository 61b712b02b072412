"""EHC health advice casework: the DCO's core records.

    EHCNeedsAssessment   the LA's assessment, as the LA reports it, with its reg 4/5, 10 and 13 dates
      └ AdviceRequest    the LA's request to health for advice (reg 6(1)(c)); the DCO triages it
          └ Assignment   the request routed to one provider team; the reg 8 clock runs per team
              ├ HealthAdvice        structured advice (needs, outcomes, provision); one row per submission
              ├ QualityCheck        the DCO's rubric (statutory.md 5.3) with the outcome rework or release
              └ TimeLimitException  a reg 8(2) exception, beside the deadline, never an edit of it

Reminders and escalations about an assignment are casework's shared rows (casework.CaseReminder, kinds
in `ReminderKind`; see advice.reminders).

Statutory dates are computed by `lib.clocks` and stored when their start event is recorded, so lists
sort and filter in SQL. State changes happen only in `advice.services`; rows carry a `version` column
for optimistic locking. Access: `AdviceRequest.objects.visible_to(user)` for lists and
`advice.access` for one record (see `advice/README.md`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.access import access_rule, reach_for
from accounts.models import Organisation
from children.models import ChildOrYoungPerson
from lib import clocks


class EHCNeedsAssessment(models.Model):
    """An EHC needs assessment as the LA reports it. The LA's statutory dates are tracked for context."""

    class ClockStart(models.TextChoices):
        S36_REQUEST = "s36_request", "Request for assessment received (CFA 2014 s36(1))"
        S24_BECAME_RESPONSIBLE = (
            "s24_became_responsible",
            "LA became responsible for the child (CFA 2014 s24)",
        )

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(ChildOrYoungPerson, on_delete=models.PROTECT, related_name="ehc_assessments")
    local_authority = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="ehc_assessments",
        limit_choices_to={"kind": "la"},
    )
    la_reference = models.CharField("LA reference", max_length=50, blank=True)
    is_reassessment = models.BooleanField(default=False)
    request_received_on = models.DateField(
        help_text="The day the LA received the request (not the day it was logged)"
    )
    clock_start_type = models.CharField(max_length=30, choices=ClockStart.choices)
    clock_start_date = models.DateField()
    decision_to_assess_on = models.DateField(null=True, blank=True)
    # Stored by advice.services from lib.clocks when the clock start is recorded or changed.
    decision_due = models.DateField(help_text="regs 4(1)/5(1): 6 weeks")
    no_plan_notice_due = models.DateField(help_text="reg 10(1): 16 weeks")
    final_plan_due = models.DateField(help_text="reg 13(2): 20 weeks")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic locking: bumped by every change")

    class Meta:
        verbose_name = "EHC needs assessment"
        indexes = [models.Index(fields=["local_authority", "clock_start_date"])]

    def __str__(self) -> str:
        return f"EHC needs assessment for {self.child} from {self.clock_start_date:%-d %B %Y}"


class AdviceRequestQuerySet(models.QuerySet["AdviceRequest"]):
    @access_rule
    def visible_to(self, user: Any) -> AdviceRequestQuerySet:
        """Requests `user` may see: an LA its own; a provider team those assigned to it; the DCO service
        those of the LAs in its areas. A system administrator or anyone else: none."""
        reach = reach_for(user)
        if reach.is_empty:
            return self.none()
        condition = models.Q(local_authority_id__in=reach.la_ids | reach.dco_area_ids)
        if reach.team_ids:
            condition |= models.Q(
                pk__in=Assignment.objects.filter(team_id__in=reach.team_ids).values("advice_request_id")
            )
        return self.filter(condition)

    def open(self) -> AdviceRequestQuerySet:
        return self.exclude(status__in=[AdviceRequest.Status.COMPLETE, AdviceRequest.Status.CANCELLED])


class AdviceRequest(models.Model):
    """An LA's request to health for EHC needs assessment advice (SEND Regs reg 6(1)(c), reg 8)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Awaiting triage"
        ROUTED = "routed", "With provider teams"
        QUALITY_CHECK = "quality_check", "Awaiting quality check"
        COMPLETE = "complete", "Advice released"
        CANCELLED = "cancelled", "Cancelled by the LA"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=20, unique=True, help_text="Shown in e-mails instead of any name")
    assessment = models.ForeignKey(
        EHCNeedsAssessment, on_delete=models.PROTECT, related_name="advice_requests"
    )
    child = models.ForeignKey(ChildOrYoungPerson, on_delete=models.PROTECT, related_name="advice_requests")
    local_authority = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="advice_requests",
        limit_choices_to={"kind": "la"},
    )
    questions = models.TextField(help_text="What the LA wants health to advise on")
    known_health_involvement = models.TextField(blank=True)
    sent_on = models.DateField(help_text="The day the LA sent the request")
    received_by_health = models.DateField(help_text="The day health (the DCO service) received the request")
    # reg 8(1), from lib.clocks.health_advice_due(received_by_health); each assignment has its own too.
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    triage_notes = models.TextField(blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.TextField(blank=True)
    completed_on = models.DateField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_via_api = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic locking: bumped by every change")

    objects = AdviceRequestQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["local_authority", "status", "due_on"]),
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["local_authority", "updated_at", "id"], name="advicerequest_la_updated_idx"),
            models.Index(
                fields=["local_authority", "status", "updated_at", "id"], name="request_la_status_upd_idx"
            ),
            models.Index(fields=["received_by_health"]),
        ]

    def __str__(self) -> str:
        return self.reference


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    @access_rule
    def visible_to(self, user: Any) -> AssignmentQuerySet:
        """Assignments `user` may see: a team its own; the LA and the DCO those on requests they see."""
        reach = reach_for(user)
        if reach.is_empty:
            return self.none()
        condition = models.Q(local_authority_id__in=reach.la_ids | reach.dco_area_ids)
        if reach.team_ids:
            condition |= models.Q(team_id__in=reach.team_ids)
        return self.filter(condition)

    def open(self) -> AssignmentQuerySet:
        return self.filter(status__in=Assignment.OPEN_STATUSES)

    # Dashboard lists. Each is one SQL filter on stored dates, so it costs the same at any size.

    def due_between(self, start: dt.date, end: dt.date) -> AssignmentQuerySet:
        """Still with the team and due in [start, end] (for "due this week")."""
        return self.open().filter(due_on__gte=start, due_on__lte=end)

    def at_risk(self, today: dt.date, days: int = clocks.DEFAULT_AT_RISK_DAYS) -> AssignmentQuerySet:
        """Still with the team and due within `days` (today included): lib.clocks.is_at_risk in SQL."""
        return self.due_between(today, today + dt.timedelta(days=days))

    def overdue(self, today: dt.date) -> AssignmentQuerySet:
        """Still with the team after the reg 8 due date (exceptions do not move it)."""
        return self.open().filter(due_on__lt=today)

    def awaiting_quality_check(self) -> AssignmentQuerySet:
        return self.filter(status=Assignment.Status.ADVICE_SUBMITTED)

    def returned_between(self, start: dt.date, end: dt.date) -> AssignmentQuerySet:
        """Advice (or a nil return) that reached the LA in [start, end]."""
        return self.filter(returned_on__gte=start, returned_on__lte=end)

    def timeliness_summary(self, start: dt.date, end: dt.date) -> dict[str, Any]:
        """KPI H1 for advice returned in [start, end], in one query: how many returned, on time
        (returned_on <= due_on, reg 8(1)), late, late with a reg 8(2) exception, cases with an
        exception; the share on time including every case, and the share on time among cases without
        an exception (exception cases left out, as DfE reports the 20 weeks both ways)."""
        on_time = models.Q(returned_on__lte=models.F("due_on"))
        late = models.Q(returned_on__gt=models.F("due_on"))
        figures = self.returned_between(start, end).aggregate(
            returned=models.Count("pk"),
            on_time=models.Count("pk", filter=on_time),
            late=models.Count("pk", filter=late & models.Q(has_exception=False)),
            late_with_exception=models.Count("pk", filter=late & models.Q(has_exception=True)),
            with_exception=models.Count("pk", filter=models.Q(has_exception=True)),
            on_time_without_exception=models.Count("pk", filter=on_time & models.Q(has_exception=False)),
        )
        returned = figures["returned"]
        without_exceptions = returned - figures["with_exception"]
        figures["share_on_time"] = figures["on_time"] / returned if returned else None
        figures["share_on_time_excluding_exceptions"] = (
            figures["on_time_without_exception"] / without_exceptions if without_exceptions else None
        )
        return figures


class Assignment(models.Model):
    """One advice request routed to one provider team. The reg 8 clock runs from the day *this*
    team received it (`received_on`), so `due_on` is per assignment."""

    class Status(models.TextChoices):
        ROUTED = "routed", "Awaiting acceptance"
        ACCEPTED = "accepted", "Accepted"
        NOT_KNOWN = "not_known", "Not known to this service"
        ADVICE_SUBMITTED = "advice_submitted", "Advice submitted for quality check"
        REWORK_REQUESTED = "rework_requested", "Rework requested"
        RELEASED = "released", "Released to the LA"
        CANCELLED = "cancelled", "Cancelled by the LA"

    OPEN_STATUSES = (Status.ROUTED, Status.ACCEPTED, Status.REWORK_REQUESTED)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    advice_request = models.ForeignKey(AdviceRequest, on_delete=models.CASCADE, related_name="assignments")
    team = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="advice_assignments",
        limit_choices_to={"kind": "provider_team"},
    )
    # Copied from the request when routed (a request never changes LA), so scoping and dashboard
    # figures need no join at national scale.
    local_authority = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", limit_choices_to={"kind": "la"}
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ROUTED)
    received_on = models.DateField(help_text="The day this team received the request (reg 8(1))")
    due_on = models.DateField(help_text="reg 8(1): 6 weeks from received_on; never moved by an exception")
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    routed_at = models.DateTimeField(default=timezone.now)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    not_known_reason = models.TextField(blank=True)
    submitted_on = models.DateField(null=True, blank=True, help_text="First submission of advice to the DCO")
    returned_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day the advice (or the nil return) went to the LA: reg 8 timeliness",
    )
    # True once a reg 8(2) exception is recorded (set only by advice.services.record_exception), so the
    # timeliness figures are an index-only count. The exception rows themselves stay the record.
    has_exception = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["advice_request", "team"], name="assignment_one_per_team"),
        ]
        indexes = [
            models.Index(fields=["team", "status", "due_on"]),
            models.Index(fields=["local_authority", "status", "due_on"]),
            models.Index(
                fields=["local_authority", "returned_on", "due_on", "has_exception"],
                name="assignment_timeliness_idx",
            ),
            models.Index(
                fields=["team", "returned_on", "due_on", "has_exception"], name="assignment_team_timely_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.advice_request.reference} to {self.team}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class HealthAdvice(models.Model):
    """Structured advice from one team (statutory.md 5.3): one row per submission, the latest current.

    needs:     [{"description": str, "relates_to_sen": bool}]
    outcomes:  [{"outcome": str, "by_when": str}]
    provision: [{"what": str, "who": str, "how_often": str, "how_long": str, "where": str,
                 "section": "F" | "G", "commissioned": bool}]
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="advice")
    revision = models.PositiveSmallIntegerField(default=1)
    views_and_aspirations = models.TextField(blank=True, help_text="The child's and family's views (Q3)")
    strengths = models.TextField(blank=True, help_text="What the child can do (Q4)")
    needs = models.JSONField(default=list)
    outcomes = models.JSONField(default=list)
    provision = models.JSONField(default=list)
    preparing_for_adulthood = models.TextField(blank=True, help_text="Year 9 and above (Q10)")
    related_plans = models.TextField(
        blank=True, help_text="IHP, continuing care, LAC health assessment (Q11)"
    )
    author_name = models.CharField(max_length=200)
    author_profession = models.CharField(max_length=100)
    author_registration_body = models.CharField(max_length=20, blank=True, help_text="GMC, NMC, HCPC...")
    author_registration_number = models.CharField(max_length=30)
    advice_date = models.DateField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assignment", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "revision"], name="advice_revision_unique")
        ]

    def __str__(self) -> str:
        return f"Advice revision {self.revision} for {self.assignment}"


class AdviceDraft(models.Model):
    """Advice being written, saved as typed (by the "Save as draft" button or automatically before the
    session ends), one per assignment. Only its author and the team's managers see it; it is never
    quality-checked: submitting the advice (`advice.services.submit_advice`) makes a HealthAdvice
    revision and deletes the draft.

    data: the advice form's fields as typed, {"field name": ["value", ...]} (QueryDict lists), rows
    included ("need-0-description"...), nothing required, input limits checked on save.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="draft")
    data = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic locking: bumped by every save")

    def __str__(self) -> str:
        return f"Draft advice for {self.assignment}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"advice/{instance.public_id}/{filename}"


class Attachment(models.Model):
    """A file sent with a request (by the LA) or with advice (by a team)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    advice_request = models.ForeignKey(
        AdviceRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    advice = models.ForeignKey(
        HealthAdvice, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(advice_request__isnull=False) | models.Q(advice__isnull=False),
                name="attachment_has_owner",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def size_display(self) -> str:
        """ "12 KB", "1.5 MB", "300 bytes"; "" when the size is not known."""
        if not self.size:
            return ""
        if self.size < 1024:
            return f"{self.size} bytes"
        if self.size < 1024 * 1024:
            return f"{round(self.size / 1024)} KB"
        return f"{self.size / (1024 * 1024):.1f} MB"


# The quality rubric of statutory.md 5.3: each criterion scores 0 (absent), 1 (partly) or 2 (met).
QUALITY_CRITERIA: dict[str, str] = {
    "Q1": "Returned within 6 weeks of receipt, or a reg 8(2) exception recorded with evidence",
    "Q2": "Author is a registered health care professional; profession, registration number, service and date given",
    "Q3": "The child's and parents' views and aspirations reflected, and how they were obtained",
    "Q4": "Strengths and current functioning described",
    "Q5": "Needs clearly described, evidence-based, within the author's expertise; SEN-related needs distinguished",
    "Q6": "Outcomes specific and measurable, linked to aspirations and needs",
    "Q7": "Provision specified and quantified: what, who, how often, how long, where, review",
    "Q8": "Provision that educates or trains flagged for section F, other provision for section G",
    "Q9": "Whether provision is commissioned or needs ICB agreement or funding",
    "Q10": "Year 9 and above: preparing-for-adulthood content",
    "Q11": "Link to the IHP, continuing care or looked-after-child health assessment where relevant",
    "Q12": "Jargon-free, accessible, consistent with other advice, no duplication",
    "Q13": "'Not known to service' or nil returns explain what was done to meet reg 6(1)(c)",
}

# A criterion's score when it does not apply. Only where the rubric's guidance says it may not apply
# (statutory.md 5.3): Q10 before Year 9 (preparing for adulthood is for Year 9 and above), Q11 when
# no related plan is relevant ("where relevant"), Q13 for advice (it is about "not known" and nil
# returns). Every other criterion is always scored.
NOT_APPLICABLE = "n/a"
MAY_NOT_APPLY: dict[str, str] = {
    "Q10": "Does not apply before Year 9",
    "Q11": "Does not apply when no related plan is relevant",
    "Q13": "Does not apply to advice (only to 'not known' and nil returns)",
}


class QualityCheck(models.Model):
    """The DCO's check of one piece of advice against the rubric, ending in rework or release."""

    class Outcome(models.TextChoices):
        REWORK = "rework", "Returned to the author with reasons"
        RELEASE = "release", "Release to the LA"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="quality_checks")
    advice = models.ForeignKey(HealthAdvice, on_delete=models.CASCADE, related_name="quality_checks")
    scores = models.JSONField(
        default=dict,
        help_text='{"Q1": 0|1|2|"n/a", ...}: "n/a" where the criterion does not apply (MAY_NOT_APPLY); '
        "a release scores every criterion (checks before that rule may leave some out)",
    )
    total = models.PositiveSmallIntegerField(default=0)
    maximum = models.PositiveSmallIntegerField(default=0)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    comments = models.TextField(blank=True, help_text="On a return to the author: the reasons")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(default=timezone.now)
    # The author's answer to the reasons, recorded when they resubmit (advice.services.submit_advice).
    author_response = models.TextField(blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-checked_at"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.total}/{self.maximum})"

    def not_applicable(self) -> list[str]:
        return [key for key, value in self.scores.items() if value == NOT_APPLICABLE]


class TimeLimitException(models.Model):
    """A reg 8(2) exception recorded beside an assignment's deadline. It never changes `due_on`:
    timeliness is reported both including and excluding exception cases."""

    class Code(models.TextChoices):
        EXCEPTIONAL_CIRCUMSTANCES = "exceptional_circumstances", "Exceptional circumstances (reg 8(2)(a))"
        ABSENCE = "absence", "Absent from the area for 4 weeks or more (reg 8(2)(b))"
        MISSED_APPOINTMENT = "missed_appointment", "Missed appointment (reg 8(2)(c))"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="exceptions")
    code = models.CharField(max_length=30, choices=Code.choices)
    start_on = models.DateField(help_text="When it began (the appointment date for a missed appointment)")
    end_on = models.DateField(null=True, blank=True)
    reason = models.TextField(help_text="Why it made meeting the 6 weeks impractical")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["start_on"]

    def __str__(self) -> str:
        return self.get_code_display()


class ReminderKind(models.TextChoices):
    """The reminders and escalations about one assignment (the `kind` of its casework.CaseReminder rows,
    see advice.reminders)."""

    DUE_SOON = "due_soon", "Advice due soon (to the team)"
    AT_RISK = "at_risk", "Advice at risk (to the team manager and the DCO)"
    OVERDUE = "overdue", "Advice overdue (to the team manager and the DCO)"
