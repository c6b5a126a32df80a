"""Shared by the web tests: a small synthetic performance dataset and one user per role."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from beacon.core import clock as beacon_clock
from beacon.core import permissions as perm
from beacon.core.models import Directorate
from beacon.performance import models as pm

PERIOD = "2022/23 Q2"
SLUG = "2022-23-Q2"
NEXT = "2022/23 Q3"
NEXT_SLUG = "2022-23-Q3"
PASSWORD = "correct-horse-battery-staple"

ROLE_USERS = {
    "lead": perm.LEAD,
    "owner": perm.DATA_OWNER,  # assigned AA
    "owner_b": perm.DATA_OWNER,  # assigned BB
    "riskmanager": perm.RISK_MANAGER,
    "riskowner": perm.RISK_OWNER,
    "reader": perm.READER,
    "norole": None,
}


def _sort(label: str) -> int:
    from beacon.domain.periods import Quarter, period_sort

    return period_sort(Quarter.parse(label))


def make_data():
    aa = Directorate.objects.create(code="AA", name="Alpha Services", display_order=1, cabinet_members=["Cllr One"])
    bb = Directorate.objects.create(code="BB", name="Beta Services", display_order=2)
    a1 = pm.Kpi.objects.create(code="A1", name="Percentage of calls answered", short_name="% of calls answered",
                               directorate=aa, unit="percent", polarity="higher", decimals=0, display_order=1)
    a2 = pm.Kpi.objects.create(code="A2", name="Number of days waited", short_name="No. of days waited",
                               directorate=aa, unit="days", polarity="lower", decimals=0, display_order=2)
    b1 = pm.Kpi.objects.create(code="B1", name="Percentage of bins collected", short_name="% of bins collected",
                               directorate=bb, unit="percent", polarity="higher", decimals=1, display_order=3)
    for kpi, target, floor in ((a1, 90, 80), (a2, 10, 20), (b1, 95, 90)):
        pm.KpiTarget.objects.create(kpi=kpi, financial_year="2022/23", target=Decimal(target), floor=Decimal(floor))
    values = {
        "2021/22 Q4": (85, 12, 96), "2022/23 Q1": (88, 11, 94), "2022/23 Q2": (75, 9, 96.5),
    }
    for label, (va, vb, vc) in values.items():
        for kpi, v in ((a1, va), (a2, vb), (b1, vc)):
            pm.Observation.objects.create(kpi=kpi, period=label, period_sort=_sort(label), value=Decimal(str(v)))
    ind = pm.ActivityIndicator.objects.create(code="AI1", name="Calls received – by quarter", directorate=aa, unit="count", display_order=1)
    pm.ActivityObservation.objects.create(indicator=ind, period=PERIOD, period_sort=_sort(PERIOD), value=Decimal(1200),
                                          lower_threshold=Decimal(1000), upper_threshold=Decimal(1500))
    pm.Commentary.objects.create(period=PERIOD, directorate=aa, text="Calls rose over the summer.", author="A. Owner")
    return {"aa": aa, "bb": bb, "a1": a1, "a2": a2, "b1": b1, "ind": ind}


def make_users():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from beacon.core.models import DirectorateAssignment

    perm.ensure_groups()
    User = get_user_model()
    users = {}
    for username, role in ROLE_USERS.items():
        user = User.objects.create_user(username=username, password=PASSWORD)
        if role:
            user.groups.add(Group.objects.get(name=role))
        users[username] = user
    DirectorateAssignment.objects.create(user=users["owner"], directorate=Directorate.objects.get(code="AA"))
    DirectorateAssignment.objects.create(user=users["owner_b"], directorate=Directorate.objects.get(code="BB"))
    users["admin"] = User.objects.create_superuser(username="admin", password=PASSWORD)
    return users




def submit_through_services(ret, values: dict[str, str], username: str, approve_as: str | None = None) -> None:
    """Save and submit a return's KPI values (code -> value) through the return's services, as
    ``username``; with ``approve_as``, approve it too."""
    from beacon.returns import services
    from beacon.returns.commands import ApproveReturn, LineEntry, SaveReturn, SubmitReturn
    from beacon.returns.entries import LineKind

    entries = tuple(LineEntry(LineKind.KPI, code, Decimal(value)) for code, value in values.items())
    services.save_return(SaveReturn(ret.pk, entries, "", username))
    services.submit_return(SubmitReturn(ret.pk, username))
    if approve_as:
        services.approve_return(ApproveReturn(ret.pk, "", approve_as))


def make_risks(users):
    """Two corporate risks rated two years ago (so a re-rating today has a direction of travel),
    the first with an action and assigned to the risk owner."""
    from beacon.domain.risk import Rating
    from beacon.risk import lifecycle
    from beacon.risk.models import Action
    from beacon.risk.models import RiskAssignment

    long_ago = beacon_clock.today() - dt.timedelta(days=730)
    first = lifecycle.add_risk("Safeguarding – protecting vulnerable children", ["A. Director, Corporate Director"],
                               by="setup", on=long_ago, current=Rating(4, 5), target=Rating(3, 5),
                               event="Failure to fulfil statutory safeguarding obligations.")
    second = lifecycle.add_risk("Cyber attack", ["B. Officer, Director of Technology"], by="setup", on=long_ago,
                                current=Rating(3, 4), target=Rating(2, 4))
    Action.objects.create(risk=first, title="Review the safeguarding training", owner="Training team", due_text="March 2027")
    RiskAssignment.objects.create(user=users["riskowner"], risk=first)
    return first, second
