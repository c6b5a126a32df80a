"""Lifecycle operations keep history: events, rating rows, revisions; ids never reused."""

import datetime as dt

import pytest

from beacon.bundle.importer import export_bundle, import_bundle
from beacon.demo import HERE
from beacon.domain.risk import Rating
from beacon.core.models import Revision
from beacon.risk import lifecycle
from beacon.risk.lifecycle import LifecycleError
from beacon.risk.models import Action, Risk, RiskEvent, RiskRating

pytestmark = pytest.mark.django_db
JAN = HERE / "kcc-risk-register-2023-01"
D = dt.date(2023, 1, 5)


@pytest.fixture
def jan():
    # the register as recorded at the January 2023 refresh: imported ratings take effect that day
    import_bundle(JAN, user="import", now=dt.datetime(2023, 1, 5, 9, tzinfo=dt.timezone.utc))


def _events(risk_id):
    return list(RiskEvent.objects.filter(risk_code=risk_id).order_by("pk").values_list("event", flat=True))


def test_add_takes_the_next_unused_id(jan):
    risk = lifecycle.add_risk("Refugee and asylum situation", ["Richard Smith, Corporate Director ASCH"], by="rm",
                              on=D, current=Rating(4, 4), target=Rating(3, 3), note="candidate entered")
    assert risk.risk_id == "CRR0059"  # CRR0058 is the highest issued
    assert risk.status == "active" and risk.register.code == "corporate"
    assert _events("CRR0059") == ["new"]
    assert RiskRating.objects.filter(risk=risk).count() == 2
    # a withdrawn id is never reused
    lifecycle.withdraw(risk, by="rm", on=D, note="withdrawn pending information")
    assert lifecycle.add_risk("Another", ["X, Y"], by="rm").risk_id == "CRR0060"


def test_add_never_reuses_ids_known_only_from_events(tmp_path):
    (tmp_path / "risk_events.csv").write_text("risk,event,occurred_by\nCRR0070,closed,2023-01-05\n", encoding="utf-8")
    import_bundle(tmp_path, user="import")
    assert lifecycle.add_risk("New", ["A, B"], by="rm").risk_id == "CRR0071"


def test_rerate_keeps_the_old_rating(jan):
    r9 = Risk.objects.get(risk_id="CRR0009")
    on = dt.date(2023, 1, 16)  # the bundle already holds the re-rating reported on 5 January
    event = lifecycle.rerate(r9, Rating(5, 5), by="rm", on=on, note="increased from 20 to the maximum rating of 25")
    r9.refresh_from_db()
    assert r9.current.display == "High (25)"
    assert (event.from_score, event.to_score, event.direction, event.recorded_by) == (20, 25, "increased", "rm")
    history = [(r.effective_date, r.rating.score) for r in r9.ratings.filter(kind="current").order_by("effective_date", "pk")]
    assert history[0] == (dt.date(2022, 7, 1), 20) and history[-1] == (on, 25)
    with pytest.raises(LifecycleError):
        lifecycle.rerate(r9, Rating(5, 5), by="rm")


def test_merge_creates_a_new_id(jan):
    a = lifecycle.add_risk("SEND WSoA response", ["Sarah Hammond, Corporate Director CYPE"], by="rm", current=Rating(4, 5))
    b = lifecycle.add_risk("High Needs funding", ["Sarah Hammond, Corporate Director CYPE"], by="rm", current=Rating(5, 4))
    merged = lifecycle.merge([a, b], "SEND and High Needs", ["Sarah Hammond, Corporate Director CYPE"], by="rm",
                             current=Rating(5, 5), target=Rating(4, 4), on=D, note="merged")
    assert merged.risk_id not in (a.risk_id, b.risk_id) and merged.risk_id == "CRR0061"
    a.refresh_from_db()
    assert a.status == "merged" and a.replaced_by == [merged.risk_id]
    event = RiskEvent.objects.get(risk_code=merged.risk_id, event="merged")
    assert event.related == [a.risk_id, b.risk_id] and event.to_score == 25
    with pytest.raises(LifecycleError):
        lifecycle.rerate(a, Rating(1, 1), by="rm")


def test_close_and_replace(jan):
    r4 = Risk.objects.get(risk_id="CRR0004")
    new = lifecycle.close_and_replace(r4, "Power outages", ["Rebecca Spore, Director of Infrastructure"], by="rm", on=D)
    r4.refresh_from_db()
    assert (r4.status, r4.replaced_by) == ("closed", [new.risk_id])
    assert RiskEvent.objects.get(risk_code="CRR0004", event="closed").related == [new.risk_id]
    assert RiskEvent.objects.get(risk_code=new.risk_id, event="new").related == ["CRR0004"]
    assert new.current.is_tbc


def test_descope_and_target(jan):
    r14 = Risk.objects.get(risk_id="CRR0014")
    lifecycle.change_target(r14, Rating(4, 4), by="rm", on=dt.date(2023, 2, 1))
    event = lifecycle.change_target(r14, Rating(4, 5), by="rm", on=dt.date(2023, 3, 1), note="raised to match the current level of 20")
    assert (event.direction, event.from_score, event.to_score) == ("increased", 16, 20)
    lifecycle.descope(r14, "cyber and information security threats only", by="rm", on=dt.date(2023, 3, 1),
                      title="Cyber and information security resilience")
    r14.refresh_from_db()
    assert r14.scope_note.startswith("cyber")
    assert Revision.objects.filter(entity="risk", key="CRR0014", field="scope_note").exists()
    assert [r.rating.score for r in r14.ratings.filter(kind="target").order_by("pk")][-2:] == [16, 20]


def test_delegate_and_re_escalate(jan):
    r = Risk.objects.get(risk_id="CRR0049")
    lifecycle.delegate(r, "CED directorate register", by="rm", de_escalate=True, on=D)
    r.refresh_from_db()
    assert (r.status, r.register.code) == ("de_escalated", "CED directorate register")
    lifecycle.re_escalate(r, by="rm", on=dt.date(2023, 6, 1))
    r.refresh_from_db()
    assert (r.risk_id, r.status, r.register.code) == ("CRR0049", "active", "corporate")
    assert _events("CRR0049") == ["de_escalated", "re_escalated"]
    with pytest.raises(LifecycleError):
        lifecycle.re_escalate(r, by="rm")
    with pytest.raises(LifecycleError):
        lifecycle.delegate(r, "corporate", by="rm")


def test_supersede_and_revise_actions(jan):
    r53 = Risk.objects.get(risk_id="CRR0053")
    old = list(r53.actions.all()[:2])
    new = lifecycle.supersede_actions(old, [{"title": "New capital approach", "owner": "Zena Cooke", "due": "June 2023"}],
                                      by="rm", on=D)
    for a in old:
        a.refresh_from_db()
        assert a.status == "not_completed" and list(a.superseded_by.all()) == new
    assert new[0].due_date == dt.date(2023, 6, 1)
    action = Action.objects.get(risk__risk_id="CRR0001", title__startswith="Revitalise current process")
    revision = lifecycle.revise_action_date(action, "April 2023", by="rm", on=dt.date(2023, 3, 8))
    action.refresh_from_db()
    assert (revision.old_text, revision.new_text, action.due_date) == ("February 2023", "April 2023", dt.date(2023, 4, 1))
    assert _events("CRR0001")[-1] == "action_date_revised"


def test_flag_and_revise(jan):
    r4 = Risk.objects.get(risk_id="CRR0004")
    lifecycle.revise(r4, by="rm", on=dt.date(2023, 2, 1), note="revised for power outages", cause=r4.cause + "\n\nPower rationing.")
    lifecycle.flag_for_review(r4, "Rating to be reviewed in the coming months.", by="rm", on=dt.date(2023, 2, 1))
    r4.refresh_from_db()
    assert r4.review_note.startswith("Rating to be reviewed")
    assert {"revised", "review_flagged"} <= set(_events("CRR0004"))


def test_history_survives_export(jan, tmp_path):
    r45 = Risk.objects.get(risk_id="CRR0045")
    lifecycle.rerate(r45, Rating(4, 5), by="rm", on=dt.date(2023, 2, 1), note="up again")
    export_bundle(tmp_path)
    assert not import_bundle(tmp_path, user="import").changed


def test_same_day_events_are_refused_and_action_events_export_cleanly(jan, tmp_path):
    r2 = Risk.objects.get(risk_id="CRR0002")
    lifecycle.rerate(r2, Rating(3, 5), by="rm", on=dt.date(2023, 2, 1))
    with pytest.raises(LifecycleError, match="already has a rerated event dated 2023-02-01"):
        lifecycle.rerate(r2, Rating(2, 5), by="rm", on=dt.date(2023, 2, 1))
    first, second = list(Risk.objects.get(risk_id="CRR0003").actions.all()[:2])
    lifecycle.revise_action_date(first, "June 2023", by="rm", on=dt.date(2023, 2, 1))
    lifecycle.revise_action_date(second, "July 2023", by="rm", on=dt.date(2023, 2, 1))
    export_bundle(tmp_path)
    assert not import_bundle(tmp_path, user="import").changed


def test_candidate_risks(jan, tmp_path):
    from beacon.risk.editions import build_edition

    c = lifecycle.raise_candidate("Refugee and asylum situation", by="rm", on=dt.date(2022, 12, 1),
                                  note="to be entered if the aggregated risk exposure warrants it")
    with pytest.raises(LifecycleError):
        lifecycle.raise_candidate("Refugee and asylum situation", by="rm")
    edition = build_edition("Cabinet", D, baseline=dt.date(2022, 7, 1))
    assert [(c.theme, c.note, c.raised_on) for c in edition.candidates] == [
        ("Refugee and asylum situation", "to be entered if the aggregated risk exposure warrants it", dt.date(2022, 12, 1))]
    export_bundle(tmp_path / "a")
    assert (tmp_path / "a" / "risk_candidates.csv").exists()
    assert not import_bundle(tmp_path / "a", user="import").changed
    risk = lifecycle.enter_candidate(c, "Refugee and asylum pressures", ["Richard Smith, Corporate Director ASCH"],
                                     by="rm", on=dt.date(2023, 6, 1), current=Rating(4, 4))
    c.refresh_from_db()
    assert (c.status, c.entered_as, risk.risk_id) == ("entered", "CRR0059", "CRR0059")
    assert build_edition("Cabinet", dt.date(2023, 7, 1)).candidates == ()
    assert build_edition("Cabinet", D, baseline=dt.date(2022, 7, 1)).candidates != ()  # still open on 5 January
    with pytest.raises(LifecycleError):
        lifecycle.drop_candidate(c, by="rm")
