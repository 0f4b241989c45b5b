"""What exporters share: the pass context and the job they hand to the engine."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from sqlalchemy.orm import Session

from lawsync.practice.services.context import Ledger
from lawsync.quickbooks import AsyncQuickBooks, Entity
from lawsync.sync.models import SyncLink, SyncSettings

E = TypeVar("E", bound=Entity)

Op = Literal["create", "update", "delete", "void"]


@dataclass
class PassContext:
    """Everything one pass needs to know about the firm and its connected company."""

    ledger: Ledger
    qb: AsyncQuickBooks
    firm_id: int
    connection_id: int
    realm: str
    settings: SyncSettings
    items: dict[tuple[str, int], str]
    home_currency: str
    multicurrency: bool
    country: str = "US"
    undeposited_account_id: str | None = None
    customers_by_name: dict[str, Entity] | None = None
    requests: int = 0
    spare_requests: bool = False  # also send single requests beside batches


@dataclass
class Problem:
    """A failure known without asking the accounting side (a pre-flight check)."""

    code: str
    message: str
    element: str = ""


@dataclass
class Job:
    """One operation for one record at one revision."""

    kind: str
    local_id: int
    revision: int
    op: Op
    entity: Entity
    # Looks for a copy made by an earlier attempt whose answer never arrived.
    find: Callable[[PassContext], Awaitable[Entity | None]] | None = None
    # After a delete: the record is to be created again (a payment edit is delete + create).
    recreate: bool = False
    check: Callable[[Entity], Problem | None] | None = None
    tags: dict[str, str] = field(default_factory=dict)
    # How many times this record was refused so far (its open failure): part of the request
    # id, so a Retry after a fix on the accounting side is a new request, not a replay of the
    # refusal. A lost answer records no failure, so its resend is still a replay.
    attempt: int = 0


@dataclass
class Plan:
    jobs: list[Job] = field(default_factory=list)
    problems: list[tuple[str, int, int, Problem]] = field(default_factory=list)  # kind, id, rev
    # Records that already have a copy on the other side (found, not created): link them.
    adopt: list[tuple[str, int, int, Entity]] = field(default_factory=list)
    skipped: int = 0
    # Records with nothing to send (voided or deleted before they ever synced): an open
    # failure of theirs is closed.
    settled: list[tuple[str, int]] = field(default_factory=list)

    def skip(self, kind: str, local_id: int) -> None:
        self.skipped += 1
        self.settled.append((kind, local_id))

    def fail(self, kind: str, local_id: int, revision: int, problem: Problem) -> None:
        self.problems.append((kind, local_id, revision, problem))


def copy_of(cls: type[E], link: SyncLink | None) -> E:
    """The accounting-side copy a link points at, as the Id and SyncToken an operation needs."""
    assert link is not None and link.qbo_id
    return cls.model_validate({"Id": link.qbo_id, "SyncToken": link.sync_token})


Planner = Callable[[PassContext, Session, list[int]], Awaitable[Plan]]
