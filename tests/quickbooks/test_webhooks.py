"""Webhook signature and both payload formats, including the sandbox's own deliveries."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from lawsync.quickbooks import WebhookError, parse_webhook, verify_signature, verify_webhook

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
