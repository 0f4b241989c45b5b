"""Trust bank statements: entered by hand or imported, and their lines matched to the books.

Matching ties a statement line to the trust transaction it is the bank's side of. Automatic
matching pairs a line with an unmatched transaction of the same account and amount: by cheque
number when the line has one, else by date (the transaction's date up to a few days before the
bank's, nearest first). A bookkeeper matches the rest by hand, or undoes a wrong match. Nothing
is matched or unmatched, and no statement is taken, in a closed month: that would change a
reconciliation already approved.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawsync.practice import statement_files
from lawsync.practice.commands import BankStatementEntry, BankStatementImport, StatementMatch
from lawsync.practice.errors import InvalidInput, RuleViolation
from lawsync.practice.models import (
    BankStatement,
    BankStatementLine,
    ClientFundsAccount,
    ClientFundsTransaction,
    StatementSource,
    TrustTransfer,
)
from lawsync.practice.services import closed_months
from lawsync.practice.services.context import Actor, Ledger, audit, get

# How many days a bank may take to show a deposit or transfer, and a cheque to be cashed.
DAYS_TO_CLEAR = 10
DAYS_TO_CASH = 180
DAYS_EARLY = 3  # a bank dating a line a little before the books do


def _check_statement_dates(session: Session, account_id: int, days: list[dt.date]) -> None:
    for day in sorted({d.replace(day=1) for d in days}):
        closed_months.refuse_closed(session, account_id, day, field="statement_date")


def enter_statement(ledger: Ledger, actor: Actor, cmd: BankStatementEntry) -> BankStatement:
    with ledger.uow(actor) as uow:
        s = uow.session
        get(s, ClientFundsAccount, cmd.account_id, field="account_id")
        _check_statement_dates(s, cmd.account_id, [cmd.statement_date])
        statement = BankStatement(
            firm_id=actor.firm_id,
            account_id=cmd.account_id,
            statement_date=cmd.statement_date,
            closing_balance=cmd.closing_balance,
            source=StatementSource.entered,
            created_by_id=actor.user_id,
        )
        s.add(statement)
        s.flush()
        audit(
            s,
            actor,
            "bank_statement",
            statement.id,
            "enter",
            {"date": cmd.statement_date, "closing_balance": cmd.closing_balance},
        )
        uow.commit()
        return statement


@dataclass(frozen=True)
class Imported:
    statement: BankStatement
    lines: int
    matched: int


def import_statement(ledger: Ledger, actor: Actor, cmd: BankStatementImport) -> Imported:
    if cmd.format == "ofx":
        parsed = statement_files.parse_ofx(cmd.content)
    else:
        parsed = statement_files.parse_csv(
            cmd.content,
            statement_files.CsvColumns(
                date=cmd.date_column,
                date_format=cmd.date_format,
                amount=cmd.amount_column,
                debit=cmd.debit_column,
                credit=cmd.credit_column,
                description=cmd.description_column,
                cheque=cmd.cheque_column,
                reference=cmd.reference_column,
            ),
        )
    closing = cmd.closing_balance if cmd.closing_balance is not None else parsed.closing_balance
    date = cmd.statement_date or parsed.statement_date
    if closing is None:
        raise InvalidInput("Give the statement's closing balance.", field="closing_balance")
    if date is None:
        raise InvalidInput("Give the statement's date.", field="statement_date")
    late = [line for line in parsed.lines if line.date > date]
    if late:
        raise InvalidInput(
            f"A line is dated {late[0].date.isoformat()}, after the statement's date "
            f"{date.isoformat()}.",
            field="statement_date",
        )
    with ledger.uow(actor) as uow:
        s = uow.session
        get(s, ClientFundsAccount, cmd.account_id, field="account_id")
        _check_statement_dates(s, cmd.account_id, [date, *(line.date for line in parsed.lines)])
        statement = BankStatement(
            firm_id=actor.firm_id,
            account_id=cmd.account_id,
            statement_date=date,
            closing_balance=closing,
            source=StatementSource(cmd.format),
            filename=cmd.filename,
            created_by_id=actor.user_id,
        )
        s.add(statement)
        s.flush()
        s.add_all(
            BankStatementLine(
                firm_id=actor.firm_id,
                statement_id=statement.id,
                account_id=cmd.account_id,
                date=line.date,
                amount=line.amount,
                description=line.description,
                cheque_number=line.cheque_number,
                bank_reference=line.bank_reference,
            )
            for line in parsed.lines
        )
        s.flush()
        matched = auto_match(s, cmd.account_id)
        audit(
            s,
            actor,
            "bank_statement",
            statement.id,
            "import",
            {
                "format": cmd.format,
                "date": date,
                "closing_balance": closing,
                "lines": len(parsed.lines),
                "matched": matched,
            },
        )
        uow.commit()
        return Imported(statement, len(parsed.lines), matched)


def _same_account_transfer_legs(session: Session, account_id: int) -> set[int]:
    """Legs of transfers inside one account, and their reversals: they move no bank money, so
    no statement line matches them."""
    rows = session.execute(
        select(TrustTransfer.out_txn_id, TrustTransfer.in_txn_id).where(
            TrustTransfer.from_account_id == account_id, TrustTransfer.to_account_id == account_id
        )
    )
    legs = {i for pair in rows for i in pair}
    if not legs:
        return legs
    reversals = session.execute(
        select(ClientFundsTransaction.id).where(
            ClientFundsTransaction.account_id == account_id,
            ClientFundsTransaction.reverses_id.in_(legs),
        )
    ).scalars()
    return legs | set(reversals)


def auto_match(session: Session, account_id: int) -> int:
    """Match what can be matched with certainty; returns how many lines were matched."""
    lines = list(
        session.execute(
            select(BankStatementLine)
            .where(
                BankStatementLine.account_id == account_id,
                BankStatementLine.matched_txn_id.is_(None),
            )
            .order_by(BankStatementLine.date, BankStatementLine.id)
        ).scalars()
    )
    if not lines:
        return 0
    taken = set(
        session.execute(
            select(BankStatementLine.matched_txn_id).where(
                BankStatementLine.account_id == account_id,
                BankStatementLine.matched_txn_id.is_not(None),
            )
        ).scalars()
    )
    taken |= _same_account_transfer_legs(session, account_id)
    earliest = min(line.date for line in lines) - dt.timedelta(days=DAYS_TO_CASH)
    txns = session.execute(
        select(
            ClientFundsTransaction.id,
            ClientFundsTransaction.date,
            ClientFundsTransaction.amount,
            ClientFundsTransaction.cheque_number,
        ).where(
            ClientFundsTransaction.account_id == account_id,
            ClientFundsTransaction.date >= earliest,
        )
    ).all()
    by_amount: dict[Decimal, list[tuple[int, dt.date, str | None]]] = defaultdict(list)
    for ident, date, amount, cheque in txns:
        if ident not in taken:
            by_amount[Decimal(amount).quantize(Decimal("0.01"))].append((ident, date, cheque))
    matched = 0
    for line in lines:
        choices = by_amount.get(Decimal(line.amount).quantize(Decimal("0.01")), [])
        best = _best(line, choices)
        if best is None:
            continue
        choices.remove(best)
        line.matched_txn_id = best[0]
        matched += 1
    session.flush()
    return matched


def _best(
    line: BankStatementLine, choices: list[tuple[int, dt.date, str | None]]
) -> tuple[int, dt.date, str | None] | None:
    if line.cheque_number:
        numbered = [c for c in choices if c[2] == line.cheque_number]
        within = [c for c in numbered if c[1] <= line.date + dt.timedelta(days=DAYS_EARLY)]
        return within[0] if within else None
    near = [
        c
        for c in choices
        if c[2] is None
        and line.date - dt.timedelta(days=DAYS_TO_CLEAR)
        <= c[1]
        <= line.date + dt.timedelta(days=DAYS_EARLY)
    ]
    if not near:
        return None
    near.sort(key=lambda c: (abs((line.date - c[1]).days), c[0]))
    if len(near) > 1 and abs((line.date - near[0][1]).days) == abs((line.date - near[1][1]).days):
        return None  # two equally good candidates: left to the bookkeeper
    return near[0]


def _line(session: Session, line_id: int) -> BankStatementLine:
    line = get(session, BankStatementLine, line_id)
    closed_months.refuse_closed(session, line.account_id, line.date, field="line_id")
    return line


def match_line(
    ledger: Ledger, actor: Actor, line_id: int, cmd: StatementMatch
) -> BankStatementLine:
    with ledger.uow(actor) as uow:
        s = uow.session
        line = _line(s, line_id)
        if line.matched_txn_id is not None:
            raise RuleViolation(
                "This line is matched already; unmatch it first.", code="already_matched"
            )
        txn = get(s, ClientFundsTransaction, cmd.txn_id, field="txn_id")
        if txn.account_id != line.account_id:
            raise InvalidInput("That transaction is in another trust account.", field="txn_id")
        if Decimal(txn.amount) != Decimal(line.amount):
            raise InvalidInput(
                f"The amounts differ ({Decimal(txn.amount):.2f} in the books, "
                f"{Decimal(line.amount):.2f} on the statement).",
                field="txn_id",
            )
        if txn.id in _same_account_transfer_legs(s, line.account_id):
            raise InvalidInput(
                "A transfer inside one account moves no bank money, so no line matches it.",
                field="txn_id",
            )
        other = s.execute(
            select(BankStatementLine.id).where(BankStatementLine.matched_txn_id == txn.id)
        ).first()
        if other:
            raise RuleViolation(
                "That transaction is matched to another statement line.", code="already_matched"
            )
        line.matched_txn_id = txn.id
        s.flush()
        audit(s, actor, "bank_statement_line", line.id, "match", {"txn_id": txn.id})
        uow.commit()
        return line


def unmatch_line(ledger: Ledger, actor: Actor, line_id: int) -> BankStatementLine:
    with ledger.uow(actor) as uow:
        s = uow.session
        line = _line(s, line_id)
        if line.matched_txn_id is None:
            raise RuleViolation("This line is not matched.", code="not_matched")
        was = line.matched_txn_id
        line.matched_txn_id = None
        s.flush()
        audit(s, actor, "bank_statement_line", line.id, "unmatch", {"txn_id": was})
        uow.commit()
        return line


def statements(ledger: Ledger, actor: Actor, account_id: int) -> list[BankStatement]:
    with ledger.uow(actor) as uow:
        get(uow.session, ClientFundsAccount, account_id, field="account_id")
        return list(
            uow.session.execute(
                select(BankStatement)
                .where(BankStatement.account_id == account_id)
                .order_by(BankStatement.statement_date.desc(), BankStatement.id.desc())
            ).scalars()
        )


def statement_with_lines(
    ledger: Ledger, actor: Actor, statement_id: int
) -> tuple[BankStatement, list[BankStatementLine]]:
    with ledger.uow(actor) as uow:
        statement = get(uow.session, BankStatement, statement_id)
        lines = list(
            uow.session.execute(
                select(BankStatementLine)
                .where(BankStatementLine.statement_id == statement_id)
                .order_by(BankStatementLine.date, BankStatementLine.id)
            ).scalars()
        )
        return statement, lines


def unmatched_transactions(
    ledger: Ledger, actor: Actor, account_id: int, until: dt.date
) -> list[ClientFundsTransaction]:
    """The account's transactions with no statement line yet, up to a date (for matching by
    hand), newest first, transfers inside the account left out."""
    with ledger.uow(actor) as uow:
        s = uow.session
        skip = _same_account_transfer_legs(s, account_id)
        matched = select(BankStatementLine.matched_txn_id).where(
            BankStatementLine.matched_txn_id.is_not(None)
        )
        rows = s.execute(
            select(ClientFundsTransaction)
            .where(
                ClientFundsTransaction.account_id == account_id,
                ClientFundsTransaction.date <= until,
                ClientFundsTransaction.id.not_in(matched),
            )
            .order_by(ClientFundsTransaction.date.desc(), ClientFundsTransaction.id.desc())
            .limit(500)
        ).scalars()
        return [t for t in rows if t.id not in skip]
