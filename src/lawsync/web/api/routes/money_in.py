"""Payments, client funds accounts, their transactions, and the client funds ledger report."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query

from lawsync.practice.commands import (
    ChequeNumberIn,
    ClientFundsAccountCreate,
    PaymentCreate,
    PaymentUpdate,
    TrustDeposit,
    TrustDisbursement,
    TrustReversal,
)
from lawsync.practice.fields import Date
from lawsync.practice.services import client_funds, payments, reports
from lawsync.web.api import serialize
from lawsync.web.api.deps import ActorDep, LedgerDep, PagingDep, PathId, QueryId, query_text

router = APIRouter(tags=["Payments and client funds"])


@router.get("/payments")
def list_payments(
    ledger: LedgerDep, actor: ActorDep, paging: PagingDep, client_id: QueryId = None
) -> dict[str, Any]:
    found = payments.list_payments(ledger, actor, paging.cursor, paging.limit, client_id)
    return serialize.page(found, serialize.payment)


@router.post("/payments", status_code=201)
def create_payment(ledger: LedgerDep, actor: ActorDep, cmd: PaymentCreate) -> dict[str, Any]:
    return serialize.payment(payments.create_payment(ledger, actor, cmd))


@router.get("/payments/{payment_id}")
def get_payment(ledger: LedgerDep, actor: ActorDep, payment_id: PathId) -> dict[str, Any]:
    return serialize.payment(payments.get_payment(ledger, actor, payment_id))


@router.patch("/payments/{payment_id}")
def update_payment(
    ledger: LedgerDep, actor: ActorDep, payment_id: PathId, cmd: PaymentUpdate
) -> dict[str, Any]:
    return serialize.payment(payments.update_payment(ledger, actor, payment_id, cmd))


@router.delete("/payments/{payment_id}")
def delete_payment(
    ledger: LedgerDep,
    actor: ActorDep,
    payment_id: PathId,
    reason: Annotated[str, query_text(500)] = "",
) -> dict[str, Any]:
    return serialize.payment(payments.delete_payment(ledger, actor, payment_id, reason))


@router.get("/client-funds-accounts")
def list_accounts(ledger: LedgerDep, actor: ActorDep, paging: PagingDep) -> dict[str, Any]:
    found = client_funds.list_accounts(ledger, actor, paging.cursor, paging.limit)
    return serialize.page(found, serialize.client_funds_account)


@router.post("/client-funds-accounts", status_code=201)
def create_account(
    ledger: LedgerDep, actor: ActorDep, cmd: ClientFundsAccountCreate
) -> dict[str, Any]:
    return serialize.client_funds_account(client_funds.create_account(ledger, actor, cmd))


@router.get("/client-funds-accounts/{account_id}")
def get_account(ledger: LedgerDep, actor: ActorDep, account_id: PathId) -> dict[str, Any]:
    account, balance = client_funds.get_account_with_balance(ledger, actor, account_id)
    return serialize.client_funds_account(account, balance)


@router.get("/client-funds-accounts/{account_id}/ledger")
def client_funds_ledger(
    ledger: LedgerDep,
    actor: ActorDep,
    account_id: PathId,
    date_from: Annotated[Date | None, Query(alias="from")] = None,
    date_to: Annotated[Date | None, Query(alias="to")] = None,
    client_id: QueryId = None,
    matter_id: QueryId = None,
) -> dict[str, Any]:
    report = reports.client_funds_ledger(
        ledger, actor, account_id, date_from, date_to, client_id, matter_id
    )
    return serialize.ledger_report(report)


@router.get("/client-funds-transactions")
def list_transactions(
    ledger: LedgerDep,
    actor: ActorDep,
    paging: PagingDep,
    account_id: QueryId = None,
    client_id: QueryId = None,
) -> dict[str, Any]:
    found = client_funds.list_transactions(
        ledger, actor, paging.cursor, paging.limit, account_id, client_id
    )
    return serialize.page(found, serialize.client_funds_transaction)


@router.post("/client-funds-transactions", status_code=201)
def create_transaction(
    ledger: LedgerDep,
    actor: ActorDep,
    cmd: Annotated[TrustDeposit | TrustDisbursement, Body(discriminator="kind")],
) -> dict[str, Any]:
    if isinstance(cmd, TrustDeposit):
        txn = client_funds.record_deposit(ledger, actor, cmd)
    else:
        txn = client_funds.record_disbursement(ledger, actor, cmd)
    return serialize.client_funds_transaction(txn)


@router.get("/client-funds-transactions/{txn_id}")
def get_transaction(ledger: LedgerDep, actor: ActorDep, txn_id: PathId) -> dict[str, Any]:
    return serialize.client_funds_transaction(client_funds.get_transaction(ledger, actor, txn_id))


@router.post("/client-funds-transactions/{txn_id}/reverse", status_code=201)
def reverse_transaction(
    ledger: LedgerDep, actor: ActorDep, txn_id: PathId, cmd: TrustReversal
) -> dict[str, Any]:
    txn = client_funds.reverse_transaction(ledger, actor, txn_id, cmd)
    return serialize.client_funds_transaction(txn)


@router.post("/client-funds-transactions/{txn_id}/cheque-number")
def set_cheque_number(
    ledger: LedgerDep, actor: ActorDep, txn_id: PathId, cmd: ChequeNumberIn
) -> dict[str, Any]:
    txn = client_funds.set_cheque_number(ledger, actor, txn_id, cmd)
    return serialize.client_funds_transaction(txn)
