"""The three-way reconciliation of one trust account for one month: the adjusted bank balance
(statement, deposits in transit, outstanding cheques), the trust journal's balance and the sum of
the client ledgers, with the reconciling items and who prepared and approved it.

The month is the one `as_of` falls in (by default the last month ended). A closed month cannot
change, so it renders the same every time. The figures come from
`trust_records_data.three_way`, the ledger's own computation.
"""

from __future__ import annotations

import datetime as dt

from lawsync.practice.services import trust_records_data
from lawsync.practice.services.context import Actor, Ledger
from lawsync.reports import trust_movements as tm
from lawsync.reports.jurisdictions import Jurisdiction
from lawsync.reports.record import Cell, Column, ColumnType, Record, RecordParams, Section, Total
from lawsync.reports.registry import RecordKind, register

NAME = "three-way-reconciliation"

COLUMNS = (
    Column("item", "Item", width=3.2),
    Column("date", "Date", ColumnType.date, 1.1),
    Column("reference", "Reference", width=1.2),
    Column("party", "Client", width=2.2),
    Column("amount", "Amount", ColumnType.money, 1.3),
)


def _month(params: RecordParams) -> dt.date:
    if params.as_of is not None:
        return params.as_of.replace(day=1)
    this_month = dt.datetime.now(dt.UTC).date().replace(day=1)
    return (this_month - dt.timedelta(days=1)).replace(day=1)


def _row(**values: Cell) -> tuple[Cell, ...]:
    return tuple(values.get(c.key) for c in COLUMNS)


def build(ledger: Ledger, actor: Actor, params: RecordParams, rules: Jurisdiction) -> Record:
    assert params.account_id is not None
    found = trust_records_data.three_way(ledger, actor, params.account_id, _month(params))
    t = found.figures
    bank = Section(heading="Bank")
    statement = (
        f"Bank statement of {t.statement_date.isoformat()}"
        if t.statement_date
        else "Bank statement (none entered for the month)"
    )
    bank.rows.append(_row(item=statement, date=t.statement_date, amount=t.statement_balance))
    for o in t.outstanding:
        words = "Deposit in transit" if o.amount > 0 else "Outstanding cheque or payment"
        bank.rows.append(
            _row(
                item=f"{words}: {o.description}".rstrip(": "),
                date=o.date,
                reference=o.cheque_number or f"#{o.txn_id}",
                party=o.client_name,
                amount=o.amount,
            )
        )
    bank.totals = [
        Total("Deposits in transit", {"amount": t.deposits_in_transit}),
        Total("Outstanding cheques and payments", {"amount": t.outstanding_cheques}),
        Total("Adjusted bank balance", {"amount": t.adjusted_bank_balance}),
    ]
    sections = [bank]
    if t.bank_only:
        unexplained = Section(heading="On the statement, not in the books")
        for b in t.bank_only:
            unexplained.rows.append(_row(item=b.description, date=b.date, amount=b.amount))
        sections.append(unexplained)
    clients = Section(heading="Client ledgers")
    for c in t.clients:
        clients.rows.append(
            _row(item=c.matter_number or tm.NO_MATTER, party=c.client_name, amount=c.balance)
        )
    clients.totals = [Total("Sum of the client ledgers", {"amount": t.client_ledgers_total})]
    sections.append(clients)
    facts = [
        ("Account", f"{t.account_name} ({t.currency})"),
        ("Month", t.month.isoformat()[:7]),
        ("Three balances agree", "yes" if t.balanced else "no"),
    ]
    signed = found.signed
    if signed is not None:
        facts += [
            ("State", signed.state),
            ("Prepared by", f"{signed.prepared_by}, {signed.prepared_at.isoformat()}"),
        ]
        if signed.approved_at is not None:
            facts.append(("Approved by", f"{signed.approved_by}, {signed.approved_at.isoformat()}"))
        if signed.explanation:
            facts.append(("Explanation", signed.explanation))
    else:
        facts.append(("State", "not prepared"))
    facts.append(("Rules", rules.rules))
    return Record(
        name=NAME,
        title=rules.title(NAME, "Three-way reconciliation"),
        params=params,
        columns=COLUMNS,
        as_at=t.month_end,
        currency=t.currency,
        jurisdiction=rules.code,
        facts=facts,
        sections=sections,
        totals=[
            Total("Adjusted bank balance", {"amount": t.adjusted_bank_balance}),
            Total("Trust journal balance", {"amount": t.journal_balance}),
            Total("Sum of the client ledgers", {"amount": t.client_ledgers_total}),
        ],
        notes=[
            "The three balances must agree to the cent; any difference is explained item by "
            "item. Approval by a second administrator closes the month.",
            *rules.notes_for(NAME),
        ],
    )


register(
    RecordKind(
        name=NAME,
        title="Three-way reconciliation",
        summary="A month's adjusted bank balance, trust journal and client ledgers, side by side.",
        build=build,
        needs=frozenset({"account_id"}),
        uses=frozenset({"account_id", "as_of"}),
    )
)
