"""Directorates belong to the core app now (``core/0001``): the return's foreign key points there.
The column and its rows do not change."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("returns", "0003_typed_values"),
        ("core", "0001_move_shared_models"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="return",
                    name="directorate",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="returns", to="core.directorate"),
                ),
            ],
        ),
    ]
