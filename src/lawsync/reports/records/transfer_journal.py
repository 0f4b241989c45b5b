"""The transfer journal: every transfer between client ledgers or trust accounts, by date, with
its reason and whether it was reversed (LSO By-Law 9 s.18, the trust-to-trust transfer journal).

The rows come from `trust_records_data.transfer_journal`, the ledger's own listing.
"""

from __future__ import annotations

import datetime as dt

from lawsync.practice.services import trust_records_data
from lawsync.practice.services.context import Actor, Ledger
from lawsync.reports import trust_movements as tm
from lawsync.reports.jurisdictions import Jurisdiction
from lawsync.reports.record import Cell, Column, ColumnType, Record, RecordParams, Section, Total
from lawsync.reports.registry import RecordKind, register

NAME = "transfer-journal"
SCOPES = {
    "matters": "Between matters",
    "clients": "Between clients",
    "accounts": "Between accounts",
}

COLUMNS = (
    Column("number", "No.", ColumnType.number, 0.6),
    Column("date", "Date", ColumnType.date, 1.1),
    Column("scope", "Kind", width=1.3),
    Column("from", "From", width=2.6),
    Column("to", "To", width=2.6),
    Column("reason", "Reason", width=2.6),
    Column("entered_by", "Entered by", width=1.3),
    Column("amount", "Amount", ColumnType.money, 1.2),
)


def _side(client: str, matter: str | None, account: str) -> str:
    return f"{client} · {matter or tm.NO_MATTER} · {account}"


def build(ledger: Ledger, actor: Actor, params: RecordParams, rules: Jurisdiction) -> Record:
    journal = trust_records_data.transfer_journal(
        ledger, actor, params.account_id, params.date_from, params.date_to
    )
    section = Section(heading="")
    for r in journal.rows:
        reason = r.reason + (f" (reversed: {r.reversal_reason})" if r.reversed else "")
        values: dict[str, Cell] = {
            "number": r.id,
            "date": r.date,
            "scope": SCOPES.get(r.scope, r.scope),
            "from": _side(r.from_client, r.from_matter, r.from_account),
            "to": _side(r.to_client, r.to_matter, r.to_account),
            "reason": reason,
            "entered_by": r.entered_by,
            "amount": r.amount,
        }
        section.rows.append(tuple(values[c.key] for c in COLUMNS))
    last = max((r.date for r in journal.rows), default=None)
    as_at = params.date_to or last or dt.date(1970, 1, 1)
    facts = [("Transfers", str(len(journal.rows)))]
    if params.date_from or params.date_to:
        period = f"{params.date_from or '…'} to {params.date_to or '…'}"
        facts.insert(0, ("Period", period))
    facts.append(("Rules", rules.rules))
    return Record(
        name=NAME,
        title=rules.title(NAME, "Transfer journal"),
        params=params,
        columns=COLUMNS,
        as_at=as_at,
        jurisdiction=rules.code,
        facts=facts,
        sections=[section],
        totals=[Total("Moved (reversed transfers left out)", {"amount": journal.total})],
        notes=[
            "Each transfer took the money out of one client ledger and into the other in one "
            "step; a reversed transfer stays listed with the reason it was reversed.",
            *rules.notes_for(NAME),
        ],
    )


register(
    RecordKind(
        name=NAME,
        title="Transfer journal",
        summary="Every transfer between client ledgers and trust accounts, with its reason.",
        build=build,
        uses=frozenset({"account_id", "from", "to"}),
    )
)
