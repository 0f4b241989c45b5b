"""Webhook signature and both payload formats, including the sandbox's own deliveries."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
from typing import Any

import pytest
from aiohttp import web
from hypothesis import given, settings
from hypothesis import strategies as st

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
    client_sandbox: Sandbox, webhook_format: str
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
            client_sandbox.control.post(
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
            company = client_sandbox.company()
            minted = client_sandbox.control.post(
                f"/_sandbox/companies/{company.realm}/tokens", json={"client_id": client_id}
            ).json()
            store = MemoryTokenStore(TokenSet.from_response(company.realm, minted))
            async with AsyncQuickBooks(
                client_sandbox.config(client_id=client_id, client_secret="s"), store
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


# ---- signed but malformed bodies: always a WebhookError, never another exception ----------------

CLOUD_KEYS = ["specversion", "id", "type", "time", "intuitentityid", "intuitaccountid", "data"]
LEGACY_KEYS = ["eventNotifications", "realmId", "dataChangeEvent", "entities", "name", "id"]
LEGACY_KEYS += ["operation", "lastUpdated", "deletedId", "deletedid"]

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["qbo.invoice.created.v1", "qbo..", "qbo.x.y", "1.0", "9130000000000001"]),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(CLOUD_KEYS + LEGACY_KEYS), st.text(max_size=8)),
            inner,
            max_size=6,
        ),
    ),
    max_leaves=25,
)


def _cloud_like(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Events shaped like CloudEvents whose fields are each sometimes wrong or missing."""
    event = st.fixed_dictionaries(
        {},
        optional={
            "specversion": st.one_of(st.just("1.0"), values),
            "type": st.one_of(st.just("qbo.invoice.created.v1"), values),
            "intuitentityid": st.one_of(st.just("130"), values),
            "intuitaccountid": st.one_of(st.just("9130000000000001"), values),
            "id": values,
            "time": values,
            "data": st.one_of(st.just({"deletedid": "7"}), values),
        },
    )
    return st.one_of(st.lists(st.one_of(event, values), max_size=3), event)


def _legacy_like(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """eventNotifications bodies with any level replaced by a value of the wrong kind."""
    entity = st.one_of(
        values,
        st.fixed_dictionaries(
            {},
            optional={
                k: st.one_of(st.just("1"), values)
                for k in ("name", "id", "operation", "lastUpdated", "deletedId")
            },
        ),
    )
    change = st.one_of(
        values, st.fixed_dictionaries({"entities": st.one_of(values, st.lists(entity))})
    )
    notice = st.one_of(
        values,
        st.fixed_dictionaries(
            {}, optional={"realmId": st.one_of(st.just("1"), values), "dataChangeEvent": change}
        ),
    )
    return st.fixed_dictionaries({"eventNotifications": st.one_of(values, st.lists(notice))})


def _only_webhook_errors(body: bytes) -> None:
    """A correctly signed body is either read into notices or refused with WebhookError."""
    try:
        events = verify_webhook(body, {"intuit-signature": sign(body)}, TOKEN)
    except WebhookError:
        return
    assert isinstance(events, list)
    for e in events:
        assert isinstance(e, WebhookEvent)
        assert e.realm_id and e.entity_id and e.entity and e.operation
        assert all(isinstance(v, str) for v in (e.realm_id, e.entity_id, e.occurred_at))


@settings(max_examples=300, deadline=None)
@given(st.one_of(json_values, _cloud_like(json_values), _legacy_like(json_values)))
def test_any_signed_json_value_is_read_or_refused_with_a_webhook_error(document: Any) -> None:
    _only_webhook_errors(json.dumps(document).encode())


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_any_signed_bytes_are_read_or_refused_with_a_webhook_error(body: bytes) -> None:
    _only_webhook_errors(body)


CLOUD_EVENT = {
    "specversion": "1.0",
    "type": "qbo.invoice.created.v1",
    "intuitentityid": "130",
    "intuitaccountid": "9130000000000001",
}
MALFORMED = {
    "a number": b"5",
    "a string": b'"qbo.invoice.created.v1"',
    "null": b"null",
    "true": b"true",
    "a list of numbers": b"[1, 2, 3]",
    "a list of lists": b"[[], [{}]]",
    "an empty object": b"{}",
    "arrays nested 100,000 deep": b"[" * 100_000 + b"]" * 100_000,
    "objects nested 100,000 deep": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "a CloudEvent nested deep inside a list": b"[" * 5000
    + json.dumps(CLOUD_EVENT).encode()
    + b"]" * 5000,
    "not UTF-8": b"\xff\xfe\xfa[]",
    "an integer of 5000 digits": b"1" * 5000,
    "data a number": json.dumps([{**CLOUD_EVENT, "data": 5}]).encode(),
    "data a list": json.dumps([{**CLOUD_EVENT, "data": ["deletedid"]}]).encode(),
    "deletedid an object": json.dumps([{**CLOUD_EVENT, "data": {"deletedid": {"a": 1}}}]).encode(),
    "type a list": json.dumps([{**CLOUD_EVENT, "type": ["qbo", "invoice"]}]).encode(),
    "type not of QuickBooks": json.dumps([{**CLOUD_EVENT, "type": "qbo.."}]).encode(),
    "entity id an object": json.dumps([{**CLOUD_EVENT, "intuitentityid": {"v": 1}}]).encode(),
    "entity id missing": json.dumps(
        [{k: v for k, v in CLOUD_EVENT.items() if k != "intuitentityid"}]
    ).encode(),
    "company id true": json.dumps([{**CLOUD_EVENT, "intuitaccountid": True}]).encode(),
    "one CloudEvent with data a string": json.dumps({**CLOUD_EVENT, "data": "x"}).encode(),
    "eventNotifications an object": b'{"eventNotifications": {}}',
    "eventNotifications null": b'{"eventNotifications": null}',
    "a notification a number": b'{"eventNotifications": [5]}',
    "a notification without realmId": (
        b'{"eventNotifications": [{"dataChangeEvent": {"entities": []}}]}'
    ),
    "dataChangeEvent a list": b'{"eventNotifications": [{"realmId": "1", "dataChangeEvent": []}]}',
    "entities a string": (
        b'{"eventNotifications": [{"realmId": "1", "dataChangeEvent": {"entities": "abc"}}]}'
    ),
    "an entity a string": (
        b'{"eventNotifications": [{"realmId": "1", "dataChangeEvent": {"entities": ["x"]}}]}'
    ),
    "an entity name a list": (
        b'{"eventNotifications": [{"realmId": "1", "dataChangeEvent": {"entities": '
        b'[{"name": ["Customer"], "id": "1", "operation": "Create"}]}}]}'
    ),
    "realmId an object": (
        b'{"eventNotifications": [{"realmId": {"id": 1}, "dataChangeEvent": {"entities": []}}]}'
    ),
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_signed_malformed_body_is_refused_with_a_webhook_error(body: bytes) -> None:
    with pytest.raises(WebhookError):
        verify_webhook(body, {"intuit-signature": sign(body)}, TOKEN)


def test_well_formed_bodies_with_numeric_ids_and_no_optional_fields_are_read() -> None:
    """Loosely typed but meaningful notices still get through: ids as numbers, no time or data."""
    cloud = json.dumps([{**CLOUD_EVENT, "intuitentityid": 130}]).encode()
    legacy = (
        b'{"eventNotifications": [{"realmId": 9130000000000001, "dataChangeEvent": '
        b'{"entities": [{"name": "Customer", "id": 1, "operation": "Update"}]}}]}'
    )
    (event,) = verify_webhook(cloud, {"intuit-signature": sign(cloud)}, TOKEN)
    assert (event.entity, event.entity_id, event.occurred_at, event.deleted_id) == (
        "Invoice",
        "130",
        "",
        None,
    )
    (notice,) = verify_webhook(legacy, {"intuit-signature": sign(legacy)}, TOKEN)
    assert (notice.realm_id, notice.entity, notice.entity_id) == (
        "9130000000000001",
        "Customer",
        "1",
    )
