"""Client risk answers kept on portal drafts and on the alerts they raise (issue 6 review).

The alert's new `answers` and `note` are set when it is raised and never changed: the
trigger that keeps risk alerts append-only is remade to guard them too (SQLite also drops a
table's triggers when a migration rebuilds the table, so it is remade after the changes).
"""

import importlib

from django.conf import settings
from django.db import migrations, models

_append_only = importlib.import_module("ipt.measures.migrations.0002_append_only")
ORIGINAL = _append_only.ALERT_CHANGED
GUARDED = ORIGINAL + " OR NEW.answers IS NOT OLD.answers OR NEW.note IS NOT OLD.note"


def _remake_trigger(condition: str):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite":
            schema_editor.execute("DROP TRIGGER IF EXISTS measures_riskalert_once")
            schema_editor.execute(
                "CREATE TRIGGER measures_riskalert_once BEFORE UPDATE ON measures_riskalert "
                f"WHEN {condition} BEGIN SELECT RAISE(ABORT, "
                "'a risk alert is acknowledged or escalated once, never changed'); END;"
            )
        elif vendor == "postgresql":
            changed = condition.replace(" IS NOT OLD.", " IS DISTINCT FROM OLD.")
            changed = changed.replace(
                "NEW.answers IS DISTINCT FROM OLD.answers",
                "NEW.answers::jsonb IS DISTINCT FROM OLD.answers::jsonb",
            )
            schema_editor.execute(
                "CREATE OR REPLACE FUNCTION measures_riskalert_refuse_change() RETURNS trigger "
                f"AS $$ BEGIN IF {changed} THEN RAISE EXCEPTION "
                "'a risk alert is acknowledged or escalated once, never changed'; END IF; "
                "RETURN NEW; END; $$ LANGUAGE plpgsql"
            )

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0001_initial"),
        ("courses", "0002_seed_default_variants"),
        ("measures", "0003_portal_draft"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="riskalert",
            name="one_alert_per_flag",
        ),
        migrations.AddField(
            model_name="portaldraft",
            name="risk_answers",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="portaldraft",
            name="risk_seen_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="riskalert",
            name="answers",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="riskalert",
            name="note",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddConstraint(
            model_name="riskalert",
            constraint=models.UniqueConstraint(
                fields=("response", "flag", "note"), name="one_alert_per_flag_and_source"
            ),
        ),
        migrations.RunPython(_remake_trigger(GUARDED), _remake_trigger(ORIGINAL)),
    ]
