"""Webhook signature and both payload formats, including the sandbox's own deliveries."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json

import pytest
from aiohttp import web

from lawsync.quickbooks import (
    AsyncQuickBooks,
    Customer,
    MemoryTokenStore,
    TokenSet,
    WebhookError,
    WebhookEvent,
    parse_webhook,
    verify_signature,
    verify_webhook,
)
from tests.sandbox.sandbox_support import free_port

from .conftest import Sandbox

TOKEN = "verifier-token-from-the-developer-portal"


def sign(body: bytes, token: str = TOKEN) -> str:
    return base64.b64encode(hmac.new(token.encode(), body, hashlib.sha256).digest()).decode()


CLOUD = json.dumps(
    [
        {
            "specversion": "1.0",
            "id": "e1",
            "source": "intuit.abc",
            "type": "qbo.invoice.created.v1",
            "datacontenttype": "application/json",
            "time": "2026-11-25T10:00:00.000Z",
            "intuitentityid": "130",
            "intuitaccountid": "9130000000000001",
            "data": {},
        },
        {
            "specversion": "1.0",
            "id": "e2",
            "source": "intuit.abc",
            "type": "qbo.customer.merged.v1",
            "time": "2026-11-25T10:00:01.000Z",
            "intuitentityid": "5",
            "intuitaccountid": "9130000000000002",
            "data": {"deletedid": "27"},
        },
        {
            "specversion": "1.0",
            "id": "e3",
            "type": "qbo.journalentry.voided.v1",
            "intuitentityid": "9",
            "intuitaccountid": "9130000000000001",
            "time": "t",
            "data": {},
        },
    ]
).encode()
LEGACY = json.dumps(
    {
        "eventNotifications": [
            {
                "realmId": "9130000000000001",
                "dataChangeEvent": {
                    "entities": [
                        {
                            "name": "Customer",
                            "id": "1",
                            "operation": "Create",
                            "lastUpdated": "2026-11-25T02:00:00-0800",
                        },
                        {
                            "name": "Vendor",
                            "id": "3",
                            "operation": "Merge",
                            "lastUpdated": "2026-11-25T02:00:01-0800",
                            "deletedId": "7",
                        },
                    ]
                },
            }
        ]
    }
).encode()


def test_signature_is_checked_against_the_raw_bytes() -> None:
    assert verify_signature(CLOUD, sign(CLOUD), TOKEN)
    assert not verify_signature(CLOUD + b" ", sign(CLOUD), TOKEN)
    assert not verify_signature(CLOUD, sign(CLOUD, "other"), TOKEN)
    assert not verify_signature(CLOUD, None, TOKEN)
    assert not verify_signature(CLOUD, "not base64 at all", TOKEN)


def test_cloudevents_become_change_notices() -> None:
    events = verify_webhook(CLOUD, {"intuit-signature": sign(CLOUD)}, TOKEN)
    assert [(e.realm_id, e.entity, e.entity_id, e.operation) for e in events] == [
        ("9130000000000001", "Invoice", "130", "Create"),
        ("9130000000000002", "Customer", "5", "Merge"),
        ("9130000000000001", "JournalEntry", "9", "Void"),
    ]
    assert events[1].deleted_id == "27" and events[0].event_id == "e1" and events[0].known_entity


def test_legacy_notifications_become_the_same_notices() -> None:
    events = parse_webhook(LEGACY)
    assert [(e.entity, e.entity_id, e.operation, e.deleted_id) for e in events] == [
        ("Customer", "1", "Create", None),
        ("Vendor", "3", "Merge", "7"),
    ]


def test_bad_signatures_and_bodies_are_refused() -> None:
    with pytest.raises(WebhookError):
        verify_webhook(LEGACY, {"intuit-signature": sign(CLOUD)}, TOKEN)
    with pytest.raises(WebhookError):
        parse_webhook(b"<xml/>")
    with pytest.raises(WebhookError):
        parse_webhook(b'{"something": "else"}')


@pytest.mark.parametrize("webhook_format", ["cloudevents", "legacy"])
def test_the_sandboxs_signed_deliveries_verify_and_parse(
    sandbox: Sandbox, webhook_format: str
) -> None:
    """The sandbox posts real signed webhooks to a receiver; the client verifies and reads them."""
    client_id = f"webhook-app-{webhook_format}"

    async def scenario() -> list[WebhookEvent]:
        received: asyncio.Queue[tuple[bytes, dict[str, str]]] = asyncio.Queue()

        async def receive(request: web.Request) -> web.Response:
            await received.put((await request.read(), dict(request.headers)))
            return web.Response(status=200)

        port = free_port()
        app = web.Application()
        app.router.add_post("/hooks", receive)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            sandbox.control.post(
                "/_sandbox/apps",
                json={
                    "name": "webhook receiver",
                    "client_id": client_id,
                    "client_secret": "s",
                    "webhook_url": f"http://127.0.0.1:{port}/hooks",
                    "verifier_token": TOKEN,
                    "webhook_format": webhook_format,
                    "webhook_batch_seconds": 0.05,
                },
            ).raise_for_status()
            company = sandbox.company()
            minted = sandbox.control.post(
                f"/_sandbox/companies/{company.realm}/tokens", json={"client_id": client_id}
            ).json()
            store = MemoryTokenStore(TokenSet.from_response(company.realm, minted))
            async with AsyncQuickBooks(
                sandbox.config(client_id=client_id, client_secret="s"), store
            ) as qb:
                made = await qb.create(company.realm, Customer(DisplayName="Webhook Watcher"))
            body, headers = await asyncio.wait_for(received.get(), timeout=10)
            events = verify_webhook(body, headers, TOKEN)
            assert [(e.realm_id, e.entity, e.entity_id, e.operation) for e in events] == [
                (company.realm, "Customer", made.Id, "Create")
            ]
            with pytest.raises(WebhookError):
                verify_webhook(body, headers, "a different verifier token")
            return events
        finally:
            await runner.cleanup()

    asyncio.run(scenario())
