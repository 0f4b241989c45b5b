"""The trust journal (cash book): every movement of one trust account, by date, with the account's
running balance; receipts and disbursements in their own columns.

One journal serves for the separate receipts and disbursements journals the older rules name
(ABA 1993 model rule, Florida, Illinois, LSO By-Law 9 s.18): each movement is on one side.
"""

from __future__ import annotations

from sqlalchemy import func, select

from lawsync.money import ZERO
from lawsync.practice.models import ClientFundsTransaction
from lawsync.practice.services.context import Actor, Ledger
from lawsync.reports import trust_movements as tm
from lawsync.reports.jurisdictions import Jurisdiction
from lawsync.reports.record import Column, ColumnType, Record, RecordParams, Section, Total
from lawsync.reports.registry import RecordKind, register

NAME = "trust-journal"


def columns(rules: Jurisdiction) -> tuple[Column, ...]:
    head = (
        Column("date", "Date", ColumnType.date, 1.3),
        Column("entry", "Entry", ColumnType.number, 0.7),
        Column("client", "Client", width=2.2),
        Column("matter", "Matter", width=0.9),
        Column("kind", "Kind", width=1.6),
    )
    return tm.movement_columns(
        rules,
        NAME,
        head,
        party=2.2,
        purpose=2.2,
        money_in=Column("receipts", "Receipts", ColumnType.money, 1.3),
        money_out=Column("disbursements", "Disbursements", ColumnType.money, 1.8),
    )


def build(ledger: Ledger, actor: Actor, params: RecordParams, rules: Jurisdiction) -> Record:
    assert params.account_id is not None
    t = ClientFundsTransaction
    with ledger.uow(actor) as uow:
        s = uow.session
        account = tm.account_of(s, actor, params.account_id)
        opening = ZERO
        if params.date_from is not None:
            opening = tm.sum_or_zero(
                s.execute(
                    select(func.sum(t.amount)).where(
                        t.firm_id == actor.firm_id,
                        t.account_id == account.id,
                        t.date < params.date_from,
                    )
                ).scalar()
            )
        rows = tm.movements(
            s, actor, account.id, date_from=params.date_from, date_to=params.date_to
        )
        names = tm.client_names(s, actor, {r.client_id for r in rows})
        numbers = tm.matter_numbers(s, actor, {r.matter_id for r in rows})
        created = account.created_at.date()
        name, currency = account.name, account.currency

    cols = columns(rules)
    keys = [c.key for c in cols]
    section = Section(heading="", before=[Total("Opening balance", {"balance": opening})])
    balance = opening
    receipts = disbursements = ZERO
    for r in rows:
        balance += r.amount
        if r.amount > 0:
            receipts += r.amount
        else:
            disbursements -= r.amount
        values = tm.movement_values(r, balance, "receipts", "disbursements")
        values["client"] = names.get(r.client_id, "")
        values["matter"] = numbers.get(r.matter_id, tm.NO_MATTER) if r.matter_id else tm.NO_MATTER
        section.rows.append(tuple(values[k] for k in keys))
    record = Record(
        name=NAME,
        title=rules.title(NAME, "Trust journal"),
        params=params,
        columns=cols,
        as_at=tm.last_date(rows, params.date_to, created),
        currency=currency,
        jurisdiction=rules.code,
        facts=[
            ("Account", f"{name} ({currency})"),
            ("Period", tm.period(params)),
            ("Rules", rules.rules),
        ],
        sections=[section],
        totals=[
            Total("Opening balance", {"balance": opening}),
            Total(
                "Total receipts and disbursements",
                {"receipts": receipts, "disbursements": disbursements},
            ),
            Total("Closing balance", {"balance": balance}),
        ],
        notes=rules.notes_for(NAME),
    )
    return record


register(
    RecordKind(
        name=NAME,
        title="Trust journal",
        summary="Every movement of one trust account, by date, with its running balance.",
        build=build,
        needs=frozenset({"account_id"}),
        uses=frozenset({"account_id", "from", "to"}),
    )
)
