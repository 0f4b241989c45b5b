"""A firm connected to a sandbox company, ready for sync passes (stand-in for the OAuth flow)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from lawsync.quickbooks import Customer, Invoice, Item, Payment
from lawsync.sync.engine import PassReport, ReplyHook, run_pass
from lawsync.sync.models import ItemMapping, QuickBooksConnection, SyncSettings
from tests.conftest import Firm
from tests.quickbooks.conftest import Company


@dataclass
class Connected:
    firm: Firm
    company: Company
    connection_id: int
    items: list[str]
    spare_requests: bool | None = None  # the engine's faster mode: single requests beside batches
    client_options: dict[str, Any] = field(default_factory=dict)  # e.g. pacing=Pacing(...)

    def run(self, after_reply: ReplyHook | None = None) -> PassReport:
        async def go() -> PassReport:
            async with self.company.client(**self.client_options) as qb:
                return await run_pass(
                    self.firm.ledger,
                    self.firm.id,
                    qb,
                    after_reply=after_reply,
                    spare_requests=self.spare_requests,
                )

        return asyncio.run(go())

    def call(self, fn: Any) -> Any:
        async def go() -> Any:
            async with self.company.client() as qb:
                return await fn(qb, self.company.realm)

        return asyncio.run(go())

    def invoices(self) -> list[Invoice]:
        return self.call(lambda qb, realm: qb.query(realm, Invoice))  # type: ignore[no-any-return]

    def customers(self) -> list[Customer]:
        return self.call(  # type: ignore[no-any-return]
            lambda qb, realm: qb.query(realm, Customer, "Active IN (true, false)")
        )

    def payments(self) -> list[Payment]:
        return self.call(lambda qb, realm: qb.query(realm, Payment))  # type: ignore[no-any-return]

    def settings(self, **values: Any) -> None:
        with self.firm.ledger.uow(self.firm.actor) as uow:
            row = uow.session.query(SyncSettings).one()
            for key, value in values.items():
                setattr(row, key, value)
            uow.commit()


def connect(
    firm: Firm,
    company: Company,
    *,
    map_items: bool = True,
    country: str = "US",
    multicurrency: bool = False,
) -> Connected:
    items = [i.Id for i in asyncio.run(_items(company)) if i.Id]
    with firm.ledger.uow(firm.actor) as uow:
        conn = QuickBooksConnection(
            firm_id=firm.id,
            realm_id=company.realm,
            edition="plus",
            country=country,
            home_currency="USD",
            multicurrency=multicurrency,
        )
        uow.session.add(conn)
        uow.session.flush()
        uow.session.add(SyncSettings(firm_id=firm.id, export_bills=True))
        if map_items:
            for kind in ("activity", "expense", "tax1", "tax2", "interest", "credit"):
                uow.session.add(
                    ItemMapping(
                        firm_id=firm.id,
                        connection_id=conn.id,
                        kind=kind,
                        category_id=0,
                        item_id=items[0],
                    )
                )
        uow.commit()
        return Connected(firm, company, conn.id, items)


async def _items(company: Company) -> list[Item]:
    async with company.client() as qb:
        rows = await qb.query(company.realm, Item)
    return [
        r
        for r in rows
        if getattr(r, "Type", None) in ("Service", "NonInventory")
        or (r.model_extra or {}).get("Type") in ("Service", "NonInventory")
    ]


def linked_invoices(payment: object) -> list[str]:
    """The ids of the transactions a payment's lines are linked to."""
    return [
        str(t.TxnId)
        for ln in getattr(payment, "Line", None) or []
        for t in (getattr(ln, "LinkedTxn", None) or [])
    ]
