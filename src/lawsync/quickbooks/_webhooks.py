"""Incoming webhooks: check Intuit's signature, then read either payload format.

The signature is an HMAC-SHA256 of the raw request bytes keyed with the app's verifier token;
it must be checked before parsing and against the bytes exactly as received. The body is either
the legacy ``{"eventNotifications": [...]}`` object or, since the 2025-2026 migration, a JSON
array of CloudEvents 1.0; both become the same ``WebhookEvent`` list.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ._errors import PermanentError
from ._models import entity_class

__all__ = ["WebhookError", "WebhookEvent", "parse_webhook", "verify_signature", "verify_webhook"]

_VERBS = {
    "created": "Create",
    "updated": "Update",
    "deleted": "Delete",
    "merged": "Merge",
    "voided": "Void",
    "emailed": "Emailed",
}
_NAMES = {
    name.lower(): name
    for name in (
        "Account",
        "Bill",
        "BillPayment",
        "Budget",
        "Class",
        "CreditMemo",
        "Currency",
        "Customer",
        "Department",
        "Deposit",
        "Employee",
        "Estimate",
        "Invoice",
        "Item",
        "JournalCode",
        "JournalEntry",
        "Payment",
        "PaymentMethod",
        "Preferences",
        "Purchase",
        "PurchaseOrder",
        "RefundReceipt",
        "SalesReceipt",
        "TaxAgency",
        "Term",
        "TimeActivity",
        "Transfer",
        "Vendor",
        "VendorCredit",
    )
}


class WebhookError(PermanentError):
    """The webhook request is not signed by Intuit or is not a payload we understand."""


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """One change notice: which company, which object, what happened, when."""

    realm_id: str
    entity: str
    entity_id: str
    operation: str
    occurred_at: str
    deleted_id: str | None = None
    event_id: str | None = None

    @property
    def known_entity(self) -> bool:
        return entity_class(self.entity) is not None


def verify_signature(body: bytes, signature: str | None, verifier_token: str) -> bool:
    """True if ``signature`` (the ``intuit-signature`` header) signs ``body``; constant time."""
    if not signature or not verifier_token:
        return False
    expected = base64.b64encode(hmac.new(verifier_token.encode(), body, hashlib.sha256).digest())
    return hmac.compare_digest(expected, signature.strip().encode())


def _text(value: object, what: str, *, required: bool = True) -> str:
    """A field that must be text (ids may come as JSON numbers); anything else is refused, so
    a signed but odd body can never reach the sync as a nested list turned into a string."""
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if (value is None or value == "") and not required:
        return ""
    raise WebhookError(f"the webhook's {what} is missing or not text")


def _object(value: object, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise WebhookError(f"the webhook's {what} is not an object")
    return value


def _array(value: object, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise WebhookError(f"the webhook's {what} is not an array")
    return value


def _cloud_event(value: object) -> WebhookEvent:
    event = _object(value, "event")
    kind = _text(event.get("type"), "CloudEvents type")
    parts = kind.split(".")
    if len(parts) < 3 or parts[0] != "qbo" or not parts[1] or not parts[2]:
        raise WebhookError(f"unknown CloudEvents type {kind[:100]!r}")
    entity = _NAMES.get(parts[1], parts[1][:1].upper() + parts[1][1:])
    data = event.get("data")
    if data is not None and not isinstance(data, Mapping):
        raise WebhookError("the webhook's CloudEvents data is not an object")
    deleted = (data.get("deletedid") or data.get("deletedId")) if data else None
    return WebhookEvent(
        realm_id=_text(event.get("intuitaccountid"), "intuitaccountid"),
        entity=entity,
        entity_id=_text(event.get("intuitentityid"), "intuitentityid"),
        operation=_VERBS.get(parts[2], parts[2].capitalize()),
        occurred_at=_text(event.get("time"), "time", required=False),
        deleted_id=_text(deleted, "deletedid", required=False) or None,
        event_id=_text(event.get("id"), "CloudEvents id", required=False) or None,
    )


def _legacy_events(document: Mapping[str, Any]) -> list[WebhookEvent]:
    events = []
    for value in _array(document.get("eventNotifications"), "eventNotifications"):
        notice = _object(value, "notification")
        realm = _text(notice.get("realmId"), "realmId")
        change = _object(notice.get("dataChangeEvent"), "dataChangeEvent")
        for item in _array(change.get("entities"), "entities"):
            e = _object(item, "entity")
            events.append(
                WebhookEvent(
                    realm_id=realm,
                    entity=_text(e.get("name"), "entity name"),
                    entity_id=_text(e.get("id"), "entity id"),
                    operation=_text(e.get("operation"), "operation"),
                    occurred_at=_text(e.get("lastUpdated"), "lastUpdated", required=False),
                    deleted_id=_text(e.get("deletedId"), "deletedId", required=False) or None,
                )
            )
    return events


def _document(body: bytes) -> object:
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        # Not JSON, not UTF-8, or nested deeper than the parser goes.
        raise WebhookError("the webhook body is not JSON") from None


def parse_webhook(body: bytes) -> list[WebhookEvent]:
    """Read a webhook body in either format (signature not checked here).

    Anything else, however it is malformed, is a ``WebhookError``: the body comes from outside.
    """
    document = _document(body)
    if isinstance(document, list):
        return [_cloud_event(e) for e in document]
    if isinstance(document, Mapping) and "eventNotifications" in document:
        return _legacy_events(document)
    if isinstance(document, Mapping) and document.get("specversion"):
        return [_cloud_event(document)]
    raise WebhookError("the webhook body is neither CloudEvents nor eventNotifications")


def verify_webhook(
    body: bytes, headers: Mapping[str, str], verifier_token: str
) -> list[WebhookEvent]:
    """Check the signature, then parse; raise ``WebhookError`` if the signature is wrong."""
    signature = headers.get("intuit-signature") or headers.get("Intuit-Signature")
    if not verify_signature(body, signature, verifier_token):
        raise WebhookError("the intuit-signature header does not match the body")
    return parse_webhook(body)
