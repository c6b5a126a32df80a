"""The moved tables take this app's names (``web_return`` -> ``returns_return`` ...). Rows,
primary keys and foreign keys are kept; on PostgreSQL and SQLite this is a table rename."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("returns", "0001_move_from_web"),
        ("web", "0006_returns_move_to_their_app"),
    ]

    operations = [
        migrations.AlterModelTable(name="returnperiod", table=None),
        migrations.AlterModelTable(name="yearclosure", table=None),
        migrations.AlterModelTable(name="return", table=None),
        migrations.AlterModelTable(name="returnline", table=None),
        migrations.AlterModelTable(name="returnevent", table=None),
    ]
