"""What one pass knows about the firm and its company, read once at the start of the pass.

    ctx = load(ledger, firm_id, qb)      # or a reason the pass cannot start
    await prepare(ctx)                   # the look-ups every pass needs

The context also counts the requests the pass makes, from the client's own reports of every
attempt (`counting`), so no exporter counts by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawsync.practice.services import bill_settings
from lawsync.practice.services.context import Actor, Ledger
from lawsync.quickbooks import Account, AsyncQuickBooks, Entity, RequestEvent, TaxCode, TaxRate
from lawsync.sync.client_funds_mapping import Payee, TrustAccounts
from lawsync.sync.kinds import ItemFor, ItemKey, ItemMap
from lawsync.sync.models import (
    ClientFundsMapping,
    ConnectionStatus,
    ItemMapping,
    QuickBooksConnection,
    SyncSettings,
    TaxOptionSetting,
)
from lawsync.sync.problems import Problem
from lawsync.sync.settings import active_connection
from lawsync.sync.settings import load as load_settings

QUIET = "sync_quiet"  # a session with this in `info` never wakes the worker (the pass's own)


@dataclass
class PassContext:
    """Everything one pass needs to know about the firm and its connected company."""

    ledger: Ledger
    qb: AsyncQuickBooks
    firm_id: int
    connection_id: int
    realm: str
    settings: SyncSettings
    items: ItemMap
    home_currency: str
    multicurrency: bool
    country: str = "US"
    undeposited_account_id: str | None = None
    customers_by_name: dict[str, Entity] | None = None
    # Client funds: each mapped trust account's bank and liability accounts, and the payees of
    # cheques found or made this pass (by name).
    trust_accounts: dict[int, TrustAccounts] = field(default_factory=dict)
    payees: dict[str, Payee | Problem] = field(default_factory=dict)
    # With a sub-account per client: (trust account, client) → its sub-account's id.
    subledgers: dict[tuple[int, int], str | Problem] = field(default_factory=dict)
    requests: int = 0  # attempts made for this company during the pass (see `counting`)
    spare_requests: bool = False  # also send single requests beside batches
    looking_only: bool = False  # a preview: plan, but make nothing on either side

    def item_for(self, what: ItemFor) -> str | None:
        """The item mapped for this (interest, credits), else the default one for time."""
        return self.items.get(ItemKey(what)) or self.items.get(ItemKey(ItemFor.ACTIVITY))

    @contextmanager
    def counting(self) -> Iterator[None]:
        """Count every attempt the client reports for this company while the block runs."""

        def count(event: RequestEvent) -> None:
            if event.realm == self.realm:
                self.requests += 1

        with self.qb.listening(count):
            yield


@dataclass(frozen=True)
class NotStarted:
    """Why a pass cannot start: ``code`` is the API's error code for it."""

    code: str
    message: str


def _refusal(connection: QuickBooksConnection | None) -> NotStarted | None:
    if connection is None or connection.status == ConnectionStatus.disconnected:
        return NotStarted("not_connected", "This firm is not connected to QuickBooks Online.")
    if connection.status != ConnectionStatus.connected:
        note = connection.status_note or "QuickBooks Online needs to be reconnected."
        return NotStarted("reconnect_needed", note)
    return None


def of_connection(
    ledger: Ledger, session: Session, connection: QuickBooksConnection, qb: AsyncQuickBooks
) -> PassContext:
    items = {
        ItemKey(ItemFor(m.kind), m.category_id): m.item_id
        for m in session.execute(
            select(ItemMapping).where(ItemMapping.connection_id == connection.id)
        ).scalars()
    }
    return PassContext(
        ledger=ledger,
        qb=qb,
        firm_id=connection.firm_id,
        connection_id=connection.id,
        realm=connection.realm_id,
        settings=load_settings(session, connection.firm_id),
        items=items,
        home_currency=connection.home_currency,
        multicurrency=connection.multicurrency,
        country=connection.country,
        trust_accounts={
            m.account_id: TrustAccounts(m.bank_account, m.liability_account)
            for m in session.execute(
                select(ClientFundsMapping).where(ClientFundsMapping.connection_id == connection.id)
            ).scalars()
        },
    )


def load(ledger: Ledger, firm_id: int, qb: AsyncQuickBooks) -> PassContext | NotStarted:
    """The context of a pass for the firm, or why it cannot run (the one connection check)."""
    with ledger.uow(firm_id) as uow:
        connection = active_connection(uow.session)
        refused = _refusal(connection)
        if refused is not None:
            return refused
        assert connection is not None
        return of_connection(ledger, uow.session, connection, qb)


async def prepare(ctx: PassContext, *, adopt_tax_rates: bool = True) -> None:
    """Look up once per pass what payments need: the Undeposited Funds account; with tax codes
    on each line, adopt the company's tax rates (not for a preview, which changes nothing)."""
    rows = await ctx.qb.query(ctx.realm, Account, "AccountSubType = 'UndepositedFunds'")
    active = [r for r in rows if getattr(r, "Active", True) is not False]
    ctx.undeposited_account_id = active[0].Id if active else None
    if adopt_tax_rates and ctx.settings.tax_option == TaxOptionSetting.tax_codes:
        await _adopt_company_tax_rates(ctx)


async def _code_rate(ctx: PassContext, code_id: str | None) -> tuple[str, Decimal] | None:
    if code_id is None:
        return None
    code = await ctx.qb.read(ctx.realm, TaxCode, code_id)
    details = ((code.model_extra or {}).get("SalesTaxRateList") or {}).get("TaxRateDetail", [])
    if not details:
        return None  # no sales rate (a purchase-only code): nothing to adopt; the invoice fails
    total = Decimal(0)
    for detail in details:
        rate = await ctx.qb.read(ctx.realm, TaxRate, str(detail["TaxRateRef"]["value"]))
        total += Decimal(str(rate.RateValue or 0))
    return str(code.Name or ""), total


async def _adopt_company_tax_rates(ctx: PassContext) -> None:
    """With tax codes on each line, the company's rates replace the firm's own tax settings,
    so that new bills are taxed exactly as the accounting side will tax them."""
    rates: dict[bill_settings.TaxSlot, tuple[str, Decimal]] = {}
    slots: tuple[tuple[bill_settings.TaxSlot, ItemFor], ...] = (
        ("primary", ItemFor.TAXCODE_PRIMARY),
        ("secondary", ItemFor.TAXCODE_SECONDARY),
    )
    for slot, item in slots:
        found = await _code_rate(ctx, ctx.items.get(ItemKey(item)))
        if found is not None:
            rates[slot] = found
    if not rates:
        return
    with ctx.ledger.uow(ctx.firm_id) as uow:
        uow.session.info[QUIET] = True
        reason = "tax codes on each line: rates come from the accounting company"
        if bill_settings.adopt_tax_rates(uow.session, Actor(ctx.firm_id, None), rates, reason):
            uow.commit()
