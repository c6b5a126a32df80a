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
    """When the bundle carries the summary as printed, list where it differs from Beacon's."""
    if not parsed.get("published_risks.csv"):
        return []
    from ..checks import published_differences

    from ..models import PublishedRisk

    # this bundle's summary against this bundle's risks (one of them with no summary row is error 3)
    rows = [
        PublishedRisk(
            risk_code=r["id"], title=r["title"] or "", current_rating_as_printed=r["current_rating_as_printed"] or "",
            target_rating_as_printed=r["target_rating_as_printed"] or "", direction_as_printed=r["direction_as_printed"] or "",
        )
        for r in parsed.get("published_risks.csv")
    ]
    only = {r.risk_code for r in rows} | {r["id"] for r in parsed.get("risks.csv")}
    return [f"published_risks.csv: {d}" for d in published_differences(only=only, rows=rows)]
