"""Transfers between client ledgers: between matters of one client, between clients of one trust
account, and between trust accounts.

A transfer is one journal row and two legs posted as client funds transactions in the same
database transaction: money out of the source ledger (refused, like any withdrawal, if it would
take the client or matter below zero) and the same amount into the destination. Both legs or
neither. Nothing is edited afterwards: a mistake is undone by reversing the transfer, which posts
a reversal of each leg (the destination gives the money back first, so it too must still hold
it).

Two transfers in opposite directions lock their two balances in one fixed order, so they cannot
deadlock each other on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import or_
from sqlalchemy.orm import Session

from lawsync.practice.commands import TrustReversal, TrustTransferCreate
from lawsync.practice.errors import InvalidInput, RuleViolation
from lawsync.practice.models import (
    ClientFundsAccount,
    ClientFundsTransaction,
    Contact,
    Matter,
    TransferScope,
    TrustTransfer,
    TrustTxnKind,
)
from lawsync.practice.services import client_funds, trust_refusals
from lawsync.practice.services.context import (
    Actor,
    Ledger,
    Page,
    audit,
    fetch,
    get,
    list_page,
)

TRANSFER_FIELDS = (
    "scope",
    "date",
    "amount",
    "from_account_id",
    "from_client_id",
    "from_matter_id",
    "to_account_id",
    "to_client_id",
    "to_matter_id",
    "reason",
    "out_txn_id",
    "in_txn_id",
)


@dataclass(frozen=True)
class Side:
    account_id: int
    client_id: int
    matter_id: int | None

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.account_id, self.client_id, self.matter_id or 0)


def scope_of(source: Side, target: Side) -> TransferScope:
    if source.account_id != target.account_id:
        return TransferScope.accounts
    if source.client_id != target.client_id:
        return TransferScope.clients
    return TransferScope.matters


def _lock_in_order(session: Session, firm_id: int, sides: list[Side]) -> None:
    """Make sure both balances exist, then lock them lowest key first."""
    client_funds.lock_buckets(session, firm_id, [side.key for side in sides])


def _label(session: Session, side: Side) -> str:
    name = get(session, Contact, side.client_id).display_name
    if side.matter_id is not None:
        name += f", matter {get(session, Matter, side.matter_id).number}"
    return name


@trust_refusals.remembers_refusals
def record_transfer(ledger: Ledger, actor: Actor, cmd: TrustTransferCreate) -> TrustTransfer:
    source = Side(cmd.from_account_id, cmd.from_client_id, cmd.from_matter_id)
    target = Side(
        cmd.to_account_id or cmd.from_account_id,
        cmd.to_client_id or cmd.from_client_id,
        cmd.to_matter_id,
    )
    if source.key == target.key:
        raise InvalidInput(
            "A transfer moves money from one ledger to another: choose a different account, "
            "client or matter to transfer to.",
            field="to_matter_id",
        )
    scope = scope_of(source, target)
    reason = cmd.reason.strip()
    if source.client_id != target.client_id and not reason:
        raise InvalidInput(
            "Say why money moves from one client to another (the reason is kept in the transfer "
            "journal).",
            field="reason",
        )
    with ledger.uow(actor) as uow:
        s = uow.session
        source_account = client_funds._check_parties(s, *source.key[:2], source.matter_id)
        target_account = get(s, ClientFundsAccount, target.account_id, field="to_account_id")
        get(s, Contact, target.client_id, field="to_client_id")
        if target.matter_id is not None:
            matter = get(s, Matter, target.matter_id, field="to_matter_id")
            if matter.client_id != target.client_id:
                raise InvalidInput("That matter belongs to another client.", field="to_matter_id")
        if not target_account.active:
            raise RuleViolation(
                "The account to transfer to is closed.",
                field="to_account_id",
                code="account_closed",
            )
        if source_account.currency != target_account.currency:
            raise RuleViolation(
                f"Refused: the accounts hold different currencies ({source_account.currency} and "
                f"{target_account.currency}); a transfer moves one currency.",
                field="to_account_id",
                code="currency_mismatch",
            )
        _lock_in_order(s, actor.firm_id, [source, target])
        to_words = _label(s, target)
        from_words = _label(s, source)
        if scope == TransferScope.accounts:
            to_words += f" in {target_account.name}"
            from_words += f" in {source_account.name}"
        out_leg = client_funds.post(
            s,
            actor,
            ClientFundsTransaction(
                firm_id=actor.firm_id,
                account_id=source.account_id,
                client_id=source.client_id,
                matter_id=source.matter_id,
                kind=TrustTxnKind.transfer_out,
                date=cmd.date,
                amount=-cmd.amount,
                description=_words(f"Transfer to {to_words}", reason),
            ),
        )
        in_leg = client_funds.post(
            s,
            actor,
            ClientFundsTransaction(
                firm_id=actor.firm_id,
                account_id=target.account_id,
                client_id=target.client_id,
                matter_id=target.matter_id,
                kind=TrustTxnKind.transfer_in,
                date=cmd.date,
                amount=cmd.amount,
                description=_words(f"Transfer from {from_words}", reason),
            ),
        )
        transfer = TrustTransfer(
            firm_id=actor.firm_id,
            scope=scope,
            date=cmd.date,
            amount=cmd.amount,
            from_account_id=source.account_id,
            from_client_id=source.client_id,
            from_matter_id=source.matter_id,
            to_account_id=target.account_id,
            to_client_id=target.client_id,
            to_matter_id=target.matter_id,
            reason=reason,
            out_txn_id=out_leg.id,
            in_txn_id=in_leg.id,
            created_by_id=actor.user_id,
        )
        s.add(transfer)
        s.flush()
        audit(s, actor, "trust_transfer", transfer.id, "create", _snapshot(transfer))
        uow.commit()
        return transfer


def _words(text: str, reason: str) -> str:
    return f"{text}: {reason}" if reason else text


def _snapshot(transfer: TrustTransfer) -> dict[str, object]:
    return {f: getattr(transfer, f) for f in TRANSFER_FIELDS}


@trust_refusals.remembers_refusals
def reverse_transfer(
    ledger: Ledger, actor: Actor, transfer_id: int, cmd: TrustReversal
) -> TrustTransfer:
    """Undo a transfer: a reversal of each leg, the destination's first."""
    with ledger.uow(actor) as uow:
        s = uow.session
        transfer = get(s, TrustTransfer, transfer_id)
        if transfer.reversed:
            raise RuleViolation("This transfer has already been reversed.", code="already_reversed")
        if cmd.date is not None and cmd.date < transfer.date:
            raise InvalidInput("A reversal cannot be dated before the transfer.", field="date")
        out_leg = get(s, ClientFundsTransaction, transfer.out_txn_id)
        in_leg = get(s, ClientFundsTransaction, transfer.in_txn_id)
        sides = [Side(t.account_id, t.client_id, t.matter_id) for t in (out_leg, in_leg)]
        _lock_in_order(s, actor.firm_id, sides)
        date = cmd.date or max(transfer.date, dt.date.today())
        reason = f"transfer {transfer.id} reversed: {cmd.reason}"
        client_funds.reverse(s, actor, in_leg, reason, date)
        client_funds.reverse(s, actor, out_leg, reason, date)
        transfer.reversed = True
        transfer.reversal_reason = cmd.reason
        s.flush()
        audit(s, actor, "trust_transfer", transfer.id, "reverse", {"date": date}, cmd.reason)
        uow.commit()
        return transfer


def get_transfer(ledger: Ledger, actor: Actor, transfer_id: int) -> TrustTransfer:
    return fetch(ledger, actor, TrustTransfer, transfer_id)


def list_transfers(
    ledger: Ledger,
    actor: Actor,
    cursor: int | None,
    limit: int,
    account_id: int | None = None,
    client_id: int | None = None,
) -> Page:
    criteria = []
    if account_id is not None:
        criteria.append(
            or_(
                TrustTransfer.from_account_id == account_id,
                TrustTransfer.to_account_id == account_id,
            )
        )
    if client_id is not None:
        criteria.append(
            or_(TrustTransfer.from_client_id == client_id, TrustTransfer.to_client_id == client_id)
        )
    return list_page(ledger, actor, TrustTransfer, cursor, limit, *criteria)


def amount_of(transfer: TrustTransfer) -> Decimal:
    return Decimal(transfer.amount).quantize(Decimal("0.01"))
