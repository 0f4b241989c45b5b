"""A practice record's copy on the accounting side, read back for a person to compare.

The page that shows it answers "why does this invoice differ?" from what QuickBooks holds now,
not from what lawsync last sent. For a company in real QuickBooks there is also a deep link into
its own web app, where the bookkeeper can act on the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lawsync.errors import NotFound
from lawsync.practice.services.context import Actor, Ledger
from lawsync.quickbooks import AsyncQuickBooks, Entity
from lawsync.sync import links
from lawsync.sync.kinds import Kind
from lawsync.sync.registry import EXPORTERS
from lawsync.sync.settings import active_connection

# The page of QuickBooks' own web app for each entity, and the query naming the record there.
_APP_PAGES = {
    "Customer": ("customerdetail", "nameId"),
    "Class": ("class", "id"),
    "Invoice": ("invoice", "txnId"),
    "CreditMemo": ("creditmemo", "txnId"),
    "Payment": ("recvpayment", "txnId"),
    "JournalEntry": ("journal", "txnId"),
    "Purchase": ("check", "txnId"),
}
_APP_HOSTS = {
    "production": "https://app.qbo.intuit.com",
    "intuit-sandbox": "https://app.sandbox.qbo.intuit.com",
}


def entity_of(kind: Kind) -> type[Entity]:
    """The accounting-side type a kind of record is copied as."""
    for exporter in EXPORTERS:
        if exporter.kind == kind:
            return exporter.entity
    raise NotFound(f"No kind of record is called {kind!r}.", field="kind")


def app_link(qbo_env: str, entity_name: str, qbo_id: str) -> str | None:
    """The record in QuickBooks' own web app; None for the bundled sandbox (it has none)."""
    host = _APP_HOSTS.get(qbo_env)
    page = _APP_PAGES.get(entity_name)
    if host is None or page is None:
        return None
    return f"{host}/app/{page[0]}?{page[1]}={qbo_id}"


@dataclass(frozen=True)
class Where:
    """Where a record's copy lives: the company, the entity and its id."""

    realm_id: str
    company_name: str
    entity: type[Entity]
    qbo_id: str


def where_is(ledger: Ledger, actor: Actor, kind: Kind, local_id: int) -> Where:
    """The copy of one record in the connected company; NotFound when it has none now."""
    entity = entity_of(kind)
    with ledger.uow(actor) as uow:
        connection = active_connection(uow.session)
        if connection is None:
            raise NotFound("No QuickBooks company is connected, so there is no copy to show.")
        link = links.links_for(uow.session, connection.id, kind, [local_id]).get(local_id)
        copy = links.live_copy(link)
        if copy is None:
            raise NotFound(
                "This record has no copy in QuickBooks yet: it has not been sent, or its copy "
                "was removed."
            )
        return Where(connection.realm_id, connection.company_name, entity, copy)


async def read_copy(qb: AsyncQuickBooks, where: Where) -> dict[str, Any]:
    """The copy as QuickBooks holds it now, field by field as it was read."""
    found = await qb.read(where.realm_id, where.entity, where.qbo_id)
    return found.model_dump(mode="json", exclude_none=True)
