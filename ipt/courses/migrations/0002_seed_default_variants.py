"""Give every existing service the standard IPT variants. Services made later get them from
`ipt.courses.services.add_default_variants` (the demo data and the test personas call it)."""

from django.db import migrations

from ipt.courses.variants import DEFAULT_VARIANTS


def seed(apps, schema_editor):
    Service = apps.get_model("organisations", "Service")
    TherapyVariant = apps.get_model("courses", "TherapyVariant")
    for service in Service.objects.all():
        have = set(TherapyVariant.objects.filter(service=service).values_list("code", flat=True))
        for values in DEFAULT_VARIANTS:
            if values["code"] not in have:
                TherapyVariant.objects.create(service=service, **values)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
        ("organisations", "0002_rooms_closures_and_settings"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
