"""A return line's "Last value" is read from the year before the quarter first and from the
longer history only for KPIs with none there (``returns.queries._last_reported_before``): the
answer is the one the whole history gives, whatever shape the history has."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beacon.domain.periods import Quarter, parse_period, period_sort
from beacon.performance import models as pm
from beacon.returns import queries

from web_fixtures import NEXT

pytestmark = pytest.mark.django_db

Q = Quarter.parse(NEXT)
# the twelve quarters before the return's, newest first, each as the quarter and its months
EARLIER = [Q.shift(-k) for k in range(1, 13)]
PERIODS = [p for quarter in EARLIER for p in (quarter, *quarter.months)]


def _whole_history(kpi) -> tuple[Decimal | None, str]:
    rows = pm.Observation.objects.filter(kpi=kpi, period_sort__lt=period_sort(Q.months[0])).order_by("-period_sort", "-pk")
    return queries._last_reported([queries._Earlier(o.period, o.value, o.illustrative) for o in rows[:36]])


def _line(code: str):
    ret = queries.Return.objects.get(period__period=NEXT, directorate__code="AA")
    return next(line for line in queries.return_lines(ret) if line.code == code)


history = st.lists(
    st.tuples(st.sampled_from(PERIODS), st.one_of(st.none(), st.integers(0, 99)), st.booleans()),
    max_size=12, unique_by=lambda row: row[0].label)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=history)
def test_the_last_value_is_the_one_the_whole_history_gives(open_period, rows):
    kpi = pm.Kpi.objects.get(code="A1")
    pm.Observation.objects.filter(kpi=kpi).delete()
    for period, value, illustrative in rows:
        pm.Observation.objects.create(kpi=kpi, period=period.label, period_sort=period_sort(period),
                                      value=None if value is None else Decimal(value), illustrative=illustrative)
    line = _line("A1")
    assert (line.last_value, line.last_period) == _whole_history(kpi)


def test_a_value_older_than_a_year_is_still_found(open_period):
    kpi = pm.Kpi.objects.get(code="A1")
    pm.Observation.objects.filter(kpi=kpi).delete()
    old = Q.shift(-7)
    pm.Observation.objects.create(kpi=kpi, period=old.label, period_sort=period_sort(old), value=Decimal(61))
    recent = Q.shift(-1)  # a year of quarters with nothing but a blank and an illustrative figure
    pm.Observation.objects.create(kpi=kpi, period=recent.label, period_sort=period_sort(recent), value=None)
    month = parse_period(Q.shift(-2).months[-1].label)
    pm.Observation.objects.create(kpi=kpi, period=month.label, period_sort=period_sort(month), value=Decimal(70),
                                  illustrative=True)
    line = _line("A1")
    assert (line.last_value, line.last_period) == (Decimal(61), old.label)
