"""Advice casework at scale: the DCO dashboard reads and the LA API list, by size and engine.

`python -m bench.advice_casework --sizes 10000,500000 --engines sqlite,postgresql`

For each engine and size: a fresh database (SQLite file under var/bench/, PostgreSQL database
`bench_casework`), `generate(size)` (requests received over the last three years across the two demo
LAs, 1-2 team assignments each, every state, about 3% with a reg 8(2) exception), then N timed calls
in-process (server time, no network):

- dashboard page:       GET /casework/dashboard/ as a signed-in DCO covering both LAs (Django test
                        Client: middleware, session, lists, counts, H1 figures, template, audit)
- API list:             GET /api/casework/v1/requests?page_size=50 (Django test Client, bearer token)
- API list filtered:    ... &status=routed&updated_since=<30 days ago>
- API list deep page:   ... &page=200

Each (engine, size) runs in its own process. Results go to stdout and to
bench/results/advice-<engines>-<sizes>.md.
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

PG_NAME = os.environ.get("BENCH_ADVICE_DB", "bench_casework")  # another name lets two runs coexist
BATCH = 5000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sizes", default="10000", help="comma-separated numbers of advice requests")
    parser.add_argument("--engines", default="sqlite,postgresql", help="sqlite, postgresql or both")
    parser.add_argument("--requests", type=int, default=100, help="timed calls per scenario")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--reuse", action="store_true", help="reuse a database already holding `size` requests"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)


def main(args: argparse.Namespace) -> int:
    if args.child:
        engine, size = args.child.split(":")
        print(json.dumps(_run_child(engine, int(size), args), default=str))
        return 0
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s]
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    rows = []
    for engine in engines:
        for size in sizes:
            print(f"[bench advice] {engine} {size:,} requests ...", file=sys.stderr, flush=True)
            env = {
                **os.environ,
                **environment(engine, sqlite_name=f"advice-{size}", pg_name=PG_NAME, reuse=args.reuse),
            }
            command = [
                sys.executable,
                "-m",
                "bench.advice_casework",
                "--child",
                f"{engine}:{size}",
                "--requests",
                str(args.requests),
                "--seed",
                str(args.seed),
            ]
            if args.reuse:
                command.append("--reuse")
            done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
            if done.returncode != 0:
                print(done.stderr[-4000:], file=sys.stderr)
                return done.returncode
            result = json.loads(done.stdout.strip().splitlines()[-1])
            rows.append(result)
            print(_table([result]), file=sys.stderr, flush=True)
    report = _report(rows, args)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"advice-{'-'.join(engines)}-{'-'.join(str(s) for s in sizes)}.md"
    out.write_text(report)
    print(report)
    print(f"written to {out.relative_to(ROOT)}", file=sys.stderr)
    return 0


def generate(size: int, seed: int = 2026) -> dict[str, float]:
    """`size` advice requests with children, assessments, assignments, exceptions and some advice,
    written with bulk_create in batches (no audit rows, no e-mails, no reminders)."""
    from django.utils import timezone

    from accounts.models import Membership, Organisation, Role, User
    from advice.demo import TEAMS, demo_organisations
    from advice.models import AdviceRequest, Assignment, EHCNeedsAssessment, HealthAdvice, TimeLimitException
    from children.demo import FAMILY_NAMES, GIVEN_NAMES
    from children.models import ChildOrYoungPerson
    from lib import clocks

    rng = random.Random(seed)
    orgs = demo_organisations()
    las = [orgs["E10000099"], orgs["E09000099"]]
    teams = [orgs[code] for code in TEAMS]
    approver, _ = User.objects.get_or_create(email="bench-dco@example.org")
    Membership.objects.get_or_create(user=approver, organisation=orgs["DCO-DEMO"], role=Role.DCO)
    today = timezone.localdate()
    now = timezone.now()
    started = time.perf_counter()
    done = 0
    while done < size:
        n = min(BATCH, size - done)
        children = ChildOrYoungPerson.objects.bulk_create(
            [
                ChildOrYoungPerson(
                    given_name=rng.choice(GIVEN_NAMES),
                    family_name=rng.choice(FAMILY_NAMES),
                    date_of_birth=today - dt.timedelta(days=rng.randrange(400, 8000)),
                    local_authority=las[0] if rng.random() < 0.6 else las[1],
                )
                for _ in range(n)
            ]
        )
        received = [today - dt.timedelta(days=int(rng.triangular(0, 3 * 365, 0))) for _ in range(n)]
        assessments = EHCNeedsAssessment.objects.bulk_create(
            [
                EHCNeedsAssessment(
                    child=child,
                    local_authority_id=child.local_authority_id,
                    request_received_on=day - dt.timedelta(days=30),
                    clock_start_type="s36_request",
                    clock_start_date=day - dt.timedelta(days=30),
                    decision_due=clocks.decision_to_assess_due(day - dt.timedelta(days=30)),
                    no_plan_notice_due=clocks.no_plan_notice_due(day - dt.timedelta(days=30)),
                    final_plan_due=clocks.final_plan_due(day - dt.timedelta(days=30)),
                )
                for child, day in zip(children, received, strict=True)
            ]
        )
        plans = []  # (request, [(team, status, returned_on)])
        requests = []
        for i, (assessment, day) in enumerate(zip(assessments, received, strict=True)):
            age = (today - day).days
            chosen = rng.sample(teams, k=rng.choice([1, 1, 2]))
            team_plans = []
            for team in chosen:
                due = clocks.health_advice_due(day)
                if age > 60 or (age > 20 and rng.random() < 0.4):
                    status = "not_known" if rng.random() < 0.06 else "released"
                    returned = min(today, day + dt.timedelta(days=int(rng.triangular(10, 70, 35))))
                else:
                    status = rng.choice(
                        ["routed", "accepted", "accepted", "advice_submitted", "rework_requested"]
                    )
                    returned = None
                team_plans.append((team, status, returned, due))
            statuses = [s for _, s, _, _ in team_plans]
            from advice.services import request_status_from

            status = request_status_from(statuses, "submitted") if age > 2 else "submitted"
            returns = [r for _, _, r, _ in team_plans if r]
            changed = max(returns) if returns and status == "complete" else day
            requests.append(
                AdviceRequest(
                    reference=f"HB{done + i:09d}",
                    assessment=assessment,
                    child_id=assessment.child_id,
                    local_authority_id=assessment.local_authority_id,
                    questions="Health needs, outcomes, provision?",
                    sent_on=day,
                    received_by_health=day,
                    due_on=clocks.health_advice_due(day),
                    status=status,
                    completed_on=changed if status == "complete" else None,
                    created_at=timezone.make_aware(dt.datetime.combine(day, dt.time(9))),
                    updated_at=timezone.make_aware(dt.datetime.combine(changed, dt.time(17))),
                )
            )
            plans.append(team_plans if status != "submitted" else [])
        requests = AdviceRequest.objects.bulk_create(requests)
        assignments = []
        for advice_request, team_plans in zip(requests, plans, strict=True):
            for team, status, returned, due in team_plans:
                assignments.append(
                    Assignment(
                        advice_request=advice_request,
                        local_authority_id=advice_request.local_authority_id,
                        team=team,
                        status=status,
                        received_on=advice_request.received_by_health,
                        due_on=due,
                        returned_on=returned,
                        submitted_on=returned,
                        routed_at=now,
                        not_known_reason="Not known; assessment offered." if status == "not_known" else "",
                    )
                )
        assignments = Assignment.objects.bulk_create(assignments)
        exceptions = []
        advice = []
        for assignment in assignments:
            if assignment.returned_on and assignment.returned_on > assignment.due_on and rng.random() < 0.2:
                assignment.has_exception = True
                exceptions.append(
                    TimeLimitException(
                        assignment=assignment,
                        code="missed_appointment",
                        start_on=assignment.received_on + dt.timedelta(days=10),
                        reason="Not brought to clinic",
                        approved_by=approver,
                    )
                )
            if (
                assignment.status == "released"
                and assignment.returned_on
                and (today - assignment.returned_on).days < 120
            ):
                advice.append(
                    HealthAdvice(
                        assignment=assignment,
                        revision=1,
                        needs=[{"description": "Language needs", "relates_to_sen": True}],
                        outcomes=[{"outcome": "Asks for help in class", "by_when": "Next review"}],
                        provision=[
                            {
                                "what": "Therapy",
                                "who": "Therapist",
                                "how_often": "Weekly",
                                "how_long": "1 year",
                                "where": "School",
                                "section": "F",
                                "commissioned": True,
                            }
                        ],
                        author_name="A. Clinician",
                        author_profession="Therapist",
                        author_registration_number="HC123456",
                        advice_date=assignment.returned_on,
                    )
                )
        TimeLimitException.objects.bulk_create(exceptions)
        Assignment.objects.filter(pk__in=[e.assignment.pk for e in exceptions]).update(has_exception=True)
        HealthAdvice.objects.bulk_create(advice)
        done += n
        print(f"  generated {done:,}", file=sys.stderr, flush=True)
    assert Organisation.objects.filter(code="DCO-DEMO").exists()
    return {"generate_s": round(time.perf_counter() - started, 1)}


def generate_sql(size: int, seed: int = 2026) -> dict[str, float]:
    """PostgreSQL only: the same shape as `generate` written by INSERT ... SELECT generate_series, so
    500,000 requests take minutes, not hours. Seeded with setseed(); no HealthAdvice rows (the list
    endpoints show released advice only for the newest requests, which this data leaves empty)."""
    from django.db import connection

    from accounts.models import Membership, Role, User
    from advice.demo import TEAMS, demo_organisations

    orgs = demo_organisations()
    north, east = orgs["E10000099"].pk, orgs["E09000099"].pk
    teams = [orgs[code].pk for code in TEAMS]
    approver, _ = User.objects.get_or_create(email="bench-dco@example.org")
    Membership.objects.get_or_create(user=approver, organisation=orgs["DCO-DEMO"], role=Role.DCO)
    started = time.perf_counter()
    statements = [
        "SELECT setseed(%s)" % ((seed % 1000) / 1000),
        f"""CREATE TEMP TABLE bench_g AS SELECT i,
            (current_date - floor(random() * random() * 1095)::int) AS received,
            CASE WHEN random() < 0.6 THEN {north} ELSE {east} END AS la,
            floor(random() * {len(teams)})::int AS t1, random() AS r1, random() AS r2, random() AS r3
            FROM generate_series(1, {size}) AS i""",  # noqa: S608 (only integers from our own rows are interpolated)
        """INSERT INTO children_childoryoungperson (id, public_id, given_name, family_name, date_of_birth,
            nhs_number, local_authority_id, school_or_setting_name, created_at, updated_at)
            SELECT i, gen_random_uuid(), 'Bench', 'Child ' || i, received - (400 + floor(r1 * 7000)::int), '', la, '',
            now(), now() FROM bench_g""",
        """INSERT INTO advice_ehcneedsassessment (id, public_id, child_id, local_authority_id, la_reference,
            is_reassessment, request_received_on, clock_start_type, clock_start_date, decision_due,
            no_plan_notice_due, final_plan_due, created_at, updated_at)
            SELECT i, gen_random_uuid(), i, la, 'B' || i, false, received - 30, 's36_request', received - 30,
            received - 30 + 42, received - 30 + 112, received - 30 + 140, now(), now() FROM bench_g""",
        """INSERT INTO advice_advicerequest (id, public_id, reference, assessment_id, child_id,
            local_authority_id, questions, known_health_involvement, sent_on, received_by_health, due_on, status,
            triage_notes, cancelled_reason, created_via_api, created_at, updated_at, version)
            SELECT i, gen_random_uuid(), 'HB' || lpad(i::text, 9, '0'), i, i, la, 'Health needs?', '', received,
            received, received + 42, 'submitted', '', '', false, received::timestamptz, received::timestamptz, 1
            FROM bench_g""",
        f"""INSERT INTO advice_assignment (public_id, advice_request_id, team_id, local_authority_id, status,
            received_on, due_on, routed_at, not_known_reason, submitted_on, returned_on, has_exception, created_at,
            updated_at, version)
            SELECT gen_random_uuid(), i, (ARRAY{teams})[1 + ((t1 + k) % {len(teams)})], la, s.status, received,
            received + 42, now(), '', s.returned, s.returned, false, now(), now(), 1
            FROM bench_g
            CROSS JOIN LATERAL (SELECT k FROM generate_series(0, CASE WHEN r3 < 0.33 THEN 1 ELSE 0 END) AS k) AS ks
            CROSS JOIN LATERAL (SELECT
                CASE WHEN (current_date - received) > 60 OR ((current_date - received) > 20 AND r1 < 0.4)
                     THEN CASE WHEN r2 < 0.06 THEN 'not_known' ELSE 'released' END
                     ELSE (ARRAY['routed','accepted','accepted','advice_submitted','rework_requested'])[1 + floor(r2 * 5)::int]
                END AS status) AS st
            CROSS JOIN LATERAL (SELECT st.status,
                CASE WHEN st.status IN ('released', 'not_known')
                     THEN least(current_date, received + 10 + floor(((r3 * 7919 + k) - floor(r3 * 7919 + k)) * 60)::int)
                END AS returned) AS s
            WHERE (current_date - received) > 2""",  # noqa: S608 (only integers from our own rows are interpolated)
        """UPDATE advice_assignment SET has_exception = true
            WHERE returned_on > due_on AND (id % 5) = 0""",
        f"""INSERT INTO advice_timelimitexception (public_id, assignment_id, code, start_on, reason, approved_by_id,
            recorded_at)
            SELECT gen_random_uuid(), id, 'missed_appointment', received_on + 10, 'Not brought to clinic',
            {approver.pk}, now() FROM advice_assignment WHERE has_exception""",  # noqa: S608 (only integers from our own rows are interpolated)
        """UPDATE advice_advicerequest r SET status = x.status, completed_on = x.completed,
            updated_at = coalesce(x.completed, r.received_by_health)::timestamptz
            FROM (SELECT advice_request_id,
                    CASE WHEN bool_or(status IN ('routed', 'accepted', 'rework_requested')) THEN 'routed'
                         WHEN bool_or(status = 'advice_submitted') THEN 'quality_check' ELSE 'complete' END AS status,
                    CASE WHEN bool_and(status IN ('released', 'not_known')) THEN max(returned_on) END AS completed
                  FROM advice_assignment GROUP BY advice_request_id) AS x
            WHERE x.advice_request_id = r.id""",
        "DROP TABLE bench_g",
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
        for table in (
            "children_childoryoungperson",
            "advice_ehcneedsassessment",
            "advice_advicerequest",
            "advice_assignment",
            "advice_timelimitexception",
        ):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608 (table names from a fixed list)
            )
    return {"generate_s": round(time.perf_counter() - started, 1)}


def _run_child(engine: str, size: int, args: argparse.Namespace) -> dict[str, Any]:
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from accounts.models import ApiToken, Organisation, User
    from advice.models import AdviceRequest

    info: dict[str, Any] = {"engine": engine, "size": size, "generate_s": 0.0}
    if not (args.reuse and AdviceRequest.objects.count() == size):
        if AdviceRequest.objects.exists():
            raise SystemExit("the bench database already has requests; run without --reuse")
        if engine == "postgresql" and size > 20_000:
            info.update(generate_sql(size, args.seed))
        else:
            info.update(generate(size, args.seed))
        with connection.cursor() as cursor:
            # Fresh statistics and visibility map, as autovacuum would give a live database.
            cursor.execute("VACUUM ANALYZE" if engine == "postgresql" else "ANALYZE")
    la = Organisation.objects.get(code="E10000099")
    ApiToken.objects.filter(name="bench").delete()
    _, raw = ApiToken.issue(organisation=la, name="bench")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    since = (timezone.now() - dt.timedelta(days=30)).isoformat()
    counter = {"n": 0}

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        counter["n"] += 1
        return execute(sql, params, many, context)

    def api(params: dict[str, Any]) -> Any:
        def call() -> None:
            response = client.get("/api/casework/v1/requests", params)
            if response.status_code != 200:
                raise SystemExit(f"API {params}: HTTP {response.status_code} {response.content[:300]!r}")

        return call

    from accounts.testing import sign_in

    dco_client = sign_in(Client(), User.objects.get(email="bench-dco@example.org"))

    def dashboard_page() -> None:
        response = dco_client.get("/casework/dashboard/")
        if response.status_code != 200:
            raise SystemExit(f"dashboard page: HTTP {response.status_code}")

    scenarios = {
        "dashboard page (DCO, both LAs)": dashboard_page,
        "API list, page 1": api({"page_size": 50}),
        "API list, status + updated_since": api(
            {"page_size": 50, "status": "routed", "updated_since": since}
        ),
        "API list, page 200": api({"page_size": 50, "page": 200}),
    }
    info["scenarios"] = {}
    with connection.execute_wrapper(count):
        for name, call in scenarios.items():
            for _ in range(5):
                call()
            timings, queries = [], []
            for _ in range(args.requests):
                counter["n"] = 0
                started = time.perf_counter()
                call()
                timings.append((time.perf_counter() - started) * 1000)
                queries.append(counter["n"])
            info["scenarios"][name] = {
                "p50_ms": percentile(timings, 50),
                "p95_ms": percentile(timings, 95),
                "max_ms": round(max(timings), 1),
                "queries_min": min(queries),
                "queries_max": max(queries),
            }
    return info


def _table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| engine | requests | scenario | p50 ms | p95 ms | max ms | queries |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        for name, s in row["scenarios"].items():
            q = (
                str(s["queries_min"])
                if s["queries_min"] == s["queries_max"]
                else f"{s['queries_min']}-{s['queries_max']}"
            )
            lines.append(
                f"| {row['engine']} | {row['size']:,} | {name} | {s['p50_ms']} | {s['p95_ms']} | {s['max_ms']} | {q} |"
            )
    return "\n".join(lines)


def _report(rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    import platform

    setup = "\n".join(f"| {r['engine']} | {r['size']:,} | {r['generate_s']} |" for r in rows)
    return (
        f"# Advice casework benchmark\n\n"
        f"`python -m bench.advice_casework --sizes {args.sizes} --engines {args.engines} --requests {args.requests}` "
        f"on {platform.node()} ({os.cpu_count()} CPUs, shared), {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.\n"
        f"Server time per call in-process after 5 warm-up calls, through Django's test Client: the "
        f"dashboard page as a signed-in DCO (session, lists, counts, H1 figures, template, audit row) and the "
        f"LA API list with a bearer token (token check, audit row, JSON).\n\n"
        f"Load average when the report was written: {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
        f"(other work shares the machine; figures are noisy).\n\n"
        f"{_table(rows)}\n\n| engine | requests | generate s |\n|---|---:|---:|\n{setup}\n"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.advice_casework", description=__doc__)
    add_arguments(parser)
    sys.exit(main(parser.parse_args()))
