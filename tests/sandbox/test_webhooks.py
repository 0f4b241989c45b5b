"""Webhooks: CloudEvents by default, legacy bodies per app, signed, batched, retried."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from tests.sandbox.sandbox_support import Qbo, make_company


class Receiver:
    def __init__(self) -> None:
        self.bodies: list[tuple[bytes, dict[str, str]]] = []
        self.fail_first = 0
        self.calls = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                receiver.calls += 1
                if receiver.calls <= receiver.fail_first:
                    self.send_response(500)
                else:
                    receiver.bodies.append((body, {k.lower(): v for k, v in self.headers.items()}))
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def wait(self, count: int, timeout: float = 5.0) -> list[tuple[bytes, dict[str, str]]]:
        deadline = time.time() + timeout
        while len(self.bodies) < count and time.time() < deadline:
            time.sleep(0.02)
        return self.bodies


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.server.shutdown()


def hooked_company(control: httpx.Client, receiver: Receiver, **app: Any) -> Qbo:
    client_id = f"hook-{uuid.uuid4().hex[:8]}"
    control.post(
        "/_sandbox/apps",
        json={
            "name": "hooks",
            "client_id": client_id,
            "client_secret": "s",
            "redirect_uris": [],
            "webhook_url": receiver.url,
            "verifier_token": "verify-me",
            "webhook_batch_seconds": 0.1,
            "webhook_retry_seconds": [0.1, 0.1],
            **app,
        },
    ).raise_for_status()
    q = make_company(control)
    control.post(
        f"/_sandbox/companies/{q.realm}/tokens", json={"client_id": client_id}
    ).raise_for_status()
    return q


def test_cloudevents_are_signed_and_batched_per_company(
    control: httpx.Client, receiver: Receiver
) -> None:
    # A window wide enough for both writes however slow the machine (0.1 s was not, under load).
    q = hooked_company(control, receiver, webhook_batch_seconds=1.5)
    c = q.customer("Hooked")
    q.create("Customer", {"Id": c["Id"], "SyncToken": "0", "sparse": True, "Notes": "n"})
    body, headers = receiver.wait(1)[0]
    expected = base64.b64encode(hmac.new(b"verify-me", body, hashlib.sha256).digest()).decode()
    assert headers["intuit-signature"] == expected
    events = json.loads(body)
    assert [e["type"] for e in events] == ["qbo.customer.created.v1", "qbo.customer.updated.v1"]
    assert all(e["specversion"] == "1.0" and e["intuitaccountid"] == q.realm for e in events)
    assert events[0]["intuitentityid"] == c["Id"]


def test_delete_and_void_events(control: httpx.Client, receiver: Receiver) -> None:
    q = hooked_company(control, receiver)
    c = q.customer()
    inv = q.invoice(c["Id"])
    q.post("invoice", {"Id": inv["Id"], "SyncToken": "0"}, operation="void")
    inv2 = q.invoice(c["Id"])
    q.post("invoice", {"Id": inv2["Id"], "SyncToken": "0"}, operation="delete")
    deadline = time.time() + 5
    types: list[str] = []
    while time.time() < deadline and "qbo.invoice.deleted.v1" not in types:
        types = [e["type"] for b, _ in receiver.bodies for e in json.loads(b)]
        time.sleep(0.02)
    assert "qbo.invoice.voided.v1" in types and "qbo.invoice.deleted.v1" in types


def test_legacy_format_per_app(control: httpx.Client, receiver: Receiver) -> None:
    q = hooked_company(control, receiver, webhook_format="legacy")
    c = q.customer("Legacy Hooked")
    body = json.loads(receiver.wait(1)[0][0])
    note = body["eventNotifications"][0]
    assert note["realmId"] == q.realm
    entity = note["dataChangeEvent"]["entities"][0]
    assert (
        entity["name"] == "Customer" and entity["id"] == c["Id"] and entity["operation"] == "Create"
    )


def test_failed_delivery_is_retried(control: httpx.Client, receiver: Receiver) -> None:
    receiver.fail_first = 2
    q = hooked_company(control, receiver)
    q.customer("Retry Me")
    bodies = receiver.wait(1)
    assert len(bodies) == 1 and receiver.calls == 3
    assert json.loads(bodies[0][0])[0]["type"] == "qbo.customer.created.v1"


def _source(client_id: str) -> str:
    """The CloudEvents `source` the sandbox gives an app's events."""
    return f"intuit.sandbox.{hashlib.sha1(client_id.encode()).hexdigest()[:12]}"


def test_no_events_after_the_grant_is_revoked(control: httpx.Client, receiver: Receiver) -> None:
    def app(client_id: str) -> None:
        control.post(
            "/_sandbox/apps",
            json={
                "name": "hooks",
                "client_id": client_id,
                "client_secret": "s",
                "webhook_url": receiver.url,
                "webhook_batch_seconds": 0.05,
            },
        ).raise_for_status()

    client_id, marker_id = (f"hook-{uuid.uuid4().hex[:8]}" for _ in range(2))
    app(client_id)
    q = make_company(control)
    grant = control.post(
        f"/_sandbox/companies/{q.realm}/tokens", json={"client_id": client_id}
    ).json()
    control.post(
        "/v2/oauth2/tokens/revoke", json={"token": grant["refresh_token"]}, auth=(client_id, "s")
    )
    q.customer("Unheard")
    # A marker: a second app, granted after that write, hears a later one. Had the revoked app
    # been sent "Unheard", its batch was due first and was posted before the marker's.
    app(marker_id)
    control.post(
        f"/_sandbox/companies/{q.realm}/tokens", json={"client_id": marker_id}
    ).raise_for_status()
    heard = q.customer("Heard")

    def sources() -> list[str]:
        return [e["source"] for b, _ in receiver.bodies for e in json.loads(b)]

    deadline = time.time() + 5
    while _source(marker_id) not in sources() and time.time() < deadline:
        time.sleep(0.02)
    assert _source(client_id) not in sources()
    [(body, _)] = receiver.bodies
    assert [e["intuitentityid"] for e in json.loads(body)] == [heard["Id"]]


def test_merge_event_carries_the_deleted_id(control: httpx.Client, receiver: Receiver) -> None:
    q = hooked_company(control, receiver)
    keep, dup = q.customer("Merge Target"), q.customer("Merge Source")
    q.post(
        "customer",
        {"Id": dup["Id"], "SyncToken": "0", "MergeIntoRef": {"value": keep["Id"]}},
        operation="merge",
    )
    deadline = time.time() + 5
    merged: list[dict[str, Any]] = []
    while time.time() < deadline and not merged:
        merged = [
            e
            for b, _ in receiver.bodies
            for e in json.loads(b)
            if e["type"] == "qbo.customer.merged.v1"
        ]
        time.sleep(0.02)
    assert merged[0]["intuitentityid"] == keep["Id"] and merged[0]["data"] == {
        "deletedid": dup["Id"]
    }
