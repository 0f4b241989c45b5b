"""Where each kind of synced record has its page, and what a record page shows of its sync."""

from __future__ import annotations

from typing import Any

from lawsync.practice.services.context import Actor, Ledger
from lawsync.sync.kinds import Kind
from lawsync.sync.record_status import RecordSync, history, of_records

# A credit application is shown on its credit note's page (it carries the note's id).
_PAGES = {
    Kind.CONTACT: "/contacts",
    Kind.BILL: "/bills",
    Kind.INTEREST_CHARGE: "/interest-charges",
    Kind.CREDIT_NOTE: "/credit-notes",
    Kind.CREDIT_APPLICATION: "/credit-notes",
    Kind.PAYMENT: "/payments",
    Kind.INVOICE_CHANGE: "/bills",
}


def trust_badges(ledger: Ledger, actor: Actor, ids: list[int]) -> dict[int, tuple[str, RecordSync]]:
    """Each client funds transaction's kind of copy (journal entry or cheque) and its state."""
    entries = of_records(ledger, actor, Kind.TRUST_ENTRY, ids)
    cheques = of_records(ledger, actor, Kind.TRUST_CHEQUE, ids)
    out: dict[int, tuple[str, RecordSync]] = {}
    for txn_id in ids:
        cheque = cheques.get(txn_id)
        if cheque is not None and cheque.state not in ("pending", "unconnected"):
            out[txn_id] = (Kind.TRUST_CHEQUE.value, cheque)
        else:
            out[txn_id] = (Kind.TRUST_ENTRY.value, entries[txn_id])
    return out


def record_path(kind: str, local_id: int) -> str | None:
    """The page of one practice record, or None for a kind without pages (timekeepers)."""
    base = _PAGES.get(Kind(kind)) if kind in set(Kind) else None
    return f"{base}/{local_id}" if base else None


def copy_path(kind: str, local_id: int) -> str:
    """The page showing a record's copy as QuickBooks holds it now."""
    return f"/quickbooks/records/{kind}/{local_id}"


def sync_of(ledger: Ledger, actor: Actor, kind: Kind, local_id: int) -> dict[str, Any]:
    """A record page's sync context: its badge (``badge``) and its history (``history``)."""
    return {
        "badge": of_records(ledger, actor, kind, [local_id])[local_id],
        "history": history(ledger, actor, kind, local_id),
        "sync_kind": kind.value,
        "sync_id": local_id,
    }
