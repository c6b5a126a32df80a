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

    return [f"published_risks.csv: {d}" for d in published_differences()]
