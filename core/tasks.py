"""Background work for the whole site: delivering e-mail (see core.email.send_email), and forgetting
rate-limit counts whose window has ended (core.rate_limits)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.utils import timezone

from core import rate_limits

logger = logging.getLogger(__name__)


@task
def deliver_email(*, to: list[str], subject: str, body: str, attempt: int = 1) -> None:
    """Send one plain-text e-mail through whichever mailer MAILERS configures.

    If the mailer fails, the same e-mail is queued again to run after the next delay in
    EMAIL_RETRY_DELAYS (seconds: back-off); after the last, the failure is raised, so the task is
    recorded as failed for an operator to see. Queues that cannot defer (the immediate backend used
    in tests) retry at once.
    """
    try:
        EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to).send()
    except Exception:
        delays: list[int] = list(settings.EMAIL_RETRY_DELAYS)
        if attempt > len(delays):
            logger.exception("E-mail %r not sent after %d attempts; giving up", subject, attempt)
            raise
        delay = delays[attempt - 1]
        logger.warning(
            "E-mail %r not sent (attempt %d); trying again in %d s", subject, attempt, delay, exc_info=True
        )
        retry = deliver_email
        if retry.get_backend().supports_defer:
            retry = retry.using(run_after=timezone.now() + dt.timedelta(seconds=delay))
        retry.enqueue(to=to, subject=subject, body=body, attempt=attempt + 1)


PERIODIC_JOBS = [("core-forget-rate-counts", 3600, rate_limits.forget_expired)]
