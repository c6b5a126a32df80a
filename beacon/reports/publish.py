"""Publishing a QPR edition: freeze it, and later list what changed in the data since.

``publish`` computes the edition, runs the consistency checks (performance spec 6.1: those of
the model, and 6.1.1 / 6.1.6 again on the rendered document) and
refuses, naming each failure, unless every failed check is accepted with a reason
(``allow={"6.1.9": "reason"}``). Lint findings on authored commentary (spec 6.2, ``model.lint``)
are warnings, not failed checks, but they too need sign-off: ``allow={"6.2": "reason"}`` accepts
them all. A computed rating or count that differs from the one the council published (the
reconciliation, spec 6.3: ``published.csv``, ``published_counts.csv`` with its TOTAL row) is the
failed check ``6.3``: it blocks until accepted with a reason (``allow={"6.3": "reason"}``,
``beacon publish --accept-reconciliation --reason``). It then stores, in one transaction:

* the computed model exactly as rendered (as JSON, :func:`beacon.reports.qpr.model_json`), the
  report settings and narrative overrides used and the rule set (so the edition re-renders with
  the same figures forever), with the snapshot's schema version (:data:`SNAPSHOT_SCHEMA`;
  :func:`read_snapshot` is the one way it is read back);
* the input data it was computed from (``data_snapshot``) and its checksum;
* the rendered files (JSON, HTML, PDF, Word) with their SHA-256 checksums;
* who published it and when, and the accepted check failures and lint findings with their reasons.

``diff`` compares the current data with the snapshot: added, removed and changed records, and
the results (RAG, DoT, value, counts) that would differ if the edition were computed today.

A published edition is never changed. When it was wrong, ``publish(..., correction="reason")``
publishes a **corrected edition** of the same quarter: computed and checked as the first was,
stored beside it with the reason and what differs from the edition it corrects, in plain words
(:func:`beacon.domain.qpr_editions.differences` on the two frozen models: "CS1 value removed (was
96%)"). The corrected edition is then the quarter's current one; the edition it corrects keeps
its files and is marked superseded.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from beacon.domain.periods import Quarter, window_sort_range
from beacon.domain.qpr_model import Check, QprModel
from beacon.domain.records import to_plain
from beacon.domain.rules import RuleSet, get_rule_set
from beacon.domain.wording import counted
from beacon.reports.formats import QPR
from beacon.reports.lint import LINT_CHECK_ID, LINT_CHECK_NAME, finding_line
from beacon.core import clock, jsonio


class PublishError(Exception):
    def __init__(self, message: str, failures: list[str] | None = None):
        super().__init__(message)
        self.failures = failures or []


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        value = value.normalize()
        return format(value, "f")
    return str(value)


def data_snapshot(period: Quarter, rule_set: RuleSet | None = None) -> dict:
    """The inputs of an edition, keyed by natural key, as text (so a diff is exact): the values
    of the rule set's direction-of-travel window (``dot.window_quarters``) and the year before it."""
    from beacon.core.models import Directorate
    from beacon.performance import models as pm
    from beacon.performance.results import kpis_in_edition
    from beacon.reports import models as rm

    kpis = list(kpis_in_edition(period))
    ids = [k.pk for k in kpis]
    low, high = window_sort_range(period, (rule_set or get_rule_set()).dot.window_quarters)
    years = {period.financial_year.label, period.previous().financial_year.label,
             period.same_quarter_last_year().financial_year.label}
    snap: dict[str, dict] = {"kpis": {}, "targets": {}, "observations": {}, "directorates": {}, "activity": {},
                             "commentary": {}, "tables": {}, "published_counts": {}, "settings": {}, "overrides": {}}
    for k in kpis:
        snap["kpis"][k.code] = {
            f: _text(getattr(k, f)) for f in ("name", "short_name", "unit", "unit_label", "polarity", "decimals",
                                              "frequency", "rolling_12_months", "in_arrears", "notes", "first_year",
                                              "display_order")
        } | {"directorate": k.directorate.code, "sub_area": k.sub_area.name if k.sub_area else ""}
    for t in pm.KpiTarget.objects.filter(kpi_id__in=ids, financial_year__in=years).select_related("kpi"):
        snap["targets"][f"{t.kpi.code} {t.financial_year} {t.effective_from}".strip()] = {
            f: _text(getattr(t, f)) for f in ("target", "floor", "target_low", "target_high", "floor_low", "floor_high",
                                              "target_source", "floor_source")
        } | ({"decimals": _text(t.decimals)} if t.decimals is not None else {})  # only when set: older snapshots lack it
    for o in pm.Observation.objects.filter(kpi_id__in=ids, period_sort__gte=low - 12, period_sort__lte=high).select_related("kpi"):
        snap["observations"][f"{o.kpi.code} {o.period}"] = {
            f: _text(getattr(o, f)) for f in ("value", "status", "note", "manual_rating", "manual_reason", "manual_dot",
                                              "manual_dot_reason", "illustrative")
        } | ({f: _text(getattr(o, f)) for f in ("manual_severity", "manual_severity_reason")}
             if o.manual_severity or o.manual_severity_reason else {})  # only when set: older snapshots lack it
    for d in Directorate.objects.all():
        snap["directorates"][d.code] = {
            "name": d.name, "section_title": d.section_title, "cabinet_members": "; ".join(d.cabinet_members),
            "corporate_director": d.corporate_director, "director_label": d.director_label,
            "display_order": _text(d.display_order),
        } | ({"kpi_heading": d.kpi_heading} if d.kpi_heading else {})  # only when set: older snapshots lack it
    for o in pm.ActivityObservation.objects.filter(period_sort__gte=low, period_sort__lte=high).select_related("indicator"):
        snap["activity"][f"{o.indicator.code} {o.period}"] = {
            f: _text(getattr(o, f)) for f in ("value", "lower_threshold", "upper_threshold", "benchmark", "target", "illustrative")
        }
    for c in pm.Commentary.objects.filter(period=period.label).select_related("directorate", "sub_area", "kpi"):
        key = " / ".join(x for x in (c.directorate.code if c.directorate else "", c.sub_area.name if c.sub_area else "",
                                     c.kpi.code if c.kpi else "", c.topic, str(c.display_order), str(c.pk)) if x)
        snap["commentary"][key] = {"text": c.text, "author": c.author}
    for t in pm.SupportingTable.objects.filter(period=period.label).prefetch_related("cells"):
        for cell in t.cells.all():
            snap["tables"][f"{t.name} line {cell.line}"] = {k: _text(v) for k, v in cell.data.items()}
    for p in pm.PublishedCounts.objects.filter(period__in=[period.label, period.comparison_quarter().label]).select_related("directorate"):
        snap["published_counts"][f"{p.period} {p.directorate.code if p.directorate else 'TOTAL'}"] = {
            f: _text(getattr(p, f)) for f in ("green", "amber", "red", "improving", "stable", "worsening")
        }
    s = rm.ReportSettings.objects.filter(period=period.label).first()
    if s is not None:
        from beacon.reports.documents import settings_dict

        snap["settings"]["cover"] = {k: jsonio.dumps(v, indent=None) if isinstance(v, (list, dict)) else _text(v)
                                     for k, v in settings_dict(period.label).items()}
    for o in rm.NarrativeOverride.objects.filter(period=period.label):
        snap["overrides"][o.key] = {"text": o.text, "author": o.author, "reason": o.reason}
    return snap


def checksum(obj) -> str:
    return hashlib.sha256(jsonio.dumps(obj, indent=None, sort_keys=True).encode("utf-8")).hexdigest()


@dataclass
class Published:
    period: str
    published_by: str
    published_at: str
    files: list[dict] = field(default_factory=list)
    overridden: list[dict] = field(default_factory=list)
    edition: int = 1
    differences: list[str] = field(default_factory=list)


def failed_checks(model: QprModel) -> list[Check]:
    return model.failed_checks


SNAPSHOT_SCHEMA = "beacon.qpr-edition/1"
"""The layout of a published edition's snapshot (``PublishedReport``: ``model`` as
:func:`beacon.reports.qpr.model_json` writes it, ``context`` with the settings and overrides,
``data``), recorded in its ``context``. Editions published before the version was recorded have
this layout."""


@dataclass(frozen=True)
class Snapshot:
    """A published edition read back from its snapshot."""

    model: QprModel
    settings: dict
    overrides: dict


def read_snapshot(row) -> Snapshot:
    """A published edition (a ``PublishedReport``) as it was frozen: the one way a snapshot is read
    back (documents, ``beacon diff``, the web's published pages and comparison)."""
    from beacon.reports.qpr import model_from_json

    context = row.context or {}
    schema = context.get("schema", SNAPSHOT_SCHEMA)
    if schema != SNAPSHOT_SCHEMA:
        raise PublishError(f"the published edition of {row.period} is a snapshot of schema {schema!r}; "
                           f"this Beacon reads {SNAPSHOT_SCHEMA!r}")
    return Snapshot(model=model_from_json(row.model), settings=context.get("settings", {}),
                    overrides=context.get("overrides", {}))


def frozen_edition(row):
    """The :class:`beacon.reports.documents.Edition` of one published edition (a
    ``PublishedReport`` row), from its snapshot, saying who published it and when and, for a
    corrected edition, what it corrects and why."""
    from beacon.reports.documents import Edition

    snapshot = read_snapshot(row)
    published = {
        "published_at": row.published_at.strftime("%d %B %Y %H:%M %Z").strip(),
        "published_by": row.published_by,
        "overridden_checks": row.overridden_checks,
        "edition": row.edition,
    }
    if row.corrects_id is not None:
        published["correction"] = {
            "reason": row.correction_reason,
            "differences": list(row.differences),
            "corrects_published_at": row.corrects.published_at.strftime("%d %B %Y %H:%M %Z").strip(),
        }
    return Edition(model=snapshot.model, settings=snapshot.settings, overrides=snapshot.overrides, published=published)


def current_edition(period: Quarter):
    """The quarter's current published edition (its newest: a correction replaces the edition
    it corrects), or None."""
    from beacon.reports.models import PublishedReport

    return PublishedReport.objects.filter(period=period.label).order_by("-edition").first()


def edition_differences(old_row, model: QprModel, settings: dict, overrides: dict) -> list[str]:
    """What a new edition changes from the published edition ``old_row``, in plain words: the
    figures and commentary (:func:`beacon.domain.qpr_editions.differences`), then the generated
    sentences replaced by hand and the report settings."""
    from beacon.domain.qpr_editions import differences

    old = read_snapshot(old_row)
    lines = [d.sentence for d in differences(old.model, model)]
    for key in sorted(set(old.overrides) | set(overrides)):
        if old.overrides.get(key) != overrides.get(key):
            what = ("added" if key not in old.overrides else "removed" if key not in overrides else "changed")
            lines.append(f"Wording of sentence {key} {what}")
    changed = sorted(k for k in set(old.settings) | set(settings) if old.settings.get(k) != settings.get(k))
    if changed:
        lines.append(f"Report details changed: {', '.join(k.replace('_', ' ') for k in changed)}")
    return lines


PUBLISH_WAIT_SECONDS = 120.0
"""How long a publication waits for an import that is running to finish."""

PUBLISH_BUSY = "an import is running: nothing was published; try again when it has finished"


def _consistent_read() -> None:
    """Make the rest of the current transaction read one consistent state of the data: the
    model, the checks, every document and the data snapshot (with its checksum) of one edition.
    It holds the import lock (an import waits for the publication, and the publication for an
    import that is running), and on PostgreSQL, when it is the outermost transaction, reads at
    REPEATABLE READ: one snapshot, whatever else is saved meanwhile. On SQLite the transaction is
    the database's write lock, so nothing else is saved meanwhile."""
    from django.db import connection

    from beacon.core import locks

    if connection.vendor == "postgresql" and len(connection.atomic_blocks) == 1:  # the outermost: a new transaction
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    locks.named_lock(locks.IMPORT, timeout=PUBLISH_WAIT_SECONDS, busy_message=PUBLISH_BUSY)


def _import_lock_held():
    """The import lock, taken before the publication's transaction begins (so that its
    snapshot is taken once the lock is held; see :func:`beacon.core.locks.held_before_transaction`)."""
    from beacon.core import locks

    return locks.held_before_transaction(locks.IMPORT, timeout=PUBLISH_WAIT_SECONDS, busy_message=PUBLISH_BUSY)


def _settled_request(period: Quarter, allow: dict[str, str] | None, correction: str | None, previous):
    """The refusals that need no computing: the quarter already published (or, for a correction,
    not), a correction without its reason, an accepted check without its reason. Returns the
    cleaned ``allow`` and ``correction``."""
    allow = {k: v.strip() for k, v in (allow or {}).items()}
    if correction is None and previous is not None:
        raise PublishError(f"{period.label} is already published; a published edition is never changed "
                           "(publish a corrected edition, with its reason, to correct it)")
    if correction is not None:
        correction = correction.strip()
        if previous is None:
            raise PublishError(f"{period.label} is not published: there is no edition to correct")
        if not correction:
            raise PublishError("give the reason for the corrected edition")
    missing_reason = [k for k, v in allow.items() if not v]
    if missing_reason:
        raise PublishError(f"give a reason for each accepted check: {', '.join(missing_reason)}")
    return allow, correction


def _refusals(period: Quarter, model: QprModel, allow: dict[str, str], previous, edition,
              seen_differences: list[str] | None) -> tuple[list[dict], list[str]]:
    """Refuse (:class:`PublishError`, naming each failure) unless every failed check of ``model``
    and its lint findings are accepted with a reason, and, for a correction, something differs
    (and what differs is what the person was shown). Returns the accepted checks as recorded and
    the differences from ``previous``."""
    from beacon.reports.qpr import RECONCILIATION_CHECK_ID

    failed = failed_checks(model)
    blocking = [c for c in failed if c.id not in allow]
    # lint findings on authored text (spec 6.2) are warnings that need sign-off: accepted as a
    # whole, with a reason, under the id "6.2" (``beacon publish --accept-lint --reason``)
    lint = model.lint
    unsigned = lint if LINT_CHECK_ID not in allow else []
    if blocking or unsigned:
        lines = [f"{c.id} {c.name}: {f}" for c in blocking for f in (c.failures or ["failed"])]
        lines += [f"{LINT_CHECK_ID} {LINT_CHECK_NAME}: {finding_line(f)}" for f in unsigned]
        why = []
        checks = [c for c in blocking if c.id != RECONCILIATION_CHECK_ID]
        if checks:
            why.append(f"{counted(len(checks), 'consistency check')} failed")
        if len(checks) < len(blocking):
            why.append("figures differ from those the council published (6.3)")
        if unsigned:
            why.append(f"{counted(len(unsigned), 'lint finding')} on authored text need{'s' if len(unsigned) == 1 else ''} sign-off")
        raise PublishError(f"{period.label} cannot be published: {'; '.join(why)}", lines)
    if LINT_CHECK_ID in allow and not lint:
        raise PublishError(f"--accept-lint: there are no lint findings in {period.label}")
    if RECONCILIATION_CHECK_ID in allow and RECONCILIATION_CHECK_ID not in {c.id for c in failed}:
        raise PublishError(f"--accept-reconciliation: no figure of {period.label} differs from those published")
    unknown = sorted(set(allow) - {c.id for c in failed} - {LINT_CHECK_ID})
    if unknown:
        raise PublishError(f"--allow-failed-check {', '.join(unknown)}: no such failed check in {period.label}")
    overridden = [{"id": c.id, "name": c.name, "failures": list(c.failures), "reason": allow[c.id]} for c in failed]
    if lint:
        overridden.append({"id": LINT_CHECK_ID, "name": LINT_CHECK_NAME, "failures": [finding_line(f) for f in lint],
                           "reason": allow[LINT_CHECK_ID]})
    differences: list[str] = []
    if previous is not None:
        differences = edition_differences(previous, model, edition.settings, edition.overrides)
        if not differences:
            raise PublishError(f"a corrected edition of {period.label} would print the same figures and words as "
                               f"the edition published on {previous.published_at:%d %B %Y}: "
                               "there is nothing to correct")
        if seen_differences is not None and list(seen_differences) != differences:
            raise PublishError(f"the data of {period.label} changed since you opened the page: nothing was published. "
                               "Check the differences listed now, then publish again.")
    return overridden, differences


def check_publishable(period: Quarter, allow: dict[str, str] | None = None, correction: str | None = None,
                      seen_differences: list[str] | None = None, rule_set=None) -> None:
    """Refuse now (:class:`PublishError`, as :func:`publish` would) what can be known without
    rendering a document: the quarter's state, the reasons, the failed checks of the computed
    figures and the lint findings, and for a correction its differences. Nothing is stored. The
    web runs it before starting a publication in the background; the checks of the document as
    printed (6.1.1, 6.1.6) are run by :func:`publish` itself."""
    from beacon.reports import documents

    previous = current_edition(period)
    allow, correction = _settled_request(period, allow, correction, previous)
    edition = documents.edition_inputs(period, rule_set)
    if not edition.model.kpis:
        raise PublishError(f"no KPIs for {period.label}")
    _refusals(period, edition.model, allow, previous if correction is not None else None, edition, seen_differences)


def published_by_job(job_id: str):
    """The edition a background job published (its id is recorded in the snapshot's context), or
    None: a job run again after its worker stopped finds it rather than publishing twice."""
    from beacon.reports.models import PublishedReport

    return PublishedReport.objects.filter(context__job=str(job_id)).order_by("-edition").first()


def _rendering_step(fmt) -> str:
    return f"Rendering the {fmt.short_label} file"


def publish_steps() -> int:
    """How many steps :func:`publish` reports: the figures, the checks, one per stored format,
    and freezing the edition."""
    return 3 + len(QPR)


def publish(period: Quarter, user: str, allow: dict[str, str] | None = None, rule_set=None, now=None,
            correction: str | None = None, seen_differences: list[str] | None = None, *, progress=None,
            job: str | None = None) -> Published:
    """Freeze the edition of ``period``. ``allow`` maps a check id to the reason it is accepted.
    ``correction``: the reason for publishing a corrected edition of a published quarter (the
    edition it corrects stays as it is); refused when nothing would differ, and, when
    ``seen_differences`` (what the person was shown) is given, when the differences are no longer
    those. ``progress`` (a :class:`beacon.core.jobs.Progress`) hears each step
    (:func:`publish_steps` of them); ``job``: the id of the background job publishing it, recorded
    with the edition (:func:`published_by_job`)."""
    from django.db import transaction

    from beacon.reports import documents
    from beacon.reports.models import PublishedFile, PublishedReport
    from beacon.reports.qpr import model_json
    from beacon.core.progress import steps

    progress = steps(progress)
    progress.total(publish_steps())
    with _import_lock_held(), transaction.atomic():
        _consistent_read()
        progress.step("Computing the figures", advance=0)
        previous = current_edition(period)
        allow, correction = _settled_request(period, allow, correction, previous)
        edition = documents.edition_inputs(period, rule_set)
        if not edition.model.kpis:
            raise PublishError(f"no KPIs for {period.label}")
        progress.step("Checking the figures and the document as printed")
        # the checks on the numbers, and the same checks on the document as printed (6.1.1, 6.1.6)
        from beacon.reports.documents.checks import document_checks

        printed = document_checks(documents.qpr_html(edition))
        model = dataclasses.replace(edition.model, checks=tuple(
            c for c in edition.model.checks if c.id not in ("6.1.1", "6.1.6-printed")) + tuple(printed))
        overridden, differences = _refusals(period, model, allow, previous if correction is not None else None,
                                            edition, seen_differences)
        now = now or clock.now()
        data = data_snapshot(period, rule_set)
        if previous is not None:  # the edition to correct, locked: two corrections at once cannot both be edition n+1
            previous = PublishedReport.objects.select_for_update().get(pk=previous.pk)
            if PublishedReport.objects.filter(corrects=previous).exists():
                raise PublishError(f"{period.label} was corrected meanwhile: open it again to see the current edition")
        context = {"schema": SNAPSHOT_SCHEMA, "settings": edition.settings, "overrides": edition.overrides}
        if job:
            context["job"] = str(job)
        row = PublishedReport.objects.create(
            period=period.label,
            edition=previous.edition + 1 if previous is not None else 1,
            corrects=previous,
            correction_reason=correction or "",
            differences=differences,
            published_at=now,
            published_by=user,
            rule_set=model.rule_set.to_dict(),
            model=model_json(model),
            context=context,
            data=data,
            data_checksum=checksum(data),
            checks=to_plain(model.checks),
            overridden_checks=overridden,
        )
        frozen = frozen_edition(row)
        files = []
        for fmt in QPR:  # every registered format is stored
            progress.step(_rendering_step(fmt))
            content = fmt.render(frozen)
            digest = hashlib.sha256(content).hexdigest()
            name = fmt.filename(f"qpr-{period.slug}" + (f"-edition-{row.edition}" if row.edition > 1 else ""))
            PublishedFile.objects.create(report=row, format=fmt.name, name=name, sha256=digest,
                                         size=len(content), content=content)
            files.append({"format": fmt.name, "name": name, "sha256": digest, "size": len(content)})
        progress.step("Freezing the edition")
    return Published(period.label, user, now.isoformat(), files, overridden, row.edition, differences)


def published_result(row) -> Published:
    """What :func:`publish` returned for the edition ``row``, read back from what was stored."""
    files = [{"format": f.format, "name": f.name, "sha256": f.sha256, "size": f.size}
             for f in row.files.order_by("pk")]
    return Published(row.period, row.published_by, row.published_at.isoformat(), files, list(row.overridden_checks),
                     row.edition, list(row.differences))


# --- diff -----------------------------------------------------------------------------------
@dataclass
class Change:
    area: str
    key: str
    kind: str  # added | removed | changed
    fields: dict = field(default_factory=dict)  # name -> (old, new)

    def line(self) -> str:
        if self.kind == "changed":
            parts = "; ".join(f"{f}: {old!r} -> {new!r}" for f, (old, new) in self.fields.items())
            return f"{self.area} {self.key}: {parts}"
        return f"{self.area} {self.key}: {self.kind}"

    def _key_words(self) -> str:
        """The record's key for people: a commentary's key ends with its order and row number
        (``CS / CS1 / 0 / 2``, unique in the snapshot), which mean nothing to a reader."""
        if self.area != "commentary":
            return self.key
        parts = self.key.split(" / ")
        while parts and parts[-1].isdigit():
            parts.pop()
        return "on " + ", ".join(parts) if parts else ""

    def sentence(self) -> str:
        """The change in plain words, for pages: "Value of CS1 2022/23 Q2: value removed (was 96)"."""
        what = f"{_AREA_WORDS.get(self.area, self.area.replace('_', ' ').capitalize())} {self._key_words()}"
        if self.kind != "changed":
            return f"{what} {self.kind}"
        parts = []
        for name, (old, new) in self.fields.items():
            name = name.replace("_", " ")
            if not old:
                parts.append(f"{name} set to {new}")
            elif not new:
                parts.append(f"{name} removed (was {old})")
            else:
                parts.append(f"{name} changed from {old} to {new}")
        return f"{what}: {'; '.join(parts)}"


_AREA_WORDS = {
    "observations": "Value of", "targets": "Target of", "kpis": "KPI", "commentary": "Commentary",
    "tables": "Supporting table", "directorates": "Directorate", "activity": "Activity value of",
    "published_counts": "Published counts of", "settings": "Report details:", "overrides": "Wording of sentence",
}


def compare(old: dict, new: dict) -> list[Change]:
    changes = []
    for area in sorted(set(old) | set(new)):
        a, b = old.get(area, {}), new.get(area, {})
        for key in sorted(set(a) | set(b)):
            if key not in a:
                changes.append(Change(area, key, "added", {f: (None, v) for f, v in b[key].items()}))
            elif key not in b:
                changes.append(Change(area, key, "removed", {f: (v, None) for f, v in a[key].items()}))
            else:
                diff = {f: (a[key].get(f), b[key].get(f)) for f in sorted(set(a[key]) | set(b[key]))
                        if a[key].get(f) != b[key].get(f)}
                if diff:
                    changes.append(Change(area, key, "changed", diff))
    return changes


def result_changes(frozen_model: QprModel, current_model: QprModel) -> list[Change]:
    """Figures of the edition that would differ if it were computed today (as their JSON values)."""
    out = []
    old, new = frozen_model.kpi_by_code, current_model.kpi_by_code
    for code in sorted(set(old) | set(new)):
        if code not in old:
            out.append(Change("results", code, "added"))
        elif code not in new:
            out.append(Change("results", code, "removed"))
        else:
            was, now = to_plain(old[code]), to_plain(new[code])
            diff = {f: (was[f], now[f]) for f in ("value", "previous", "target", "floor", "rag", "dot") if was[f] != now[f]}
            if diff:
                out.append(Change("results", code, "changed", diff))
    was, now = to_plain(frozen_model.totals), to_plain(current_model.totals)
    diff = {k: (was[k], now[k]) for k in was if was[k] != now[k]}
    if diff:
        out.append(Change("results", "TOTAL", "changed", diff))
    return out


def diff(period: Quarter) -> dict:
    from beacon.reports.qpr import build_qpr

    row = current_edition(period)
    if row is None:
        raise PublishError(f"{period.label} is not published: nothing to compare with")
    rules = RuleSet.from_dict(row.rule_set)
    current = data_snapshot(period, rules)
    data_changes = compare(row.data, current)
    model = build_qpr(period, rules)
    from beacon.domain.qpr_editions import differences

    frozen = read_snapshot(row).model
    return {
        "edition": row.edition,
        "result_differences": [d.sentence for d in differences(frozen, model)],
        "period": period.label,
        "published_at": row.published_at,
        "published_by": row.published_by,
        "data_unchanged": checksum(current) == row.data_checksum,
        "data_changes": data_changes,
        "result_changes": result_changes(frozen, model),
    }
