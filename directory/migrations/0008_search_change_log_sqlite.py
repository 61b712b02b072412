# Hand-written: SQLite only (PostgreSQL's change log is migration 0007).

from django.db import migrations

# The in-memory search index's change log on SQLite (directory/search/index.py, ADR 0012): row
# triggers log the service id of every inserted, updated or deleted search row. SQLite has one writer
# at a time, so ids follow commit order. directory.search.SQLITE_CHANGE_LOG holds the same statements
# and recreates the triggers on a full reindex (a migration that remakes the table drops them).
SQLITE_FORWARD = ["CREATE TABLE IF NOT EXISTS directory_searchchange (id integer PRIMARY KEY AUTOINCREMENT, service_id bigint)"]
for _table in ("directory_searchentry", "directory_searchlocation"):
    for _name, _event, _row in (("ai", "INSERT", "new"), ("ad", "DELETE", "old"), ("au", "UPDATE", "new")):
        SQLITE_FORWARD.append(
            f"CREATE TRIGGER IF NOT EXISTS {_table}_log_{_name} AFTER {_event} ON {_table} "
            f"BEGIN INSERT INTO directory_searchchange (service_id) VALUES ({_row}.service_id); END"
        )


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            for statement in SQLITE_FORWARD:
                cursor.execute(statement)
            cursor.execute("INSERT INTO directory_searchchange (service_id) VALUES (NULL)")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            for table in ("directory_searchentry", "directory_searchlocation"):
                for name in ("ai", "ad", "au"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_log_{name}")
            cursor.execute("DROP TABLE IF EXISTS directory_searchchange")


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0007_search_change_log"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
