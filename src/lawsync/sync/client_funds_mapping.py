"""Client funds transactions → what they are posted as: pure functions, no I/O.

Money held for clients sits in the trust bank account and is owed to them on the trust
liability account, so every movement posts to both, the client named on each line:

    money in  (a deposit; the reversal of money out)   Dr bank       Cr liability
    money out (a disbursement, funds applied to a bill) Dr liability  Cr bank

A cheque to print is a cheque (a Purchase paid by cheque) from the bank account, its one line on
the liability account for the client: the same postings as money out, printed in QuickBooks.

A line's description longer than QuickBooks takes is shortened, not refused: the transaction
cannot be edited (a refusal could only be cleared by a reversal, which would post alone), the
ledger keeps the whole text, and the shortened one ends by saying so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from lawsync.money import format_money
from lawsync.practice.models import ClientFundsTransaction, TrustTxnKind
from lawsync.sync.kinds import Kind, marker
from lawsync.sync.mapping import clean_name
from lawsync.sync.models import ClientFundsOpening

# A journal line's description (QuickBooks documents 4,000); a cheque line is held to the same.
DESCRIPTION_LIMIT = 4000
SHORTENED = " … (shortened: the full text is in lawsync)"
KIND_WORDS = {
    TrustTxnKind.deposit: "Deposit",
    TrustTxnKind.disbursement: "Disbursement",
    TrustTxnKind.payment_applied: "Funds applied to a bill",
    TrustTxnKind.reversal: "Reversal",
    TrustTxnKind.transfer_out: "Transfer out",
    TrustTxnKind.transfer_in: "Transfer in",
}


@dataclass(frozen=True)
class TrustAccounts:
    """The company's two accounts for one trust account."""

    bank: str
    liability: str


@dataclass(frozen=True)
class Payee:
    """Whom a cheque is written to: a vendor, or a customer (a client taking back their money)."""

    id: str
    type: str  # Vendor, Customer or Employee


def journal_number(prefix: str, txn_id: int) -> str:
    return f"{prefix}{txn_id}"


def description(txn: ClientFundsTransaction) -> str:
    words = [KIND_WORDS[txn.kind]]
    if txn.payee_name and txn.kind != TrustTxnKind.deposit:
        words.append(f"to {txn.payee_name}")
    if txn.source and txn.kind == TrustTxnKind.deposit:
        words.append(f"from {txn.source}")
    if txn.description:
        words.append(f"- {txn.description}")
    return shortened(" ".join(words), DESCRIPTION_LIMIT)


def shortened(text: str, limit: int) -> str:
    """The text if it fits in ``limit`` characters, else its beginning and a note that it was
    cut (the whole of it stays in the ledger)."""
    if len(text) <= limit:
        return text
    return text[: limit - len(SHORTENED)].rstrip() + SHORTENED


def _line(amount: Decimal, posting: str, account: str, customer: str, text: str) -> dict[str, Any]:
    return {
        "DetailType": "JournalEntryLineDetail",
        "Amount": format_money(amount),
        "Description": text,
        "JournalEntryLineDetail": {
            "PostingType": posting,
            "AccountRef": {"value": account},
            "Entity": {"Type": "Customer", "EntityRef": {"value": customer}},
        },
    }


def _entry(
    amount: Decimal,
    date: dt.date,
    number: str,
    note: str,
    accounts: TrustAccounts,
    customer_id: str,
    text: str,
) -> dict[str, Any]:
    """A journal entry moving ``amount`` into trust (out of it when negative) for a client."""
    money_in = amount > 0
    debit, credit = (
        (accounts.bank, accounts.liability) if money_in else (accounts.liability, accounts.bank)
    )
    size = abs(amount)
    return {
        "DocNumber": number,
        "TxnDate": date.isoformat(),
        "PrivateNote": note,
        "Line": [
            _line(size, "Debit", debit, customer_id, text),
            _line(size, "Credit", credit, customer_id, text),
        ],
    }


def in_currency(payload: dict[str, Any], currency: str | None) -> dict[str, Any]:
    """The payload in a foreign currency (``None``: the company's own). QuickBooks converts it
    at its rate of the day; the amounts stay the trust account's own."""
    if currency:
        payload["CurrencyRef"] = {"value": currency}
    return payload


def journal_entry(
    txn: ClientFundsTransaction,
    accounts: TrustAccounts,
    customer_id: str,
    prefix: str,
    currency: str | None = None,
) -> dict[str, Any]:
    """Money in or out of trust as a journal entry dated the day it moved (in ``currency``,
    a foreign one the trust account is kept in)."""
    return in_currency(
        _entry(
            Decimal(txn.amount),
            txn.date,
            journal_number(prefix, txn.id),
            marker(Kind.TRUST_ENTRY, txn.id),
            accounts,
            customer_id,
            description(txn),
        ),
        currency,
    )


def opening_number(prefix: str, opening_id: int) -> str:
    return f"{prefix}OB{opening_id}"


def opening_entry(
    opening: ClientFundsOpening, accounts: TrustAccounts, customer_id: str, prefix: str
) -> dict[str, Any]:
    """What a client held before the start date, as one entry dated the start date."""
    return _entry(
        Decimal(opening.amount),
        opening.as_of,
        opening_number(prefix, opening.id),
        marker(Kind.TRUST_OPENING, opening.id),
        accounts,
        customer_id,
        f"Opening balance held in trust as of {opening.as_of.isoformat()}",
    )


def cheque(
    txn: ClientFundsTransaction,
    accounts: TrustAccounts,
    customer_id: str,
    payee: Payee,
    currency: str | None = None,
) -> dict[str, Any]:
    """A disbursement by cheque as a cheque to print (or, numbered already, a printed one)."""
    payload: dict[str, Any] = {
        "PaymentType": "Check",
        "AccountRef": {"value": accounts.bank},
        "EntityRef": {"value": payee.id, "type": payee.type},
        "TxnDate": txn.date.isoformat(),
        "PrivateNote": marker(Kind.TRUST_CHEQUE, txn.id),
        "Line": [
            {
                "DetailType": "AccountBasedExpenseLineDetail",
                "Amount": format_money(abs(Decimal(txn.amount))),
                "Description": description(txn),
                "AccountBasedExpenseLineDetail": {
                    "AccountRef": {"value": accounts.liability},
                    "CustomerRef": {"value": customer_id},
                },
            }
        ],
    }
    payload.update(cheque_number(txn))
    return in_currency(payload, currency)


def cheque_number(txn: ClientFundsTransaction) -> dict[str, Any]:
    """The number a cheque carries: the ledger's, when known (nothing left to print)."""
    if txn.cheque_number:
        return {"DocNumber": txn.cheque_number, "PrintStatus": "NotSet"}
    return {"PrintStatus": "NeedToPrint"}


def payee_name(txn: ClientFundsTransaction) -> str:
    return clean_name(txn.payee_name)[:100]
