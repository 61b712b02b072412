"""People, organisations and what each person may do in each organisation.

An organisation is one of a small tree: integrated care board > DCO service; local authority; provider
trust > teams; school; voluntary or community organisation. A user is a member of one or more
organisations, with one role per membership. Everything a user may see follows from memberships:
see `accounts.access` for the rules every app uses.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

if TYPE_CHECKING:
    from collections.abc import Iterable


class Organisation(models.Model):
    class Kind(models.TextChoices):
        INTEGRATED_CARE_BOARD = "icb", "Integrated care board"
        DCO_SERVICE = "dco_service", "Designated clinical officer service"
        LOCAL_AUTHORITY = "la", "Local authority"
        PROVIDER_TRUST = "provider_trust", "Health provider trust"
        PROVIDER_TEAM = "provider_team", "Health provider team"
        SCHOOL = "school", "School or setting"
        VOLUNTARY = "voluntary", "Voluntary or community organisation"
        SERVICE_PROVIDER = "service_provider", "Other service provider"
        GP_PRACTICE = "gp_practice", "GP practice"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # For a DCO service: the local authorities whose requests it handles ("the DCO sees their areas").
    areas = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="dco_services",
        limit_choices_to={"kind": "la"},
    )
    # For a provider team: its specialism, e.g. speech and language therapy.
    specialism = models.CharField(max_length=100, blank=True)
    code = models.CharField(max_length=20, blank=True, help_text="ODS code, LA number or URN")
    email = models.EmailField(blank=True, help_text="Shared mailbox for reminders")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Optimistic locking for the system administrator's pages (core.concurrency).
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """What a member may do in an organisation. Names as the people themselves use them."""

    DCO = "dco", "Designated clinical officer"
    DCO_ADMIN = "dco_admin", "DCO administrator"
    LA_CASEWORKER = "la_caseworker", "LA SEN caseworker"
    PROVIDER_CLINICIAN = "provider_clinician", "Provider clinician"
    PROVIDER_TEAM_MANAGER = "provider_team_manager", "Provider team manager"
    SYSTEM_ADMIN = "system_admin", "System administrator"
    DIRECTORY_EDITOR = "directory_editor", "Local Offer editor"
    PROVIDER_EDITOR = "provider_editor", "Service provider editor"
    SCHOOL_STAFF = "school_staff", "School staff"
    # Runs their own organisation's staff (accounts/staff.py) and reaches no casework by this role.
    ORGANISATION_ADMIN = "org_admin", "Organisation administrator"
    # A GP or clinician of a GP practice or an independent provider: outside the bodies section 23 of the
    # Children and Families Act 2014 names, so raises a concern with the DCO service instead of notifying.
    HEALTH_PRACTITIONER = "health_practitioner", "GP practice or independent clinician"


STAFF_ROLES = frozenset(Role.values)


class RoleGroup:
    """Roles named once by the work they share, so no app keeps its own list of role codes.

    `accounts.access.reach_for` turns a user's memberships in these groups into the organisations,
    teams and areas they reach.
    """

    LA = frozenset({Role.LA_CASEWORKER})  # an LA's SEN casework
    PROVIDER = frozenset({Role.PROVIDER_CLINICIAN, Role.PROVIDER_TEAM_MANAGER})  # a provider team's work
    DCO = frozenset({Role.DCO, Role.DCO_ADMIN})  # the DCO service of an area
    DIRECTORY_EDITORS = frozenset({Role.DIRECTORY_EDITOR, Role.PROVIDER_EDITOR})  # the Local Offer
    AUDIT = frozenset({Role.DCO, Role.DCO_ADMIN, Role.SYSTEM_ADMIN})  # who may search the access log
    # Who runs their own organisation: invites its staff, sets their roles and teams, resets their
    # two-factor authentication and removes them (accounts.staff). The DCO administrator does this for
    # a DCO service; other organisations name an organisation administrator.
    ORGANISATION_ADMINS = frozenset({Role.DCO_ADMIN, Role.ORGANISATION_ADMIN})
    SYSTEM = frozenset({Role.SYSTEM_ADMIN})  # every organisation, its teams, areas and API tokens
    CONCERNS = frozenset({Role.HEALTH_PRACTITIONER})  # raise a concern about a child with the DCO service


# The roles a member of each kind of organisation may be given in the product's own pages. A system
# administrator is made only by another system administrator, at an integrated care board.
ROLES_FOR_KIND: dict[str, tuple[str, ...]] = {
    "icb": (Role.ORGANISATION_ADMIN,),
    "dco_service": (Role.DCO, Role.DCO_ADMIN),
    "la": (Role.LA_CASEWORKER, Role.DIRECTORY_EDITOR, Role.ORGANISATION_ADMIN),
    "provider_trust": (
        Role.PROVIDER_TEAM_MANAGER,
        Role.PROVIDER_CLINICIAN,
        Role.PROVIDER_EDITOR,
        Role.ORGANISATION_ADMIN,
    ),
    "provider_team": (Role.PROVIDER_CLINICIAN, Role.PROVIDER_TEAM_MANAGER),
    "school": (Role.SCHOOL_STAFF, Role.ORGANISATION_ADMIN),
    "voluntary": (Role.PROVIDER_EDITOR, Role.ORGANISATION_ADMIN),
    "service_provider": (Role.PROVIDER_EDITOR, Role.HEALTH_PRACTITIONER, Role.ORGANISATION_ADMIN),
    "gp_practice": (Role.HEALTH_PRACTITIONER, Role.ORGANISATION_ADMIN),
}


class AccountManager(UserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        # E-mail addresses are matched without regard to case.
        return self.get(email__iexact=username)


class User(AbstractUser):
    """A person who signs in. The e-mail address is the username."""

    username = None  # type: ignore[assignment]
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField("e-mail address", unique=True)
    # Demo accounts may use the fixed demo TOTP secret; never set outside demo mode.
    is_demo = models.BooleanField(default=False)
    # Optimistic locking for the administrators' pages (core.concurrency): roles, two-factor, removal.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)
    # Raised to end every session the person has at once (removed, or their two-factor reset): it is
    # part of the session's auth hash, so a session made before the change no longer signs them in.
    session_generation = models.PositiveIntegerField(default=0)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []  # type: ignore[misc]
    objects = AccountManager()  # type: ignore[misc]

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django's HMAC of the password hash, with the session generation once it has been raised (so
        sessions made before this field existed stay valid)."""
        from django.utils.crypto import salted_hmac

        value = self.password + (
            f"|sessions-ended-{self.session_generation}" if self.session_generation else ""
        )
        key_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    def active_memberships(self) -> models.QuerySet[Membership]:
        return self.memberships.filter(is_active=True, organisation__is_active=True).select_related(
            "organisation"
        )

    def role_names(self) -> set[str]:
        """The roles this user holds anywhere, cached for the request."""
        cached = getattr(self, "_role_names", None)
        if cached is None:
            cached = set(self.active_memberships().values_list("role", flat=True))
            self._role_names = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_names() & set(roles))

    def organisations_with_role(self, *roles: str) -> models.QuerySet[Organisation]:
        return Organisation.objects.filter(
            memberships__user=self,
            memberships__role__in=roles,
            memberships__is_active=True,
            is_active=True,
        ).distinct()


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role")
        ]
        indexes = [models.Index(fields=["organisation", "role"])]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()} at {self.organisation}"


class ApiToken(models.Model):
    """A bearer token for a system acting for an organisation (for example an LA case-management system).

    Only a SHA-256 hash is stored; the token itself is shown once, when made.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="First characters, to tell tokens apart")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Demo tokens have published values: they only work while DEMO_MODE is on.
    is_demo = models.BooleanField(default=False)
    # Optimistic locking for the system administrator's pages (core.concurrency).
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}...)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(
        cls, *, organisation: Organisation, name: str, created_by: User | None = None, raw: str | None = None
    ) -> tuple[ApiToken, str]:
        """Make a token; returns the row and the raw token (shown to the person once)."""
        raw = raw or f"shh_{secrets.token_urlsafe(32)}"
        token = cls.objects.create(
            organisation=organisation,
            name=name,
            token_hash=cls.hash(raw),
            prefix=raw[:8],
            created_by=created_by,
        )
        return token, raw

    @classmethod
    def authenticate(cls, raw: str) -> ApiToken | None:
        from django.conf import settings

        tokens = cls.objects.select_related("organisation").filter(
            token_hash=cls.hash(raw), revoked_at__isnull=True, organisation__is_active=True
        )
        if not settings.DEMO_MODE:
            tokens = tokens.filter(is_demo=False)
        token = tokens.first()
        if token is not None:
            now = timezone.now()
            if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
                cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token


class Invitation(models.Model):
    """An e-mailed, single-use, expiring link with which a new member of staff sets their password (and
    then their two-factor authentication). Only a SHA-256 hash of the link's token is stored."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Invitation for {self.user} to {self.organisation}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


def organisation_ids(orgs: Iterable[Organisation]) -> list[int]:
    return [o.pk for o in orgs]


class SignInThrottle(models.Model):
    """Failed passwords counted for one account, one address or one trusted device (accounts.throttle).

    The key is a keyed hash of what is counted, so the table holds no e-mail address or IP address.
    """

    key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField()
    blocked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.failures} failures"


# --- notification preferences (accounts/notifications.py) ------------------------------------------


class NotificationEvent(models.TextChoices):
    """What the service e-mails about. Each is sent to the organisations and roles it concerns."""

    NEW_REQUEST = "new_request", "A new request for health advice"
    TEAM_DECLINED = "team_declined", "A team does not know the child"
    ADVICE_SUBMITTED = "advice_submitted", "Advice sent for quality check"
    ASSIGNMENT = "assignment", "A request for advice assigned to a team"
    ADVICE_RETURNED = "advice_returned", "Advice returned to the team for changes"
    REQUEST_CANCELLED = "request_cancelled", "A request for advice cancelled"
    ADVICE_RELEASED = "advice_released", "Advice released to the local authority"
    REMINDER = "reminder", "Reminders that advice is due soon, at risk or overdue"
    # Section 23 notifications (Children and Families Act 2014) and concerns from outside the NHS bodies.
    S23_NOTIFICATION = "s23_notification", "A new section 23 notification about a young child"
    S23_OBJECTION = "s23_objection", "A parent's objection recorded on a section 23 notification"
    S23_RESPONSE = "s23_response", "The local authority acknowledged or decided on a section 23 notification"
    S23_CONSIDER = "s23_consider", "A team asked to consider a section 23 notification after a concern"
    S23_REMINDER = "s23_reminder", "Reminders that a section 23 notification is not yet acknowledged"
    CONCERN_RAISED = (
        "concern_raised",
        "A concern about a young child from a GP practice or independent provider",
    )
    CONCERN_DECIDED = "concern_decided", "The DCO service's decision on a concern about a young child"
    # The families' and professionals' single point of contact.
    NEW_ENQUIRY = "new_enquiry", "A new enquiry from a family or professional"
    ENQUIRY_ASSIGNED = "enquiry_assigned", "An enquiry assigned to you or your team"
    ENQUIRY_REMINDER = (
        "enquiry_reminder",
        "Reminders that an enquiry is due to be acknowledged or answered, or overdue",
    )


class OrganisationNotification(models.Model):
    """Who in an organisation an event's e-mails go to, set by its administrator. No row: USUAL."""

    class SendTo(models.TextChoices):
        USUAL = "usual", "The shared mailbox if there is one, otherwise each person"
        MAILBOX = "mailbox", "The shared mailbox only (each person if there is none)"
        PEOPLE = "people", "Each person, as they choose"
        BOTH = "both", "The shared mailbox and each person"
        NOBODY = "nobody", "Nobody"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="notification_settings"
    )
    event = models.CharField(max_length=30, choices=NotificationEvent.choices)
    send_to = models.CharField(max_length=10, choices=SendTo.choices, default=SendTo.USUAL)
    # The shared mailbox gets one e-mail a day listing these instead of one e-mail each.
    mailbox_digest = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "event"], name="organisation_notification_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_event_display()} -> {self.get_send_to_display()}"


class PersonalNotification(models.Model):
    """How one person gets an event's e-mails. No row: EACH."""

    class Delivery(models.TextChoices):
        EACH = "each", "An email each time"
        DIGEST = "digest", "One email a day listing them"
        OFF = "off", "No emails"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notification_settings")
    event = models.CharField(max_length=30, choices=NotificationEvent.choices)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.EACH)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="personal_notification_unique")]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_event_display()} -> {self.get_delivery_display()}"


class DigestItem(models.Model):
    """An e-mail held for an address's daily digest (accounts.tasks.send_daily_digests)."""

    address = models.EmailField()
    event = models.CharField(max_length=30, choices=NotificationEvent.choices)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    claim = models.UUIDField(null=True, blank=True)  # the worker run that sent it

    class Meta:
        indexes = [models.Index(fields=["sent_at", "address"])]

    def __str__(self) -> str:
        return f"{self.address}: {self.subject}"
