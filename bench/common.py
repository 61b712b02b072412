"""What every benchmark shares: a fresh database per engine and size, Django set up in the child
process, and percentiles computed one way."""

from __future__ import annotations

import math
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR_BENCH = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results"
PG_BASE = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def environment(engine: str, *, sqlite_name: str, pg_name: str, reuse: bool) -> dict[str, str]:
    """Environment variables for a child process on a benchmark database, made empty unless `reuse`."""
    env = {"DEMO_MODE": "true", "DEBUG": "false", "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost"}
    if engine == "sqlite":
        VAR_BENCH.mkdir(parents=True, exist_ok=True)
        path = VAR_BENCH / f"{sqlite_name}.sqlite3"
        if not reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{path}"
    elif engine == "postgresql":
        if not reuse:
            psql = ["-h", "127.0.0.1", "-U", "postgres"]
            subprocess.run(["dropdb", "--if-exists", *psql, pg_name], check=True)
            subprocess.run(["createdb", *psql, pg_name], check=True)
        env["DATABASE_URL"] = f"{PG_BASE}/{pg_name}"
    else:
        raise SystemExit(f"unknown engine {engine}")
    return env


def setup_django() -> None:
    """Configure Django in this (child) process, with plain static storage (the benchmarks measure
    the product's work, not the collectstatic manifest), and migrate the benchmark database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings

    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    override_settings(STORAGES=storages).enable()
    call_command("migrate", verbosity=0)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile, rounded to 0.1 (p50 of [1, 2, 3, 4] is 2; p95 of 100 values is the 95th)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return round(ordered[rank - 1], 1)
