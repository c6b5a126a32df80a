"""Import and export in the browser: the row-level error report, the change summary, downloads."""

import io
import zipfile

from beacon.core.models import Revision
from beacon.performance import models as pm


def _zip(files: dict[str, str]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    buffer.seek(0)
    buffer.name = "bundle.zip"
    return buffer


def test_export_then_reimport_changes_nothing(client_for):
    lead = client_for("lead")
    response = lead.get("/data/export/bundle.zip")
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert any(n.endswith("kpis.csv") for n in archive.namelist())
    upload = io.BytesIO(response.content)
    upload.name = "exported.zip"
    response = lead.post("/data/", {"bundle": upload})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nothing would change" in body and "kpis.csv" in body


def test_workbook_download(client_for):
    response = client_for("reader").get("/data/export/bundle.xlsx")
    assert response.status_code == 200
    assert response.content[:2] == b"PK"
    assert "spreadsheetml" in response["Content-Type"]


def test_upload_shows_the_row_level_errors_and_writes_nothing(client_for):
    before = pm.Observation.objects.count()
    bundle = _zip({"observations.csv": "kpi,period,value\nA1,2022/23 Q3,ninety\nA1,2022/23 Q9,5\n"})
    response = client_for("lead").post("/data/", {"bundle": bundle})
    assert response.status_code == 400
    body = response.content.decode()
    assert "nothing was written" in body
    assert "observations.csv:2: value: &#x27;ninety&#x27; is not a number" in body
    assert "observations.csv:3: period:" in body
    assert pm.Observation.objects.count() == before


def test_upload_summary_of_changes(client_for):
    bundle = _zip({"observations.csv": "kpi,period,value\nA1,2022/23 Q3,93\nA1,2022/23 Q2,76\n"})
    lead = client_for("lead")
    preview = lead.post("/data/", {"bundle": bundle, "reason": "corrected"})
    assert preview.status_code == 200, preview.content.decode()[:2000]
    assert not pm.Observation.objects.filter(kpi__code="A1", period="2022/23 Q3").exists()  # a preview first
    token = preview.context["preview"].upload.token
    response = lead.post(f"/data/upload/{token}/", {"reason": "corrected",
                                                     "previewed": preview.context["confirm"]["previewed"].value()})
    assert response.status_code == 200, response.content.decode()[:2000]
    body = response.content.decode()
    assert "The data changed" in body
    assert pm.Observation.objects.get(kpi__code="A1", period="2022/23 Q3").value == 93
    assert Revision.objects.filter(key="A1 2022/23 Q2", field="value", old_value="75", new_value="76").exists()


def test_upload_rejects_other_files(client_for):
    upload = io.BytesIO(b"hello")
    upload.name = "notes.txt"
    response = client_for("lead").post("/data/", {"bundle": upload})
    assert response.status_code == 400 and "upload a .zip of CSV files or an .xlsx workbook" in response.content.decode()
