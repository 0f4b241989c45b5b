"""Activity and expense categories, time entries and expense entries."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from lawsync.practice.commands import (
    CategoryCreate,
    CategoryUpdate,
    ExpenseEntryCreate,
    ExpenseEntryUpdate,
    TimeEntryCreate,
    TimeEntryUpdate,
)
from lawsync.practice.models import ActivityCategory
from lawsync.practice.services import entries
from lawsync.web.api import serialize
from lawsync.web.api.deps import ActorDep, LedgerDep, PagingDep, PathId, QueryId

router = APIRouter(tags=["Time and expenses"])


def _render_category(row: Any) -> dict[str, Any]:
    if isinstance(row, ActivityCategory):
        return serialize.activity_category(row)
    return serialize.expense_category(row)


def _category_routes(kind: str, path: str) -> None:
    @router.get(f"/{path}", name=f"list_{kind}_categories")
    def list_(ledger: LedgerDep, actor: ActorDep, paging: PagingDep) -> dict[str, Any]:
        found = entries.list_categories(ledger, actor, kind, paging.cursor, paging.limit)
        return serialize.page(found, _render_category)

    @router.post(f"/{path}", status_code=201, name=f"create_{kind}_category")
    def create(ledger: LedgerDep, actor: ActorDep, cmd: CategoryCreate) -> dict[str, Any]:
        return _render_category(entries.create_category(ledger, actor, kind, cmd))

    @router.get(f"/{path}/{{category_id}}", name=f"get_{kind}_category")
    def get(ledger: LedgerDep, actor: ActorDep, category_id: PathId) -> dict[str, Any]:
        return _render_category(entries.get_category(ledger, actor, kind, category_id))

    @router.patch(f"/{path}/{{category_id}}", name=f"update_{kind}_category")
    def update(
        ledger: LedgerDep, actor: ActorDep, category_id: PathId, cmd: CategoryUpdate
    ) -> dict[str, Any]:
        return _render_category(entries.update_category(ledger, actor, kind, category_id, cmd))


_category_routes("activity", "activity-categories")
_category_routes("expense", "expense-categories")


@router.get("/time-entries")
def list_time_entries(
    ledger: LedgerDep,
    actor: ActorDep,
    paging: PagingDep,
    matter_id: QueryId = None,
    unbilled: bool | None = None,
) -> dict[str, Any]:
    found = entries.list_time_entries(
        ledger, actor, paging.cursor, paging.limit, matter_id, unbilled
    )
    return serialize.page(found, serialize.time_entry)


@router.post("/time-entries", status_code=201)
def create_time_entry(ledger: LedgerDep, actor: ActorDep, cmd: TimeEntryCreate) -> dict[str, Any]:
    return serialize.time_entry(entries.create_time_entry(ledger, actor, cmd))


@router.get("/time-entries/{entry_id}")
def get_time_entry(ledger: LedgerDep, actor: ActorDep, entry_id: PathId) -> dict[str, Any]:
    return serialize.time_entry(entries.get_time_entry(ledger, actor, entry_id))


@router.patch("/time-entries/{entry_id}")
def update_time_entry(
    ledger: LedgerDep, actor: ActorDep, entry_id: PathId, cmd: TimeEntryUpdate
) -> dict[str, Any]:
    return serialize.time_entry(entries.update_time_entry(ledger, actor, entry_id, cmd))


@router.delete("/time-entries/{entry_id}", status_code=204)
def delete_time_entry(ledger: LedgerDep, actor: ActorDep, entry_id: PathId) -> Response:
    entries.delete_time_entry(ledger, actor, entry_id)
    return Response(status_code=204)


@router.get("/expense-entries")
def list_expense_entries(
    ledger: LedgerDep,
    actor: ActorDep,
    paging: PagingDep,
    matter_id: QueryId = None,
    unbilled: bool | None = None,
) -> dict[str, Any]:
    found = entries.list_expense_entries(
        ledger, actor, paging.cursor, paging.limit, matter_id, unbilled
    )
    return serialize.page(found, serialize.expense_entry)


@router.post("/expense-entries", status_code=201)
def create_expense_entry(
    ledger: LedgerDep, actor: ActorDep, cmd: ExpenseEntryCreate
) -> dict[str, Any]:
    return serialize.expense_entry(entries.create_expense_entry(ledger, actor, cmd))


@router.get("/expense-entries/{entry_id}")
def get_expense_entry(ledger: LedgerDep, actor: ActorDep, entry_id: PathId) -> dict[str, Any]:
    return serialize.expense_entry(entries.get_expense_entry(ledger, actor, entry_id))


@router.patch("/expense-entries/{entry_id}")
def update_expense_entry(
    ledger: LedgerDep, actor: ActorDep, entry_id: PathId, cmd: ExpenseEntryUpdate
) -> dict[str, Any]:
    return serialize.expense_entry(entries.update_expense_entry(ledger, actor, entry_id, cmd))


@router.delete("/expense-entries/{entry_id}", status_code=204)
def delete_expense_entry(ledger: LedgerDep, actor: ActorDep, entry_id: PathId) -> Response:
    entries.delete_expense_entry(ledger, actor, entry_id)
    return Response(status_code=204)
