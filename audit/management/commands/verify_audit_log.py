"""Check the access log against its hash chain: exits 1 if an event was changed or removed.

    manage.py verify_audit_log                       # the chain inside the database
    manage.py verify_audit_log --anchors app.log     # ... and through every seal the application logged

The application log (logger "audit.seals") records each seal as it is made; kept where the database's
owner cannot change it, it catches what the database alone cannot: the newest seals removed with their
events, emptied tables, or a chain recomputed after events were changed (see audit.services.verify_seals).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.models import AuditEvent, AuditSeal
from audit.services import SEAL_DELAY, anchor_line, read_anchors, verify_seals

# The worker seals every 5 minutes, SEAL_DELAY behind: older unsealed events mean it has stopped.
UNSEALED_WARNING = SEAL_DELAY * 4


class Command(BaseCommand):
    help = "Recompute the access log's hash chain and report any event that was changed or removed."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--anchors",
            action="append",
            default=[],
            metavar="FILE",
            help="An application log holding 'Access log sealed' lines ('-' for standard input); repeatable",
        )

    def handle(self, *args: Any, anchors: list[str], **options: Any) -> None:
        logged: dict[int, str] = {}
        for name in anchors:
            try:
                lines = sys.stdin if name == "-" else Path(name).read_text(errors="replace").splitlines()
            except OSError as exc:
                raise CommandError(f"Cannot read {name}: {exc}") from exc
            logged.update(read_anchors(lines))
        if anchors and not logged:
            raise CommandError("No 'Access log sealed' lines in " + ", ".join(anchors))
        problems = verify_seals(logged)
        if problems:
            raise CommandError("The access log has been tampered with:\n" + "\n".join(problems))
        last = AuditSeal.objects.order_by("-last_event_id").first()
        sealed = f"up to event {last.last_event_id}" if last else "nothing sealed yet"
        checked = f"; {len(logged)} logged seals found in the chain" if logged else ""
        self.stdout.write(f"Access log intact ({sealed}{checked}).")
        if last is not None:
            self.stdout.write(f"Newest seal: {anchor_line(last)}")
        unsealed = AuditEvent.objects.filter(
            pk__gt=last.last_event_id if last else 0, at__lt=timezone.now() - UNSEALED_WARNING
        ).count()
        if unsealed:
            self.stderr.write(
                f"Warning: {unsealed} events older than {UNSEALED_WARNING} are not sealed yet: is the worker running?"
            )
