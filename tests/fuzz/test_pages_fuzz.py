"""Fuzz the public pages' query strings and forms, and staff list filters: whatever is typed or put in
a link, the page answers (a message beside the field at most), never a 5xx. Bounded like the others:
FUZZ_EXAMPLES requests per page (default 60), stopping after FUZZ_SECONDS (default 30) in all."""

from __future__ import annotations

import os
import time

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.testing import sign_in
from advice.testing import make_request, make_world
from directory.tests.conformance.data import build_directory

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
SECONDS = float(os.environ.get("FUZZ_SECONDS", "30"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))

VALUE = st.one_of(
    st.sampled_from(
        ["\x00", "a\x00b", "9" * 30, "9223372036854775807", "-1", "0", "1e999", "NaN", "inf", "0001-01-01",
         "9999-12-31", "2026-02-30", "١٢", "x" * 3000, "[]", "%", "NS1 1AA", "north", "free", "MO", "name"]
    ),
    st.text(max_size=30),
)  # fmt: skip

PUBLIC_PARAMS = [
    "q",
    "location",
    "distance",
    "age",
    "need",
    "category",
    "cost",
    "delivery",
    "day",
    "sort",
    "page",
    "s",
]
STAFF_PARAMS = ["page", "status", "show", "list", "q", "team", "la", "overdue", "date_from", "date_to",
                "person", "child", "action", "date_from-day", "date_from-month", "date_from-year"]  # fmt: skip


def _params(names: list[str]) -> st.SearchStrategy[list[tuple[str, str]]]:
    return st.lists(st.tuples(st.sampled_from(names), VALUE), min_size=1, max_size=4)


def _fuzz_get(client: Client, paths: list[str], names: list[str], deadline: float) -> list[str]:
    failures: list[str] = []

    @FUZZ
    @given(path=st.sampled_from(paths), params=_params(names))
    def run(path: str, params: list[tuple[str, str]]) -> None:
        if time.monotonic() > deadline:
            return
        with transaction.atomic():
            response = client.get(path, params)
        if response.status_code >= 500:
            failures.append(f"{response.status_code} GET {path} {params!r}"[:300])

    run()
    return failures


def test_public_pages_never_answer_5xx():
    deadline = time.monotonic() + SECONDS / 2
    directory = build_directory(4)
    service = directory.services[0].public_id
    client = Client(raise_request_exception=False)
    paths = [
        "/services/",
        "/services/a-z/",
        "/services/a-z/A/",
        "/services/shortlist/",
        f"/services/{service}/",
    ]
    failures = _fuzz_get(client, paths, PUBLIC_PARAMS, deadline)

    @FUZZ
    @given(topic=VALUE, details=VALUE, email=VALUE)
    def report(topic: str, details: str, email: str) -> None:
        if time.monotonic() > deadline + SECONDS / 4:
            return
        with transaction.atomic():
            response = client.post(
                f"/services/{service}/report-a-problem/", {"topic": topic, "details": details, "email": email}
            )
        if response.status_code >= 500:
            failures.append(f"{response.status_code} POST report {topic!r} {details!r} {email!r}"[:300])

    report()
    assert failures == [], "\n".join(failures)


def test_staff_list_filters_never_answer_5xx():
    deadline = time.monotonic() + SECONDS / 4
    world = make_world()
    make_request(world)
    client = sign_in(Client(raise_request_exception=False), world.dco)
    paths = ["/casework/dashboard/", "/casework/triage/", "/audit/", "/children/"]
    failures = _fuzz_get(client, paths, STAFF_PARAMS, deadline)
    assert failures == [], "\n".join(failures)
