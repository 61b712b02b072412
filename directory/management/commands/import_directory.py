"""manage.py import_directory FILE: import services from the CSV template or ORUK 3.0 JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from directory.importing import import_csv, import_oruk_json


class Command(BaseCommand):
    help = (
        "Import services from the CSV template (directory/samples/services-template.csv) or from ORUK 3.0 "
        "JSON. Every row is checked first; if any row has a problem nothing is imported."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--format", choices=["csv", "json"], help="Default: from the file name")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; change nothing"
        )

    def handle(self, *args: Any, file: str, format: str | None, dry_run: bool, **options: Any) -> None:
        path = Path(file)
        if not path.exists():
            raise CommandError(f"No such file: {file}")
        kind = format or ("json" if path.suffix.lower() == ".json" else "csv")
        with path.open("rb") as handle:
            if kind == "json":
                result = import_oruk_json(handle, dry_run=dry_run)
            else:
                result = import_csv(handle, dry_run=dry_run)
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(warning))
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(str(result))
        self.stdout.write(self.style.SUCCESS(str(result)))
