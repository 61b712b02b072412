"""The open ORUK API (`/api/v3/`): server time p50/p95 and queries per request for each request shape.

For each engine and size: the same database as the search benchmark (`bench.search`: SQLite file
under var/bench/, PostgreSQL database `bench` or `$BENCH_POSTGRES_DB`; `--reuse` keeps one already
holding `size` services), then N requests per shape through Django's test Client in process (server
time, no network): the shapes of issue 9 (keyword, ages, postcode with and without a distance,
taxonomy term, `modified_after`, a deep page, service-at-locations near a postcode, organisations,
one service in full). Results go to stdout and to bench/results/api-<engines>-<sizes>.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import RESULTS, ROOT, environment, percentile, setup_django
from bench.search import PG_NAME, prepare_directory

#: The postcode of the issue's measurements; the demo data's first postcode in NS6 if it is missing.
POSTCODE = "NS6 2SD"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sizes", default="10000", help="comma-separated numbers of services")
    parser.add_argument("--engines", default="postgresql", help="sqlite, postgresql or both")
    parser.add_argument("--requests", type=int, default=100, help="timed requests per shape")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--reuse", action="store_true", help="reuse a database already holding `size` services"
    )
    parser.add_argument("--only", default="", help="comma-separated shape names (default: every shape)")
    parser.add_argument("--label", default="", help="a word for the results file name (e.g. before)")
    parser.add_argument(
        "--gunicorn", action="store_true", help="through gunicorn (one worker, loopback HTTP) instead"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)


def main(args: argparse.Namespace) -> int:
    if args.child:
        engine, size = args.child.split(":")
        print(json.dumps(_run_child(engine, int(size), args)))
        return 0
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s]
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    rows: list[dict[str, Any]] = []
    for engine in engines:
        for size in sizes:
            print(f"[bench api] {engine} {size:,} services ...", file=sys.stderr, flush=True)
            env = {
                **os.environ,
                **environment(engine, sqlite_name=f"search-{size}", pg_name=PG_NAME, reuse=args.reuse),
            }
            command = [
                sys.executable,
                "-m",
                "bench",
                "api",
                "--child",
                f"{engine}:{size}",
                "--requests",
                str(args.requests),
                "--seed",
                str(args.seed),
                "--only",
                args.only,
                *(["--gunicorn"] if args.gunicorn else []),
                *(["--reuse"] if args.reuse else []),
            ]
            done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
            if done.returncode != 0:
                print(done.stderr[-4000:], file=sys.stderr)
                return done.returncode
            result = json.loads(done.stdout.strip().splitlines()[-1])
            rows.append(result)
            print(_table([result]), file=sys.stderr, flush=True)
    report = _report(rows, args)
    RESULTS.mkdir(parents=True, exist_ok=True)
    label = ("-gunicorn" if args.gunicorn else "") + (f"-{args.label}" if args.label else "")
    out = RESULTS / f"api-{'-'.join(engines)}-{'-'.join(str(s) for s in sizes)}{label}.md"
    out.write_text(report)
    print(report)
    print(f"written to {out.relative_to(ROOT)}", file=sys.stderr)
    return 0


def shapes(seed: int) -> dict[str, Callable[[], str]]:
    """Each request shape: a function giving the next request's path (with its query string)."""
    from directory.models import Postcode, Service, TaxonomyTerm

    rng = random.Random(seed)
    postcode = Postcode.objects.filter(postcode=POSTCODE).values_list("postcode", flat=True).first()
    if postcode is None:
        postcode = (
            Postcode.objects.filter(postcode__startswith="NS6 ")
            .order_by("key")
            .values_list("postcode", flat=True)
            .first()
        )
    if postcode is None:
        raise SystemExit("the benchmark database has no postcodes in NS6")
    code = postcode.replace(" ", "+")
    autism = TaxonomyTerm.objects.filter(code="autism").values_list("public_id", flat=True).first()
    if autism is None:
        raise SystemExit("the benchmark database has no autism term")
    # Services to ask for one at a time: a spread through the directory.
    count = Service.objects.count()
    step = max(1, count // 500)
    ids = [str(u) for u in Service.objects.order_by("pk").values_list("public_id", flat=True)[::step][:500]]
    return {
        "services?search=autism": lambda: "/api/v3/services?search=autism",
        "services?minimum_age=4&maximum_age=4": lambda: "/api/v3/services?minimum_age=4&maximum_age=4",
        f"services?postcode={code}&proximity=5000": lambda: (
            f"/api/v3/services?postcode={code}&proximity=5000"
        ),
        f"services?postcode={code}": lambda: f"/api/v3/services?postcode={code}",
        "services?taxonomy_term_id=<autism>": lambda: f"/api/v3/services?taxonomy_term_id={autism}",
        "services?modified_after=2026-01-01T00:00:00Z": (
            lambda: "/api/v3/services?modified_after=2026-01-01T00:00:00Z"
        ),
        "services?page=5000": lambda: "/api/v3/services?page=5000",
        f"service_at_locations?postcode={code}&proximity=5000": (
            lambda: f"/api/v3/service_at_locations?postcode={code}&proximity=5000"
        ),
        "organizations?per_page=50": lambda: "/api/v3/organizations?per_page=50",
        "services/<id> (one service in full)": lambda: f"/api/v3/services/{rng.choice(ids)}",
    }


def _run_child(engine: str, size: int, args: argparse.Namespace) -> dict[str, Any]:
    setup_django()
    from django.db import connection
    from django.test import Client

    from directory.models import Service
    from directory.search import index as search_index

    setup = prepare_directory(size, args)
    index_s = columns_s = columns_mb = None
    if search_index.available():
        started = time.perf_counter()
        index = search_index.index_at(None)
        index_s = round(time.perf_counter() - started, 1)
        if importlib.util.find_spec("directory.search.api_index"):  # absent before issue 9
            from directory.search import api_index

            started = time.perf_counter()
            columns = api_index.columns_for(index)
            columns.name_order()
            columns_s = round(time.perf_counter() - started, 1)
            columns_mb = round(columns.nbytes() / 1e6)

    client = Client()
    counter: dict[str, float] = {"n": 0, "ms": 0.0}

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        counter["n"] += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            counter["ms"] += (time.perf_counter() - started) * 1000

    only = {name.strip() for name in (args.only or "").split(",") if name.strip()}
    result: dict[str, Any] = {
        "engine": engine,
        "size": size,
        "services": Service.objects.count(),
        **setup,
        "index_s": index_s,
        "columns_s": columns_s,
        "columns_mb": columns_mb,
        "shapes": {},
    }
    if args.gunicorn:
        result["gunicorn"] = True
        result["shapes"] = _through_gunicorn(shapes(args.seed), only, args.requests)
        return result
    with connection.execute_wrapper(count):
        for name, make in shapes(args.seed).items():
            if only and not any(word in name for word in only):
                continue
            first_ms = None
            for n in range(5):  # warm up (the first API request of a process builds what it needs)
                started = time.perf_counter()
                response = client.get(make())
                if n == 0:
                    first_ms = round((time.perf_counter() - started) * 1000, 1)
            wall: list[float] = []
            cpu: list[float] = []
            queries: list[int] = []
            database: list[float] = []
            totals: list[int] = []
            sizes: list[int] = []
            for _ in range(args.requests):
                path = make()
                counter["n"], counter["ms"] = 0, 0.0
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get(path)
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
                queries.append(int(counter["n"]))
                database.append(counter["ms"])
                if response.status_code != 200:
                    raise SystemExit(
                        f"{name}: HTTP {response.status_code} for {path}: {response.content[:500]!r}"
                    )
                body = response.json()
                totals.append(int(body.get("total_items", 1)))
                sizes.append(len(response.content))
            result["shapes"][name] = {
                "p50_ms": percentile(wall, 50),
                "p95_ms": percentile(wall, 95),
                "cpu_p50_ms": percentile(cpu, 50),
                "cpu_p95_ms": percentile(cpu, 95),
                "database_p50_ms": percentile(database, 50),
                "database_p95_ms": percentile(database, 95),
                "first_ms": first_ms,
                "queries_min": min(queries),
                "queries_max": max(queries),
                "total_items": int(statistics.median(totals)),
                "kb": round(statistics.median(sizes) / 1024, 1),
            }
    return result


def _through_gunicorn(made: dict[str, Callable[[], str]], only: set[str], requests: int) -> dict[str, Any]:
    """The same shapes through a real server: gunicorn with one sync worker on this database,
    timed by the client over loopback HTTP (CPU = the worker's own CPU time, from /proc)."""
    import urllib.request

    port = 8790 + os.getpid() % 100
    server = subprocess.Popen(
        # A long worker timeout: at 300,000 services the first requests wait for the index build.
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
        + ["--timeout", "600"],
        cwd=ROOT,
        env={**os.environ, "SEARCH_INDEX_WARM": "true"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"

    def fetch(path: str) -> tuple[int, bytes]:
        with urllib.request.urlopen(base + path, timeout=600) as answer:  # noqa: S310 - our own server
            return answer.status, answer.read()

    def worker_cpu_ms() -> float:
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        fields = Path(f"/proc/{children[0]}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")

    try:
        for _ in range(600):  # the worker builds its index and API columns as it starts
            try:
                fetch("/api/v3/")
                break
            except OSError:
                time.sleep(1)
        out: dict[str, Any] = {}
        for name, make in made.items():
            if only and not any(word in name for word in only):
                continue
            started = time.perf_counter()
            fetch(make())
            first_ms = round((time.perf_counter() - started) * 1000, 1)
            for _ in range(4):
                fetch(make())
            wall: list[float] = []
            cpu: list[float] = []
            totals: list[int] = []
            sizes: list[int] = []
            for _ in range(requests):
                path = make()
                before = worker_cpu_ms()
                started = time.perf_counter()
                status, body = fetch(path)
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append(worker_cpu_ms() - before)
                if status != 200:
                    raise SystemExit(f"{name}: HTTP {status} for {path}")
                totals.append(int(json.loads(body).get("total_items", 1)))
                sizes.append(len(body))
            out[name] = {
                "p50_ms": percentile(wall, 50),
                "p95_ms": percentile(wall, 95),
                "cpu_p50_ms": percentile(cpu, 50),
                "cpu_p95_ms": percentile(cpu, 95),
                "database_p50_ms": "-",
                "database_p95_ms": "-",
                "first_ms": first_ms,
                "queries_min": "-",
                "queries_max": "-",
                "total_items": int(statistics.median(totals)),
                "kb": round(statistics.median(sizes) / 1024, 1),
            }
        return out
    finally:
        server.terminate()
        server.wait(timeout=60)


def _table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| engine | services | request | p50 ms | p95 ms | CPU p50/p95 ms | database p50/p95 ms "
        "| first request ms | queries/request | total_items | response KB |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        for name, s in row["shapes"].items():
            low, high = s["queries_min"], s["queries_max"]
            queries = str(low) if low == high else f"{low}-{high}"
            lines.append(
                f"| {row['engine']} | {row['size']:,} | `{name}` | {s['p50_ms']} | {s['p95_ms']} "
                f"| {s['cpu_p50_ms']} / {s['cpu_p95_ms']} | {s['database_p50_ms']} / {s['database_p95_ms']} "
                f"| {s['first_ms']} | {queries} "
                f"| {s['total_items']:,} | {s['kb']} |"
            )
    return "\n".join(lines)


def _report(rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    import platform

    return (
        f"# ORUK API benchmark\n\n"
        f"`python -m bench api --sizes {args.sizes} --engines {args.engines} --requests {args.requests}"
        f"{' --reuse' if args.reuse else ''}{' --gunicorn' if args.gunicorn else ''}` on {platform.node()} "
        f"({os.cpu_count()} CPUs), {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.\n"
        + (
            "Time per request as the client sees it through gunicorn (`config.wsgi`, one sync worker, "
            "loopback HTTP; the worker built its search index and API columns as it started); CPU = "
            "the worker's own CPU time (from /proc, in clock ticks of 10 ms). "
            if args.gunicorn
            else "Server time per request through Django's test Client in process (middleware, query "
            "parsing, search, database, JSON). "
        )
        + f"{args.requests} requests per shape after 5 warm-up requests; "
        f"`first request` is the first warm-up (it may build what the process keeps in memory). "
        + (
            ""
            if args.gunicorn
            else "CPU = this process's CPU time (PostgreSQL's own work is not in it); database = "
            "wall-clock time inside database calls (PostgreSQL's work, the round trips and any wait "
            "for a CPU). "
        )
        + f"One service in full "
        f"asks for a different service each time (500 spread through the directory). The machine is "
        f"shared: wall-clock figures include waiting for a CPU (load average at the end: "
        f"{os.getloadavg()[0]:.1f}).\n\n"
        f"{_table(rows)}\n\n"
        f"| engine | services | search index build s | API columns build s | API columns MB |\n"
        f"|---|---:|---:|---:|---:|\n"
        + "\n".join(
            f"| {r['engine']} | {r['size']:,} | {r.get('index_s', '-')} | {r.get('columns_s') or '-'} "
            f"| {r.get('columns_mb') or '-'} |"
            for r in rows
        )
        + "\n"
    )
