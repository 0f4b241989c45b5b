"""Change notices as QuickBooks sends them, signed, and the firm's inbound status."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from typing import Any

import httpx

from lawsync.config import Settings
from lawsync.sync import sandbox_control
from tests.conftest import SANDBOX_CONTROL_SECRET, Firm

WEBHOOKS = "/quickbooks/webhooks"


def server_token() -> str:
    """The verifier token the test server checks (lawsync's own app in its sandbox)."""
    token = sandbox_control.local_webhook_token(
        Settings(sandbox_control_secret=SANDBOX_CONTROL_SECRET)
    )
    assert token
    return token


def signature(body: bytes, token: str) -> str:
    return base64.b64encode(hmac.new(token.encode(), body, hashlib.sha256).digest()).decode()


def cloud_events(realm: str, ids: list[str], entity: str = "purchase") -> list[dict[str, Any]]:
    return [
        {
            "specversion": "1.0",
            "id": str(uuid.uuid4()),
            "source": "intuit.test",
            "type": f"qbo.{entity}.updated.v1",
            "datacontenttype": "application/json",
            "time": "2026-12-06T10:00:00.000Z",
            "intuitentityid": i,
            "intuitaccountid": realm,
            "data": {},
        }
        for i in ids
    ]


def legacy(realm: str, ids: list[str], entity: str = "Purchase") -> dict[str, Any]:
    entities = [
        {"name": entity, "id": i, "operation": "Update", "lastUpdated": "2026-12-06T10:00:00Z"}
        for i in ids
    ]
    return {"eventNotifications": [{"realmId": realm, "dataChangeEvent": {"entities": entities}}]}


def post(
    server_url: str, document: object, token: str | None = None, sign: bool = True
) -> httpx.Response:
    """Post a notice to the webhook address, signed with `token` (the server's by default)."""
    body = json.dumps(document).encode()
    headers = {"content-type": "application/json"}
    if sign:
        headers["intuit-signature"] = signature(body, token or server_token())
    return httpx.post(f"{server_url}/api/v1{WEBHOOKS}", content=body, headers=headers, timeout=30)


def inbound(firm: Firm) -> dict[str, Any]:
    found = firm.get("/quickbooks/status")["inbound"]
    assert found is not None
    return dict(found)
