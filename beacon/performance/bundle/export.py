"""Export the performance data as bundle files that re-import unchanged."""

from __future__ import annotations

from django.db.models import F

from beacon.core.audit import value_text
from beacon.core.models import Directorate

from .. import models
from . import specs


def _columns(name: str) -> list[str]:
    return specs.FILES[name].column_names


CHUNK = 2000
"""Rows read from the database at a time while a file is written."""


class _Rows:
    """The rows of one file, read from the database as they are written (a queryset's
    ``iterator``), so an export's memory does not grow with the data; iterable more than once."""

    def __init__(self, objects, columns, getters=None):
        self.objects, self.columns, self.getters = objects, columns, getters or {}

    def __iter__(self):
        objects = self.objects.iterator(chunk_size=CHUNK) if hasattr(self.objects, "iterator") else self.objects
        getters = [(column, self.getters.get(column)) for column in self.columns]
        for obj in objects:
            yield {column: value_text(getter(obj) if getter else getattr(obj, column)) for column, getter in getters}


def export_files() -> dict[str, tuple[list[str], list[dict]]]:
    """Every performance file: ``name -> (columns, rows)``. The large files' rows are read from
    the database while they are written (an iterable, not a list)."""
    files: dict[str, tuple[list[str], list[dict]]] = {}

    def add(name, objects, getters=None, columns=None):
        if hasattr(objects, "exists"):
            if not objects.exists():
                return
        else:
            objects = list(objects)
            if not objects:
                return
        columns = columns or _columns(name)
        files[name] = (columns, _Rows(objects, columns, getters))

    add("directorates.csv", Directorate.objects.all())
    # kpis.csv and activity_indicators.csv in catalogue order (their row order is what the
    # import numbers display_order by), so that re-importing the export changes nothing
    add(
        "kpis.csv",
        models.Kpi.objects.select_related("directorate", "sub_area").order_by("display_order", "code"),
        {"directorate": lambda k: k.directorate.code, "sub_area": lambda k: k.sub_area.name if k.sub_area else ""},
    )
    add(
        "targets.csv",
        models.KpiTarget.objects.select_related("kpi").order_by("kpi__directorate__display_order", "kpi__display_order", "financial_year", "effective_from"),
        {"kpi": lambda t: t.kpi.code},
    )
    add(
        "observations.csv",
        models.Observation.objects.select_related("kpi").order_by("kpi__directorate__display_order", "kpi__display_order", "period_sort"),
        {"kpi": lambda o: o.kpi.code, "illustrative": lambda o: o.illustrative or None},
    )
    add(
        "activity_indicators.csv",
        models.ActivityIndicator.objects.select_related("directorate").order_by("display_order", "code"),
        {"directorate": lambda i: i.directorate.code},
    )
    add(
        "activity_observations.csv",
        models.ActivityObservation.objects.select_related("indicator"),
        {"indicator": lambda o: o.indicator.code, "illustrative": lambda o: o.illustrative or None},
    )
    add(
        "published.csv",
        models.PublishedRating.objects.select_related("kpi").order_by("period", "kpi__directorate__display_order", "kpi__display_order"),
        {"kpi": lambda p: p.kpi.code},
    )
    add(
        "published_counts.csv",
        models.PublishedCounts.objects.select_related("directorate").order_by(
            # the TOTAL row (no directorate) last, as printed, on every database
            "period", F("directorate__display_order").asc(nulls_last=True), "directorate__code"
        ),
        {"directorate": lambda p: p.directorate.code if p.directorate else ""},
    )
    add(
        "commentary.csv",
        models.Commentary.objects.select_related("directorate", "sub_area", "kpi"),
        {
            "directorate": lambda c: c.directorate.code if c.directorate else "",
            "sub_area": lambda c: c.sub_area.name if c.sub_area else "",
            "kpi": lambda c: c.kpi.code if c.kpi else "",
        },
    )
    add(
        "target_changes.csv",
        models.TargetChange.objects.select_related("kpi").order_by("kpi__directorate__display_order", "kpi__display_order",
                                                                   "financial_year", "changed_at", "pk"),
        {"kpi": lambda c: c.kpi.code, "changed_at": lambda c: c.changed_at.isoformat()},
    )
    tables = list(models.SupportingTable.objects.select_related("directorate").prefetch_related("cells"))
    add("tables.csv", tables, {"directorate": lambda t: t.directorate.code})
    for table in tables:
        files[f"tables/{table.name}.csv"] = (
            list(table.columns),
            [{c: value_text(cell.data.get(c)) for c in table.columns} for cell in table.cells.all()],
        )
    return files
