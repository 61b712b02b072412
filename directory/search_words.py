"""Keeping the words the public search understands: synonym groups (add, change, delete, with their
history) and the default list. Local Offer editors call these from directory/views_search_words.py
with the user and the audit context (each change is also in the access log); a change reaches every
web process's next search (directory/search/synonyms.py).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.context import AuditContext
from audit.services import record_access
from core.concurrency import require_version
from directory.models import Synonym
from directory.search.synonyms import DEFAULT_SYNONYMS, MAX_PHRASE_WORDS, phrase_words

MAX_PHRASES = 30
MAX_PHRASE_LENGTH = 100


def clean_phrases(text: str) -> list[str]:
    """The phrases of a synonym group as an editor typed them (commas or new lines between them),
    tidied and checked: at least two, each with a word and at most six, none twice."""
    raw = [" ".join(p.split()) for p in text.replace("\n", ",").split(",")]
    phrases: list[str] = []
    seen: set[tuple[str, ...]] = set()
    for phrase in raw:
        if not phrase:
            continue
        if len(phrase) > MAX_PHRASE_LENGTH:
            raise ValidationError(f"“{phrase[:40]}…” is too long: use at most {MAX_PHRASE_LENGTH} characters")
        words = phrase_words(phrase)
        if not words:
            raise ValidationError(f"“{phrase}” has no letters or numbers in it")
        if len(words) > MAX_PHRASE_WORDS:
            raise ValidationError(f"“{phrase}” is too long: use at most {MAX_PHRASE_WORDS} words in a phrase")
        if words in seen:
            continue
        seen.add(words)
        phrases.append(phrase)
    if len(phrases) < 2:
        raise ValidationError("Enter at least 2 words or phrases that mean the same, separated by commas")
    if len(phrases) > MAX_PHRASES:
        raise ValidationError(f"Enter at most {MAX_PHRASES} words or phrases in one group")
    return phrases


def _save(synonym: Synonym, *, user: User | None, reason: str) -> None:
    synonym._history_user = user  # type: ignore[attr-defined]
    synonym._change_reason = reason[:100]  # type: ignore[attr-defined]
    synonym.save()


def _log(user: User | None, context: AuditContext, synonym: Synonym, detail: str, action: str) -> None:
    record_access(user=user, action=action, obj=synonym, context=context, detail=detail[:500])


def create_synonym(*, user: User | None, context: AuditContext, words: str, note: str = "") -> Synonym:
    phrases = clean_phrases(words)
    synonym = Synonym(words=", ".join(phrases), note=note.strip()[:200])
    with transaction.atomic():
        _save(synonym, user=user, reason="Added")
        _log(user, context, synonym, f"search synonyms added: {synonym.words}", "create")
    return synonym


def update_synonym(
    *,
    user: User | None,
    context: AuditContext,
    synonym: Synonym,
    words: str,
    note: str,
    expected_version: int,
) -> Synonym:
    """Change a group; ConcurrentUpdate if someone else changed it since `expected_version`."""
    phrases = clean_phrases(words)
    with transaction.atomic():
        locked = Synonym.objects.select_for_update().get(pk=synonym.pk)
        require_version(locked, expected_version)
        before = locked.words
        locked.words = ", ".join(phrases)
        locked.note = note.strip()[:200]
        locked.version += 1
        locked.updated_at = timezone.now()
        _save(locked, user=user, reason="Changed")
        _log(user, context, locked, f"search synonyms changed from {before} to {locked.words}", "change")
    return locked


def delete_synonym(
    *, user: User | None, context: AuditContext, synonym: Synonym, expected_version: int
) -> None:
    with transaction.atomic():
        locked = Synonym.objects.select_for_update().get(pk=synonym.pk)
        require_version(locked, expected_version)
        _log(user, context, locked, f"search synonyms deleted: {locked.words}", "change")
        locked._history_user = user  # type: ignore[attr-defined]
        locked._change_reason = "Deleted"  # type: ignore[attr-defined]
        locked.delete()


def load_default_synonyms(*, user: User | None = None) -> int:
    """Add the default groups whose first phrase no group has yet (a fresh install gets them from
    migration 0009). Returns how many were added."""
    have = {phrase_words(p) for s in Synonym.objects.only("words") for p in s.phrases}
    added = 0
    for words in DEFAULT_SYNONYMS:
        first = phrase_words(words.split(",")[0])
        if first in have:
            continue
        synonym = Synonym(words=words, note="Default list")
        _save(synonym, user=user, reason="Default list")
        have.update(phrase_words(p) for p in synonym.phrases)
        added += 1
    return added
