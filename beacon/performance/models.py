"""The performance data: KPIs, targets and floors, observations, activity indicators,
commentary, supporting tables and published ratings, in the directorates (and sub-areas) of
:mod:`beacon.core.models`.

Nothing here is ever silently overwritten: every change made through an import or a form is
recorded as a :class:`beacon.core.models.Revision` (who, when, old, new, why) by
:mod:`beacon.core.audit`.
"""

from django.db import models

from beacon.core.models import Directorate, SubArea
from beacon.domain import benchmarking, targets

DECIMAL = {"max_digits": 28, "decimal_places": 10, "null": True, "blank": True}


class Kpi(models.Model):
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=500)
    short_name = models.CharField(max_length=500, blank=True)
    directorate = models.ForeignKey(Directorate, on_delete=models.PROTECT, related_name="kpis")
    sub_area = models.ForeignKey(SubArea, on_delete=models.PROTECT, null=True, blank=True, related_name="kpis")
    unit = models.CharField(max_length=20)
    unit_label = models.CharField(max_length=200, blank=True)
    polarity = models.CharField(max_length=10)
    decimals = models.IntegerField(default=0)
    frequency = models.CharField(max_length=20, default="quarterly")
    rolling_12_months = models.BooleanField(default=False)
    in_arrears = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    first_year = models.CharField(max_length=7, blank=True)
    display_order = models.IntegerField(default=0, help_text="Catalogue order (row order of kpis.csv).")

    class Meta:
        ordering = ["directorate__display_order", "display_order", "code"]
        verbose_name = "KPI"

    def __str__(self):
        return f"{self.code} {self.name}"


class KpiTarget(models.Model):
    """Target and floor standard of a KPI for a financial year (spec 2.4)."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="targets")
    financial_year = models.CharField(max_length=7)
    effective_from = models.CharField(max_length=12, blank=True, help_text="Period label; blank = whole year.")
    target = models.DecimalField(**DECIMAL)
    floor = models.DecimalField(**DECIMAL)
    target_low = models.DecimalField(**DECIMAL)
    target_high = models.DecimalField(**DECIMAL)
    floor_low = models.DecimalField(**DECIMAL)
    floor_high = models.DecimalField(**DECIMAL)
    target_source = models.CharField(max_length=20, blank=True)
    floor_source = models.CharField(max_length=20, blank=True)
    decimals = models.IntegerField(
        null=True, blank=True,
        help_text="Display and comparison precision for this financial year; blank = the KPI's decimals.",
    )

    class Meta:
        ordering = ["kpi", "financial_year", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "financial_year", "effective_from"], name="unique_kpi_target")
        ]


class Observation(models.Model):
    STATUS_CHOICES = [("provisional", "Provisional"), ("final", "Final")]

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="observations")
    period = models.CharField(max_length=12, help_text="Canonical label: 2022/23 Q2 or 2022-09.")
    period_sort = models.IntegerField(help_text="Months since year 0, for ordering quarters and months together.")
    value = models.DecimalField(**DECIMAL)
    status = models.CharField(max_length=12, choices=STATUS_CHOICES, default="provisional")
    note = models.TextField(blank=True)
    manual_rating = models.CharField(max_length=5, blank=True)
    manual_reason = models.TextField(blank=True)
    manual_dot = models.CharField(max_length=10, blank=True)
    manual_dot_reason = models.TextField(blank=True)
    manual_severity = models.CharField(max_length=20, blank=True)
    manual_severity_reason = models.TextField(blank=True)
    illustrative = models.BooleanField(
        default=False, help_text="Not a published figure: shown marked, never used for a rating."
    )

    class Meta:
        ordering = ["kpi", "period_sort"]
        constraints = [models.UniqueConstraint(fields=["kpi", "period"], name="unique_observation")]


class ActivityIndicator(models.Model):
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=500)
    directorate = models.ForeignKey(Directorate, on_delete=models.PROTECT, related_name="activity_indicators")
    unit = models.CharField(max_length=20)
    decimals = models.IntegerField(default=0)
    notes = models.TextField(blank=True)
    display_order = models.IntegerField(default=0)

    class Meta:
        ordering = ["directorate__display_order", "display_order", "code"]


class ActivityObservation(models.Model):
    indicator = models.ForeignKey(ActivityIndicator, on_delete=models.CASCADE, related_name="observations")
    period = models.CharField(max_length=12)
    period_sort = models.IntegerField()
    value = models.DecimalField(**DECIMAL)
    lower_threshold = models.DecimalField(**DECIMAL)
    upper_threshold = models.DecimalField(**DECIMAL)
    benchmark = models.DecimalField(**DECIMAL)
    target = models.DecimalField(**DECIMAL)
    illustrative = models.BooleanField(default=False)

    class Meta:
        ordering = ["indicator", "period_sort"]
        constraints = [models.UniqueConstraint(fields=["indicator", "period"], name="unique_activity_observation")]


class Commentary(models.Model):
    """Authored text for a period: on the edition, a directorate, a sub-area or one KPI."""

    period = models.CharField(max_length=12)
    directorate = models.ForeignKey(Directorate, on_delete=models.CASCADE, null=True, blank=True)
    sub_area = models.ForeignKey(SubArea, on_delete=models.CASCADE, null=True, blank=True)
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, null=True, blank=True)
    topic = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    author = models.CharField(max_length=200, blank=True, help_text="Who wrote it (in a return: the data owner who entered it).")
    approved_by = models.CharField(max_length=150, blank=True, help_text="Who approved it (a return's approver); blank if imported.")
    display_order = models.IntegerField(default=0)

    class Meta:
        ordering = ["period", "display_order", "pk"]
        verbose_name_plural = "commentary"


class PublishedRating(models.Model):
    """A rating the council published, for back-testing only: never used as a result."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="published_ratings")
    period = models.CharField(max_length=12)
    published_rag = models.CharField(max_length=5, blank=True)
    published_dot = models.CharField(max_length=10, blank=True)
    source_note = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kpi", "period"], name="unique_published_rating")]


class PublishedCounts(models.Model):
    """Counts the council published for a period (a row per directorate, or the TOTAL with a
    blank directorate). They are the comparison counts for change clauses when Beacon holds no
    frozen edition of that period."""

    period = models.CharField(max_length=12)
    directorate = models.ForeignKey(Directorate, on_delete=models.CASCADE, null=True, blank=True)
    green = models.IntegerField(null=True, blank=True)
    amber = models.IntegerField(null=True, blank=True)
    red = models.IntegerField(null=True, blank=True)
    improving = models.IntegerField(null=True, blank=True)
    stable = models.IntegerField(null=True, blank=True)
    worsening = models.IntegerField(null=True, blank=True)
    source_note = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "directorate"], name="unique_published_counts")]


class SupportingTable(models.Model):
    """A table printed in a directorate section, stored as printed (spec 2.9)."""

    name = models.CharField(max_length=100, unique=True, help_text="The file tables/<name>.csv.")
    title = models.CharField(max_length=500)
    directorate = models.ForeignKey(Directorate, on_delete=models.PROTECT, related_name="tables")
    period = models.CharField(max_length=12)
    row_columns = models.JSONField(default=list)
    value_columns = models.JSONField(default=list)
    footnotes = models.TextField(blank=True)
    columns = models.JSONField(default=list, help_text="Every column of the table file, in file order.")
    display_order = models.IntegerField(default=0)

    class Meta:
        ordering = ["directorate__display_order", "display_order", "name"]


class SupportingTableCell(models.Model):
    """One row of a table file in long form: row labels, period, period label and the values,
    each kept as the printed text."""

    table = models.ForeignKey(SupportingTable, on_delete=models.CASCADE, related_name="cells")
    line = models.IntegerField(help_text="Row number in the file, for ordering and error messages.")
    data = models.JSONField()

    class Meta:
        ordering = ["table", "line"]


class TargetChange(models.Model):
    """A change of a KPI's target or floor standard for a financial year, in the open: who made
    it, when, why, who approved it, and the period it takes effect from (a mid-year change keeps
    its effective date). The :class:`KpiTarget` row holds the value in force; this is its story.
    """

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="target_changes")
    financial_year = models.CharField(max_length=7)
    effective_from = models.CharField(max_length=12, blank=True, help_text="Period label; blank = the whole year.")
    field = models.CharField(max_length=20, choices=targets.choices(targets.TargetField))
    old_value = models.DecimalField(**DECIMAL)
    new_value = models.DecimalField(**DECIMAL)
    reason = models.TextField()
    changed_by = models.CharField(max_length=150)
    changed_at = models.DateTimeField()
    approved_by = models.CharField(max_length=200, blank=True, help_text="Who approved it; blank = not recorded.")
    approved_on = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=500, blank=True, help_text="The form or import file.")

    class Meta:
        ordering = ["kpi", "financial_year", "changed_at", "pk"]


class BenchmarkMeasure(models.Model):
    """A national measure other councils report too (e.g. an ASCOF or LG Inform metric)."""

    code = models.CharField(max_length=60, unique=True)
    title = models.CharField(max_length=500)
    unit = models.CharField(max_length=20, blank=True)
    polarity = models.CharField(max_length=10, choices=benchmarking.choices(benchmarking.Polarity),
                                default=benchmarking.Polarity.HIGHER)
    source = models.CharField(max_length=500, blank=True, help_text="Who publishes it, e.g. NHS Digital (ASCOF).")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]


class Area(models.Model):
    """A council's area, by its ONS GSS code (E10000016 is Kent)."""

    code = models.CharField(max_length=9, unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]


class ComparisonGroup(models.Model):
    """A set of areas to compare with: CIPFA nearest neighbours, a region, all county councils."""

    code = models.CharField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    source = models.CharField(max_length=500, blank=True)
    areas = models.ManyToManyField(Area, related_name="groups", through="ComparisonGroupMember")

    class Meta:
        ordering = ["name"]


class ComparisonGroupMember(models.Model):
    group = models.ForeignKey(ComparisonGroup, on_delete=models.CASCADE, related_name="members")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "area"], name="unique_group_member")]


class ComparatorValue(models.Model):
    """One area's value of a national measure for a period."""

    measure = models.ForeignKey(BenchmarkMeasure, on_delete=models.CASCADE, related_name="values")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="comparator_values")
    period = models.CharField(max_length=12, help_text="Canonical label: 2021/22, 2022/23 Q2 or 2022-03.")
    period_sort = models.IntegerField()
    value = models.DecimalField(**DECIMAL)
    illustrative = models.BooleanField(default=False, help_text="Not a published figure: always shown marked.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["measure", "area", "period"], name="unique_comparator_value")
        ]
        indexes = [models.Index(fields=["measure", "period_sort"], name="comparator_measure_period")]


class KpiMeasure(models.Model):
    """A KPI mapped to a national measure: the council's own area and the group it is compared in."""

    kpi = models.OneToOneField(Kpi, on_delete=models.CASCADE, related_name="benchmark")
    measure = models.ForeignKey(BenchmarkMeasure, on_delete=models.PROTECT, related_name="kpis")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", help_text="The council's own area.")
    group = models.ForeignKey(ComparisonGroup, on_delete=models.PROTECT, related_name="kpis")
