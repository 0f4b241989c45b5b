"""One QBO company (realm): its records, settings, numbering and ledger postings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timezone
from decimal import Decimal
from typing import Any

from .chaos import Chaos
from .wire import company_tz, dumps

EDITIONS = ("simple_start", "essentials", "plus", "advanced")
EDITION_SKU = {
    "simple_start": "QuickBooks Online Simple Start",
    "essentials": "QuickBooks Online Essentials",
    "plus": "QuickBooks Online Plus",
    "advanced": "QuickBooks Online Advanced",
}


# QBO numbers the people lists (customers, vendors, employees: one "Names" table) from one
# sequence, and every transaction from another (a transaction's Id is its TxnId, which is why
# LinkedTxn needs no separate id space). Other lists (Account, Item, Class, ...) count alone.
NAME_ENTITIES = ("Customer", "Vendor", "Employee")
TXN_ENTITIES = (
    "Invoice",
    "CreditMemo",
    "Payment",
    "JournalEntry",
    "Purchase",
    "Deposit",
    "SalesReceipt",
    "Transfer",
    "Bill",
    "BillPayment",
    "Estimate",
    "RefundReceipt",
    "PurchaseOrder",
    "CreditCardPayment",
    "TimeActivity",
    "RecurringTransaction",
)
SEQUENCES: dict[str, str] = {
    **{e: "names" for e in NAME_ENTITIES},
    **{e: "txns" for e in TXN_ENTITIES},
}


@dataclass
class Record:
    """A stored entity: canonical data (never mutated once stored) and its JSON text."""

    data: dict[str, Any]
    json: str
    created: float
    updated: float

    @classmethod
    def of(cls, data: dict[str, Any], created: float, updated: float) -> Record:
        return cls(data, dumps(data), created, updated)


@dataclass(frozen=True)
class Change:
    """One create/update/delete/void/merge, as webhooks and the change feed report it."""

    entity: str
    ident: str
    operation: str
    deleted_id: str | None = None


@dataclass
class Limits:
    per_window: int = 500
    concurrent: int = 10
    batches_per_window: int = 40
    window_seconds: float = 60.0


@dataclass
class Posting:
    account_id: str
    amount: Decimal  # debit positive, credit negative
    txn_date: str
    # The name the posting is for, as "Customer:12" (a journal line's Entity, an expense line's
    # CustomerRef, a cheque's payee), and the line's description: the GeneralLedger report's
    # Name and Memo columns. Postings saved before these existed read them as None.
    party: str | None = None
    memo: str | None = None


@dataclass
class Company:
    realm_id: str
    name: str
    edition: str
    country: str
    home_currency: str
    multicurrency: bool
    created: float
    book_close_date: date | None = None
    subscription_status: str = "active"
    authorizing_user_disabled: bool = False
    outage: str = "none"
    gateway_fault_format: str = "json"
    latency_ms: int = 0
    # Refuse a changedSince older than this many days (2190), as documented; None answers in
    # full, as recorded traffic shows real companies doing.
    cdc_window_days: int | None = None
    chaos: Chaos = field(default_factory=Chaos)
    custom_txn_numbers: bool = False
    warn_duplicate_doc_numbers: bool = False
    class_tracking: bool = False
    limits: Limits = field(default_factory=Limits)
    records: dict[str, dict[str, Record]] = field(default_factory=dict)
    tombstones: dict[str, dict[str, Record]] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)
    requests: dict[str, tuple[int, str]] = field(default_factory=dict)
    deposited: dict[str, str] = field(default_factory=dict)
    # "Entity:Id" of a transaction matched to a downloaded bank line → that line's id.
    bank_matches: dict[str, str] = field(default_factory=dict)
    postings: dict[tuple[str, str], list[Posting]] = field(default_factory=dict)
    balances: dict[str, Decimal] = field(default_factory=dict)
    applied: dict[tuple[str, str], dict[str, Decimal]] = field(default_factory=dict)
    open_items: dict[tuple[str, str], tuple[str, Decimal]] = field(default_factory=dict)
    customer_open: dict[str, Decimal] = field(default_factory=dict)
    # The same for vendors: what each open bill (vendor credit) adds to its vendor's Balance.
    vendor_items: dict[tuple[str, str], tuple[str, Decimal]] = field(default_factory=dict)
    vendor_open: dict[str, Decimal] = field(default_factory=dict)
    name_index: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)
    # Inventory: (entity, id) -> {item id: quantity in (+) or out (-)}; an item's own starting
    # quantity is kept under ("Item", its id). QtyOnHand is the sum over all of them.
    stock_moves: dict[tuple[str, str], dict[str, Decimal]] = field(default_factory=dict)
    # Attachable files: attachable id -> (download key, content type, bytes).
    files: dict[str, tuple[str, str, bytes]] = field(default_factory=dict)
    # Sales forms "e-mailed" through /send, newest last, for the control API to show.
    outbox: list[dict[str, Any]] = field(default_factory=list)

    @property
    def tz(self) -> timezone:
        return company_tz(self.country)

    @property
    def plus_or_better(self) -> bool:
        return self.edition in ("plus", "advanced")

    def table(self, entity: str) -> dict[str, Record]:
        return self.records.setdefault(entity, {})

    def get(self, entity: str, ident: str) -> Record | None:
        return self.records.get(entity, {}).get(ident)

    def next_id(self, entity: str) -> str:
        """The next Id of ``entity``, from the sequence it shares with its kin (see SEQUENCES)."""
        group = SEQUENCES.get(entity)
        if group is None:
            key = entity
        else:
            key = f"seq:{group}"
            if key not in self.counters:
                # A company saved before shared sequences: continue after its highest Id.
                self.counters[key] = max(
                    (v for e, v in self.counters.items() if SEQUENCES.get(e) == group), default=0
                )
        value = self.counters.get(key, 0) + 1
        self.counters[key] = value
        return str(value)

    def next_doc_number(self, series: str, start: int) -> str:
        key = f"doc:{series}"
        value = self.counters.get(key, start - 1) + 1
        self.counters[key] = value
        return str(value)

    def active(self, entity: str, ident: str) -> dict[str, Any] | None:
        rec = self.get(entity, ident)
        if rec is None or rec.data.get("Active") is False:
            return None
        return rec.data

    def find_by(self, entity: str, key: str, value: object) -> Record | None:
        for rec in self.table(entity).values():
            if rec.data.get(key) == value:
                return rec
        return None

    def account_by_subtype(self, subtype: str) -> Record | None:
        return self.find_by("Account", "AccountSubType", subtype)


def name_key(name: str) -> str:
    """Names clash case-insensitively and ignoring surrounding blanks (a documented choice)."""
    return " ".join(name.split()).casefold()


def claim_name(
    c: Company, group: str, entity: str, ident: str, old: str | None, new: str | None
) -> None:
    index = c.name_index.setdefault(group, {})
    if old is not None and index.get(name_key(old)) == (entity, ident):
        del index[name_key(old)]
    if new is not None:
        index[name_key(new)] = (entity, ident)


def name_owner(c: Company, group: str, name: str) -> tuple[str, str] | None:
    return c.name_index.get(group, {}).get(name_key(name))
