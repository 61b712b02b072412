"""Public directory search latency: server time p50/p95 and queries per request, by size and engine.

For each engine and size: a fresh database (SQLite file under var/bench/, PostgreSQL database
`bench`), `directory.demo.generate(size, seed)`, a timed full `reindex_services()`, then N requests
per scenario through Django's test Client in-process (server time only, no network):

- keyword:          /services/?q=<keywords>
- keyword+filters:  /services/?q=<keywords>&age=<age>&need=<need>&cost=free
- postcode:         /services/?location=<postcode>&distance=10  (sorted by distance)

Each (engine, size) runs in its own process (Django is configured once per process). Results go to
stdout and to bench/results/search-<engines>-<sizes>.md as a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from typing import Any

from bench.common import RESULTS, ROOT, environment, percentile, setup_django

PG_NAME = os.environ.get("BENCH_POSTGRES_DB", "bench")
KEYWORDS = [
    "speech therapy",
    "autism",
    "short breaks",
    "swimming",
    "parent support group",
    "occupational therapy",
    "mental health",
    "dyslexia",
    "holiday club",
    "wheelchair",
    "hearing",
    "sleep",
]
NEEDS = [
    "autism",
    "adhd",
    "speech-language-communication",
    "social-emotional-mental-health",
    "hearing",
]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated numbers of services")
    parser.add_argument("--engines", default="sqlite,postgresql", help="sqlite, postgresql or both")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per scenario")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse a database already holding `size` services",
    )
    parser.add_argument("--reindex", action="store_true", help="with --reuse: reindex again (timed)")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # "<engine>:<size>", run inside the child process


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
            print(
                f"[bench search] {engine} {size:,} services ...",
                file=sys.stderr,
                flush=True,
            )
            env = {
                **os.environ,
                **environment(engine, sqlite_name=f"search-{size}", pg_name=PG_NAME, reuse=args.reuse),
            }
            command = [
                sys.executable,
                "-m",
                "bench",
                "search",
                "--child",
                f"{engine}:{size}",
                "--requests",
                str(args.requests),
                "--seed",
                str(args.seed),
                *(["--reuse"] if args.reuse else []),
                *(["--reindex"] if args.reindex else []),
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
    out = RESULTS / f"search-{'-'.join(engines)}-{'-'.join(str(s) for s in sizes)}.md"
    out.write_text(report)
    print(report)
    print(f"written to {out.relative_to(ROOT)}", file=sys.stderr)
    return 0


def _run_child(engine: str, size: int, args: argparse.Namespace) -> dict[str, Any]:
    setup_django()
    from django.db import connection
    from django.test import Client

    from directory.models import Postcode, Service
    from directory.search import index as search_index
    from directory.search import search_services

    setup = prepare_directory(size, args)
    generate_s, reindex_s = setup["generate_s"], setup["reindex_s"]

    index_s = index_mb = None
    if search_index.available():
        started = time.perf_counter()
        index = search_index.index_at(None)
        index_s = round(time.perf_counter() - started, 1)
        index_mb = round(index.nbytes() / 1e6)

    rng = random.Random(args.seed)
    postcodes = list(Postcode.objects.order_by("key").values_list("postcode", flat=True)[:2000])
    scenarios = {
        "keyword": lambda: {"q": rng.choice(KEYWORDS)},
        "keyword + filters": lambda: {
            "q": rng.choice(KEYWORDS),
            "age": str(rng.randint(0, 18)),
            "need": rng.choice(NEEDS),
            "cost": "free",
        },
        "postcode within 10 miles": lambda: {
            "location": rng.choice(postcodes),
            "distance": "10",
        },
    }
    client = Client()
    counter = {"n": 0}

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        counter["n"] += 1
        return execute(sql, params, many, context)

    result: dict[str, Any] = {
        "engine": engine,
        "size": size,
        "services": Service.objects.count(),
        "generate_s": round(generate_s, 1),
        "reindex_s": round(reindex_s, 1),
        "index_s": index_s,
        "index_mb": index_mb,
        "scenarios": {},
    }
    with connection.execute_wrapper(count):
        for name, make in scenarios.items():
            seen: set[tuple[tuple[str, str], ...]] = set()
            for _ in range(10):  # warm up caches and connections
                params = make()
                seen.add(tuple(sorted(params.items())))
                client.get("/services/", params)
            repeats = 0
            wall: list[float] = []
            cpu: list[float] = []
            engine_ms: list[float] = []
            database_ms: list[float] = []
            queries: list[int] = []
            totals: list[int] = []
            for _ in range(args.requests):
                params = make()
                key = tuple(sorted(params.items()))
                repeats += key in seen
                seen.add(key)
                counter["n"] = 0
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get("/services/", params)
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
                queries.append(counter["n"])
                if response.status_code != 200:
                    raise SystemExit(f"{name}: HTTP {response.status_code} for {params}")
                search = _as_search(params)
                started = time.perf_counter()
                totals.append(search_services(search).total)
                engine_ms.append((time.perf_counter() - started) * 1000)
                if index_s is not None and len(engine_ms) % 4 == 1:
                    # The same search in the database alone (every 4th request: it is slow).
                    search_index.ENABLED = False
                    try:
                        started = time.perf_counter()
                        search_services(search)
                        database_ms.append((time.perf_counter() - started) * 1000)
                    finally:
                        search_index.ENABLED = True
            result["scenarios"][name] = {
                "p50_ms": percentile(wall, 50),
                "p95_ms": percentile(wall, 95),
                "cpu_p50_ms": percentile(cpu, 50),
                "cpu_p95_ms": percentile(cpu, 95),
                "search_p50_ms": percentile(engine_ms, 50),
                "search_p95_ms": percentile(engine_ms, 95),
                "database_p50_ms": percentile(database_ms, 50) if database_ms else None,
                "database_p95_ms": percentile(database_ms, 95) if database_ms else None,
                "queries_min": min(queries),
                "queries_max": max(queries),
                "median_results": int(statistics.median(totals)),
                "repeats": round(100 * repeats / args.requests),
            }
    return result


def prepare_directory(size: int, args: argparse.Namespace) -> dict[str, float]:
    """Generate `size` services into the (empty) benchmark database, unless `--reuse` finds them
    there already, and rebuild the search rows when they are missing (or `--reindex`). Returns the
    seconds each step took (0 when skipped)."""
    from django.db import connection

    from directory.models import SearchEntry, Service
    from directory.search import reindex_services

    generate_s = reindex_s = 0.0
    reused = args.reuse and Service.objects.count() == size
    if not reused:
        if Service.objects.exists():
            raise SystemExit("the bench database already has services; run without --reuse")
        from directory import demo

        started = time.perf_counter()
        demo.generate(size, args.seed, reindex=False)
        generate_s = time.perf_counter() - started
    if not reused or SearchEntry.objects.count() != size or getattr(args, "reindex", False):
        started = time.perf_counter()
        reindex_services()
        reindex_s = time.perf_counter() - started
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("VACUUM ANALYZE directory_searchentry")  # as autovacuum would
                cursor.execute("VACUUM ANALYZE directory_searchlocation")
            cursor.execute("ANALYZE")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # as SQLite's own checkpoints would, given writes
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return {"generate_s": round(generate_s, 1), "reindex_s": round(reindex_s, 1)}


def _as_search(params: dict[str, str]) -> Any:
    """The ServiceSearch the page runs for these parameters (to time the search on its own)."""
    from directory.search import ServiceSearch, resolve_location
    from lib.geo import miles_to_metres

    place = resolve_location(params["location"]) if "location" in params else None
    age = int(params["age"]) if "age" in params else None
    return ServiceSearch(
        text=params.get("q", ""),
        latitude=place[0] if place else None,
        longitude=place[1] if place else None,
        proximity_m=miles_to_metres(float(params.get("distance", 10))) if place else None,
        minimum_age=age,
        maximum_age=age,
        needs=(params["need"],) if "need" in params else (),
        is_free=True if params.get("cost") == "free" else None,
        sort="distance" if place and "q" not in params else "relevance",
    )


def _table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| engine | services | scenario | page p50 ms | page p95 ms | page CPU p50/p95 ms "
        "| search only p50/p95 ms | database search p50/p95 ms | queries/request | median results "
        "| repeated searches |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        for name, s in row["scenarios"].items():
            low, high = s["queries_min"], s["queries_max"]
            queries = str(low) if low == high else f"{low}-{high}"
            lines.append(
                f"| {row['engine']} | {row['size']:,} | {name} | {s['p50_ms']} | {s['p95_ms']} "
                f"| {s['cpu_p50_ms']} / {s['cpu_p95_ms']} | {s['search_p50_ms']} / {s['search_p95_ms']} "
                f"| {_pair(s.get('database_p50_ms'), s.get('database_p95_ms'))} "
                f"| {queries} | {s['median_results']:,} | {s.get('repeats', 0)}% |"
            )
    return "\n".join(lines)


def _pair(low: float | None, high: float | None) -> str:
    return "-" if low is None else f"{low} / {high}"


def _report(rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    import platform

    setup = "\n".join(
        f"| {r['engine']} | {r['size']:,} | {r['generate_s']} | {r['reindex_s']} "
        f"| {'-' if r.get('index_s') is None else r['index_s']} "
        f"| {'-' if r.get('index_mb') is None else r['index_mb']} |"
        for r in rows
    )
    return (
        f"# Search benchmark\n\n"
        f"`python -m bench search --sizes {args.sizes} --engines {args.engines} --requests {args.requests}` "
        f"on {platform.node()} ({os.cpu_count()} CPUs), {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.\n"
        f"Server time per request through Django's test Client (middleware, search, template), "
        f"{args.requests} requests per scenario after 10 warm-up requests. Page = the whole request "
        f"(wall clock); page CPU = this process's CPU time for it (on SQLite this includes the database, "
        f"on PostgreSQL it does not); search only = `search_services()` alone (wall clock; on "
        f"PostgreSQL through the in-memory index, ADR 0012); database search = the same search with the "
        f"index turned off (every 4th request; what the database alone costs, ADR 0011); repeated "
        f"searches = timed requests whose parameters were already requested in this run (nothing is "
        f"cached by parameters: a repeat costs what a first search costs). Index build = building "
        f"one process's index from the database (done once per process; then only changed services "
        f"are read again), index MB = its arrays. The machine "
        f"is shared: wall-clock figures include waiting for a CPU (load average at the end: "
        f"{os.getloadavg()[0]:.1f}).\n\n"
        f"{_table(rows)}\n\n"
        f"| engine | services | generate s | full reindex s | index build s | index MB |\n"
        f"|---|---:|---:|---:|---:|---:|\n{setup}\n"
    )
