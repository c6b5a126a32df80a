"""One rule each for the register (issue 9): the rating in force on a day and membership of the
corporate register on a day are decided once (beacon.risk.states), so an edition and the QPR
overview agree; the edition is typed and its frozen snapshot is versioned and read back by one
function; the council's bodies and covering-report words are data."""

import ast
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from beacon.bundle.importer import import_bundle
from beacon.demo import HERE
from beacon.domain.risk_overview import RiskOverview
from beacon.reports.register import build_register_model, build_risk_overview
from beacon.reports.register.model import register_json
from beacon.risk import states
from beacon.risk.edition_model import SNAPSHOT_SCHEMA, RegisterEdition, SnapshotError, from_snapshot
from beacon.risk.editions import EditionError, build_edition, committee_directorate, create_edition, read_edition
from beacon.risk.models import Edition, Register, Risk, RiskRating

pytestmark = pytest.mark.django_db
JAN = HERE / "kcc-risk-register-2023-01"
BEACON = Path(__file__).resolve().parents[2] / "beacon"


@pytest.fixture
def jan():
    import_bundle(JAN, user="test")


def _overview_ratings(day):
    return {o.risk_id: o.rating for o in states.register_on(day).on}


@pytest.mark.parametrize("day", [dt.date(2022, 11, 30), dt.date(2022, 12, 31), dt.date(2023, 1, 5)])
def test_an_edition_and_the_qpr_overview_print_the_same_ratings_on_the_same_day(jan, day):
    edition = build_edition("Cabinet", day, baseline=dt.date(2022, 7, 1))
    in_force = _overview_ratings(day)
    assert edition.risks
    for r in edition.risks:
        assert in_force[r.id] == r.current, r.id  # the overview counts the rating the edition prints
    if day.day == 31 or day == dt.date(2022, 11, 30):  # a month end: the overview's own counts
        overview = build_risk_overview("2022/23 Q3", data_to=day, compare_to=dt.date(2022, 9, 30))
        counts = dict(overview.at_data_to.counts)
        assert counts.pop("Rating not held") == 0
        assert counts == edition.counts_by_level


def test_a_rating_not_held_on_the_day_is_not_printed_by_either(clock):
    """The rule that disagreed: an edition used to print a risk's earliest rating on a day before
    its rating history starts, while the overview counted it under "Rating not held"."""
    corporate = Register.corporate()
    at = dt.datetime(2022, 12, 1, tzinfo=dt.timezone.utc)
    for rid, day in (("CRR0100", dt.date(2022, 1, 1)), ("CRR0101", dt.date(2022, 9, 1))):
        risk = Risk.objects.create(risk_id=rid, title=f"Risk {rid}", register=corporate, owners=["Owner"])
        for kind, (likelihood, impact) in (("current", (4, 5)), ("target", (2, 2))):
            RiskRating.objects.create(risk=risk, kind=kind, likelihood=likelihood, impact=impact, effective_date=day,
                                      recorded_by="t", recorded_at=at)
    june, september = dt.date(2022, 6, 30), dt.date(2022, 9, 30)
    assert _overview_ratings(june)["CRR0101"] is None  # the overview: "Rating not held"
    with pytest.raises(EditionError, match=r"CRR0101 \(from 01/09/2022\)"):
        build_edition("Cabinet", june, baseline=dt.date(2022, 3, 1))  # the edition: not known, refused
    edition = build_edition("Cabinet", september, baseline=dt.date(2022, 3, 1))
    assert {r.id: r.current.display for r in edition.risks} == {"CRR0100": "High (20)", "CRR0101": "High (20)"}
    assert {k: v.display for k, v in _overview_ratings(september).items()} == {r.id: r.current.display for r in edition.risks}


def test_an_edition_leaves_out_and_flags_the_ids_the_overview_cannot_place(jan):
    day = dt.date(2022, 11, 30)
    edition = build_edition("Cabinet", day, baseline=dt.date(2022, 7, 1))
    membership = states.register_on(day)
    assert [r.id for r in edition.risks] == [o.risk_id for o in membership.on if o.risk is not None]
    not_known = {code for code, _ in membership.not_known}
    assert not_known == {"CRR0010", "CRR0051", "CRR0055", "CRR0056", "CRR0058"}
    assert {f.split(":")[0] for f in edition.register_flags} == not_known
    assert not not_known & {r.id for r in edition.risks}
    assert set(edition.register_flags) <= set(edition.flags)
    overview = build_risk_overview("2022/23 Q3", data_to=day, compare_to=dt.date(2022, 9, 30))
    assert {x.risk for x in overview.at_data_to.membership_not_known} == not_known


def test_each_rule_is_defined_once():
    """grep finds one definition: the rating in force, membership of the register, the labels."""
    wanted = {"rating_on", "register_on", "_membership", "_placed_on", "heat_map", "counts_by_level", "long_date",
              "date_words"}
    found: dict[str, list[str]] = {}
    for path in BEACON.rglob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:  # module-level functions
            if isinstance(node, ast.FunctionDef) and node.name in wanted:
                found.setdefault(node.name, []).append(str(path.relative_to(BEACON)))
    assert {name: len(paths) for name, paths in found.items()} == dict.fromkeys(wanted, 1), found
    labels = ("Very Unlikely", "Significant", "Actions Completed/Closed", "Rating to be reviewed", "Partially Complete")
    holders = {label: [str(p.relative_to(BEACON)) for p in BEACON.rglob("*.py") if f'"{label}"' in p.read_text(encoding="utf-8")]
               for label in labels}
    assert all(len(paths) <= 1 for paths in holders.values()), holders  # on the enums, nowhere else


def test_the_frozen_snapshot_is_versioned_and_read_back_by_one_function(jan):
    day = dt.date(2023, 1, 5)
    edition = create_edition("Cabinet", day, by="rm", baseline=dt.date(2022, 7, 1))
    assert edition.snapshot["schema"] == SNAPSHOT_SCHEMA
    content = read_edition(edition)
    assert isinstance(content, RegisterEdition)
    assert content == build_edition("Cabinet", day, baseline=dt.date(2022, 7, 1))
    # a snapshot stored before the schema was written (the same shape) still reads
    legacy = {k: v for k, v in edition.snapshot.items() if k not in ("schema", "register_flags")}
    assert from_snapshot(legacy) == content
    with pytest.raises(SnapshotError, match="beacon.edition/99"):
        from_snapshot({**edition.snapshot, "schema": "beacon.edition/99"})
    # the register model's JSON is written from the typed content, the same frozen or read back
    model = build_register_model(content, edition)
    data = register_json(model)
    assert data["schema"] == "beacon.register/1" and data["edition"]["frozen"] is True
    assert json.loads(json.dumps(model.to_json())) == data


def test_the_overview_json_reads_back(jan):
    overview = build_risk_overview("2022/23 Q2", data_to=dt.date(2022, 11, 30), compare_to=dt.date(2022, 6, 30))
    assert RiskOverview.from_dict(json.loads(json.dumps(overview.to_json()))) == overview


def test_whole_council_bodies_are_data(tmp_path):
    import_bundle(JAN, user="test")  # registers.csv: Cabinet; Governance & Audit Committee; County Council
    for body in ("Cabinet", "Governance & Audit Committee", "county council"):
        assert committee_directorate(body) is None
    bundle = tmp_path / "wessex"
    bundle.mkdir()
    (bundle / "registers.csv").write_text(
        "code,name,owner_body,other_bodies\ncorporate,Wessex Strategic Risk Register,Executive,Audit Board\n",
        encoding="utf-8")
    import_bundle(bundle, user="test")
    assert committee_directorate("Executive") is None and committee_directorate("Audit Board") is None
    for body in ("County Council", "Cabinet", "Governance & Audit Committee"):
        with pytest.raises(EditionError, match="give Executive, Audit Board, or"):
            committee_directorate(body)


def test_the_covering_report_names_the_councils_bodies_from_its_data(tmp_path):
    import_bundle(JAN, user="test")
    (tmp_path / "registers.csv").write_text(
        "code,name,owner_body,other_bodies\ncorporate,Wessex Strategic Risk Register,Executive,Audit Board\n",
        encoding="utf-8")
    import_bundle(tmp_path, user="test")
    out = tmp_path / "m.json"
    call_command("register", "--body", "Executive", "--date", "2023-01-05", "--baseline", "2022-07", "--draft",
                 "--cover", "--out", str(out), stdout=io.StringIO())
    cover = json.loads(out.read_text(encoding="utf-8"))["cover"]
    texts = [h["value"] for h in cover["header"]] + [p["text"] for s in cover["sections"] for p in s["paragraphs"]]
    assert not [t for t in texts if "Cabinet" in t and "CRR" not in t]  # change notes quote the register verbatim
    header = {h["label"]: h["value"] for h in cover["header"]}
    assert header["Recommendation"] == "Executive Members are asked to NOTE the report."
    assert header["Future Pathway of Paper"] == "Audit Board"
    assert "reported to Executive quarterly" in " ".join(texts)
    # the demo's own words are a settings file
    demo = json.loads((HERE / "register-cover-settings.json").read_text(encoding="utf-8"))
    assert "Governance and Audit Committee" in " ".join(demo["background"] + demo["monitoring"])


def test_a_new_risk_imported_without_ratings_is_rated_tbc_from_its_date(jan, tmp_path):
    (tmp_path / "risks.csv").write_text(
        "id,title,owner,rated_on\nCRR0070,Unrated risk,A. Director,2023-01-05\n", encoding="utf-8")
    import_bundle(tmp_path, user="test")
    risk = Risk.objects.get(risk_id="CRR0070")
    assert sorted(risk.ratings.values_list("kind", "likelihood", "effective_date")) == [
        ("current", None, dt.date(2023, 1, 5)), ("target", None, dt.date(2023, 1, 5))]
    rows = {r.id: r for r in build_edition("Cabinet", dt.date(2023, 1, 5), baseline=dt.date(2022, 7, 1)).risks}
    assert rows["CRR0070"].current.display == "TBC"
    assert Edition.objects.count() == 0
