"""API tokens that resist misuse (issue 11): a scope (read only, or read and write), an expiry,
a rate limit per token and per address, no tokens for users with no role, and the ``Bearer``
scheme in any case (RFC 7235). Time is Beacon's clock, set by each test: nothing sleeps."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from beacon.core.models import ApiToken

START = dt.datetime.fromisoformat("2026-11-20T10:00:10+00:00")


@pytest.fixture
def at(clock):
    """``at(seconds)``: Beacon's clock, fixed that many seconds after START."""

    def move(seconds: float = 0) -> None:
        clock.set(START + dt.timedelta(seconds=seconds))

    move(0)
    return move


def bearer(token: str, scheme: str = "Bearer") -> dict:
    return {"HTTP_AUTHORIZATION": f"{scheme} {token}"}


def rerate(client: Client, risk, token: str):
    return client.post(f"/api/risks/{risk.risk_id}/rerate", {"likelihood": 2, "impact": 5, "note": "Training done"},
                       content_type="application/json", **bearer(token))


# --- the scheme ----------------------------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER", "bEaReR"])
def test_the_bearer_scheme_is_case_insensitive(users, client, scheme):
    _, token = ApiToken.issue(users["reader"], "t")
    assert client.get("/api/kpis", **bearer(token, scheme)).status_code == 200
    assert client.get("/api/kpis", **bearer(token, scheme + " ")).status_code == 200  # a second space
    assert client.get("/api/kpis", **bearer("nonsense", scheme)).status_code == 401
    assert client.get("/api/kpis", **bearer(token, "Basic")).status_code == 401


# --- scope ---------------------------------------------------------------------------------------

def test_a_read_only_token_reads_but_may_not_write(users, client, risks):
    first, _ = risks
    _, read = ApiToken.issue(users["riskowner"], "read", scope=ApiToken.READ)
    assert client.get(f"/api/risks/{first.risk_id}", **bearer(read)).status_code == 200
    refused = rerate(client, first, read)
    assert refused.status_code == 403
    assert "scope is read only" in refused.json()["detail"] and "read-write" in refused.json()["detail"]
    assert 'insufficient_scope' in refused["WWW-Authenticate"]
    put = client.put("/api/returns/2022-23-Q3/AA", {"lines": []}, content_type="application/json", **bearer(read))
    assert put.status_code == 403 and "scope is read only" in put.json()["detail"]
    first.refresh_from_db()
    _, write = ApiToken.issue(users["riskowner"], "write", scope=ApiToken.READ_WRITE)
    assert rerate(client, first, write).status_code == 200


def test_an_unknown_scope_is_refused(users):
    with pytest.raises(ValueError, match="scope"):
        ApiToken.issue(users["reader"], "t", scope="admin")


# --- expiry --------------------------------------------------------------------------------------

def test_a_token_expires_after_the_default_days_and_says_so(users, client, at, settings):
    settings.BEACON_API_TOKEN_DAYS = 90
    obj, token = ApiToken.issue(users["reader"], "t")
    assert obj.expires_at == START + dt.timedelta(days=90)
    at(90 * 86400 - 1)
    assert client.get("/api/kpis", **bearer(token)).status_code == 200
    at(90 * 86400)
    expired = client.get("/api/kpis", **bearer(token))
    assert expired.status_code == 401
    assert expired.json()["detail"].startswith(f"this token ({obj.prefix}…) expired on 18 February 2027")
    assert "ask for a new one" in expired.json()["detail"]
    assert 'error="invalid_token"' in expired["WWW-Authenticate"]


def test_a_token_issued_without_expiry_does_not_expire(users, client, at):
    _, token = ApiToken.issue(users["reader"], "t", expires_at=ApiToken.NEVER)
    at(5 * 365 * 86400)
    assert client.get("/api/kpis", **bearer(token)).status_code == 200


# --- the command ---------------------------------------------------------------------------------

def run_command(*args) -> str:
    out = io.StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue().strip()


def test_the_command_refuses_a_user_with_no_role(users):
    with pytest.raises(CommandError, match="no role"):
        run_command("norole")
    assert not ApiToken.objects.filter(user__username="norole").exists()


def test_the_command_issues_read_only_tokens_unless_asked(users, client, at, risks):
    first, _ = risks
    token = run_command("riskowner", "--name", "dashboard")
    obj = ApiToken.objects.get(name="dashboard")
    assert obj.scope == ApiToken.READ and obj.expires_at == START + dt.timedelta(days=90)
    assert client.get("/api/kpis", **bearer(token)).status_code == 200
    assert rerate(client, first, token).status_code == 403
    writer = run_command("riskowner", "--name", "sync", "--scope", "read-write", "--days", "7")
    obj = ApiToken.objects.get(name="sync")
    assert obj.scope == ApiToken.READ_WRITE and obj.expires_at == START + dt.timedelta(days=7)
    assert rerate(client, first, writer).status_code == 200
    run_command("riskowner", "--name", "forever", "--no-expiry")
    assert ApiToken.objects.get(name="forever").expires_at is None
    with pytest.raises(CommandError, match="at least 1"):
        run_command("riskowner", "--days", "0")


# --- rate limit ----------------------------------------------------------------------------------

def test_a_token_is_rate_limited_with_retry_after(users, client, at, settings):
    settings.BEACON_API_RATE_LIMIT = 5
    settings.BEACON_API_RATE_WINDOW_SECONDS = 60
    _, token = ApiToken.issue(users["reader"], "t")
    _, other = ApiToken.issue(users["reader"], "other")
    for _ in range(5):
        assert client.get("/api/periods", **bearer(token)).status_code == 200
    limited = client.get("/api/periods", **bearer(token))
    assert limited.status_code == 429
    assert limited["Retry-After"] == "50"  # START is 10 seconds into its minute
    assert "at most 5 every 60 seconds" in limited.json()["detail"]
    assert client.get("/api/periods", **bearer(other)).status_code == 200  # each token its own count
    at(50)
    assert client.get("/api/periods", **bearer(token)).status_code == 200


def test_requests_without_a_valid_token_are_limited_per_address(users, at, settings):
    settings.BEACON_API_ANONYMOUS_RATE_LIMIT = 3
    settings.BEACON_API_RATE_WINDOW_SECONDS = 60
    guesser = Client(REMOTE_ADDR="10.0.0.66")
    for n in range(3):
        assert guesser.get("/api/kpis", **bearer(f"guess{n}")).status_code == 401
    assert guesser.get("/api/kpis").status_code == 429  # no token at all counts too
    limited = guesser.get("/api/kpis", **bearer("guess-again"))
    assert limited.status_code == 429 and limited["Retry-After"] == "50"
    _, token = ApiToken.issue(users["reader"], "t")
    assert Client(REMOTE_ADDR="10.0.0.5").get("/api/kpis").status_code == 401  # another address
    assert guesser.get("/api/kpis", **bearer(token)).status_code == 200  # a valid token has its own count


# --- the account page ----------------------------------------------------------------------------

def test_the_account_page_shows_each_tokens_scope_and_expiry(client_for, users):
    ApiToken.issue(users["reader"], "nightly", scope=ApiToken.READ,
                   expires_at=dt.datetime(2027, 2, 18, 12, 0, tzinfo=dt.timezone.utc))
    ApiToken.issue(users["reader"], "forever", expires_at=ApiToken.NEVER)
    body = client_for("reader").get("/account/").content.decode()
    table = body.split("<table")[1].split("</table>")[0]
    assert ">Scope</th>" in table and ">Expires</th>" in table
    row = table.split("nightly")[1].split("</tr>")[0]
    assert "Read only" in row and "18 Feb 2027" in row
    row = table.split("forever")[1].split("</tr>")[0]
    assert "Read and write" in row and "Never" in row


# --- the migration -------------------------------------------------------------------------------

def test_tokens_issued_before_keep_read_write_and_get_an_expiry(transactional_db, clock, settings):
    """Existing tokens are not cut off today, nor left to live for ever."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    def migrate(targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor

    settings.BEACON_API_TOKEN_DAYS = 90
    clock.set(START)
    old = migrate([("core", "0003_revision_identity")]).loader.project_state([("core", "0003_revision_identity")]).apps
    try:
        user = get_user_model().objects.create(username="script-owner")
        tokens = old.get_model("core", "ApiToken").objects
        tokens.create(user_id=user.pk, prefix="bcn_live", digest="1" * 64, created_at=START)
        tokens.create(user_id=user.pk, prefix="bcn_gone", digest="2" * 64, created_at=START, revoked=True)
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    live, gone = ApiToken.objects.get(prefix="bcn_live"), ApiToken.objects.get(prefix="bcn_gone")
    assert live.scope == ApiToken.READ_WRITE and live.expires_at == START + dt.timedelta(days=90)
    assert gone.expires_at is None
