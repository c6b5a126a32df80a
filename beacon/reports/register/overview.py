"""The QPR section "Corporate Risk Register – Overview" (risk spec §6.3), built from the register
**as it stood at the QPR's data date**, never from a later refresh.

:func:`build_risk_overview` returns the shape the QPR templates render
(``templates/reports/qpr/risk_overview.html``): ``title``, ``paragraphs``, ``tables``
(``{title, header, rows}``) and ``subsections`` (``{title, paragraphs, tables}``), plus the same
content as data (``counts``, ``key_changes``, ``actions``, ``updates``) for the JSON model.

Decisions where the papers are silent:

* the data date defaults to the end of the report quarter and the comparison date to the end of
  the previous quarter (the January 2023 QPR used November and June 2022: pass them explicitly);
* an id is on the corporate register on a date unless its membership events (new, escalated,
  re-escalated, merged into it; closed, withdrawn, merged into another, delegated, de-escalated)
  place it off then; an id with no entry event was on from before the data begins. An event
  dated only to a window that spans the date makes membership **not known**: such ids are listed
  in a sentence, not counted and not guessed;
* a risk on the register whose current rating at the date is not held is counted under
  "Rating not held" (with a sentence naming them), never dropped; "Not yet rated" stays the TBC
  column of the spec;
* key changes are the events whose window ends after the comparison date and by the data date;
  risks are named by their title at the data date (``beacon.risk.states.titles_on``);
* the actions summarised are those with a progress update dated in the period (after the
  comparison date, up to the data date: ``ActionUpdate.updated_on``, or the day it was recorded),
  each at the status of its latest update in the period. Those whose due or review date held is
  by the end of the data month make the spec's row; those held as due later (e.g. a review date
  rolled forward after the update) or undated are a second row, outside N, with a sentence. A
  sentence always says what is counted. Superseded actions that share their replacements and
  their update count once.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import OrderedDict

from beacon.domain.periods import Quarter
from beacon.domain.risk import (
    ACTION_BUCKETS, NOT_YET_RATED, STATUS_HEADINGS, Rating, action_summary, counts_by_level,
)
from beacon.risk.models import Action, Risk, RiskEvent
from beacon.risk.states import titles_on

TITLE = "Corporate Risk Register – Overview"
MITIGATIONS_SENTENCE = (
    "The Corporate Risk Register mitigations are regularly reviewed for their continued relevance and urgency, "
    "and new mitigations introduced as required."
)
LEAVING = ("closed", "withdrawn", "delegated", "de_escalated")
HEADINGS = OrderedDict([
    ("reduced", "RISK LEVEL REDUCED"),
    ("increased", "RISK LEVEL INCREASED"),
    ("new", "NEW RISKS"),
    ("de_escalated", "DE-ESCALATED RISKS"),
    ("other", "CHANGES DURING LAST QUARTER"),
])


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _month_label(day: dt.date) -> str:
    return f"{day:%B %Y}"


ENTERING = ("new", "escalated", "re_escalated")
NOT_HELD = "Rating not held"


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _ids(codes) -> str:
    codes = list(codes)
    return codes[0] if len(codes) == 1 else ", ".join(codes[:-1]) + " and " + codes[-1]


def _membership(event: RiskEvent) -> str | None:
    """"on" for an event that puts its id on the corporate register, "off" for one that takes it
    off, None for any other event."""
    if event.event in ENTERING or (event.event == "merged" and event.rating):
        return "on"  # a merger's rated event is the new id formed by it
    if event.event in LEAVING or event.event == "merged":
        return "off"
    return None


def _window(event: RiskEvent) -> str:
    after, by = event.occurred_after, event.occurred_by
    if after and by:
        return f"between {_day(after)} and {_day(by)}"
    if by:
        return f"by {_day(by)}, no earlier date held"
    if after:
        return f"after {_day(after)}"
    return "on a date not held"


def _state_at(events: list[RiskEvent], day: dt.date) -> tuple[str, str]:
    """("on" | "off" | "not_known", reason) for one id on ``day``, from its membership events
    (dated windows ``occurred_after … occurred_by``, both ends inclusive). With no entry event the
    id is taken to have been on the register from before the data begins."""
    state = "off" if events and _membership(events[0]) == "on" else "on"
    for e in events:
        placed = _membership(e)
        if e.occurred_by is not None and e.occurred_by <= day:
            state = placed
        elif e.occurred_after is not None and e.occurred_after > day:
            break
        else:
            verb = "joined" if placed == "on" else "left"
            return "not_known", f"{verb} the register {_window(e)}"
    return state, ""


def register_at(day: dt.date) -> dict:
    """The corporate register on ``day``, as far as Beacon can tell:

    * ``on``: ``[(risk_id, Risk or None, Rating or None)]``, each id on the register then with its
      current rating in force then; None when Beacon holds no rating at that date (an id known
      only from events, such as a risk that left before its data was recorded, has no Risk row);
    * ``not_known``: ``[(risk_id, reason)]``, ids whose joining or leaving is dated only to a
      window that spans ``day``. They are reported, never silently dropped or guessed.
    """
    events: dict[str, list[RiskEvent]] = {}
    key = lambda e: (e.occurred_by or e.occurred_after or dt.date.max, e.pk)  # noqa: E731
    for e in sorted(RiskEvent.objects.all(), key=key):
        if _membership(e) is not None:
            events.setdefault(e.risk_code, []).append(e)
    risks = {r.risk_id: r for r in Risk.objects.select_related("register").prefetch_related("ratings")}
    on, not_known = [], []
    for code in sorted(set(risks) | set(events)):
        risk = risks.get(code)
        if risk is not None and code not in events and risk.register.code != "corporate":
            continue  # never on the corporate register, as far as Beacon knows
        state, reason = _state_at(events.get(code, []), day)
        if state == "not_known":
            not_known.append((code, reason))
        elif state == "on":
            rating = None
            if risk is not None:
                held = [r for r in risk.ratings.all() if r.kind == "current" and r.effective_date <= day]
                if held:
                    rating = max(held, key=lambda r: (r.effective_date, r.pk)).rating
            on.append((code, risk, rating))
    return {"on": on, "not_known": not_known}


def on_register(day: dt.date) -> list[tuple[Risk, Rating]]:
    """The risks on the corporate register on ``day`` for which a current rating is held then."""
    return [(risk, rating) for _, risk, rating in register_at(day)["on"] if risk is not None and rating is not None]


def _counts_at(day: dt.date) -> dict:
    state = register_at(day)
    counts = counts_by_level(rating for _, _, rating in state["on"] if rating is not None)
    not_held = [code for code, _, rating in state["on"] if rating is None]
    counts[NOT_HELD] = len(not_held)
    return {
        "date": day.isoformat(),
        "counts": counts,
        "total": len(state["on"]),
        "on_register": [code for code, _, _ in state["on"]],
        "not_yet_rated": [code for code, _, rating in state["on"] if rating is not None and rating.is_tbc],
        "rating_not_held": not_held,
        "membership_not_known": [{"risk": code, "reason": reason} for code, reason in state["not_known"]],
    }


def _counts_row(label: str, counts: dict, columns: list[str]) -> list[str]:
    return [label] + [str(counts[c]) for c in columns]


def _counts_notes(at: dict) -> list[str]:
    day = dt.date.fromisoformat(at["date"])
    notes = []
    if at["rating_not_held"]:
        n, total = len(at["rating_not_held"]), at["total"]
        notes.append(
            f"No current rating is recorded at {_day(day)} for {n} of the {total} risk{'' if total == 1 else 's'} "
            f"on the corporate register then ({_ids(at['rating_not_held'])}); "
            f"{'it is' if n == 1 else 'they are'} counted under \"{NOT_HELD}\", not in any risk level."
        )
    if at["membership_not_known"]:
        listed = "; ".join(f"{x['risk']} ({x['reason']})" for x in at["membership_not_known"])
        one = len(at["membership_not_known"]) == 1
        notes.append(
            f"Not counted at {_day(day)}, because the register does not record whether {'it was' if one else 'they were'} "
            f"on the corporate register then: {listed}."
        )
    return notes


def _key_changes(after: dt.date, by: dt.date) -> list[dict]:
    titles = titles_on(by)  # each risk named as it stood at the data date
    groups: OrderedDict[str, list[dict]] = OrderedDict((k, []) for k in HEADINGS)
    for e in RiskEvent.objects.filter(occurred_by__gt=after, occurred_by__lte=by).order_by("risk_code", "pk"):
        if e.event == "rerated" and e.direction in ("reduced", "increased"):
            key = e.direction
        elif e.event == "new":
            key = "new"
        elif e.event in ("de_escalated", "delegated"):
            key = "de_escalated"
        elif e.event in ("review_flagged", "action_date_revised", "control_added", "control_revised", "control_retired"):
            continue
        else:
            key = "other"
        title = titles.get(e.risk_code, "")
        groups[key].append({
            "risk": e.risk_code,
            "event": e.event,
            "heading": f"{e.risk_code} - {title}" if title else e.risk_code,
            "text": e.note,
        })
    return [{"key": k, "title": HEADINGS[k], "entries": v} for k, v in groups.items() if v]


def _actions(after: dt.date, cut_off: dt.date) -> list[dict]:
    """The actions with a progress update dated in the period (after ``after``, up to and including
    ``cut_off``), each once, at the status of its latest update in the period, flagged by whether
    the due or review date held for it falls by the cut-off. Superseded actions that share their
    replacements and their update count once."""
    items, seen_blocks = [], set()
    actions = (Action.objects.select_related("risk").prefetch_related("updates", "superseded_by")
               .order_by("risk__risk_id", "order", "pk"))
    for a in actions:
        in_period = [u for u in a.updates.all() if after < u.dated <= cut_off]
        if not in_period:
            continue
        update = max(in_period, key=lambda u: (u.dated, u.recorded_at, u.pk))
        if update.status == "not_completed":
            block = (a.risk.risk_id, tuple(sorted(x.pk for x in a.superseded_by.all())), update.text)
            if block in seen_blocks:
                continue
            seen_blocks.add(block)
        items.append({
            "risk": a.risk.risk_id, "action": a, "update": update,
            "due_by_cut_off": a.due_date is not None and a.due_date <= cut_off,
        })
    return items


def _actions_section(compare_to: dt.date, data_to: dt.date) -> tuple[list[dict], dict, list[str], dict]:
    """(items, table, paragraphs, data) of the mitigating-actions summary."""
    items = _actions(compare_to, data_to)
    due = action_summary(i["update"].status for i in items if i["due_by_cut_off"])
    later = action_summary(i["update"].status for i in items if not i["due_by_cut_off"])
    keys = [k for k, _ in ACTION_BUCKETS if k != "outstanding" or due["counts"][k] or later["counts"][k]]
    labels = dict(ACTION_BUCKETS)
    period_from = compare_to + dt.timedelta(days=1)
    month = _month_label(data_to)
    rows = [{"label": f"Up to and including {month}", "due": "by_cut_off", "counts": due["counts"], "total": due["total"]}]
    if later["total"]:
        rows.append({"label": f"Due or review date held is after {month}, or not given", "due": "later_or_none",
                     "counts": later["counts"], "total": later["total"]})
    table = {
        "title": "Mitigating actions by status",
        "header": ["Due Date for Review or Completion"] + [labels[k] for k in keys],
        "rows": [[r["label"]] + [str(r["counts"][k]) for k in keys] for r in rows],
    }
    n, k = due["total"], later["total"]
    paragraphs = [MITIGATIONS_SENTENCE]
    if n or not k:
        paragraphs.append(
            f"Updates have been provided for {n} action{'' if n == 1 else 's'} to mitigate elements of Corporate Risks "
            f"that were due for completion or review up to the end of {month}. These are summarised below."
        )
    else:
        # never a bare "0 actions" when updates are held: say what is held instead
        paragraphs.append(
            f"No progress update dated in the period is recorded for an action due for completion or review up to "
            f"the end of {month}."
        )
    if k:
        paragraphs.append(
            f"Updates dated in the period are recorded for {k} action{'' if k == 1 else 's'} whose recorded due or "
            f"review date is after {month} or not given (for example a review date rolled forward after the update): "
            f"{'it is' if k == 1 else 'they are'} summarised in the second row below"
            + (f", not in the {n} above." if n else ".")
        )
    paragraphs.append(
        f"Counted: each action with a progress update dated {_day(period_from)} to {_day(data_to)}, once, at the status "
        f"of its latest update in that period (a superseded block of actions counts as one), by its recorded due or "
        f"review date."
    )
    data = {
        "cut_off": data_to.isoformat(),
        "updated_from": period_from.isoformat(),
        "updated_to": data_to.isoformat(),
        "counts": due["counts"],
        "total": due["total"],
        "rows": rows,
        "later_or_no_due_date": {"counts": later["counts"], "total": later["total"]},
    }
    return items, table, paragraphs, data


def build_risk_overview(period, *, data_to: dt.date | None = None, compare_to: dt.date | None = None) -> dict | None:
    """The overview section for a report quarter (``Quarter`` or its label), or None when the
    database holds no risks. ``data_to``/``compare_to`` override the two dates (month ends).
    Everything returned is JSON-serialisable (dates as ISO strings)."""
    if not Risk.objects.exists():
        return None
    quarter = period if isinstance(period, Quarter) else Quarter.parse(str(period))
    data_to = _month_end(data_to or quarter.end)
    compare_to = _month_end(compare_to or quarter.previous().end)
    if compare_to >= data_to:
        raise ValueError("the comparison date must be before the data date")

    now, then = _counts_at(data_to), _counts_at(compare_to)
    columns = ["Low", "Medium", "High"]
    if now["counts"][NOT_YET_RATED] or then["counts"][NOT_YET_RATED]:
        columns.append(NOT_YET_RATED)
    if now["counts"][NOT_HELD] or then["counts"][NOT_HELD]:
        columns.append(NOT_HELD)
    header = [""] + [f"{c} Risk" if c in ("Low", "Medium", "High") else c for c in columns]
    counts_table = {
        "title": "Number of corporate risks in each risk level",
        "header": header,
        "rows": [
            _counts_row(f"Current risk level {_month_label(compare_to)}", then["counts"], columns),
            _counts_row(f"Current risk level {_month_label(data_to)}", now["counts"], columns),
        ],
    }
    counts_sentence = (
        "The table below shows the number of corporate risks in each risk level (based on the risk score) in "
        f"{_month_label(data_to)}, compared with {_month_label(compare_to)}."
    )

    changes = _key_changes(compare_to, data_to)
    items, actions_table, actions_paragraphs, actions_data = _actions_section(compare_to, data_to)

    updates: OrderedDict[str, dict] = OrderedDict()
    titles = titles_on(data_to)
    for item in sorted(items, key=lambda i: i["risk"]):
        risk = item["action"].risk
        entry = updates.setdefault(risk.risk_id, {"risk": risk.risk_id, "title": f"{risk.risk_id}: {titles[risk.risk_id]}",
                                                  "items": []})
        update = item["update"]
        status = update.status_as_printed or STATUS_HEADINGS.get(update.status, update.status)
        text = update.text
        if update.status == "not_completed" and "will not be completed" not in text:
            text += " The listed actions will not be completed and will be superseded by new actions."
        entry["items"].append({
            "status": status, "short_name": update.short_name or None, "text": text,
            "updated_on": update.dated.isoformat(), "due": item["action"].due_text,
            "due_by_cut_off": item["due_by_cut_off"],
        })

    subsections = [
        {"title": group["title"], "paragraphs": [f"{e['heading']}: {e['text']}" if e["text"] else e["heading"] for e in group["entries"]],
         "tables": []}
        for group in changes
    ]
    subsections.append({"title": "Mitigating Actions", "paragraphs": actions_paragraphs, "tables": [actions_table]})
    for entry in updates.values():
        subsections.append({
            "title": entry["title"],
            "paragraphs": [
                f"{i['status']}{' – ' + i['short_name'] if i['short_name'] else ''}: {i['text']}" for i in entry["items"]
            ],
            "tables": [],
        })
    return {
        "title": TITLE,
        "paragraphs": [counts_sentence] + _counts_notes(then) + _counts_notes(now),
        "tables": [counts_table],
        "subsections": subsections,
        "data_to": data_to.isoformat(),
        "compare_to": compare_to.isoformat(),
        "counts": {"compare_to": then["counts"], "data_to": now["counts"]},
        "register": {"compare_to": then, "data_to": now},
        "key_changes": changes,
        "actions": actions_data,
        "updates": list(updates.values()),
    }
