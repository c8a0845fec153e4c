"""PostgreSQL: the search text moves out of the contract table into a narrow table of its own.

Migration 0012 indexed an expression over the contract row (the five texts joined and upper-
cased). Two costs came with it, both measured at a million contracts (docs/performance.md):

* every candidate the trigram index proposed was re-checked by computing that expression
  again from the wide contract row (16 ms of a search's 22);
* every new row version of a contract, a status change included, added its trigrams to the
  GIN index, though the texts had not changed (draft + submit held 67–74 contracts/s).

`registry_contract_text` holds the joined text once per contract, kept by triggers as
SQLite's FTS5 table is: inserts and deletes per statement (a bulk COPY runs the trigger once),
updates only when one of the five texts changes. SQLite is unchanged.

Its GIN index also holds the contract's `bucket` (its id's block of 16,384, through
btree_gin), so that a newest-first list asks the index for the candidates of the last few
blocks only: the re-check of a mid-sized seller's 3,000 candidates scattered over the table
(5 ms) becomes one of 150 (text_search.candidates_in_order). Its pending list is kept short:
each search reads it whole.
"""

from django.db import migrations

BUCKET_BITS = 14  # text_search.BUCKET_BITS
TEXTS = ("name", "seller_name", "buyer_name", "registration_number", "external_id")


def document(row: str) -> str:
    """The joined text of `row`, as text_search.PG_LIKE expects it."""
    return (
        f"UPPER({row}.name || ' ' || {row}.seller_name || ' ' || {row}.buyer_name || ' ' "
        f"|| COALESCE({row}.registration_number, '') || ' ' || {row}.external_id)"
    )


CHANGED = " OR ".join(f"OLD.{text} IS DISTINCT FROM NEW.{text}" for text in TEXTS)

PG_CREATE = [
    "DROP INDEX IF EXISTS registry_contract_text_trgm",
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "CREATE TABLE registry_contract_text (contract_id bigint PRIMARY KEY, document text NOT NULL, "
    f"bucket integer GENERATED ALWAYS AS ((contract_id >> {BUCKET_BITS})::integer) STORED)",
    "INSERT INTO registry_contract_text (contract_id, document) "
    f"SELECT c.id, {document('c')} FROM registry_contract c",
    "CREATE INDEX registry_contract_text_bucket_trgm ON registry_contract_text "
    "USING gin (bucket, document gin_trgm_ops) WITH (gin_pending_list_limit = 512)",
    "CREATE FUNCTION registry_contract_text_insert() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN INSERT INTO registry_contract_text (contract_id, document) "
    f"SELECT c.id, {document('c')} FROM inserted c; RETURN NULL; END $$",
    "CREATE TRIGGER registry_contract_text_insert AFTER INSERT ON registry_contract "
    "REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT "
    "EXECUTE FUNCTION registry_contract_text_insert()",
    "CREATE FUNCTION registry_contract_text_update() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN UPDATE registry_contract_text SET document = {document('NEW')} "
    "WHERE contract_id = NEW.id; RETURN NULL; END $$",
    f"CREATE TRIGGER registry_contract_text_update AFTER UPDATE OF {', '.join(TEXTS)} "
    f"ON registry_contract FOR EACH ROW WHEN ({CHANGED}) "
    "EXECUTE FUNCTION registry_contract_text_update()",
    "CREATE FUNCTION registry_contract_text_delete() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN DELETE FROM registry_contract_text t USING deleted d WHERE t.contract_id = d.id; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER registry_contract_text_delete AFTER DELETE ON registry_contract "
    "REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT "
    "EXECUTE FUNCTION registry_contract_text_delete()",
    "CREATE FUNCTION registry_contract_text_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN TRUNCATE registry_contract_text; RETURN NULL; END $$",
    "CREATE TRIGGER registry_contract_text_truncate AFTER TRUNCATE ON registry_contract "
    "FOR EACH STATEMENT EXECUTE FUNCTION registry_contract_text_truncate()",
    "ANALYZE registry_contract_text",
]
PG_DROP = [
    "DROP TRIGGER IF EXISTS registry_contract_text_insert ON registry_contract",
    "DROP TRIGGER IF EXISTS registry_contract_text_update ON registry_contract",
    "DROP TRIGGER IF EXISTS registry_contract_text_delete ON registry_contract",
    "DROP TRIGGER IF EXISTS registry_contract_text_truncate ON registry_contract",
    "DROP FUNCTION IF EXISTS registry_contract_text_insert()",
    "DROP FUNCTION IF EXISTS registry_contract_text_update()",
    "DROP FUNCTION IF EXISTS registry_contract_text_delete()",
    "DROP FUNCTION IF EXISTS registry_contract_text_truncate()",
    "DROP TABLE IF EXISTS registry_contract_text",
    # 0012's index, as it was
    "CREATE INDEX IF NOT EXISTS registry_contract_text_trgm ON registry_contract USING gin ("
    "UPPER(name || ' ' || seller_name || ' ' || buyer_name || ' ' "
    "|| COALESCE(registration_number, '') || ' ' || external_id) gin_trgm_ops)",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in PG_CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in PG_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("registry", "0014_risk_signals")]

    operations = [migrations.RunPython(create, drop)]
