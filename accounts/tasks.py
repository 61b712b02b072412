"""Background work for accounts: e-mails sent outside the request (see accounts.forms)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task


@task
def send_email(*, subject: str, body: str, to: list[str]) -> None:
    """Send one plain-text e-mail (through whichever mailer MAILERS configures)."""
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to).send()
