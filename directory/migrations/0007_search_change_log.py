# Hand-written: PostgreSQL only (SQLite needs nothing).

from django.db import migrations

# A log of which services' search rows changed, for the in-memory search index (directory/search/index.py,
# ADR 0012), which applies only the changes since the data it was built from.
#
# 1. The version stamp triggers of migration 0006 now fire BEFORE each statement, so a transaction
#    takes the one row lock on directory_searchversion before it changes any search row, and holds it
#    until it commits: transactions that change search rows run one after another, from their first
#    change. Log ids are therefore handed out in commit order, and a reader that sees log id N sees
#    every change logged before it.
# 2. AFTER statement triggers with transition tables log the service id of every inserted, updated or
#    deleted row of directory_searchentry and directory_searchlocation (cascade deletes included); a
#    TRUNCATE logs a NULL service id, meaning "everything changed". A full reindex sets the
#    transaction-local setting directory.full_reindex, which skips the row-by-row log, and logs one
#    NULL row at the end instead.
# 3. Old log rows may be deleted (reindex_services keeps the newest 100,000): an index finds the row
#    it was built at missing, and rebuilds instead of bringing itself up to date.
POSTGRES_FORWARD = [
    "CREATE TABLE IF NOT EXISTS directory_searchchange (id bigserial PRIMARY KEY, service_id bigint)",
    "DROP TRIGGER IF EXISTS directory_searchentry_version ON directory_searchentry",
    "CREATE TRIGGER directory_searchentry_version BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE "
    "ON directory_searchentry FOR EACH STATEMENT EXECUTE FUNCTION directory_searchversion_bump()",
    "DROP TRIGGER IF EXISTS directory_searchlocation_version ON directory_searchlocation",
    "CREATE TRIGGER directory_searchlocation_version BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE "
    "ON directory_searchlocation FOR EACH STATEMENT EXECUTE FUNCTION directory_searchversion_bump()",
    """CREATE OR REPLACE FUNCTION directory_searchchange_new() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF coalesce(current_setting('directory.full_reindex', true), '') <> 'on' THEN
        INSERT INTO directory_searchchange (service_id) SELECT DISTINCT service_id FROM new_rows;
      END IF;
      RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION directory_searchchange_old() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF coalesce(current_setting('directory.full_reindex', true), '') <> 'on' THEN
        INSERT INTO directory_searchchange (service_id) SELECT DISTINCT service_id FROM old_rows;
      END IF;
      RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION directory_searchchange_all() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO directory_searchchange (service_id) VALUES (NULL);
      RETURN NULL;
    END $$""",
]
for _table in ("directory_searchentry", "directory_searchlocation"):
    POSTGRES_FORWARD += [
        f"DROP TRIGGER IF EXISTS {_table}_log_insert ON {_table}",
        f"CREATE TRIGGER {_table}_log_insert AFTER INSERT ON {_table} REFERENCING NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION directory_searchchange_new()",
        f"DROP TRIGGER IF EXISTS {_table}_log_update ON {_table}",
        f"CREATE TRIGGER {_table}_log_update AFTER UPDATE ON {_table} REFERENCING NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION directory_searchchange_new()",
        f"DROP TRIGGER IF EXISTS {_table}_log_delete ON {_table}",
        f"CREATE TRIGGER {_table}_log_delete AFTER DELETE ON {_table} REFERENCING OLD TABLE AS old_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION directory_searchchange_old()",
        f"DROP TRIGGER IF EXISTS {_table}_log_truncate ON {_table}",
        f"CREATE TRIGGER {_table}_log_truncate AFTER TRUNCATE ON {_table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION directory_searchchange_all()",
    ]
POSTGRES_FORWARD.append("INSERT INTO directory_searchchange (service_id) VALUES (NULL)")

POSTGRES_BACKWARD = []
for _table in ("directory_searchentry", "directory_searchlocation"):
    POSTGRES_BACKWARD += [
        f"DROP TRIGGER IF EXISTS {_table}_log_{event} ON {_table}"
        for event in ("insert", "update", "delete", "truncate")
    ]
POSTGRES_BACKWARD += [
    "DROP FUNCTION IF EXISTS directory_searchchange_new()",
    "DROP FUNCTION IF EXISTS directory_searchchange_old()",
    "DROP FUNCTION IF EXISTS directory_searchchange_all()",
    "DROP TRIGGER IF EXISTS directory_searchentry_version ON directory_searchentry",
    "CREATE TRIGGER directory_searchentry_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
    "ON directory_searchentry FOR EACH STATEMENT EXECUTE FUNCTION directory_searchversion_bump()",
    "DROP TRIGGER IF EXISTS directory_searchlocation_version ON directory_searchlocation",
    "CREATE TRIGGER directory_searchlocation_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
    "ON directory_searchlocation FOR EACH STATEMENT EXECUTE FUNCTION directory_searchversion_bump()",
    "DROP TABLE IF EXISTS directory_searchchange",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            for statement in POSTGRES_FORWARD:
                cursor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            for statement in POSTGRES_BACKWARD:
                cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0006_search_version_stamp"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
