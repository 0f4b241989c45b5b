"""Bill settings, bills, credit notes and interest charges."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Response

from lawsync.practice.commands import (
    BillCreate,
    BillSettingsUpdate,
    BillUpdate,
    CreditNoteCreate,
    InterestChargeCreate,
)
from lawsync.practice.fields import TEXT_PATTERN
from lawsync.practice.models import BillState
from lawsync.practice.services import adjustments, bill_settings, bills
from lawsync.web.api import serialize
from lawsync.web.api.deps import ActorDep, LedgerDep, PagingDep, PathId, QueryId

router = APIRouter(tags=["Bills, credit notes and interest"])
Reason = Annotated[
    str, Body(embed=True, max_length=500, json_schema_extra={"pattern": TEXT_PATTERN})
]


@router.get("/bill-settings")
def get_bill_settings(ledger: LedgerDep, actor: ActorDep) -> dict[str, Any]:
    return serialize.bill_settings(bill_settings.get_bill_settings(ledger, actor))


@router.put("/bill-settings")
@router.patch("/bill-settings")
def update_bill_settings(
    ledger: LedgerDep, actor: ActorDep, cmd: BillSettingsUpdate
) -> dict[str, Any]:
    return serialize.bill_settings(bill_settings.update_bill_settings(ledger, actor, cmd))


@router.get("/bills")
def list_bills(
    ledger: LedgerDep,
    actor: ActorDep,
    paging: PagingDep,
    client_id: QueryId = None,
    state: BillState | None = None,
) -> dict[str, Any]:
    found = bills.list_bills(ledger, actor, paging.cursor, paging.limit, client_id, state)
    return serialize.page(found, serialize.bill)


@router.post("/bills", status_code=201)
def create_bill(ledger: LedgerDep, actor: ActorDep, cmd: BillCreate) -> dict[str, Any]:
    return serialize.bill(bills.create_bill(ledger, actor, cmd))


@router.get("/bills/{bill_id}")
def get_bill(ledger: LedgerDep, actor: ActorDep, bill_id: PathId) -> dict[str, Any]:
    return serialize.bill(bills.get_bill(ledger, actor, bill_id))


@router.patch("/bills/{bill_id}")
def update_bill(
    ledger: LedgerDep, actor: ActorDep, bill_id: PathId, cmd: BillUpdate
) -> dict[str, Any]:
    return serialize.bill(bills.update_bill(ledger, actor, bill_id, cmd))


@router.post("/bills/{bill_id}/approve")
def approve_bill(ledger: LedgerDep, actor: ActorDep, bill_id: PathId) -> dict[str, Any]:
    return serialize.bill(bills.approve_and_load(ledger, actor, bill_id))


@router.post("/bills/{bill_id}/void")
def void_bill(
    ledger: LedgerDep, actor: ActorDep, bill_id: PathId, reason: Reason = ""
) -> dict[str, Any]:
    return serialize.bill(bills.void_bill(ledger, actor, bill_id, reason))


@router.delete(
    "/bills/{bill_id}",
    response_model=None,
    responses={
        200: {"description": "An approved bill becomes a `deleted` tombstone, returned."},
        204: {"description": "A draft is gone."},
    },
)
def delete_bill(ledger: LedgerDep, actor: ActorDep, bill_id: PathId) -> dict[str, Any] | Response:
    kept = bills.delete_bill(ledger, actor, bill_id)
    return Response(status_code=204) if kept is None else serialize.bill(kept)


@router.get("/credit-notes")
def list_credit_notes(
    ledger: LedgerDep, actor: ActorDep, paging: PagingDep, bill_id: QueryId = None
) -> dict[str, Any]:
    found = adjustments.list_credit_notes(ledger, actor, paging.cursor, paging.limit, bill_id)
    return serialize.page(found, serialize.credit_note)


@router.post("/credit-notes", status_code=201)
def create_credit_note(ledger: LedgerDep, actor: ActorDep, cmd: CreditNoteCreate) -> dict[str, Any]:
    return serialize.credit_note(adjustments.create_credit_note(ledger, actor, cmd))


@router.get("/credit-notes/{note_id}")
def get_credit_note(ledger: LedgerDep, actor: ActorDep, note_id: PathId) -> dict[str, Any]:
    return serialize.credit_note(adjustments.get_credit_note(ledger, actor, note_id))


@router.post("/credit-notes/{note_id}/void")
def void_credit_note(
    ledger: LedgerDep, actor: ActorDep, note_id: PathId, reason: Reason = ""
) -> dict[str, Any]:
    return serialize.credit_note(adjustments.void_credit_note(ledger, actor, note_id, reason))


@router.get("/interest-charges")
def list_interest_charges(
    ledger: LedgerDep, actor: ActorDep, paging: PagingDep, bill_id: QueryId = None
) -> dict[str, Any]:
    found = adjustments.list_interest_charges(ledger, actor, paging.cursor, paging.limit, bill_id)
    return serialize.page(found, serialize.interest_charge)


@router.post("/interest-charges", status_code=201)
def create_interest_charge(
    ledger: LedgerDep, actor: ActorDep, cmd: InterestChargeCreate
) -> dict[str, Any]:
    return serialize.interest_charge(adjustments.create_interest_charge(ledger, actor, cmd))


@router.get("/interest-charges/{charge_id}")
def get_interest_charge(ledger: LedgerDep, actor: ActorDep, charge_id: PathId) -> dict[str, Any]:
    return serialize.interest_charge(adjustments.get_interest_charge(ledger, actor, charge_id))


@router.post("/interest-charges/{charge_id}/void")
def void_interest_charge(
    ledger: LedgerDep, actor: ActorDep, charge_id: PathId, reason: Reason = ""
) -> dict[str, Any]:
    charge = adjustments.void_interest_charge(ledger, actor, charge_id, reason)
    return serialize.interest_charge(charge)
