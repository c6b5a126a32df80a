"""The layers hold: imports run one way (web | api -> reports -> returns -> performance | risk ->
bundle -> core -> domain) and the domain imports no Django. The contracts are in pyproject.toml
([tool.importlinter]); docs/architecture.md explains them.

The second test plants wrong-way imports in a copy of the package and checks that each one
breaks the contract it should, so the first test cannot pass by checking nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"


def lint(root: Path) -> subprocess.CompletedProcess:
    """Run the contracts of ``root``/pyproject.toml over the ``beacon`` package under ``root``."""
    return subprocess.run(
        [sys.executable, "-c", LINT, "--no-cache", "--no-logo"],
        cwd=root, env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True, text=True, timeout=120,
    )


def test_the_layers_and_the_pure_domain_hold():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    """The package's sources and the contracts, copied."""
    root = tmp_path_factory.mktemp("layers")
    shutil.copytree(ROOT / "beacon", root / "beacon", ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "static",
                                                                                       "templates", "demo"))
    (root / "beacon" / "demo").mkdir()
    (root / "beacon" / "demo" / "__init__.py").write_text("")
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    assert lint(root).returncode == 0  # the copy holds, as the package does
    return root


@pytest.mark.parametrize("module, source, broken", [
    # the shared kernel reaching up into an area
    ("beacon/core/planted.py", "from beacon.performance import models\n", "beacon.core.planted -> beacon.performance"),
    # the generic bundle package reaching up into an area (what importer.py did with ImportRun)
    ("beacon/bundle/planted.py", "def run():\n    from beacon.performance.models import Kpi\n",
     "beacon.bundle.planted -> beacon.performance"),
    # one area of a layer importing the other
    ("beacon/risk/planted.py", "from beacon.performance.services import record_observations\n",
     "beacon.risk.planted -> beacon.performance"),
    # the API reaching into the web application
    ("beacon/api/planted.py", "from beacon.web import views\n", "beacon.api.planted -> beacon.web"),
    # a pure rule importing Django
    ("beacon/domain/planted.py", "from django.db import models\n", "beacon.domain.planted -> django"),
])
def test_a_wrong_way_import_breaks_the_contract(copy, module, source, broken):
    planted = copy / module
    planted.write_text(source)
    try:
        result = lint(copy)
    finally:
        planted.unlink()
    assert result.returncode != 0
    assert "1 kept, 1 broken" in result.stdout
    assert broken in result.stdout.replace("\n", " ")
