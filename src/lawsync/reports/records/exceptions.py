"""The trust exception report: what an auditor looks for first, found for them.

- refused overdrafts: every movement the ledger refused because it would have taken a client's
  or a matter's balance below zero (kept in `trust_refusals`; the Australian uniform rules r.40
  state it plainly, Utah's rule asks the bank for the same);
- balances below zero: none should ever exist, and the report proves it from the movements;
- dormant balances: money not moved for more than the firm's number of months (BC and LSO
  warn about aged balances);
- disbursements against uncleared deposits: money paid out of a deposit not yet cleared. A
  deposit clears when the bank shows it: once a statement line dated on or before the payment
  matches it (the matching the three-way reconciliation uses). Where no imported statement
  covers the payment's date yet (an account whose statements are all entered by hand, or none
  at all, or a payment after the last imported statement), the firm's hold days stand in: a
  deposit then clears that many days after its date, or when matched if sooner. Each row says
  which rule applied;
- stale cheques: cheques (and other payments out) no bank statement line has matched for more
  than the firm's stale-cheque months at the report's date (six by default: a cheque is
  stale-dated after six months in Canada, and a US bank need not pay one older, UCC 4-404). The
  firm must find out why (lost, never presented) and, in time, deal with the money as unclaimed.
  Only accounts with an imported statement are looked at: without lines nothing was ever
  matched;
- closed matters still holding money.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawsync.money import ZERO
from lawsync.practice.models import (
    BankStatement,
    BankStatementLine,
    ClientFundsAccount,
    Firm,
    Matter,
    MatterStatus,
    StatementSource,
    TrustRefusal,
    User,
)
from lawsync.practice.services.context import Actor, Ledger
from lawsync.reports import trust_movements as tm
from lawsync.reports.jurisdictions import Jurisdiction
from lawsync.reports.record import Cell, Column, ColumnType, Record, RecordParams, Section
from lawsync.reports.records.client_trust_listing import listing_date
from lawsync.reports.registry import RecordKind, register

NAME = "exceptions"

COLUMNS = (
    Column("date", "Date", ColumnType.date, 1.2),
    Column("client", "Client", width=2.2),
    Column("matter", "Matter", width=1.2),
    Column("detail", "What", width=4.2),
    Column("amount", "Amount", ColumnType.money, 1.3),
    Column("balance", "Balance", ColumnType.money, 1.3),
    Column("by", "By", width=1.4),
)

HEADINGS = (
    "Refused overdrafts",
    "Balances below zero",
    "Dormant balances",
    "Disbursements against uncleared deposits",
    "Stale cheques",
    "Closed matters holding money",
)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


class Clearing:
    """When each deposit of one account cleared, as far as the bank statements say.

    `covered_to` is the date of the account's last imported statement (None without one): up
    to it, a deposit not matched to a statement line is uncleared; after it, the bank has not
    spoken yet and the hold days stand in."""

    def __init__(self, covered_to: dt.date | None, matched: dict[int, dt.date], hold_days: int):
        self.covered_to = covered_to
        self.matched = matched
        self.hold = dt.timedelta(days=hold_days)
        self.hold_days = hold_days

    @classmethod
    def read(cls, session: Session, account_id: int, hold_days: int) -> Clearing:
        covered_to = session.execute(
            select(func.max(BankStatement.statement_date)).where(
                BankStatement.account_id == account_id,
                BankStatement.source != StatementSource.entered,
            )
        ).scalar_one()
        line = BankStatementLine
        matched = {
            txn_id: day
            for txn_id, day in session.execute(
                select(line.matched_txn_id, line.date).where(
                    line.account_id == account_id, line.matched_txn_id.is_not(None)
                )
            )
            if txn_id is not None
        }
        return cls(covered_to, matched, hold_days)

    def by_matching(self, day: dt.date) -> bool:
        """Whether the statements decide what had cleared by `day`."""
        return self.covered_to is not None and day <= self.covered_to

    def cleared(self, txn: tm.Movement, day: dt.date, *, hold: bool = True) -> bool:
        """Whether the bank had shown the transaction by `day` (with `hold`, past the last
        imported statement, whether its hold days had passed)."""
        shown = self.matched.get(txn.id)
        if shown is not None and shown <= day:
            return True
        return hold and not self.by_matching(day) and txn.date + self.hold <= day

    def rule(self, day: dt.date) -> tuple[str, str]:
        """The rule that decided for a payment on `day` (first in the row, so a page that cuts
        the row short still shows it), and what the uncleared money was."""
        if self.by_matching(day):
            return "Statement matching", "not yet matched to a bank statement line"
        hold = f"{self.hold_days} days' hold"
        why = f"deposited less than {self.hold_days} days before and not matched"
        if self.covered_to is None:
            return f"{hold} (no imported statement)", why
        return f"{hold} (after the statement of {self.covered_to.isoformat()})", why


def _row(**values: Cell) -> tuple[Cell, ...]:
    return tuple(values.get(c.key) for c in COLUMNS)


def build(ledger: Ledger, actor: Actor, params: RecordParams, rules: Jurisdiction) -> Record:
    as_of = listing_date(params)
    with ledger.uow(actor) as uow:
        s = uow.session
        firm = s.get(Firm, actor.firm_id)
        dormant_months = firm.dormant_months if firm else 12
        hold_days = firm.deposit_hold_days if firm else 5
        stale_months = firm.stale_cheque_months if firm else 6
        if params.account_id is not None:
            accounts = [tm.account_of(s, actor, params.account_id)]
        else:
            accounts = list(
                s.execute(select(ClientFundsAccount).order_by(ClientFundsAccount.id)).scalars()
            )
        account_ids = [a.id for a in accounts]
        clearing = {i: Clearing.read(s, i, hold_days) for i in account_ids}
        currency = accounts[0].currency if len(accounts) == 1 else ""
        r = TrustRefusal
        refusal_scope = [r.firm_id == actor.firm_id, r.account_id.in_(account_ids), r.date <= as_of]
        if params.date_from is not None:
            refusal_scope.append(r.date >= params.date_from)
        if params.date_to is not None:
            refusal_scope.append(r.date <= params.date_to)
        refusals = s.execute(
            select(r.date, r.client_id, r.matter_id, r.kind, r.amount, r.held, r.user_id, r.id)
            .where(*refusal_scope)
            .order_by(r.date, r.id)
        ).all()
        buckets: dict[tuple[int, int, int | None], list[tm.Movement]] = defaultdict(list)
        moves: list[tm.Movement] = []
        for account_id in account_ids:
            found = tm.movements(s, actor, account_id, date_to=as_of, order="client")
            for m in found:
                buckets[(account_id, m.client_id, m.matter_id)].append(m)
            moves += found
        client_ids = {m.client_id for m in moves} | {x.client_id for x in refusals}
        matter_ids = {m.matter_id for m in moves} | {x.matter_id for x in refusals}
        names = tm.client_names(s, actor, client_ids)
        numbers = tm.matter_numbers(s, actor, matter_ids)
        wanted = {m for m in matter_ids if m}
        closed = (
            set(
                s.execute(
                    select(Matter.id).where(
                        Matter.id.in_(wanted), Matter.status == MatterStatus.closed
                    )
                ).scalars()
            )
            if wanted
            else set()
        )
        users = dict(s.execute(select(User.id, User.name)).all())

    def matter(mid: int | None) -> str:
        return numbers.get(mid, "") if mid else tm.NO_MATTER

    def about(day: dt.date, cid: int, mid: int | None, **values: Cell) -> tuple[Cell, ...]:
        """A row about one client's (and matter's) money."""
        return _row(date=day, client=names.get(cid, ""), matter=matter(mid), **values)

    sections = {h: Section(heading=h) for h in HEADINGS}
    for date, cid, mid, kind, amount, held, user_id, _id in refusals:
        sections["Refused overdrafts"].rows.append(
            about(
                date,
                cid,
                mid,
                detail=f"{tm.KIND_WORDS.get(kind, kind)} refused: it asked for more than was held",
                amount=Decimal(amount),
                balance=Decimal(held),
                by=users.get(user_id, "") if user_id else "",
            )
        )

    dormant_before = months_before(as_of, dormant_months)
    stale_before = months_before(as_of, stale_months)
    reversed_ids = {m.reverses_id for m in moves if m.reverses_id is not None}

    def in_period(day: dt.date) -> bool:
        return (params.date_from is None or day >= params.date_from) and (
            params.date_to is None or day <= params.date_to
        )

    for (account_id, cid, mid), run in sorted(
        buckets.items(),
        key=lambda kv: (kv[0][0], names.get(kv[0][1], ""), kv[0][1], kv[0][2] or 0),
    ):
        clears = clearing[account_id]
        balance = ZERO
        uncleared: list[tm.Movement] = []  # deposits the bank may not have shown yet
        for m in run:
            if m.kind == "reversal":  # a deposit taken back is no longer waiting to clear
                uncleared = [d for d in uncleared if d.id != m.reverses_id]
            elif m.amount < 0:
                uncleared = [d for d in uncleared if not clears.cleared(d, m.date)]
                pending = sum((d.amount for d in uncleared), ZERO)
                cleared = balance - pending
                if -m.amount > cleared and in_period(m.date):
                    rule, why = clears.rule(m.date)
                    sections["Disbursements against uncleared deposits"].rows.append(
                        about(
                            m.date,
                            cid,
                            mid,
                            detail=(
                                f"{rule}: {tm.KIND_WORDS.get(m.kind, m.kind)} #{m.id} paid "
                                f"{-m.amount:.2f} while {pending:.2f} of the "
                                f"{balance:.2f} held was {why}"
                            ),
                            amount=-m.amount,
                            balance=cleared,
                        )
                    )
            if (
                m.kind == "disbursement"
                and m.date < stale_before
                and m.id not in reversed_ids
                and clears.covered_to is not None
                and not clears.cleared(m, as_of, hold=False)
            ):
                sections["Stale cheques"].rows.append(
                    about(
                        m.date,
                        cid,
                        mid,
                        detail=(
                            f"{m.reference or tm.KIND_WORDS.get(m.kind, m.kind)} #{m.id}"
                            f"{' to ' + m.party if m.party else ''}: no bank statement line "
                            f"has matched it in more than {stale_months} months"
                        ),
                        amount=-m.amount,
                    )
                )
            balance += m.amount
            if m.kind == "deposit":
                uncleared.append(m)
            if balance < 0:
                sections["Balances below zero"].rows.append(
                    about(
                        m.date,
                        cid,
                        mid,
                        detail=f"Entry #{m.id} left the balance below zero",
                        amount=m.amount,
                        balance=balance,
                    )
                )
        if balance > 0 and run[-1].date < dormant_before:
            sections["Dormant balances"].rows.append(
                about(
                    run[-1].date,
                    cid,
                    mid,
                    detail=f"No movement for more than {dormant_months} months",
                    balance=balance,
                )
            )
        if balance > 0 and mid in closed:
            sections["Closed matters holding money"].rows.append(
                about(
                    run[-1].date,
                    cid,
                    mid,
                    detail="The matter is closed but still holds money in trust",
                    balance=balance,
                )
            )
    facts = [
        (
            "Account",
            ", ".join(f"{a.name} ({a.currency})" for a in accounts) or "no accounts",
        ),
        ("At the end of", as_of.isoformat()),
        ("Dormant after", f"{dormant_months} months without a movement"),
        ("A deposit clears", _clearing_fact(clearing, accounts, hold_days)),
        (
            "A cheque is stale",
            f"when no bank statement line has matched it for more than {stale_months} months "
            "(accounts with an imported statement)",
        ),
        ("Rules", rules.rules),
    ]
    if params.date_from or params.date_to:
        facts.insert(2, ("Refusals and disbursements", tm.period(params)))
    result = [sections[h] for h in HEADINGS]
    for section in result:
        section.heading = f"{section.heading} ({len(section.rows)})"
    return Record(
        name=NAME,
        title=rules.title(NAME, "Trust exception report"),
        params=params,
        columns=COLUMNS,
        as_at=as_of,
        currency=currency,
        jurisdiction=rules.code,
        facts=facts,
        sections=result,
        notes=rules.notes_for(NAME),
    )


def _clearing_fact(
    clearing: dict[int, Clearing], accounts: list[ClientFundsAccount], hold_days: int
) -> str:
    covered = [
        f"{a.name} to {clearing[a.id].covered_to:%Y-%m-%d}"
        for a in accounts
        if clearing[a.id].covered_to is not None
    ]
    hold = f"{hold_days} days after its date"
    if not covered:
        return f"{hold} (no imported bank statement yet)"
    return (
        "when matched to a bank statement line, where imported statements cover the date ("
        + ", ".join(covered)
        + f"); elsewhere {hold}"
    )


register(
    RecordKind(
        name=NAME,
        title="Trust exception report",
        summary=(
            "Refused overdrafts, balances below zero, dormant balances, disbursements against "
            "uncleared deposits, stale cheques and closed matters holding money."
        ),
        build=build,
        uses=frozenset({"account_id", "from", "to", "as_of"}),
    )
)
