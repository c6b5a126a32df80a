"""Directorate assignments and API tokens now belong to the core app (``core/0001``), risk
assignments to the risk app (``risk/0006``): the web app forgets them without touching their
tables or rows."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("web", "0006_returns_move_to_their_app"),
        ("core", "0001_move_shared_models"),
        ("risk", "0006_shared_models_in_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="DirectorateAssignment"),
                migrations.DeleteModel(name="RiskAssignment"),
                migrations.DeleteModel(name="ApiToken"),
            ],
        ),
    ]
