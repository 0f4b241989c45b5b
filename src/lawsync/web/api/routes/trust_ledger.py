"""Trust transfers, bank statements and their matching, and month-end reconciliations."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from lawsync.practice.commands import (
    BankStatementEntry,
    BankStatementImport,
    ReconciliationPrepare,
    ReconciliationReopen,
    StatementMatch,
    TrustReversal,
    TrustTransferCreate,
)
from lawsync.practice.fields import IdParam
from lawsync.practice.services import bank_statements, trust_month_end, trust_transfers
from lawsync.web.api import serialize
from lawsync.web.api.deps import ActorDep, LedgerDep, PagingDep, PathId, QueryId

router = APIRouter(tags=["Trust transfers, statements and month end"])

AccountQuery = Annotated[IdParam, Query(description="The client funds account's id.")]
MonthQuery = Annotated[
    str, Query(pattern=r"^(19[7-9][0-9]|20[0-9]{2})-(0[1-9]|1[0-2])$", description="YYYY-MM")
]


@router.get("/client-funds/transfers")
def list_transfers(
    ledger: LedgerDep,
    actor: ActorDep,
    paging: PagingDep,
    account_id: QueryId = None,
    client_id: QueryId = None,
) -> dict[str, Any]:
    found = trust_transfers.list_transfers(
        ledger, actor, paging.cursor, paging.limit, account_id, client_id
    )
    return serialize.page(found, serialize.trust_transfer)


@router.post("/client-funds/transfers", status_code=201)
def create_transfer(ledger: LedgerDep, actor: ActorDep, cmd: TrustTransferCreate) -> dict[str, Any]:
    return serialize.trust_transfer(trust_transfers.record_transfer(ledger, actor, cmd))


@router.get("/client-funds/transfers/{transfer_id}")
def get_transfer(ledger: LedgerDep, actor: ActorDep, transfer_id: PathId) -> dict[str, Any]:
    return serialize.trust_transfer(trust_transfers.get_transfer(ledger, actor, transfer_id))


@router.post("/client-funds/transfers/{transfer_id}/reverse")
def reverse_transfer(
    ledger: LedgerDep, actor: ActorDep, transfer_id: PathId, cmd: TrustReversal
) -> dict[str, Any]:
    return serialize.trust_transfer(
        trust_transfers.reverse_transfer(ledger, actor, transfer_id, cmd)
    )


@router.get("/client-funds/statements")
def list_statements(ledger: LedgerDep, actor: ActorDep, account_id: AccountQuery) -> dict[str, Any]:
    found = bank_statements.statements(ledger, actor, account_id)
    return {"data": [serialize.bank_statement(s) for s in found]}


@router.post("/client-funds/statements", status_code=201)
def enter_statement(ledger: LedgerDep, actor: ActorDep, cmd: BankStatementEntry) -> dict[str, Any]:
    return serialize.bank_statement(bank_statements.enter_statement(ledger, actor, cmd))


@router.post("/client-funds/statement-imports", status_code=201)
def import_statement(
    ledger: LedgerDep, actor: ActorDep, cmd: BankStatementImport
) -> dict[str, Any]:
    done = bank_statements.import_statement(ledger, actor, cmd)
    return serialize.bank_statement(done.statement) | {"lines": done.lines, "matched": done.matched}


@router.get("/client-funds/statements/{statement_id}")
def get_statement(ledger: LedgerDep, actor: ActorDep, statement_id: PathId) -> dict[str, Any]:
    statement, lines = bank_statements.statement_with_lines(ledger, actor, statement_id)
    return serialize.bank_statement(statement) | {
        "lines": [serialize.bank_statement_line(line) for line in lines]
    }


@router.post("/client-funds/statement-lines/{line_id}/match")
def match_line(
    ledger: LedgerDep, actor: ActorDep, line_id: PathId, cmd: StatementMatch
) -> dict[str, Any]:
    return serialize.bank_statement_line(bank_statements.match_line(ledger, actor, line_id, cmd))


@router.post("/client-funds/statement-lines/{line_id}/unmatch")
def unmatch_line(ledger: LedgerDep, actor: ActorDep, line_id: PathId) -> dict[str, Any]:
    return serialize.bank_statement_line(bank_statements.unmatch_line(ledger, actor, line_id))


@router.get("/client-funds/three-way")
def three_way(
    ledger: LedgerDep,
    actor: ActorDep,
    account_id: AccountQuery,
    month: MonthQuery,
) -> dict[str, Any]:
    """The month's three sides as the books stand now, with what is outstanding."""
    return serialize.three_way(trust_month_end.three_way(ledger, actor, account_id, month))


@router.get("/client-funds/reconciliations")
def list_reconciliations(
    ledger: LedgerDep, actor: ActorDep, account_id: QueryId = None
) -> dict[str, Any]:
    found = trust_month_end.reconciliations(ledger, actor, account_id)
    return {"data": [serialize.trust_reconciliation(r) for r in found]}


@router.post("/client-funds/reconciliations", status_code=201)
def prepare_reconciliation(
    ledger: LedgerDep, actor: ActorDep, cmd: ReconciliationPrepare
) -> dict[str, Any]:
    return serialize.trust_reconciliation(trust_month_end.prepare(ledger, actor, cmd))


@router.get("/client-funds/reconciliations/{rec_id}")
def get_reconciliation(ledger: LedgerDep, actor: ActorDep, rec_id: PathId) -> dict[str, Any]:
    return serialize.trust_reconciliation(trust_month_end.get_reconciliation(ledger, actor, rec_id))


@router.post("/client-funds/reconciliations/{rec_id}/approve")
def approve_reconciliation(ledger: LedgerDep, actor: ActorDep, rec_id: PathId) -> dict[str, Any]:
    """A second administrator approves; the month is closed from then on."""
    return serialize.trust_reconciliation(trust_month_end.approve(ledger, actor, rec_id))


@router.post("/client-funds/reconciliations/{rec_id}/reopen")
def reopen_reconciliation(
    ledger: LedgerDep, actor: ActorDep, rec_id: PathId, cmd: ReconciliationReopen
) -> dict[str, Any]:
    return serialize.trust_reconciliation(trust_month_end.reopen(ledger, actor, rec_id, cmd))
