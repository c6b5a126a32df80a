"""The risk files of a data bundle: specs, checks, loading and export (risk.md §9)."""

from beacon.bundle.importer import BundlePart

from . import export, load, specs, validate

PART = BundlePart(
    name="risk",
    owns=specs.owns,
    validate=validate.validate,
    load=load.load,
    export=export.export_files,
    warnings=lambda parsed: parsed.warnings + _printed_summary(parsed),
)


def _printed_summary(parsed) -> list[str]:
    """When the bundle carries the summary as printed, list where it differs from Beacon's: rows
    that name their edition against that edition as computed for its date; other rows against
    this bundle's risks as held now."""
    if not parsed.get("published_risks.csv"):
        return []
    from ..checks import edition_computed, published_differences
    from ..editions import EditionError, build_edition
    from ..models import PublishedRisk

    groups: dict[tuple, list] = {}
    for r in parsed.get("published_risks.csv"):
        groups.setdefault((r["edition_body"] or "", r["edition_date"]), []).append(PublishedRisk(
            risk_code=r["id"], title=r["title"] or "", current_rating_as_printed=r["current_rating_as_printed"] or "",
            target_rating_as_printed=r["target_rating_as_printed"] or "", direction_as_printed=r["direction_as_printed"] or "",
        ))
    out = []
    for (body, date), rows in groups.items():
        prefix = "published_risks.csv: " + (f"{body} {date:%d/%m/%Y}: " if date and len(groups) > 1 else "")
        only, computed = None, None
        if date is not None:
            try:
                computed = edition_computed(build_edition(body, date), directions=False)
            except EditionError as exc:
                out.append(f"published_risks.csv: not compared with the {body} edition of {date:%d/%m/%Y}, "
                           f"which cannot be computed ({exc}); compared with the register as held now")
        if computed is None:
            # this bundle's summary against this bundle's risks (one of them with no summary row is error 3)
            only = {r.risk_code for r in rows} | {r["id"] for r in parsed.get("risks.csv")}
        out += [prefix + d for d in published_differences(only=only, rows=rows, computed=computed)]
    return out
