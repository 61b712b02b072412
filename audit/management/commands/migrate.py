"""`manage.py migrate`, run as the schema's owner when DATABASE_OWNER_URL is set.

The application's own role (DATABASE_URL) may not change the schema. With DATABASE_OWNER_URL set,
migrations run on a connection as the owner, and the application's role is then granted its rights
(`grant_app_role`, audit/dbrole.py). Without it (SQLite, or one PostgreSQL role in development), and
while tests build their database, this is Django's own migrate.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import DEFAULT_DB_ALIAS

from audit.dbrole import as_owner


class Command(DjangoMigrate):
    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("database", DEFAULT_DB_ALIAS) != DEFAULT_DB_ALIAS:
            super().handle(*args, **options)
            return
        with as_owner() as owner:
            super().handle(*args, **options)
            if owner and not options.get("plan") and not options.get("check_unapplied"):
                call_command("grant_app_role", verbosity=options.get("verbosity", 1))
