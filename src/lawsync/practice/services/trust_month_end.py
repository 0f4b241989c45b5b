"""Month end: the three-way reconciliation of a trust account, and closing the month.

The three sides, each at the month's last day:

- the adjusted bank balance: the bank statement's closing balance, plus deposits in transit
  (money in the books the bank has not shown yet), less outstanding cheques (money out of the
  books the bank has not paid yet). What is outstanding follows from the matching: a
  transaction not matched to a statement line dated on or before the statement's date.
  Transfers inside one account move no bank money and are left out, and so is a transaction
  reversed before the bank saw either of them.
- the trust journal balance: every transaction of the account up to the month's end.
- the client ledgers: the balance of each client (and matter), added up.

A reconciliation is prepared (the figures saved, with who and when); a different administrator
approves it, which closes the month (see `closed_months`). An administrator may reopen a closed
month, the latest closed one first, with a reason; the reconciliation keeps who reopened it, when
and why, the audit log says so too, and the month is reconciled afresh.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from lawsync.practice.commands import ReconciliationPrepare, ReconciliationReopen
from lawsync.practice.errors import Forbidden, InvalidInput, RuleViolation
from lawsync.practice.models import (
    BankStatement,
    BankStatementLine,
    ClientFundsAccount,
    ClientFundsBalance,
    ClientFundsTransaction,
    Contact,
    Matter,
    ReconciliationState,
    TrustReconciliation,
    TrustTransfer,
    TrustTxnKind,
)
from lawsync.practice.services import closed_months
from lawsync.practice.services.context import Actor, Ledger, audit, get
from lawsync.storage import utcnow

CENT = Decimal("0.01")
TXN = ClientFundsTransaction


def _cents(value: object) -> Decimal:
    return Decimal(value or 0).quantize(CENT)  # type: ignore[arg-type]


def parse_month(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(f"{text}-01")
    except ValueError:
        raise InvalidInput(f"{text!r} is not a month (YYYY-MM).", field="month") from None


@dataclass(frozen=True)
class Outstanding:
    """A transaction in the books the bank had not shown by the statement's date."""

    txn_id: int
    date: dt.date
    kind: str
    amount: Decimal
    cheque_number: str | None
    client_name: str
    description: str


@dataclass(frozen=True)
class BankOnly:
    """A statement line with no transaction in the books (a bank fee, an error to explain)."""

    line_id: int
    date: dt.date
    amount: Decimal
    description: str


@dataclass(frozen=True)
class ClientLedger:
    client_id: int
    client_name: str
    matter_id: int | None
    matter_number: str | None
    balance: Decimal


@dataclass
class ThreeWay:
    account_id: int
    account_name: str
    currency: str
    month: dt.date
    month_end: dt.date
    statement_id: int | None
    statement_date: dt.date | None
    statement_balance: Decimal
    outstanding: list[Outstanding] = field(default_factory=list)
    bank_only: list[BankOnly] = field(default_factory=list)
    clients: list[ClientLedger] = field(default_factory=list)
    journal_balance: Decimal = Decimal("0.00")

    @property
    def deposits_in_transit(self) -> Decimal:
        return sum((o.amount for o in self.outstanding if o.amount > 0), Decimal("0.00"))

    @property
    def outstanding_cheques(self) -> Decimal:
        return sum((o.amount for o in self.outstanding if o.amount < 0), Decimal("0.00"))

    @property
    def adjusted_bank_balance(self) -> Decimal:
        return self.statement_balance + self.deposits_in_transit + self.outstanding_cheques

    @property
    def client_ledgers_total(self) -> Decimal:
        return sum((c.balance for c in self.clients), Decimal("0.00"))

    @property
    def negative_clients(self) -> list[ClientLedger]:
        return [c for c in self.clients if c.balance < 0]

    @property
    def balanced(self) -> bool:
        """The three sides agree (against a statement: without one there is no bank side)."""
        return (
            self.statement_id is not None
            and self.adjusted_bank_balance == self.journal_balance == self.client_ledgers_total
        )


def _statement_for(
    session: Session, account_id: int, month: dt.date, statement_id: int | None
) -> BankStatement | None:
    end = closed_months.month_end(month)
    if statement_id is not None:
        statement = get(session, BankStatement, statement_id, field="statement_id")
        if statement.account_id != account_id:
            raise InvalidInput("That statement is of another trust account.", field="statement_id")
        if not month <= statement.statement_date <= end:
            raise InvalidInput("That statement is dated in another month.", field="statement_id")
        return statement
    return session.execute(
        select(BankStatement)
        .where(
            BankStatement.account_id == account_id,
            BankStatement.statement_date >= month,
            BankStatement.statement_date <= end,
        )
        .order_by(BankStatement.statement_date.desc(), BankStatement.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def compute(
    session: Session, account_id: int, month: dt.date, statement_id: int | None = None
) -> ThreeWay:
    """The three sides of the account's reconciliation for a month, as the books stand now."""
    account = get(session, ClientFundsAccount, account_id, field="account_id")
    end = closed_months.month_end(month)
    statement = _statement_for(session, account_id, month, statement_id)
    result = ThreeWay(
        account_id=account.id,
        account_name=account.name,
        currency=account.currency,
        month=month,
        month_end=end,
        statement_id=statement.id if statement else None,
        statement_date=statement.statement_date if statement else None,
        statement_balance=_cents(statement.closing_balance) if statement else Decimal("0.00"),
    )
    cleared_by = result.statement_date or dt.date.min
    in_account = and_(TXN.account_id == account_id, TXN.date <= end)
    result.journal_balance = _cents(
        session.execute(select(func.sum(TXN.amount)).where(in_account)).scalar_one()
    )
    result.clients = _client_ledgers(session, account_id, end)
    result.outstanding = _outstanding(session, account_id, end, result.statement_date)
    if statement is not None:
        result.bank_only = [
            BankOnly(i, d, _cents(a), text)
            for i, d, a, text in session.execute(
                select(
                    BankStatementLine.id,
                    BankStatementLine.date,
                    BankStatementLine.amount,
                    BankStatementLine.description,
                )
                .where(
                    BankStatementLine.account_id == account_id,
                    BankStatementLine.date <= cleared_by,
                    BankStatementLine.matched_txn_id.is_(None),
                )
                .order_by(BankStatementLine.date, BankStatementLine.id)
            )
        ]
    return result


def _client_ledgers(session: Session, account_id: int, end: dt.date) -> list[ClientLedger]:
    """Each client's (and matter's) balance at the month's end, from the running balances the
    ledger keeps (not from the journal, so the two sides are counted apart), less what moved
    after the month."""
    b = ClientFundsBalance
    held: dict[tuple[int, int], Decimal] = {
        (client, key): Decimal(balance)
        for client, key, balance in session.execute(
            select(b.client_id, b.matter_key, b.balance).where(b.account_id == account_id)
        )
    }
    later = session.execute(
        select(TXN.client_id, TXN.matter_id, func.sum(TXN.amount))
        .where(TXN.account_id == account_id, TXN.date > end)
        .group_by(TXN.client_id, TXN.matter_id)
    )
    for client, matter_id, moved in later:
        key = (client, matter_id or 0)
        held[key] = held.get(key, Decimal(0)) - Decimal(moved)
    nonzero = {k: _cents(v) for k, v in held.items() if _cents(v) != 0}
    who = select(Contact.id, Contact.display_name).where(Contact.id.in_({c for c, _ in nonzero}))
    names: dict[int, str] = {i: name for i, name in session.execute(who)}
    which = select(Matter.id, Matter.number).where(Matter.id.in_({m for _, m in nonzero if m}))
    numbers: dict[int, str] = {i: number for i, number in session.execute(which)}
    rows = [
        ClientLedger(c, names.get(c, ""), m or None, numbers.get(m) if m else None, v)
        for (c, m), v in nonzero.items()
    ]
    rows.sort(key=lambda r: (r.client_name, r.client_id, r.matter_id or 0))
    return rows


def _outstanding(
    session: Session, account_id: int, end: dt.date, statement_date: dt.date | None
) -> list[Outstanding]:
    """The transactions up to the month's end that no statement line up to the statement's
    date matches, with their clients' names."""
    cleared_by = statement_date or dt.date.min
    inside = session.execute(
        select(TrustTransfer.out_txn_id, TrustTransfer.in_txn_id).where(
            TrustTransfer.from_account_id == account_id,
            TrustTransfer.to_account_id == account_id,
            TrustTransfer.date <= end,
        )
    )
    skip = {i for pair in inside for i in pair}
    cleared = exists().where(
        BankStatementLine.matched_txn_id == TXN.id, BankStatementLine.date <= cleared_by
    )
    rows = {
        r.id: r
        for r in session.execute(
            select(
                TXN.id,
                TXN.date,
                TXN.kind,
                TXN.amount,
                TXN.cheque_number,
                TXN.reverses_id,
                TXN.client_id,
                TXN.description,
                TXN.payee_name,
            ).where(TXN.account_id == account_id, TXN.date <= end, ~cleared)
        )
        if r.id not in skip and r.reverses_id not in skip
    }
    for r in list(rows.values()):
        if r.kind == TrustTxnKind.reversal and r.reverses_id in rows:
            del rows[r.reverses_id]  # never reached the bank, nor did its reversal
            del rows[r.id]
    clients = {r.client_id for r in rows.values()}
    names: dict[int, str] = {
        i: name
        for i, name in session.execute(
            select(Contact.id, Contact.display_name).where(Contact.id.in_(clients))
        )
    }
    found = [
        Outstanding(
            r.id,
            r.date,
            str(r.kind),
            _cents(r.amount),
            r.cheque_number,
            names.get(r.client_id, ""),
            r.payee_name or r.description,
        )
        for r in rows.values()
    ]
    found.sort(key=lambda o: (o.date, o.txn_id))
    return found


def three_way(ledger: Ledger, actor: Actor, account_id: int, month: str | dt.date) -> ThreeWay:
    first = parse_month(month) if isinstance(month, str) else month.replace(day=1)
    with ledger.uow(actor) as uow:
        return compute(uow.session, account_id, first)


def _current(session: Session, account_id: int, month: dt.date) -> TrustReconciliation | None:
    return session.execute(
        select(TrustReconciliation)
        .where(
            TrustReconciliation.account_id == account_id,
            TrustReconciliation.month == month,
            TrustReconciliation.state.in_(
                [ReconciliationState.prepared, ReconciliationState.closed]
            ),
        )
        .order_by(TrustReconciliation.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def prepare(ledger: Ledger, actor: Actor, cmd: ReconciliationPrepare) -> TrustReconciliation:
    """Save the month's figures as they stand, ready for another administrator's approval."""
    month = parse_month(cmd.month)
    with ledger.uow(actor) as uow:
        s = uow.session
        get(s, ClientFundsAccount, cmd.account_id, field="account_id")
        if closed_months.month_end(month) >= dt.date.today():
            raise InvalidInput("A month is reconciled once it has ended.", field="month")
        closed_months.lock_account(s, cmd.account_id, exclusive=True)
        current = _current(s, cmd.account_id, month)
        if current is not None and current.state == ReconciliationState.closed:
            raise RuleViolation(
                f"{month:%B %Y} is closed already; an administrator may reopen it.",
                field="month",
                code="month_closed",
            )
        figures = compute(s, cmd.account_id, month, cmd.statement_id)
        if figures.statement_id is None:
            raise RuleViolation(
                f"Enter or import the bank statement for {month:%B %Y} first.",
                field="statement_id",
                code="no_statement",
            )
        if figures.negative_clients:
            raise RuleViolation(
                "A client ledger is below zero at the month's end; this must be put right first.",
                field="month",
                code="negative_client_balance",
            )
        explanation = cmd.explanation.strip()
        if not figures.balanced and not explanation:
            raise InvalidInput(
                "The three balances differ: explain the difference item by item.",
                field="explanation",
            )
        if current is not None:  # a fresh preparation replaces the one waiting for approval
            current.state = ReconciliationState.withdrawn
        rec = TrustReconciliation(
            firm_id=actor.firm_id,
            account_id=cmd.account_id,
            month=month,
            state=ReconciliationState.prepared,
            statement_id=figures.statement_id,
            statement_balance=figures.statement_balance,
            outstanding_cheques=figures.outstanding_cheques,
            deposits_in_transit=figures.deposits_in_transit,
            adjusted_bank_balance=figures.adjusted_bank_balance,
            journal_balance=figures.journal_balance,
            client_ledgers_total=figures.client_ledgers_total,
            explanation=explanation,
            prepared_by_id=actor.user_id,
            prepared_at=utcnow(),
        )
        s.add(rec)
        s.flush()
        audit(s, actor, "trust_reconciliation", rec.id, "prepare", _figures(rec))
        uow.commit()
        return rec


def _figures(rec: TrustReconciliation) -> dict[str, object]:
    return {
        "account_id": rec.account_id,
        "month": rec.month,
        "adjusted_bank_balance": rec.adjusted_bank_balance,
        "journal_balance": rec.journal_balance,
        "client_ledgers_total": rec.client_ledgers_total,
    }


def approve(ledger: Ledger, actor: Actor, rec_id: int) -> TrustReconciliation:
    """A second administrator's approval, which closes the month."""
    actor.require_admin("approve a trust reconciliation")
    with ledger.uow(actor) as uow:
        s = uow.session
        rec = get(s, TrustReconciliation, rec_id)
        closed_months.lock_account(s, rec.account_id, exclusive=True)
        if rec.state != ReconciliationState.prepared:
            raise RuleViolation(
                f"This reconciliation is {rec.state.value}; only a prepared one is approved.",
                code="not_prepared",
            )
        if actor.user_id is None or actor.user_id == rec.prepared_by_id:
            raise Forbidden(
                "A reconciliation is approved by an administrator other than the one who "
                "prepared it."
            )
        now = compute(s, rec.account_id, rec.month, rec.statement_id)
        if (
            now.adjusted_bank_balance != _cents(rec.adjusted_bank_balance)
            or now.journal_balance != _cents(rec.journal_balance)
            or now.client_ledgers_total != _cents(rec.client_ledgers_total)
        ):
            raise RuleViolation(
                "The books or the matching changed since this reconciliation was prepared; "
                "prepare it again.",
                code="reconciliation_stale",
            )
        rec.state = ReconciliationState.closed
        rec.approved_by_id = actor.user_id
        rec.approved_at = utcnow()
        s.flush()
        audit(s, actor, "trust_reconciliation", rec.id, "approve", _figures(rec))
        uow.commit()
        return rec


def reopen(
    ledger: Ledger, actor: Actor, rec_id: int, cmd: ReconciliationReopen
) -> TrustReconciliation:
    """Open a closed month again (the latest closed month of the account first)."""
    actor.require_admin("reopen a closed month")
    with ledger.uow(actor) as uow:
        s = uow.session
        rec = get(s, TrustReconciliation, rec_id)
        closed_months.lock_account(s, rec.account_id, exclusive=True)
        if rec.state != ReconciliationState.closed:
            raise RuleViolation("Only a closed month is reopened.", code="not_closed")
        later = s.execute(
            select(TrustReconciliation.month).where(
                TrustReconciliation.account_id == rec.account_id,
                TrustReconciliation.state == ReconciliationState.closed,
                TrustReconciliation.month > rec.month,
            )
        ).first()
        if later:
            raise RuleViolation(
                f"{later[0]:%B %Y} is closed too; reopen the later months first.",
                code="later_month_closed",
            )
        rec.state = ReconciliationState.reopened
        rec.reopened_by_id = actor.user_id
        rec.reopened_at = utcnow()
        rec.reopen_reason = cmd.reason
        s.flush()
        audit(s, actor, "trust_reconciliation", rec.id, "reopen", _figures(rec), cmd.reason)
        uow.commit()
        return rec


def get_reconciliation(ledger: Ledger, actor: Actor, rec_id: int) -> TrustReconciliation:
    with ledger.uow(actor) as uow:
        return get(uow.session, TrustReconciliation, rec_id)


def reconciliations(
    ledger: Ledger, actor: Actor, account_id: int | None = None
) -> list[TrustReconciliation]:
    stmt = select(TrustReconciliation).order_by(
        TrustReconciliation.month.desc(), TrustReconciliation.id.desc()
    )
    if account_id is not None:
        stmt = stmt.where(TrustReconciliation.account_id == account_id)
    with ledger.uow(actor) as uow:
        return list(uow.session.execute(stmt.limit(500)).scalars())
