"""Child search (children/search.py): time to find a child among N an LA caseworker may see.

`python -m bench child_search --sizes 20000 --engines sqlite,postgresql`

For each engine and size: a fresh database with one local authority holding `size` synthetic
children (20 given names x 120 family names, random dates of birth and NHS numbers), one caseworker;
then each query below `--requests` times through `children.search.search` (the page's work without
rendering), reporting p50 and p95 in ms, the queries each search makes and how many it found.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from typing import Any

from bench.common import RESULTS, ROOT, environment, percentile, setup_django

QUERIES = ["Maya Thornfield", "thornfeild maya", "Thornfield", "3/4/2015", "900 000 0123", "HA0000301"]
GIVEN = "Maya Robin Sasha Alex Jordan Morgan Taylor Casey Riley Jamie Avery Quinn Rowan Skye Ellis Harper Marley Reese Sam Toby"
STEMS = "Thorn Brack Alder Ash Birch Elm Oak Hazel Wil Rowan Fern Heath Moor Brook Dale"
ENDINGS = "field wood ton ley ford by well stead"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sizes", default="20000", help="comma-separated numbers of children")
    parser.add_argument("--engines", default="sqlite", help="sqlite, postgresql or both")
    parser.add_argument("--requests", type=int, default=20, help="timed searches per query")
    parser.add_argument("--child", help=argparse.SUPPRESS)


def _run_child(size: int, requests: int) -> list[dict[str, Any]]:
    setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Membership, Organisation, Role, User
    from children import search
    from children.models import ChildOrYoungPerson

    rng = random.Random(2026)
    families = [stem.lower().capitalize() + end for stem in STEMS.split() for end in ENDINGS.split()]
    la = Organisation.objects.create(name="Bench Council", kind=Organisation.Kind.LOCAL_AUTHORITY)
    user = User.objects.create(email="bench.caseworker@example.org")
    Membership.objects.create(user=user, organisation=la, role=Role.LA_CASEWORKER)
    ChildOrYoungPerson.objects.bulk_create(
        [
            ChildOrYoungPerson(
                given_name=rng.choice(GIVEN.split()),
                family_name=rng.choice(families),
                date_of_birth=dt.date(2005, 1, 1) + dt.timedelta(days=rng.randrange(7000)),
                nhs_number=str(9000000000 + i),
                local_authority=la,
            )
            for i in range(size)
        ],
        batch_size=2000,
    )
    rows = []
    for query in QUERIES:
        times = []
        for _ in range(requests):
            fresh = User.objects.get(pk=user.pk)  # nothing cached between searches
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                found = search.search(fresh, query)
                times.append((time.perf_counter() - started) * 1000)
        rows.append(
            {
                "engine": connection.vendor,
                "size": size,
                "query": query,
                "p50": percentile(times, 50),
                "p95": percentile(times, 95),
                "queries": len(queries),
                "found": len(found),
            }
        )
    return rows


def _table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| engine | children | query | p50 ms | p95 ms | queries | found |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r['engine']} | {r['size']:,} | {r['query']} | {r['p50']} | {r['p95']} | {r['queries']} | {r['found']} |"
        for r in rows
    ]
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    if args.child:
        print(json.dumps(_run_child(int(args.child), args.requests)))
        return 0
    rows: list[dict[str, Any]] = []
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s]
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    for engine in engines:
        for size in sizes:
            print(f"[bench child_search] {engine} {size:,} children ...", file=sys.stderr, flush=True)
            env = {
                **os.environ,
                **environment(engine, sqlite_name=f"children-{size}", pg_name="bench_children", reuse=False),
            }
            command = [
                sys.executable,
                "-m",
                "bench.child_search",
                "--child",
                str(size),
                "--requests",
                str(args.requests),
            ]
            done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
            if done.returncode != 0:
                print(done.stderr[-4000:], file=sys.stderr)
                return done.returncode
            rows += json.loads(done.stdout.strip().splitlines()[-1])
    report = f"# Child search\n\n{_table(rows)}\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"child-search-{'-'.join(engines)}-{'-'.join(str(s) for s in sizes)}.md"
    out.write_text(report)
    print(report)
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    sys.exit(main(parser.parse_args()))
