"""Lint findings on the period's authored commentary (performance spec 6.2).

``commentary_lint(model)`` gathers the commentary of the period (``model.commentary``,
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
from beacon.domain.qpr_model import KpiEntry, LintFinding, QprModel

LINT_CHECK_ID = "6.2"
LINT_CHECK_NAME = "Lint checks on authored text"


def kpi_facts(kpis: list[KpiEntry]) -> dict[str, KpiFacts]:
    """KPI facts by code from the model's ``kpis``; an alias shared by two KPIs is dropped."""
    derived = {k.code: derived_aliases(k.name) + derived_aliases(k.short_name or "") for k in kpis}
    shared = Counter(a.lower() for aliases in derived.values() for a in set(x.lower() for x in aliases))
    out = {}
    for k in kpis:
        aliases = []
        for a in derived[k.code]:
            if shared[a.lower()] == 1 and a.lower() not in [x.lower() for x in aliases]:
                aliases.append(a)
        band = tuple(v for v in (k.target_low, k.target_high, k.floor_low, k.floor_high) if v is not None)
        out[k.code] = KpiFacts(
            name=k.name, short_name=k.short_name or "", aliases=tuple(aliases), code=k.code,
            rag=k.rag, dot=k.dot, value=k.value, previous=k.previous,
            decimals=k.decimals or 0, unit=k.unit or "number", polarity=k.polarity,
            target=k.target, floor=k.floor, thresholds=band,
        )
    return out


def commentary_lint(model: QprModel) -> list[LintFinding]:
    """The lint findings of the model's commentary."""
    facts = kpi_facts(model.kpis)
    end = date.fromisoformat(model.period.data_to)
    blocks_by_code = {b.code: b for b in model.directorates}
    named_blocks = {b.name: b.counts for b in model.directorates}
    sub_names = Counter(s.name for b in model.directorates for s in b.sub_areas)
    for b in model.directorates:
        for s in b.sub_areas:
            if sub_names[s.name] == 1 and s.name not in named_blocks:
                named_blocks[s.name] = s.counts
    out = []
    for c in model.commentary:
        block = blocks_by_code.get(c.directorate)
        attached = facts.get(c.kpi) if c.kpi else None
        if block is None:
            counts, block_name, candidates = model.totals, "the report", list(facts.values())
        else:
            mine = [facts[code] for code in block.kpis if code in facts]
            counts, block_name = block.counts, block.name
            sub = next((s for s in block.sub_areas if s.name == c.sub_area), None)
            if sub is not None and not c.kpi:
                counts, block_name = sub.counts, sub.name
            candidates = mine
        for f in lint_text(c.text or "", candidates, counts, end, attached=attached, block=block_name,
                           blocks=named_blocks):
            out.append(LintFinding(
                directorate=c.directorate,
                sub_area=c.sub_area,
                kpi=f.kpi if f.kpi else c.kpi,
                commentary_kpi=c.kpi,
                topic=c.topic or "",
                sentence=f.sentence,
                rule=f.rule,
                message=f.message,
            ))
    return out


def finding_line(f: LintFinding) -> str:
    return f.line()
