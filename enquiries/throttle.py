"""Counting what the public does, per address and per reference, without accounts or puzzles:

- enquiries sent from one address: at most ENQUIRIES_PER_HOUR (default 5) an hour, one sent faster
  than a person could type it (a spam signal) counting twice;
- wrong guesses on the status page: after ENQUIRY_STATUS_FREE_FAILURES (default 5) within an hour for
  one address, or for one reference (from anywhere), further checks wait an hour without being checked.

The counts are kept in the database (core.rate_limits), not in Django's cache: the cache is per process
unless CACHE_URL is set, so with several app server processes the limits would be that many times
looser and forgotten on every restart. In the database every process sees the same counts, in every
deployment, with nothing more to set up. Keys are keyed hashes, never the address or reference itself.

A refused attempt gets the page it asked for with a plain message (LIMITED_MESSAGES), the same whatever
was typed, so the limit says nothing about whether a reference exists.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from core import rate_limits

WINDOW_SECONDS = 3600
_WINDOW = dt.timedelta(seconds=WINDOW_SECONDS)

SENT_LIMITED_MESSAGE = (
    "You have sent several enquiries in the last hour. Wait an hour, then send this one again. "
    "What you typed is still here"
)
STATUS_LIMITED_MESSAGE = (
    "There have been too many attempts to check progress. Wait an hour, then check again "
    "with the reference we gave you and the e-mail address you gave us"
)


def _scope(kind: str) -> str:
    return "enquiries:" + kind


def count(kind: str, value: str) -> int:
    return rate_limits.count(_scope(kind), value)


def add(kind: str, value: str) -> int:
    return rate_limits.add(_scope(kind), value, window=_WINDOW)


def sent(address: str, *, quickly: bool = False) -> None:
    """An enquiry sent from `address`; one sent faster than a person could type it counts twice."""
    add("sent", address)
    if quickly:
        add("sent", address)


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
