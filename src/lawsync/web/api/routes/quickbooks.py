"""The accounting sync: settings and the failure table."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from lawsync.errors import InvalidInput
from lawsync.practice.commands import Command
from lawsync.practice.services.context import Actor, Ledger
from lawsync.sync import company_lists, contact_conflicts, failures, settings
from lawsync.sync.models import SyncFailure, SyncSettings
from lawsync.web.api.deps import ActorDep, LedgerDep, PagingDep, PathId

router = APIRouter(prefix="/quickbooks", tags=["QuickBooks sync"])


def _settings(
    row: SyncSettings, mappings: dict[str, str], trust: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "export_bills": row.export_bills,
        "export_start_date": row.export_start_date.isoformat() if row.export_start_date else None,
        "bill_prefix": row.bill_prefix,
        "tax_option": row.tax_option.value,
        "track_timekeepers": row.track_timekeepers,
        "name_clash": row.name_clash.value,
        "reactivate_archived_customers": row.reactivate_archived_customers,
        "fast_catch_up": row.fast_catch_up,
        "share_company": row.share_company,
        "item_mappings": mappings,
        "export_client_funds": row.export_client_funds,
        "client_funds_start_date": row.client_funds_start_date.isoformat()
        if row.client_funds_start_date
        else None,
        "cheque_printing": row.cheque_printing,
        "journal_prefix": row.journal_prefix,
        "trust_subledgers": row.trust_subledgers,
        "client_funds_accounts": trust,
        "import_hard_costs": row.import_hard_costs,
        "hard_costs_start_date": row.hard_costs_start_date.isoformat()
        if row.hard_costs_start_date
        else None,
        "hard_costs_account": row.hard_costs_account,
    }


def _failure(row: SyncFailure) -> dict[str, Any]:
    g = failures.guide(row)
    return {
        "id": row.id,
        "record": {"kind": row.kind, "id": row.local_id, "revision": row.revision},
        "code": row.code,
        "message": row.message,
        "detail": row.detail,
        "element": row.element,
        "context": row.context,
        "title": g.title,
        "cause": g.cause,
        "resolution": list(g.steps),
        "attempts": row.attempts,
        "first_seen_at": row.first_seen_at.isoformat(),
        "last_seen_at": row.last_seen_at.isoformat(),
        "resolved_at": row.resolved_at.isoformat() if row.resolved_at else None,
        "retry_requested_at": row.retry_requested_at.isoformat()
        if row.retry_requested_at
        else None,
        # A contact changed on both sides: each field's two values, until a person chooses.
        "conflicts": contact_conflicts.conflicts_of(row),
    }


def _answer(ledger: Ledger, actor: Actor, row: SyncSettings) -> dict[str, Any]:
    return _settings(
        row, settings.item_mappings(ledger, actor), settings.client_funds_accounts(ledger, actor)
    )


@router.get("/settings")
def get_settings(ledger: LedgerDep, actor: ActorDep) -> dict[str, Any]:
    return _answer(ledger, actor, settings.get_settings(ledger, actor))


@router.put("/settings")
@router.patch("/settings")
async def update_settings(
    request: Request, ledger: LedgerDep, actor: ActorDep, cmd: settings.SyncSettingsUpdate
) -> dict[str, Any]:
    accounts = None
    if cmd.client_funds_accounts:
        actor.require_admin("change the sync settings")
        accounts = await company_lists.checkable_accounts(
            ledger, actor.firm_id, request.app.state.settings
        )
    expense_accounts = None
    if cmd.hard_costs_account:
        actor.require_admin("change the sync settings")
        expense_accounts = await company_lists.checkable_expense_accounts(
            ledger, actor.firm_id, request.app.state.settings
        )
    row = await run_in_threadpool(
        settings.update_settings, ledger, actor, cmd, accounts, expense_accounts
    )
    return _answer(ledger, actor, row)


@router.get("/failures")
def list_failures(
    ledger: LedgerDep, actor: ActorDep, paging: PagingDep, include_resolved: bool = False
) -> dict[str, Any]:
    page = failures.list_failures(ledger, actor, paging.cursor, paging.limit, include_resolved)
    return {"data": [_failure(r) for r in page.items], "next_cursor": page.next_cursor}


@router.post("/failures/{failure_id}/retry")
def retry_failure(ledger: LedgerDep, actor: ActorDep, failure_id: PathId) -> dict[str, Any]:
    return _failure(failures.request_retry(ledger, actor, failure_id))


ContactField = Literal[
    "first_name",
    "last_name",
    "company_name",
    "email",
    "phone",
    "web_address",
    "street",
    "city",
    "region",
    "postal_code",
    "country",
]
SideName = Literal["lawsync", "quickbooks"]


class ConflictChoices(Command):
    """Per field, whose value to keep; or ``all`` for every field in conflict."""

    choices: dict[ContactField, SideName] | None = Field(default=None, max_length=11)
    all: SideName | None = None


@router.post("/failures/{failure_id}/resolve")
def resolve_conflict(
    ledger: LedgerDep, actor: ActorDep, failure_id: PathId, body: ConflictChoices
) -> dict[str, Any]:
    """Settle a contact changed both in lawsync and in QuickBooks: the chosen values are
    written where they are missing; the failure closes once no field is left."""
    if (body.choices is None) == (body.all is None):
        raise InvalidInput("Give either choices (per field) or all.", field="choices")
    raw: Any = body.all if body.all is not None else dict(body.choices or {})
    return _failure(contact_conflicts.resolve(ledger, actor, failure_id, raw))
