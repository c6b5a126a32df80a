# A target change's field holds a range KPI's values too ("target_high" is 11 characters), and
# its choices are TargetField's, now with the four ends of a range KPI's bands.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("performance", "0006_target_changes_and_benchmarking"),
    ]

    operations = [
        migrations.AlterField(
            model_name="targetchange",
            name="field",
            field=models.CharField(
                choices=[
                    ("target", "Target"),
                    ("floor", "Floor standard"),
                    ("target_low", "Target range, lower end"),
                    ("target_high", "Target range, upper end"),
                    ("floor_low", "Floor standard range, lower end"),
                    ("floor_high", "Floor standard range, upper end"),
                ],
                max_length=20,
            ),
        ),
    ]
