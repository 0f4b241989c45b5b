"""A pass on demand with the firm's stored tokens; a company that refuses us pauses the sync.

The pass is the engine's; here its work (the exporters) is replaced, and it makes real calls to
the sandbox through the client built from the firm's connection.
"""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest

from lawsync.config import Settings
from lawsync.quickbooks import ReconnectNeededError, token_cipher_for
from lawsync.sync import connection, engine
from lawsync.sync.context import PassContext
from lawsync.sync.tokens import ConnectionTokenStore
from lawsync.sync.worker import run_pass_now
from tests import builders
from tests.conftest import SANDBOX_CONTROL_SECRET, Firm
from tests.sync.connect_support import connect, new_realm


def _run(firm: Firm, server_url: str, work: engine.Work) -> engine.PassReport:
    """A real pass whose work (the exporters) is replaced by ``work``."""
    settings = Settings(database_url="unused", sandbox_control_secret=SANDBOX_CONTROL_SECRET)
    return asyncio.run(run_pass_now(firm.ledger, firm.id, settings, app_url=server_url, work=work))


def test_a_pass_on_demand_talks_to_the_company_and_records_the_sync(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    realm = connect(firm, control, new_realm(control))["realm_id"]
    seen: list[str] = []

    async def run(ctx: PassContext, report: engine.PassReport) -> None:
        info = await ctx.qb.company_info(realm)
        seen.append(info.CompanyName or "")

    _run(firm, server_url, run)
    assert seen == ["plus US LLP"]
    assert firm.get("/quickbooks/status")["last_sync_at"] is not None


def test_refreshed_tokens_are_saved_encrypted_and_never_logged(
    firm: Firm, control: httpx.Client, server_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    realm = connect(firm, control, new_realm(control))["realm_id"]
    store = ConnectionTokenStore(firm.ledger, firm.id, token_cipher_for("local", None))
    before = asyncio.run(store.load(realm))
    assert before is not None

    async def run(ctx: PassContext, report: engine.PassReport) -> None:
        await ctx.qb.oauth.refresh(realm)
        await ctx.qb.company_info(realm)

    with caplog.at_level(logging.DEBUG):
        _run(firm, server_url, run)
    after = asyncio.run(store.load(realm))
    assert after is not None and after.access_token != before.access_token
    for secret in (before.access_token, after.access_token, after.refresh_token):
        assert secret not in caplog.text
    assert "refresh_token" not in repr(store)


def test_a_company_that_refuses_us_pauses_the_sync_until_reconnected(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    first = connect(firm, control, realm := new_realm(control))
    r = control.patch(f"/_sandbox/companies/{realm}", json={"authorizing_user_disabled": True})
    assert r.status_code == 200

    async def run(ctx: PassContext, report: engine.PassReport) -> None:
        await ctx.qb.company_info(realm)

    assert _run(firm, server_url, run).reconnect_needed
    c = firm.get("/quickbooks/status")["connection"]
    assert c["status"] == "reconnect_needed" and c["status_note"].startswith("Reconnect needed")
    r = firm.api.post("/quickbooks/sync")
    assert r.status_code == 409 and r.json()["error"]["code"] == "reconnect_needed"
    assert connection.connected_realm(firm.ledger, firm.id) is None

    control.patch(f"/_sandbox/companies/{realm}", json={"authorizing_user_disabled": False})
    again = connect(firm, control, realm)
    assert again["id"] == first["id"] and again["status"] == "connected"
    _run(firm, server_url, run)


def test_a_pass_that_reports_lost_access_pauses_the_sync(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    connect(firm, control, new_realm(control))

    async def run(ctx: PassContext, report: engine.PassReport) -> None:
        raise ReconnectNeededError("refresh refused", code="3200")

    _run(firm, server_url, run)
    c = firm.get("/quickbooks/status")["connection"]
    assert c["status"] == "reconnect_needed" and "3200" in c["status_note"]


def test_sync_now_through_the_api_runs_a_pass_and_status_counts(
    firm: Firm, control: httpx.Client
) -> None:
    connect(firm, control, new_realm(control))
    mappings = {k: "1" for k in ("activity:default", "expense:default", "tax1", "tax2")}
    firm.put("/quickbooks/settings", {"export_bills": True, "item_mappings": mappings})
    builders.billed_client(firm)
    assert firm.get("/quickbooks/status")["counts"]["bill"]["pending"] == 1
    report = firm.post("/quickbooks/sync", None, 200)
    assert set(report["kinds"]) == set(engine.KINDS) and report["reconnect_needed"] is False
    assert (report["kinds"]["contact"]["synced"], report["kinds"]["bill"]["synced"]) == (1, 1)
    st = firm.get("/quickbooks/status")
    assert st["last_sync_at"] is not None
    assert st["counts"]["bill"] == {"pending": 0, "synced": 1, "failed": 0}


def _local_secret() -> str:
    """lawsync's own app's client secret in the test server's sandbox (derived from its control
    secret)."""
    return connection.qbo_config(
        Settings(sandbox_control_secret=SANDBOX_CONTROL_SECRET)
    ).client_secret


def test_revoked_access_is_found_at_refresh_and_pauses_the_sync(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    realm = connect(firm, control, new_realm(control))["realm_id"]
    store = ConnectionTokenStore(firm.ledger, firm.id, token_cipher_for("local", None))
    tokens = asyncio.run(store.load(realm))
    assert tokens is not None
    r = control.post(
        "/v2/oauth2/tokens/revoke",
        json={"token": tokens.refresh_token},
        auth=(connection.LOCAL_CLIENT_ID, _local_secret()),
    )
    assert r.status_code == 200, r.text

    async def run(ctx: PassContext, report: engine.PassReport) -> None:
        await ctx.qb.company_info(realm)  # 3200, then the refresh is refused: reconnect needed

    assert _run(firm, server_url, run).reconnect_needed
    assert firm.get("/quickbooks/status")["connection"]["status"] == "reconnect_needed"


def test_passes_in_one_event_loop_share_each_companys_limits(
    firm: Firm, server_url: str, control: httpx.Client
) -> None:
    """The worker opens a client per pass; they must count against the same limits."""
    settings = Settings(database_url="unused", sandbox_control_secret=SANDBOX_CONTROL_SECRET)
    seen: list[object] = []

    async def record_pacer(ctx: PassContext, report: engine.PassReport) -> None:
        seen.append(ctx.qb.pacer)

    async def two_passes() -> None:
        for _ in range(2):
            await run_pass_now(
                firm.ledger, firm.id, settings, app_url=server_url, work=record_pacer
            )

    connect(firm, control, new_realm(control))
    asyncio.run(two_passes())
    asyncio.run(two_passes())  # another loop (another process's worth): its own count
    assert seen[0] is seen[1] and seen[2] is seen[3]
    assert seen[0] is not seen[2]
