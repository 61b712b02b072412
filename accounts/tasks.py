"""Background work for accounts: the daily digest of e-mails people chose to get once a day.

`send_daily_digests` runs every hour in `manage.py worker` (PERIODIC_JOBS). From DIGEST_HOUR (local
time) each address with e-mails held before today's DIGEST_HOUR gets one e-mail listing them; e-mails
held later wait for tomorrow's, so nobody gets more than one digest a day. Each address's items are
claimed with a conditional UPDATE under a claim id of this run, so two workers never send one twice.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.utils import timezone

from accounts.models import DigestItem, NotificationEvent
from core.email import send_email

DIGEST_HOUR = 7  # local time: the digest arrives before the working day starts


def digest_cutoff(now: dt.datetime) -> dt.datetime | None:
    """Today's DIGEST_HOUR, once it has passed; None before it."""
    local = timezone.localtime(now)
    cutoff = local.replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)
    return cutoff if local >= cutoff else None


def digest_message(items: list[DigestItem], day: dt.date) -> tuple[str, str]:
    labels = dict(NotificationEvent.choices)
    count = len(items)
    subject = f"{settings.SERVICE_NAME}: {count} update{'s' if count != 1 else ''} for {day:%-d %B %Y}"
    parts = [
        f"Your daily summary from {settings.SERVICE_NAME}: {count} e-mail{'s' if count != 1 else ''} "
        "you asked to get once a day.\n"
    ]
    for item in items:
        parts.append(f"\n== {item.subject} ({labels.get(item.event, item.event)})\n\n{item.body.strip()}\n")
    parts.append("\nChange what you get, and how, on your notification settings page after you sign in.\n")
    return subject, "".join(parts)


def send_daily_digests(now: dt.datetime | None = None) -> int:
    """Send each address its digest, if it is due. Returns how many digests were sent."""
    now = now or timezone.now()
    cutoff = digest_cutoff(now)
    if cutoff is None:
        return 0
    sent = 0
    waiting = (
        DigestItem.objects.filter(sent_at__isnull=True, created_at__lt=cutoff)
        .values_list("address", flat=True)
        .distinct()
    )
    for address in sorted(set(waiting)):
        claim = uuid.uuid4()
        claimed = DigestItem.objects.filter(
            address=address, sent_at__isnull=True, created_at__lt=cutoff
        ).update(sent_at=now, claim=claim)
        if not claimed:
            continue  # another worker has them
        items = list(DigestItem.objects.filter(claim=claim).order_by("created_at", "pk"))
        subject, body = digest_message(items, timezone.localtime(now).date())
        send_email(to=[address], subject=subject, body=body)
        sent += 1
    return sent


PERIODIC_JOBS = [("accounts-daily-digest", 3600, send_daily_digests)]
