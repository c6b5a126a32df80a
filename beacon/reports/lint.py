"""Lint findings on the period's authored commentary (performance spec 6.2).

``commentary_lint(model, period)`` gathers the commentary of the period (``model["commentary"]``,
imported from ``commentary.csv`` or stored by an approved web return), the facts of its KPIs and
the counts of its blocks from the computed model, and runs ``beacon.domain.lint`` on each row.
A row on a KPI is checked against that KPI; a row on a directorate or sub-area against that
block's counts; an edition row against the totals. Findings are warnings that need sign-off at
publication (``beacon publish --accept-lint --reason``), never blocking checks.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from beacon.domain.lint import KpiFacts, derived_aliases, lint_text

LINT_CHECK_ID = "6.2"
LINT_CHECK_NAME = "Lint checks on authored text"


def kpi_facts(kpis: list[dict]) -> dict[str, KpiFacts]:
    """KPI facts by code from the model's ``kpis``; an alias shared by two KPIs is dropped."""
    derived = {k["code"]: derived_aliases(k["name"]) + derived_aliases(k.get("short_name") or "") for k in kpis}
    shared = Counter(a.lower() for aliases in derived.values() for a in set(x.lower() for x in aliases))
    out = {}
    for k in kpis:
        aliases = []
        for a in derived[k["code"]]:
            if shared[a.lower()] == 1 and a.lower() not in [x.lower() for x in aliases]:
                aliases.append(a)
        band = tuple(v for v in (k.get("target_low"), k.get("target_high"), k.get("floor_low"), k.get("floor_high"))
                     if v is not None)
        out[k["code"]] = KpiFacts(
            name=k["name"], short_name=k.get("short_name") or "", aliases=tuple(aliases), code=k["code"],
            rag=k.get("rag"), dot=k.get("dot"), value=k.get("value"), previous=k.get("previous"),
            decimals=k.get("decimals") or 0, unit=k.get("unit") or "number", polarity=k.get("polarity") or "higher",
            target=k.get("target"), floor=k.get("floor"), thresholds=band,
        )
    return out


def commentary_lint(model: dict) -> list[dict]:
    """``[{directorate, sub_area, kpi, topic, sentence, rule, message}]`` for the model's commentary."""
    facts = kpi_facts(model["kpis"])
    end = date.fromisoformat(model["period"]["data_to"])
    blocks_by_code = {b["code"]: b for b in model["directorates"]}
    named_blocks = {b["name"]: b["counts"] for b in model["directorates"]}
    sub_names = Counter(s["name"] for b in model["directorates"] for s in b["sub_areas"])
    for b in model["directorates"]:
        for s in b["sub_areas"]:
            if sub_names[s["name"]] == 1 and s["name"] not in named_blocks:
                named_blocks[s["name"]] = s["counts"]
    out = []
    for c in model.get("commentary", []):
        block = blocks_by_code.get(c.get("directorate"))
        attached = facts.get(c.get("kpi")) if c.get("kpi") else None
        if block is None:
            counts, block_name, candidates = model["totals"], "the report", list(facts.values())
        else:
            mine = [facts[code] for code in block["kpis"] if code in facts]
            counts, block_name = block["counts"], block["name"]
            sub = next((s for s in block["sub_areas"] if s["name"] == c.get("sub_area")), None)
            if sub is not None and not c.get("kpi"):
                counts, block_name = sub["counts"], sub["name"]
            candidates = mine
        for f in lint_text(c.get("text") or "", candidates, counts, end, attached=attached, block=block_name,
                           blocks=named_blocks):
            out.append({
                "directorate": c.get("directorate"),
                "sub_area": c.get("sub_area"),
                "kpi": f.kpi if f.kpi else c.get("kpi"),
                "commentary_kpi": c.get("kpi"),
                "topic": c.get("topic") or "",
                "sentence": f.sentence,
                "rule": f.rule,
                "message": f.message,
            })
    return out


def finding_line(f: dict) -> str:
    where = " / ".join(x for x in (f.get("directorate") or "edition", f.get("sub_area"), f.get("commentary_kpi"),
                                   f.get("topic")) if x)
    return f'{where}: [{f["rule"]}] "{f["sentence"]}" — {f["message"]}'
