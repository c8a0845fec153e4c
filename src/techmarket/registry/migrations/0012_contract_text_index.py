"""A trigram index of each contract's name, parties' names and numbers, for the text search
(registry/text_search.py): an FTS5 table kept by triggers on SQLite, a pg_trgm GIN index on
PostgreSQL.

SQLite drops a table's triggers with the table: a later migration that rebuilds
registry_contract must call `create_sqlite_text_index` again (a test searches a contract
created after all migrations and would fail).
"""

from django.db import migrations

COLUMNS = "name, seller_name, buyer_name, registration_number, external_id"
OLD = "old.name, old.seller_name, old.buyer_name, old.registration_number, old.external_id"
CHANGED = " OR ".join(f"old.{column} IS NOT new.{column}" for column in COLUMNS.split(", "))
NEW = "new.name, new.seller_name, new.buyer_name, new.registration_number, new.external_id"

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS registry_contract_text USING fts5("
    f"{COLUMNS}, content='registry_contract', content_rowid='id', "
    "tokenize='trigram', detail='none')",
    "CREATE TRIGGER IF NOT EXISTS registry_contract_text_insert AFTER INSERT ON registry_contract "
    f"BEGIN INSERT INTO registry_contract_text(rowid, {COLUMNS}) VALUES (new.id, {NEW}); END",
    "CREATE TRIGGER IF NOT EXISTS registry_contract_text_delete AFTER DELETE ON registry_contract "
    f"BEGIN INSERT INTO registry_contract_text(registry_contract_text, rowid, {COLUMNS}) "
    f"VALUES ('delete', old.id, {OLD}); END",
    "CREATE TRIGGER IF NOT EXISTS registry_contract_text_update "
    f"AFTER UPDATE OF {COLUMNS} ON registry_contract WHEN {CHANGED} BEGIN "
    f"INSERT INTO registry_contract_text(registry_contract_text, rowid, {COLUMNS}) "
    f"VALUES ('delete', old.id, {OLD}); "
    f"INSERT INTO registry_contract_text(rowid, {COLUMNS}) VALUES (new.id, {NEW}); END",
    "INSERT INTO registry_contract_text(registry_contract_text) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS registry_contract_text_insert",
    "DROP TRIGGER IF EXISTS registry_contract_text_delete",
    "DROP TRIGGER IF EXISTS registry_contract_text_update",
    "DROP TABLE IF EXISTS registry_contract_text",
]
# The same expression as text_search.PG_DOCUMENT.
PG_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS registry_contract_text_trgm ON registry_contract USING gin ("
    "UPPER(name || ' ' || seller_name || ' ' || buyer_name || ' ' "
    "|| COALESCE(registration_number, '') || ' ' || external_id) gin_trgm_ops)",
]
PG_DROP = ["DROP INDEX IF EXISTS registry_contract_text_trgm"]


def create_sqlite_text_index(schema_editor) -> None:
    for statement in SQLITE_CREATE:
        schema_editor.execute(statement)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        create_sqlite_text_index(schema_editor)
    elif schema_editor.connection.vendor == "postgresql":
        for statement in PG_CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    statements = {"sqlite": SQLITE_DROP, "postgresql": PG_DROP}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("registry", "0011_notices")]

    operations = [migrations.RunPython(create, drop)]
