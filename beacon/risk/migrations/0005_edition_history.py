"""Editions as of their date, printed summaries per edition, one history per control and action.

* RevisionEffect: the date a recorded change to a risk, control or action took effect.
* PublishedRisk: the edition a printed row belongs to (edition_body, edition_date); the rows of
  older bundles keep both empty (printed for no particular edition).
* Control and action revisions recorded under a text key ("CRR0001 <title>" as cut by the web,
  "CRR0001 <title cut to 57>..." as cut by the import, or an earlier title) are re-keyed by the
  record's identity ("CRR0001 #17"), where the text names exactly one of the risk's items.
"""

import django.db.models.deletion
from django.db import migrations, models


def _short(text):
    return text if len(text) <= 60 else text[:57] + "..."


def identity_keys(apps, schema_editor):
    Revision = apps.get_model("performance", "Revision")
    for entity, model_name in (("control", "Control"), ("action", "Action")):
        Model = apps.get_model("risk", model_name)
        items = list(Model.objects.select_related("risk"))
        titles = {}  # (risk id, text key) -> item pks
        for item in items:
            names, found = set(), {item.title}
            while found:  # earlier titles: a renamed control's rename was recorded under its old title
                names |= found
                found = set(Revision.objects.filter(entity=entity, field="title", new_value__in=found,
                                                    key__startswith=f"{item.risk.risk_id} ")
                            .exclude(old_value="").values_list("old_value", flat=True)) - names
            for name in names:
                for key in {f"{item.risk.risk_id} {name[:60]}", f"{item.risk.risk_id} {_short(name)}"}:
                    titles.setdefault(key, set()).add(item.pk)
        by_pk = {item.pk: item for item in items}
        for key, pks in titles.items():
            if len(pks) != 1:
                continue  # the text names more than one item: left as it was
            item = by_pk[next(iter(pks))]
            Revision.objects.filter(entity=entity, key=key).update(key=f"{item.risk.risk_id} #{item.pk}")


class Migration(migrations.Migration):

    dependencies = [
        ("performance", "0001_initial"),
        ("risk", "0004_control_events"),
    ]

    operations = [
        migrations.CreateModel(
            name="RevisionEffect",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("effective_date", models.DateField()),
                ("revision", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE,
                                                  related_name="risk_effect", to="performance.revision")),
            ],
        ),
        migrations.AlterModelOptions(
            name="publishedrisk",
            options={"ordering": ["edition_date", "edition_body", "risk_code"]},
        ),
        migrations.AddField(
            model_name="publishedrisk",
            name="edition_body",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="publishedrisk",
            name="edition_date",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="publishedrisk",
            name="risk_code",
            field=models.CharField(max_length=7),
        ),
        migrations.AddConstraint(
            model_name="publishedrisk",
            constraint=models.UniqueConstraint(fields=("risk_code", "edition_body", "edition_date"),
                                               name="unique_printed_row"),
        ),
        migrations.AddConstraint(
            model_name="publishedrisk",
            constraint=models.UniqueConstraint(condition=models.Q(("edition_date__isnull", True)), fields=("risk_code",),
                                               name="unique_unscoped_printed_row"),
        ),
        migrations.RunPython(identity_keys, migrations.RunPython.noop),
    ]
