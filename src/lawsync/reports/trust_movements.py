"""What the trust records read: an account's movements, their names and the words for them.

The records read plain Core rows (the firm in the criteria), not ORM objects: a record of 50,000
movements must be built in a fraction of a second.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from lawsync.practice.models import ClientFundsAccount, ClientFundsTransaction, Contact, Matter
from lawsync.practice.services.context import Actor, get
from lawsync.reports.jurisdictions import Jurisdiction
from lawsync.reports.record import Cell, Column, ColumnType, RecordParams

KIND_WORDS = {
    "deposit": "Deposit",
    "disbursement": "Disbursement",
    "payment_applied": "Applied to a bill",
    "reversal": "Reversal",
}
METHOD_WORDS = {"cheque": "Cheque", "eft": "Electronic transfer"}
NO_MATTER = "not for a matter"


class Movement(NamedTuple):
    id: int
    client_id: int
    matter_id: int | None
    date: dt.date
    kind: str
    amount: Decimal
    description: str
    source: str
    payee: str
    method: str | None
    cheque_number: str | None
    bill_id: int | None
    reverses_id: int | None

    @property
    def party(self) -> str:
        """Who the money came from (a receipt) or went to (a disbursement)."""
        return self.payee or self.source

    @property
    def method_words(self) -> str:
        if self.kind == "payment_applied":
            return "Transfer to general"
        if self.kind == "reversal":
            return "Correction"
        if self.method:
            return METHOD_WORDS.get(self.method, self.method)
        return "Deposit" if self.kind == "deposit" else ""

    @property
    def reference(self) -> str:
        """The identifier the rules ask for: cheque number, bill, or the entry reversed."""
        if self.cheque_number:
            return f"Cheque {self.cheque_number}"
        if self.bill_id is not None:
            return f"Bill {self.bill_id}"
        if self.reverses_id is not None:
            return f"Reverses #{self.reverses_id}"
        return ""


def movement_columns(
    rules: Jurisdiction,
    record: str,
    head: Sequence[Column],
    *,
    party: float,
    purpose: float,
    money_in: Column,
    money_out: Column,
) -> tuple[Column, ...]:
    """The columns of a record listing movements one a line (the trust journal, the client
    ledger): `head`, then the method and identifier where the rules ask for them, who the money
    came from or went to, why, money in and out, and the running balance."""
    cols = list(head)
    if rules.requires(record, "method"):
        cols.append(Column("method", "Method", width=1.9))
    if rules.requires(record, "reference"):
        cols.append(Column("reference", "Identifier", width=1.7))
    cols += [
        Column("party", "Received from / paid to", width=party),
        Column("description", "Purpose", width=purpose),
        money_in,
        money_out,
        Column("balance", "Balance", ColumnType.money, 1.4),
    ]
    return tuple(cols)


def movement_values(
    m: Movement, balance: Decimal, money_in: str, money_out: str
) -> dict[str, Cell]:
    """A movement's cells for `movement_columns` (money in and out under those keys; what a
    record adds, such as the client, it adds itself)."""
    return {
        "date": m.date,
        "entry": m.id,
        "kind": KIND_WORDS.get(m.kind, m.kind),
        "method": m.method_words,
        "reference": m.reference,
        "party": m.party,
        "description": m.description,
        money_in: m.amount if m.amount > 0 else None,
        money_out: -m.amount if m.amount < 0 else None,
        "balance": balance,
    }


def account_of(session: Session, actor: Actor, account_id: int) -> ClientFundsAccount:
    return get(session, ClientFundsAccount, account_id, field="account_id")


def movements(
    session: Session,
    actor: Actor,
    account_id: int,
    *,
    client_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    order: str = "date",
) -> list[Movement]:
    """The account's movements in the period, by date and id (or by client and matter first)."""
    t = ClientFundsTransaction
    criteria = [t.firm_id == actor.firm_id, t.account_id == account_id]
    if client_id is not None:
        criteria.append(t.client_id == client_id)
    if date_from is not None:
        criteria.append(t.date >= date_from)
    if date_to is not None:
        criteria.append(t.date <= date_to)
    ordering = (t.date, t.id) if order == "date" else (t.client_id, t.matter_id, t.date, t.id)
    stmt = (
        select(
            t.id,
            t.client_id,
            t.matter_id,
            t.date,
            type_coerce(t.kind, String),
            t.amount,
            t.description,
            t.source,
            t.payee_name,
            type_coerce(t.method, String),
            t.cheque_number,
            t.bill_id,
            t.reverses_id,
        )
        .where(*criteria)
        .order_by(*ordering)
    )
    return [Movement._make(row) for row in session.connection().execute(stmt)]


def client_names(session: Session, actor: Actor, ids: Iterable[int]) -> dict[int, str]:
    wanted = set(ids)
    if not wanted:
        return {}
    stmt = select(Contact.id, Contact.display_name).where(
        Contact.firm_id == actor.firm_id, Contact.id.in_(wanted)
    )
    return {i: n for i, n in session.connection().execute(stmt)}


def matter_numbers(session: Session, actor: Actor, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    stmt = select(Matter.id, Matter.number).where(
        Matter.firm_id == actor.firm_id, Matter.id.in_(wanted)
    )
    return {i: n for i, n in session.connection().execute(stmt)}


def last_date(rows: Sequence[Movement], *fallbacks: dt.date | None) -> dt.date:
    """The date a record describes: its period's end if given, else its last movement's date,
    else the first fallback given (never today, so the record renders the same tomorrow)."""
    for day in fallbacks[:1]:
        if day is not None:
            return day
    if rows:
        return max(r.date for r in rows)
    return next((d for d in fallbacks[1:] if d is not None), dt.date(1970, 1, 1))


def sum_or_zero(value: object) -> Decimal:
    """A SUM() read back: None (no rows) is zero."""
    return Decimal(str(value)) if value is not None else Decimal("0")


def period(params: RecordParams) -> str:
    start = params.date_from.isoformat() if params.date_from else "the first entry"
    end = params.date_to.isoformat() if params.date_to else "the last entry"
    return f"from {start} to {end}"
