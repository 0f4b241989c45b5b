"""The shape every importer has, and the change it is handed.

The inbound direction reads what changed in the company since the connection's cursor (change
data capture), takes out lawsync's own writes coming back (a change whose SyncToken is the one the
link last recorded), and hands each importer the changes of the entities it asked for. An importer
applies them to the ledger; the cursor moves on only once every importer has applied its share, so
a change may arrive twice (after a crash) and importers must be idempotent.

When the cursor is older than QuickBooks keeps changes (30 days), or there is none yet, the feed
cannot tell what changed: it asks each importer to `compare_all` instead.

The feed itself (`lawsync.sync.imports.feed`) offers to the worker, the queue and the web API:

    async def pull_firm(ledger, firm_id, settings, *, app_url=None) -> PullReport
        # one pull now for the firm's connected company (outside a pass)
    async def pull(ctx: PassContext) -> PullReport
        # the pull a pass starts with (run by engine.export_all; nothing for a preview)
    def request_pull(ledger, realm_id) -> list[int]
        # mark a pull wanted for every firm connected to the realm; their firm ids
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from lawsync.quickbooks import Entity
from lawsync.sync.context import PassContext
from lawsync.sync.kinds import Kind


@dataclass(frozen=True)
class Change:
    """One entity changed (or deleted) in the company, as the change feed reports it."""

    entity: str  # QuickBooks entity name: "Customer", "Purchase", "Payment", "Invoice", ...
    qbo_id: str
    found: Entity | None  # the entity as QuickBooks holds it now; None when deleted
    sync_token: str | None
    changed_at: datetime | None  # MetaData.LastUpdatedTime


class Importer(Protocol):
    """One kind of change from the accounting side back to the ledger."""

    kind: Kind  # the link kind it reads/writes (sync/kinds.py)
    entities: tuple[str, ...]  # entity names it wants from the change feed

    def enabled(self, ctx: PassContext) -> bool: ...

    async def take(self, ctx: PassContext, changes: Sequence[Change]) -> int:
        """Apply the changes (lawsync's own writes are already taken out); return how many
        ledger records changed. Idempotent: the same change may arrive twice."""
        ...

    async def compare_all(self, ctx: PassContext) -> int:
        """The change cursor is older than QuickBooks keeps (30 days) or absent: read what
        matters of these entities by query and apply it as changes."""
        ...
