"""The audit log names every changed record by identity (type and primary key), whoever writes
it: the bundle loaders of both areas, the performance services, the risk lifecycle."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from beacon.bundle.importer import import_bundle
from beacon.core import audit
from beacon.core.models import Directorate, Revision
from beacon.demo import HERE
from beacon.performance import models as pm

AT = dt.datetime(2023, 1, 5, 12, tzinfo=dt.timezone.utc)


@pytest.mark.django_db
def test_save_with_history_records_the_changed_record_by_identity():
    change = audit.Change(by="someone", at=AT, reason="a test", source="a test source")
    d, outcome = audit.save_with_history(Directorate, {"code": "AA"}, {"name": "Alpha"}, entity="directorate",
                                         key="AA", change=change, track_creation=("name",))
    assert outcome == "created"
    _, outcome = audit.save_with_history(Directorate, {"code": "AA"}, {"name": "Alpha Services"},
                                         entity="directorate", key="AA", change=change)
    assert outcome == "changed"
    audit.save_with_history(Directorate, {"code": "BB"}, {"name": "Beta"}, entity="directorate", key="BB",
                            change=change, track_creation=("name",))
    history = list(audit.history_of(d))
    assert [(r.field, r.old_value, r.new_value) for r in history] == [("name", "", "Alpha"),
                                                                       ("name", "Alpha", "Alpha Services")]
    assert {r.record for r in history} == {d}
    assert (history[0].entity, history[0].key, history[0].changed_by, history[0].source) == (
        "directorate", "AA", "someone", "a test source")


@pytest.mark.django_db
def test_every_revision_of_the_demo_names_its_record(clock):
    clock.set("2023-01-05")
    import_bundle(HERE / "kcc-2022-23-q2", user="first")
    import_bundle(HERE / "kcc-risk-register-2023-01", user="first")
    # a changed value, and the risk register's next edition: changes of every kind
    obs = pm.Observation.objects.get(kpi__code="CS1", period="2022/23 Q2")
    audit.save_with_history(pm.Observation, {"pk": obs.pk}, {"value": obs.value + Decimal(1)},
                            entity="observation", key="CS1 2022/23 Q2", change=audit.Change(by="x", at=AT))
    clock.set("2023-03-08")
    import_bundle(HERE / "kcc-risk-register-2023-03-cype", user="second")

    from beacon.risk.models import Action, Control, Risk

    expected = {"observation": (pm.Observation, lambda o: f"{o.kpi.code} {o.period}"),
                "risk": (Risk, lambda r: r.risk_id),
                "control": (Control, lambda c: c.history_key),
                "action": (Action, lambda a: a.history_key)}
    revisions = list(Revision.objects.all())
    assert {r.entity for r in revisions} == set(expected)
    assert [r for r in revisions if r.object_id is None] == []
    for r in revisions:
        model, label = expected[r.entity]
        assert isinstance(r.record, model) and label(r.record) == r.key, r


def test_a_revision_label_longer_than_its_column_is_shortened(db):
    """A published risk's label holds the edition's body: a long body must not break the write
    on PostgreSQL (SQLite would have stored it whole)."""
    from beacon.core.audit import Change, record_revision
    from beacon.core.clock import now
    from beacon.core.models import Directorate, Revision

    d = Directorate.objects.create(code="LONG", name="Long")
    rev = record_revision(Change(by="t", at=now()), d, "directorate", "X" * 300, "name", "a", "b")
    stored = Revision.objects.get(pk=rev.pk)
    assert len(stored.key) == Revision._meta.get_field("key").max_length and stored.key.endswith("…")
