"""The moved table takes this app's name (``web_riskassignment`` -> ``risk_riskassignment``),
rows kept."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("risk", "0006_shared_models_in_core"),
        ("web", "0007_assignments_and_tokens_move"),
    ]

    operations = [
        migrations.AlterModelTable(name="riskassignment", table=None),
    ]
