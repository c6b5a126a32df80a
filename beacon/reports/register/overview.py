"""The QPR section "Corporate Risk Register – Overview" (risk spec §6.3), built from the register
**as it stood at the QPR's data date**, never from a later refresh.

:func:`build_risk_overview` returns the shape the QPR templates render
(``templates/reports/qpr/risk_overview.html``): ``title``, ``paragraphs``, ``tables``
(``{title, header, rows}``) and ``subsections`` (``{title, paragraphs, tables}``), plus the same
content as data (``counts``, ``key_changes``, ``actions``, ``updates``) for the JSON model.

Decisions where the papers are silent:

* the data date defaults to the end of the report quarter and the comparison date to the end of
  the previous quarter (the January 2023 QPR used November and June 2022: pass them explicitly);
* a risk is on the corporate register on a date when a current rating had been recorded for it by
  then and no event had taken it off (closed, withdrawn, merged into another, delegated,
  de-escalated) without a later re-escalation;
* key changes are the events whose window ends after the comparison date and by the data date;
* the actions summarised are those due (completion or review) by the end of the data month that
  have a progress update; their status is the latest update's. Superseded actions that share their
  replacements and their update count once.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import OrderedDict

from beacon.domain.periods import Quarter
from beacon.domain.risk import NOT_YET_RATED, STATUS_HEADINGS, Rating, action_summary, counts_by_level
from beacon.risk.models import Action, Risk, RiskEvent

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


def on_register(day: dt.date) -> list[tuple[Risk, Rating]]:
    """The risks on the corporate register on ``day``, each with its current rating then."""
    events: dict[str, list[RiskEvent]] = {}
    for e in RiskEvent.objects.filter(occurred_by__lte=day).order_by("occurred_by", "pk"):
        events.setdefault(e.risk_code, []).append(e)
    out = []
    for risk in Risk.objects.order_by("risk_id"):
        row = risk.ratings.filter(kind="current", effective_date__lte=day).order_by("-effective_date", "-pk").first()
        if row is None:
            continue
        off = False
        for e in events.get(risk.risk_id, []):
            if e.event in LEAVING or (e.event == "merged" and not e.rating):
                off = True
            elif e.event in ("re_escalated", "escalated"):
                off = False
        if not off:
            out.append((risk, row.rating))
    return out


def _counts_row(label: str, counts: dict, with_tbc: bool) -> list[str]:
    row = [label, str(counts["Low"]), str(counts["Medium"]), str(counts["High"])]
    return row + [str(counts[NOT_YET_RATED])] if with_tbc else row


def _key_changes(after: dt.date, by: dt.date) -> list[dict]:
    titles = dict(Risk.objects.values_list("risk_id", "title"))
    groups: OrderedDict[str, list[dict]] = OrderedDict((k, []) for k in HEADINGS)
    for e in RiskEvent.objects.filter(occurred_by__gt=after, occurred_by__lte=by).order_by("risk_code", "pk"):
        if e.event == "rerated" and e.direction in ("reduced", "increased"):
            key = e.direction
        elif e.event == "new":
            key = "new"
        elif e.event in ("de_escalated", "delegated"):
            key = "de_escalated"
        elif e.event in ("review_flagged", "action_date_revised"):
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


def _actions(cut_off: dt.date) -> tuple[list[dict], list]:
    """(counted items, the actions with updates due by the cut-off)."""
    actions = [
        a for a in Action.objects.filter(due_date__isnull=False, due_date__lte=cut_off)
        .select_related("risk").prefetch_related("updates", "superseded_by").order_by("risk__risk_id", "order", "pk")
        if a.updates.exists()
    ]
    items, seen_blocks = [], set()
    for a in actions:
        update = a.latest_update
        if update.status == "not_completed":
            block = (a.risk.risk_id, tuple(sorted(x.pk for x in a.superseded_by.all())), update.text)
            if block in seen_blocks:
                continue
            seen_blocks.add(block)
        items.append({"risk": a.risk.risk_id, "action": a, "update": update})
    return items, actions


def build_risk_overview(period, *, data_to: dt.date | None = None, compare_to: dt.date | None = None) -> dict | None:
    """The overview section for a report quarter (``Quarter`` or its label), or None when the
    database holds no risks. ``data_to``/``compare_to`` override the two dates (month ends)."""
    if not Risk.objects.exists():
        return None
    quarter = period if isinstance(period, Quarter) else Quarter.parse(str(period))
    data_to = _month_end(data_to or quarter.end)
    compare_to = _month_end(compare_to or quarter.previous().end)
    if compare_to >= data_to:
        raise ValueError("the comparison date must be before the data date")

    now_counts = counts_by_level(r for _, r in on_register(data_to))
    then_counts = counts_by_level(r for _, r in on_register(compare_to))
    with_tbc = bool(now_counts[NOT_YET_RATED] or then_counts[NOT_YET_RATED])
    header = ["", "Low Risk", "Medium Risk", "High Risk"] + (["Not yet rated"] if with_tbc else [])
    counts_table = {
        "title": "Number of corporate risks in each risk level",
        "header": header,
        "rows": [
            _counts_row(f"Current risk level {_month_label(compare_to)}", then_counts, with_tbc),
            _counts_row(f"Current risk level {_month_label(data_to)}", now_counts, with_tbc),
        ],
    }
    counts_sentence = (
        "The table below shows the number of corporate risks in each risk level (based on the risk score) in "
        f"{_month_label(data_to)}, compared with {_month_label(compare_to)}."
    )

    changes = _key_changes(compare_to, data_to)
    items, _ = _actions(data_to)
    summary = action_summary(i["update"].status for i in items)
    actions_table = {
        "title": "Mitigating actions by status",
        "header": ["Due Date for Review or Completion"] + [label for _, label in summary["columns"]],
        "rows": [[f"Up to and including {_month_label(data_to)}"] + [str(summary["counts"][k]) for k, _ in summary["columns"]]],
    }
    actions_sentence = (
        f"Updates have been provided for {summary['total']} action{'' if summary['total'] == 1 else 's'} to mitigate elements of Corporate Risks that were "
        f"due for completion or review up to the end of {_month_label(data_to)}. These are summarised below."
    )

    updates: OrderedDict[str, dict] = OrderedDict()
    for item in items:
        risk = item["action"].risk
        entry = updates.setdefault(risk.risk_id, {"risk": risk.risk_id, "title": f"{risk.risk_id}: {risk.title}", "items": []})
        update = item["update"]
        status = update.status_as_printed or STATUS_HEADINGS.get(update.status, update.status)
        text = update.text
        if update.status == "not_completed" and "will not be completed" not in text:
            text += " The listed actions will not be completed and will be superseded by new actions."
        entry["items"].append({"status": status, "short_name": update.short_name or None, "text": text})

    subsections = [
        {"title": group["title"], "paragraphs": [f"{e['heading']}: {e['text']}" if e["text"] else e["heading"] for e in group["entries"]],
         "tables": []}
        for group in changes
    ]
    subsections.append({"title": "Mitigating Actions", "paragraphs": [MITIGATIONS_SENTENCE, actions_sentence], "tables": [actions_table]})
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
        "paragraphs": [counts_sentence],
        "tables": [counts_table],
        "subsections": subsections,
        "data_to": data_to.isoformat(),
        "compare_to": compare_to.isoformat(),
        "counts": {"compare_to": then_counts, "data_to": now_counts},
        "key_changes": changes,
        "actions": {"cut_off": data_to.isoformat(), "counts": summary["counts"], "total": summary["total"]},
        "updates": list(updates.values()),
    }
