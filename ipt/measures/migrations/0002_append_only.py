"""Make submitted responses unchangeable in the database too, and risk alerts changeable only by
acknowledging or escalating them, once. An UPDATE that breaks this is refused by a trigger."""

from django.db import migrations

ALERT_CHANGED = (
    "OLD.acknowledged_at IS NOT NULL"
    " OR (OLD.escalated_at IS NOT NULL AND NEW.escalated_at IS NOT OLD.escalated_at)"
    " OR NEW.response_id IS NOT OLD.response_id"
    " OR NEW.client_id IS NOT OLD.client_id"
    " OR NEW.course_id IS NOT OLD.course_id"
    " OR NEW.flag IS NOT OLD.flag"
    " OR NEW.raised_at IS NOT OLD.raised_at"
    " OR NEW.therapist_id IS NOT OLD.therapist_id"
    " OR NEW.escalate_at IS NOT OLD.escalate_at"
)

SQLITE_UP = [
    """
CREATE TRIGGER measures_response_no_update BEFORE UPDATE ON measures_response
BEGIN SELECT RAISE(ABORT, 'questionnaire responses are never changed; add a correction'); END;
""",
    f"""
CREATE TRIGGER measures_riskalert_once BEFORE UPDATE ON measures_riskalert
WHEN {ALERT_CHANGED}
BEGIN SELECT RAISE(ABORT, 'a risk alert is acknowledged or escalated once, never changed'); END;
""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS measures_response_no_update;",
    "DROP TRIGGER IF EXISTS measures_riskalert_once;",
]

POSTGRES_UP = [
    """
CREATE OR REPLACE FUNCTION measures_response_refuse_change() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'questionnaire responses are never changed; add a correction'; END;
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER measures_response_no_update BEFORE UPDATE ON measures_response
FOR EACH ROW EXECUTE FUNCTION measures_response_refuse_change()
""",
    f"""
CREATE OR REPLACE FUNCTION measures_riskalert_refuse_change() RETURNS trigger AS $$
BEGIN
  IF {ALERT_CHANGED.replace(" IS NOT OLD.", " IS DISTINCT FROM OLD.")} THEN
    RAISE EXCEPTION 'a risk alert is acknowledged or escalated once, never changed';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER measures_riskalert_once BEFORE UPDATE ON measures_riskalert
FOR EACH ROW EXECUTE FUNCTION measures_riskalert_refuse_change()
""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS measures_response_no_update ON measures_response",
    "DROP FUNCTION IF EXISTS measures_response_refuse_change()",
    "DROP TRIGGER IF EXISTS measures_riskalert_once ON measures_riskalert",
    "DROP FUNCTION IF EXISTS measures_riskalert_refuse_change()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql.strip())

    return run


class Migration(migrations.Migration):
    dependencies = [("measures", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        ),
    ]
