"""Bill arithmetic as pure functions: taxes at the line, totals, balances.

Every line amount and every line tax is rounded half-up to cents on its own; a bill's totals are
sums of those rounded figures, so whoever adds the lines up again gets the same total to the cent.
The discount is taken off the bill as a whole, after tax:

    total = Σ line amounts + Σ line taxes - discount
    balance = total - payments - credits
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from lawsync.money import ZERO, line_amount, percent_of, to_cents
from lawsync.practice.errors import InvalidInput
from lawsync.practice.fields import MAX_AMOUNT, MAX_TOTAL
from lawsync.practice.models import DiscountKind, LineKind


@dataclass(frozen=True)
class TaxRule:
    name: str
    rate: Decimal
    on_time: bool
    on_expenses: bool

    def rate_for(self, kind: LineKind) -> Decimal:
        applies = self.on_time if kind == LineKind.time else self.on_expenses
        return self.rate if applies and self.rate > 0 else ZERO


@dataclass(frozen=True)
class LineTaxes:
    primary_rate: Decimal
    primary: Decimal
    secondary_rate: Decimal
    secondary: Decimal


def line_taxes(kind: LineKind, amount: Decimal, primary: TaxRule, secondary: TaxRule) -> LineTaxes:
    p_rate = primary.rate_for(kind)
    s_rate = secondary.rate_for(kind)
    return LineTaxes(p_rate, percent_of(amount, p_rate), s_rate, percent_of(amount, s_rate))


@dataclass(frozen=True)
class LineFigures:
    amount: Decimal
    primary_tax: Decimal
    secondary_tax: Decimal


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    primary_tax: Decimal
    secondary_tax: Decimal
    discount: Decimal
    total: Decimal


def bounded_line_amount(quantity: Decimal, price: Decimal, *, field: str) -> Decimal:
    """Quantity times price, refused when the line would come to more than any amount may."""
    amount = line_amount(quantity, price)
    if amount > MAX_AMOUNT:
        raise InvalidInput(
            f"{quantity} at {price} comes to {amount}; a single line may come to at most "
            f"{MAX_AMOUNT}. Split the work into several entries.",
            field=field,
            code="amount_too_large",
        )
    return amount


def check_total(total: Decimal) -> None:
    """A bill's total, like a trust balance, must stay within what the books can hold."""
    if total > MAX_TOTAL:
        raise InvalidInput(
            f"This would make a bill of {total}; a bill may come to at most {MAX_TOTAL}. "
            "Bill the work in several bills.",
            code="amount_too_large",
        )


def discount_amount(kind: DiscountKind, value: Decimal, subtotal: Decimal) -> Decimal:
    if kind == DiscountKind.percent:
        return percent_of(subtotal, value)
    if kind == DiscountKind.amount:
        return to_cents(value)
    return ZERO


def bill_totals(lines: Iterable[LineFigures], kind: DiscountKind, value: Decimal) -> Totals:
    subtotal = primary = secondary = ZERO
    for line in lines:
        subtotal += line.amount
        primary += line.primary_tax
        secondary += line.secondary_tax
    discount = discount_amount(kind, value, subtotal)
    total = subtotal + primary + secondary - discount
    return Totals(subtotal, primary, secondary, discount, total)
