"""E-mail: the one way every app sends it (`send_email`), and GOV.UK Notify as a Django e-mail backend.

    from core.email import send_email
    send_email(to=addresses_of([team], RoleGroup.PROVIDER), subject=..., body=...)

`send_email` queues the message when the caller's transaction commits (nothing is sent if it rolls
back), as a task the worker runs (`core.tasks.deliver_email`), which retries with back-off when the
mailer fails. The person's request never waits for, or fails because of, the mail server. Address an
organisation's shared mailbox or its members with `accounts.mailboxes.addresses_of`; e-mails about
casework events go through `accounts.notifications` (recipients_for, notify), which honours each
organisation's and person's preferences and the daily digest. E-mails carry a
reference and a link to the signed-in page, never a child's name or health details.

GOV.UK Notify:

Used when NOTIFY_API_KEY is set (see MAILERS in config/settings.py). Every message goes through one
Notify e-mail template, NOTIFY_TEMPLATE_ID, whose subject is `((subject))` and whose body is `((body))`,
so the rest of the code sends e-mail the Django way (send_mail, EmailMessage) and never needs to know.
Messages are sent one recipient at a time (Notify's API takes one address per call); a message's
`X-Notify-Reference` header, if set, becomes Notify's reference. Attachments are not sent: the
service's e-mails carry a link to the signed-in page instead (no health details by e-mail).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from notifications_python_client.notifications import NotificationsAPIClient

logger = logging.getLogger(__name__)


def send_email(*, to: Iterable[str], subject: str, body: str) -> None:
    """Send a plain-text e-mail to `to` once the current transaction commits, through the worker.

    Empty and repeated addresses are dropped; with none left nothing is queued. If queueing itself
    fails after the commit (the queue unreachable), that is logged, and the change stands.
    """
    recipients = sorted({address.strip() for address in to if address and address.strip()})
    if not recipients:
        return
    transaction.on_commit(functools.partial(_queue, recipients, subject, body), robust=True)


def _queue(to: list[str], subject: str, body: str) -> None:
    from core.tasks import deliver_email

    deliver_email.enqueue(to=to, subject=subject, body=body)


class NotifyEmailBackend(BaseEmailBackend):
    def __init__(self, *, api_key: str = "", template_id: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.api_key = api_key or settings.NOTIFY_API_KEY
        self.template_id = template_id or settings.NOTIFY_TEMPLATE_ID
        if not self.api_key or not self.template_id:
            raise ImproperlyConfigured("GOV.UK Notify needs NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID")
        self.client: NotificationsAPIClient | None = None

    def open(self) -> bool:
        if self.client is None:
            self.client = NotificationsAPIClient(self.api_key)
            return True
        return False

    def close(self) -> None:
        self.client = None

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        if not email_messages:
            return 0
        new_client = self.open()
        assert self.client is not None
        sent = 0
        try:
            for message in email_messages:
                recipients = message.recipients()
                if not recipients:
                    continue
                if message.attachments:
                    logger.warning(
                        "GOV.UK Notify backend: %d attachment(s) not sent", len(message.attachments)
                    )
                reference = (message.extra_headers or {}).get("X-Notify-Reference") or None
                for address in recipients:
                    self.client.send_email_notification(
                        email_address=address,
                        template_id=self.template_id,
                        personalisation={"subject": str(message.subject), "body": str(message.body)},
                        reference=reference,
                    )
                sent += 1
        finally:
            if new_client:
                self.close()
        return sent
