"""A synced client whose customer a bookkeeper edits in QuickBooks, and the pull that follows.

`edit` changes the customer over plain HTTP as another app would (a sparse update with the
customer's current SyncToken). `pull` runs the change feed once, as a pass starts with: lawsync's
own writes coming back are taken out there, the rest handed to the importers.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from lawsync.quickbooks import RequestEvent
from lawsync.sync import context
from lawsync.sync.context import PassContext
from lawsync.sync.imports import feed
from lawsync.sync.imports.contacts import ContactEdits
from lawsync.sync.models import InboundCursor, SyncLink
from tests import builders
from tests.sync.engine_support import Connected


@dataclass
class Synced:
    """A connected firm with one billed client whose customer exists in QuickBooks."""

    c: Connected
    client: dict[str, Any]

    @property
    def customer_id(self) -> str:
        return self.link(self.client["id"]).qbo_id or ""

    def link(self, contact_id: int) -> SyncLink:
        with self.c.firm.ledger.uow(self.c.firm.actor) as uow:
            return uow.session.execute(
                select(SyncLink).where(SyncLink.kind == "contact", SyncLink.local_id == contact_id)
            ).scalar_one()

    def customer(self, qbo_id: str | None = None) -> dict[str, Any]:
        return self._http("GET", f"customer/{qbo_id or self.customer_id}")["Customer"]

    def edit(self, qbo_id: str | None = None, **fields: Any) -> dict[str, Any]:
        """A bookkeeper's edit of the customer in QuickBooks."""
        now = self.customer(qbo_id)
        body = {"Id": now["Id"], "SyncToken": now["SyncToken"], "sparse": True, **fields}
        return self._http("POST", "customer", body)["Customer"]

    def contact(self, contact_id: int | None = None) -> dict[str, Any]:
        return self.c.firm.get(f"/contacts/{contact_id or self.client['id']}")  # type: ignore[no-any-return]

    def pull(self) -> int:
        """A pull of the change feed, as a pass starts with (or a webhook asks for): how many
        contacts it changed."""

        async def go() -> int:
            async with self.c.company.client() as qb:
                return (await feed.pull(self._ctx(qb))).applied

        return asyncio.run(go())

    def skip_feed_past_now(self) -> None:
        """Move the change feed's cursor past every change made so far (and past the minute
        each pull asks for again)."""
        later = dt.datetime.now(dt.UTC) + feed.OVERLAP + dt.timedelta(seconds=2)
        with self.c.firm.ledger.uow(self.c.firm.actor) as uow:
            uow.session.execute(update(InboundCursor).values(cursor_at=later))
            uow.commit()

    def compare_all(self) -> tuple[int, list[RequestEvent]]:
        seen: list[RequestEvent] = []

        async def go() -> int:
            async with self.c.company.client() as qb:
                with qb.listening(seen.append):
                    return await ContactEdits().compare_all(self._ctx(qb))

        return asyncio.run(go()), seen

    def run_counting(self) -> tuple[Any, list[RequestEvent]]:
        """A pass, and every request it made."""
        before = len(self.c.company.events)
        report = self.c.run()
        return report, list(self.c.company.events[before:])

    def _ctx(self, qb: Any) -> PassContext:
        ctx = context.load(self.c.firm.ledger, self.c.firm.id, qb)
        assert isinstance(ctx, PassContext), ctx
        return ctx

    def _tokens(self) -> dict[str, str]:
        with self.c.firm.ledger.uow(self.c.firm.actor) as uow:
            rows = uow.session.execute(
                select(SyncLink.qbo_id, SyncLink.sync_token).where(SyncLink.kind == "contact")
            )
            return {str(q): str(t) for q, t in rows}

    def _http(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        company = self.c.company
        r = company.sandbox.control.request(
            method,
            f"/v3/company/{company.realm}/{path}",
            headers={"Authorization": f"Bearer {company.tokens.access_token}"},
            json=body,
            params={"minorversion": "75"},
        )
        assert r.status_code == 200, r.text
        return dict(r.json())


def synced_client(c: Connected, **extra: Any) -> Synced:
    """A billed client, synced: its customer exists and both sides agree."""
    client = builders.client(c.firm, **extra)
    matter = builders.matter(c.firm, client["id"])
    builders.time_entry(c.firm, matter["id"])
    builders.bill(c.firm, client["id"])
    report = c.run()
    assert report.failed == 0, report
    return Synced(c, client)


def writes(events: list[RequestEvent]) -> list[RequestEvent]:
    """The requests that change something in QuickBooks (a query is a GET, or a POST of one)."""
    return [e for e in events if e.method == "POST" and "/query" not in e.path]
