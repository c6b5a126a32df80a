"""A revision names the record it changed by identity: its type (``content_type``) and primary key
(``object_id``); ``entity`` and ``key`` stay, as the label people read.

Revisions recorded before are given the identity of the record their label names, where exactly
one record of that kind answers to it (the labels are the ones the writers used: see
``LABELS``). A revision whose record has since been deleted, or whose label names no single
record, keeps no identity (both null) and its label.
"""

import re
from collections import defaultdict

import django.db.models.deletion
from django.db import migrations, models

# entity -> (app label, model name) of the record it labels
MODELS = {
    "directorate": ("core", "directorate"),
    "kpi": ("performance", "kpi"),
    "target": ("performance", "kpitarget"),
    "observation": ("performance", "observation"),
    "activity_indicator": ("performance", "activityindicator"),
    "activity_observation": ("performance", "activityobservation"),
    "published_rating": ("performance", "publishedrating"),
    "published_counts": ("performance", "publishedcounts"),
    "commentary": ("performance", "commentary"),
    "table": ("performance", "supportingtable"),
    "register": ("risk", "register"),
    "candidate_risk": ("risk", "candidaterisk"),
    "candidate": ("risk", "candidaterisk"),
    "risk": ("risk", "risk"),
    "risk_rating": ("risk", "riskrating"),
    "control": ("risk", "control"),
    "action": ("risk", "action"),
    "risk_event": ("risk", "riskevent"),
    "published_risk": ("risk", "publishedrisk"),
}


def _commentary(c):
    parts = (c.period, c.directorate.code if c.directorate else "", c.sub_area.name if c.sub_area else "",
             c.kpi.code if c.kpi else "", c.topic)
    return [" ".join(x for x in parts if x)]


def _event(e):
    return [f"{e.risk_code} {e.event} {e.rating or ''} {e.occurred_by or ''}".replace("  ", " ").strip()]


# entity -> (related fields to load, the labels a record was written under)
LABELS = {
    "directorate": ((), lambda d: [d.code]),
    "kpi": ((), lambda k: [k.code]),
    "target": (("kpi",), lambda t: [f"{t.kpi.code} {t.financial_year}" + (f" from {t.effective_from}" if t.effective_from else "")]),
    "observation": (("kpi",), lambda o: [f"{o.kpi.code} {o.period}"]),
    "activity_indicator": ((), lambda i: [i.code]),
    "activity_observation": (("indicator",), lambda o: [f"{o.indicator.code} {o.period}"]),
    "published_rating": (("kpi",), lambda p: [f"{p.kpi.code} {p.period}"]),
    "published_counts": (("directorate",), lambda p: [f"{p.period} {p.directorate.code if p.directorate else 'TOTAL'}"]),
    "commentary": (("directorate", "sub_area", "kpi"), _commentary),
    "table": ((), lambda t: [t.name]),
    "register": ((), lambda g: [g.code]),
    "candidate_risk": ((), lambda c: [c.theme[:200]]),
    "candidate": ((), lambda c: [c.theme, c.theme[:200]]),
    "risk": ((), lambda r: [r.risk_id]),
    "risk_event": ((), _event),
    "published_risk": ((), lambda p: [f"{p.risk_code} {p.edition_body} {p.edition_date.isoformat()}" if p.edition_date else p.risk_code]),
}
ITEM_KEY = re.compile(r"(CRR\d{4}) #(\d+)")
RATING_KEY = re.compile(r"(CRR\d{4}) (current|target) (\d{4}-\d{2}-\d{2})")


def _labelled(Model, db, related, labels):
    """label -> pk, for the labels exactly one record answers to."""
    found = defaultdict(set)
    for obj in Model.objects.using(db).select_related(*related):
        for label in set(labels(obj)):
            found[label].add(obj.pk)
    return {label: next(iter(pks)) for label, pks in found.items() if len(pks) == 1}


def backfill(apps, schema_editor):
    db = schema_editor.connection.alias
    Revision = apps.get_model("core", "Revision")
    ContentType = apps.get_model("contenttypes", "ContentType")
    entities = set(Revision.objects.using(db).filter(object_id__isnull=True).values_list("entity", flat=True).distinct())
    for entity in sorted(entities & set(MODELS)):
        app_label, model_name = MODELS[entity]
        Model = apps.get_model(app_label, model_name)
        content_type, _ = ContentType.objects.using(db).get_or_create(app_label=app_label, model=model_name)
        if entity in ("control", "action"):
            items = dict(Model.objects.using(db).values_list("pk", "risk__risk_id"))
            resolve = lambda r: (int(m.group(2)) if (m := ITEM_KEY.fullmatch(r.key)) and items.get(int(m.group(2))) == m.group(1)
                                 else None)
        elif entity == "risk_rating":
            ratings = {}
            for row in Model.objects.using(db).select_related("risk").order_by("pk"):
                ratings[(row.risk.risk_id, row.kind, row.effective_date.isoformat(), row.recorded_at)] = row.pk
            resolve = lambda r: ratings.get((*m.groups(), r.changed_at)) if (m := RATING_KEY.fullmatch(r.key)) else None
        else:
            related, labels = LABELS[entity]
            pks = _labelled(Model, db, related, labels)
            resolve = lambda r: pks.get(r.key)
        batch = []
        for revision in Revision.objects.using(db).filter(entity=entity, object_id__isnull=True).iterator():
            pk = resolve(revision)
            if pk is not None:
                revision.content_type_id, revision.object_id = content_type.pk, pk
                batch.append(revision)
            if len(batch) >= 500:
                Revision.objects.using(db).bulk_update(batch, ["content_type", "object_id"])
                batch = []
        Revision.objects.using(db).bulk_update(batch, ["content_type", "object_id"])


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0002_rename_tables"),
        ("performance", "0004_shared_models_to_core"),
        ("risk", "0007_rename_riskassignment_table"),
    ]

    operations = [
        migrations.AddField(
            model_name="revision",
            name="content_type",
            field=models.ForeignKey(blank=True, help_text="The changed record's type.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="contenttypes.contenttype"),
        ),
        migrations.AddField(
            model_name="revision",
            name="object_id",
            field=models.PositiveBigIntegerField(blank=True, help_text="The changed record's primary key.", null=True),
        ),
        migrations.AlterField(
            model_name="revision",
            name="entity",
            field=models.CharField(help_text="The record's kind, e.g. observation, kpi, target, risk", max_length=40),
        ),
        migrations.AlterField(
            model_name="revision",
            name="key",
            field=models.CharField(help_text="The record's label for people, e.g. CS1 2022/23 Q2", max_length=200),
        ),
        migrations.AddIndex(
            model_name="revision",
            index=models.Index(fields=["content_type", "object_id"], name="core_revision_record_idx"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
