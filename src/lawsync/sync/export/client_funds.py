"""Client funds transactions → journal entries, and disbursements by cheque → cheques to print.

Trust records are append-only on both sides: a journal entry, once made, is never changed, and a
correction is the reversal's own entry. The one exception is a cheque still waiting to be
printed: reversing it deletes the cheque (QuickBooks' API cannot void a cheque, and an unprinted
cheque was never paid out), and the reversal posts nothing.

Which way a transaction goes is decided once: by cheque printing being on when it is first sent,
then by the copy it has (a transaction sent as a journal entry stays one if printing is turned
on later, and the other way round).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, not_, or_, select
from sqlalchemy.orm import Session, aliased

from lawsync.practice.models import (
    ClientFundsAccount,
    ClientFundsTransaction,
    Contact,
    DisbursementMethod,
    TrustTxnKind,
)
from lawsync.quickbooks import Customer, DuplicateError, JournalEntry, Purchase, Vendor, sql
from lawsync.sync import client_funds_mapping as posting
from lawsync.sync import preflight, trust_subledgers
from lawsync.sync.context import PassContext
from lawsync.sync.export.skeleton import (
    Adopt,
    Chunk,
    Decision,
    Exporter,
    Lookup,
    Remove,
    Send,
    Wait,
    copy_of,
)
from lawsync.sync.kinds import Kind, marker
from lawsync.sync.models import ClientFundsOpening, SyncLink
from lawsync.sync.problems import Problem, combined

TXN = ClientFundsTransaction
UNMAPPED = "lawsync:client_funds_unmapped"
# A cheque reversed before it had a number: never paid out, so it has no cheque in QuickBooks.
WITHDRAWN = and_(TXN.reversed.is_(True), TXN.cheque_number.is_(None))
NUMBER_TOO_LONG = preflight.JOURNAL_NUMBER_TOO_LONG


def _has_copy(ctx: PassContext, kind: Kind, txn_id: Any) -> ColumnElement[bool]:
    """Whether a transaction was ever sent as this kind (a link exists, even mid-create)."""
    return exists().where(
        SyncLink.connection_id == ctx.connection_id,
        SyncLink.kind == kind,
        SyncLink.local_id == txn_id,
    )


def _cheque_now(ctx: PassContext, txn: Any) -> ColumnElement[bool]:
    """A disbursement by cheque that would be sent as a cheque to print, if sent now."""
    if not ctx.settings.cheque_printing:
        return false()
    return and_(txn.kind == TrustTxnKind.disbursement, txn.method == DisbursementMethod.cheque)


def sent_as_cheque(ctx: PassContext, txn: Any) -> ColumnElement[bool]:
    """The transaction's copy is (or would now be) a cheque rather than a journal entry."""
    return or_(
        _has_copy(ctx, Kind.TRUST_CHEQUE, txn.id),
        and_(not_(_has_copy(ctx, Kind.TRUST_ENTRY, txn.id)), _cheque_now(ctx, txn)),
    )


def _exported(ctx: PassContext) -> list[ColumnElement[bool]]:
    """Transactions of mapped accounts, dated on or after the client funds start date."""
    mapped = list(ctx.trust_accounts)
    rules: list[ColumnElement[bool]] = [TXN.account_id.in_(mapped) if mapped else false()]
    start = ctx.settings.client_funds_start_date
    if start is not None:
        rules.append(TXN.date >= start)
    return rules


def clients_with_funds(ctx: PassContext) -> ColumnElement[bool]:
    """Contacts with exported client funds transactions: they need a customer even before
    their first approved bill."""
    if not ctx.settings.export_client_funds:
        return false()
    mapped = list(ctx.trust_accounts)
    if not mapped:
        return false()
    # Any date: money held before the start date is posted too, as an opening balance.
    return Contact.id.in_(select(TXN.client_id).where(TXN.account_id.in_(mapped)))


def _accounts(ctx: PassContext, record: Any) -> posting.TrustAccounts | Problem | Wait:
    """Where a record of a trust account posts for its client: the mapped bank and liability
    accounts (the client's own sub-account of the liability, when the firm keeps them)."""
    found = ctx.trust_accounts.get(record.account_id)
    if found is None:
        return Problem(
            UNMAPPED,
            "This client funds account is not mapped to a bank and a liability account in the "
            "QuickBooks settings.",
            "AccountRef",
        )
    chosen = trust_subledgers.accounts_for(ctx, found, record.account_id, record.client_id)
    return Wait("the client's sub-account") if chosen is None else chosen


def _ready(
    ctx: PassContext, customers: dict[int, str], record: Any
) -> tuple[posting.TrustAccounts, str] | Problem | Wait:
    """The accounts a record posts to and its client's customer, or why it cannot go yet."""
    accounts = _accounts(ctx, record)
    if not isinstance(accounts, posting.TrustAccounts):
        return accounts
    customer = customers.get(record.client_id)
    return Wait("the client") if customer is None else (accounts, customer)


async def _subledgers(exporter: Exporter[Any], ctx: PassContext) -> None:
    """The sub-accounts of the clients of the records to send, found or made beforehand."""
    if not ctx.settings.trust_subledgers:
        return
    ids = exporter.pending(ctx)
    if ids is None:
        return
    model = exporter.model
    with ctx.ledger.uow(ctx.firm_id) as uow:
        pairs = uow.session.execute(
            select(model.account_id, model.client_id).where(model.id.in_(ids)).distinct()
        ).all()
    await trust_subledgers.prepare(ctx, [(a, c) for a, c in pairs])


@dataclass
class FundsChunk(Chunk[ClientFundsTransaction]):
    customers: dict[int, str]
    currencies: dict[int, str]  # trust account id → the currency it is kept in


class _ClientFunds(Exporter[FundsChunk]):
    model = TXN

    def enabled(self, ctx: PassContext) -> bool:
        return bool(ctx.settings.export_client_funds)

    def gone(self) -> ColumnElement[bool] | None:
        return None

    def load(self, ctx: PassContext, session: Session, ids: list[int]) -> FundsChunk:
        records = self.records(session, ids)
        accounts = {r.account_id for r in records}
        currencies = session.execute(
            select(ClientFundsAccount.id, ClientFundsAccount.currency).where(
                ClientFundsAccount.id.in_(accounts)
            )
        )
        return FundsChunk(
            records, self.customers(ctx, session, records), {i: c for i, c in currencies}
        )

    async def prepare(self, ctx: PassContext) -> None:
        await _subledgers(self, ctx)

    @staticmethod
    def refused(
        ctx: PassContext, chunk: FundsChunk, txn: ClientFundsTransaction, prefix: str | None
    ) -> Problem | None:
        """What the pre-flight checks refuse before any call (``prefix``: a journal entry's)."""
        problems = preflight.check_client_funds(
            txn,
            currency=chunk.currencies[txn.account_id],
            home_currency=ctx.home_currency,
            multicurrency=ctx.multicurrency,
            journal_prefix=prefix,
        )
        return combined(problems) if problems else None


class TrustEntries(_ClientFunds):
    """Deposits, disbursements by transfer (or by cheque, with cheque printing off), funds
    applied to bills, and reversals → journal entries."""

    kind = Kind.TRUST_ENTRY
    entity = JournalEntry

    def wanted(self, ctx: PassContext) -> ColumnElement[bool]:
        original = aliased(TXN)
        reverses_unprinted_cheque = exists().where(
            original.id == TXN.reverses_id,
            original.cheque_number.is_(None),
            sent_as_cheque(ctx, original),
        )
        return and_(
            *_exported(ctx), not_(sent_as_cheque(ctx, TXN)), not_(reverses_unprinted_cheque)
        )

    def decide(
        self, ctx: PassContext, chunk: FundsChunk, record: Any, copy: SyncLink | None
    ) -> Decision:
        if copy is not None:
            # A journal entry is never edited: what changed (the mark that it was reversed, a
            # cheque number) moves no money. Its copy stands as it is.
            return Adopt(copy_of(JournalEntry, copy))
        ready = _ready(ctx, chunk.customers, record)
        if not isinstance(ready, tuple):
            return ready
        accounts, customer = ready
        prefix = ctx.settings.journal_prefix
        refused = self.refused(ctx, chunk, record, prefix)
        if refused is not None:
            return refused
        payload = posting.journal_entry(
            record, accounts, customer, prefix, _foreign(ctx, chunk.currencies[record.account_id])
        )
        find = Lookup(sql("DocNumber = ?", payload["DocNumber"]), marker(self.kind, record.id))
        return Send(payload, find=find)


class TrustCheques(_ClientFunds):
    """Disbursements by cheque, with cheque printing on → cheques to print in QuickBooks; the
    number printed there comes back to the disbursement."""

    kind = Kind.TRUST_CHEQUE
    entity = Purchase

    def wanted(self, ctx: PassContext) -> ColumnElement[bool]:
        return and_(*_exported(ctx), sent_as_cheque(ctx, TXN), not_(WITHDRAWN))

    def gone(self) -> ColumnElement[bool] | None:
        return WITHDRAWN

    async def prepare(self, ctx: PassContext) -> None:
        await self._payees(ctx)
        await _subledgers(self, ctx)

    async def _payees(self, ctx: PassContext) -> None:
        """Find (or make) a vendor for every payee of a cheque to send this pass."""
        ids = self.pending(ctx)
        if ids is None:
            return
        with ctx.ledger.uow(ctx.firm_id) as uow:
            names = set(
                uow.session.execute(
                    select(TXN.payee_name).where(TXN.id.in_(ids)).distinct()
                ).scalars()
            )
        for name in names:
            clean = posting.clean_name(name)[:100]
            if clean and clean not in ctx.payees:
                ctx.payees[clean] = await _payee(ctx, clean)

    def decide(
        self, ctx: PassContext, chunk: FundsChunk, record: Any, copy: SyncLink | None
    ) -> Decision:
        withdrawn = record.reversed and record.cheque_number is None
        if withdrawn:  # never printed: no cheque was paid out
            return Remove("delete", find=_find(self.kind, record))
        if copy is not None:
            return Send(
                posting.cheque_number(record) | {"PrivateNote": marker(self.kind, record.id)}
            )
        ready = _ready(ctx, chunk.customers, record)
        if not isinstance(ready, tuple):
            return ready
        accounts, customer = ready
        refused = self.refused(ctx, chunk, record, None)
        if refused is not None:
            return refused
        payee = ctx.payees.get(posting.payee_name(record))
        if payee is None:
            return Wait("its payee")
        if isinstance(payee, Problem):
            return payee
        payload = posting.cheque(
            record, accounts, customer, payee, _foreign(ctx, chunk.currencies[record.account_id])
        )
        return Send(payload, find=_find(self.kind, record))


def _foreign(ctx: PassContext, currency: str) -> str | None:
    """The trust account's currency, where it is not the company's own."""
    return currency if ctx.multicurrency and currency != ctx.home_currency else None


def _find(kind: Kind, txn: ClientFundsTransaction) -> Lookup:
    """The disbursement's cheque, should a create's answer have been lost."""
    return Lookup(sql("TxnDate = ?", txn.date.isoformat()), marker(kind, txn.id))


async def _payee(ctx: PassContext, name: str) -> posting.Payee | Problem:
    """The vendor (or customer) named so; a vendor is made when there is none."""
    for cls in (Vendor, Customer):
        found = await ctx.qb.query(ctx.realm, cls, sql("DisplayName = ?", name))
        if found:
            return posting.Payee(str(found[0].Id), cls.entity_name)
    if ctx.looking_only:
        return posting.Payee("", "Vendor")  # a preview: the vendor would be made when sending
    try:
        made = await ctx.qb.create(ctx.realm, Vendor(DisplayName=name))
    except DuplicateError as taken:  # an employee (or an inactive name) has it
        return Problem.of(taken)
    return posting.Payee(str(made.Id), "Vendor")


@dataclass
class OpeningChunk(Chunk[ClientFundsOpening]):
    customers: dict[int, str]


class TrustOpenings(Exporter[OpeningChunk]):
    """What each client held before the client funds start date → one opening journal entry
    per client and trust account, dated the start date (see `client_funds_openings`)."""

    kind = Kind.TRUST_OPENING
    entity = JournalEntry
    model = ClientFundsOpening

    def enabled(self, ctx: PassContext) -> bool:
        return bool(ctx.settings.export_client_funds)

    def wanted(self, ctx: PassContext) -> ColumnElement[bool]:
        mapped = list(ctx.trust_accounts)
        return and_(
            ClientFundsOpening.connection_id == ctx.connection_id,
            ClientFundsOpening.amount != 0,
            ClientFundsOpening.account_id.in_(mapped) if mapped else false(),
        )

    def gone(self) -> ColumnElement[bool] | None:
        return ClientFundsOpening.amount == 0

    async def prepare(self, ctx: PassContext) -> None:
        await _subledgers(self, ctx)

    def load(self, ctx: PassContext, session: Session, ids: list[int]) -> OpeningChunk:
        records = self.records(session, ids)
        return OpeningChunk(records, self.customers(ctx, session, records))

    def decide(
        self, ctx: PassContext, chunk: OpeningChunk, record: Any, copy: SyncLink | None
    ) -> Decision:
        if Decimal(record.amount) == 0:
            return Remove("delete")  # nothing held before the start date any more
        ready = _ready(ctx, chunk.customers, record)
        if not isinstance(ready, tuple):
            return ready
        accounts, customer = ready
        prefix = ctx.settings.journal_prefix
        payload = posting.opening_entry(record, accounts, customer, prefix)
        number = payload["DocNumber"]
        return Send(
            payload, find=Lookup(sql("DocNumber = ?", number), marker(self.kind, record.id))
        )
