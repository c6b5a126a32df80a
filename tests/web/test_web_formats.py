"""The format registry (beacon.reports.formats): every output format registered once, and a
format added by one registration offered everywhere: ``beacon report``, the web previews and
their links, publishing and the published edition's downloads. Nothing decides by a format's
name outside the registry."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from beacon.core import jsonio
from beacon.domain.periods import Quarter
from beacon.reports import formats
from beacon.reports.formats import BUNDLE, QPR, REGISTER, UnknownFormat
from beacon.reports.models import PublishedFile
from beacon.web.services.reports import draft_checks

from web_fixtures import SLUG

BEACON = Path(__file__).resolve().parents[2] / "beacon"


def test_the_registered_formats():
    assert QPR.names == ["json", "html", "pdf", "docx", "csv", "xlsx"]
    assert REGISTER.names == ["json", "html", "pdf", "docx"]
    assert BUNDLE.names == ["zip", "xlsx"]
    for registry in formats.REGISTRIES.values():
        for f in registry:
            assert f.label and f.short_label and f.content_type and f.extension and callable(f.render)
    assert QPR["pdf"].content_type == "application/pdf" and QPR["pdf"].binary and QPR["pdf"].inline
    assert QPR["docx"].filename("qpr") == "qpr.docx" and not QPR["docx"].inline
    assert not QPR["json"].binary and not QPR["html"].binary
    assert QPR["html"].content_type == "text/html; charset=utf-8"


def test_unknown_and_duplicate_formats():
    with pytest.raises(UnknownFormat, match="json, html, pdf, docx, csv or xlsx"):
        QPR["odt"]
    assert QPR.get("odt") is None and "odt" not in QPR
    with pytest.raises(ValueError, match="already registered"):
        QPR.register("pdf", label="PDF again", content_type="application/pdf")(lambda e: b"")


@pytest.fixture
def text_format():
    """A plain-text QPR format, added by one registration (and taken out afterwards)."""

    @QPR.register("txt", label="Plain text summary", content_type="text/plain; charset=utf-8", binary=False)
    def _txt(edition, **options) -> bytes:
        return f"QPR {jsonio.to_jsonable(edition.model)['period']['label']}\n".encode()

    yield QPR["txt"]
    QPR.unregister("txt")


def test_a_format_added_by_one_registration_is_offered_everywhere(text_format, client_for, tmp_path):
    lead, public = client_for("lead"), client_for(None)
    # the command
    out = tmp_path / "qpr.txt"
    call_command("report", period="2022/23 Q2", format="txt", out=str(out))
    assert out.read_text() == "QPR 2022/23 Q2\n"
    # the draft preview and its link on the build page
    preview = lead.get(f"/reports/{SLUG}/preview.txt")
    assert preview.status_code == 200 and preview.content == b"QPR 2022/23 Q2\n"
    assert preview["Content-Type"] == "text/plain; charset=utf-8"
    assert 'filename="qpr-2022-23-Q2-draft.txt"' in preview["Content-Disposition"]
    build = lead.get(f"/reports/{SLUG}/build/").content.decode()
    assert f'href="/reports/{SLUG}/preview.txt"' in build and "Plain text summary" in build
    # publishing stores it, and the published edition offers it
    checks = jsonio.to_jsonable(draft_checks(Quarter.parse(SLUG)))
    allow = {f"allow-{c['id']}": "accepted for the test" for c in checks if not c["passed"]}
    assert lead.post(f"/reports/{SLUG}/build/", allow).status_code == 303  # to the job's page
    from beacon.core import jobs

    jobs.run_queued()
    assert set(PublishedFile.objects.values_list("format", flat=True)) == {"json", "html", "pdf", "docx", "csv", "xlsx", "txt"}
    assert public.get(f"/reports/{SLUG}/qpr.txt").content == b"QPR 2022/23 Q2\n"
    detail = public.get(f"/reports/{SLUG}/").content.decode()
    assert f'href="/reports/{SLUG}/qpr.txt"' in detail and "Plain text summary" in detail


def test_unregistered_formats_are_not_found(client_for):
    lead = client_for("lead")
    assert lead.get(f"/reports/{SLUG}/preview.txt").status_code == 404
    assert lead.get("/data/export/bundle.csv").status_code == 404
    with pytest.raises(CommandError, match="invalid choice: 'txt'"):
        call_command("report", "--period=2022/23 Q2", "--format=txt")


def test_binary_formats_need_an_out_file(client_for):
    with pytest.raises(CommandError, match="binary file"):
        call_command("report", period="2022/23 Q2", format="pdf")


def test_the_bundle_downloads_are_listed_from_the_registry(client_for):
    page = client_for("lead").get("/data/").content.decode()
    for f in BUNDLE:
        assert f'href="/data/export/bundle.{f.extension}"' in page and f.label in page


# --- nothing else decides by a format's name ---------------------------------------------------
NAMES = r"(json|html|pdf|docx|xlsx|zip|csv)"
FORMAT_TEST = re.compile(
    r"""\b(fmt|format|f\.format)\s*(==|!=)\s*["']"""  # fmt == "pdf"
    r"""|\b(fmt|format|f\.format)\s+(not\s+)?in\s*[(\[{]\s*["']"""  # format in ("pdf", "docx")
    rf"""|["']{NAMES}["']\s*,\s*["']{NAMES}["']"""  # a list of format names: ("html", "pdf", ...)
    rf"""|["']{NAMES}["']\s*:\s*["'](application|text)/"""  # a name -> content type table
)


def test_no_format_if_chains_outside_the_registry():
    offenders = []
    for path in sorted(list(BEACON.rglob("*.py")) + list(BEACON.rglob("*.html"))):
        rel = path.relative_to(BEACON).as_posix()
        if rel == "reports/formats.py" or "/migrations/" in rel:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if FORMAT_TEST.search(line):
                offenders.append(f"beacon/{rel}:{number}: {line.strip()}")
    assert not offenders, "look the format up in beacon.reports.formats:\n" + "\n".join(offenders)


def test_api_errors_are_written_by_the_one_serializer(users, client):
    """A validation error (pydantic's details, exceptions made text) is valid JSON from jsonio."""
    from beacon.core.models import ApiToken

    token = ApiToken.issue(users["reader"], "test")[1]
    response = client.get("/api/kpis?page=not-a-number", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 422
    assert jsonio.loads(response.content)["detail"][0]["loc"][-1] == "page"
