"""The worker-death case of issue 7, end to end: the real worker under the real supervisor
(scripts/supervise.py, as `make run` starts it) and the real web server on one database. `kill -9` on the
worker turns /healthz unhealthy once the heartbeat is older than the threshold, and the supervisor starts
a new worker, after which /healthz is healthy again. Small thresholds keep it to a few seconds."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)

HEARTBEAT_MAX_SECONDS = 1
RESTART_DELAY_SECONDS = 3  # longer than the threshold, so /healthz is seen failing before the restart


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A database the test's own processes share with it: PostgreSQL's test database as it is, or the
    migrated in-memory SQLite test database copied to a file."""
    connection.ensure_connection()
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        path = tmp_path / "shared.sqlite3"
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{path}"
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Lines:
    """Collects a process's output lines as they come (a thread, so reading never blocks the test)."""

    def __init__(self, stream: Any) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream: Any) -> None:
        for line in stream:
            self._queue.put(line)

    def drain(self) -> list[str]:
        while not self._queue.empty():
            self.seen.append(self._queue.get())
        return self.seen


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_a_killed_worker_fails_healthz_and_the_supervisor_starts_another(database_url, tmp_path, processes):
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "TESTING": "false",
        "DEMO_MODE": "true",
        "DATABASE_URL": database_url,
        "VAR_DIR": str(tmp_path),
        "SEARCH_INDEX_WARM": "false",
        "LOG_LEVEL": "WARNING",
        "WORKER_HEARTBEAT_MAX_SECONDS": str(HEARTBEAT_MAX_SECONDS),
    }
    python = sys.executable
    web = subprocess.Popen(
        [python, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    processes.append(web)
    supervisor = subprocess.Popen(
        [python, "scripts/supervise.py", "--delay", str(RESTART_DELAY_SECONDS), "--"]
        + [python, "manage.py", "worker", "--sleep", "0.2"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    processes.append(supervisor)
    output = Lines(supervisor.stderr)

    def healthz() -> tuple[int, dict[str, Any]] | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())
        except OSError:
            return None  # the web server is still starting

    def worker_pids() -> list[int]:
        return [int(pid) for pid in re.findall(r"started pid (\d+): ", "".join(output.drain()))]

    def report() -> str:
        return "".join(output.drain())

    first = wait_for(lambda: worker_pids(), 30, "the supervisor to start the worker")[0]
    status, body = wait_for(lambda: (h := healthz()) and h[0] == 200 and h, 60, "a healthy /healthz")
    assert body["worker"]["status"] == "ok", report()

    os.kill(first, signal.SIGKILL)
    killed_at = time.monotonic()
    status, body = wait_for(lambda: (h := healthz()) and h[0] == 503 and h, 10, "/healthz to fail")
    noticed_after = time.monotonic() - killed_at
    assert body["status"] == "failing" and body["worker"]["status"] == "stale"
    assert noticed_after < RESTART_DELAY_SECONDS + 1, report()

    pids = wait_for(lambda: len(p := worker_pids()) > 1 and p, 30, "the supervisor to restart the worker")
    assert pids[1] != first
    assert "killed by SIGKILL" in report()
    wait_for(lambda: (h := healthz()) and h[0] == 200, 30, "/healthz to recover")

    # Stopping the supervisor stops its worker too (as `make run` does on Ctrl-C).
    supervisor.terminate()
    assert supervisor.wait(timeout=20) == 0
    with pytest.raises(ProcessLookupError):
        os.kill(pids[1], 0)
