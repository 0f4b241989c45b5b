"""What a pass writes down: before a create goes, and when each answer comes back.

A create is first written down as `creating`. If its answer never made it into our database,
the next pass looks for the copy (by its `Lookup`) before creating anything (`recover`). Each
answer then updates the record's link and failure (`settle`), by the class of the client's
error only: a stale copy is read again and the update (or delete, or void) done again on it, a
copy already gone is as good as removed, anything transient is left for the next pass, and a
lost connection stops the pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from lawsync.quickbooks import (
    BatchResult,
    Entity,
    ObjectNotFoundError,
    PermanentError,
    QuickBooksError,
    ReconnectNeededError,
    StaleObjectError,
    TransientError,
)
from lawsync.sync import failures, links
from lawsync.sync.context import PassContext
from lawsync.sync.dispatch import send_single
from lawsync.sync.export.skeleton import Job, Refusal
from lawsync.sync.imports.contacts import remember_copy
from lawsync.sync.kinds import Kind
from lawsync.sync.models import SyncEvent
from lawsync.sync.problems import Problem

BELONGS_ELSEWHERE = "620"


@dataclass
class KindReport:
    synced: int = 0
    failed: int = 0
    skipped: int = 0


Tally = dict[Kind, KindReport]  # per kind: records synced, failed, left for later in a pass


def refuse(
    s: Session,
    ctx: PassContext,
    refusal: Refusal,
    tally: Tally,
    error: QuickBooksError | None = None,
    *,
    look_again: bool = False,
) -> None:
    """A failure for the record. With ``look_again`` a create in progress stays so: after a
    Retry its copy is looked for again (and linked once right) instead of a second one made."""
    problem = refusal.problem
    failures.record(
        s,
        firm_id=ctx.firm_id,
        connection_id=ctx.connection_id,
        kind=refusal.kind,
        local_id=refusal.local_id,
        revision=refusal.revision,
        code=problem.code,
        message=problem.message,
        element=problem.element,
        detail=error.detail if error else "",
        intuit_tid=(error.intuit_tid or "") if error else "",
    )
    tally[refusal.kind].failed += 1
    if look_again:
        return
    link = links.ensure(s, ctx.firm_id, ctx.connection_id, refusal.kind, refusal.local_id)
    if link.status == links.CREATING:
        link.status = links.FAILED


def note(
    s: Session,
    ctx: PassContext,
    job: Job,
    outcome: str,
    entity: Entity | None = None,
    error: QuickBooksError | None = None,
) -> None:
    """Write down what was sent for the record and what came back (its sync history)."""
    s.add(
        SyncEvent(
            firm_id=ctx.firm_id,
            connection_id=ctx.connection_id,
            kind=job.kind,
            local_id=job.local_id,
            revision=job.revision,
            op=job.op,
            outcome=outcome,
            qbo_id=(entity.Id if entity is not None else None) or (job.entity.Id or None),
            code=(error.code or "") if error else "",
            message=(error.message[:2000] if error else ""),
            intuit_tid=((error.intuit_tid if error else entity and entity.intuit_tid) or "")[:100],
            sent=job.entity.model_dump(mode="json", exclude_unset=True),
        )
    )


def apply(s: Session, ctx: PassContext, job: Job, entity: Entity | None, tally: Tally) -> None:
    """The job went through: link the copy (or mark it removed) and close any failure."""
    link = links.ensure(s, ctx.firm_id, ctx.connection_id, job.kind, job.local_id)
    if job.op in ("delete", "void"):
        if job.recreate:
            link.qbo_id, link.sync_token, link.status = None, None, links.PENDING
        else:
            token = entity.SyncToken if entity else link.sync_token
            removed = link.qbo_id or job.entity.Id  # a lost create's copy has no id here
            links.mark_synced(link, removed, token, job.revision, links.REMOVED)
    else:
        assert entity is not None
        links.mark_synced(link, entity.Id, entity.SyncToken, job.revision)
        if job.kind == Kind.CONTACT:  # what both sides now hold: the base of the next merge
            remember_copy(s, ctx.firm_id, ctx.connection_id, job.local_id, entity)
        problem = job.check(entity) if job.check else None
        if problem:
            refuse(s, ctx, Refusal.of(job, problem), tally)
            return
    failures.clear(s, ctx.connection_id, job.kind, job.local_id)
    tally[job.kind].synced += 1


def _ref_value(entity: Entity, name: str) -> str | None:
    ref = getattr(entity, name, None)
    value = getattr(ref, "value", None) if ref is not None else None
    return str(value) if value not in (None, "") else None


def _belongs_elsewhere(job: Job, found: Entity) -> Problem | None:
    """A copy found after a lost answer is only ours if it still has our customer: one moved to
    another customer on the accounting side is not linked (nor is a second one created)."""
    wanted, actual = _ref_value(job.entity, "CustomerRef"), _ref_value(found, "CustomerRef")
    if wanted is None or actual is None or wanted == actual:
        return None
    what = type(found).__name__
    number = getattr(found, "DocNumber", None) or found.Id
    return Problem(
        BELONGS_ELSEWHERE,
        f"The {what} {number} (Id {found.Id}) made for this record by an earlier attempt now "
        f"belongs to customer {actual}, not {wanted}; it was not linked.",
        "CustomerRef",
    )


def _as_update(job: Job, found: Entity) -> Job:
    """The create of a record whose copy turned up, turned into an update of that copy with
    the record as it is now (a lost answer may be several revisions old)."""
    payload = job.entity.model_dump(exclude_unset=True)
    payload.update(Id=found.Id, SyncToken=found.SyncToken, sparse=True)
    job.entity = type(job.entity).model_validate(payload)
    job.op = "update"
    return job


async def find_copy(ctx: PassContext, job: Job) -> Entity | None:
    """The copy an earlier attempt made for this create, if its answer was lost."""
    assert job.find is not None
    rows = await ctx.qb.query(ctx.realm, type(job.entity), job.find.where)
    return next((r for r in rows if job.find.ours(r)), None)


def _note_attempts(ctx: PassContext, jobs: Sequence[Job]) -> dict[tuple[Kind, int], str]:
    """Each job's link status; each job's count of refusals so far (part of its request id)."""
    states: dict[tuple[Kind, int], str] = {}
    with ctx.ledger.uow(ctx.firm_id) as uow:
        for kind in {j.kind for j in jobs}:
            ids = [j.local_id for j in jobs if j.kind == kind]
            for local_id, link in links.links_for(
                uow.session, ctx.connection_id, kind, ids
            ).items():
                states[(kind, local_id)] = link.status
            tried = failures.attempts(uow.session, ctx.connection_id, kind, ids)
            for job in jobs:
                if job.kind == kind:
                    job.attempt = tried.get(job.local_id, 0)
    return states


async def recover(ctx: PassContext, jobs: list[Job], tally: Tally) -> list[Job]:
    """Jobs still to send, after linking the copies of creates whose answer was lost; the
    creates left are written down as in progress before they go. A record that wants no copy
    any more, after a create of its lost its answer, has that create's copy removed if it was
    made, and is settled at once if it was not."""
    states = _note_attempts(ctx, jobs)
    pending: list[Job] = []
    never_made: list[Job] = []
    for job in jobs:
        if job.op in ("delete", "void") and not job.entity.Id:
            # The record wants no copy, and a create sent for it lost its answer.
            made = await find_copy(ctx, job)
            if made is None:
                never_made.append(job)
            else:
                job.entity = type(job.entity).model_validate(
                    {"Id": made.Id, "SyncToken": made.SyncToken}
                )
                pending.append(job)
            continue
        lost = job.op == "create" and states.get((job.kind, job.local_id)) == links.CREATING
        found = await find_copy(ctx, job) if lost and job.find else None
        if found is None:
            pending.append(job)
            continue
        refused = _belongs_elsewhere(job, found)
        if refused is None:
            pending.append(_as_update(job, found))  # the copy holds what was sent then
            continue
        with ctx.ledger.uow(ctx.firm_id) as uow:
            refuse(uow.session, ctx, Refusal.of(job, refused), tally, look_again=True)
            uow.commit()
    if never_made:
        with ctx.ledger.uow(ctx.firm_id) as uow:
            for job in never_made:
                link = links.ensure(
                    uow.session, ctx.firm_id, ctx.connection_id, job.kind, job.local_id
                )
                links.mark_synced(link, None, None, job.revision, links.REMOVED)
                failures.clear(uow.session, ctx.connection_id, job.kind, job.local_id)
                tally[job.kind].skipped += 1
            uow.commit()
    creates = [j for j in pending if j.op == "create"]
    if creates:
        with ctx.ledger.uow(ctx.firm_id) as uow:
            links.prefetch(uow.session, ctx.connection_id, [(j.kind, j.local_id) for j in creates])
            for job in creates:
                link = links.ensure(
                    uow.session, ctx.firm_id, ctx.connection_id, job.kind, job.local_id
                )
                link.status, link.qbo_id = links.CREATING, None
            uow.commit()
    return pending


async def settle(
    ctx: PassContext, chunk: list[Job], results: list[BatchResult], tally: Tally
) -> None:
    """Write down every answer of a chunk in one transaction; then update stale copies anew."""
    lost_access: ReconnectNeededError | None = None
    stale: list[Job] = []
    with ctx.ledger.uow(ctx.firm_id) as uow:
        s = uow.session
        keys = [(j.kind, j.local_id) for j in chunk]
        links.prefetch(s, ctx.connection_id, keys)
        failures.prefetch_open(s, ctx.connection_id, keys)
        for job, result in zip(chunk, results, strict=True):
            error = result.error
            note(s, ctx, job, _outcome(job, error), result.entity, error)
            if error is None:
                apply(s, ctx, job, result.entity, tally)
            elif isinstance(error, ReconnectNeededError):
                lost_access = error  # e.g. 120, or 6190: the company takes no changes at all
            elif isinstance(error, TransientError):
                tally[job.kind].skipped += 1
            elif isinstance(error, StaleObjectError) and job.kind == Kind.CONTACT:
                # Edited in QuickBooks meanwhile: never sent over that edit; the next pull
                # merges it (`imports.contacts`) and the merged contact goes out then.
                tally[job.kind].skipped += 1
            elif isinstance(error, StaleObjectError) and job.op != "create":
                stale.append(job)  # an update, delete or void: done again on the fresh copy
            elif isinstance(error, ObjectNotFoundError) and job.op in ("delete", "void"):
                apply(s, ctx, job, None, tally)  # already gone on the other side
            else:
                refuse(s, ctx, Refusal.of(job, Problem.of(error)), tally, error)
        uow.commit()
    if lost_access is not None:
        raise lost_access
    for job in stale:
        await _again_on_fresh_copy(ctx, job, tally)


async def _again_on_fresh_copy(ctx: PassContext, job: Job, tally: Tally) -> None:
    """Someone changed the copy meanwhile (edited it, printed a cheque): take its current
    SyncToken and do ours again, be it an update or the delete or void of a copy the record no
    longer wants. A copy gone meanwhile is as good as removed; a transient fault or a lost
    connection stops the pass (the next one starts over from the link)."""
    entity: Entity | None = None
    try:
        current = await ctx.qb.read(ctx.realm, type(job.entity), str(job.entity.Id))
        job.entity.SyncToken = current.SyncToken
        result = await send_single(ctx, job)
        error, entity = result.error, result.entity
    except ObjectNotFoundError as missing:
        error = missing
    if error is not None and not isinstance(error, PermanentError):
        raise error
    gone = isinstance(error, ObjectNotFoundError) and job.op in ("delete", "void")
    with ctx.ledger.uow(ctx.firm_id) as uow:
        note(uow.session, ctx, job, _outcome(job, error), entity, error)
        if error is None or gone:
            apply(uow.session, ctx, job, entity, tally)
        else:
            refuse(uow.session, ctx, Refusal.of(job, Problem.of(error)), tally, error)
        uow.commit()


def _outcome(job: Job, error: QuickBooksError | None) -> str:
    if error is None:
        return "done"
    if isinstance(error, ObjectNotFoundError) and job.op in ("delete", "void"):
        return "already gone"
    if isinstance(error, TransientError | ReconnectNeededError):
        return "left"  # the next pass sends it again
    if isinstance(error, StaleObjectError):
        return "stale"  # read again and updated at once
    return "refused"
