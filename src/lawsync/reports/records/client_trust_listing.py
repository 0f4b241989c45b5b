"""The client trust listing (trial balance): every client's and matter's balance in one trust
account at a date, and their total, which must equal the trust journal's balance that day.

It is the third side of the monthly reconciliation (LSO By-Law 9 s.18, BC, Alberta, Manitoba;
Florida's "trial balance"). Balances are summed from the movements up to the date, not read from
today's running balances, so a listing of a past month shows that month.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from lawsync.money import ZERO
from lawsync.practice.models import ClientFundsTransaction
from lawsync.practice.services.context import Actor, Ledger
from lawsync.reports import trust_movements as tm
from lawsync.reports.jurisdictions import Jurisdiction
from lawsync.reports.record import Cell, Column, ColumnType, Record, RecordParams, Section, Total
from lawsync.reports.registry import RecordKind, register

NAME = "client-trust-listing"

COLUMNS = (
    Column("client", "Client", width=3.0),
    Column("matter", "Matter", width=1.6),
    Column("last_movement", "Last movement", ColumnType.date, 1.3),
    Column("balance", "Balance", ColumnType.money, 1.4),
)


def listing_date(params: RecordParams) -> dt.date:
    """The listing's date: the one asked for, else today (UTC)."""
    return params.as_of or dt.datetime.now(dt.UTC).date()


def build(ledger: Ledger, actor: Actor, params: RecordParams, rules: Jurisdiction) -> Record:
    assert params.account_id is not None
    as_of = listing_date(params)
    t = ClientFundsTransaction
    with ledger.uow(actor) as uow:
        s = uow.session
        account = tm.account_of(s, actor, params.account_id)
        found = s.execute(
            select(t.client_id, t.matter_id, func.sum(t.amount), func.max(t.date))
            .where(t.firm_id == actor.firm_id, t.account_id == account.id, t.date <= as_of)
            .group_by(t.client_id, t.matter_id)
        ).all()
        names = tm.client_names(s, actor, {r[0] for r in found})
        numbers = tm.matter_numbers(s, actor, {r[1] for r in found})
        account_name, currency = account.name, account.currency

    lines = [
        (cid, mid, tm.sum_or_zero(total), last)
        for cid, mid, total, last in found
        if tm.sum_or_zero(total) != ZERO
    ]
    lines.sort(
        key=lambda x: (names.get(x[0], ""), x[0], x[1] is not None, numbers.get(x[1] or 0, ""))
    )
    section = Section(heading="")
    total = ZERO
    for cid, mid, balance, last in lines:
        values: dict[str, Cell] = {
            "client": names.get(cid, ""),
            "matter": numbers.get(mid, "") if mid else tm.NO_MATTER,
            "last_movement": last,
            "balance": balance,
        }
        section.rows.append(tuple(values[c.key] for c in COLUMNS))
        total += balance
    clients = len({cid for cid, *_ in lines})
    return Record(
        name=NAME,
        title=rules.title(NAME, "Client trust listing"),
        params=params,
        columns=COLUMNS,
        as_at=as_of,
        currency=currency,
        jurisdiction=rules.code,
        facts=[
            ("Account", f"{account_name} ({currency})"),
            ("Balances at the end of", as_of.isoformat()),
            ("Clients holding money", str(clients)),
            ("Rules", rules.rules),
        ],
        sections=[section],
        totals=[Total("Total held for clients", {"balance": total})],
        notes=[
            "The total must equal the trust journal's balance on the same date and the "
            "reconciled bank balance.",
            *rules.notes_for(NAME),
        ],
    )


register(
    RecordKind(
        name=NAME,
        title="Client trust listing",
        summary="Every client's balance at a date, totalling the account.",
        build=build,
        needs=frozenset({"account_id"}),
        uses=frozenset({"account_id", "as_of"}),
    )
)
