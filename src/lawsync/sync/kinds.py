"""The names the sync gives things: kinds of synced record, and the keys of item mappings.

A `Kind` names one kind of practice record with an accounting-side copy. It is what links,
failures, private markers and the registry of exporters are keyed by, and, being a `str`, it is
stored as is in `sync_links.kind` and `sync_failures.kind`.

An `ItemKey` names one entry of the firm's item mappings: which product, tax item or tax code
stands for a category of work or a tax. In the API it is written `activity:12`,
`activity:default`, `tax1` or `taxcode:primary`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class Kind(StrEnum):
    """A kind of practice record the sync keeps a copy of."""

    USER = "user"  # a timekeeper → a class
    CONTACT = "contact"  # → a customer
    BILL = "bill"  # → an invoice
    INTEREST_CHARGE = "interest_charge"  # → an invoice
    CREDIT_NOTE = "credit_note"  # → a credit memo
    CREDIT_APPLICATION = "credit_application"  # a credit note's memo applied to its bill
    PAYMENT = "payment"  # → a payment
    TRUST_ENTRY = "client_funds_entry"  # a client funds transaction → a journal entry
    TRUST_CHEQUE = "client_funds_cheque"  # a disbursement by cheque → a cheque to print
    TRUST_OPENING = "client_funds_opening"  # what a client held before the start date
    # Inbound: what the accounting side recorded, kept in the ledger.
    HARD_COST = "hard_cost"  # an expense entry ← one category line of an expense or cheque
    HARD_COST_LINE = "hard_cost_line"  # such a line not imported (yet): its failures only
    RECEIVED_PAYMENT = "received_payment"  # a payment recorded there not taken: failures only
    INVOICE_CHANGE = "invoice_change"  # a bill whose invoice was changed there: failures only


def marker(kind: Kind, local_id: int) -> str:
    """The private note that lets a pass find its own copy again after a lost answer."""
    return f"lawsync:{kind}:{local_id}"


class ItemFor(StrEnum):
    """What an item mapping is for."""

    ACTIVITY = "activity"  # time lines of an activity category (category 0: the default)
    EXPENSE = "expense"  # expense lines of an expense category (category 0: the default)
    TAX1 = "tax1"  # the firm's first tax, as a separate line
    TAX2 = "tax2"  # the second tax
    INTEREST = "interest"
    CREDIT = "credit"
    # With tax codes on each line: the company tax code for lines carrying these taxes.
    TAXCODE_BOTH = "taxcode:both"
    TAXCODE_PRIMARY = "taxcode:primary"
    TAXCODE_SECONDARY = "taxcode:secondary"
    TAXCODE_NONE = "taxcode:none"

    @property
    def has_categories(self) -> bool:
        return self in (ItemFor.ACTIVITY, ItemFor.EXPENSE)


DEFAULT = 0  # the category id of a default mapping


class ItemKey(NamedTuple):
    """One item mapping: what it is for, and for which category (`DEFAULT` if none)."""

    kind: ItemFor
    category_id: int = DEFAULT

    def __str__(self) -> str:
        if self.kind.has_categories:
            return f"{self.kind}:{self.category_id or 'default'}"
        return str(self.kind)


ItemMap = dict[ItemKey, str]  # item mapping → the accounting-side id
