"""Controls: add, revise (title, owner) and retire, each with its event and revisions; a retired
control is kept (marked removed), never deleted, and the history survives an export."""

import datetime as dt

import pytest

from beacon.bundle.importer import export_bundle, import_bundle
from beacon.demo import HERE
from beacon.core.models import Revision
from beacon.risk import lifecycle
from beacon.risk.history import item_history
from beacon.risk.lifecycle import LifecycleError
from beacon.risk.models import Control, Risk, RiskEvent

pytestmark = pytest.mark.django_db
JAN = HERE / "kcc-risk-register-2023-01"
D = dt.date(2023, 2, 1)


@pytest.fixture
def r2():
    import_bundle(JAN, user="import", now=dt.datetime(2023, 1, 5, 9, tzinfo=dt.timezone.utc))
    return Risk.objects.get(risk_id="CRR0002")


def _events(risk):
    return list(RiskEvent.objects.filter(risk_code=risk.risk_id, event__startswith="control_")
                .order_by("pk").values_list("event", "recorded_by", "note"))


def test_add_control_records_event_and_revisions(r2):
    before = r2.controls.count()
    c = lifecycle.add_control(r2, "  Weekly cyber threat briefing ", "Head of ICT", by="rm", on=D)
    assert (c.title, c.owner, c.removed_at) == ("Weekly cyber threat briefing", "Head of ICT", None)
    assert c.order == max(x.order for x in r2.controls.exclude(pk=c.pk)) + 1
    assert r2.controls.count() == before + 1
    event = RiskEvent.objects.get(risk_code="CRR0002", event="control_added")
    assert (event.recorded_by, event.occurred_by, event.risk) == ("rm", D, r2)
    assert "Weekly cyber threat briefing" in event.note
    revs = Revision.objects.filter(entity="control", key=f"CRR0002 #{c.pk}")
    assert {(r.field, r.old_value, r.new_value, r.changed_by) for r in revs} == {
        ("title", "", "Weekly cyber threat briefing", "rm"), ("owner", "", "Head of ICT", "rm"),
        ("order", "", str(c.order), "rm")}
    with pytest.raises(LifecycleError, match="already has a control titled"):
        lifecycle.add_control(r2, "Weekly cyber threat briefing", by="rm", on=D)
    with pytest.raises(LifecycleError, match="title: a control needs its title"):
        lifecycle.add_control(r2, "  ", by="rm")


def test_revise_control_keeps_old_values(r2):
    c = lifecycle.add_control(r2, "Phishing tests", "ICT", by="rm", on=D)
    lifecycle.revise_control(c, title="Quarterly phishing tests", owner="Head of ICT", by="ro", on=D, note="widened")
    c.refresh_from_db()
    assert (c.title, c.owner) == ("Quarterly phishing tests", "Head of ICT")
    revs = {(r.field, r.old_value, r.new_value, r.changed_by, r.reason)
            for r in Revision.objects.filter(entity="control", key=f"CRR0002 #{c.pk}")}
    assert ("title", "Phishing tests", "Quarterly phishing tests", "ro", "widened") in revs
    assert ("owner", "ICT", "Head of ICT", "ro", "widened") in revs
    # owner only; a second revision the same day is allowed (like action events)
    lifecycle.revise_control(c, owner="CISO", by="rm", on=D)
    c.refresh_from_db()
    assert (c.title, c.owner) == ("Quarterly phishing tests", "CISO")
    # the new title does not start a second history: one control, one list
    assert [(r.field, r.new_value) for r in item_history(c) if r.field != "order"] == [
        ("title", "Phishing tests"), ("owner", "ICT"), ("title", "Quarterly phishing tests"), ("owner", "Head of ICT"),
        ("owner", "CISO")]
    assert [e[0] for e in _events(r2)] == ["control_added", "control_revised", "control_revised"]
    with pytest.raises(LifecycleError, match="already has this title and owner"):
        lifecycle.revise_control(c, title="Quarterly phishing tests", owner="CISO", by="rm")
    other = lifecycle.add_control(r2, "Backups", by="rm", on=D)
    with pytest.raises(LifecycleError, match="already has a control titled"):
        lifecycle.revise_control(other, title="Quarterly phishing tests", by="rm")


def test_retire_control_keeps_it(r2):
    c = lifecycle.add_control(r2, "Legacy firewall", by="rm", on=D)
    lifecycle.retire_control(c, by="rm", on=D, note="replaced by the new network")
    c.refresh_from_db()
    assert c.removed_at is not None and Control.objects.filter(pk=c.pk).exists()
    rev = Revision.objects.get(entity="control", key=c.history_key, field="removed_at")
    assert rev.old_value == "" and rev.new_value and rev.reason == "replaced by the new network"
    assert _events(r2)[-1] == ("control_retired", "rm", "replaced by the new network")
    with pytest.raises(LifecycleError, match="already retired"):
        lifecycle.retire_control(c, by="rm")
    with pytest.raises(LifecycleError, match="retired control cannot be revised"):
        lifecycle.revise_control(c, title="x", by="rm")
    with pytest.raises(LifecycleError, match=r"\(retired\)"):
        lifecycle.add_control(r2, "Legacy firewall", by="rm")


def test_controls_of_an_inactive_risk_cannot_change(r2):
    c = lifecycle.add_control(r2, "Backups", by="rm", on=D)
    lifecycle.withdraw(r2, by="rm", on=D, note="gone")
    for call in (lambda: lifecycle.add_control(r2, "New", by="rm"),
                 lambda: lifecycle.revise_control(c, title="x", by="rm"),
                 lambda: lifecycle.retire_control(c, by="rm")):
        with pytest.raises(LifecycleError, match="only an active risk"):
            call()


def test_control_history_exports_cleanly(r2, tmp_path):
    a = lifecycle.add_control(r2, "Backups tested monthly", "ICT", by="rm", on=D)
    b = lifecycle.add_control(r2, "Incident response plan", by="rm", on=D)
    lifecycle.revise_control(a, title="Backups tested weekly", by="rm", on=D)
    lifecycle.retire_control(b, by="rm", on=D, note="merged into the business continuity plan")
    export_bundle(tmp_path)
    text = (tmp_path / "controls.csv").read_text(encoding="utf-8")
    assert "Backups tested weekly" in text and "Incident response plan" not in text
    assert not import_bundle(tmp_path, user="import").changed
    assert Control.objects.get(pk=b.pk).removed_at is not None
