"""The file store on an S3 bucket (``BEACON_STORAGE_BACKEND=s3``): the options ``beacon.settings``
builds, handed to django-storages, against moto's emulation of S3 in this process (nothing is
contacted). Stored files are private objects named by their SHA-256 under the prefix, read back
checked, refused clearly when missing or damaged, and a published report's files are served from
the bucket."""

import hashlib
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from moto import mock_aws

from beacon import settings as beacon_settings
from beacon.core import blobs
from beacon.domain.periods import Quarter
from beacon.reports.models import PublishedFile
from beacon.reports.publish import publish
from beacon.web.services.reports import draft_checks

from web_fixtures import PERIOD, SLUG

BUCKET = "council-files"
REGION = "eu-west-2"


@pytest.fixture
def bucket(settings, monkeypatch):
    """An empty private bucket, and the file store pointed at it as ``beacon.settings`` would,
    with the credentials left to boto3: temporary ones in the environment (a session token
    beside the keys, as an assumed role gives)."""
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(name, value)
    for name, value in {"BEACON_S3_BUCKET": BUCKET, "BEACON_S3_REGION": REGION, "BEACON_S3_PREFIX": "/kent/",
                        "BEACON_S3_URL_SECONDS": "120"}.items():
        monkeypatch.setenv(name, value)
    for name in ("BEACON_S3_ENDPOINT_URL", "BEACON_S3_ACCESS_KEY_ID", "BEACON_S3_SECRET_ACCESS_KEY",
                 "BEACON_S3_ADDRESSING_STYLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(beacon_settings, "BEACON_STORAGE_BACKEND", "s3")
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        settings.STORAGES = {**settings.STORAGES, blobs.ALIAS: beacon_settings._file_storage()}
        yield client


def _keys(client) -> list[str]:
    return [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_a_file_is_stored_once_under_its_sha256_and_read_back(bucket):
    options = beacon_settings._file_storage()["OPTIONS"]
    assert "access_key" not in options and "secret_key" not in options  # found by django-storages and boto3
    content = b"%PDF-1.7 the quarterly performance report"
    digest = blobs.put(content)
    assert digest == hashlib.sha256(content).hexdigest()
    key = f"kent/{digest[:2]}/{digest[2:4]}/{digest}"
    assert _keys(bucket) == [key]
    assert bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read() == content
    assert blobs.exists(digest) and blobs.read(digest) == content

    assert blobs.put(content) == digest  # the same bytes: nothing written again
    assert _keys(bucket) == [key]
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert all("URI" not in g["Grantee"] for g in grants)  # private: no grant to everyone


def test_a_missing_or_damaged_file_is_refused_clearly(bucket):
    absent = hashlib.sha256(b"never stored").hexdigest()
    assert not blobs.exists(absent)
    with pytest.raises(blobs.BlobMissing, match="is missing from the file store"):
        blobs.read(absent)

    digest = blobs.put(b"the register edition")
    bucket.put_object(Bucket=BUCKET, Key=f"kent/{digest[:2]}/{digest[2:4]}/{digest}", Body=b"changed since")
    with pytest.raises(blobs.BlobMissing, match="is damaged"):
        blobs.read(digest)
    assert blobs.put(b"the register edition") == digest  # the wrong size: stored again, whole
    assert blobs.read(digest) == b"the register edition"


def test_a_stored_file_has_a_signed_link_that_expires(bucket):
    digest = blobs.put(b"an agenda pack")
    link = urlsplit(blobs.url_or_none(digest))
    assert BUCKET in link.netloc + link.path and link.path.endswith(f"/kent/{digest[:2]}/{digest[2:4]}/{digest}")
    query = parse_qs(link.query)
    assert query["X-Amz-Expires"] == ["120"] and query["X-Amz-Signature"]


def test_a_published_report_is_kept_in_the_bucket_and_served_from_it(bucket, client_for):
    q = Quarter.parse(PERIOD)
    publish(q, "lead", {c.id: "accepted for the test" for c in draft_checks(q) if not c.passed})
    files = list(PublishedFile.objects.filter(report__period=PERIOD))
    assert {f.format for f in files} >= {"pdf", "html", "json"}
    keys = set(_keys(bucket))
    for row in files:
        assert f"kent/{row.sha256[:2]}/{row.sha256[2:4]}/{row.sha256}" in keys

    pdf = next(f for f in files if f.format == "pdf")
    response = client_for(None).get(f"/reports/{SLUG}/qpr.pdf")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    key = f"kent/{pdf.sha256[:2]}/{pdf.sha256[2:4]}/{pdf.sha256}"
    assert body == bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    assert body.startswith(b"%PDF")
