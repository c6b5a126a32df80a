"""The moved tables take this app's names (``performance_directorate`` -> ``core_directorate``,
``web_apitoken`` -> ``core_apitoken`` ...). Rows, primary keys and the foreign keys that point
at them are kept; on PostgreSQL and SQLite this is a table rename."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_move_shared_models"),
        ("performance", "0004_shared_models_to_core"),
        ("web", "0007_assignments_and_tokens_move"),
    ]

    operations = [
        migrations.AlterModelTable(name="directorate", table=None),
        migrations.AlterModelTable(name="subarea", table=None),
        migrations.AlterModelTable(name="revision", table=None),
        migrations.AlterModelTable(name="importrun", table=None),
        migrations.AlterModelTable(name="directorateassignment", table=None),
        migrations.AlterModelTable(name="apitoken", table=None),
    ]
