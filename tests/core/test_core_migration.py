"""What every area shares moves to the core app with its rows: directorates, sub-areas, the audit
log and import runs from the performance app, directorate assignments and API tokens from the
web app, and risk assignments from the web app to the risk app. Rows written at the old state
are found, unchanged, through the new models after migrating, every foreign key still pointing
at them; old revisions are given the identity of the record their label names; and the way back
restores the old tables.

Runs on SQLite and (``make test-postgres``) on PostgreSQL."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

OLD = [
    ("performance", "0003_directorate_kpi_heading"),
    ("web", "0006_returns_move_to_their_app"),
    ("risk", "0005_edition_history"),
    ("returns", "0003_typed_values"),
    ("core", None),
]
AT = dt.datetime(2023, 1, 5, 12, tzinfo=dt.timezone.utc)
OLD_TABLES = {"performance_directorate", "performance_subarea", "performance_revision", "performance_importrun",
              "web_directorateassignment", "web_apitoken", "web_riskassignment"}
NEW_TABLES = {"core_directorate", "core_subarea", "core_revision", "core_importrun", "core_directorateassignment",
              "core_apitoken", "risk_riskassignment"}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _applied_state():
    """The models as the applied migrations leave them."""
    executor = MigrationExecutor(connection)
    return executor.loader.project_state(list(executor.loader.applied_migrations)).apps


def _tables():
    return set(connection.introspection.table_names())


def _old_rows(old):
    """A directorate with a sub-area, KPI, observation and commentary; a risk with a control; the
    revisions of each (and of a record since deleted); an import run; the assignments and a token."""
    get = old.get_model
    user = get_user_model().objects.create(username="owner")
    aa = get("performance", "Directorate").objects.create(code="AA", name="Alpha Services")
    north = get("performance", "SubArea").objects.create(directorate_id=aa.pk, name="North")
    a1 = get("performance", "Kpi").objects.create(code="A1", name="Calls answered", directorate_id=aa.pk,
                                                  sub_area_id=north.pk, unit="percent", polarity="higher")
    obs = get("performance", "Observation").objects.create(kpi_id=a1.pk, period="2022/23 Q2",
                                                           period_sort=2022 * 12 + 9, value=Decimal(91))
    note = get("performance", "Commentary").objects.create(period="2022/23 Q2", directorate_id=aa.pk,
                                                           sub_area_id=north.pk, kpi_id=a1.pk, text="Better.")
    register = get("risk", "Register").objects.create(code="corporate", name="Corporate Risk Register")
    risk = get("risk", "Risk").objects.create(risk_id="CRR0001", title="Data", register_id=register.pk)
    control = get("risk", "Control").objects.create(risk_id=risk.pk, title="Backups")
    revision = get("performance", "Revision")
    labels = [("directorate", "AA"), ("kpi", "A1"), ("observation", "A1 2022/23 Q2"),
              ("observation", "Z9 2022/23 Q2"),  # Z9 was deleted since: no record answers to it
              ("commentary", "2022/23 Q2 AA North A1"), ("risk", "CRR0001"), ("control", f"CRR0001 #{control.pk}")]
    revisions = {label: revision.objects.create(entity=label[0], key=label[1], field="title", old_value="",
                                                new_value="x", changed_by="import", changed_at=AT)
                 for label in labels}
    get("risk", "RevisionEffect").objects.create(revision_id=revisions["risk", "CRR0001"].pk,
                                                 effective_date=dt.date(2022, 12, 1))
    get("performance", "ImportRun").objects.create(source="bundle", imported_by="import", imported_at=AT)
    get("web", "DirectorateAssignment").objects.create(user_id=user.pk, directorate_id=aa.pk)
    get("web", "RiskAssignment").objects.create(user_id=user.pk, risk_id=risk.pk)
    get("web", "ApiToken").objects.create(user_id=user.pk, prefix="bcn_abcd", digest="0" * 64, created_at=AT)
    return {"user": user, "aa": aa, "north": north, "a1": a1, "obs": obs, "note": note, "risk": risk,
            "control": control, "revisions": revisions}


@pytest.mark.django_db(transaction=True)
def test_shared_rows_move_to_the_core_app():
    latest = _latest()
    _migrate(OLD)
    assert OLD_TABLES <= _tables() and not NEW_TABLES & _tables()
    ContentType.objects.clear_cache()
    old_type = ContentType.objects.get(app_label="performance", model="directorate").pk
    old = _old_rows(_applied_state())

    _migrate(latest)
    assert NEW_TABLES <= _tables() and not OLD_TABLES & _tables()

    from beacon.core.models import ApiToken, Directorate, DirectorateAssignment, ImportRun, Revision, SubArea
    from beacon.performance.models import Commentary, Kpi, Observation
    from beacon.risk.models import Control, Risk, RiskAssignment

    aa = Directorate.objects.get(pk=old["aa"].pk)
    assert (aa.code, aa.name) == ("AA", "Alpha Services")
    a1 = Kpi.objects.get(code="A1")
    assert (a1.directorate, a1.sub_area) == (aa, SubArea.objects.get(pk=old["north"].pk))
    note = Commentary.objects.get(pk=old["note"].pk)
    assert (note.directorate, note.sub_area.name, note.kpi) == (aa, "North", a1)
    assert DirectorateAssignment.objects.get().directorate == aa
    assert RiskAssignment.objects.get().risk.risk_id == "CRR0001"
    assert ApiToken.objects.get().user.username == "owner"
    assert ImportRun.objects.get().source == "bundle"
    # the content type moved with the model: permissions and admin history stay attached
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(Directorate).pk == old_type

    # old revisions name their record by identity, where one record answers to the label
    records = {(r.entity, r.key): r.record for r in Revision.objects.all()}
    assert records == {
        ("directorate", "AA"): aa,
        ("kpi", "A1"): a1,
        ("observation", "A1 2022/23 Q2"): Observation.objects.get(pk=old["obs"].pk),
        ("observation", "Z9 2022/23 Q2"): None,
        ("commentary", "2022/23 Q2 AA North A1"): note,
        ("risk", "CRR0001"): Risk.objects.get(risk_id="CRR0001"),
        ("control", f"CRR0001 #{old['control'].pk}"): Control.objects.get(pk=old["control"].pk),
    }
    assert Revision.objects.get(entity="risk").risk_effect.effective_date == dt.date(2022, 12, 1)
    # the moved tables take new rows after the old ones
    assert Directorate.objects.create(code="BB", name="Beta").pk > aa.pk
    assert Revision.objects.create(entity="kpi", key="A1", field="name", changed_by="x", changed_at=AT).pk > max(
        r.pk for r in old["revisions"].values())

    # and back: the old apps' tables again, rows kept
    _migrate(OLD)
    assert OLD_TABLES <= _tables() and not NEW_TABLES & _tables()
    back = _applied_state()
    assert back.get_model("performance", "Directorate").objects.get(pk=aa.pk).code == "AA"
    assert back.get_model("performance", "Revision").objects.count() == len(old["revisions"]) + 1
    assert back.get_model("web", "ApiToken").objects.get().prefix == "bcn_abcd"
    assert back.get_model("web", "RiskAssignment").objects.count() == 1
    _migrate(latest)
