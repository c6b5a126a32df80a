"""Directorates, sub-areas, the audit log and import runs now belong to the core app
(``core/0001``): the performance models' foreign keys point there, and this app forgets the
models without touching their tables or rows (``core/0002`` renames the tables)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("performance", "0003_directorate_kpi_heading"),
        ("core", "0001_move_shared_models"),
        ("returns", "0004_directorate_in_core"),
        ("risk", "0006_shared_models_in_core"),
        ("web", "0007_assignments_and_tokens_move"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="kpi",
                    name="directorate",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="kpis", to="core.directorate"),
                ),
                migrations.AlterField(
                    model_name="kpi",
                    name="sub_area",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="kpis", to="core.subarea"),
                ),
                migrations.AlterField(
                    model_name="activityindicator",
                    name="directorate",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="activity_indicators", to="core.directorate"),
                ),
                migrations.AlterField(
                    model_name="commentary",
                    name="directorate",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to="core.directorate"),
                ),
                migrations.AlterField(
                    model_name="commentary",
                    name="sub_area",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to="core.subarea"),
                ),
                migrations.AlterField(
                    model_name="publishedcounts",
                    name="directorate",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to="core.directorate"),
                ),
                migrations.AlterField(
                    model_name="supportingtable",
                    name="directorate",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="tables", to="core.directorate"),
                ),
                migrations.DeleteModel(name="SubArea"),
                migrations.DeleteModel(name="Directorate"),
                migrations.DeleteModel(name="Revision"),
                migrations.DeleteModel(name="ImportRun"),
            ],
        ),
    ]
