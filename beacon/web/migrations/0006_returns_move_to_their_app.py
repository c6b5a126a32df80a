"""The quarterly return's models now belong to the ``returns`` app (``returns/0001``): the web
app forgets them without touching their tables or rows."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("web", "0005_clock_defaults"),
        ("returns", "0001_move_from_web"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="ReturnLine"),
                migrations.DeleteModel(name="ReturnEvent"),
                migrations.DeleteModel(name="Return"),
                migrations.DeleteModel(name="ReturnPeriod"),
                migrations.DeleteModel(name="YearClosure"),
            ],
        ),
    ]
