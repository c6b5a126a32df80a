"""The covering report to Cabinet for the annual refresh (risk spec §6.4; header: governance
spec §6). The register edition is its Appendix 1.

Every figure in the narrative is computed from the edition; the change paragraphs are generated
from the lifecycle events (§2.8). Authored paragraphs (context, comparison with the existing
registers, emerging themes, conclusions) and the header people come from a settings file
(``--cover-settings FILE.json``); a missing authored paragraph is left out, never invented.

Decision: the changes "ahead of the formal refresh" (2.1) are the events dated (``occurred_by``)
before ``refresh_from``; the others up to the edition date are "as a result of the refresh"
(2.2). ``refresh_from`` defaults to 1 October before the edition date (the autumn refresh). The
January 2023 paper's own split cannot be recovered from the event dates alone.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

DEFAULTS = {
    "from": ["Leader of the Council", "Chief Executive Officer"],
    "decision_no": "N/A",
    "subject": "Corporate Risk Register",
    "classification": "Unrestricted",
    "past_pathway": "N/A",
    "future_pathway": "Governance & Audit Committee",
    "electoral_division": "ALL",
    "summary": (
        "This report updates Cabinet on the outputs from the latest, more formal refresh of the council's corporate "
        "risk profile, including the revised Corporate Risk Register."
    ),
    "recommendation": "Cabinet Members are asked to NOTE the report.",
    "author": "Corporate Risk & Assurance Manager",
    "director": "Director of Strategy, Policy, Relationships and Corporate Assurance",
    "context": [],
    "comparison": [],
    "emerging_themes": [],
    "conclusions": [],
    "refresh_from": None,
}

BACKGROUND = (
    "The Corporate Risk Register is a living document: it is regularly reviewed and updated throughout the year for "
    "new risks, changes in risk exposure and progress with mitigating actions. A more formal refresh takes place each "
    "autumn with the Corporate Management Team and Cabinet Members, taking into account the comments of the "
    "Governance and Audit Committee."
)
MONITORING = [
    "Cabinet Committees receive the corporate risks led by their Corporate Director once a year, alongside the "
    "directorate risks, with the Risk Owner and Cabinet Member present.",
    "The Governance and Audit Committee receives the register twice yearly for assurance purposes, and Internal Audit "
    "uses it to inform its audit plan.",
    "The risks, their current risk level and progress against mitigating actions are reported to Cabinet quarterly "
    "through the Quarterly Performance Report.",
]


class CoverSettingsError(ValueError):
    pass


def load_cover_settings(path: str | Path | None) -> dict:
    settings = dict(DEFAULTS)
    if path is None:
        return settings
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CoverSettingsError(f"{path}: {exc}") from None
    unknown = sorted(set(data) - set(DEFAULTS))
    if unknown:
        raise CoverSettingsError(f"{path}: unknown keys {', '.join(unknown)} (known: {', '.join(DEFAULTS)})")
    settings.update(data)
    return settings


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _paragraphs_from_changes(changes: list[dict]) -> list[str]:
    """One paragraph per event; events printed with the same change note (CRR0014's de-scoping
    and target, CRR0051's closure and CRR0058's entry) make one paragraph, where the first stood."""
    out: list[dict] = []
    by_note: dict[str, dict] = {}
    for c in changes:
        if c["event"] in ("review_flagged", "action_date_revised", "control_added", "control_revised", "control_retired"):
            continue
        group = by_note.get(c["note"]) if c["note"] else None
        if group is None:
            group = {"note": c["note"], "risk": c["risk"], "title": c["title"], "summaries": []}
            out.append(group)
            if c["note"]:
                by_note[c["note"]] = group
        group["summaries"].append(c["summary"] if c["risk"] == group["risk"] else f"{c['risk']}: {c['summary']}")
    paragraphs = []
    for p in out:
        head = f"{p['risk']} {p['title']}" if p["title"] else p["risk"]
        paragraphs.append(f"{head} – {'; '.join(p['summaries'])}." + (f" {p['note']}" if p["note"] else ""))
    return paragraphs


def build_cover(content: dict, settings: dict) -> dict:
    date = dt.date.fromisoformat(content["date"])
    refresh_from = settings.get("refresh_from")
    refresh_from = dt.date.fromisoformat(refresh_from) if refresh_from else dt.date(
        date.year if date.month >= 10 else date.year - 1, 10, 1)
    changes = sorted(content.get("changes", []), key=lambda c: (c["occurred_by"] or "", c["risk"]))
    ahead = [c for c in changes if c["occurred_by"] and c["occurred_by"] < refresh_from.isoformat()]
    refresh = [c for c in changes if c not in ahead]
    ahead_paras, refresh_paras = _paragraphs_from_changes(ahead), _paragraphs_from_changes(refresh)
    counts, targets = content["counts_by_level"], content["target_counts_by_level"]
    total = len(content["risks"])
    conclusions = [
        f"Of the {total} risks on the register, {counts['High']} are rated High, {counts['Medium']} Medium and "
        f"{counts['Low']} Low" + (f", and {counts['Not yet rated']} not yet rated" if counts["Not yet rated"] else "")
        + f". Their targets: {targets['High']} High, {targets['Medium']} Medium, {targets['Low']} Low"
        + (f", {targets['Not yet rated']} not yet rated" if targets["Not yet rated"] else "") + ".",
        *settings["conclusions"],
    ]
    sections = [
        {"number": "1", "title": "Background", "paragraphs": [BACKGROUND, *settings["context"], *settings["comparison"]]},
        {"number": "2", "title": "Corporate Risk Register – summary of changes", "paragraphs": [], "groups": [
            {"lead": f"Ahead of the formal refresh, {_plural(len(ahead_paras), 'change')} to the risk register had already been made:"
                     if ahead_paras else "No changes were made to the risk register ahead of the formal refresh.",
             "items": ahead_paras},
            {"lead": "More recently, as a result of the refresh process, a number of changes have been made:"
                     if refresh_paras else "The refresh process made no further changes to the register.",
             "items": refresh_paras},
            {"lead": None, "items": list(settings["emerging_themes"]) + [
                f"Candidate risk: {c['theme']}." + (f" {c['note']}" if c["note"] else "")
                for c in content.get("candidates", [])
            ]},
            {"lead": "The revised Corporate Risk Register is attached at appendix 1.", "items": []},
        ]},
        {"number": "3", "title": "Monitoring and Review", "paragraphs": list(MONITORING)},
        {"number": "4", "title": "Conclusions", "paragraphs": conclusions},
        {"number": "5", "title": "Recommendation", "paragraphs": [settings["recommendation"]]},
    ]
    for section in sections:
        n = 0
        numbered = []
        for para in section.get("paragraphs", []):
            n += 1
            numbered.append({"number": f"{section['number']}.{n}", "text": para})
        section["numbered"] = numbered
        for group in section.get("groups", []):
            if group["lead"] is None and not group["items"]:
                continue
            n += 1
            number = f"{section['number']}.{n}"
            if group["lead"] is None:  # authored emerging themes: one numbered paragraph each
                for i, item in enumerate(group["items"], start=1):
                    numbered.append({"number": f"{number}.{i}" if len(group["items"]) > 1 else number, "text": item})
                continue
            numbered.append({"number": number, "text": group["lead"]})
            for i, item in enumerate(group["items"], start=1):
                numbered.append({"number": f"{number}.{i}", "text": item})
    header = [
        ("From", "\n".join(settings["from"])),
        ("To", f"{content['body']} – {long_date(date)}"),
        ("Decision No", settings["decision_no"]),
        ("Subject", settings["subject"]),
        ("Classification", settings["classification"]),
        ("Past Pathway of Paper", settings["past_pathway"]),
        ("Future Pathway of Paper", settings["future_pathway"]),
        ("Electoral Division", settings["electoral_division"]),
        ("Summary", settings["summary"]),
        ("Recommendation", settings["recommendation"]),
    ]
    return {
        "refresh_from": refresh_from.isoformat(),
        "header": [{"label": k, "value": v} for k, v in header],
        "sections": [{"number": s["number"], "title": s["title"], "paragraphs": s["numbered"]} for s in sections],
        "author": settings["author"],
        "director": settings["director"],
        "changes_ahead": len(ahead_paras),
        "changes_refresh": len(refresh_paras),
    }
