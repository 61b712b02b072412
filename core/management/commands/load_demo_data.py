"""Load the synthetic demo data: every app with a demo.py contributes, in dependency order."""

from __future__ import annotations

import importlib
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

# Order matters: organisations and users first, then what refers to them.
DEMO_MODULES = ["accounts.demo", "directory.demo", "children.demo", "advice.demo"]


class Command(BaseCommand):
    help = "Load the synthetic demo data (deterministic: the same every time)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if demo data is already there"
        )
        parser.add_argument(
            "--services", type=int, default=None, help="Number of directory services (default 480)"
        )
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, if_empty: bool = False, **options: Any) -> None:
        modules = []
        for name in DEMO_MODULES:
            try:
                modules.append(importlib.import_module(name))
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
        if if_empty and modules and all(m.is_loaded() for m in modules):
            self.stdout.write("Demo data already loaded.")
            return
        for module in modules:
            if if_empty and module.is_loaded():
                continue
            with transaction.atomic():
                summary = module.load(stdout=self.stdout, **options)
            self.stdout.write(f"{module.__name__}: {summary}")
