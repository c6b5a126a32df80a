"""The governance files of a data bundle: specs, checks, loading and export (import-format.md,
Governance)."""

from beacon.bundle.importer import BundlePart

from . import export, load, specs, validate

PART = BundlePart(
    name="governance",
    owns=specs.owns,
    validate=validate.validate,
    load=load.load,
    export=export.export_files,
    warnings=lambda parsed: list(parsed.warnings),
)
