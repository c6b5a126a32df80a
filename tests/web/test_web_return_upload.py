"""Uploading a return as a spreadsheet, through the pages: download the template, upload it
filled in, check the preview (nothing saved yet), confirm (a draft, saved by the return's own
service). Only for people who may edit the return, only while it is open; a return changed
between the preview and the confirmation is refused; a file with a problem saves nothing."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from browser_support import BROWSER_MARKS, Visitor, browser, site  # noqa: F401 (fixtures)
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from web_fixtures import NEXT, NEXT_SLUG

from beacon.domain.periods import Month
from beacon.performance import models as pm
from beacon.performance.bundle.load import period_sort
from beacon.returns import services
from beacon.returns.commands import LineEntry, SaveReturn, SubmitReturn
from beacon.returns.entries import LineKind
from beacon.returns.models import Return, ReturnEvent, ReturnLine

RETURN = f"/returns/{NEXT_SLUG}/AA/"
UPLOAD = f"{RETURN}upload/"
NAME = f"AA-{NEXT_SLUG}-return"


def _aa() -> Return:
    return Return.objects.get(period__period=NEXT, directorate__code="AA")


def _csv_file(text: str, name: str = "return.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def _template(client, fmt="csv") -> list[list[str]]:
    response = client.get(f"{RETURN}return.{fmt}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{NAME}.{fmt}"'
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    ws = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [["" if v is None else v for v in row] for row in ws.iter_rows(values_only=True)]


def _filled(rows: list[list], values: dict) -> str:
    """The template's rows as CSV, with ``values``: (code, period or None) -> {column: text}."""
    header = rows[0]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows[1:]:
        cells = dict(zip(header, row))
        change = values.get((cells["code"], cells["period"])) or values.get((cells["code"], None)) or {}
        writer.writerow([change.get(h, cells[h]) for h in header])
    return out.getvalue()


def _preview(client, text: str, name: str = "return.csv"):
    response = client.post(UPLOAD, {"action": "upload", "file": _csv_file(text, name)})
    assert response.status_code == 200, response.content.decode()[:3000]
    body = response.content.decode()
    sealed = {key: re.search(rf'name="{key}" value="([^"]*)"', body).group(1) for key in ("upload", "opened")}
    return body, sealed


def test_the_return_page_links_to_the_upload_for_those_who_may_edit_it(client_for, open_period):
    assert 'href="/returns/2022-23-Q3/AA/upload/"' in client_for("owner").get(RETURN).content.decode()
    assert 'href="/returns/2022-23-Q3/AA/upload/"' in client_for("lead").get(RETURN).content.decode()
    body = client_for("owner").get(UPLOAD).content.decode()
    assert "Upload the Alpha Services return" in body
    assert f'href="{RETURN}return.csv"' in body and f'href="{RETURN}return.xlsx"' in body
    assert 'type="file"' in body and 'enctype="multipart/form-data"' in body


def test_upload_preview_confirm(client_for, open_period):
    owner = client_for("owner")
    rows = _template(owner)
    assert rows[0] == ["kind", "code", "title", "unit", "period", "value", "note", "commentary"]
    assert [r[:2] for r in rows[1:]] == [["kpi", "A1"], ["kpi", "A2"], ["indicator", "AI1"], ["directorate", "AA"]]
    text = _filled(rows, {("A1", None): {"value": "91", "commentary": "Staffing improved."},
                          ("AI1", None): {"value": "1,300"}, ("AA", None): {"commentary": "A good quarter."}})
    body, sealed = _preview(owner, text)
    # the preview: what changes, in plain words, and what stays; nothing saved yet
    assert "Check the values from return.csv" in body
    assert re.search(r"A1: Percentage of calls answered</th>\s*<td[^>]*>Value</td>\s*<td[^>]*>\(blank\)</td>\s*"
                     r"<td[^>]*>91</td>", body)
    assert "Staffing improved." in body and "1300" in body and "A good quarter." in body
    assert "A2: Number of days waited is not in the file" not in body  # it is in the file, unchanged
    assert "the same as the return holds" in body
    assert not ReturnLine.objects.exists() and _aa().commentary == ""
    # confirmed: a draft, saved by the return's service, with its history
    response = owner.post(UPLOAD, {"action": "confirm", **sealed})
    assert response.status_code == 302 and response["Location"] == RETURN
    ret = _aa()
    assert ret.status == Return.Status.DRAFT and ret.commentary == "A good quarter."
    a1 = ReturnLine.objects.get(ret=ret, kpi__code="A1")
    assert (a1.value, a1.commentary) == (Decimal(91), "Staffing improved.")
    assert ReturnLine.objects.get(ret=ret, indicator__code="AI1").value == Decimal(1300)
    event = ReturnEvent.objects.filter(ret=ret, action=ReturnEvent.Action.SAVED).get()
    assert event.by == "owner" and {"field": "A1 value", "old": "", "new": "91"} in event.changes
    page = owner.get(RETURN).content.decode()
    assert "The values from return.csv were saved as a draft" in page
    # the template now holds the saved values
    rows = _template(owner)
    assert rows[1][5] == "91" and rows[3][5] == "1300" and rows[-1][7] == "A good quarter."


def test_an_excel_upload_with_a_monthly_kpi(client_for, data, open_period):
    a3 = pm.Kpi.objects.create(code="A3", name="Emails answered in a day", short_name="% emails", directorate=data["aa"],
                               unit="percent", polarity="higher", decimals=0, display_order=4, frequency="monthly")
    pm.KpiTarget.objects.create(kpi=a3, financial_year="2022/23", target=Decimal(90), floor=Decimal(80))
    pm.Observation.objects.create(kpi=a3, period="2022-09", period_sort=period_sort(Month(2022, 9)), value=Decimal(84))
    owner = client_for("owner")
    rows = _template(owner, "xlsx")
    assert [(r[1], r[4]) for r in rows if r[1] == "A3"] == [("A3", "2022-10"), ("A3", "2022-11"), ("A3", "2022-12")]
    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    for r in range(2, len(rows) + 1):
        if wb.active.cell(row=r, column=2).value == "A3":
            wb.active.cell(row=r, column=6).value = {"2022-10": 0.95, "2022-11": 0.965, "2022-12": 0.97}[
                wb.active.cell(row=r, column=5).value]
            wb.active.cell(row=r, column=6).number_format = "0.0%"
    out = io.BytesIO()
    wb.save(out)
    response = owner.post(UPLOAD, {"action": "upload", "file": SimpleUploadedFile(f"{NAME}.xlsx", out.getvalue())})
    assert response.status_code == 200
    body = response.content.decode()
    assert "November 2022 value" in body and "96.5" in body
    sealed = {key: re.search(rf'name="{key}" value="([^"]*)"', body).group(1) for key in ("upload", "opened")}
    assert owner.post(UPLOAD, {"action": "confirm", **sealed}).status_code == 302
    line = ReturnLine.objects.get(kpi__code="A3")
    assert line.month_values == {"2022-10": "95", "2022-11": "96.5", "2022-12": "97"}


def test_a_file_with_problems_saves_nothing_and_names_each_row_and_field(client_for, open_period):
    owner = client_for("owner")
    text = "kind,code,value\nkpi,A1,ninety\nkpi,A2,1e2\nkpi,Z9,1\n"
    response = owner.post(UPLOAD, {"action": "upload", "file": _csv_file(text)})
    assert response.status_code == 400
    body = response.content.decode()
    assert "<title>Error: " in body
    for problem in ("return.csv row 2, value: &#x27;ninety&#x27; is not a number",
                    "return.csv row 3, value: &#x27;1e2&#x27; is written with an exponent",
                    "return.csv row 4, code: &#x27;Z9&#x27; is not a KPI of this return"):
        assert f'<a href="#file">{problem}' in body
    assert 'id="file-error"' in body and 'aria-describedby="file-hint file-error"' in body
    assert "return.csv was not uploaded: 3 problems, listed above; nothing was saved" in body
    assert not ReturnLine.objects.exists() and _aa().status == Return.Status.NOT_STARTED
    # no file, and a file too large
    response = owner.post(UPLOAD, {"action": "upload"})
    assert response.status_code == 400 and "File: choose the .csv or .xlsx file to upload" in response.content.decode()
    big = SimpleUploadedFile("big.csv", b"kind,code,value\n" + b"kpi,A1,1\n" * 300_000)
    response = owner.post(UPLOAD, {"action": "upload", "file": big})
    assert response.status_code == 400
    assert "big.csv: the file is 2.6 MB; a return file must be 2.0 MB or smaller" in response.content.decode()


@pytest.mark.parametrize(("username", "status"), [("reader", 403), ("norole", 403), ("owner_b", 403), ("riskmanager", 403),
                                                   (None, 302)])
def test_only_those_who_may_edit_the_return_upload_it(client_for, open_period, username, status):
    c = client_for(username)
    for response in (c.get(UPLOAD), c.post(UPLOAD, {"action": "upload", "file": _csv_file("kind,code,value\nkpi,A1,91\n")}),
                     c.get(f"{RETURN}return.csv")):
        assert response.status_code == status
        if status == 302:
            assert response["Location"].startswith("/sign-in/")
    assert not ReturnLine.objects.exists()


def test_a_sealed_upload_cannot_be_replayed_on_another_return_or_altered(client_for, open_period):
    owner, lead = client_for("owner"), client_for("lead")
    _body, sealed = _preview(owner, "kind,code,value\nkpi,A1,91\n")
    # the lead may edit BB, but the upload was sealed for AA
    response = lead.post(f"/returns/{NEXT_SLUG}/BB/upload/", {"action": "confirm", **sealed})
    assert response.status_code == 400 and "The preview could not be read back" in response.content.decode()
    altered = {**sealed, "upload": sealed["upload"][:-3] + "abc"}
    assert owner.post(UPLOAD, {"action": "confirm", **altered}).status_code == 400
    assert not ReturnLine.objects.exists()


def test_a_return_changed_between_preview_and_confirmation_is_refused(client_for, users, open_period):
    owner = client_for("owner")
    _body, sealed = _preview(owner, "kind,code,value\nkpi,A1,91\n")
    # meanwhile the lead saves another value in the return
    services.save_return(SaveReturn(return_id=_aa().pk, entries=(LineEntry(kind=LineKind.KPI, code="A1", value=Decimal(50)),),
                                    commentary=None, by="lead"))
    response = owner.post(UPLOAD, {"action": "confirm", **sealed})
    assert response.status_code == 409
    body = response.content.decode()
    assert "The return changed since you opened it: nothing was saved. Check what changed, then upload the file again." in body
    assert "A1 value was blank when you opened the form and is now 50; you entered 91" in body
    assert ReturnLine.objects.get(kpi__code="A1").value == Decimal(50)
    # uploaded again, the preview shows the value held now, and the save goes through
    body, sealed = _preview(owner, "kind,code,value\nkpi,A1,91\n")
    assert re.search(r"<td[^>]*>50</td>\s*<td[^>]*>91</td>", body)
    assert owner.post(UPLOAD, {"action": "confirm", **sealed}).status_code == 302
    assert ReturnLine.objects.get(kpi__code="A1").value == Decimal(91)


def test_any_change_to_the_return_since_the_preview_refuses_the_save(client_for, users, open_period):
    """Even a change to something the file leaves alone: the preview said what stays, and it
    is no longer true."""
    owner = client_for("owner")
    _body, sealed = _preview(owner, "kind,code,value\nkpi,A1,91\n")
    services.save_return(SaveReturn(return_id=_aa().pk, entries=(), commentary="Written meanwhile.", by="lead"))
    response = owner.post(UPLOAD, {"action": "confirm", **sealed})
    assert response.status_code == 409
    assert "Directorate commentary was blank when you opened the form and is now Written meanwhile." in response.content.decode()
    assert not ReturnLine.objects.filter(kpi__code="A1", value__isnull=False).exists()


def test_the_returns_own_rules_are_checked_before_the_preview(client_for, users, data):
    """A value held for the quarter left blank in the file is refused as the return page
    refuses it; the preview never offers a save the return would refuse."""
    import datetime as dt

    from beacon.core import clock
    from beacon.domain.periods import Quarter
    from beacon.returns.commands import OpenPeriod

    q3 = Quarter.parse(NEXT)
    pm.Observation.objects.create(kpi=data["a1"], period=NEXT, period_sort=period_sort(q3), value=Decimal(90))
    services.open_period(OpenPeriod(q3, clock.today() + dt.timedelta(days=30), "lead"))
    owner = client_for("owner")
    response = owner.post(UPLOAD, {"action": "upload", "file": _csv_file("kind,code,value\nkpi,A1,\nkpi,A2,9\n")})
    assert response.status_code == 400
    body = response.content.decode()
    assert '<a href="#file">return.csv: A1 value: ' in body and "return.csv cannot be saved in the return" in body
    assert not ReturnEvent.objects.filter(action=ReturnEvent.Action.SAVED).exists()
    assert not ReturnLine.objects.filter(kpi__code="A2", value__isnull=False).exists()


def test_only_an_open_return_takes_an_upload(client_for, users, open_period):
    owner = client_for("owner")
    _body, sealed = _preview(owner, "kind,code,value\nkpi,A1,91\nkpi,A2,9\nindicator,AI1,1200\n")
    ret = _aa()
    services.save_return(SaveReturn(return_id=ret.pk, entries=(LineEntry(kind=LineKind.KPI, code="A1", value=Decimal(80)),
                                                               LineEntry(kind=LineKind.KPI, code="A2", value=Decimal(9))),
                                    commentary=None, by="owner"))
    services.submit_return(SubmitReturn(ret.pk, "owner"))
    for response in (owner.get(UPLOAD), owner.post(UPLOAD, {"action": "confirm", **sealed})):
        assert response.status_code == 302 and response["Location"] == RETURN
    page = owner.get(RETURN).content.decode()
    assert "The return is submitted and cannot be changed: it cannot be uploaded." in page
    assert "Upload the return as a spreadsheet" not in page
    assert ReturnLine.objects.get(kpi__code="A1").value == Decimal(80)


# --- in the browser ----------------------------------------------------------------------------
def test_upload_and_preview_in_the_browser(browser, site, tmp_path):  # noqa: F811 (fixtures)
    """Every page of the journey is checked with axe (Visitor): the upload page, its error
    summary, the preview, and the return page after the save."""
    checked: dict = {}
    owner = Visitor(browser, site, checked)
    owner.sign_in("owner")
    owner.go(RETURN)
    owner.click("a:has-text('Upload the return as a spreadsheet')")
    # a mistake: the error summary names the row and the field and links to the file input
    bad = tmp_path / "return.csv"
    bad.write_text("kind,code,value\nkpi,A1,ninety\n", encoding="utf-8")
    owner.page.set_input_files("#file", str(bad))
    owner.click("button:has-text('Upload and check')")
    assert "return.csv row 2, value: 'ninety' is not a number" in owner.page.locator(".govuk-error-summary").inner_text()
    good = tmp_path / "fixed.csv"
    good.write_text("kind,code,value\nkpi,A1,91\nindicator,AI1,\"1,300\"\n", encoding="utf-8")
    owner.page.set_input_files("#file", str(good))
    owner.click("button:has-text('Upload and check')")
    assert "Check the values from fixed.csv" in owner.page.content()
    owner.click("button:has-text('Save these values as a draft')")
    assert "The values from fixed.csv were saved as a draft" in owner.page.content()
    assert ReturnLine.objects.get(kpi__code="A1").value == Decimal(91)


for _mark in BROWSER_MARKS:  # this test only: the others need no browser
    test_upload_and_preview_in_the_browser = _mark(test_upload_and_preview_in_the_browser)
