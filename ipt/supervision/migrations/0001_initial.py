"""Supervision notes, append-only in the database too: a trigger refuses UPDATE on SQLite and
PostgreSQL, and DELETE on PostgreSQL (the production database), whose test flush uses TRUNCATE.
SQLite's flush deletes row by row, so there the model and its queryset refuse deletion."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MESSAGE = "supervision notes are append-only; add a new note"
SQLITE_UP = [
    f"CREATE TRIGGER supervision_note_no_{event.lower()} BEFORE {event} ON "
    f"supervision_supervisionnote BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
    for event in ("UPDATE",)
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS supervision_note_no_update;"]
POSTGRES_UP = [
    f"""
CREATE OR REPLACE FUNCTION supervision_note_refuse_change() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION '{MESSAGE}'; END;
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER supervision_note_no_change BEFORE UPDATE OR DELETE ON supervision_supervisionnote
FOR EACH ROW EXECUTE FUNCTION supervision_note_refuse_change()
""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS supervision_note_no_change ON supervision_supervisionnote",
    "DROP FUNCTION IF EXISTS supervision_note_refuse_change()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql.strip())

    return run


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("courses", "0002_seed_default_variants"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SupervisionNote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("discussed_on", models.DateField(verbose_name="date discussed")),
                ("text", models.TextField()),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "course",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="supervision_notes",
                        to="courses.course",
                    ),
                ),
            ],
            options={
                "ordering": ["-discussed_on", "-created_at", "-pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("text", ""), _negated=True),
                        name="supervision_note_has_text",
                    )
                ],
            },
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        ),
    ]
