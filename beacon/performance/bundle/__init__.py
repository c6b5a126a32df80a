"""The performance files of a data bundle: specs, checks, loading and export."""

from beacon.bundle.importer import BundlePart

from . import export, load, specs, validate

PART = BundlePart(
    name="performance",
    owns=specs.owns,
    validate=validate.validate,
    load=load.load,
    export=export.export_files,
    warnings=lambda parsed: parsed.warnings,
)
