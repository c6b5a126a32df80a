"""The ``beacon`` console script: help, import errors, report output, unprepared databases."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from beacon.cli import BEACON_COMMANDS, main
from beacon.core import models

# A command run through the command line closes the database connections when it ends
# (BaseCommand.run_from_argv), which would end a test wrapped in one transaction on
# PostgreSQL: these tests run outside one and flush the database afterwards.
cli_db = pytest.mark.django_db(transaction=True)


def test_help_lists_the_commands(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("migrate", "import", "export", "report", "demo"):
        assert f"  {command}" in out
    assert set(BEACON_COMMANDS) >= {"migrate", "import", "export", "report", "demo"}
    assert main([]) == 0


@cli_db
def test_import_of_a_bad_bundle_exits_non_zero_with_the_report_on_stderr(make_bundle, capsys, row_counts):
    bundle = make_bundle()
    line = bundle.set_cell("observations.csv", "CS2,2022/23 Q2", "value", "abc")
    counts = row_counts()

    code = main(["import", str(bundle.root), "--user", "tester"])

    captured = capsys.readouterr()
    assert code != 0
    assert f"observations.csv:{line}: value:" in captured.err
    assert "nothing was written" in captured.err
    assert "observations.csv" not in captured.out
    assert row_counts() == counts


@cli_db
def test_import_and_export_through_the_cli(demo_dir, tmp_path, capsys):
    assert main(["import", str(demo_dir), "--user", "cli-user"]) == 0
    out = capsys.readouterr().out
    assert "kpis.csv: 37 created" in out
    assert models.ImportRun.objects.get().imported_by == "cli-user"
    assert main(["export", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "kpis.csv").is_file()


@cli_db
def test_report_with_a_slug_period_writes_json(demo_imported, tmp_path, capsys):
    out = tmp_path / "reports" / "qpr.json"
    assert main(["report", "--period", "2022-23-Q2", "--out", str(out)]) == 0
    model = json.loads(out.read_text(encoding="utf-8"))
    assert model["period"]["label"] == "2022/23 Q2"
    assert len(model["kpis"]) == 37
    assert str(out) in capsys.readouterr().out


@cli_db
def test_report_for_an_impossible_quarter_fails_clearly(demo_imported, capsys):
    code = main(["report", "--period", "2022/23 Q7"])
    err = capsys.readouterr().err
    assert code != 0
    assert "--period" in err and "Q7" in err
    assert "Traceback" not in err


@cli_db
def test_report_for_a_period_without_data_fails_clearly(demo_imported, capsys):
    assert main(["report", "--period", "2019/20 Q1"]) != 0
    assert "no KPIs for 2019/20 Q1" in capsys.readouterr().err


@cli_db
def test_a_bad_rule_override_fails_clearly(demo_imported, capsys):
    assert main(["report", "--period", "2022/23 Q2", "--set", "dot.method=guess"]) != 0
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("command", [["import", "{demo}"], ["report", "--period", "2022/23 Q2"], ["export", "{tmp}/x"]])
def test_an_unprepared_database_says_run_beacon_migrate(tmp_path, demo_dir, command):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BEACON_", "DJANGO_"))}
    env["BEACON_DATABASE_URL"] = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    env["BEACON_VAR_DIR"] = str(tmp_path / "var")
    args = [a.format(demo=demo_dir, tmp=tmp_path) for a in command]
    done = subprocess.run(
        [sys.executable, "-m", "beacon.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0
    assert "beacon migrate" in done.stderr
    assert "Traceback" not in done.stderr


@cli_db
def test_import_of_a_missing_path_fails_clearly(tmp_path, capsys):
    assert main(["import", str(tmp_path / "no-such-bundle")]) != 0
    err = capsys.readouterr().err
    assert "no such file or folder" in err and "Traceback" not in err


@cli_db
def test_export_to_a_workbook_that_cannot_hold_a_table_name_fails_clearly(make_bundle, tmp_path, capsys):
    """Excel sheet names have at most 31 characters: ``tables.<name>`` must fit."""
    bundle = make_bundle()
    long_name = "calls_by_service_and_quarter_2022"
    lines = bundle.lines("tables.csv")
    number = bundle.line_of("tables.csv", "calls_by_service,")
    lines[number - 1] = lines[number - 1].replace("calls_by_service,", f"{long_name},", 1)
    bundle.write("tables.csv", "\n".join(lines))
    bundle.path("tables/calls_by_service.csv").rename(bundle.path(f"tables/{long_name}.csv"))
    assert main(["import", str(bundle.root)]) == 0
    capsys.readouterr()

    assert main(["export", str(tmp_path / "out.xlsx")]) != 0
    err = capsys.readouterr().err
    assert long_name in err and "31" in err and "Traceback" not in err
    assert main(["export", str(tmp_path / "folder")]) == 0  # a CSV folder has no such limit
