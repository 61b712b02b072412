"""manage.py export_directory --format csv|json [--output FILE]: export the Local Offer."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from directory.exporting import export_csv, export_oruk_json


class Command(BaseCommand):
    help = "Export every service as the CSV template (re-importable) or as fully nested ORUK 3.0 JSON."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--output", "-o", help="File to write (default: standard output)")

    def handle(self, *args: Any, format: str, output: str | None, **options: Any) -> None:
        export = export_oruk_json if format == "json" else export_csv
        if output:
            with open(output, "w", encoding="utf-8", newline="") as handle:
                count = export(handle)
            self.stderr.write(f"Exported {count} services to {output}")
        else:
            export(self.stdout)  # type: ignore[arg-type]
