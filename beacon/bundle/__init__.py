"""Data bundles: the import and export contract (shared/spec import-format.md).

``reader`` turns files into rows with line numbers, ``schema`` parses and checks columns,
``writer`` writes bundles. What each file means belongs to the app that owns it
(``beacon.performance.bundle``, ``beacon.risk.bundle``).
"""

from .errors import BundleErrors

__all__ = ["BundleErrors"]
