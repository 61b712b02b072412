"""The application's PostgreSQL role: it owns nothing and may only insert into and read the access log.

The append-only triggers (migrations 0002 and 0004) stop UPDATE and DELETE, but a table's owner or a
superuser can get past them (`SET session_replication_role = replica`, `ALTER TABLE ... DISABLE
TRIGGER`, `TRUNCATE`, dropping the trigger). So in production the schema is owned by one role, which
runs the migrations (DATABASE_OWNER_URL), and the application connects (DATABASE_URL) as another that:

- is not a superuser, owns no table, sequence, function or schema, and is not a member of the owner;
- may SELECT, INSERT, UPDATE and DELETE on every table except the append-only ones, where it may
  only SELECT and INSERT (no UPDATE, DELETE, TRUNCATE, REFERENCES or TRIGGER);
- may use the sequences (for new ids), and gets the same rights on tables later migrations create
  (default privileges of the owner).

`grant_app_role` applies this from the owner's connection; `manage.py migrate` calls it when
DATABASE_OWNER_URL is set. See docs/deployment.md and ADR 0014.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

# The tables the application may only append to and read.
APPEND_ONLY_MODELS = ("audit.AuditEvent", "audit.AuditSeal")


class RoleProblem(Exception):
    """The role cannot safely be the application's role (a superuser, an owner, the owner itself)."""


def append_only_tables() -> list[str]:
    return [apps.get_model(label)._meta.db_table for label in APPEND_ONLY_MODELS]


def role_problems(cursor: Any, role: str) -> list[str]:
    """Why `role` must not be the application's role; empty when it may."""
    cursor.execute("SELECT rolsuper, rolbypassrls, rolcreaterole FROM pg_roles WHERE rolname = %s", [role])
    row = cursor.fetchone()
    if row is None:
        return [f'There is no role "{role}": create it first (CREATE ROLE "{role}" LOGIN PASSWORD ...).']
    problems = []
    if row[0]:
        problems.append(f'"{role}" is a superuser: it could switch off the access log\'s triggers.')
    if row[1]:
        problems.append(f'"{role}" bypasses row-level security.')
    if row[2]:
        problems.append(f'"{role}" may create roles (and so grant itself others\' rights).')
    cursor.execute("SELECT current_user")
    owner = cursor.fetchone()[0]
    if owner == role:
        problems.append(f'"{role}" is the role running the migrations: the application would own its tables.')
    else:
        cursor.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", [role, owner])
        if cursor.fetchone()[0]:
            problems.append(f'"{role}" is a member of the owner "{owner}" and so has its rights.')
    cursor.execute(
        """
        SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = %s
        UNION ALL
        SELECT count(*) FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner WHERE r.rolname = %s
        UNION ALL
        SELECT count(*) FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner WHERE r.rolname = %s
        """,
        [role, role, role],
    )
    owned = sum(count for (count,) in cursor.fetchall())
    if owned:
        problems.append(f'"{role}" owns {owned} tables, sequences, schemas or functions in this database.')
    return problems


def grant_statements(*, role: str, owner: str, tables: list[str], schema: str = "public") -> list[str]:
    """The SQL that gives `role` the application's rights; `tables` are the append-only ones. Every
    identifier comes quoted by the caller (see grant_app_role)."""
    statements = [
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ]
    for table in tables:
        statements.append(f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {table} FROM {role}")
        statements.append(f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {table} FROM PUBLIC")
    return statements


def grant_app_role(connection: Any, role: str) -> list[str]:
    """Give `role` the application's rights on `connection`'s database (run as the owner). Raises
    RoleProblem if the role could get past the append-only triggers. Returns the statements run."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        problems = role_problems(cursor, role)
        if problems:
            raise RoleProblem(" ".join(problems))
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
        quote = connection.ops.quote_name
        statements = grant_statements(
            role=quote(role), owner=quote(owner), tables=[quote(t) for t in append_only_tables()]
        )
        for statement in statements:
            cursor.execute(statement)
    return statements


@contextmanager
def as_owner() -> Iterator[bool]:
    """Within this block the default connection is the schema owner's (DATABASE_OWNER_URL), if set;
    yields whether it is. One connection, not a second alias, so that every migration (third-party
    ones too, which use the default connection) runs as the owner."""
    url = getattr(settings, "DATABASE_OWNER_URL", "")
    if not url or settings.TESTING:
        yield False
        return
    import dj_database_url

    owner = dj_database_url.parse(url)
    connection = connections[DEFAULT_DB_ALIAS]
    saved = connection.settings_dict  # shared with settings.DATABASES, which keeps the application's role
    connection.close()
    connection.settings_dict = {
        **saved,
        **{key: owner.get(key) for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")},
    }
    try:
        yield True
    finally:
        connection.close()
        connection.settings_dict = saved
