"""Shared pytest set-up for every app's tests. (Django's test runner already routes e-mail to memory.)"""

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

# Playwright's sync API keeps an event loop on the main thread; Django's ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config: pytest.Config) -> None:
    """In CI's PostgreSQL pass (REQUIRE_POSTGRES=1) the suite must really run on PostgreSQL."""
    if os.environ.get("REQUIRE_POSTGRES"):
        from django.conf import settings

        engine = settings.DATABASES["default"]["ENGINE"]
        if "postgresql" not in engine:
            raise pytest.UsageError(f"REQUIRE_POSTGRES is set but the database engine is {engine}")


@pytest.fixture(scope="session", autouse=True)
def _postgres_answers(django_db_setup, django_db_blocker):  # noqa: ARG001 - fixtures used for ordering
    """Fail (never skip) when CI asked for PostgreSQL and it does not answer."""
    if os.environ.get("REQUIRE_POSTGRES"):
        from django.db import connection

        with django_db_blocker.unblock():
            assert connection.vendor == "postgresql", "CI's PostgreSQL pass is not running on PostgreSQL"


@pytest.fixture(autouse=True)
def _fresh_search_index() -> Iterator[None]:
    """Each test starts with no in-memory search index (ADR 0012). A test's rolled-back transaction
    takes its change-log rows with it, and SQLite then hands the same ids out again, so an index
    built inside one test must not be taken as current in the next. (Outside tests an index only
    ever reads committed rows.)"""
    yield
    from directory.search import index as search_index

    search_index.forget()


CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture(scope="module")
def personas(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """The shared test personas and their records (tests/personas.py), built once per module.

    They are made inside a transaction that is rolled back when the module's tests are done; each
    test (marked django_db) runs in a savepoint inside it, so its own changes roll back as usual.
    Not for `transaction=True` tests or live-server browser tests, which need committed data.
    """
    from django.db import transaction
    from django.test import override_settings

    from tests.personas import build_personas

    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("persona-uploads"))
    media.enable()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = build_personas()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            media.disable()
            raise
    try:
        yield world
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
        media.disable()


@pytest.fixture(scope="module")
def persona_sessions(personas: Any, django_db_blocker: Any) -> Any:
    """Every persona signed in once for the module, on one shared client (tests/personas.py,
    PersonaSessions): `persona_sessions.as_("dco_1").get(path)`."""
    from tests.personas import PersonaSessions

    with django_db_blocker.unblock():
        return PersonaSessions(personas)
