"""The application's PostgreSQL role cannot rewrite the access log (issue 7, point 3).

The suite's own connection is the schema's owner (it built the test database). These tests grant the
application's role its rights on the test database with `grant_app_role`, then open a second
connection as that role and prove every way an owner gets past the append-only triggers is refused to
it, while the application's normal work still runs.

The role is DATABASE_APP_ROLE (CI creates it, see .ci/run); when it does not exist and the suite's
role may create roles, it is created (roles belong to the whole server, so it is made once, with LOGIN
and no other right).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from audit.dbrole import append_only_tables

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles are PostgreSQL's"),
]

APP_ROLE = os.environ.get("DATABASE_APP_ROLE", "shh_app")


def _ensure_role(role: str) -> None:
    import psycopg

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone():
            return
        cursor.execute("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            pytest.fail(f"No role {role!r} and the test database's role may not create it (see .ci/run)")
        with contextlib.suppress(psycopg.errors.DuplicateObject):  # another test process made it first
            cursor.execute(f"CREATE ROLE {connection.ops.quote_name(role)} LOGIN")


@pytest.fixture
def app_db() -> Iterator[Any]:
    """A connection to the test database as the application's role, after grant_app_role."""
    import psycopg

    _ensure_role(APP_ROLE)
    call_command("grant_app_role", role=APP_ROLE)
    settings = connection.settings_dict
    conn = psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        dbname=settings["NAME"],
        user=APP_ROLE,
        password=os.environ.get("DATABASE_APP_PASSWORD") or None,
        autocommit=True,
    )
    try:
        yield conn
    finally:
        conn.close()


def _refused(conn: Any, statement: str) -> str:
    """Run `statement` in a transaction that is rolled back; returns PostgreSQL's refusal."""
    import psycopg

    try:
        with conn.transaction():
            conn.execute(statement)
    except psycopg.errors.InsufficientPrivilege as exc:
        return str(exc)
    raise AssertionError(f"The application's role was allowed: {statement}")


def _insert_event(conn: Any) -> None:
    conn.execute(
        "INSERT INTO audit_auditevent (at, user_email, organisations, action, object_type, object_id, "
        "user_agent, path, detail) VALUES (now(), 'app@example.org', '[]', 'view', '', '', '', '', 'x')"
    )


@pytest.mark.parametrize(
    ("table", "trigger"),
    [("audit_auditevent", "audit_event_append_only"), ("audit_auditseal", "audit_seal_append_only")],
)
def test_the_application_role_cannot_get_past_the_append_only_log(app_db: Any, table: str, trigger: str):
    with app_db.transaction():
        _insert_event(app_db)  # something to change, so a refusal is not just an empty table
    for statement in [
        "SET session_replication_role = replica",
        f"ALTER TABLE {table} DISABLE TRIGGER ALL",
        f"ALTER TABLE {table} DISABLE TRIGGER USER",
        f"ALTER TABLE {table} DISABLE TRIGGER {trigger}",
        f"DROP TRIGGER {trigger} ON {table}",
        f"TRUNCATE {table}",
        f"UPDATE {table} SET id = id",  # noqa: S608 - our own table names
        f"DELETE FROM {table}",  # noqa: S608
        f"ALTER TABLE {table} OWNER TO CURRENT_USER",
        f"DROP TABLE {table}",
        f"CREATE TRIGGER sneaky BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
        "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ "
        "LANGUAGE plpgsql",
        "CREATE TABLE public.sneaky (id int)",
    ]:
        _refused(app_db, statement)
    app_db.execute(
        f"GRANT UPDATE, DELETE ON {table} TO CURRENT_USER"
    )  # PostgreSQL: "no privileges were granted"
    _refused(app_db, f"DELETE FROM {table}")  # noqa: S608
    assert app_db.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0] == 1


def test_the_application_role_owns_nothing_and_is_not_a_superuser(app_db: Any):
    owned = app_db.execute(
        "SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)"
    ).fetchone()[0]
    assert owned == 0
    assert app_db.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0] is False
    assert app_db.execute("SHOW session_replication_role").fetchone()[0] == "origin"


def test_the_application_role_does_the_applications_work(app_db: Any):
    """Appends and reads the log, changes ordinary records, and uses the sequences."""
    with app_db.transaction():
        _insert_event(app_db)
        assert app_db.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0] == 1
        app_db.execute(
            "INSERT INTO accounts_organisation (public_id, name, kind, specialism, code, email, "
            "is_active, created_at, updated_at, version) "
            "VALUES (gen_random_uuid(), 'Test LA', 'la', '', '', '', true, now(), now(), 1)"
        )
        app_db.execute("UPDATE accounts_organisation SET name = 'Renamed LA' WHERE name = 'Test LA'")
        app_db.execute("DELETE FROM accounts_organisation WHERE name = 'Renamed LA'")
        app_db.execute("SELECT count(*) FROM django_session").fetchone()


def test_tables_made_by_later_migrations_are_granted_too(app_db: Any):
    """Default privileges: a table the owner creates after the grant is usable by the application."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE later_table (id serial PRIMARY KEY, name text)")
    try:
        with app_db.transaction():
            app_db.execute("INSERT INTO later_table (name) VALUES ('x')")
            app_db.execute("UPDATE later_table SET name = 'y'")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE later_table")


def test_grant_app_role_refuses_a_role_that_could_rewrite_the_log():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
    with pytest.raises(CommandError, match="running the migrations|superuser"):
        call_command("grant_app_role", role=owner)
    with pytest.raises(CommandError, match="no role"):
        call_command("grant_app_role", role="no_such_role_anywhere")


def test_the_append_only_tables_are_the_audit_tables():
    assert append_only_tables() == ["audit_auditevent", "audit_auditseal"]
