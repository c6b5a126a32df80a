"""The QPR section "Corporate Risk Register – Overview" (risk spec §6.3), built from the register
**as it stood at the QPR's data date**, never from a later refresh.

:func:`build_risk_overview` returns a :class:`beacon.domain.risk_overview.RiskOverview`: what the
QPR templates render (``templates/reports/qpr/risk_overview.html``: ``title``, ``paragraphs``,
``tables`` and ``subsections``), plus the same content as data (``counts``, ``register``,
``key_changes``, ``actions``, ``updates``), written in the QPR's JSON by its ``to_json``.

Decisions where the papers are silent:

* the data date defaults to the end of the report quarter and the comparison date to the end of
  the previous quarter (the January 2023 QPR used November and June 2022: pass them explicitly);
* which ids are on the corporate register on a date, and the rating in force then, are the rules
  of :mod:`beacon.risk.states` (``register_on``, ``rating_on``), the ones editions use: an id is on
  unless its membership events (new, escalated, re-escalated, merged into it; closed, withdrawn,
  merged into another, delegated, de-escalated) place it off then; an id with no entry event was
  on from before the data begins. An event dated only to a window that spans the date makes
  membership **not known**: such ids are listed in a sentence, not counted and not guessed;
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
    NOT_YET_RATED, ActionBucket, ActionStatus, EventKind, Level, action_summary, counts_by_level,
)
from beacon.domain.risk_overview import (
    ActionsCount,
    ActionsRow,
    ActionsSummary,
    KeyChange,
    KeyChangeGroup,
    NotKnown,
    OverviewTable,
    RegisterAt,
    RiskOverview,
    RiskUpdates,
    Subsection,
    UpdateItem,
)
from beacon.domain.wording import n_of_total
from beacon.risk.models import Action, Risk, RiskEvent
from beacon.risk.states import OnRegister, long_date, register_on, titles_on

TITLE = "Corporate Risk Register – Overview"
MITIGATIONS_SENTENCE = (
    "The Corporate Risk Register mitigations are regularly reviewed for their continued relevance and urgency, "
    "and new mitigations introduced as required."
)
HEADINGS = OrderedDict([
    ("reduced", "RISK LEVEL REDUCED"),
    ("increased", "RISK LEVEL INCREASED"),
    ("new", "NEW RISKS"),
    ("de_escalated", "DE-ESCALATED RISKS"),
    ("other", "CHANGES DURING LAST QUARTER"),
])
NOT_HELD = "Rating not held"


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _month_label(day: dt.date) -> str:
    return f"{day:%B %Y}"


def _ids(codes) -> str:
    codes = list(codes)
    return codes[0] if len(codes) == 1 else ", ".join(codes[:-1]) + " and " + codes[-1]


def _counts_at(day: dt.date) -> RegisterAt:
    state = register_on(day)
    on: tuple[OnRegister, ...] = state.on
    counts = counts_by_level(o.rating for o in on if o.rating is not None)
    not_held = tuple(o.risk_id for o in on if o.rating is None)
    counts[NOT_HELD] = len(not_held)
    return RegisterAt(
        date=day,
        counts=counts,
        total=len(on),
        on_register=tuple(o.risk_id for o in on),
        not_yet_rated=tuple(o.risk_id for o in on if o.rating is not None and o.rating.is_tbc),
        rating_not_held=not_held,
        membership_not_known=tuple(NotKnown(code, reason) for code, reason in state.not_known),
    )


def _counts_row(label: str, counts: dict, columns: list[str]) -> tuple[str, ...]:
    return (label, *(str(counts[c]) for c in columns))


def _counts_notes(at: RegisterAt) -> list[str]:
    notes = []
    if at.rating_not_held:
        n, total = len(at.rating_not_held), at.total
        notes.append(
            f"No current rating is recorded at {long_date(at.date)} for {n_of_total(n, total, 'risk', 'risks')} "
            f"on the corporate register then ({_ids(at.rating_not_held)}); "
            f"{'it is' if n == 1 else 'they are'} counted under \"{NOT_HELD}\", not in any risk level."
        )
    if at.membership_not_known:
        listed = "; ".join(f"{x.risk} ({x.reason})" for x in at.membership_not_known)
        one = len(at.membership_not_known) == 1
        notes.append(
            f"Not counted at {long_date(at.date)}, because the register does not record whether {'it was' if one else 'they were'} "
            f"on the corporate register then: {listed}."
        )
    return notes


def _key_changes(after: dt.date, by: dt.date) -> tuple[KeyChangeGroup, ...]:
    titles = titles_on(by)  # each risk named as it stood at the data date
    groups: OrderedDict[str, list[KeyChange]] = OrderedDict((k, []) for k in HEADINGS)
    for e in RiskEvent.objects.filter(occurred_by__gt=after, occurred_by__lte=by).order_by("risk_code", "pk"):
        kind = EventKind(e.event)
        if kind is EventKind.RERATED and e.direction in ("reduced", "increased"):
            key = e.direction
        elif kind is EventKind.NEW:
            key = "new"
        elif kind in (EventKind.DE_ESCALATED, EventKind.DELEGATED):
            key = "de_escalated"
        elif not kind.in_change_summary:
            continue
        else:
            key = "other"
        title = titles.get(e.risk_code, "")
        groups[key].append(KeyChange(e.risk_code, kind, f"{e.risk_code} - {title}" if title else e.risk_code, e.note))
    return tuple(KeyChangeGroup(k, HEADINGS[k], tuple(v)) for k, v in groups.items() if v)


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
        if update.status == ActionStatus.NOT_COMPLETED:
            block = (a.risk.risk_id, tuple(sorted(x.pk for x in a.superseded_by.all())), update.text)
            if block in seen_blocks:
                continue
            seen_blocks.add(block)
        items.append({
            "risk": a.risk.risk_id, "action": a, "update": update,
            "due_by_cut_off": a.due_date is not None and a.due_date <= cut_off,
        })
    return items


def _actions_section(compare_to: dt.date, data_to: dt.date) -> tuple[list[dict], OverviewTable, list[str], ActionsSummary]:
    """(items, table, paragraphs, data) of the mitigating-actions summary."""
    items = _actions(compare_to, data_to)
    due = action_summary(i["update"].status for i in items if i["due_by_cut_off"])
    later = action_summary(i["update"].status for i in items if not i["due_by_cut_off"])
    buckets = [b for b in ActionBucket
               if b is not ActionBucket.OUTSTANDING or due["counts"][b.value] or later["counts"][b.value]]
    period_from = compare_to + dt.timedelta(days=1)
    month = _month_label(data_to)
    rows = [ActionsRow(f"Up to and including {month}", "by_cut_off", due["counts"], due["total"])]
    if later["total"]:
        rows.append(ActionsRow(f"Due or review date held is after {month}, or not given", "later_or_none",
                               later["counts"], later["total"]))
    table = OverviewTable(
        "Mitigating actions by status",
        ("Due Date for Review or Completion", *(b.label for b in buckets)),
        tuple((r.label, *(str(r.counts[b.value]) for b in buckets)) for r in rows),
    )
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
        f"Counted: each action with a progress update dated {long_date(period_from)} to {long_date(data_to)}, once, at "
        f"the status of its latest update in that period (a superseded block of actions counts as one), by its "
        f"recorded due or review date."
    )
    data = ActionsSummary(
        cut_off=data_to,
        updated_from=period_from,
        updated_to=data_to,
        counts=due["counts"],
        total=due["total"],
        rows=tuple(rows),
        later_or_no_due_date=ActionsCount(later["counts"], later["total"]),
    )
    return items, table, paragraphs, data


def _updates(items: list[dict], data_to: dt.date) -> tuple[RiskUpdates, ...]:
    """The progress updates in the period, by risk (named as it stood at the data date)."""
    by_risk: OrderedDict[str, list[UpdateItem]] = OrderedDict()
    titles = titles_on(data_to)
    for item in sorted(items, key=lambda i: i["risk"]):
        update = item["update"]
        status = update.status_as_printed or ActionStatus(update.status).heading
        text = update.text
        if update.status == ActionStatus.NOT_COMPLETED and "will not be completed" not in text:
            text += " The listed actions will not be completed and will be superseded by new actions."
        by_risk.setdefault(item["risk"], []).append(UpdateItem(
            status, update.short_name or None, text, update.dated, item["action"].due_text, item["due_by_cut_off"]))
    return tuple(RiskUpdates(code, f"{code}: {titles[code]}", tuple(entries)) for code, entries in by_risk.items())


def build_risk_overview(period, *, data_to: dt.date | None = None, compare_to: dt.date | None = None) -> RiskOverview | None:
    """The overview section for a report quarter (``Quarter`` or its label), or None when the
    database holds no risks. ``data_to``/``compare_to`` override the two dates (month ends)."""
    if not Risk.objects.exists():
        return None
    quarter = period if isinstance(period, Quarter) else Quarter.parse(str(period))
    data_to = _month_end(data_to or quarter.end)
    compare_to = _month_end(compare_to or quarter.previous().end)
    if compare_to >= data_to:
        raise ValueError("the comparison date must be before the data date")

    now, then = _counts_at(data_to), _counts_at(compare_to)
    levels = [level.value for level in Level]
    columns = list(levels)
    if now.counts[NOT_YET_RATED] or then.counts[NOT_YET_RATED]:
        columns.append(NOT_YET_RATED)
    if now.counts[NOT_HELD] or then.counts[NOT_HELD]:
        columns.append(NOT_HELD)
    counts_table = OverviewTable(
        "Number of corporate risks in each risk level",
        ("", *(f"{c} Risk" if c in levels else c for c in columns)),
        (
            _counts_row(f"Current risk level {_month_label(compare_to)}", then.counts, columns),
            _counts_row(f"Current risk level {_month_label(data_to)}", now.counts, columns),
        ),
    )
    counts_sentence = (
        "The table below shows the number of corporate risks in each risk level (based on the risk score) in "
        f"{_month_label(data_to)}, compared with {_month_label(compare_to)}."
    )

    changes = _key_changes(compare_to, data_to)
    items, actions_table, actions_paragraphs, actions_data = _actions_section(compare_to, data_to)
    updates = _updates(items, data_to)

    subsections = [
        Subsection(group.title, tuple(f"{e.heading}: {e.text}" if e.text else e.heading for e in group.entries))
        for group in changes
    ]
    subsections.append(Subsection("Mitigating Actions", tuple(actions_paragraphs), (actions_table,)))
    for entry in updates:
        subsections.append(Subsection(entry.title, tuple(
            f"{i.status}{' – ' + i.short_name if i.short_name else ''}: {i.text}" for i in entry.items)))
    return RiskOverview(
        title=TITLE,
        paragraphs=(counts_sentence, *_counts_notes(then), *_counts_notes(now)),
        tables=(counts_table,),
        subsections=tuple(subsections),
        data_to=data_to,
        compare_to=compare_to,
        at_compare_to=then,
        at_data_to=now,
        key_changes=changes,
        actions=actions_data,
        updates=updates,
    )
