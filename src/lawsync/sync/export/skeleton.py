"""The skeleton every exporter fills in, and the jobs it hands to the pass.

An exporter is one small module per kind of record. It declares:

- ``candidates``: which records need a push (no copy yet, a newer revision, an unknown outcome);
- ``load``: those records, with whatever the chunk needs (the accounting ids of the records they
  point at), in one query per table;
- ``decide``: for one record, what to do: ``Send`` its payload, ``Remove`` its copy, ``Wait``
  for a record it needs, refuse it with a ``Problem``, ``Adopt`` a copy found on the other side,
  or ``SKIP`` it (nothing to send);
- optionally ``prepare``: accounting-side look-ups before planning (the customer list).

The skeleton (`plan`) does the rest the same way for every kind: a ``Send`` becomes an update of
the live copy if there is one, otherwise a create that knows how to find its own copy again
(``Lookup``) should the answer be lost; a ``Remove`` becomes a delete or void of the live copy,
of the copy a create whose answer was lost made (found by the ``Remove``'s ``Lookup``), or
nothing when there never was one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Literal, TypeVar

from sqlalchemy import ColumnElement, Select, and_, not_, select
from sqlalchemy.orm import Session

from lawsync.quickbooks import Entity, sql
from lawsync.sync import links
from lawsync.sync.context import PassContext
from lawsync.sync.export.candidates import count, dirty, page, since
from lawsync.sync.kinds import Kind, marker
from lawsync.sync.models import SyncLink
from lawsync.sync.problems import Problem

Op = Literal["create", "update", "delete", "void"]
Check = Callable[[Entity], Problem | None]


@dataclass(frozen=True)
class Lookup:
    """How to find a copy made by an earlier attempt whose answer never arrived: a query, and
    the private marker the copy carries in ``note_field`` (None: the first row is ours)."""

    where: str
    marker: str | None = None
    note_field: str = "PrivateNote"

    def ours(self, row: Entity) -> bool:
        return self.marker is None or field_text(row, self.note_field) == self.marker.lower()


def still_ours(kind: Kind, local_id: int, doc_number: str, customer: str | None) -> Lookup | None:
    """The copy of a numbered invoice or credit memo that a create whose answer was lost made,
    for a record that wants it removed; only while it still has the record's customer (one a
    person gave to another customer is not ours to remove, as it is not ours to link: 620)."""
    if customer is None:
        return None  # no customer, so no create was ever sent
    where = sql("DocNumber = ? AND CustomerRef = ?", doc_number, customer)
    return Lookup(where, marker(kind, local_id))


def field_text(entity: Entity, name: str) -> str:
    """A field of an accounting-side entity as lower-cased text (an email's address)."""
    value = getattr(entity, name, None)
    if value is None and entity.model_extra:
        value = entity.model_extra.get(name)
    if isinstance(value, dict):
        value = value.get("Address")
    return str(value or "").strip().lower()


@dataclass
class Job:
    """One operation for one record at one revision."""

    kind: Kind
    local_id: int
    revision: int
    op: Op
    entity: Entity
    find: Lookup | None = None
    # After a delete: the record is to be created again (a payment edit is delete + create).
    recreate: bool = False
    check: Check | None = None
    # How many times this record was refused so far (its open failure): part of the request
    # id, so a Retry after a fix on the accounting side is a new request, not a replay of the
    # refusal. A lost answer records no failure, so its resend is still a replay.
    attempt: int = 0


# ---- what an exporter decides for one record ---------------------------------------------------


@dataclass(frozen=True)
class Send:
    """Make the copy match this payload. ``onto`` is an existing copy the exporter found (to
    update instead of creating one); otherwise the live copy is updated, or one is created."""

    payload: dict[str, Any]
    find: Lookup | None = None
    check: Check | None = None
    onto: Entity | None = None


@dataclass(frozen=True)
class Remove:
    """The record is gone: delete or void its copy, if it has one. ``find`` finds the copy a
    create may have made when its answer was lost: such a copy is looked for, and removed."""

    op: Literal["delete", "void"]
    recreate: bool = False
    find: Lookup | None = None


@dataclass(frozen=True)
class Wait:
    """Not yet: a record this one needs has no copy yet (it syncs first, this one follows)."""

    what: str


@dataclass(frozen=True)
class Adopt:
    """A copy already exists on the other side (found, not made): link it as it is."""

    entity: Entity


class _Skip:
    def __repr__(self) -> str:
        return "SKIP"


SKIP = _Skip()  # nothing to send (voided or deleted before it ever synced, a draft)

Decision = Send | Remove | Wait | Adopt | Problem | _Skip


@dataclass
class Refusal:
    """A record at a revision, refused for a problem."""

    kind: Kind
    local_id: int
    revision: int
    problem: Problem

    @classmethod
    def of(cls, job: Job, problem: Problem) -> Refusal:
        return cls(job.kind, job.local_id, job.revision, problem)


@dataclass
class Plan:
    jobs: list[Job] = field(default_factory=list)
    problems: list[Refusal] = field(default_factory=list)
    adopt: list[Job] = field(default_factory=list)  # a copy found: link it, send nothing
    waiting: list[Refusal] = field(default_factory=list)  # why each is not ready yet
    skipped: int = 0
    # Records with nothing to send: an open failure of theirs is closed.
    settled: list[tuple[Kind, int]] = field(default_factory=list)


R = TypeVar("R")  # a practice model with an `id` and a `revision` (see `Revisioned`)


@dataclass
class Chunk(Generic[R]):
    """The records of one chunk; an exporter's subclass adds what its decisions look up."""

    records: Sequence[R]


C = TypeVar("C", bound=Chunk[Any])


class Exporter(Generic[C]):
    """What the skeleton needs from one kind (see the module's docstring)."""

    kind: ClassVar[Kind]
    entity: ClassVar[type[Entity]]  # the copy's type on the accounting side
    model: ClassVar[type[Any]]  # the practice record's model
    # For records that are live or not (voided, deleted) and dated: which are live, and their
    # date (the firm's export start date applies to it).
    live: ClassVar[ColumnElement[bool] | None] = None
    dated: ClassVar[Any] = None

    def enabled(self, ctx: PassContext) -> bool:
        """Whether the firm's settings export this kind at all."""
        return ctx.settings.export_bills

    def wanted(self, ctx: PassContext) -> ColumnElement[bool]:
        """Which records without a copy should get one: by default the live ones dated since
        the export start date."""
        cls = type(self)  # class attributes, read on the class: `dated` is a descriptor
        assert cls.live is not None
        return and_(cls.live, *since(ctx, cls.dated))

    def gone(self) -> ColumnElement[bool] | None:
        """Which records want no copy any more (voided, deleted): their failures get closed."""
        live = type(self).live
        return None if live is None else not_(live)

    def pending(self, ctx: PassContext) -> Select[Any] | None:
        """The ids of the records that need a push (None: the kind is not exported)."""
        if not self.enabled(ctx):
            return None
        return dirty(
            self.model,
            self.kind,
            ctx.connection_id,
            wanted_new=self.wanted(ctx),
            settle_failures=self.gone(),
        )

    def candidates(self, ctx: PassContext, session: Session, after_id: int) -> list[int]:
        """The next chunk of them, in id order."""
        ids = self.pending(ctx)
        return [] if ids is None else page(session, ids, self.model.id, after_id)

    def pending_count(self, ctx: PassContext, session: Session) -> int:
        ids = self.pending(ctx)
        return 0 if ids is None else count(session, ids)

    def records(self, session: Session, ids: list[int]) -> Sequence[Any]:
        return session.execute(select(self.model).where(self.model.id.in_(ids))).scalars().all()

    @staticmethod
    def customers(ctx: PassContext, session: Session, records: Sequence[Any]) -> dict[int, str]:
        """The customers of these records' clients (client id → customer id), where synced."""
        clients = {r.client_id for r in records}
        return links.qbo_ids(session, ctx.connection_id, Kind.CONTACT, clients)

    @staticmethod
    def invoices(ctx: PassContext, session: Session, bill_ids: Iterable[int]) -> dict[int, str]:
        """The invoices of these bills (bill id → invoice id), where synced."""
        return links.qbo_ids(session, ctx.connection_id, Kind.BILL, bill_ids)

    def load(self, ctx: PassContext, session: Session, ids: list[int]) -> C:
        raise NotImplementedError

    def decide(self, ctx: PassContext, chunk: C, record: Any, copy: SyncLink | None) -> Decision:
        raise NotImplementedError

    async def prepare(self, ctx: PassContext) -> None:
        """Look-ups on the accounting side before a chunk is planned (none by default)."""

    def plan(self, ctx: PassContext, session: Session, ids: list[int]) -> Plan:
        chunk = self.load(ctx, session, ids)
        found = links.links_for(session, ctx.connection_id, self.kind, ids)
        out = Plan()
        for record in chunk.records:
            link = found.get(record.id)
            copy = link if links.live_copy(link) else None
            lost = link is not None and link.status == links.CREATING
            self._take(out, record, copy, self.decide(ctx, chunk, record, copy), lost)
        return out

    def _take(
        self, out: Plan, record: Any, copy: SyncLink | None, decision: Decision, lost: bool
    ) -> None:
        """``lost``: a create was sent for the record and its answer never written down."""
        kind, local_id, revision = self.kind, record.id, record.revision
        if isinstance(decision, Send):
            out.jobs.append(self._send(kind, local_id, revision, copy, decision))
        elif isinstance(decision, Remove) and copy is not None:
            entity = copy_of(self.entity, copy)
            out.jobs.append(
                Job(kind, local_id, revision, decision.op, entity, None, decision.recreate)
            )
        elif isinstance(decision, Remove) and lost and decision.find is not None:
            # The copy the lost create may have made: looked for before anything is sent
            # (`outcomes.recover`), removed if found.
            unknown = self.entity.model_validate({})
            out.jobs.append(Job(kind, local_id, revision, decision.op, unknown, decision.find))
        elif isinstance(decision, Wait):
            waiting = Problem("lawsync:waiting", f"Waits for {decision.what} to sync first.")
            out.waiting.append(Refusal(kind, local_id, revision, waiting))
        elif isinstance(decision, Problem):
            out.problems.append(Refusal(kind, local_id, revision, decision))
        elif isinstance(decision, Adopt):
            out.adopt.append(Job(kind, local_id, revision, "create", decision.entity))
        else:  # SKIP, or a Remove with no copy to remove
            out.skipped += 1
            out.settled.append((kind, local_id))

    def _send(
        self, kind: Kind, local_id: int, revision: int, copy: SyncLink | None, decision: Send
    ) -> Job:
        target = decision.onto
        if target is None and copy is not None:
            target = copy_of(self.entity, copy)
        if target is None:
            entity = self.entity.model_validate(decision.payload)
            return Job(
                kind, local_id, revision, "create", entity, decision.find, check=decision.check
            )
        entity = self.entity.model_validate(
            {**decision.payload, "Id": target.Id, "SyncToken": target.SyncToken, "sparse": True}
        )
        return Job(kind, local_id, revision, "update", entity, check=decision.check)


E = TypeVar("E", bound=Entity)


def copy_of(cls: type[E], link: SyncLink) -> E:
    """The accounting-side copy a link points at, as the Id and SyncToken an operation needs."""
    return cls.model_validate({"Id": link.qbo_id, "SyncToken": link.sync_token})
