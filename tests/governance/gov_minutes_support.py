"""What the minutes tests share: the Cabinet of 1 December 2022 and 5 January 2023, made through
the ORM (people, the two meetings, their agendas, the papers with their recommendations), and a
clerk and a member to sign in as."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

WEB_TESTS = Path(__file__).resolve().parents[1] / "web"
if str(WEB_TESTS) not in sys.path:
    sys.path.insert(0, str(WEB_TESTS))  # browser_support and web_fixtures

PASSWORD = "correct-horse-battery-staple"
TODAY = "2023-01-20"  # after both meetings

MEMBERS = [  # key, title, initials, surname, honours
    ("gough-r", "Mr", "R W", "Gough", []),
    ("bell-c", "Mrs", "C", "Bell", []),
    ("brazier-d", "Mr", "D L", "Brazier", []),
    ("carey-s", "Miss", "S J", "Carey", []),
    ("chandler-s", "Mrs", "S", "Chandler", []),
    ("hill-p", "Mr", "P M", "Hill", ["OBE"]),
    ("murphy-d", "Mr", "D", "Murphy", []),
    ("oakford-p", "Mr", "P J", "Oakford", []),
    ("prendergast-s", "Mrs", "S", "Prendergast", []),
    ("love-r", "Mr", "R", "Love", []),
]
OFFICERS = [("hammond-s", "Mrs", "Sarah", "Hammond"), ("cockburn-d", "Mr", "David", "Cockburn")]

DECEMBER_ITEMS = [  # number, title, category, recommendation verb (a paper) or None
    (1, "Apologies", "standing", None),
    (2, "Declarations of Interest", "standing", None),
    (3, "Minutes of the meeting held on 29 September 2022", "minutes", None),
    (4, "Revenue and Capital Budget Monitoring Report (quarter 2)", "report", None),
    (5, "SEND - Ofsted / CQC Revisit and Transformation Programme", "report", "NOTE"),
    (6, "Developer Contributions Guide", "report", "CONSIDER"),
    (7, "Kent and Medway Interim Integrated Care Strategy", "report", "APPROVE"),
]
JANUARY_ITEMS = [
    (1, "Apologies", "standing"),
    (2, "Declarations of Interest", "standing"),
    (3, "Cabinet Member Updates", "standing"),
    (4, "Quarterly Performance Report (Quarter 2 2022/23)", "report"),
]


def make_cabinet() -> dict:
    from beacon.governance import models as gm

    cabinet = gm.Body.objects.create(code="CABINET", name="Cabinet", kind="executive")
    people = {}
    for key, title, initials, surname, honours in MEMBERS:
        people[key] = gm.Person.objects.create(key=key, title=title, initials=initials, surname=surname,
                                               honours=honours, is_member=True)
    for key, title, forename, surname in OFFICERS:
        people[key] = gm.Person.objects.create(key=key, title=title, forename=forename, surname=surname, is_member=False)
    december = gm.Meeting.objects.create(key="CABINET-2022-12-01", body=cabinet, date=dt.date(2022, 12, 1),
                                         venue="Council Chamber", status="held")
    january = gm.Meeting.objects.create(key="CABINET-2023-01-05", body=cabinet, date=dt.date(2023, 1, 5),
                                        venue="Council Chamber", status="held", presiding=people["gough-r"])
    for number, title, category, verb in DECEMBER_ITEMS:
        paper = None
        if verb:
            paper = gm.Paper.objects.create(key=f"CABINET-2022-12-01-{number:02d}", meeting=december, item=number,
                                            subject=title, recommendation=f"Cabinet is asked to {verb} the report.")
            gm.Recommendation.objects.create(paper=paper, verb=verb, text=f"Cabinet is asked to {verb} the report.")
        gm.AgendaItem.objects.create(meeting=december, number=number, title=title, category=category, paper=paper)
    for number, title, category in JANUARY_ITEMS:
        gm.AgendaItem.objects.create(meeting=january, number=number, title=title, category=category)
    later = gm.Meeting.objects.create(key="CABINET-2023-02-02", body=cabinet, date=dt.date(2023, 2, 2),
                                      venue="Council Chamber", status="scheduled")
    return {"cabinet": cabinet, "people": people, "december": december, "january": january, "later": later}


def make_clerk():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from beacon.core import permissions as perm

    perm.ensure_groups()
    User = get_user_model()
    clerk = User.objects.create_user(username="clerk", password=PASSWORD)
    clerk.groups.add(Group.objects.get(name=perm.CLERK))
    member = User.objects.create_user(username="member", password=PASSWORD)
    member.groups.add(Group.objects.get(name=perm.MEMBER))
    return {"clerk": clerk, "member": member}


PRESENT = ["gough-r", "bell-c", "brazier-d", "carey-s", "chandler-s", "hill-p", "murphy-d", "oakford-p", "prendergast-s"]
