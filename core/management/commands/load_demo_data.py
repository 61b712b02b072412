"""Load the synthetic demo data: every installed app with a demo.py contributes, in INSTALLED_APPS
order (foundation apps come before the domain apps that refer to their records)."""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


def demo_modules() -> list[ModuleType]:
    """Each installed app's demo module, in INSTALLED_APPS order. An app without one has no demo
    data; an error inside a demo module is raised, never taken for a missing module."""
    names = [f"{config.name}.demo" for config in apps.get_app_configs()]
    return [importlib.import_module(name) for name in names if importlib.util.find_spec(name) is not None]


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
        modules = demo_modules()
        if if_empty and modules and all(m.is_loaded() for m in modules):
            self.stdout.write("Demo data already loaded.")
            return
        for module in modules:
            if if_empty and module.is_loaded():
                continue
            with transaction.atomic():
                summary = module.load(stdout=self.stdout, **options)
            self.stdout.write(f"{module.__name__}: {summary}")
