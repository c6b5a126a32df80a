"""What the clerk tests share: the four bodies of the cycle's default rules, a few people and a
calendar of meetings around January 2023, built through the governance services."""

from __future__ import annotations

import datetime as dt

from beacon.domain import governance as g
from beacon.governance import services
from beacon.governance.commands import AddMeeting, SaveBody, SavePerson

BY = "clerk"
BODIES = (
    ("CABINET", "Cabinet", g.BodyKind.EXECUTIVE, ()),
    ("COUNCIL", "County Council", g.BodyKind.FULL_COUNCIL, ("Full Council",)),
    ("GAC", "Governance & Audit Committee", g.BodyKind.COMMITTEE, ("Governance and Audit Committee",)),
    ("CYPE-CC", "CYPE Cabinet Committee", g.BodyKind.CABINET_COMMITTEE, ()),
)
# key suffix -> (body, date)
CALENDAR = {
    "CABINET-2023-01-05": ("CABINET", dt.date(2023, 1, 5)),
    "CABINET-2023-02-09": ("CABINET", dt.date(2023, 2, 9)),
    "GAC-2023-01-24": ("GAC", dt.date(2023, 1, 24)),
    "GAC-2023-03-14": ("GAC", dt.date(2023, 3, 14)),
    "COUNCIL-2023-02-16": ("COUNCIL", dt.date(2023, 2, 16)),
    "CYPE-CC-2023-03-08": ("CYPE-CC", dt.date(2023, 3, 8)),
}


def make_governance(by: str = BY) -> dict:
    for code, name, kind, aliases in BODIES:
        services.save_body(SaveBody(by=by, code=code, name=name, kind=kind, aliases=aliases))
    services.save_person(SavePerson(by=by, key="watts-b", surname="Watts", forename="Benjamin", title="Mr"))
    services.save_person(SavePerson(by=by, key="kennedy-e", surname="Kennedy", forename="Emily", title="Ms",
                                    email="emily.kennedy@kent.gov.uk", phone="03000 419625"))
    services.save_person(SavePerson(by=by, key="gough-r", surname="Gough", forename="Roger", initials="R W", title="Mr",
                                    is_member=True))
    meetings = {}
    for key, (body, day) in CALENDAR.items():
        meetings[key] = services.add_meeting(AddMeeting(by=by, body=body, date=day, start_time=dt.time(10),
                                                        venue="Council Chamber", standing_items=body == "CABINET"))
    return meetings
