"""What is known about a client funds transaction before any call: a journal number too long, a
currency the company cannot hold; and a description too long, which is shortened, not refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from lawsync.practice.models import ClientFundsTransaction, DisbursementMethod, TrustTxnKind
from lawsync.sync import client_funds_mapping as posting
from lawsync.sync import preflight
from lawsync.sync.catalogue import guide_for
from lawsync.sync.client_funds_mapping import SHORTENED, TrustAccounts


def _txn(**kw: Any) -> ClientFundsTransaction:
    values: dict[str, Any] = {
        "id": 1042,
        "account_id": 1,
        "client_id": 7,
        "kind": TrustTxnKind.deposit,
        "date": dt.date(2026, 3, 2),
        "amount": Decimal("5000.00"),
        "description": "",
        "source": "Retainer",
        "payee_name": "",
        "method": None,
        "cheque_number": None,
    }
    values.update(kw)
    return ClientFundsTransaction(**values)


def _check(txn: ClientFundsTransaction, **kw: Any) -> list[preflight.Problem]:
    args: dict[str, Any] = {
        "currency": "USD",
        "home_currency": "USD",
        "multicurrency": False,
        "journal_prefix": "T-",
    }
    args.update(kw)
    return preflight.check_client_funds(txn, **args)


def test_a_transaction_in_the_home_currency_with_a_short_number_passes() -> None:
    assert _check(_txn()) == []
    assert _check(_txn(), journal_prefix=None) == []  # a cheque


def test_a_journal_number_over_21_characters_is_refused_with_our_code() -> None:
    # The prefix takes up to 10 characters, so only a very long transaction number overflows.
    (problem,) = _check(_txn(id=10**11), journal_prefix="TRUST-ACC-")
    assert problem.code == preflight.JOURNAL_NUMBER_TOO_LONG == "lawsync:journal_number_too_long"
    assert problem.element == "DocNumber" and "22 characters" in problem.message
    assert _check(_txn(id=10**10), journal_prefix="TRUST-ACC-") == []  # 21 exactly
    # A cheque carries no journal number: the same transaction as a cheque passes.
    assert _check(_txn(id=10**11), journal_prefix=None) == []


def test_a_currency_the_company_cannot_hold_is_refused_as_quickbooks_would() -> None:
    (problem,) = _check(_txn(), currency="EUR")
    assert (problem.code, problem.element) == ("6000", "CurrencyRef")
    assert "EUR" in problem.message and "USD only" in problem.message
    assert _check(_txn(), currency="EUR", multicurrency=True) == []
    # Its failure row explains it for client funds, whichever copy it is.
    for kind in ("client_funds_entry", "client_funds_cheque"):
        guide = guide_for("6000", element=problem.element, detail=problem.message, kind=kind)
        assert "currency" in guide.title and "/settings/quickbooks#client-funds" in guide.steps[0]


def test_every_problem_is_reported_at_once() -> None:
    problems = _check(_txn(id=10**11), journal_prefix="TRUST-ACC-", currency="EUR")
    assert [p.code for p in problems] == ["lawsync:journal_number_too_long", "6000"]


@pytest.mark.parametrize("kind", [TrustTxnKind.deposit, TrustTxnKind.disbursement])
def test_a_description_too_long_is_shortened_and_says_so(kind: TrustTxnKind) -> None:
    long = _txn(
        kind=kind,
        description="Purpose " * 700,
        payee_name="Expert Witness LLC",
        method=DisbursementMethod.cheque,
    )
    text = posting.description(long)
    assert posting.DESCRIPTION_LIMIT - 2 <= len(text) <= posting.DESCRIPTION_LIMIT == 4000
    assert text.endswith(SHORTENED) and "full text is in lawsync" in text
    assert text.startswith("Deposit from Retainer - Purpose" if kind == "deposit" else "Disburse")
    # Both copies carry it: the journal entry's two lines and the cheque's one.
    accounts = TrustAccounts("35", "36")
    entry = posting.journal_entry(long, accounts, "58", "T-")
    assert [ln["Description"] for ln in entry["Line"]] == [text, text]
    cheque = posting.cheque(long, accounts, "58", posting.Payee("9", "Vendor"))
    assert cheque["Line"][0]["Description"] == text


def test_a_description_that_fits_is_sent_whole() -> None:
    words = "Deposit from Retainer - "
    fits = _txn(description="x" * (posting.DESCRIPTION_LIMIT - len(words)))
    assert posting.description(fits) == words + fits.description
    assert posting.shortened("short", 10) == "short"
