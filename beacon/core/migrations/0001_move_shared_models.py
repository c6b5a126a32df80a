"""What every area shares moves to this app, keeping its rows: directorates, sub-areas, the audit
log and import runs from ``performance``; directorate assignments and API tokens from ``web``.

Only Django's record of the models moves here (``SeparateDatabaseAndState``): the tables stay
where they are (``performance_directorate`` ...); ``performance/0004``, ``web/0007``,
``returns/0004`` and ``risk/0006`` point their foreign keys here and forget the models on their
side; ``0002`` then renames the tables. The content types move with the models, so permissions
granted on them and the admin's history stay attached.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import beacon.core.clock

MOVED = {"performance": ("directorate", "subarea", "revision", "importrun"), "web": ("directorateassignment", "apitoken")}


def move_content_types(apps, schema_editor, back=False):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for app, names in MOVED.items():
        old, new = ("core", app) if back else (app, "core")
        for model in names:
            if ContentType.objects.using(db).filter(app_label=new, model=model).exists():
                continue
            ContentType.objects.using(db).filter(app_label=old, model=model).update(app_label=new)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, back=True)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("performance", "0003_directorate_kpi_heading"),
        ("web", "0006_returns_move_to_their_app"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Directorate",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("code", models.CharField(max_length=32, unique=True)),
                        ("name", models.CharField(help_text="The Executive Summary name.", max_length=200)),
                        ("section_title", models.CharField(blank=True, help_text="Section heading, when it differs.", max_length=200)),
                        ("cabinet_members", models.JSONField(blank=True, default=list)),
                        ("corporate_director", models.CharField(blank=True, max_length=200)),
                        ("director_label", models.CharField(default="Corporate Director", max_length=100)),
                        ("display_order", models.IntegerField(default=0)),
                        ("kpi_heading", models.CharField(blank=True, help_text='The heading of its KPI panels in the report (blank: "Key Performance Indicators").', max_length=200)),
                    ],
                    options={"ordering": ["display_order", "code"], "db_table": "performance_directorate"},
                ),
                migrations.CreateModel(
                    name="SubArea",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=200)),
                        ("display_order", models.IntegerField(default=0)),
                        ("directorate", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="sub_areas", to="core.directorate")),
                    ],
                    options={
                        "ordering": ["directorate__display_order", "display_order", "name"],
                        "db_table": "performance_subarea",
                        "constraints": [models.UniqueConstraint(fields=("directorate", "name"), name="unique_sub_area")],
                    },
                ),
                migrations.CreateModel(
                    name="Revision",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("entity", models.CharField(help_text="e.g. observation, kpi, target", max_length=40)),
                        ("key", models.CharField(help_text="The record's natural key, e.g. CS1 2022/23 Q2", max_length=200)),
                        ("field", models.CharField(max_length=60)),
                        ("old_value", models.TextField(blank=True)),
                        ("new_value", models.TextField(blank=True)),
                        ("changed_by", models.CharField(max_length=150)),
                        ("changed_at", models.DateTimeField()),
                        ("reason", models.TextField(blank=True)),
                        ("source", models.CharField(blank=True, help_text="The import file or form.", max_length=500)),
                    ],
                    options={
                        "ordering": ["changed_at", "pk"],
                        "db_table": "performance_revision",
                        "indexes": [models.Index(fields=["entity", "key"], name="performance_entity_6475e1_idx")],
                    },
                ),
                migrations.CreateModel(
                    name="ImportRun",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("source", models.CharField(max_length=500)),
                        ("imported_by", models.CharField(max_length=150)),
                        ("imported_at", models.DateTimeField()),
                        ("summary", models.JSONField(default=dict)),
                    ],
                    options={"ordering": ["-imported_at"], "db_table": "performance_importrun"},
                ),
                migrations.CreateModel(
                    name="DirectorateAssignment",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("directorate", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="assignments", to="core.directorate")),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="directorate_assignments", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "web_directorateassignment",
                        "constraints": [models.UniqueConstraint(fields=("user", "directorate"), name="unique_directorate_assignment")],
                    },
                ),
                migrations.CreateModel(
                    name="ApiToken",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(blank=True, max_length=100)),
                        ("prefix", models.CharField(help_text="The first characters, to tell tokens apart.", max_length=8)),
                        ("digest", models.CharField(max_length=64, unique=True)),
                        ("created_at", models.DateTimeField(default=beacon.core.clock.now)),
                        ("last_used_at", models.DateTimeField(blank=True, null=True)),
                        ("revoked", models.BooleanField(default=False)),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="api_tokens", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={"verbose_name": "API token", "db_table": "web_apitoken"},
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
