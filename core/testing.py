"""Test helpers shared by every app."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


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
