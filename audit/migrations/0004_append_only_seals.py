"""The same database refusal of UPDATE (and on PostgreSQL DELETE) for the hash-chain seals."""

from django.db import migrations

PG_CREATE = """
CREATE TRIGGER audit_seal_append_only
    BEFORE UPDATE OR DELETE ON audit_auditseal
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
"""
PG_DROP = "DROP TRIGGER IF EXISTS audit_seal_append_only ON audit_auditseal;"
SQLITE_CREATE = """
CREATE TRIGGER audit_seal_no_update BEFORE UPDATE ON audit_auditseal
BEGIN
    SELECT RAISE(ABORT, 'audit seals are append-only: UPDATE is not allowed');
END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS audit_seal_no_update;"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_CREATE, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE, params=None)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_hash_chain_seals")]

    operations = [migrations.RunPython(create, drop)]
