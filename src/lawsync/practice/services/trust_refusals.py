"""Refused overdrafts are remembered: the exception report must show every attempt to take a
client's or a matter's trust balance below zero, not only the movements that went through.

The refused movement's own transaction rolls back, so the refusal is written afterwards, in a
transaction of its own, by `remembers_refusals` around the use case that moves the money.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Concatenate, ParamSpec, TypeVar

from lawsync.practice.errors import InsufficientClientFunds
from lawsync.practice.models import TrustRefusal
from lawsync.practice.services.context import Actor, Ledger

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Refused:
    """What a refused movement asked for, carried by its `InsufficientClientFunds`."""

    account_id: int
    client_id: int
    matter_id: int | None
    kind: str
    date: dt.date
    amount: Decimal  # positive: what was asked to leave the bucket
    held: Decimal


def refusal(message: str, refused: Refused) -> InsufficientClientFunds:
    error = InsufficientClientFunds(message, field="amount")
    error.refused = refused
    return error


def remember(ledger: Ledger, actor: Actor, refused: Refused, message: str) -> None:
    with ledger.uow(actor) as uow:
        uow.session.add(
            TrustRefusal(
                firm_id=actor.firm_id,
                user_id=actor.user_id,
                account_id=refused.account_id,
                client_id=refused.client_id,
                matter_id=refused.matter_id,
                kind=refused.kind,
                date=refused.date,
                amount=refused.amount,
                held=refused.held,
                message=message[:500],
            )
        )
        uow.commit()


def remembers_refusals(
    use_case: Callable[Concatenate[Ledger, Actor, P], R],
) -> Callable[Concatenate[Ledger, Actor, P], R]:
    """The use case as before; a refused overdraft inside it is also written down."""

    @functools.wraps(use_case)
    def wrapper(ledger: Ledger, actor: Actor, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return use_case(ledger, actor, *args, **kwargs)
        except InsufficientClientFunds as error:
            if isinstance(error.refused, Refused):
                remember(ledger, actor, error.refused, error.message)
            raise

    return wrapper
