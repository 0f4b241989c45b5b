"""What every use case needs: who acts, a transaction, lookups that stay inside the firm, audit."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from lawsync.practice.errors import Forbidden, NotFound
from lawsync.practice.models import AuditEvent, Role
from lawsync.storage import Base, UnitOfWork

T = TypeVar("T", bound=Base)
# argon2-cffi's recommended parameters: each hash is meant to cost time and memory.
RECOMMENDED_PASSWORD_HASHER = PasswordHasher()


@dataclass(frozen=True)
class Actor:
    """The user on whose behalf a use case runs; `user_id` None means the system itself."""

    firm_id: int
    user_id: int | None
    role: Role = Role.admin

    def require_admin(self, what: str) -> None:
        if self.role != Role.admin:
            raise Forbidden(f"Only an administrator may {what}.")


class Ledger:
    """The practice ledger's storage handle: opens one firm-scoped transaction per use case."""

    def __init__(
        self, factory: sessionmaker[Session], *, password_hasher: PasswordHasher | None = None
    ) -> None:
        self.factory = factory
        # How sign-in hashes passwords; the tests give argon2 cheap parameters, and a hash made
        # with other parameters is still checked (by the ones it records) and then replaced.
        self.password_hasher = password_hasher or RECOMMENDED_PASSWORD_HASHER

    def uow(self, actor: Actor | int | None) -> UnitOfWork:
        firm_id = actor.firm_id if isinstance(actor, Actor) else actor
        return UnitOfWork(self.factory, firm_id)


def get(session: Session, model: type[T], ident: int, *, field: str | None = None) -> T:
    """Load a row of the current firm or raise NotFound; another firm's id is simply not found."""
    row = session.execute(select(model).where(model.id == ident)).scalar_one_or_none()  # type: ignore[attr-defined]
    if row is None:
        raise NotFound(_kind(model), ident, field=field)
    return row


def _kind(model: type[Base]) -> str:
    name = model.__name__
    return "".join(" " + c.lower() if c.isupper() else c for c in name).strip()


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def snapshot(row: Base, fields: Sequence[str]) -> dict[str, Any]:
    return {f: _plain(getattr(row, f)) for f in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def audit(
    session: Session,
    actor: Actor,
    entity: str,
    entity_id: int,
    action: str,
    changes: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    session.add(
        AuditEvent(
            firm_id=actor.firm_id,
            user_id=actor.user_id,
            entity=entity,
            entity_id=entity_id,
            action=action,
            changes={k: _plain(v) for k, v in (changes or {}).items()},
            reason=reason,
        )
    )


def fetch(ledger: Ledger, actor: Actor, model: type[T], ident: int) -> T:
    """Read one record of the actor's firm, in a transaction of its own."""
    with ledger.uow(actor) as uow:
        return get(uow.session, model, ident)


def matching(model: type[Base], **filters: Any) -> list[Any]:
    """Equality criteria for the filters that were given (None means "any")."""
    return [getattr(model, name) == value for name, value in filters.items() if value is not None]


def list_page(
    ledger: Ledger,
    actor: Actor,
    model: type[Base],
    cursor: int | None,
    limit: int,
    *criteria: Any,
) -> Page:
    """One page of a firm's records of one kind, in id order."""
    with ledger.uow(actor) as uow:
        return paginate(uow.session, select(model).where(*criteria), model, cursor, limit)


@dataclass(frozen=True)
class Found:
    """The first records of a search in the order asked for, and how many match in all."""

    items: Sequence[Any]
    total: int


def first_found(
    ledger: Ledger, actor: Actor, model: type[Base], order: Any, limit: int, *criteria: Any
) -> Found:
    """The first ``limit`` of a firm's records of one kind that meet ``criteria``, in ``order``
    (then id order), and their count, in one transaction."""
    id_col = model.id  # type: ignore[attr-defined]
    with ledger.uow(actor) as uow:
        s = uow.session
        total = s.execute(select(func.count(id_col)).where(*criteria)).scalar_one()
        stmt = select(model).where(*criteria).order_by(order, id_col).limit(limit)
        return Found(list(s.execute(stmt).scalars()), int(total))


@dataclass(frozen=True)
class Page:
    """One page of a list, in id order, with the cursor for the next page."""

    items: Sequence[Any]
    next_cursor: int | None


def paginate(
    session: Session, stmt: Any, model: type[Base], cursor: int | None, limit: int
) -> Page:
    id_col = model.id  # type: ignore[attr-defined]
    if cursor is not None:
        stmt = stmt.where(id_col > cursor)
    rows = list(session.execute(stmt.order_by(id_col).limit(limit + 1)).scalars())
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, rows[-1].id if more and rows else None)
