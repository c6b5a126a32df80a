"""beacon.domain is plain Python: no Django, importable without settings."""

import ast
import subprocess
import sys
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "beacon" / "domain"


def test_no_module_in_beacon_domain_imports_django():
    offenders = []
    for path in sorted(DOMAIN.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ("django", "beacon") and not n.startswith("beacon.domain")]
    assert offenders == []


def test_domain_imports_in_a_fresh_interpreter_without_django():
    code = (
        "import sys\n"
        "import beacon.domain.dot, beacon.domain.severity, beacon.domain.activity, beacon.domain.wording\n"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), 'django imported'\n"
    )
    root = DOMAIN.parents[1]
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, env={"PYTHONPATH": str(root)})
    assert result.returncode == 0, result.stderr
