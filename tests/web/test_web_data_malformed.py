"""A damaged zip uploaded on the data page (issue 11): the page lists the problem, naming the
member, and writes nothing; never a server error. The damage is made the same way as in
``tests/bundle/test_bundle_malformed.py``."""

from __future__ import annotations

import io
import struct
import warnings
import zipfile

import pytest

OBSERVATIONS = "kpi,period,value,note\nA1,2022/23 Q3,93,MARKER-TEXT\n"


def _zip(members: list[tuple[str, str]], compression=zipfile.ZIP_STORED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name": the point of one case
        for name, text in members:
            archive.writestr(name, text)
    return out.getvalue()


def _patch(data: bytes, local: tuple[int, str, int], central: tuple[int, str, int]) -> bytes:
    """Overwrite one field of the (only) member's local and central headers."""
    data = bytearray(data)
    for signature, (offset, fmt, value) in ((b"PK\x03\x04", local), (b"PK\x01\x02", central)):
        struct.pack_into(fmt, data, data.find(signature) + offset, value)
    return bytes(data)


def _under_declared(data: bytes) -> bytes:
    size = zipfile.ZipFile(io.BytesIO(data)).infolist()[0].file_size // 2
    return _patch(data, (22, "<I", size), (24, "<I", size))


CASES = {
    "bad CRC": (lambda: _zip([("observations.csv", OBSERVATIONS)]).replace(b"MARKER-TEXT", b"MARKER-TEXU"), "damaged"),
    "encrypted member": (lambda: _patch(_zip([("observations.csv", OBSERVATIONS)]), (6, "<H", 1), (8, "<H", 1)),
                         "encrypted"),
    "under-declared size": (lambda: _under_declared(_zip([("observations.csv", OBSERVATIONS)], zipfile.ZIP_DEFLATED)),
                            "damaged"),
    "member stored twice": (lambda: _zip([("observations.csv", OBSERVATIONS),
                                          ("observations.csv", OBSERVATIONS.replace("93", "94"))]), "stored twice"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_damaged_zip_upload_shows_the_problem_not_a_server_error(client_for, case):
    from beacon.performance import models as pm

    make, reason = CASES[case]
    upload = io.BytesIO(make())
    upload.name = "bundle.zip"
    before = list(pm.Observation.objects.order_by("pk").values_list("pk", "value", "note"))
    response = client_for("lead").post("/data/", {"bundle": upload})
    assert response.status_code == 400
    body = response.content.decode()
    assert "bundle.zip: observations.csv:" in body and reason in body
    assert list(pm.Observation.objects.order_by("pk").values_list("pk", "value", "note")) == before
