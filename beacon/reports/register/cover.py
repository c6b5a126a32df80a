"""The covering report for the annual refresh of the register (risk spec §6.4; header: governance
spec §6). The register edition is its Appendix 1.

Every figure in the narrative is computed from the edition; the change paragraphs are generated
from the lifecycle events (§2.8). Authored paragraphs (background, monitoring, context,
comparison with the existing registers, emerging themes, conclusions) and the header people
come from a settings file (``--cover-settings FILE.json``); a missing authored paragraph is left
out, never invented, except the short generic background and monitoring paragraphs, which name
the council's bodies from its data (``registers.csv``).

Decision: the changes "ahead of the formal refresh" (2.1) are the events dated (``occurred_by``)
before ``refresh_from``; the others up to the edition date are "as a result of the refresh"
(2.2). ``refresh_from`` defaults to 1 October before the edition date (the autumn refresh). The
January 2023 paper's own split cannot be recovered from the event dates alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from beacon.core import jsonio
from beacon.risk.edition_model import Change, RegisterEdition
from beacon.risk.states import long_date

# the settings a covering report may be given (--cover-settings), and their defaults. Those that
# name the council's bodies default to its words in registers.csv: the body the edition goes to,
# the body that receives the register (owner_body) and the others that receive it whole
# (other_bodies); the council's own paragraphs (background, monitoring) and people are data too
# (the demo's are beacon/demo/register-cover-settings.json)
DEFAULTS = {
    "from": ["Leader of the Council", "Chief Executive Officer"],
    "decision_no": "N/A",
    "subject": "Corporate Risk Register",
    "classification": "Unrestricted",
    "past_pathway": "N/A",
    "future_pathway": "",  # default: the first of the register's other bodies, else "N/A"
    "electoral_division": "ALL",
    "summary": "",  # default: SUMMARY
    "recommendation": "",  # default: RECOMMENDATION
    "author": "",
    "director": "",
    "background": None,  # default: [BACKGROUND]
    "monitoring": None,  # default: MONITORING
    "context": [],
    "comparison": [],
    "emerging_themes": [],
    "conclusions": [],
    "refresh_from": None,
}

SUMMARY = (
    "This report updates {body} on the outputs from the latest, more formal refresh of the council's corporate "
    "risk profile, including the revised Corporate Risk Register."
)
RECOMMENDATION = "{body} Members are asked to NOTE the report."
BACKGROUND = (
    "The Corporate Risk Register is a living document: it is regularly reviewed and updated throughout the year for "
    "new risks, changes in risk exposure and progress with mitigating actions, and refreshed more formally once a "
    "year."
)
MONITORING = [
    "The risks, their current risk level and progress against mitigating actions are reported to {owner_body} "
    "quarterly through the Quarterly Performance Report.",
]


class CoverSettingsError(ValueError):
    pass


def load_cover_settings(path: str | Path | None) -> dict:
    settings = dict(DEFAULTS)
    if path is None:
        return settings
    try:
        data = jsonio.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CoverSettingsError(f"{path}: {exc}") from None
    unknown = sorted(set(data) - set(DEFAULTS))
    if unknown:
        raise CoverSettingsError(f"{path}: unknown keys {', '.join(unknown)} (known: {', '.join(DEFAULTS)})")
    settings.update(data)
    return settings


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _paragraphs_from_changes(changes: list[Change]) -> list[str]:
    """One paragraph per event; events printed with the same change note (CRR0014's de-scoping
    and target, CRR0051's closure and CRR0058's entry) make one paragraph, where the first stood."""
    out: list[dict] = []
    by_note: dict[str, dict] = {}
    for c in changes:
        if not c.event.in_change_summary:
            continue
        group = by_note.get(c.note) if c.note else None
        if group is None:
            group = {"note": c.note, "risk": c.risk, "title": c.title, "summaries": []}
            out.append(group)
            if c.note:
                by_note[c.note] = group
        group["summaries"].append(c.summary if c.risk == group["risk"] else f"{c.risk}: {c.summary}")
    paragraphs = []
    for p in out:
        head = f"{p['risk']} {p['title']}" if p["title"] else p["risk"]
        paragraphs.append(f"{head} – {'; '.join(p['summaries'])}." + (f" {p['note']}" if p["note"] else ""))
    return paragraphs


@dataclass(frozen=True)
class HeaderRow:
    label: str
    value: str


@dataclass(frozen=True)
class NumberedParagraph:
    number: str  # "2.1.3"
    text: str


@dataclass(frozen=True)
class CoverSection:
    number: str
    title: str
    paragraphs: tuple[NumberedParagraph, ...]


@dataclass(frozen=True)
class Cover:
    """The covering report: its header fields, numbered sections and closing block."""

    body: str  # the body it goes to
    date: dt.date  # the meeting
    from_lines: tuple[str, ...]
    decision_no: str
    subject: str
    classification: str
    past_pathway: str
    future_pathway: str
    electoral_division: str
    summary: str
    recommendation: str
    refresh_from: dt.date  # the date that splits 2.1 (ahead of the refresh) from 2.2
    sections: tuple[CoverSection, ...]
    author: str
    director: str
    changes_ahead: int
    changes_refresh: int

    @property
    def header(self) -> tuple[HeaderRow, ...]:
        """The header table, in the printed order."""
        return tuple(HeaderRow(label, value) for label, value in (
            ("From", "\n".join(self.from_lines)),
            ("To", f"{self.body} – {long_date(self.date)}"),
            ("Decision No", self.decision_no),
            ("Subject", self.subject),
            ("Classification", self.classification),
            ("Past Pathway of Paper", self.past_pathway),
            ("Future Pathway of Paper", self.future_pathway),
            ("Electoral Division", self.electoral_division),
            ("Summary", self.summary),
            ("Recommendation", self.recommendation),
        ))

    def to_json(self) -> dict:
        return {
            "refresh_from": self.refresh_from.isoformat(),
            "header": [{"label": h.label, "value": h.value} for h in self.header],
            "sections": [
                {"number": s.number, "title": s.title,
                 "paragraphs": [{"number": p.number, "text": p.text} for p in s.paragraphs]}
                for s in self.sections
            ],
            "author": self.author,
            "director": self.director,
            "changes_ahead": self.changes_ahead,
            "changes_refresh": self.changes_refresh,
        }


def build_cover(content: RegisterEdition, settings: dict) -> Cover:
    """The covering report of ``content`` with the authored parts of ``settings``
    (:func:`load_cover_settings`)."""
    date = content.date
    register = _register_words()
    refresh_from = settings.get("refresh_from")
    refresh_from = dt.date.fromisoformat(refresh_from) if refresh_from else dt.date(
        date.year if date.month >= 10 else date.year - 1, 10, 1)
    changes = sorted(content.changes, key=lambda c: (c.occurred_by.isoformat() if c.occurred_by else "", c.risk))
    ahead = [c for c in changes if c.occurred_by and c.occurred_by < refresh_from]
    refresh = [c for c in changes if c not in ahead]
    ahead_paras, refresh_paras = _paragraphs_from_changes(ahead), _paragraphs_from_changes(refresh)
    counts, targets = content.counts_by_level, content.target_counts_by_level
    total = len(content.risks)
    conclusions = [
        f"Of the {total} risks on the register, {counts['High']} are rated High, {counts['Medium']} Medium and "
        f"{counts['Low']} Low" + (f", and {counts['Not yet rated']} not yet rated" if counts["Not yet rated"] else "")
        + f". Their targets: {targets['High']} High, {targets['Medium']} Medium, {targets['Low']} Low"
        + (f", {targets['Not yet rated']} not yet rated" if targets["Not yet rated"] else "") + ".",
        *settings["conclusions"],
    ]
    words = {"body": content.body, **register}
    background = settings["background"] if settings["background"] is not None else [BACKGROUND]
    monitoring = settings["monitoring"] if settings["monitoring"] is not None else [
        p.format(**words) for p in MONITORING]
    recommendation = settings["recommendation"] or RECOMMENDATION.format(**words)
    sections = [
        {"number": "1", "title": "Background", "paragraphs": [*background, *settings["context"], *settings["comparison"]]},
        {"number": "2", "title": "Corporate Risk Register – summary of changes", "paragraphs": [], "groups": [
            {"lead": f"Ahead of the formal refresh, {_plural(len(ahead_paras), 'change')} to the risk register had already been made:"
                     if ahead_paras else "No changes were made to the risk register ahead of the formal refresh.",
             "items": ahead_paras},
            {"lead": "More recently, as a result of the refresh process, a number of changes have been made:"
                     if refresh_paras else "The refresh process made no further changes to the register.",
             "items": refresh_paras},
            {"lead": None, "items": list(settings["emerging_themes"]) + [
                f"Candidate risk: {c.theme}." + (f" {c.note}" if c.note else "")
                for c in content.candidates
            ]},
            {"lead": "The revised Corporate Risk Register is attached at appendix 1.", "items": []},
        ]},
        {"number": "3", "title": "Monitoring and Review", "paragraphs": monitoring},
        {"number": "4", "title": "Conclusions", "paragraphs": conclusions},
        {"number": "5", "title": "Recommendation", "paragraphs": [recommendation]},
    ]
    typed = []
    for section in sections:
        n = 0
        numbered = []
        for para in section.get("paragraphs", []):
            n += 1
            numbered.append(NumberedParagraph(f"{section['number']}.{n}", para))
        for group in section.get("groups", []):
            if group["lead"] is None and not group["items"]:
                continue
            n += 1
            number = f"{section['number']}.{n}"
            if group["lead"] is None:  # authored emerging themes: one numbered paragraph each
                for i, item in enumerate(group["items"], start=1):
                    numbered.append(NumberedParagraph(f"{number}.{i}" if len(group["items"]) > 1 else number, item))
                continue
            numbered.append(NumberedParagraph(number, group["lead"]))
            for i, item in enumerate(group["items"], start=1):
                numbered.append(NumberedParagraph(f"{number}.{i}", item))
        typed.append(CoverSection(section["number"], section["title"], tuple(numbered)))
    return Cover(
        body=content.body,
        date=date,
        from_lines=tuple(settings["from"]),
        decision_no=settings["decision_no"],
        subject=settings["subject"],
        classification=settings["classification"],
        past_pathway=settings["past_pathway"],
        future_pathway=settings["future_pathway"] or register["other_body"] or "N/A",
        electoral_division=settings["electoral_division"],
        summary=settings["summary"] or SUMMARY.format(**words),
        recommendation=recommendation,
        refresh_from=refresh_from,
        sections=tuple(typed),
        author=settings["author"],
        director=settings["director"],
        changes_ahead=len(ahead_paras),
        changes_refresh=len(refresh_paras),
    )


def _register_words() -> dict:
    """The council's words for its register, from ``registers.csv``: the body that receives it
    (``owner_body``) and the first of the other bodies that receive it whole (``other_bodies``)."""
    from beacon.risk.models import Register

    register = Register.corporate()
    others = list(register.other_bodies or [])
    return {"owner_body": register.owner_body or "", "other_body": others[0] if others else ""}
