"""The client trust ledger: for each client and matter, every movement of their money in one
trust account, with a running balance that never goes below zero.

Every rule asks for it (ABA Model Rules for Client Trust Account Records, Rule 1(b); LSO By-Law 9
s.18; BC, Alberta, Florida, Illinois). A client with no matter has a ledger "not for a matter".
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select

from lawsync.money import ZERO
from lawsync.practice.models import ClientFundsTransaction, Contact
from lawsync.practice.services.context import Actor, Ledger, get
from lawsync.reports import trust_movements as tm
from lawsync.reports.jurisdictions import Jurisdiction
from lawsync.reports.record import Column, ColumnType, Record, RecordParams, Section, Total
from lawsync.reports.registry import RecordKind, register

NAME = "client-trust-ledger"

Bucket = tuple[int, int | None]


def columns(rules: Jurisdiction) -> tuple[Column, ...]:
    head = (
        Column("date", "Date", ColumnType.date, 1.3),
        Column("entry", "Entry", ColumnType.number, 0.8),
        Column("kind", "Kind", width=1.6),
    )
    return tm.movement_columns(
        rules,
        NAME,
        head,
        party=2.4,
        purpose=3.0,
        money_in=Column("received", "Received", ColumnType.money, 1.3),
        money_out=Column("paid", "Paid out", ColumnType.money, 1.3),
    )


def build(ledger: Ledger, actor: Actor, params: RecordParams, rules: Jurisdiction) -> Record:
    assert params.account_id is not None
    t = ClientFundsTransaction
    with ledger.uow(actor) as uow:
        s = uow.session
        account = tm.account_of(s, actor, params.account_id)
        if params.client_id is not None:
            get(s, Contact, params.client_id, field="client_id")
        openings: dict[Bucket, object] = {}
        if params.date_from is not None:
            scope = [t.firm_id == actor.firm_id, t.account_id == account.id]
            if params.client_id is not None:
                scope.append(t.client_id == params.client_id)
            openings = {
                (cid, mid): total
                for cid, mid, total in s.execute(
                    select(t.client_id, t.matter_id, func.sum(t.amount))
                    .where(*scope, t.date < params.date_from)
                    .group_by(t.client_id, t.matter_id)
                )
            }
        rows = tm.movements(
            s,
            actor,
            account.id,
            client_id=params.client_id,
            date_from=params.date_from,
            date_to=params.date_to,
            order="client",
        )
        names = tm.client_names(s, actor, {r.client_id for r in rows} | {k[0] for k in openings})
        numbers = tm.matter_numbers(
            s, actor, {r.matter_id for r in rows} | {k[1] for k in openings}
        )
        created = account.created_at.date()
        account_name, currency = account.name, account.currency

    cols = columns(rules)
    keys = [c.key for c in cols]
    by_bucket: dict[Bucket, list[tm.Movement]] = defaultdict(list)
    for r in rows:
        by_bucket[(r.client_id, r.matter_id)].append(r)
    buckets = set(by_bucket) | set(openings)

    def order(b: Bucket) -> tuple[str, int, bool, str]:
        return (names.get(b[0], ""), b[0], b[1] is not None, numbers.get(b[1] or 0, ""))

    sections: list[Section] = []
    opening_all = closing_all = received_all = paid_all = ZERO
    for cid, mid in sorted(buckets, key=order):
        opening = tm.sum_or_zero(openings.get((cid, mid)))
        matter = f"matter {numbers.get(mid, '')}" if mid else tm.NO_MATTER
        section = Section(heading=f"{names.get(cid, '')}, {matter}")
        balance = opening
        received = paid = ZERO
        for r in by_bucket.get((cid, mid), []):
            balance += r.amount
            if r.amount > 0:
                received += r.amount
            else:
                paid -= r.amount
            values = tm.movement_values(r, balance, "received", "paid")
            section.rows.append(tuple(values[k] for k in keys))
        section.before = [Total("Opening balance", {"balance": opening})]
        section.totals = [
            Total("Received and paid out", {"received": received, "paid": paid}),
            Total("Closing balance", {"balance": balance}),
        ]
        sections.append(section)
        opening_all += opening
        closing_all += balance
        received_all += received
        paid_all += paid
    facts = [("Account", f"{account_name} ({currency})"), ("Period", tm.period(params))]
    if params.client_id is not None:
        facts.append(("Client", names.get(params.client_id, str(params.client_id))))
    facts.append(("Rules", rules.rules))
    return Record(
        name=NAME,
        title=rules.title(NAME, "Client trust ledger"),
        params=params,
        columns=cols,
        as_at=tm.last_date(rows, params.date_to, created),
        currency=currency,
        jurisdiction=rules.code,
        facts=facts,
        sections=sections,
        totals=[
            Total("Opening balance, all ledgers", {"balance": opening_all}),
            Total("Received and paid out", {"received": received_all, "paid": paid_all}),
            Total("Closing balance, all ledgers", {"balance": closing_all}),
        ],
        notes=rules.notes_for(NAME),
    )


register(
    RecordKind(
        name=NAME,
        title="Client trust ledger",
        summary="For each client and matter, every movement with its running balance.",
        build=build,
        needs=frozenset({"account_id"}),
        uses=frozenset({"account_id", "client_id", "from", "to"}),
    )
)
