"""The quarterly return's models move from the web app to this app, keeping their rows.

Only Django's record of the models moves here (``SeparateDatabaseAndState``): the tables stay
where they are (``web_return`` ...) and ``web/0006`` forgets them on the web side; ``0002``
then renames the tables. The content types move with the models, so permissions granted on
them and the admin's history stay attached.
"""

import django.db.models.deletion
from django.db import migrations, models

import beacon.core.clock

MODELS = ("returnperiod", "yearclosure", "return", "returnline", "returnevent")


def move_content_types(apps, schema_editor, old="web", new="returns"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if ContentType.objects.using(db).filter(app_label=new, model=model).exists():
            continue
        ContentType.objects.using(db).filter(app_label=old, model=model).update(app_label=new)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, old="returns", new="web")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("performance", "0001_initial"),
        ("web", "0005_clock_defaults"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ReturnPeriod",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("period", models.CharField(help_text="Quarter label, e.g. 2022/23 Q3.", max_length=12, unique=True)),
                        ("period_sort", models.IntegerField()),
                        ("due_date", models.DateField()),
                        ("opened_by", models.CharField(max_length=150)),
                        ("opened_at", models.DateTimeField()),
                    ],
                    options={"ordering": ["-period_sort"], "db_table": "web_returnperiod"},
                ),
                migrations.CreateModel(
                    name="YearClosure",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("financial_year", models.CharField(max_length=7, unique=True)),
                        ("closed_by", models.CharField(max_length=150)),
                        ("closed_at", models.DateTimeField()),
                    ],
                    options={"db_table": "web_yearclosure"},
                ),
                migrations.CreateModel(
                    name="Return",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("status", models.CharField(choices=[("not_started", "Not started"), ("draft", "Draft"), ("submitted", "Submitted"), ("returned", "Returned for changes"), ("approved", "Approved")], default="not_started", max_length=12)),
                        ("commentary", models.TextField(blank=True, help_text="The directorate's commentary for the quarter.")),
                        ("submitted_by", models.CharField(blank=True, max_length=150)),
                        ("submitted_at", models.DateTimeField(blank=True, null=True)),
                        ("reviewed_by", models.CharField(blank=True, max_length=150)),
                        ("reviewed_at", models.DateTimeField(blank=True, null=True)),
                        ("review_comment", models.TextField(blank=True)),
                        ("updated_at", models.DateTimeField(default=beacon.core.clock.now)),
                        ("directorate", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="returns", to="performance.directorate")),
                        ("period", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="returns", to="returns.returnperiod")),
                    ],
                    options={
                        "ordering": ["period", "directorate__display_order", "directorate__code"],
                        "db_table": "web_return",
                        "constraints": [models.UniqueConstraint(fields=("period", "directorate"), name="unique_return")],
                    },
                ),
                migrations.CreateModel(
                    name="ReturnEvent",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("action", models.CharField(max_length=20)),
                        ("by", models.CharField(max_length=150)),
                        ("at", models.DateTimeField()),
                        ("comment", models.TextField(blank=True)),
                        ("changes", models.JSONField(blank=True, default=list)),
                        ("ret", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="events", to="returns.return")),
                    ],
                    options={"ordering": ["at", "pk"], "db_table": "web_returnevent"},
                ),
                migrations.CreateModel(
                    name="ReturnLine",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("value_text", models.CharField(blank=True, max_length=40)),
                        ("value", models.DecimalField(blank=True, decimal_places=10, max_digits=28, null=True)),
                        ("note", models.TextField(blank=True, help_text="Data caveat printed with the value.")),
                        ("commentary", models.TextField(blank=True)),
                        ("month_values", models.JSONField(blank=True, default=dict, help_text='A monthly KPI\'s values as typed, by month: {"2022-10": "97", ...} (value_text stays empty).')),
                        ("indicator", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to="performance.activityindicator")),
                        ("kpi", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to="performance.kpi")),
                        ("ret", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="lines", to="returns.return")),
                    ],
                    options={
                        "db_table": "web_returnline",
                        "constraints": [
                            models.UniqueConstraint(fields=("ret", "kpi"), name="unique_return_kpi"),
                            models.UniqueConstraint(fields=("ret", "indicator"), name="unique_return_indicator"),
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
