"""What a person decides about a change from QuickBooks: the matter of an imported hard cost,
and a bill pushed again over an invoice changed there."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from lawsync.practice.commands import Command
from lawsync.practice.fields import Id
from lawsync.sync.imports import hard_costs, invoices
from lawsync.web.api import serialize
from lawsync.web.api.deps import ActorDep, LedgerDep, PathId

router = APIRouter(prefix="/quickbooks", tags=["QuickBooks sync"])


class MatterChoice(Command):
    matter_id: Id


@router.post("/failures/{failure_id}/choose-matter")
async def choose_matter(
    ledger: LedgerDep, actor: ActorDep, failure_id: PathId, cmd: MatterChoice
) -> dict[str, Any]:
    """Import the hard cost of a failure that asks for a matter onto the matter chosen; the
    expense entry made."""
    entry = await run_in_threadpool(
        hard_costs.choose_matter, ledger, actor, failure_id, cmd.matter_id
    )
    return serialize.expense_entry(entry)


@router.post("/failures/{failure_id}/push-again")
async def push_again(ledger: LedgerDep, actor: ActorDep, failure_id: PathId) -> dict[str, Any]:
    """Send the bill as lawsync has it over its invoice changed in QuickBooks (on the next
    pass); the failure, now resolved."""
    row = await run_in_threadpool(invoices.push_again, ledger, actor, failure_id)
    return {"id": row.id, "resolved_at": row.resolved_at.isoformat() if row.resolved_at else None}
