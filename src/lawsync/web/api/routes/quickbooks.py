"""The accounting sync: settings and the failure table."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from lawsync.sync import failures, settings
from lawsync.sync.models import SyncFailure, SyncSettings
from lawsync.web.api.deps import ActorDep, LedgerDep, PagingDep, PathId

router = APIRouter(prefix="/quickbooks", tags=["QuickBooks sync"])


def _settings(row: SyncSettings, mappings: dict[str, str]) -> dict[str, Any]:
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
    }


@router.get("/settings")
def get_settings(ledger: LedgerDep, actor: ActorDep) -> dict[str, Any]:
    return _settings(settings.get_settings(ledger, actor), settings.item_mappings(ledger, actor))


@router.put("/settings")
@router.patch("/settings")
def update_settings(
    ledger: LedgerDep, actor: ActorDep, cmd: settings.SyncSettingsUpdate
) -> dict[str, Any]:
    row = settings.update_settings(ledger, actor, cmd)
    return _settings(row, settings.item_mappings(ledger, actor))


@router.get("/failures")
def list_failures(
    ledger: LedgerDep, actor: ActorDep, paging: PagingDep, include_resolved: bool = False
) -> dict[str, Any]:
    page = failures.list_failures(ledger, actor, paging.cursor, paging.limit, include_resolved)
    return {"data": [_failure(r) for r in page.items], "next_cursor": page.next_cursor}


@router.post("/failures/{failure_id}/retry")
def retry_failure(ledger: LedgerDep, actor: ActorDep, failure_id: PathId) -> dict[str, Any]:
    return _failure(failures.request_retry(ledger, actor, failure_id))
