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


def _cloud_event(event: Mapping[str, Any]) -> WebhookEvent:
    parts = str(event.get("type", "")).split(".")
    if len(parts) < 3 or parts[0] != "qbo":
        raise WebhookError(f"unknown CloudEvents type {event.get('type')!r}")
    entity = _NAMES.get(parts[1], parts[1][:1].upper() + parts[1][1:])
    data = event.get("data") if isinstance(event.get("data"), Mapping) else {}
    deleted = data.get("deletedid") or data.get("deletedId") if data else None
    return WebhookEvent(
        realm_id=str(event.get("intuitaccountid", "")),
        entity=entity,
        entity_id=str(event.get("intuitentityid", "")),
        operation=_VERBS.get(parts[2], parts[2].capitalize()),
        occurred_at=str(event.get("time", "")),
        deleted_id=str(deleted) if deleted else None,
        event_id=str(event["id"]) if event.get("id") else None,
    )


def parse_webhook(body: bytes) -> list[WebhookEvent]:
    """Read a webhook body in either format (signature not checked here)."""
    try:
        document = json.loads(body)
    except ValueError:
        raise WebhookError("the webhook body is not JSON") from None
    if isinstance(document, list):
        return [_cloud_event(e) for e in document if isinstance(e, Mapping)]
    if isinstance(document, Mapping) and isinstance(document.get("eventNotifications"), list):
        events = []
        for notice in document["eventNotifications"]:
            realm = str(notice.get("realmId", ""))
            for e in (notice.get("dataChangeEvent") or {}).get("entities") or []:
                events.append(
                    WebhookEvent(
                        realm_id=realm,
                        entity=str(e.get("name", "")),
                        entity_id=str(e.get("id", "")),
                        operation=str(e.get("operation", "")),
                        occurred_at=str(e.get("lastUpdated", "")),
                        deleted_id=str(e["deletedId"]) if e.get("deletedId") else None,
                    )
                )
        return events
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
