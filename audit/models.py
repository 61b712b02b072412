"""The append-only access log: who looked at or changed what, when, from where.

Rows are only ever inserted, through `audit.services.record_access`. The QuerySet and model refuse
update and delete in code, and a database trigger refuses them too (see the migrations), so the
log is evidence: NHS Care Record Guarantee commitment 11, UK GDPR Art 5(1)(f) and Art 32.

The child is stored as its public id (a UUID), not a foreign key: the log must outlive and never
block changes to the records it describes, and a trigger-protected table cannot take part in
cascades.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from accounts.models import User


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete audit events."""


class Action(models.TextChoices):
    VIEW = "view", "Viewed"
    CHANGE = "change", "Changed"
    CREATE = "create", "Created"
    EXPORT = "export", "Exported"
    PRINT = "print", "Printed or downloaded"
    SEARCH = "search", "Searched"
    SIGN_IN = "sign-in", "Signed in"
    SIGN_IN_FAILED = "sign-in-failed", "Sign-in failed"
    SIGN_OUT = "sign-out", "Signed out"
    ACCOUNT = "account", "Account changed"
    REFUSED = "refused", "Refused (security event)"


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Audit events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit events cannot be deleted")


class AuditEventQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user: User | Any) -> AuditEventQuerySet:
        """The events this person may search.

        System administrators: every event. DCOs and DCO administrators: events about children in their
        DCO service's areas (when the children app can say which those are; until then every event
        about a child), plus events by members of their own organisations. Anyone else: nothing.
        """
        from audit import scope

        return scope.visible_events(self, user)


class AuditEvent(models.Model):
    at = models.DateTimeField("when", default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,  # accounts are deactivated, never deleted, once they have a history
        related_name="+",
    )
    # As they were at the time: the e-mail (also for failed sign-ins to unknown addresses) and the
    # organisations and roles, e.g. [{"id": "<uuid>", "name": "...", "role": "dco"}].
    user_email = models.CharField(max_length=254, blank=True)
    organisations = models.JSONField(default=list, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=100, blank=True, help_text="e.g. advice.AdviceRequest")
    object_id = models.CharField(max_length=64, blank=True, help_text="The record's public id")
    child_public_id = models.UUIDField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    path = models.CharField(max_length=300, blank=True)
    detail = models.TextField(blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["child_public_id", "-at"], name="audit_child_at"),
            models.Index(fields=["user", "-at"], name="audit_user_at"),
            models.Index(fields=["action", "-at"], name="audit_action_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_email} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError("Audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit events cannot be deleted")

    @property
    def organisation_names(self) -> str:
        return ", ".join(sorted({o.get("name", "") for o in self.organisations or []}))

    @property
    def role_names(self) -> str:
        from accounts.models import Role

        labels = dict(Role.choices)
        return ", ".join(
            sorted({str(labels.get(o.get("role", ""), o.get("role", ""))) for o in self.organisations})
        )


class AuditSeal(models.Model):
    """A link in a hash chain over the access log, so that a changed or removed event is detectable.

    Each seal covers the events with ids in (first_event_id - 1 .. last_event_id], in id order, and hashes
    them together with the previous seal's hash. `audit.services.verify_seals` recomputes the chain.
    Made by a periodic job a few minutes behind the newest events (see audit.tasks).
    """

    sealed_at = models.DateTimeField(default=timezone.now)
    first_event_id = models.BigIntegerField()
    last_event_id = models.BigIntegerField()
    event_count = models.PositiveIntegerField()
    previous_hash = models.CharField(max_length=64, unique=True)  # one successor per seal: no forks
    hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["last_event_id"]

    def __str__(self) -> str:
        return f"events {self.first_event_id}-{self.last_event_id}: {self.hash[:12]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError("Audit seals cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit seals cannot be deleted")
