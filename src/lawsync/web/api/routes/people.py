"""Users (timekeepers), contacts and matters."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter

from lawsync.practice.commands import (
    ContactCreate,
    ContactUpdate,
    FirmUpdate,
    MatterCreate,
    MatterUpdate,
    UserCreate,
    UserUpdate,
)
from lawsync.practice.models import MatterStatus
from lawsync.practice.services import contacts, firms
from lawsync.web.api import serialize
from lawsync.web.api.deps import ActorDep, LedgerDep, PagingDep, PathId, QueryId, query_text

router = APIRouter(tags=["Firm, people, contacts and matters"])
Id = Annotated[int, "path id"]


@router.get("/firm")
def get_firm(ledger: LedgerDep, actor: ActorDep) -> dict[str, Any]:
    return serialize.firm(firms.get_firm(ledger, actor))


@router.patch("/firm")
def update_firm(ledger: LedgerDep, actor: ActorDep, cmd: FirmUpdate) -> dict[str, Any]:
    return serialize.firm(firms.update_firm(ledger, actor, cmd))


@router.get("/users")
def list_users(ledger: LedgerDep, actor: ActorDep, paging: PagingDep) -> dict[str, Any]:
    return serialize.page(
        firms.list_users(ledger, actor, paging.cursor, paging.limit), serialize.user
    )


@router.post("/users", status_code=201)
def create_user(ledger: LedgerDep, actor: ActorDep, cmd: UserCreate) -> dict[str, Any]:
    return serialize.user(firms.create_user(ledger, actor, cmd))


@router.get("/users/{user_id}")
def get_user(ledger: LedgerDep, actor: ActorDep, user_id: PathId) -> dict[str, Any]:
    return serialize.user(firms.get_user(ledger, actor, user_id))


@router.patch("/users/{user_id}")
def update_user(
    ledger: LedgerDep, actor: ActorDep, user_id: PathId, cmd: UserUpdate
) -> dict[str, Any]:
    return serialize.user(firms.update_user(ledger, actor, user_id, cmd))


@router.get("/contacts")
def list_contacts(
    ledger: LedgerDep,
    actor: ActorDep,
    paging: PagingDep,
    q: Annotated[str | None, query_text(100)] = None,
) -> dict[str, Any]:
    found = contacts.list_contacts(ledger, actor, paging.cursor, paging.limit, q)
    return serialize.page(found, serialize.contact)


@router.post("/contacts", status_code=201)
def create_contact(ledger: LedgerDep, actor: ActorDep, cmd: ContactCreate) -> dict[str, Any]:
    return serialize.contact(contacts.create_contact(ledger, actor, cmd))


@router.get("/contacts/{contact_id}")
def get_contact(ledger: LedgerDep, actor: ActorDep, contact_id: PathId) -> dict[str, Any]:
    return serialize.contact(contacts.get_contact(ledger, actor, contact_id))


@router.patch("/contacts/{contact_id}")
def update_contact(
    ledger: LedgerDep, actor: ActorDep, contact_id: PathId, cmd: ContactUpdate
) -> dict[str, Any]:
    return serialize.contact(contacts.update_contact(ledger, actor, contact_id, cmd))


@router.get("/matters")
def list_matters(
    ledger: LedgerDep,
    actor: ActorDep,
    paging: PagingDep,
    client_id: QueryId = None,
    status: MatterStatus | None = None,
) -> dict[str, Any]:
    found = contacts.list_matters(ledger, actor, paging.cursor, paging.limit, client_id, status)
    return serialize.page(found, serialize.matter)


@router.post("/matters", status_code=201)
def create_matter(ledger: LedgerDep, actor: ActorDep, cmd: MatterCreate) -> dict[str, Any]:
    return serialize.matter(contacts.create_matter(ledger, actor, cmd))


@router.get("/matters/{matter_id}")
def get_matter(ledger: LedgerDep, actor: ActorDep, matter_id: PathId) -> dict[str, Any]:
    return serialize.matter(contacts.get_matter(ledger, actor, matter_id))


@router.patch("/matters/{matter_id}")
def update_matter(
    ledger: LedgerDep, actor: ActorDep, matter_id: PathId, cmd: MatterUpdate
) -> dict[str, Any]:
    return serialize.matter(contacts.update_matter(ledger, actor, matter_id, cmd))


@router.get("/audit-events")
def list_audit_events(
    ledger: LedgerDep,
    actor: ActorDep,
    paging: PagingDep,
    entity: Annotated[str | None, query_text(40)] = None,
    entity_id: QueryId = None,
) -> dict[str, Any]:
    found = firms.list_audit_events(ledger, actor, paging.cursor, paging.limit, entity, entity_id)
    return serialize.page(found, serialize.audit_event)
