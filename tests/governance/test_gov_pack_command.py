"""`beacon pack --meeting ID --format pdf|html [--audience] [--out]`, --check and --dispatch."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from beacon.domain.packs import EXEMPT_MARK
from beacon.governance import models as gm

from gov_pack_support import MEETING, make_cabinet, pages_text

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("pack", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_pack_is_written_as_pdf_and_html_and_then_dispatched(tmp_path):
    make_cabinet()
    out, _ = run("--meeting", MEETING, "--format", "pdf", "--audience", "members", "--out", str(tmp_path / "m.pdf"))
    assert out.strip() == f"Wrote {tmp_path / 'm.pdf'}"
    assert all(EXEMPT_MARK in t for t in pages_text((tmp_path / "m.pdf").read_bytes()))
    run("--meeting", MEETING, "--format", "html", "--out", str(tmp_path / "p.html"))
    html = (tmp_path / "p.html").read_text(encoding="utf-8")
    assert '<a href="#item-5">(Pages 3 - 6)</a>' in html and EXEMPT_MARK not in html
    assert run("--meeting", MEETING, "--check")[0].strip() == "No problems: the pack can be dispatched."
    _, err = run("--meeting", MEETING, "--dispatch", "--format", "pdf", "--out", str(tmp_path / "d.pdf"))
    assert "(version 1, public) was dispatched" in err
    assert gm.Pack.objects.filter(meeting__key=MEETING).count() == 2
    assert (tmp_path / "d.pdf").read_bytes() == bytes(gm.Pack.objects.get(meeting__key=MEETING, audience="public").pdf)


def test_refusals_name_each_failure():
    make_cabinet(upload=False)
    with pytest.raises(CommandError) as caught:
        run("--meeting", MEETING, "--dispatch", "--format", "html")
    assert "item 5 (Budget consultation): paper CABINET-2023-01-05-05 has no pages" in str(caught.value)
    with pytest.raises(CommandError, match="--meeting NOPE: there is no such meeting"):
        run("--meeting", "NOPE")
    with pytest.raises(CommandError, match="give --out FILE"):
        run("--meeting", MEETING, "--format", "pdf")
