"""Webhook delivery: batched per app and company, signed, retried with back-off.

Events are collected for ``App.webhook_batch_seconds`` and posted as one body:
a JSON array of CloudEvents (default) or the legacy ``eventNotifications`` object.
The ``intuit-signature`` header is base64(HMAC-SHA256(verifier token, body)).
A failed delivery (non-2xx or no answer within 3 s) is retried after each delay in
``App.webhook_retry_seconds``; while it is pending, newer events for the same app
and company wait behind it so the receiver sees them in order.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from .auth import App
from .backend import Sandbox
from .company import Change

VERBS = {
    "Create": "created",
    "Update": "updated",
    "Delete": "deleted",
    "Void": "voided",
    "Merge": "merged",
    "Emailed": "emailed",
}
MAX_EVENTS = 100


@dataclass
class Event:
    entity: str
    ident: str
    operation: str
    at: float  # sandbox clock
    deleted_id: str | None = None


@dataclass
class Delivery:
    body: bytes
    attempts: int = 0
    due: float = 0.0


@dataclass
class Channel:
    """What is waiting for one app about one company."""

    buffer: list[Event] = field(default_factory=list)
    first_buffered: float = 0.0
    outbox: list[Delivery] = field(default_factory=list)


def sign(body: bytes, verifier_token: str | None) -> str:
    digest = hmac.new((verifier_token or "").encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _iso(epoch: float) -> str:
    return (
        datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


def _legacy_entity(e: Event) -> dict[str, str]:
    out = {"name": e.entity, "id": e.ident, "operation": e.operation, "lastUpdated": _iso(e.at)}
    if e.deleted_id:
        out["deletedId"] = e.deleted_id
    return out


def render(app: App, realm: str, events: list[Event]) -> bytes:
    if app.webhook_format == "legacy":
        entities = [_legacy_entity(e) for e in events]
        payload: object = {
            "eventNotifications": [{"realmId": realm, "dataChangeEvent": {"entities": entities}}]
        }
    else:
        payload = [
            {
                "specversion": "1.0",
                "id": str(uuid.uuid4()),
                "source": f"intuit.sandbox.{hashlib.sha1(app.client_id.encode()).hexdigest()[:12]}",
                "type": f"qbo.{e.entity.lower()}.{VERBS.get(e.operation, e.operation.lower())}.v1",
                "datacontenttype": "application/json",
                "time": _iso(e.at),
                "intuitentityid": e.ident,
                "intuitaccountid": realm,
                "data": {"deletedid": e.deleted_id} if e.deleted_id else {},
            }
            for e in events
        ]
    return json.dumps(payload, separators=(",", ":")).encode()


class Dispatcher:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.channels: dict[tuple[str, str], Channel] = {}
        # Recent history, for debugging a receiver: (client_id, realm, HTTP status or 0).
        self.delivered: deque[tuple[str, str, int]] = deque(maxlen=1000)
        self.abandoned: deque[bytes] = deque(maxlen=100)
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def enqueue(self, realm: str, events: list[Change]) -> None:
        sb = self.sandbox
        apps = {
            g.client_id for g in sb.tokens.grants.values() if g.realm_id == realm and not g.revoked
        }
        targets = [sb.apps[c] for c in apps if c in sb.apps and sb.apps[c].webhook_url]
        if not targets:
            return
        now = time.monotonic()
        at = sb.clock.now()
        with self._lock:
            for app in targets:
                ch = self.channels.setdefault((app.client_id, realm), Channel())
                if not ch.buffer:
                    ch.first_buffered = now
                ch.buffer.extend(
                    Event(e.entity, e.ident, e.operation, at, e.deleted_id) for e in events
                )
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="sandbox-webhooks", daemon=True
                )
                self._thread.start()
        self._wake.set()

    def _run(self) -> None:
        with httpx.Client(timeout=3.0) as client:
            while not self._stop.is_set():
                self._wake.wait(0.05)
                self._wake.clear()
                self._tick(client)

    def _tick(self, client: httpx.Client) -> None:
        now = time.monotonic()
        work: list[tuple[App, str, Channel, Delivery]] = []
        with self._lock:
            for (client_id, realm), ch in self.channels.items():
                app = self.sandbox.apps.get(client_id)
                if app is None:
                    continue
                if ch.buffer and now - ch.first_buffered >= app.webhook_batch_seconds:
                    while ch.buffer:
                        chunk, ch.buffer = ch.buffer[:MAX_EVENTS], ch.buffer[MAX_EVENTS:]
                        ch.outbox.append(Delivery(render(app, realm, chunk), due=now))
                if ch.outbox and ch.outbox[0].due <= now:
                    work.append((app, realm, ch, ch.outbox[0]))
        for app, realm, ch, delivery in work:
            status = self._post(client, app, delivery.body)
            with self._lock:
                self.delivered.append((app.client_id, realm, status))
                if 200 <= status < 300:
                    ch.outbox.pop(0)
                    continue
                if delivery.attempts >= len(app.webhook_retry_seconds):
                    ch.outbox.pop(0)
                    self.abandoned.append(delivery.body)
                    continue
                delivery.due = time.monotonic() + app.webhook_retry_seconds[delivery.attempts]
                delivery.attempts += 1

    @staticmethod
    def _post(client: httpx.Client, app: App, body: bytes) -> int:
        assert app.webhook_url is not None
        headers = {
            "content-type": "application/json",
            "intuit-signature": sign(body, app.verifier_token),
        }
        try:
            return client.post(app.webhook_url, content=body, headers=headers).status_code
        except httpx.HTTPError:
            return 0

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
