"""Client funds (trust) accounts and the movements of money held for clients.

The rule that holds everywhere: no client's money, and no matter's, in an account may go below
zero. Every movement goes through `_move`, which changes the bucket's balance with a single
conditioned UPDATE; if the balance would go negative the UPDATE matches no row and the whole
transaction is refused. Posted transactions are never edited: a correction is a reversal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lawsync.practice.commands import (
    ChequeNumberIn,
    ClientFundsAccountCreate,
    TrustDeposit,
    TrustDisbursement,
    TrustReversal,
)
from lawsync.practice.errors import Duplicate, InvalidInput, RuleViolation
from lawsync.practice.fields import MAX_TOTAL
from lawsync.practice.models import (
    ClientFundsAccount,
    ClientFundsBalance,
    ClientFundsTransaction,
    Contact,
    DisbursementMethod,
    Firm,
    Matter,
    TrustTxnKind,
)
from lawsync.practice.services import closed_months, trust_refusals
from lawsync.practice.services.context import (
    Actor,
    Ledger,
    Page,
    audit,
    fetch,
    get,
    list_page,
    matching,
    snapshot,
)

TXN_FIELDS = (
    "account_id",
    "client_id",
    "matter_id",
    "kind",
    "date",
    "amount",
    "payee_name",
    "method",
    "cheque_number",
    "source",
    "description",
)


def create_account(
    ledger: Ledger, actor: Actor, cmd: ClientFundsAccountCreate
) -> ClientFundsAccount:
    actor.require_admin("open client funds accounts")
    with ledger.uow(actor) as uow:
        s = uow.session
        if s.execute(
            select(ClientFundsAccount.id).where(ClientFundsAccount.name == cmd.name)
        ).first():
            raise Duplicate(f"An account named {cmd.name} exists.", field="name")
        firm = get(s, Firm, actor.firm_id)
        account = ClientFundsAccount(
            firm_id=actor.firm_id,
            name=cmd.name,
            bank_name=cmd.bank_name,
            account_number_last4=cmd.account_number_last4,
            currency=cmd.currency or firm.currency,
        )
        s.add(account)
        s.flush()
        audit(s, actor, "client_funds_account", account.id, "create", {"name": account.name})
        uow.commit()
        return account


def get_account(ledger: Ledger, actor: Actor, account_id: int) -> ClientFundsAccount:
    return fetch(ledger, actor, ClientFundsAccount, account_id)


def get_account_with_balance(
    ledger: Ledger, actor: Actor, account_id: int
) -> tuple[ClientFundsAccount, Decimal]:
    with ledger.uow(actor) as uow:
        account = get(uow.session, ClientFundsAccount, account_id)
        return account, account_balance(uow.session, account.id)


def _bucket(account_id: int, client_id: int, matter_key: int) -> tuple[ColumnElement[bool], ...]:
    """The criteria of one (account, client, matter) balance row (`matter_key` 0: no matter)."""
    b = ClientFundsBalance
    return (b.account_id == account_id, b.client_id == client_id, b.matter_key == matter_key)


def bucket_balance(
    ledger: Ledger, actor: Actor, account_id: int, client_id: int, matter_id: int | None
) -> Decimal:
    """What one client holds in an account for one matter (or for no matter)."""
    with ledger.uow(actor) as uow:
        held = uow.session.execute(
            select(ClientFundsBalance.balance).where(
                *_bucket(account_id, client_id, matter_id or 0)
            )
        ).scalar_one_or_none()
        return Decimal(held or 0)


def lock_buckets(session: Session, firm_id: int, keys: list[tuple[int, int, int]]) -> None:
    """Make sure these (account, client, matter key) balances exist, then lock them, lowest key
    first: two postings touching the same balances in opposite orders (transfers one way and
    the other) cannot deadlock each other on PostgreSQL."""
    for key in keys:
        _ensure_bucket(session, firm_id, *key)
    for key in sorted(keys):
        session.execute(select(ClientFundsBalance.id).where(*_bucket(*key)).with_for_update())


@dataclass(frozen=True)
class Held:
    """What one client holds in one account, for one matter (``matter_id`` None: no matter)."""

    account_id: int
    client_id: int
    client_name: str
    matter_id: int | None
    matter_number: str | None
    balance: Decimal


def held_balances(ledger: Ledger, actor: Actor, account_id: int | None = None) -> list[Held]:
    """Every non-zero balance per account, client and matter, by client name."""
    b = ClientFundsBalance
    stmt = (
        select(
            b.account_id, b.client_id, Contact.display_name, b.matter_key, Matter.number, b.balance
        )
        .join(Contact, Contact.id == b.client_id)
        .outerjoin(Matter, Matter.id == b.matter_key)
        .where(b.firm_id == actor.firm_id, b.balance != 0)
        .order_by(b.account_id, Contact.display_name, b.client_id, b.matter_key)
    )
    if account_id is not None:
        stmt = stmt.where(b.account_id == account_id)
    with ledger.uow(actor) as uow:
        return [
            Held(aid, cid, name, key or None, number, Decimal(held).quantize(Decimal("0.01")))
            for aid, cid, name, key, number, held in uow.session.execute(stmt)
        ]


def list_accounts(ledger: Ledger, actor: Actor, cursor: int | None, limit: int) -> Page:
    return list_page(ledger, actor, ClientFundsAccount, cursor, limit)


def account_balance(session: Session, account_id: int) -> Decimal:
    total = session.execute(
        select(func.coalesce(func.sum(ClientFundsBalance.balance), 0)).where(
            ClientFundsBalance.account_id == account_id
        )
    ).scalar_one()
    return Decimal(total).quantize(Decimal("0.01"))


def _ensure_bucket(
    session: Session, firm_id: int, account_id: int, client_id: int, matter_key: int
) -> None:
    values = {
        "firm_id": firm_id,
        "account_id": account_id,
        "client_id": client_id,
        "matter_key": matter_key,
        "balance": Decimal("0"),
    }
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = (
        insert(ClientFundsBalance)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["account_id", "client_id", "matter_key"])
    )
    session.execute(stmt)


def _move(session: Session, txn: ClientFundsTransaction) -> None:
    """Apply a signed amount to the (account, client, matter) bucket, refusing a negative result
    (and anything dated in a closed month)."""
    closed_months.refuse_closed(session, txn.account_id, txn.date)
    matter_key = txn.matter_id or 0
    _ensure_bucket(session, txn.firm_id, txn.account_id, txn.client_id, matter_key)
    amount = Decimal(txn.amount)
    # Rounded to cents in SQL: SQLite keeps NUMERIC as binary floating point, where e.g.
    # 0.3 - 0.1 - 0.2 is -2.8e-17, which would refuse taking out exactly what a bucket holds.
    new_balance = func.round(ClientFundsBalance.balance + amount, 2)
    result = session.execute(
        update(ClientFundsBalance)
        .where(
            *_bucket(txn.account_id, txn.client_id, matter_key),
            new_balance >= 0,
            new_balance <= MAX_TOTAL,
        )
        .values(balance=new_balance)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        held = session.execute(
            select(ClientFundsBalance.balance).where(
                *_bucket(txn.account_id, txn.client_id, matter_key)
            )
        ).scalar_one()
        whose = "this matter" if txn.matter_id else "this client (not held for a matter)"
        if amount > 0:
            raise InvalidInput(
                f"Refused: {whose} already holds {Decimal(held):.2f} in this account; a trust "
                f"balance may hold at most {MAX_TOTAL}.",
                field="amount",
                code="amount_too_large",
            )
        raise trust_refusals.refusal(
            f"Refused: {whose} holds {Decimal(held):.2f} in this account, so taking "
            f"{-amount:.2f} would leave a negative trust balance.",
            trust_refusals.Refused(
                txn.account_id,
                txn.client_id,
                txn.matter_id,
                str(txn.kind),
                txn.date,
                -amount,
                Decimal(held),
            ),
        )
    session.add(txn)
    session.flush()


def _check_parties(
    session: Session, account_id: int, client_id: int, matter_id: int | None
) -> ClientFundsAccount:
    account = get(session, ClientFundsAccount, account_id, field="account_id")
    if not account.active:
        raise RuleViolation(
            "This client funds account is closed.", field="account_id", code="account_closed"
        )
    get(session, Contact, client_id, field="client_id")
    if matter_id is not None:
        matter = get(session, Matter, matter_id, field="matter_id")
        if matter.client_id != client_id:
            raise InvalidInput("That matter belongs to another client.", field="matter_id")
    return account


def post(session: Session, actor: Actor, txn: ClientFundsTransaction) -> ClientFundsTransaction:
    """Post one movement inside the caller's transaction (used by payments applied from trust)."""
    _check_parties(session, txn.account_id, txn.client_id, txn.matter_id)
    txn.created_by_id = actor.user_id
    _move(session, txn)
    audit(session, actor, "client_funds_transaction", txn.id, "post", snapshot(txn, TXN_FIELDS))
    return txn


def record_deposit(ledger: Ledger, actor: Actor, cmd: TrustDeposit) -> ClientFundsTransaction:
    with ledger.uow(actor) as uow:
        txn = post(
            uow.session,
            actor,
            ClientFundsTransaction(
                firm_id=actor.firm_id,
                account_id=cmd.account_id,
                client_id=cmd.client_id,
                matter_id=cmd.matter_id,
                kind=TrustTxnKind.deposit,
                date=cmd.date,
                amount=cmd.amount,
                source=cmd.source,
                description=cmd.description,
            ),
        )
        uow.commit()
        return txn


def _duplicate_cheque(number: str) -> RuleViolation:
    return RuleViolation(
        f"Cheque {number} is already used in this client funds account; each cheque number "
        "goes on one cheque (reverse the other cheque first if it was recorded wrongly).",
        field="cheque_number",
        code="duplicate_cheque_number",
    )


def _cheque_number_free(session: Session, account_id: int, number: str) -> None:
    """The friendly refusal; the unique index (see `_one_cheque_per_number`) decides races."""
    taken = session.execute(
        select(ClientFundsTransaction.id).where(
            ClientFundsTransaction.account_id == account_id,
            ClientFundsTransaction.cheque_number == number,
            ClientFundsTransaction.reversed.is_(False),
        )
    ).first()
    if taken:
        raise _duplicate_cheque(number)


@contextmanager
def _one_cheque_per_number(number: str | None) -> Iterator[None]:
    """Two requests racing with one number both pass the look-up; the index refuses the second."""
    try:
        yield
    except IntegrityError as error:
        # PostgreSQL names the index (uq_cft_cheque_number), SQLite its columns.
        if number is None or "cheque_number" not in str(error.orig):
            raise
        raise _duplicate_cheque(number) from None


@trust_refusals.remembers_refusals
def record_disbursement(
    ledger: Ledger, actor: Actor, cmd: TrustDisbursement
) -> ClientFundsTransaction:
    with ledger.uow(actor) as uow:
        s = uow.session
        if cmd.cheque_number and cmd.method != DisbursementMethod.cheque:
            raise InvalidInput("Only a cheque has a cheque number.", field="cheque_number")
        if cmd.cheque_number:
            _cheque_number_free(s, cmd.account_id, cmd.cheque_number)
        with _one_cheque_per_number(cmd.cheque_number):
            txn = post(
                s,
                actor,
                ClientFundsTransaction(
                    firm_id=actor.firm_id,
                    account_id=cmd.account_id,
                    client_id=cmd.client_id,
                    matter_id=cmd.matter_id,
                    kind=TrustTxnKind.disbursement,
                    date=cmd.date,
                    amount=-cmd.amount,
                    payee_name=cmd.payee_name,
                    method=cmd.method,
                    cheque_number=cmd.cheque_number,
                    description=cmd.description,
                ),
            )
            uow.commit()
        return txn


def set_cheque_number(
    ledger: Ledger, actor: Actor, txn_id: int, cmd: ChequeNumberIn
) -> ClientFundsTransaction:
    """A cheque printed after the disbursement was recorded gets its number; nothing else moves."""
    with ledger.uow(actor) as uow:
        s = uow.session
        txn = get(s, ClientFundsTransaction, txn_id)
        if txn.kind != TrustTxnKind.disbursement or txn.method != DisbursementMethod.cheque:
            raise RuleViolation(
                "Only a disbursement by cheque takes a cheque number.",
                field="cheque_number",
                code="not_a_cheque",
            )
        if txn.cheque_number is not None:
            raise RuleViolation(
                f"This cheque is already numbered {txn.cheque_number}; reverse the disbursement "
                "to correct it.",
                field="cheque_number",
                code="cheque_numbered",
            )
        if txn.reversed:
            raise RuleViolation(
                "This cheque was reversed, so it takes no number.",
                field="cheque_number",
                code="already_reversed",
            )
        _cheque_number_free(s, txn.account_id, cmd.cheque_number)
        with _one_cheque_per_number(cmd.cheque_number):
            txn.cheque_number = cmd.cheque_number
            s.flush()
            audit(
                s,
                actor,
                "client_funds_transaction",
                txn.id,
                "number_cheque",
                {"cheque_number": cmd.cheque_number},
            )
            uow.commit()
        return txn


def reverse(
    session: Session,
    actor: Actor,
    original: ClientFundsTransaction,
    reason: str,
    date: dt.date | None = None,
) -> ClientFundsTransaction:
    """The correcting entry: the same movement with the opposite sign, linked to the original."""
    if original.kind == TrustTxnKind.reversal:
        raise RuleViolation(
            "A reversal cannot itself be reversed; record a new transaction.",
            code="reverse_reversal",
        )
    already = session.execute(
        select(ClientFundsTransaction.id).where(ClientFundsTransaction.reverses_id == original.id)
    ).first()
    if already:
        raise RuleViolation("This transaction has already been reversed.", code="already_reversed")
    txn = ClientFundsTransaction(
        firm_id=original.firm_id,
        account_id=original.account_id,
        client_id=original.client_id,
        matter_id=original.matter_id,
        kind=TrustTxnKind.reversal,
        date=date or max(original.date, dt.date.today()),
        amount=-Decimal(original.amount),
        description=f"Reversal: {reason}",
        payee_name=original.payee_name,
        payment_id=original.payment_id,
        bill_id=original.bill_id,
        reverses_id=original.id,
        created_by_id=actor.user_id,
    )
    original.reversed = True  # a reversed cheque's number is free again
    _move(session, txn)
    audit(
        session,
        actor,
        "client_funds_transaction",
        txn.id,
        "reverse",
        {"reverses_id": original.id},
        reason,
    )
    return txn


@trust_refusals.remembers_refusals
def reverse_transaction(
    ledger: Ledger, actor: Actor, txn_id: int, cmd: TrustReversal
) -> ClientFundsTransaction:
    with ledger.uow(actor) as uow:
        original = get(uow.session, ClientFundsTransaction, txn_id)
        if original.kind == TrustTxnKind.payment_applied:
            raise RuleViolation(
                "Funds applied to a bill are reversed by editing or deleting the payment.",
                code="reverse_via_payment",
            )
        if original.kind in (TrustTxnKind.transfer_out, TrustTxnKind.transfer_in):
            raise RuleViolation(
                "A transfer's two legs are reversed together: reverse the transfer.",
                code="reverse_via_transfer",
            )
        if cmd.date is not None and cmd.date < original.date:
            raise InvalidInput("A reversal cannot be dated before the transaction.", field="date")
        txn = reverse(uow.session, actor, original, cmd.reason, cmd.date)
        uow.commit()
        return txn


def get_transaction(ledger: Ledger, actor: Actor, txn_id: int) -> ClientFundsTransaction:
    return fetch(ledger, actor, ClientFundsTransaction, txn_id)


def list_transactions(
    ledger: Ledger,
    actor: Actor,
    cursor: int | None,
    limit: int,
    account_id: int | None = None,
    client_id: int | None = None,
) -> Page:
    criteria = matching(ClientFundsTransaction, account_id=account_id, client_id=client_id)
    return list_page(ledger, actor, ClientFundsTransaction, cursor, limit, *criteria)
