"""Search across what the pages show: KPIs, activity indicators and risks, and whatever kind a
later area registers (governance: meetings and papers).

A searchable kind is a function registered with :func:`searchable`: it takes the words of the
query and the user, and returns the :class:`Hit` that user may see. Each kind asks
:mod:`beacon.core.permissions` itself, so a result never leads to a page its reader may not open:

* KPIs and activity indicators: everyone with the dashboards sees every one (linked to its
  page); the public (and a user without that role) sees those of the published reports, linked
  to the newest published report that holds them;
* risks: only those who may view the risk register.

A word matches when it appears (any case) in the code, the name or the directorate; every word
of the query must match. Results keep the catalogue's order, an exact code first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


from beacon.core.words import all_words
from beacon.core import permissions as perm
from beacon.core.models import Directorate
from beacon.domain.periods import Quarter

MAX_HITS = 50
"""At most this many results of a kind (the page says when there are more)."""


@dataclass(frozen=True)
class Hit:
    """One result. ``page`` and ``args`` name the page that shows it: a URL name of the web
    application (``kpi``, ``indicator``, ``risk``, ``report``) and its arguments."""

    code: str
    title: str
    directorate: str  # the directorate's name (or names), "" when none
    page: str
    args: tuple[str, ...]
    note: str = ""  # e.g. "in the report for Quarter 2, 2022/23"
    anchor: str = ""  # a place on that page: "item-7" (the link goes to "#item-7")


@dataclass(frozen=True)
class Kind:
    key: str
    label: str  # the heading of its results: "KPIs"
    find: Callable[[list[str], object], list[Hit]]
    code_label: str = "Code"  # the heading of the code column
    where_label: str = "Directorate"  # the heading of the Hit.directorate column; "" leaves it out


@dataclass(frozen=True)
class Group:
    """The results of one kind."""

    key: str
    label: str
    hits: tuple[Hit, ...]
    more: bool = False  # more than MAX_HITS matched
    code_label: str = "Code"
    where_label: str = "Directorate"


@dataclass(frozen=True)
class Results:
    query: str
    words: tuple[str, ...]
    groups: tuple[Group, ...] = field(default=())

    @property
    def total(self) -> int:
        return sum(len(g.hits) for g in self.groups)


KINDS: dict[str, Kind] = {}


def searchable(key: str, label: str, *, code_label: str = "Code", where_label: str = "Directorate"):
    """Register a searchable kind (in the order the results are shown), with the headings of its
    code column and of its third column (``""``: none)."""

    def register(find):
        KINDS[key] = Kind(key, label, find, code_label, where_label)
        return find

    return register


def words_of(query: str) -> list[str]:
    return [w for w in query.split() if w][:10]


def search(query: str, user) -> Results:
    """Every registered kind's results for ``query`` that ``user`` may see; a kind with no
    result is left out. A blank query finds nothing."""
    words = words_of(query or "")
    if not words:
        return Results(query or "", ())
    groups = []
    for kind in KINDS.values():
        hits = kind.find(words, user)
        if hits:
            groups.append(Group(kind.key, kind.label, tuple(hits[:MAX_HITS]), more=len(hits) > MAX_HITS,
                                code_label=kind.code_label, where_label=kind.where_label))
    return Results(query, tuple(words), tuple(groups))


def _matches(text: str, words: list[str]) -> bool:
    text = text.casefold()
    return all(w.casefold() in text for w in words)


def _exact_first(hits: list[Hit], words: list[str]) -> list[Hit]:
    code = words[0].casefold() if len(words) == 1 else None
    return sorted(hits, key=lambda h: h.code.casefold() != code)  # stable: catalogue order otherwise



def _published_entries(kind: str, words: list[str]) -> list[Hit]:
    """KPIs or activity indicators of the published reports, each linked to the newest report
    that holds it: what the public may read."""
    from beacon.reports.models import PublishedReport

    names = dict(Directorate.objects.values_list("code", "name"))
    seen: dict[str, Hit] = {}
    from beacon.reports.dashboards import edition_order

    reports = sorted(PublishedReport.objects.all(), key=edition_order, reverse=True)
    for report in reports:
        model = report.frozen_model
        q = Quarter.parse(report.period)
        entries = model.kpis if kind == "kpi" else model.activity
        for e in entries:
            if e.code in seen:
                continue
            directorate = names.get(e.directorate, e.directorate)
            title = e.name
            if _matches(" ".join((e.code, title, getattr(e, "short_name", ""), directorate)), words):
                seen[e.code] = Hit(e.code, title, directorate, "report", (q.slug,),
                                   note=f"in the report for {q.long_label}")
    return _exact_first(list(seen.values()), words)


@searchable("kpis", "KPIs")
def _kpis(words: list[str], user) -> list[Hit]:
    from beacon.performance.models import Kpi

    if not perm.can(user, perm.VIEW_DASHBOARDS):
        return _published_entries("kpi", words)
    qs = Kpi.objects.select_related("directorate").filter(
        all_words(words, "code", "name", "short_name", "directorate__name", "directorate__code")
    ).order_by("directorate__display_order", "display_order", "code")
    hits = [Hit(k.code, k.name, k.directorate.name, "kpi", (k.code,)) for k in qs[: MAX_HITS + 1]]
    return _exact_first(hits, words)


@searchable("activity", "Activity indicators")
def _indicators(words: list[str], user) -> list[Hit]:
    from beacon.performance.models import ActivityIndicator

    if not perm.can(user, perm.VIEW_DASHBOARDS):
        return _published_entries("activity", words)
    qs = ActivityIndicator.objects.select_related("directorate").filter(
        all_words(words, "code", "name", "directorate__name", "directorate__code")
    ).order_by("directorate__display_order", "display_order", "code")
    hits = [Hit(i.code, i.name, i.directorate.name, "indicator", (i.code,)) for i in qs[: MAX_HITS + 1]]
    return _exact_first(hits, words)


@searchable("risks", "Risks")
def _risks(words: list[str], user) -> list[Hit]:
    """Risks of the register (any status: a closed risk's page still tells its story), for those
    who may view the register only."""
    from beacon.risk.models import Risk

    if not perm.can(user, perm.VIEW_RISKS):
        return []
    names = dict(Directorate.objects.values_list("code", "name"))
    hits = []
    for r in Risk.objects.order_by("risk_id"):
        directorates = ", ".join(names.get(c, c) for c in (r.owner_directorates or []))
        if _matches(" ".join((r.risk_id, r.title, directorates, " ".join(r.owner_directorates or []))), words):
            hits.append(Hit(r.risk_id, r.title, directorates, "risk", (r.risk_id,)))
    return _exact_first(hits, words)


# --- governance (issue 12): meetings, papers and decisions, each linked to its meeting's page ---
# Public, like the meeting pages; a paper or decision of an exempt item only for those who may
# see exempt items (beacon.governance.queries decides).


def _governance_hits(found) -> list[Hit]:
    return [Hit(f.code, f.title, "", "meeting", (f.key,), note=f.note, anchor=f.anchor) for f in found]


@searchable("meetings", "Meetings", code_label="Reference", where_label="")
def _meetings(words: list[str], user) -> list[Hit]:
    from beacon.governance import queries as gq

    return _governance_hits(gq.find_meetings(words, MAX_HITS))


@searchable("papers", "Papers", code_label="Reference", where_label="")
def _papers(words: list[str], user) -> list[Hit]:
    from beacon.governance import queries as gq

    return _governance_hits(gq.find_papers(words, gq.may_view_exempt(user), MAX_HITS))


@searchable("decisions", "Decisions", code_label="Reference", where_label="")
def _decisions(words: list[str], user) -> list[Hit]:
    from beacon.governance import queries as gq

    return _governance_hits(gq.find_decisions(words, gq.may_view_exempt(user), MAX_HITS))
