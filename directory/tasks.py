"""Background jobs for the directory: review reminders to providers.

`manage.py worker` runs every PERIODIC_JOBS entry on its interval. The reminder job is safe to run
as often as you like, on as many workers as you like, and across restarts:

1. it records a ReviewReminder row for each live service that is overdue for review (last reviewed
   more than settings.DIRECTORY_REVIEW_MONTHS ago, or never) or due within REMINDER_NOTICE_DAYS; the
   row is unique per service, kind and review cycle (the last_reviewed date it is about), so making
   the rows twice makes nothing new;
2. it claims unsent rows with a conditional UPDATE ... WHERE sent_at IS NULL and a claim token, so a
   row is claimed by exactly one worker, and only the worker that claimed it sends it;
3. it sends one e-mail per provider, listing all of that provider's services in the batch, to the
   provider's editors (members with the provider_editor role in Provider.account) or, if it has
   none, the provider's own e-mail address. Each e-mail links to the records to confirm or update.
   It is queued for the worker (core.email.send_email), which retries it with back-off if the mail
   server fails; a claimed row is not sent again.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import DateField, Exists, F, OuterRef, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Role
from core.email import send_email
from directory.freshness import review_cutoff, review_months
from directory.models import Provider, ReviewReminder, Service

logger = logging.getLogger(__name__)

REMINDER_NOTICE_DAYS = 30
NEVER_REVIEWED_CYCLE = dt.date(1970, 1, 1)  # the cycle of a record that has never been reviewed


def create_review_reminders(*, today: dt.date | None = None) -> int:
    """Record the reminders that are due (idempotent). Returns how many rows it tried to add.

    Services that already have this cycle's reminder of the right kind are left out in SQL, so the
    hourly run stays cheap however large the directory is; the unique constraint settles any race.
    """
    today = today or timezone.localdate()
    overdue_before = review_cutoff(today)
    due_soon_before = review_cutoff(today + dt.timedelta(days=REMINDER_NOTICE_DAYS))
    cycle = Coalesce("last_reviewed", Value(NEVER_REVIEWED_CYCLE), output_field=DateField())
    live = Service.objects.published()
    wanted = {
        ReviewReminder.Kind.OVERDUE: live.due_for_review(today),
        ReviewReminder.Kind.DUE_SOON: live.filter(
            last_reviewed__gte=overdue_before, last_reviewed__lt=due_soon_before
        ),
    }
    now = timezone.now()
    rows = []
    for kind, queryset in wanted.items():
        already = ReviewReminder.objects.filter(service=OuterRef("pk"), kind=kind, cycle=OuterRef("cycle"))
        candidates = queryset.annotate(cycle=cycle).filter(~Exists(already)).values_list("pk", "cycle")
        for pk, service_cycle in candidates.iterator(chunk_size=2000):
            rows.append(ReviewReminder(service_id=pk, kind=kind, cycle=service_cycle, due_at=now))
    if rows:
        ReviewReminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


def provider_recipients(provider: Provider) -> list[str]:
    """Who hears about a provider's records: its provider editors, else its own e-mail address."""
    emails: list[str] = []
    if provider.account_id:
        emails = list(
            Membership.objects.filter(
                organisation_id=provider.account_id,
                role=Role.PROVIDER_EDITOR,
                is_active=True,
                user__is_active=True,
                organisation__is_active=True,
            )
            .order_by("user__email")
            .values_list("user__email", flat=True)
            .distinct()
        )
    if not emails and provider.email:
        emails = [provider.email]
    if not emails and provider.account_id and provider.account and provider.account.email:
        emails = [provider.account.email]
    return emails


def _drop_obsolete() -> None:
    """Unsent reminders about a cycle that has ended (the record was reviewed, or closed) are dropped."""
    unsent = ReviewReminder.objects.filter(sent_at__isnull=True)
    unsent.exclude(service__status__in=Service.PUBLISHED_STATUSES).delete()
    unsent.filter(service__last_reviewed__isnull=False).exclude(cycle=F("service__last_reviewed")).delete()
    unsent.filter(service__last_reviewed__isnull=True).exclude(cycle=NEVER_REVIEWED_CYCLE).delete()


def _email_body(provider: Provider, reminders: list[ReviewReminder]) -> str:
    months = review_months()
    lines = [
        f"Hello {provider.name},",
        "",
        f"Families rely on the Local Offer being right. Each service's details must be checked at least every "
        f"{months} months. Please check these records: if they are still correct, confirm them; if not, update them.",
        "",
    ]
    for reminder in sorted(reminders, key=lambda r: (r.service.name, r.pk)):
        service = reminder.service
        if reminder.kind == ReviewReminder.Kind.OVERDUE:
            when = (
                f"last checked on {service.last_reviewed:%d %B %Y}: overdue"
                if service.last_reviewed
                else "never checked: overdue"
            )
        else:
            when = f"last checked on {service.last_reviewed:%d %B %Y}: due within {REMINDER_NOTICE_DAYS} days"
        link = settings.SITE_URL + reverse("directory:editor-service", args=[service.public_id])
        lines += [f"- {service.name} ({when})", f"  {link}", ""]
    lines += ["Sign in to confirm or update each record.", "", settings.SERVICE_NAME]
    return "\n".join(lines)


def send_review_reminders(*, today: dt.date | None = None) -> int:
    """Record due reminders and send each exactly once, one e-mail per provider. Returns e-mails sent."""
    create_review_reminders(today=today)
    _drop_obsolete()
    now = timezone.now()
    pending = (
        ReviewReminder.objects.filter(sent_at__isnull=True, due_at__lte=now)
        .select_related("service__provider__account")
        .order_by("service__provider_id", "pk")
    )
    by_provider: dict[int, list[ReviewReminder]] = defaultdict(list)
    for reminder in pending[:5000]:
        by_provider[reminder.service.provider_id].append(reminder)
    sent = 0
    for reminders in by_provider.values():
        provider = reminders[0].service.provider
        recipients = provider_recipients(provider)
        if not recipients:
            logger.warning("Provider %s has no one to remind about reviews", provider.pk)
            continue
        # Claim: only rows still unsent become ours; another worker's claim makes ours smaller.
        token = f"claim:{secrets.token_hex(8)}"
        with transaction.atomic():
            claimed = ReviewReminder.objects.filter(
                pk__in=[r.pk for r in reminders], sent_at__isnull=True
            ).update(sent_at=now, recipients=token)
        if not claimed:
            continue
        mine_ids = set(ReviewReminder.objects.filter(recipients=token).values_list("pk", flat=True))
        mine = [r for r in reminders if r.pk in mine_ids]
        subject = (
            f"Please check {len(mine)} Local Offer record{'s' if len(mine) != 1 else ''} for {provider.name}"
        )
        # Queued for the worker, which retries with back-off if the mail server fails (core.email).
        send_email(to=recipients, subject=subject, body=_email_body(provider, mine))
        ReviewReminder.objects.filter(recipients=token).update(recipients=", ".join(recipients))
        sent += 1
    return sent


# The worker calls each job with no arguments, every interval (seconds).
PERIODIC_JOBS = [("directory-review-reminders", 3600, send_review_reminders)]
