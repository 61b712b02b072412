"""Add the default synonym groups the search understands (ASD, SALT, physio...) that are missing.

A fresh install gets them from migration 0009; this adds groups a later version ships, or brings back
ones an editor deleted. Editors keep the list under /manage/search-words/.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from directory.search_words import load_default_synonyms


class Command(BaseCommand):
    help = "Add the default synonym groups that are missing from the search words."

    def handle(self, *args: Any, **options: Any) -> None:
        added = load_default_synonyms()
        self.stdout.write(
            f"Added {added} synonym groups." if added else "Every default synonym group is there."
        )
