"""A bill's life, on the bill itself: each move is `can_x()` (the refusal or None) and `x()`.

Tested on bills in memory, without a database: the rules are the bill's, not the service's.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lawsync.practice.errors import BillStateError
from lawsync.practice.models import Bill, BillState

AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _bill(state: BillState, *, total: str = "100.00", paid: str = "0", credited: str = "0") -> Bill:
    total_d, paid_d, credited_d = Decimal(total), Decimal(paid), Decimal(credited)
    return Bill(
        number="1007",
        state=state,
        total=total_d,
        paid_total=paid_d,
        credited_total=credited_d,
        balance=total_d - paid_d - credited_d,
    )


@pytest.mark.parametrize(
    ("state", "has_lines", "code"),
    [
        (BillState.draft, True, None),
        (BillState.draft, False, "bill_empty"),
        (BillState.approved, True, "bill_state"),
        (BillState.paid, True, "bill_state"),
        (BillState.void, True, "bill_state"),
        (BillState.deleted, True, "bill_state"),
    ],
)
def test_only_a_draft_with_lines_can_be_approved(
    state: BillState, has_lines: bool, code: str | None
) -> None:
    bill = _bill(state)
    refusal = bill.can_approve(has_lines=has_lines)
    assert (refusal.code if refusal else None) == code
    if code:
        with pytest.raises(BillStateError) as raised:
            bill.approve(AT, has_lines=has_lines)
        assert (raised.value.code, bill.state, bill.approved_at) == (code, state, None)
    else:
        bill.approve(AT, has_lines=has_lines)
        assert (bill.state, bill.approved_at) == (BillState.approved, AT)


def test_a_draft_with_nothing_owing_is_paid_when_approved() -> None:
    bill = _bill(BillState.draft, total="0.00")
    bill.approve(AT, has_lines=True)
    assert bill.state == BillState.paid


def test_a_negative_total_cannot_be_approved() -> None:
    refusal = _bill(BillState.draft, total="-1.00").can_approve(has_lines=True)
    assert refusal is not None and "negative" in refusal.message


@pytest.mark.parametrize(
    ("state", "paid", "allowed"),
    [
        (BillState.approved, "0", True),
        (BillState.paid, "0", True),
        (BillState.approved, "10.00", False),
        (BillState.draft, "0", False),
        (BillState.void, "0", False),
        (BillState.deleted, "0", False),
    ],
)
def test_void_needs_a_sent_bill_with_no_money_applied(
    state: BillState, paid: str, allowed: bool
) -> None:
    bill = _bill(state, paid=paid)
    assert (bill.can_void() is None) is allowed
    if allowed:
        bill.void(AT)
        assert (bill.state, bill.voided_at, bill.balance) == (BillState.void, AT, Decimal("0.00"))
    else:
        with pytest.raises(BillStateError):
            bill.void(AT)
        assert bill.state == state and bill.voided_at is None


@pytest.mark.parametrize(
    ("state", "credited", "outcome"),
    [
        (BillState.draft, "0", "removed"),
        (BillState.approved, "0", "tombstone"),
        (BillState.paid, "0", "tombstone"),
        (BillState.approved, "5.00", "refused"),
        (BillState.void, "0", "refused"),
        (BillState.deleted, "0", "refused"),
    ],
)
def test_delete_removes_a_draft_and_leaves_a_tombstone_of_a_sent_bill(
    state: BillState, credited: str, outcome: str
) -> None:
    bill = _bill(state, credited=credited)
    assert (bill.can_delete() is None) is (outcome != "refused")
    if outcome == "refused":
        with pytest.raises(BillStateError):
            bill.delete()
        assert bill.state == state
    elif outcome == "removed":
        assert bill.delete() is True
        assert bill.state == BillState.draft
    else:
        assert bill.delete() is False
        assert (bill.state, bill.balance) == (BillState.deleted, Decimal("0.00"))


@pytest.mark.parametrize("state", list(BillState))
def test_only_void_and_deleted_bills_cannot_be_edited(state: BillState) -> None:
    refusal = _bill(state).can_edit()
    if state in (BillState.void, BillState.deleted):
        assert refusal is not None and refusal.code == "bill_not_editable"
    else:
        assert refusal is None


@pytest.mark.parametrize(
    ("state", "balance", "after"),
    [
        (BillState.approved, "0.00", BillState.paid),
        (BillState.paid, "5.00", BillState.approved),
        (BillState.approved, "5.00", BillState.approved),
        (BillState.draft, "0.00", BillState.draft),
        (BillState.void, "0.00", BillState.void),
    ],
)
def test_settle_follows_the_balance_of_a_sent_bill_only(
    state: BillState, balance: str, after: BillState
) -> None:
    bill = _bill(state)
    bill.balance = Decimal(balance)
    bill.settle()
    assert bill.state == after
