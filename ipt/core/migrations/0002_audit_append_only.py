"""Make audit events append-only in the database too: an UPDATE is refused by a trigger."""

from django.db import migrations

SQLITE_UP = """
CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS core_auditevent_no_update;"

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION core_auditevent_refuse_change() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit events are append-only'; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse_change();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS core_auditevent_no_update ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_refuse_change();
"""


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        sql = statements_by_vendor.get(schema_editor.connection.vendor)
        if sql:
            if schema_editor.connection.vendor == "sqlite":
                schema_editor.execute(sql.strip())
            else:
                schema_editor.execute(sql)

    return run


def create_head(apps, schema_editor):
    apps.get_model("core", "AuditChainHead").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        ),
        migrations.RunPython(create_head, migrations.RunPython.noop),
    ]
