"""Searches that find nothing: counted by their words, so editors can see what parents type that the
directory does not understand (and add a synonym), and what would help the person searching.

Only the words are kept, normalised: lower case, accents folded, stop words dropped, each word once,
at most six. Anything that could be personal or say where someone lives is dropped first: e-mail
addresses, postcodes, and every word with a digit in it (phone numbers, house numbers, outcodes,
dates, reference numbers). Nothing about who searched, or when beyond the first and last time the
words were tried, is kept.
"""

from __future__ import annotations

import re

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from directory.models import ZeroResultSearch
from directory.search.words import STOP_WORDS, words_of

MAX_WORDS = 6
MAX_WORD_LENGTH = 30

_EMAIL = re.compile(r"\S+@\S+")
# A full UK postcode, with or without its space (the outward code alone has a digit: dropped below).
_POSTCODE = re.compile(r"\b[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2}\b", re.IGNORECASE)
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)


def normalised_words(text: str) -> str:
    """The words of a search as they are counted ("" when nothing is left to count)."""
    text = _EMAIL.sub(" ", text or "")
    text = _URL.sub(" ", text)
    text = _POSTCODE.sub(" ", text)
    kept: list[str] = []
    for word in words_of(text):
        if word in STOP_WORDS or any(c.isdigit() for c in word) or len(word) > MAX_WORD_LENGTH:
            continue
        if word not in kept:
            kept.append(word)
    return " ".join(kept[:MAX_WORDS])[:200]


def note_zero_result(text: str) -> None:
    """Count one more search for these words that found nothing. Never fails the search."""
    words = normalised_words(text)
    if not words:
        return
    now = timezone.now()
    try:
        with transaction.atomic():
            updated = ZeroResultSearch.objects.filter(words=words).update(
                count=F("count") + 1, last_tried=now
            )
            if not updated:
                try:
                    with transaction.atomic():
                        ZeroResultSearch.objects.create(words=words, first_tried=now, last_tried=now)
                except IntegrityError:  # counted at the same moment by another request
                    ZeroResultSearch.objects.filter(words=words).update(count=F("count") + 1, last_tried=now)
    except DatabaseError:  # a read-only replica, say: the search answers all the same
        return
