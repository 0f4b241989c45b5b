"""A trust account's two sides set against each other: the ledger, and what QuickBooks holds.

After every pass the trust bank balance and the trust liability balance in QuickBooks equal the
ledger's account balance, and the liability postings naming each client add up to the client's
ledger balance. This reads QuickBooks now (the two accounts, then every journal entry and cheque
line on the liability account) and shows each figure beside the ledger's, differences marked,
so a bookkeeper can find the transaction that does not match.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from lawsync.config import Settings
from lawsync.errors import NotFound, RuleViolation
from lawsync.money import ZERO, to_cents
from lawsync.practice.models import ClientFundsAccount, ClientFundsBalance, Contact
from lawsync.practice.services.context import Actor, Ledger, get
from lawsync.quickbooks import (
    Account,
    AsyncQuickBooks,
    JournalEntry,
    Purchase,
    QuickBooksError,
    ReconnectNeededError,
    TransientError,
)
from lawsync.sync import client_funds_settings
from lawsync.sync.connection import QuickBooksUnavailable, open_client
from lawsync.sync.kinds import Kind
from lawsync.sync.models import SyncLink
from lawsync.sync.settings import active_connection


@dataclass(frozen=True)
class ClientSide:
    client_id: int | None  # None: postings naming no client of the firm
    name: str
    ledger: Decimal
    quickbooks: Decimal

    @property
    def difference(self) -> Decimal:
        return self.quickbooks - self.ledger


@dataclass
class Reconciliation:
    account_id: int
    account_name: str
    currency: str
    realm_id: str
    bank_account: str
    liability_account: str
    ledger_balance: Decimal
    bank_balance: Decimal
    liability_balance: Decimal
    clients: list[ClientSide] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return (
            self.bank_balance == self.ledger_balance
            and self.liability_balance == self.ledger_balance
            and all(c.difference == 0 for c in self.clients)
        )


@dataclass(frozen=True)
class _Ledger:
    name: str
    currency: str
    realm_id: str
    bank: str
    liability: str
    balance: Decimal
    clients: dict[int, tuple[str, Decimal]]  # client id → (name, balance)
    customers: dict[str, int]  # customer id → client id


def _ledger_side(ledger: Ledger, actor: Actor, account_id: int) -> _Ledger:
    with ledger.uow(actor) as uow:
        s = uow.session
        account = get(s, ClientFundsAccount, account_id)
        connection = active_connection(s)
        if connection is None:
            raise RuleViolation(
                "No QuickBooks company is connected to reconcile with.", code="not_connected"
            )
        mapping = client_funds_settings.mapped(s, connection.id).get(account_id)
        if mapping is None:
            raise NotFound(
                f"{account.name} is not mapped to QuickBooks accounts; map it in the QuickBooks "
                "settings first.",
                field="account_id",
            )
        held: dict[int, tuple[str, Decimal]] = {}
        rows = s.execute(
            select(ClientFundsBalance.client_id, Contact.display_name, ClientFundsBalance.balance)
            .join(Contact, Contact.id == ClientFundsBalance.client_id)
            .where(ClientFundsBalance.account_id == account_id)
        )
        for client_id, name, balance in rows:
            before = held.get(client_id, (name, ZERO))[1]
            held[client_id] = (name, before + Decimal(balance))
        customers = {
            str(qbo_id): local_id
            for local_id, qbo_id in s.execute(
                select(SyncLink.local_id, SyncLink.qbo_id).where(
                    SyncLink.connection_id == connection.id,
                    SyncLink.kind == Kind.CONTACT,
                    SyncLink.qbo_id.is_not(None),
                )
            )
        }
        return _Ledger(
            account.name,
            account.currency,
            connection.realm_id,
            mapping.bank_account,
            mapping.liability_account,
            to_cents(sum((b for _, b in held.values()), ZERO)),
            held,
            customers,
        )


def _liability_lines(entity: Any, liability: set[str]) -> list[tuple[str, Decimal]]:
    """(customer id, what it adds to the liability) for each line of one transaction on it
    (on the account or one of its clients' sub-accounts)."""
    out = []
    for line in entity.Line or []:
        amount = Decimal(line.Amount or 0)
        je = line.JournalEntryLineDetail
        if je is not None and je.AccountRef.value in liability:
            who = je.Entity.EntityRef.value if je.Entity and je.Entity.EntityRef else ""
            out.append((str(who), amount if je.PostingType == "Credit" else -amount))
            continue
        spent = line.AccountBasedExpenseLineDetail
        if spent is not None and spent.AccountRef.value in liability:
            who = spent.CustomerRef.value if spent.CustomerRef else ""
            credit = bool(getattr(entity, "Credit", False))  # a refund puts money back
            out.append((str(who), amount if credit else -amount))
    return out


async def reconcile(
    ledger: Ledger, actor: Actor, account_id: int, qb: AsyncQuickBooks
) -> Reconciliation:
    side = _ledger_side(ledger, actor, account_id)
    bank = await qb.read(side.realm_id, Account, side.bank)
    owed = await qb.read(side.realm_id, Account, side.liability)
    liability = {side.liability} | {
        str(a.Id)
        for a in await qb.query(side.realm_id, Account, "Active IN (true, false)")
        if a.ParentRef is not None and a.ParentRef.value == side.liability
    }
    by_customer: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for cls in (JournalEntry, Purchase):
        async for found in qb.iter_query(side.realm_id, cls):
            for customer, amount in _liability_lines(found, liability):
                by_customer[customer] += amount
    posted: dict[int | None, Decimal] = defaultdict(lambda: ZERO)
    for customer, amount in by_customer.items():
        posted[side.customers.get(customer)] += amount
    clients = [
        ClientSide(client_id, name, to_cents(balance), to_cents(posted.get(client_id, ZERO)))
        for client_id, (name, balance) in side.clients.items()
        if balance != 0 or posted.get(client_id, ZERO) != 0
    ]
    for client_id, amount in posted.items():
        if client_id not in side.clients and amount != 0:
            name = "Postings naming no client" if client_id is None else f"Client {client_id}"
            clients.append(ClientSide(client_id, name, ZERO, to_cents(amount)))
    clients.sort(key=lambda c: (c.client_id is None, c.name.lower()))
    return Reconciliation(
        account_id=account_id,
        account_name=side.name,
        currency=side.currency,
        realm_id=side.realm_id,
        bank_account=str(bank.Name or side.bank),
        liability_account=str(owed.Name or side.liability),
        ledger_balance=side.balance,
        bank_balance=to_cents(Decimal(bank.CurrentBalance or 0)),
        liability_balance=to_cents(Decimal(_with_subaccounts(owed))),
        clients=clients,
    )


async def reconcile_now(
    ledger: Ledger, actor: Actor, account_id: int, settings: Settings
) -> Reconciliation:
    """`reconcile` through the firm's connection; what QuickBooks refuses becomes one of our
    refusals (unreachable now: try later; access lost: reconnect; anything else: its words)."""
    _ledger_side(ledger, actor, account_id)  # the ledger's refusals first, before any request
    try:
        async with open_client(ledger, actor.firm_id, settings) as qb:
            return await reconcile(ledger, actor, account_id, qb)
    except TransientError as error:
        raise QuickBooksUnavailable(
            f"QuickBooks Online cannot be reached now ({error}); try again in a minute."
        ) from error
    except ReconnectNeededError as error:
        raise RuleViolation(
            "QuickBooks needs to be reconnected before it can be read: see the QuickBooks "
            "settings.",
            code="reconnect_needed",
        ) from error
    except QuickBooksError as error:
        raise RuleViolation(
            f"QuickBooks refused to show the trust accounts: {error.message}",
            code="quickbooks_refused",
        ) from error


def _with_subaccounts(account: Account) -> Any:
    """An account's balance with its sub-accounts' (the clients' own, when the firm keeps them)."""
    extra = account.model_extra or {}
    return extra.get("CurrentBalanceWithSubAccounts", account.CurrentBalance) or 0
