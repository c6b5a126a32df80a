"""The quarterly return as its own app: the workflow through typed commands (no web, no API),
errors that name their fields, approved values recorded by the one performance service (not
by the bundle loader), and the bundle loader writing through that same service."""

import ast
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from beacon.core import audit
from beacon.core.models import Revision
from beacon.domain.periods import FinancialYear, Month, Quarter
from beacon.performance import models as pm
from beacon.performance import services as performance
from beacon.returns import services
from beacon.returns.commands import (
    ApproveReturn,
    CloseYear,
    LineEntry,
    MonthValue,
    OpenPeriod,
    ReturnError,
    SaveReturn,
    SendBack,
    SubmitReturn,
)
from beacon.returns.entries import LineKind
from beacon.returns.models import Return, ReturnEvent

from web_fixtures import NEXT

KPI, INDICATOR = LineKind.KPI, LineKind.INDICATOR
Q3 = Quarter.parse(NEXT)


@pytest.fixture
def aa(open_period):
    return Return.objects.get(period=open_period, directorate__code="AA")


def test_errors_name_each_field_and_nothing_is_saved(aa):
    command = SaveReturn(aa.pk, (
        LineEntry(KPI, "A1", Decimal("150")),
        LineEntry(KPI, "A2", Decimal("-3"), note="x" * 5001),
        LineEntry(INDICATOR, "AI1", Decimal("1300"), months=(MonthValue(Month(2022, 10), Decimal(1)),)),
        LineEntry(KPI, "B1", Decimal("90")),  # another directorate's KPI
    ), "y" * 5001, "owner")
    with pytest.raises(ReturnError) as caught:
        services.save_return(command)
    assert caught.value.message == "The return was not saved"
    assert caught.value.field_errors == {
        "kpi-A1-value": "A1 value: '150' is not a percentage between 0 and 100",
        "kpi-A2-value": "A2 value: '-3' must not be negative",
        "kpi-A2-note": "A2 note: must be 5000 characters or fewer",
        "indicator-AI1-value": "AI1 value: AI1 is reported for the quarter; enter one value",
        "kpi-B1": "kpi-B1: not a KPI or activity indicator of this return",
        "commentary": "Directorate commentary: must be 5000 characters or fewer",
    }
    aa.refresh_from_db()
    assert not aa.lines.exists() and aa.status == Return.Status.NOT_STARTED


def test_the_workflow_through_typed_commands(aa):
    changes = services.save_return(SaveReturn(aa.pk, (LineEntry(KPI, "A1", Decimal("91.50")),), "Good.", "owner"))
    assert changes == [{"field": "A1 value", "old": "", "new": "91.5"},
                       {"field": "directorate commentary", "old": "", "new": "Good."}]
    with pytest.raises(ReturnError) as caught:
        services.submit_return(SubmitReturn(aa.pk, "owner"))
    assert caught.value.field_errors == {
        "kpi-A2-value": "A2 value: enter a value, or say in the data note why there is none",
    }
    # a line left out of the command keeps what was saved; None keeps the commentary
    services.save_return(SaveReturn(aa.pk, (LineEntry(KPI, "A2", None, note="Not collected this quarter"),), None, "owner"))
    aa.refresh_from_db()
    assert aa.commentary == "Good." and aa.lines.get(kpi__code="A1").value == Decimal("91.5")
    services.submit_return(SubmitReturn(aa.pk, "owner"))
    with pytest.raises(ReturnError, match="cannot be changed"):
        services.save_return(SaveReturn(aa.pk, (LineEntry(KPI, "A1", Decimal(1)),), None, "owner"))
    with pytest.raises(ReturnError) as caught:
        services.send_back(SendBack(aa.pk, "  ", "lead"))
    assert caught.value.field_errors == {"comment": "Comment: say what needs to change"}
    summary = services.approve_return(ApproveReturn(aa.pk, "", "lead"))
    # A1's observation and the directorate commentary; A2 has no value and no rating set by
    # hand, so no observation (import format: value required unless a manual rating is given)
    assert summary == {"created": 2}
    aa.refresh_from_db()
    assert aa.status == Return.Status.APPROVED and aa.get_status_display() == "Approved"
    assert not pm.Observation.objects.filter(kpi__code="A2", period=NEXT).exists()
    assert aa.lines.get(kpi__code="A2").note == "Not collected this quarter"  # kept with the return
    assert [e.get_action_display() for e in ReturnEvent.objects.filter(ret=aa)] == [
        "Opened", "Saved", "Saved", "Submitted", "Approved"]


def test_approval_and_closing_a_year_do_not_go_through_the_bundle_loader(aa, monkeypatch):
    from beacon.bundle import load as shared
    from beacon.performance.bundle import load

    def refuse(*args, **kwargs):
        raise AssertionError("the quarterly return wrote through the bundle loader")

    for module in (load, shared):
        monkeypatch.setattr(module, "upsert", refuse)
        monkeypatch.setattr(module, "record_revision", refuse)
    entries = (LineEntry(KPI, "A1", Decimal(91)), LineEntry(KPI, "A2", Decimal(8), commentary="Better."),
               LineEntry(INDICATOR, "AI1", Decimal(1300)))
    services.save_return(SaveReturn(aa.pk, entries, "", "owner"))
    services.submit_return(SubmitReturn(aa.pk, "owner"))
    services.approve_return(ApproveReturn(aa.pk, "Thanks", "lead"))
    assert pm.ActivityObservation.objects.get(indicator__code="AI1", period=NEXT).value == 1300
    assert pm.Commentary.objects.get(kpi__code="A2", period=NEXT).text == "Better."
    revision = Revision.objects.get(entity="observation", key=f"A1 {NEXT}", field="value")
    assert (revision.new_value, revision.changed_by, revision.reason, revision.source) == (
        "91", "lead", "Thanks", f"web return {NEXT} AA, entered by owner, approved by lead")
    bb = Return.objects.get(period=aa.period, directorate__code="BB")
    services.save_return(SaveReturn(bb.pk, (LineEntry(KPI, "B1", Decimal("97.2")),), "", "owner_b"))
    services.submit_return(SubmitReturn(bb.pk, "owner_b"))
    services.approve_return(ApproveReturn(bb.pk, "", "lead"))
    changed = services.close_year(CloseYear(FinancialYear.parse("2022/23"), "lead"))
    assert changed == pm.Observation.objects.filter(status="final").count() > 0
    with pytest.raises(ReturnError) as caught:
        services.open_period(OpenPeriod(Quarter.parse("2022/23 Q4"), dt.date(2023, 4, 30), "lead"))
    assert caught.value.field_errors == {"period": "2022/23 is closed: its data is final"}


def test_record_observations_keeps_history_by_period(data):
    a1 = data["a1"]
    change = audit.Change(by="someone", at=dt.datetime(2023, 1, 5, 12, tzinfo=dt.timezone.utc),
                          reason="a test", source="a test source")
    counts = performance.record_observations([
        performance.ObservationEntry(a1, Month(2022, 10), Decimal("97.5")),
        performance.ObservationEntry(a1, Quarter.parse("2022/23 Q2"), Decimal(80), "Revised"),  # was 75
    ], change)
    assert counts == {"created": 1, "changed": 1}
    october = pm.Observation.objects.get(kpi=a1, period="2022-10")
    assert october.period_sort == 2022 * 12 + 10 and october.status == "provisional"
    revisions = {(r.key, r.field): (r.old_value, r.new_value) for r in Revision.objects.filter(changed_by="someone")}
    assert revisions == {("A1 2022-10", "value"): ("", "97.5"), ("A1 2022/23 Q2", "value"): ("75", "80"),
                         ("A1 2022/23 Q2", "note"): ("", "Revised")}
    again = performance.record_observations([performance.ObservationEntry(a1, Month(2022, 10), Decimal("97.50"))], change)
    assert again == {"unchanged": 1}


def test_the_bundle_loader_writes_through_the_same_service(db, monkeypatch, demo_dir):
    from beacon.bundle.importer import import_bundle

    written = []
    save = audit.save_with_history

    def spy(model, lookup, values, **kwargs):
        written.append(kwargs["entity"])
        return save(model, lookup, values, **kwargs)

    save_many = audit.save_many_with_history

    def spy_many(model, planned, **kwargs):  # the bulk path (observations): the same rule, many rows at once
        written.extend(p.entity for p in planned)
        return save_many(model, planned, **kwargs)

    monkeypatch.setattr(audit, "save_with_history", spy)
    monkeypatch.setattr(audit, "save_many_with_history", spy_many)
    import_bundle(demo_dir, user="demo-test")
    assert written.count("observation") == pm.Observation.objects.count() > 0
    assert {"directorate", "kpi", "target"} <= set(written)


def test_the_returns_app_imports_no_upper_layer():
    root = Path(__file__).resolve().parents[2] / "beacon" / "returns"
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert not name.startswith(("beacon.web", "beacon.api", "beacon.reports")), (path.name, name)
