"""The Corporate Risk Register reports: the register edition model (``--format json``), its
documents (HTML, PDF, Word) and the QPR's "Corporate Risk Register – Overview" section.

* :func:`build_register_model`: the JSON model of an edition (docs/register-model.md);
* :func:`build_risk_overview`: the QPR overview section for a report quarter, or None.
"""

from .model import SCHEMA, build_register_model, edition_for
from .overview import build_risk_overview

__all__ = ["SCHEMA", "build_register_model", "edition_for", "build_risk_overview"]
