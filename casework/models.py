"""The one reminder table every kind of case shares (section 23 notifications, enquiries, and later
healthcare plans and annual reviews). See `casework.reminders`.

A row names its case the way `children.Involvement` does: by model label and public id, with no
foreign key, so `casework` names no domain app. Each app registers, from its AppConfig, what a
reminder about one of its records says and whether that record still needs it.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class CaseReminder(models.Model):
    """A reminder e-mail about one case, due at `due_at`, sent once: the worker claims a row with
    UPDATE ... SET sent_at = now WHERE sent_at IS NULL and sends only if that changed one row."""

    record_type = models.CharField(
        max_length=60, help_text="The case's model label, e.g. section23.notification"
    )
    record_id = models.UUIDField(help_text="The case's public id")
    kind = models.CharField(
        max_length=40, help_text="The app's name for this reminder, e.g. acknowledge_overdue"
    )
    recipient = models.EmailField()
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "record_id", "kind", "recipient"], name="case_reminder_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["due_at"], condition=models.Q(sent_at__isnull=True), name="case_reminder_unsent_idx"
            ),
            models.Index(fields=["record_type", "record_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient}"
