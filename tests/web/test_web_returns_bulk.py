"""Returns at scale: saving a draft, submitting and approving a return run a fixed number of
queries whatever the number of lines (the stored lines and observations are read once and
written set-based), and approval keeps the same values and revisions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beacon.core import clock
from beacon.core.models import Directorate, Revision
from beacon.domain.periods import Quarter, period_sort
from beacon.performance import models as pm
from beacon.returns import services
from beacon.returns.commands import ApproveReturn, LineEntry, MonthValue, OpenPeriod, SaveReturn, SubmitReturn
from beacon.returns.entries import LineKind
from beacon.returns.models import Return

from web_fixtures import NEXT

Q = Quarter.parse(NEXT)


def add_lines(directorate: Directorate, n: int) -> None:
    """``n`` KPIs of ``directorate`` (every third monthly), half with values, a data note and
    commentary held for the quarter, and n // 5 activity indicators (half with a value held)."""
    earlier = Quarter.parse("2022/23 Q2")
    for i in range(n):
        monthly = i % 3 == 0
        kpi = pm.Kpi.objects.create(code=f"{directorate.code}{i:03}", name=f"Measure {i}", short_name=f"M{i}",
                                    directorate=directorate, unit="count", polarity="higher", decimals=0,
                                    display_order=10 + i, frequency="monthly" if monthly else "quarterly")
        pm.KpiTarget.objects.create(kpi=kpi, financial_year="2022/23", target=Decimal(50), floor=Decimal(40))
        pm.Observation.objects.create(kpi=kpi, period=earlier.label, period_sort=period_sort(earlier), value=Decimal(i))
        if i % 2 == 0:
            for p in (Q.months[:1] if monthly else [Q]):
                pm.Observation.objects.create(kpi=kpi, period=p.label, period_sort=period_sort(p), value=Decimal(i + 1),
                                              note="held note")
            pm.Commentary.objects.create(period=Q.label, directorate=directorate, kpi=kpi, text="held commentary",
                                         author="x")
    for i in range(n // 5):
        ind = pm.ActivityIndicator.objects.create(code=f"{directorate.code}I{i:03}", name=f"Count {i}",
                                                  directorate=directorate, unit="count", display_order=10 + i)
        if i % 2 == 0:
            pm.ActivityObservation.objects.create(indicator=ind, period=Q.label, period_sort=period_sort(Q),
                                                  value=Decimal(5))


def entries(ret: Return, value: int) -> tuple[LineEntry, ...]:
    """A value (a monthly KPI's by month), a data note and commentary for every KPI of the
    return's directorate, and a value for each activity indicator."""
    out = []
    for kpi in pm.Kpi.objects.filter(directorate=ret.directorate).order_by("code"):
        if kpi.frequency == "monthly":
            months = tuple(MonthValue(m, Decimal(value + j)) for j, m in enumerate(Q.months))
            out.append(LineEntry(LineKind.KPI, kpi.code, None, months, "a note", f"comment {value}"))
        else:
            v = Decimal(50) if kpi.unit == "percent" else Decimal(value)
            out.append(LineEntry(LineKind.KPI, kpi.code, v, note="a note", commentary=f"comment {value}"))
    for ind in pm.ActivityIndicator.objects.filter(directorate=ret.directorate).order_by("code"):
        out.append(LineEntry(LineKind.INDICATOR, ind.code, Decimal(value)))
    return tuple(out)


def run_workflow(ret: Return) -> dict[str, int]:
    """Save a draft twice (creating, then changing the lines), submit and approve; the queries
    each step ran."""
    steps = (
        ("save", lambda: services.save_return(SaveReturn(ret.pk, entries(ret, 7), "Fine.", "owner"))),
        ("save again", lambda: services.save_return(SaveReturn(ret.pk, entries(ret, 8), "Fine.", "owner"))),
        ("submit", lambda: services.submit_return(SubmitReturn(ret.pk, "owner"))),
        ("approve", lambda: services.approve_return(ApproveReturn(ret.pk, comment="ok", by="lead"))),
    )
    counts = {}
    ContentType.objects.clear_cache()  # each run looks the content types up alike
    for step, run in steps:
        with CaptureQueriesContext(connection) as ctx:
            run()
        counts[step] = len(ctx.captured_queries)
    return counts


def test_query_counts_do_not_grow_with_the_lines(data, users):
    small, large = Directorate.objects.create(code="SM", name="Small"), Directorate.objects.create(code="LG", name="Large")
    add_lines(small, 10)
    add_lines(large, 40)
    rp = services.open_period(OpenPeriod(Q, clock.today() + dt.timedelta(days=30), "lead"))
    small_counts = run_workflow(Return.objects.get(period=rp, directorate=small))
    large_counts = run_workflow(Return.objects.get(period=rp, directorate=large))
    assert large_counts == small_counts


def test_approval_records_every_value_and_revision(data, users):
    lg = Directorate.objects.create(code="LG", name="Large")
    add_lines(lg, 12)
    rp = services.open_period(OpenPeriod(Q, clock.today() + dt.timedelta(days=30), "lead"))
    ret = Return.objects.get(period=rp, directorate=lg)
    run_workflow(ret)
    ret.refresh_from_db()
    assert ret.status == Return.Status.APPROVED
    for kpi in pm.Kpi.objects.filter(directorate=lg):
        if kpi.frequency == "monthly":
            held = {o.period: o.value for o in pm.Observation.objects.filter(kpi=kpi, period__in=[m.label for m in Q.months])}
            assert held == {m.label: Decimal(8 + j) for j, m in enumerate(Q.months)}
        else:
            assert pm.Observation.objects.get(kpi=kpi, period=Q.label).value == Decimal(8)
        assert pm.Commentary.objects.get(period=Q.label, kpi=kpi).text == "comment 8"
    for ind in pm.ActivityIndicator.objects.filter(directorate=lg):
        assert pm.ActivityObservation.objects.get(indicator=ind, period=Q.label).value == Decimal(8)
    # X000 (monthly, held October 1): October changed, November and December created
    revisions = Revision.objects.filter(entity="observation", key__startswith="LG000 ").order_by("key", "field")
    got = [(r.key, r.field, r.old_value, r.new_value, r.changed_by, r.reason) for r in revisions]
    oct_, nov, dec = (m.label for m in Q.months)
    assert got == [
        (f"LG000 {oct_}", "note", "held note", "a note", "lead", "ok"),
        (f"LG000 {oct_}", "value", "1", "8", "lead", "ok"),
        (f"LG000 {nov}", "value", "", "9", "lead", "ok"),
        (f"LG000 {dec}", "value", "", "10", "lead", "ok"),
    ]
    sources = set(revisions.values_list("source", flat=True))
    assert sources == {f"web return {Q.label} LG, entered by owner, approved by lead"}
    commentary = Revision.objects.get(entity="commentary", key=f"{Q.label} LG LG000", field="text")
    assert (commentary.old_value, commentary.new_value) == ("held commentary", "comment 8")


def form_data(ret: Return, value: int) -> dict[str, str]:
    """What the return page posts for :func:`entries`."""
    data = {"commentary": "Fine."}
    for e in entries(ret, value):
        name = f"{e.kind}-{e.code}"
        if e.months is not None:
            data.update({f"{name}-{mv.month.label}": str(mv.value) for mv in e.months})
        else:
            data[f"{name}-value"] = str(e.value)
        if e.kind == LineKind.KPI:
            data[f"{name}-note"], data[f"{name}-commentary"] = e.note, e.commentary
    return data


def page_queries(client, ret: Return) -> dict[str, int]:
    url = f"/returns/{ret.period.period.replace('/', '-').replace(' ', '-')}/{ret.directorate.code}/"
    steps = (
        ("page", lambda: client.get(url), 200),
        ("save", lambda: client.post(url, {"action": "save", **form_data(ret, 7)}), 302),
        ("submit", lambda: client.post(url, {"action": "submit", **form_data(ret, 8)}), 302),
        ("approve", lambda: client.post(url, {"action": "approve", "comment": "ok"}), 302),
    )
    counts = {}
    client.get(url)  # the session's first write is not the page's
    ContentType.objects.clear_cache()
    for step, run, status in steps:
        with CaptureQueriesContext(connection) as ctx:
            response = run()
        assert response.status_code == status, (step, response.content.decode()[:3000])
        counts[step] = len(ctx.captured_queries)
    return counts


def test_the_return_page_runs_as_many_queries_for_40_lines_as_for_10(client_for, data, users):
    small, large = Directorate.objects.create(code="SM", name="Small"), Directorate.objects.create(code="LG", name="Large")
    add_lines(small, 10)
    add_lines(large, 40)
    rp = services.open_period(OpenPeriod(Q, clock.today() + dt.timedelta(days=30), "lead"))
    lead = client_for("lead")
    small_counts = page_queries(lead, Return.objects.get(period=rp, directorate=small))
    large_counts = page_queries(lead, Return.objects.get(period=rp, directorate=large))
    assert Return.objects.get(period=rp, directorate=large).status == Return.Status.APPROVED
    assert large_counts == small_counts


def test_finalising_a_year_records_a_revision_for_each_observation(data):
    from beacon.core.audit import Change
    from beacon.domain.periods import FinancialYear
    from beacon.performance import services as performance

    lg = Directorate.objects.create(code="LG", name="Large")
    add_lines(lg, 9)
    fy = FinancialYear.parse("2022/23")
    periods = [*fy.quarters, *(m for q in fy.quarters for m in q.months)]
    provisional = list(pm.Observation.objects.filter(period__in=[p.label for p in periods]).values_list("pk", flat=True))
    pm.Observation.objects.filter(kpi__code="LG001").update(status="final")  # already final: left alone
    expected = pm.Observation.objects.filter(pk__in=provisional, status="provisional").count()
    change = Change(by="lead", at=clock.now(), reason="year 2022/23 closed as final", source="web close year 2022/23")
    with CaptureQueriesContext(connection) as ctx:
        assert performance.finalise_observations(periods, change) == expected
    assert len(ctx.captured_queries) <= 4
    assert not pm.Observation.objects.filter(pk__in=provisional, status="provisional").exists()
    revisions = Revision.objects.filter(field="status", entity="observation")
    assert revisions.count() == expected
    assert set(revisions.values_list("old_value", "new_value", "changed_by", "reason")) == {
        ("provisional", "final", "lead", "year 2022/23 closed as final")}
    assert not revisions.filter(key__startswith="LG001 ").exists()
