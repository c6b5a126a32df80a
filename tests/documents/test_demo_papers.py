"""The demo papers as a councillor reads them: the QPR (with its register overview) and the two
register editions, in HTML, Word and PDF, built as ``beacon demo`` builds them. They hold no
template syntax and never speak of the software."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest

TEMPLATE_SYNTAX = ("{#", "#}", "{%", "%}", "{{", "}}")
# The software as the speaker of a sentence ("Beacon holds ...", "Beacon found ..."): a paper
# speaks of the council's data ("No rating is recorded ...").
SOFTWARE_SPEAKING = re.compile(r"\bBeacon\b")

# Marked so that pytest-django sets up the test database even when this module runs alone (it
# creates only the databases that collected tests ask for).
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_papers(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.db import transaction

    from beacon.bundle.importer import import_bundle
    from beacon.demo import DEMO_BUNDLE, DEMO_PERIOD
    from beacon.domain.periods import Quarter
    from beacon.reports import documents
    from beacon.reports.register.demo import write_register_demo
    from beacon.reports.report_settings import DEMO_REPORT_SETTINGS, seed_report_settings

    folder = tmp_path_factory.mktemp("demo-papers")
    with django_db_blocker.unblock():
        with transaction.atomic():
            import_bundle(DEMO_BUNDLE, user="demo-test")
            written = write_register_demo(folder, formats=("html", "pdf", "docx"), log=lambda *a: None)
            seed_report_settings(DEMO_REPORT_SETTINGS)
            edition = documents.edition_inputs(Quarter.parse(DEMO_PERIOD))
            for fmt in ("html", "pdf", "docx"):
                path = folder / f"qpr.{fmt}"
                path.write_bytes(documents.render(edition, fmt))
                written.append(path)
            transaction.set_rollback(True)
    return written


def visible_text(path) -> str:
    if path.suffix == ".html":
        html = path.read_text(encoding="utf-8")
        html = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S)
        return re.sub(r"<[^>]+>", " ", html)
    if path.suffix == ".docx":
        from docx import Document

        doc = Document(io.BytesIO(path.read_bytes()))
        parts = [p.text for p in doc.paragraphs]
        parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
        return "\n".join(parts)
    if not shutil.which("pdftotext"):
        pytest.skip("poppler's pdftotext is not installed")
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_every_demo_paper_is_there(demo_papers):
    names = sorted(p.name for p in demo_papers)
    assert len(names) == 9 and all(p.stat().st_size > 0 for p in demo_papers), names


def test_no_paper_prints_template_syntax(demo_papers):
    found = {f"{p.name}: {mark}" for p in demo_papers for mark in TEMPLATE_SYNTAX if mark in visible_text(p)}
    assert not found, sorted(found)


def test_no_paper_speaks_of_the_software(demo_papers):
    found = []
    for path in demo_papers:
        for line in visible_text(path).splitlines():
            if SOFTWARE_SPEAKING.search(line):
                found.append(f"{path.name}: {line.strip()[:120]}")
    assert not found, "\n".join(found)


def test_no_template_has_an_unclosed_one_line_comment():
    """Django's ``{# #}`` comment is one line only: a multi-line one is printed verbatim."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "beacon"
    bad = []
    for template in root.rglob("templates/**/*.html"):
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), start=1):
            if "{#" in line and "#}" not in line[line.index("{#"):]:
                bad.append(f"{template.relative_to(root)}:{number}")
    assert not bad, bad
