"""What the dashboards show, computed from the QPR model and the stored data.

The rules (RAG, direction of travel, counts, changes) are the domain's and the report model's;
this module only selects and arranges them for pages and the API.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection

from beacon.core.models import ImportRun, Revision
from beacon.domain.periods import Month, PeriodError, Quarter, parse_period, quarter_of
from beacon.domain.provenance import unpublished_kinds
from beacon.domain.qpr_model import ActivityEntry, ActivityPoint, KpiEntry, QprModel
from beacon.performance import models as pm
from beacon.performance.results import decimals_in_force, target_in_force
from beacon.reports.models import PublishedReport
from beacon.reports.qpr import build_qpr

from beacon.returns.models import Return, ReturnPeriod, YearClosure

RAGS = ("GREEN", "AMBER", "RED")
DOTS = ("improving", "stable", "worsening", "not_available")
RAG_FILTERS = (*RAGS, "NOT_RATED")
"""The values of the ``rag`` filter, on the pages and in the API (``NOT_RATED``: no rating)."""

RAG_WORDS = {"GREEN": "Green", "AMBER": "Amber", "RED": "Red", "NOT_RATED": "Not rated"}
DOT_WORDS = {"improving": "Improving", "stable": "Stable", "worsening": "Worsening", "not_available": "Not available"}


@dataclass(frozen=True)
class CountColumn:
    """A column of the dashboards' counts tables. The RAG columns and the direction-of-travel
    columns each add up to the KPIs column (``not_rated`` and ``not_available`` included), so a
    row always adds up to its total."""

    key: str  # the ``Counts`` field
    label: str
    symbol: str = ""  # the direction-of-travel arrow, read out as the label
    group: str = ""  # "rag" or "dot"; "" for the KPIs total
    has_change: bool = False  # the comparison gives a change for it (the six counts the papers print)


COUNT_COLUMNS = (
    CountColumn("kpis", "KPIs"),
    CountColumn("green", "Green", group="rag", has_change=True),
    CountColumn("amber", "Amber", group="rag", has_change=True),
    CountColumn("red", "Red", group="rag", has_change=True),
    CountColumn("not_rated", "Not rated", group="rag"),
    CountColumn("improving", "Improving", "\u2191", group="dot", has_change=True),
    CountColumn("stable", "Stable", "\u2194", group="dot", has_change=True),
    CountColumn("worsening", "Worsening", "\u2193", group="dot", has_change=True),
    CountColumn("not_available", "Not available", group="dot"),
)
COUNT_GROUPS = tuple(
    (label, sum(1 for c in COUNT_COLUMNS if c.group == group))
    for group, label in (("rag", "RAG rating"), ("dot", "Direction of travel"))
)
"""The headings over the two groups of count columns, with how many columns each spans."""


class FilterError(ValueError):
    """An unknown filter value: names the parameter and the values it takes (``allowed``; or,
    for an open-ended parameter such as a period, a ``message`` saying how to write one)."""

    def __init__(self, parameter: str, value: str, allowed=(), message: str | None = None):
        self.parameter, self.value, self.allowed = parameter, value, tuple(allowed)
        super().__init__(message or f"{parameter}: {value!r} is not one of {', '.join(self.allowed)}")


def check_period(parameter: str, value: str | None) -> str:
    """A period filter as its canonical label (``2022-23-Q2`` -> ``2022/23 Q2``), blank for
    none; a :class:`FilterError` when it is not a period."""
    if value in (None, ""):
        return ""
    try:
        return parse_period(value).label
    except PeriodError as exc:
        raise FilterError(parameter, value, message=f"{parameter}: {exc}") from None


def check_filter(parameter: str, value: str | None, allowed) -> str:
    """``value`` when it is blank or one of ``allowed``; otherwise a :class:`FilterError` (never
    a silently empty answer)."""
    if value in (None, ""):
        return ""
    if value not in allowed:
        raise FilterError(parameter, value, allowed)
    return value


def available_periods() -> list[Quarter]:
    """Quarters with data or open for returns, newest first. The quarters with observations are
    read once per data version (a distinct scan of every observation otherwise); the quarters
    open for returns are a small table, read each time."""
    labels = remembered("periods", lambda: sorted(
        pm.Observation.objects.order_by().values_list("period", flat=True).distinct()))
    quarters = set()
    for label in labels:
        try:
            quarters.add(quarter_of(parse_period(label)))
        except PeriodError:
            continue
    for label in ReturnPeriod.objects.values_list("period", flat=True):
        quarters.add(Quarter.parse(label))
    return sorted(quarters, reverse=True)


def latest_period() -> Quarter | None:
    """The newest quarter with data or open for returns, complete or not (see
    :func:`default_period` for the one the pages open on)."""
    periods = available_periods()
    return periods[0] if periods else None


@dataclass(frozen=True)
class QuarterState:
    """How far a quarter's data has come: published, and its returns approved.

    The one definition of a **complete** quarter: its QPR is published (a published edition
    wins over everything), or every directorate's return for it is approved. A quarter loaded
    from a data bundle with no returns asked for has nothing waiting, so it is complete; a
    quarter opened for returns is complete once the last return is approved."""

    published: bool
    returns: int  # directorates asked for a return (0: not collected through returns)
    approved: int  # of those, approved
    kpis: int | None = None  # with the quarter's model: its KPIs and those not rated
    not_rated: int | None = None

    @property
    def complete(self) -> bool:
        return self.published or self.approved >= self.returns

    @property
    def summary(self) -> str:
        """What is still to come, in words: "2 of 7 directorates' returns approved; 21 KPIs not
        yet rated"."""
        parts = []
        if self.returns:
            parts.append(f"{self.approved} of {self.returns} directorate{'s' if self.returns != 1 else ''}' "
                         f"return{'s' if self.returns != 1 else ''} approved")
        if self.not_rated:
            parts.append(f"{self.not_rated} KPI{'s' if self.not_rated != 1 else ''} not yet rated")
        return "; ".join(parts)


def quarter_state(q: Quarter, model: QprModel | None = None) -> QuarterState:
    """The state of quarter ``q``; with its model, also how many KPIs are not rated."""
    state = quarter_states([q])[q]
    if model is None:
        return state
    return QuarterState(state.published, state.returns, state.approved, model.totals.kpis, model.totals.not_rated)


def quarter_states(periods) -> dict[Quarter, QuarterState]:
    """The state of each quarter of ``periods`` (without their models), in two queries however
    many quarters there are."""
    labels = [q.label for q in periods]
    published = set(PublishedReport.objects.filter(period__in=labels).values_list("period", flat=True))
    returns: dict[str, list[str]] = {}
    for label, status in Return.objects.filter(period__period__in=labels).values_list("period__period", "status"):
        returns.setdefault(label, []).append(status)
    states = {}
    for q in periods:
        statuses = returns.get(q.label, [])
        approved = sum(1 for s in statuses if s == Return.Status.APPROVED)
        states[q] = QuarterState(q.label in published, len(statuses), approved)
    return states


def default_period() -> Quarter | None:
    """The quarter the pages open on: the newest complete quarter (:class:`QuarterState`), or
    the newest quarter when none is complete yet."""
    periods = available_periods()
    states = quarter_states(periods)
    for q in periods:
        if states[q].complete:
            return q
    return periods[0] if periods else None


def latest_publication() -> PublishedReport | None:
    """The newest quarter's current published QPR edition (a corrected edition replaces the one it
    corrects), for the public home page."""
    reports = list(PublishedReport.objects.defer("model", "data", "context"))
    if not reports:
        return None
    return max(reports, key=edition_order)


def edition_order(report: PublishedReport) -> tuple:
    """Newest quarter last, and within a quarter its newest (current) edition last."""
    return Quarter.parse(report.period), getattr(report, "edition", 1), report.published_at


def parse_slug(slug: str) -> Quarter:
    """``2022-23-Q2`` -> the quarter; raises PeriodError."""
    return Quarter.parse(slug)


def data_version() -> str:
    """The version of everything the dashboards compute from, in one query: the newest import,
    revision, observation and published edition, and the year closures. Every write to council
    data goes through an import or ``beacon.core.audit`` (a revision), so any change gives a new
    version and a value computed under the old one is never shown again."""
    qn = connection.ops.quote_name
    tables = [(qn(m._meta.db_table), qn(m._meta.pk.column)) for m in (ImportRun, Revision, pm.Observation, PublishedReport)]
    sql = "SELECT " + ", ".join(f"(SELECT MAX({pk}) FROM {t})" for t, pk in tables) + \
        f", (SELECT COUNT(*) FROM {qn(YearClosure._meta.db_table)})"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return ":".join(str(v) for v in row)


_LOCAL: OrderedDict = OrderedDict()
_LOCAL_LOCK = threading.Lock()
LOCAL_ENTRIES = 16
"""How many computed values (QPR models of about 4 MB at 1,000 KPIs, period lists) one process
keeps in memory, newest used last."""
# "~" sorts after every letter and digit: a full database cache deletes the alphabetically first
# third of its keys, and losing this one would make every process drop what it keeps in memory
_GENERATION_KEY = "~beacon:dashboards:generation"


def _generation() -> str:
    """A token kept in the shared cache: clearing the cache (or a new cache) gives a new one, so
    what this process remembers is dropped with it."""
    token = cache.get(_GENERATION_KEY)
    if token is None:
        token = secrets.token_hex(8)
        if not cache.add(_GENERATION_KEY, token, None):
            token = cache.get(_GENERATION_KEY) or token
    return token


def remembered(name: str, build, version: str | None = None, timeout: int = 3600):
    """``build()`` computed once per data version and kept: in this process's memory (no
    unpickling of a large model on every request), else in the shared cache (computed once for
    every worker and server), else built and stored in both. The key holds the data version, so a
    change to the data is seen at once and nothing stale is shown."""
    key = f"beacon:dash:{_generation()}:{name}:{version or data_version()}"
    with _LOCAL_LOCK:
        if key in _LOCAL:
            _LOCAL.move_to_end(key)
            return _LOCAL[key]
    with _building(key):
        with _LOCAL_LOCK:  # another thread of this process may have built it meanwhile
            if key in _LOCAL:
                return _LOCAL[key]
        value = cache.get(key)
        if value is None:
            value = _build_once(key, build, timeout)
    with _LOCAL_LOCK:
        _LOCAL[key] = value
        while len(_LOCAL) > LOCAL_ENTRIES:
            _LOCAL.popitem(last=False)
    return value


def _peek(names: list[str], version: str) -> dict:
    """What :func:`remembered` keeps under each of ``names`` for ``version`` when it is already
    computed (in this process's memory, else the shared cache, read in one trip), by name; never
    builds anything."""
    generation = _generation()
    keys = {name: f"beacon:dash:{generation}:{name}:{version}" for name in names}
    found = {}
    with _LOCAL_LOCK:
        for name, key in keys.items():
            if key in _LOCAL:
                _LOCAL.move_to_end(key)
                found[name] = _LOCAL[key]
    missing = {keys[name]: name for name in names if name not in found}
    if missing:
        shared = cache.get_many(list(missing))
        with _LOCAL_LOCK:
            for key, value in shared.items():
                found[missing[key]] = _LOCAL[key] = value
            while len(_LOCAL) > LOCAL_ENTRIES:
                _LOCAL.popitem(last=False)
    return found


_KEY_LOCKS: dict[str, threading.Lock] = {}


@contextmanager
def _building(key: str):
    """One thread of this process computes a value at a time; the others wait for it."""
    with _LOCAL_LOCK:
        lock = _KEY_LOCKS.setdefault(key, threading.Lock())
    try:
        with lock:
            yield
    finally:
        with _LOCAL_LOCK:
            if len(_KEY_LOCKS) > 4 * LOCAL_ENTRIES:
                _KEY_LOCKS.clear()


BUILD_WAIT_SECONDS = 60


def _build_once(key: str, build, timeout: int):
    """Build the value and share it; when another process is already building it (a marker in
    the shared cache), wait for its result rather than computing the same model again (after a
    change to the data every worker's first request would otherwise build it at once)."""
    marker = key + ":building"
    if not cache.add(marker, 1, BUILD_WAIT_SECONDS):
        deadline = time.monotonic() + BUILD_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(0.1)
            value = cache.get(key)
            if value is not None:
                return value
            if cache.get(marker) is None:  # the other builder gave up (or failed)
                break
    try:
        value = build()
        cache.set(key, value, timeout)
    finally:
        cache.delete(marker)
    return value


def qpr(q: Quarter, version: str | None = None) -> QprModel:
    """The QPR model for a quarter, computed once per data version (any import, approval, revision
    or year closure changes the version)."""
    return remembered("qpr:" + q.slug, lambda: build_qpr(q), version)


def filter_kpis(model: QprModel, rag: str = "", dot: str = "", directorate: str = "") -> list[KpiEntry]:
    """The KPIs of a RAG rating (or NOT_RATED), a direction of travel and a directorate. The
    direction of travel is the one the papers report and count (``KpiEntry.reported_dot``): a KPI
    counted as having no direction of travel is listed under ``not_available``, never ``stable``.
    An unknown value is a :class:`FilterError`, never an empty list."""
    check_filter("rag", rag, RAG_FILTERS)
    check_filter("dot", dot, DOTS)
    check_filter("directorate", directorate, [d.code for d in model.directorates])
    rows = list(model.kpis)
    if rag:
        rows = [k for k in rows if (k.rag or "NOT_RATED") == rag]
    if dot:
        rows = [k for k in rows if k.reported_dot == dot]
    if directorate:
        rows = [k for k in rows if k.directorate == directorate]
    return rows


def kpi_history(kpi: pm.Kpi, quarters: int = 8) -> dict:
    """Values with their revisions, targets by year, commentary and ratings over time."""
    observations = list(kpi.observations.all())
    keys = [f"{kpi.code} {o.period}" for o in observations]
    revisions = list(Revision.objects.filter(entity="observation", key__in=keys).order_by("-changed_at", "-pk"))
    by_key: dict[str, list] = {}
    for r in revisions:
        by_key.setdefault(r.key, []).append(r)
    target_rows = list(kpi.targets.order_by("-financial_year", "effective_from"))

    def decimals(period: str) -> int:  # the precision in force in the period's financial year
        return decimals_in_force(kpi, target_in_force(target_rows, quarter_of(parse_period(period))))

    values = [{"obs": o, "revisions": by_key.get(f"{kpi.code} {o.period}", []), "decimals": decimals(o.period)}
              for o in reversed(observations)]
    targets = [{"row": t, "decimals": decimals_in_force(kpi, t)} for t in target_rows]
    commentary = list(pm.Commentary.objects.filter(kpi=kpi).order_by("-period", "display_order"))
    rated_quarters = sorted({quarter_of(parse_period(o.period)) for o in observations}, reverse=True)[:quarters]
    ratings = []
    version = data_version()
    for q, rating in kpi_ratings_of(kpi, rated_quarters, version).items():
        if rating is not None:
            ratings.append({"period": q, **rating})
    sources = [t.target_source for t in target_rows] + [t.floor_source for t in target_rows]
    return {"values": values, "targets": targets, "commentary": commentary, "ratings": ratings,
            "source_keys": [(f"({s.mark})", s.key_text) for s in unpublished_kinds(sources)],
            "chart": kpi_chart_for(kpi, rated_quarters[0], version) if rated_quarters else None}


def _rating(entry: KpiEntry) -> dict:
    return {
        "value": entry.value,
        "rag": entry.rag,
        "rag_source": entry.rag_source,
        "dot": entry.reported_dot,
        "target": entry.target,
        "floor": entry.floor,
        "decimals": entry.decimals,
        "target_source": entry.target_source,
        "floor_source": entry.floor_source,
    }


def kpi_ratings(q: Quarter, version: str | None = None) -> dict[str, dict]:
    """Every KPI's rating in quarter ``q`` as a KPI page's "ratings over time" shows it (value,
    RAG, direction of travel, target and floor, taken from the quarter's QPR model), kept per data
    version like the model itself. A KPI page shows eight quarters: reading eight of these (about
    36 KB each at 1,000 KPIs) instead of eight whole models (about 600 KB each, some 50 ms apiece
    to fetch from the shared cache and unpickle) keeps a worker's first KPI page cheap."""
    version = version or data_version()
    return remembered("ratings:" + q.slug, lambda: {e.code: _rating(e) for e in qpr(q, version).kpis}, version)


def kpi_ratings_of(kpi: pm.Kpi, quarters: list[Quarter], version: str | None = None) -> dict[Quarter, dict | None]:
    """The KPI's rating in each of ``quarters`` as the quarter's QPR model gives it (None: not in
    that quarter's edition). From the quarter's ratings table when it or the quarter's model is
    already computed for this data version; otherwise computed for this one KPI by the same rules
    and the same entry the model is made of (``results.kpi_results``, then
    ``qpr._kpi_entry``): after a change to the data a KPI page computes one KPI in eight quarters,
    not eight whole QPR models (about 0.5 s each at 1,000 KPIs)."""
    version = version or data_version()
    tables = _peek(["ratings:" + q.slug for q in quarters], version)
    unrated = [q for q in quarters if "ratings:" + q.slug not in tables]
    models = _peek(["qpr:" + q.slug for q in unrated], version) if unrated else {}
    out: dict[Quarter, dict | None] = {}
    for q in quarters:
        table = tables.get("ratings:" + q.slug)
        if table is None and "qpr:" + q.slug in models:
            table = kpi_ratings(q, version)  # from the model just read: cheap, and kept for the other KPIs
        if table is not None:
            out[q] = table.get(kpi.code)
    alone = [q for q in quarters if q not in out]
    if alone:
        from beacon.domain.rules import get_rule_set
        from beacon.performance.results import kpi_results
        from beacon.reports.qpr import _kpi_entry

        # the rule set build_qpr uses; the entry the model is made of
        for q, result in kpi_results(kpi, alone, get_rule_set()).items():
            out[q] = None if result is None else _rating(_kpi_entry(result))
    return {q: out[q] for q in quarters}


def kpi_rating(kpi: pm.Kpi, q: Quarter, version: str | None = None) -> dict | None:
    """The KPI's rating in quarter ``q`` (:func:`kpi_ratings_of`)."""
    return kpi_ratings_of(kpi, [q], version)[q]


def kpi_chart_for(kpi: pm.Kpi, q: Quarter, version: str | None = None):
    """The report's chart of the KPI for quarter ``q`` (beacon.reports.charts: the same picture
    the QPR prints), or None when the KPI is not in that quarter's edition."""
    from beacon.reports.charts import kpi_chart

    version = version or data_version()
    model = _peek(["qpr:" + q.slug], version).get("qpr:" + q.slug)
    if model is None and not hasattr(kpi, "benchmark"):
        # the quarter's model is not computed for this version: the KPI's own entry, the one the
        # model is made of (a benchmarked KPI's chart also draws its comparison group's median,
        # which the model adds: it is read from the model)
        from beacon.domain.rules import get_rule_set
        from beacon.performance.results import kpi_results
        from beacon.reports.qpr import _kpi_entry

        result = kpi_results(kpi, [q], get_rule_set())[q]
        entry = None if result is None else _kpi_entry(result)
    else:
        entry = (model or qpr(q, version)).kpi_by_code.get(kpi.code)
    if entry is None:
        return None
    chart = kpi_chart(entry)
    return chart if chart.has_values else None


def indicator_history(indicator: pm.ActivityIndicator) -> dict:
    observations = list(indicator.observations.order_by("-period_sort"))
    keys = [f"{indicator.code} {o.period}" for o in observations]
    revisions = list(Revision.objects.filter(entity="activity_observation", key__in=keys).order_by("-changed_at", "-pk"))
    by_key: dict[str, list] = {}
    for r in revisions:
        by_key.setdefault(r.key, []).append(r)
    return {
        "values": [{"obs": o, "revisions": by_key.get(f"{indicator.code} {o.period}", [])} for o in observations],
        "chart": indicator_chart(indicator, list(reversed(observations))[-8:]),
    }


def indicator_chart(indicator: pm.ActivityIndicator, observations: list):
    """The report's activity chart (beacon.reports.charts) over the last eight periods."""
    from beacon.reports.charts import activity_chart

    if not observations:
        return None

    def f(v):
        return None if v is None else float(v)

    chart = activity_chart(ActivityEntry(
        code=indicator.code,
        name=indicator.name,
        unit=indicator.unit,
        decimals=indicator.decimals,
        series=tuple(
            ActivityPoint(period=o.period, value=f(o.value), lower_threshold=f(o.lower_threshold),
                          upper_threshold=f(o.upper_threshold), benchmark=f(o.benchmark), target=f(o.target),
                          illustrative=o.illustrative)
            for o in observations
        ),
    ))
    return chart if chart.has_values else None


def period_label(text: str) -> str:
    try:
        p = parse_period(text)
    except PeriodError:
        return text
    return p.long_label if isinstance(p, (Quarter, Month)) else text
