"""The meetings as open data (issue 12, item 6): meetings, agenda items, decisions (resolutions)
and recorded votes, as JSON shaped after the Open Civic Data schemas (``Event`` with its
``agenda``; ``VoteEvent`` with ``votes`` and ``counts``; field names kept from
``pupa/scrape/schemas/event.py`` and ``vote_event.py``; what those schemas have no field for
goes in ``extras``) and as CSV, one row per meeting, item, decision or vote cast.

The published files never hold exempt content: :func:`dataset` always reads as the public does.
The API calls the builders with ``exempt=True`` for a reader who may see exempt items.
Built from :mod:`beacon.governance.queries`; ``link`` turns a meeting key (and optionally a pack)
into an absolute address.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from zoneinfo import ZoneInfo

from beacon.core import jsonio
from beacon.domain.governance_public import ocd_event_status, ocd_vote_option, ocd_vote_result
from beacon.governance import queries as q

from .open_data import safe_text

_LONDON = ZoneInfo("Europe/London")

Link = Callable[..., str]
"""``link(meeting_key)``: the absolute address of the meeting's page; ``link(meeting_key, pack)``
(a :class:`~beacon.governance.queries.PackLink`): of that pack's PDF."""

DATASETS = {
    "meetings": "Meetings (Open Civic Data events)",
    "agenda-items": "Agenda items",
    "decisions": "Decisions (resolutions)",
    "votes": "Recorded votes (Open Civic Data vote events)",
}


def _no_link(key: str, pack: q.PackLink | None = None) -> str:
    return ""


def start_date(s: q.MeetingSummary, at: dt.time | None) -> str:
    """An OCD fuzzy date-time: the date alone, or the local date-time with its UTC offset."""
    if at is None:
        return s.date.isoformat()
    return dt.datetime.combine(s.date, at, tzinfo=_LONDON).isoformat()


def _times(key: str) -> tuple[dt.time | None, dt.time | None]:
    from beacon.governance.models import Meeting

    return Meeting.objects.filter(key=key).values_list("start_time", "scheduled_end").first() or (None, None)


def _agenda_item(item: q.AgendaItemView, exempt: bool) -> dict:
    notes = [n for n in (item.pages, item.exempt_label, "Oral" if item.is_oral else "") if n]
    extras: dict = {"number": item.number, "section": item.section, "exempt": item.exempt}
    if exempt and item.exempt:
        extras.update(exempt_reason=item.exempt_reason, public_interest_reason=item.public_interest_reason)
    related = []
    if item.paper is not None:
        related.append({"entity_type": "paper", "name": item.paper.subject, "note": item.paper.key})
        extras["paper"] = {
            "id": item.paper.key, "subject": item.paper.subject, "from": list(item.paper.from_lines),
            "to": item.paper.to, "decision_no": item.paper.decision_no, "classification": item.paper.classification,
            "summary": "\n\n".join(item.paper.summary),
            "recommendations": [{"label": r.label, "verb": r.verb, "text": r.text} for r in item.paper.recommendations],
            "pathway": [{"step": s.step, "body": s.body, "role": s.role, "status": s.status, "skip_reason": s.skip_reason}
                        for s in item.paper.pathway],
        }
    return {"description": item.title, "classification": [item.category], "order": str(item.number),
            "subjects": [], "media": [], "notes": notes, "related_entities": related, "extras": extras}


def event(view: q.MeetingView, exempt: bool, link: Link = _no_link) -> dict:
    """One meeting as an OCD event, with its agenda, and (in ``extras``) its decisions."""
    s = view.summary
    start, end = _times(s.key)
    url = link(s.key)
    extras: dict = {"id": s.key, "body": s.body_code, "status_label": s.status_label,
                    "presiding": view.presiding.key if view.presiding else None,
                    "business_moved_to": s.moved_to.key if s.moved_to else None,
                    "decisions": [decision_out(s, d) for d in view.decisions]}
    return {
        "name": s.body_name,
        "all_day": start is None,
        "start_date": start_date(s, start),
        "end_date": start_date(s, end) if end else "",
        "status": ocd_event_status(s.status),
        "classification": s.type_label.lower() or "meeting",
        "description": s.title + (f": its business went to {s.moved_to.title}" if s.moved_to else ""),
        "location": {"name": s.venue, "note": "", "coordinates": None} if s.venue else None,
        "media": [],
        "documents": [{"note": p.label + (f", supplement {p.version - 1}" if p.supplement else ""),
                       "url": link(s.key, p),
                       "media_type": "application/pdf", "date": ""} for p in view.packs],
        "links": [{"note": "Meeting page", "url": url}] if url else [],
        "participants": [{"name": s.body_name, "type": "organization", "note": "host"}] + (
            [{"name": view.presiding.name, "type": "person", "note": "presiding"}] if view.presiding else []),
        "agenda": [_agenda_item(i, exempt) for i in view.items],
        "sources": [{"url": url, "note": "Beacon"}] if url else [],
        "extras": extras,
    }


def decision_out(s: q.MeetingSummary, d: q.ResolutionView) -> dict:
    """A decision (resolution) as the open data and the API give it."""
    return {"id": f"{s.key}/{d.minute_number}" + (f".{d.seq}" if d.seq != 1 else ""), "event": s.key,
            "organization": s.body_name, "start_date": s.date.isoformat(), "minute_number": d.minute_number,
            "seq": d.seq, "classification": d.verb.lower(), "text": d.text, "form": d.form, "source": d.source}


def vote_event(s: q.MeetingSummary, motion: q.MotionView, link: Link = _no_link) -> dict:
    """A recorded vote as an OCD vote event."""
    url = link(s.key)
    return {
        "identifier": motion.key,
        "motion_text": motion.text,
        "motion_classification": [motion.kind.lower()],
        "start_date": s.date.isoformat(),
        "end_date": "",
        "result": ocd_vote_result(motion.outcome_code),
        "organization": s.body_name,
        "bill": None,
        "votes": [{"option": ocd_vote_option(v.choice), "voter_name": p.name, "voter_id": p.key, "note": ""}
                  for v in motion.votes for p in v.names],
        "counts": [{"option": ocd_vote_option(v.choice), "value": v.count} for v in motion.votes],
        "sources": [{"url": url, "note": "Beacon"}] if url else [],
        "extras": {"event": s.key, "minute_number": motion.minute_number, "outcome": motion.outcome,
                   "outcome_as_printed": motion.outcome_as_printed, "proposer": motion.proposer.key,
                   "seconder": motion.seconder.key if motion.seconder else None,
                   "amendment_of": motion.amendment_of or None,
                   "printed_counts": {ocd_vote_option(v.choice): v.printed_count for v in motion.votes}},
    }


# --- datasets ----------------------------------------------------------------------------------


def events(exempt: bool, link: Link = _no_link, body: str = "") -> list[dict]:
    return [event(q.meeting_view(s.key, exempt), exempt, link) for s in q.meeting_summaries(body=body)]


def agenda_item_rows(exempt: bool, body: str = "") -> list[dict]:
    rows = []
    for s, item in q.agenda_items(exempt, body=body):
        rows.append({
            "event": s.key, "organization": s.body_name, "start_date": s.date.isoformat(), "order": item.number,
            "description": item.title, "classification": item.category, "section": item.section,
            "exempt": item.exempt, "exempt_label": item.exempt_label, "oral": item.is_oral, "pages": item.pages,
            "paper": item.paper.key if item.paper else "", "paper_subject": item.paper.subject if item.paper else "",
            "recommendations": " ".join(f"{r.label + ') ' if r.label else ''}{r.verb}: {r.text}"
                                        for r in item.paper.recommendations) if item.paper else "",
        })
    return rows


def decision_rows(exempt: bool, body: str = "") -> list[dict]:
    page = q.decisions(q.DecisionQuery(body=body, page_size=10**9), exempt)
    return [{"id": r.identifier, "event": r.meeting.key, "organization": r.meeting.body_name,
             "start_date": r.meeting.date.isoformat(), "minute_number": r.minute_number,
             "agenda_item": r.item_number, "minute_title": r.minute_title, "seq": r.seq,
             "classification": r.verb, "text": r.text, "source": r.source}
            for r in reversed(page.rows)]


def vote_events(exempt: bool, link: Link = _no_link, body: str = "") -> list[dict]:
    return [vote_event(s, mo, link) for s, mo in q.motions_with_votes(exempt, body=body)]


def _vote_rows(exempt: bool) -> list[dict]:
    rows = []
    for ve in vote_events(exempt):
        for v in ve["votes"]:
            rows.append({"vote_event": ve["identifier"], "event": ve["extras"]["event"],
                         "organization": ve["organization"], "start_date": ve["start_date"],
                         "motion_text": ve["motion_text"], "result": ve["result"] or "",
                         "option": v["option"], "voter_name": v["voter_name"], "voter_id": v["voter_id"]})
    return rows


def _event_rows(link: Link) -> list[dict]:
    rows = []
    for e in events(False, link):
        rows.append({"id": e["extras"]["id"], "name": e["name"], "organization": e["extras"]["body"],
                     "classification": e["classification"], "start_date": e["start_date"], "end_date": e["end_date"],
                     "all_day": e["all_day"], "status": e["status"], "status_label": e["extras"]["status_label"],
                     "location": (e["location"] or {}).get("name", ""), "description": e["description"],
                     "business_moved_to": e["extras"]["business_moved_to"] or "",
                     "agenda_items": len(e["agenda"]), "url": e["links"][0]["url"] if e["links"] else ""})
    return rows


COLUMNS = {
    "meetings": ["id", "name", "organization", "classification", "start_date", "end_date", "all_day", "status",
                 "status_label", "location", "description", "business_moved_to", "agenda_items", "url"],
    "agenda-items": ["event", "organization", "start_date", "order", "description", "classification", "section",
                     "exempt", "exempt_label", "oral", "pages", "paper", "paper_subject", "recommendations"],
    "decisions": ["id", "event", "organization", "start_date", "minute_number", "agenda_item", "minute_title", "seq",
                  "classification", "text", "source"],
    "votes": ["vote_event", "event", "organization", "start_date", "motion_text", "result", "option", "voter_name",
              "voter_id"],
}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return safe_text(str(value))


def dataset(name: str, fmt: str, link: Link = _no_link) -> bytes:
    """One published dataset (``DATASETS``) in a format of ``beacon.reports.formats.GOVERNANCE_OPEN_DATA``
    (``json`` or ``csv``): never any exempt content."""
    from .formats import GOVERNANCE_OPEN_DATA

    if name not in DATASETS or fmt not in GOVERNANCE_OPEN_DATA:
        raise KeyError(f"no dataset {name}.{fmt}")
    return GOVERNANCE_OPEN_DATA.render(fmt, name, link=link)


def dataset_json(name: str, link: Link = _no_link) -> bytes:
    records = {"meetings": lambda: events(False, link), "agenda-items": lambda: agenda_item_rows(False),
               "decisions": lambda: decision_rows(False), "votes": lambda: vote_events(False, link)}[name]()
    return jsonio.dumps({"dataset": name, "title": DATASETS[name], "results": records}).encode("utf-8")


def dataset_csv(name: str, link: Link = _no_link) -> bytes:
    rows = {"meetings": lambda: _event_rows(link), "agenda-items": lambda: agenda_item_rows(False),
            "decisions": lambda: decision_rows(False), "votes": lambda: _vote_rows(False)}[name]()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS[name])
    for row in rows:
        writer.writerow([_cell(row[c]) for c in COLUMNS[name]])
    return out.getvalue().encode("utf-8")


# --- the iCalendar feed of a body (RFC 5545) ----------------------------------------------------


def ical_feed(code: str, host: str, link: Link, now: dt.datetime) -> str:
    """A body's meetings as an iCalendar stream: one VEVENT each (UID ``<meeting key>@<host>``,
    DTSTAMP ``now``, DTSTART/DTEND in UTC, or an all-day DATE when no time is known), a cancelled
    meeting with STATUS:CANCELLED and where its business went. Lines folded at 75 octets, CRLF."""
    from beacon.domain.governance_public import ical_date, ical_document, ical_escape, ical_utc

    body, meetings = q.body_meetings(code)
    stamp = ical_utc(now)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Beacon//Meetings//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{ical_escape(body.name + ' meetings')}",
             "X-WR-TIMEZONE:Europe/London"]
    for s in meetings:
        start, end = _times(s.key)
        lines += ["BEGIN:VEVENT", f"UID:{s.key}@{host}", f"DTSTAMP:{stamp}"]
        if start is None:
            lines.append(f"DTSTART;VALUE=DATE:{ical_date(s.date)}")
            lines.append(f"DTEND;VALUE=DATE:{ical_date(s.date + dt.timedelta(days=1))}")
        else:
            lines.append(f"DTSTART:{ical_utc(dt.datetime.combine(s.date, start, tzinfo=_LONDON))}")
            if end is not None and end > start:
                lines.append(f"DTEND:{ical_utc(dt.datetime.combine(s.date, end, tzinfo=_LONDON))}")
        summary = s.body_name + (f" ({s.type_label})" if s.type_label else "")
        if s.status == "cancelled":
            summary = f"Cancelled: {summary}"
        lines.append(f"SUMMARY:{ical_escape(summary)}")
        if s.venue:
            lines.append(f"LOCATION:{ical_escape(s.venue)}")
        description = f"{s.title}. {s.status_label}."
        if s.moved_to:
            description += f" Its business went to {s.moved_to.title}."
        lines.append(f"DESCRIPTION:{ical_escape(description)}")
        url = link(s.key)
        if url:
            lines.append(f"URL:{url}")
        lines.append("STATUS:" + {"cancelled": "CANCELLED"}.get(s.status, "CONFIRMED"))
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ical_document(lines)
