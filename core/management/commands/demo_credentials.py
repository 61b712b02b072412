"""Print the demo sign-in details (demo mode only)."""

from __future__ import annotations

import importlib
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print the demo accounts, the shared authenticator key and the demo API tokens."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            self.stdout.write("Not in demo mode: no demo credentials.")
            return
        try:
            demo = importlib.import_module("accounts.demo")
        except ModuleNotFoundError:
            return
        self.stdout.write(demo.credentials_text())
