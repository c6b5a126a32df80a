"""The other bodies that receive the corporate register whole (``registers.csv`` ``other_bodies``).

Until now ``beacon register`` took Cabinet, Governance & Audit Committee and County Council as
whole-council bodies by name; a corporate register that exists keeps them, as data."""

from django.db import migrations, models

FORMERLY_BUILT_IN = ["Cabinet", "Governance & Audit Committee", "Governance and Audit Committee", "County Council"]


def keep_the_former_bodies(apps, schema_editor):
    Register = apps.get_model("risk", "Register")
    for register in Register.objects.filter(code="corporate"):
        owner = " ".join(register.owner_body.split()).lower()
        register.other_bodies = [b for b in FORMERLY_BUILT_IN if b.lower() != owner]
        register.save(update_fields=["other_bodies"])


class Migration(migrations.Migration):

    dependencies = [
        ("risk", "0007_rename_riskassignment_table"),
    ]

    operations = [
        migrations.AddField(
            model_name="register",
            name="other_bodies",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(keep_the_former_bodies, migrations.RunPython.noop),
    ]
