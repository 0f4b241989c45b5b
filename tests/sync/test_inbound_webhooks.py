"""QuickBooks' change notices at `POST /api/v1/quickbooks/webhooks`, over real HTTP: signed or
refused, either body, each event taken in once, unknown companies ignored. A notice only marks a
pull as wanted (the worker is off in this server, so nothing pulls here)."""

from __future__ import annotations

import datetime as dt
import json

import httpx
from sqlalchemy import select, update

from lawsync.storage import utcnow
from lawsync.sync.models import WebhookEventSeen
from lawsync.sync.webhooks import KEEP
from tests.conftest import Firm
from tests.sync.connect_support import connect, new_realm
from tests.sync.inbound_support import (
    cloud_events,
    inbound,
    legacy,
    post,
    server_token,
    signature,
)


def _connected(firm: Firm, control: httpx.Client) -> str:
    realm = new_realm(control)
    connect(firm, control, realm)
    return realm


def test_a_signed_cloud_events_body_marks_a_pull_wanted(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    realm = _connected(firm, control)
    before = inbound(firm)
    assert before["pulls_waiting"] == 0 and before["webhooks_received"] == 0
    r = post(server_url, cloud_events(realm, ["12", "13"]))
    assert r.status_code == 200, r.text
    assert r.json() == {"received": 2, "new": 2}
    after = inbound(firm)
    assert after["webhooks_received"] == 2 and after["pulls_waiting"] == 1
    assert after["last_webhook_at"] is not None


def test_the_legacy_body_is_read_too(firm: Firm, control: httpx.Client, server_url: str) -> None:
    realm = _connected(firm, control)
    r = post(server_url, legacy(realm, ["7"]))
    assert r.status_code == 200, r.text
    assert r.json() == {"received": 1, "new": 1}
    assert inbound(firm)["pulls_waiting"] == 1
    again = post(server_url, legacy(realm, ["7"]))  # the same notice delivered twice
    assert again.json() == {"received": 1, "new": 0}
    assert inbound(firm)["webhooks_received"] == 1


def test_an_event_delivered_twice_is_taken_in_once(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    realm = _connected(firm, control)
    events = cloud_events(realm, ["1", "2", "3"])
    assert post(server_url, events).json() == {"received": 3, "new": 3}
    # QuickBooks retries a delivery it thinks failed; one event may also come in a later body.
    assert post(server_url, events).json() == {"received": 3, "new": 0}
    assert post(server_url, [events[1], *cloud_events(realm, ["4"])]).json() == {
        "received": 2,
        "new": 1,
    }
    assert inbound(firm)["webhooks_received"] == 4


def test_a_wrong_or_missing_signature_is_refused_with_our_error_shape(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    realm = _connected(firm, control)
    events = cloud_events(realm, ["5"])
    for r in (
        post(server_url, events, sign=False),
        post(server_url, events, token="not-the-verifier-token"),
    ):
        assert r.status_code == 401, r.text
        error = r.json()["error"]
        assert error["code"] == "unauthorized" and error["field"] == "intuit-signature"
    # Signed, but the body was changed on the way: the signature no longer matches it.
    body = json.dumps(events).encode()
    tampered = body.replace(b'"5"', b'"6"')
    r = httpx.post(
        f"{server_url}/api/v1/quickbooks/webhooks",
        content=tampered,
        headers={"intuit-signature": signature(body, server_token())},
        timeout=30,
    )
    assert r.status_code == 401
    status = inbound(firm)
    assert status["webhooks_received"] == 0 and status["pulls_waiting"] == 0


def test_a_signed_body_that_is_not_a_notice_is_refused(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    _connected(firm, control)
    for document in ({"hello": 1}, [{"type": "qbo.purchase.updated.v1"}], [1, 2], "text"):
        r = post(server_url, document)
        assert r.status_code == 422, (document, r.text)
        assert set(r.json()["error"]) == {"code", "message", "field"}
    assert inbound(firm)["webhooks_received"] == 0


def test_a_company_no_firm_is_connected_to_is_ignored(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    realm = _connected(firm, control)
    r = post(server_url, cloud_events("4620816365000000001", ["9"]))
    assert r.status_code == 200, r.text
    assert r.json() == {"received": 1, "new": 1}
    assert inbound(firm)["webhooks_received"] == 0
    assert post(server_url, cloud_events(realm, ["9"])).json()["new"] == 1


def test_event_ids_are_forgotten_after_a_few_days(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    realm = _connected(firm, control)
    events = cloud_events(realm, ["21"])
    assert post(server_url, events).json()["new"] == 1
    with firm.ledger.uow(None) as uow:  # as if it came long ago
        uow.session.execute(
            update(WebhookEventSeen)
            .where(WebhookEventSeen.event_id == events[0]["id"])
            .values(received_at=utcnow() - KEEP - dt.timedelta(minutes=1))
        )
        uow.commit()
    assert post(server_url, cloud_events(realm, ["22"])).json()["new"] == 1  # prunes
    with firm.ledger.uow(None) as uow:
        left = uow.session.execute(
            select(WebhookEventSeen.event_id).where(WebhookEventSeen.event_id == events[0]["id"])
        ).all()
    assert left == []
