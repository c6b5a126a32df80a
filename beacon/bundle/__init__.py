"""Data bundles: the import and export contract (shared/spec import-format.md).

``reader`` turns files into rows with line numbers, ``schema`` parses and checks columns,
``load`` writes checked rows with their history (through :mod:`beacon.core.audit`),
``importer`` runs the parts and records the import run, ``writer`` writes bundles. What each
file means belongs to the app that owns it (``beacon.performance.bundle``,
``beacon.risk.bundle``); this package imports no app but :mod:`beacon.core`.
"""

from .errors import BundleErrors

__all__ = ["BundleErrors"]
