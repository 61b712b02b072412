"""Give the application's PostgreSQL role its rights, from the owner's connection (see audit/dbrole.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from audit.dbrole import RoleProblem, as_owner, grant_app_role


class Command(BaseCommand):
    help = (
        "Grant the application's database role (the user in DATABASE_URL, or --role) what it needs and no "
        "more: it may only insert into and read the access log. Runs as the owner (DATABASE_OWNER_URL, else DATABASE_URL)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--role", help="The application's role (default: the user in DATABASE_URL)")

    def handle(self, *args: Any, role: str | None = None, **options: Any) -> None:
        if connections["default"].vendor != "postgresql":
            self.stdout.write("Not PostgreSQL: nothing to grant.")
            return
        role = role or settings.DATABASES["default"].get("USER") or ""
        if not role:
            raise CommandError("Name the application's role with --role (DATABASE_URL names no user).")
        with as_owner():
            try:
                statements = grant_app_role(connections["default"], role)
            except RoleProblem as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(f'Granted "{role}" the application\'s rights ({len(statements)} statements).')
