"""Connecting a firm to a sandbox company through the API, over real HTTP, and link memory.

The test server mounts the bundled sandbox under /qbo, as `lawsync serve` does; the browser's
part (the consent form, the redirect back) is played by plain HTTP calls.
"""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx
import pytest
from sqlalchemy import select, update

from lawsync.config import Settings
from lawsync.sync import connection
from lawsync.sync.models import AuthorizationAttempt, QuickBooksConnection, SyncLink
from tests.conftest import SANDBOX_CONTROL_SECRET, Firm
from tests.sync.connect_support import callback, connect, consent, new_realm


def add_link(firm: Firm, connection_id: int, local_id: int = 1) -> None:
    with firm.ledger.uow(firm.actor) as uow:
        uow.session.add(
            SyncLink(
                firm_id=firm.id,
                connection_id=connection_id,
                kind="contact",
                local_id=local_id,
                qbo_id="58",
                synced_revision=1,
                status="synced",
            )
        )
        uow.commit()


def links(firm: Firm) -> list[tuple[int, int, str | None]]:
    with firm.ledger.uow(firm.actor) as uow:
        rows = uow.session.execute(select(SyncLink)).scalars()
        return [(r.connection_id, r.local_id, r.qbo_id) for r in rows]


def test_connect_records_the_company_its_edition_and_country(
    firm: Firm, control: httpx.Client
) -> None:
    realm = new_realm(control, "plus", "CA")
    connected = connect(firm, control, realm)
    assert (connected["realm_id"], connected["edition"], connected["country"]) == (
        realm,
        "plus",
        "CA",
    )
    st = firm.get("/quickbooks/status")
    c = st["connection"]
    assert c["realm_id"] == realm and c["status"] == "connected" and c["home_currency"] == "CAD"
    assert c["company_name"] == "plus CA LLP" and st["previous_connections"] == []
    assert "counts" in st
    with firm.ledger.uow(firm.actor) as uow:
        row = uow.session.execute(select(QuickBooksConnection)).scalar_one()
        assert row.tokens and "access_token" not in row.tokens  # encrypted at rest


def test_the_callback_answers_a_browser_with_a_page(firm: Firm, control: httpx.Client) -> None:
    r = callback(consent(firm, control, new_realm(control)), html=True)
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert "connected to" in r.text
    r = callback(f"{str(firm.api.base_url).rstrip('/')}/quickbooks/callback?state=nope", html=True)
    assert r.status_code == 400 and "start again" in r.text
    assert "lawsync quickbooks connect --firm" in r.text


def test_unknown_reused_and_expired_states_are_refused(firm: Firm, control: httpx.Client) -> None:
    back = consent(firm, control, new_realm(control))
    base = f"{str(firm.api.base_url).rstrip('/')}/quickbooks/callback"
    r = callback(f"{base}?code=x&realmId=1&state=forged")
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_state"
    r = callback(f"{base}?code=x&realmId=1")
    assert r.status_code == 400 and r.json()["error"]["field"] == "state"
    assert callback(back).status_code == 200
    r = callback(back)
    assert r.status_code == 400 and r.json()["error"]["code"] == "state_used"

    late = consent(firm, control, new_realm(control))
    with firm.ledger.uow(firm.actor) as uow:
        uow.session.execute(
            update(AuthorizationAttempt)
            .where(AuthorizationAttempt.used_at.is_(None))
            .values(created_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
        )
        uow.commit()
    r = callback(late)
    assert r.status_code == 400 and r.json()["error"]["code"] == "state_expired"


def test_simple_start_is_refused_and_nothing_is_stored(firm: Firm, control: httpx.Client) -> None:
    r = callback(consent(firm, control, new_realm(control, "simple_start")))
    assert r.status_code == 409, r.text
    error = r.json()["error"]
    assert error["code"] == "edition_not_supported" and "Simple Start" in error["message"]
    st = firm.get("/quickbooks/status")
    assert st["connection"] is None and st["previous_connections"] == []


def test_essentials_turns_timekeeper_classes_off_with_a_note(
    firm: Firm, control: httpx.Client
) -> None:
    firm.put("/quickbooks/settings", {"track_timekeepers": True})
    connected = connect(firm, control, new_realm(control, "essentials"))
    assert connected["edition"] == "essentials" and "Essentials" in connected["status_note"]
    assert firm.get("/quickbooks/settings")["track_timekeepers"] is False
    assert "classes" in firm.get("/quickbooks/status")["connection"]["status_note"]


def test_a_member_cannot_connect_or_disconnect(firm: Firm, control: httpx.Client) -> None:
    connect(firm, control, new_realm(control))
    member = firm.post("/users", {"name": "Max Member", "email": "max-qb@example.com"})
    token = firm.post(f"/users/{member['id']}/tokens", {"label": "laptop"})["token"]
    as_member = {"Authorization": f"Bearer {token}"}
    for path in ("/quickbooks/connect", "/quickbooks/disconnect"):
        r = firm.api.post(path, headers=as_member)
        assert r.status_code == 403, (path, r.text)
    assert firm.api.get("/quickbooks/status", headers=as_member).status_code == 200
    assert firm.get("/quickbooks/status")["connection"]["status"] == "connected"


def test_another_firm_cannot_finish_someones_connect(
    firm: Firm, other_firm: Firm, control: httpx.Client, server_url: str
) -> None:
    back = consent(firm, control, new_realm(control))
    settings = Settings(database_url="unused", sandbox_control_secret=SANDBOX_CONTROL_SECRET)
    with pytest.raises(connection.ConnectError) as refused:
        asyncio.run(
            connection.finish_connect(
                firm.ledger, settings, back, actor=other_firm.actor, app_url=server_url
            )
        )
    assert refused.value.code == "invalid_state"
    assert other_firm.get("/quickbooks/status")["connection"] is None
    assert callback(back).status_code == 200
    assert firm.get("/quickbooks/status")["connection"]["status"] == "connected"


def test_disconnect_keeps_links_and_reconnecting_the_same_company_resumes(
    firm: Firm, control: httpx.Client
) -> None:
    realm = new_realm(control)
    first = connect(firm, control, realm)
    add_link(firm, first["id"])
    gone = firm.post("/quickbooks/disconnect", None, 200)
    assert gone["status"] == "disconnected" and gone["id"] == first["id"]
    assert firm.get("/quickbooks/status")["connection"]["status"] == "disconnected"
    r = firm.api.post("/quickbooks/sync")
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_connected"

    again = connect(firm, control, realm)
    assert again["id"] == first["id"] and again["status"] == "connected"
    assert links(firm) == [(first["id"], 1, "58")]
    assert firm.get("/quickbooks/status")["previous_connections"] == []


def test_a_different_company_starts_fresh_and_the_old_one_stays_listed(
    firm: Firm, control: httpx.Client
) -> None:
    first = connect(firm, control, new_realm(control))
    add_link(firm, first["id"])
    second = connect(firm, control, new_realm(control))
    assert second["id"] != first["id"]
    st = firm.get("/quickbooks/status")
    assert st["connection"]["id"] == second["id"]
    [old] = st["previous_connections"]
    assert old["id"] == first["id"] and old["active"] is False
    assert old["status"] == "disconnected"
    assert links(firm) == [(first["id"], 1, "58")]  # kept, and none for the new company

    back = connect(firm, control, first["realm_id"])  # the first company again: its links resume
    assert back["id"] == first["id"]
    assert [c["id"] for c in firm.get("/quickbooks/status")["previous_connections"]] == [
        second["id"]
    ]


def test_sync_now_needs_a_connection(firm: Firm) -> None:
    r = firm.api.post("/quickbooks/sync")
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_connected"
