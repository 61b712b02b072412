"""Fuzz both OpenAPI documents with schemathesis: whatever a client sends, never a 5xx.

Bounded in time: each operation gets a small number of generated requests (FUZZ_EXAMPLES, default 25)
and each API stops generating after FUZZ_SECONDS (default 30). Both valid and invalid
(negative) requests are generated; every answer must be below 500.
"""

from __future__ import annotations

import os
import time
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode

from accounts.models import ApiToken
from advice.testing import make_request, make_world
from config.wsgi import application
from directory.tests.conformance.data import build_directory

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
SECONDS = float(os.environ.get("FUZZ_SECONDS", "30"))
TOKEN = "shh_fuzz_la_token_0001"


def _fuzz(schema: Any, headers: dict[str, str]) -> list[str]:
    """Every operation, valid and invalid inputs; returns a description of each 5xx."""
    failures: list[str] = []
    deadline = time.monotonic() + SECONDS
    for result in schema.get_all_operations():
        operation = result.ok()
        strategy = st.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=False,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            if time.monotonic() > deadline:
                return
            with (
                transaction.atomic()
            ):  # as each real request is: one error must not end the test's transaction
                response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(
                    f"{response.status_code} {case.method} {case.formatted_path} {case.query!r} {case.body!r}"[
                        :600
                    ]
                )

        run()
    return failures


@pytest.fixture(autouse=True)
def _keep_test_connection(settings):
    """Calls go through the real WSGI application in this thread (the test's transaction); like
    Django's test client, keep its end-of-request hook from closing the test's connection."""
    settings.ALLOWED_HOSTS = ["*"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_oruk_api_never_answers_5xx():
    build_directory(6)
    schema = schemathesis.openapi.from_wsgi("/api/v3/openapi.json", application)
    failures = _fuzz(schema, {})
    assert failures == [], "\n".join(failures)


def test_casework_api_never_answers_5xx():
    world = make_world()
    make_request(world)
    ApiToken.issue(organisation=world.la, name="Fuzz", raw=TOKEN)
    schema = schemathesis.openapi.from_wsgi("/api/casework/v1/openapi.json", application)
    failures = _fuzz(schema, {"Authorization": f"Bearer {TOKEN}"})
    assert failures == [], "\n".join(failures)
