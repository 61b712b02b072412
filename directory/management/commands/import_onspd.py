"""manage.py import_onspd ONSPD.csv (or the ONSPD zip): load postcode centroids for postcode search."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from directory.onspd import OnspdFormatError, import_onspd, open_onspd


class Command(BaseCommand):
    help = (
        "Import postcodes from the ONS Postcode Directory CSV (or its zip), streaming it: "
        "rows without coordinates are skipped, existing postcodes are updated."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="ONSPD CSV file, or the ONSPD zip as downloaded")
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument(
            "--skip-terminated", action="store_true", help="Leave out postcodes that are no longer in use"
        )

    def handle(self, *args: Any, file: str, batch_size: int, skip_terminated: bool, **options: Any) -> None:
        try:
            with open_onspd(file) as handle:
                result = import_onspd(handle, batch_size=batch_size, include_terminated=not skip_terminated)
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {file}") from exc
        except (OnspdFormatError, UnicodeDecodeError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(str(result)))
