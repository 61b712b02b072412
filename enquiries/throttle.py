"""Counting what the public does, per address and per reference, without accounts or puzzles:

- enquiries sent from one address: at most ENQUIRIES_PER_HOUR (default 5) an hour;
- wrong guesses on the status page: after STATUS_FREE_FAILURES (default 5) within an hour for one
  address, or for one reference (from anywhere), further checks wait an hour without being checked.

Counts are kept in the cache (shared by every app server when CACHE_URL names Redis; per process
otherwise, which only makes the limit looser), keyed by a keyed hash, never the address itself.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

WINDOW_SECONDS = 3600


def _key(kind: str, value: str) -> str:
    return (
        "enquiries:"
        + kind
        + ":"
        + salted_hmac("enquiries.throttle", value.strip().lower(), algorithm="sha256").hexdigest()
    )


def count(kind: str, value: str) -> int:
    return int(cache.get(_key(kind, value), 0))


def add(kind: str, value: str) -> int:
    key = _key(kind, value)
    if cache.add(key, 1, WINDOW_SECONDS):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        return 1


def submissions_allowed(address: str) -> bool:
    return count("sent", address) < int(getattr(settings, "ENQUIRIES_PER_HOUR", 5))


def status_allowed(address: str, reference: str) -> bool:
    limit = int(getattr(settings, "ENQUIRY_STATUS_FREE_FAILURES", 5))
    if count("status-address", address) >= limit:
        return False
    return not (reference.strip() and count("status-reference", reference) >= limit)


def status_failed(address: str, reference: str) -> None:
    add("status-address", address)
    if reference.strip():
        add("status-reference", reference)
