"""The audit log belongs to the core app now (``core/0001``): a revision's effective date points
there. A risk owner's assignment moves here from the web app, keeping its rows: only Django's
record moves (the table ``web_riskassignment`` stays until ``0007`` renames it), and its content
type moves with it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor, old="web", new="risk"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label=new, model="riskassignment").exists():
        ContentType.objects.using(db).filter(app_label=old, model="riskassignment").update(app_label=new)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, old="risk", new="web")


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("risk", "0005_edition_history"),
        ("core", "0001_move_shared_models"),
        ("web", "0006_returns_move_to_their_app"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="revisioneffect",
                    name="revision",
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="risk_effect", to="core.revision"),
                ),
                migrations.CreateModel(
                    name="RiskAssignment",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("risk", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="assignments", to="risk.risk")),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="risk_assignments", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "web_riskassignment",
                        "constraints": [models.UniqueConstraint(fields=("user", "risk"), name="unique_risk_assignment")],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
