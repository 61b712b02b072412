# Hand-written: PostgreSQL only (SQLite needs nothing).

from django.db import migrations

# A version stamp for the search rows, so search results can be cached exactly (directory/search/):
# any statement that changes directory_searchentry or directory_searchlocation (reindex, cascade
# delete, truncate) stores a new number from a sequence in the one row of directory_searchversion, in
# the same transaction. Sequence numbers are never handed out twice, even after a rollback, so a
# cached result keyed by the number it was computed under can never be served for other data.
POSTGRES_FORWARD = [
    "CREATE SEQUENCE IF NOT EXISTS directory_searchversion_seq",
    "CREATE TABLE IF NOT EXISTS directory_searchversion (id smallint PRIMARY KEY CHECK (id = 1), "
    "version bigint NOT NULL)",
    "INSERT INTO directory_searchversion (id, version) VALUES (1, nextval('directory_searchversion_seq')) "
    "ON CONFLICT (id) DO NOTHING",
    """CREATE OR REPLACE FUNCTION directory_searchversion_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO directory_searchversion (id, version) VALUES (1, nextval('directory_searchversion_seq'))
      ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version;
      RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS directory_searchentry_version ON directory_searchentry",
    "CREATE TRIGGER directory_searchentry_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
    "ON directory_searchentry FOR EACH STATEMENT EXECUTE FUNCTION directory_searchversion_bump()",
    "DROP TRIGGER IF EXISTS directory_searchlocation_version ON directory_searchlocation",
    "CREATE TRIGGER directory_searchlocation_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
    "ON directory_searchlocation FOR EACH STATEMENT EXECUTE FUNCTION directory_searchversion_bump()",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS directory_searchentry_version ON directory_searchentry",
    "DROP TRIGGER IF EXISTS directory_searchlocation_version ON directory_searchlocation",
    "DROP FUNCTION IF EXISTS directory_searchversion_bump()",
    "DROP TABLE IF EXISTS directory_searchversion",
    "DROP SEQUENCE IF EXISTS directory_searchversion_seq",
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
        ("directory", "0005_search_covering_indexes"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
