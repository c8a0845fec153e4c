"""Seed the audit chain's head row; on PostgreSQL, refuse UPDATE/DELETE of audit events."""

from django.db import migrations

GENESIS = "0" * 64

PG_GUARD = """
CREATE OR REPLACE FUNCTION registry_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS registry_auditevent_append_only ON registry_auditevent;
CREATE TRIGGER registry_auditevent_append_only
  BEFORE UPDATE OR DELETE ON registry_auditevent
  FOR EACH ROW EXECUTE FUNCTION registry_audit_append_only();
"""
PG_UNGUARD = """
DROP TRIGGER IF EXISTS registry_auditevent_append_only ON registry_auditevent;
DROP FUNCTION IF EXISTS registry_audit_append_only();
"""
SQLITE_GUARD = [
    """CREATE TRIGGER IF NOT EXISTS registry_auditevent_no_update BEFORE UPDATE
       ON registry_auditevent BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS registry_auditevent_no_delete BEFORE DELETE
       ON registry_auditevent BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
]


def seed_head(apps, schema_editor):
    apps.get_model("registry", "AuditHead").objects.get_or_create(
        pk=1, defaults={"last_seq": 0, "last_hash": GENESIS}
    )


def guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_GUARD)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_GUARD:
            schema_editor.execute(statement)


def unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UNGUARD)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS registry_auditevent_no_update")
        schema_editor.execute("DROP TRIGGER IF EXISTS registry_auditevent_no_delete")


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [
        migrations.RunPython(seed_head, migrations.RunPython.noop),
        migrations.RunPython(guard, unguard),
    ]
