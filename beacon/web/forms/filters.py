"""The dashboards' filters as Django forms read from the query string (GET): an unknown value
(``?rag=PURPLE``) is an error shown in the GOV.UK pattern, never silently ignored.

Field ids are ``filter-<name>`` (``filter-rag``) so the error summary links to the select the
person uses; the parameters keep their names (``rag``, ``dot``, ``directorate``), as the API's."""

from __future__ import annotations

from django import forms

from beacon.domain.dot import Dot
from beacon.reports import dashboards as svc

from . import FilterChoice, GovukForm


def _dot_text(value: str) -> str:
    dot = Dot(value)
    return dot.label if dot is Dot.NOT_AVAILABLE else f"{dot.symbol} {dot.label}"


class KpiFilterForm(GovukForm):
    """The KPI table's filters: RAG rating, direction of travel (the one the papers report and
    count) and, on the overview, directorate (those with KPIs in the quarter)."""

    changes_data = False  # a page with only this form says nothing about unsaved entries

    rag = FilterChoice(label="RAG rating", choices=[(v, svc.RAG_WORDS[v]) for v in svc.RAG_FILTERS])
    dot = FilterChoice(label="Direction of travel", choices=[(v, _dot_text(v)) for v in svc.DOTS])
    directorate = FilterChoice(label="Directorate", choices=[])

    def __init__(self, data=None, *, directorates=(), with_directorate: bool = True, **kwargs):
        kwargs.setdefault("auto_id", "filter-%s")
        # only the filters' own parameters: htmx and other query-string keys are not filters
        own = None if data is None else {k: data.get(k) for k in ("rag", "dot", "directorate") if k in data}
        super().__init__(own, **kwargs)
        if with_directorate:
            choices = [(d.code, d.name) for d in directorates]
            self.fields["directorate"] = FilterChoice(label="Directorate", choices=choices)
        else:
            del self.fields["directorate"]

    def values(self) -> dict[str, str]:
        """The filters to apply: none while any is in error (the page then lists every KPI under
        the error summary, rather than a list filtered by a value nobody chose)."""
        if not self.is_valid():
            return {name: "" for name in self.fields}
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}
