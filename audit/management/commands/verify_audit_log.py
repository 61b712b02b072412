"""Check the access log against its hash chain: exits 1 if an event was changed or removed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.models import AuditSeal
from audit.services import verify_seals


class Command(BaseCommand):
    help = "Recompute the access log's hash chain and report any event that was changed or removed."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = verify_seals()
        if problems:
            raise CommandError("The access log has been tampered with:\n" + "\n".join(problems))
        last = AuditSeal.objects.order_by("-last_event_id").first()
        sealed = f"up to event {last.last_event_id}" if last else "nothing sealed yet"
        self.stdout.write(f"Access log intact ({sealed}).")
