"""Test helpers shared by every app."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from django.core.mail import EmailMessage
from django.db import connection
from django.test import TestCase


def run_at_once(target: Callable[[], Any], n: int) -> tuple[list[Any], list[Exception]]:
    """Run `target` in `n` threads released together (each with its own database connection), as
    several workers or web processes would; returns their results and the exceptions they raised."""
    barrier = threading.Barrier(n)
    results: list[Any] = []
    errors: list[Exception] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@contextmanager
def committed() -> Iterator[None]:
    """Run what the block queues with transaction.on_commit when the block ends, as a commit would
    (a test's own transaction never commits). Background jobs run outside any transaction, so their
    e-mails are queued at once; in a test, wrap them in this."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        yield


@contextmanager
def failing_mailer(failures: int, error: Exception | None = None) -> Iterator[list[list[str]]]:
    """The mail server fails the first `failures` sends, then works. Yields the recipients of every
    attempt, in order."""
    attempts: list[list[str]] = []
    real_send = EmailMessage.send

    def send(message: EmailMessage, fail_silently: bool = False) -> int:
        attempts.append(list(message.to))
        if len(attempts) <= failures:
            raise error or ConnectionRefusedError("mail server down")
        return real_send(message, fail_silently)

    with mock.patch.object(EmailMessage, "send", send):
        yield attempts
