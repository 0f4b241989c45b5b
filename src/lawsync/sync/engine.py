"""One sync pass for a firm: push every dirty record, in dependency order, idempotently.

    report = await run_pass(ledger, firm_id, qb, progress=callback)

`qb` is an `AsyncQuickBooks` whose token store serves the firm's active connection. `run_pass`
is the one owner of a pass: it checks the connection (`context.load`), runs every exporter of
the registry in order, and writes how the pass ended (paused for a reconnect, or the time of
the sync) in one place.

Level-triggered: the truth is the records' revisions against their links, so a pass can stop
anywhere (crash, outage, lost connection) and the next one finishes the work. A create is first
written down as `creating`; if its answer never made it into our database, the next pass looks
for the copy before creating anything, and the batch carries a request id derived from its
contents, so a replay returns the first answer (see `outcomes`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from lawsync.practice.services.context import Ledger
from lawsync.quickbooks import (
    AsyncQuickBooks,
    BatchResult,
    PermanentError,
    QuickBooksError,
    ReconnectNeededError,
    TransientError,
)
from lawsync.storage import utcnow
from lawsync.sync import catalogue, client_funds_openings, context, failures, trust_drift
from lawsync.sync.connection import mark_reconnect_needed, record_sync
from lawsync.sync.context import NotStarted, PassContext
from lawsync.sync.dispatch import Dispatcher
from lawsync.sync.export.candidates import PAGE
from lawsync.sync.export.skeleton import Exporter, Job, Plan
from lawsync.sync.imports import feed
from lawsync.sync.outcomes import KindReport, Tally, apply, note, recover, refuse, settle
from lawsync.sync.registry import EXPORTERS, KINDS

log = logging.getLogger("lawsync.sync")
ProgressFn = Callable[[str, int, int], None]  # (kind, done so far, total known so far)
ReplyHook = Callable[[Sequence[Job]], Awaitable[None] | None]
Work = Callable[[PassContext, "PassReport"], Awaitable[None]]
ROUNDS = 3  # e.g. a payment edit: delete the old copy, then create the new one


@dataclass
class PassReport:
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    kinds: Tally = field(default_factory=lambda: {k: KindReport() for k in KINDS})
    requests: int = 0
    reconnect_needed: bool = False
    note: str = ""
    not_started: NotStarted | None = None  # why the pass did not run at all
    stopped_early: bool = False  # transient trouble (throttled, outage): the next pass goes on
    compared: trust_drift.Outcome | None = None  # the ledger against the company, after it

    @property
    def synced(self) -> int:
        return sum(k.synced for k in self.kinds.values())

    @property
    def failed(self) -> int:
        return sum(k.failed for k in self.kinds.values())


def _write_plan(ctx: PassContext, plan: Plan, tally: Tally) -> None:
    """What planning found without asking the accounting side: refusals, records settled
    (nothing to send), copies found and linked."""
    with ctx.ledger.uow(ctx.firm_id) as uow:
        for refusal in plan.problems:
            refuse(uow.session, ctx, refusal, tally)
        for kind, local_id in plan.settled:
            failures.clear(uow.session, ctx.connection_id, kind, local_id)
        for job in plan.adopt:
            note(uow.session, ctx, job, "linked", job.entity)
            apply(uow.session, ctx, job, job.entity, tally)
        uow.commit()


def _first_pages(ctx: PassContext) -> dict[str, list[int]]:
    """Every kind's first page of candidates, read in one transaction: a small pass (a bill or
    two) learns which kinds have work without a transaction per kind."""
    with ctx.ledger.uow(ctx.firm_id) as uow:
        return {e.kind: e.candidates(ctx, uow.session, 0) for e in EXPORTERS}


async def _export(
    ctx: PassContext,
    exporter: Exporter[Any],
    report: PassReport,
    progress: ProgressFn | None,
    after_reply: ReplyHook | None,
    first: list[int],
) -> bool:
    """Push one kind from its first page of candidates on, planning the next chunk while the
    last one travels; True if anything was sent (another round may have work)."""
    after, sent, done = 0, False, 0
    tally = report.kinds
    ids: list[int] | None = first

    async def record(jobs: list[Job], results: list[BatchResult]) -> None:
        if after_reply is not None:
            outcome = after_reply(jobs)
            if outcome is not None:
                await outcome
        await settle(ctx, jobs, results, tally)

    async with Dispatcher(ctx, record, spare_requests=ctx.spare_requests) as dispatcher:
        while True:
            if ids is None:
                with ctx.ledger.uow(ctx.firm_id) as uow:
                    ids = exporter.candidates(ctx, uow.session, after)
            if not ids:
                break
            after = ids[-1]
            await exporter.prepare(ctx)  # before the planning transaction opens
            with ctx.ledger.uow(ctx.firm_id) as uow:
                plan = exporter.plan(ctx, uow.session, ids)
            _write_plan(ctx, plan, tally)
            tally[exporter.kind].skipped += plan.skipped + len(plan.waiting)
            if plan.jobs:
                dispatcher.add(await recover(ctx, plan.jobs, tally))
                sent = True
                await dispatcher.room()
            done += len(ids)
            if progress is not None:
                progress(exporter.kind, done, done)
            # A short page was the last one: records committed since wait for the next pass,
            # which their commit makes due.
            ids = None if len(ids) == PAGE else []
    return sent


def export_all(progress: ProgressFn | None = None, after_reply: ReplyHook | None = None) -> Work:
    """The pass's work: every exporter in dependency order, again while a round sent anything
    (a record may only be ready once another's answer is in)."""

    async def work(ctx: PassContext, report: PassReport) -> None:
        await context.prepare(ctx)
        try:
            await feed.pull(ctx)  # what changed in the company first (nothing for a preview)
        except PermanentError as error:  # the changes wait for the next pull; the pass goes on
            log.warning("firm %s: the pull was refused: %s", ctx.firm_id, error)
        if ctx.settings.export_client_funds:
            client_funds_openings.refresh(ctx)
        for _ in range(ROUNDS):
            # A round that sends nothing changes nothing, so its first pages stay true; one
            # that sends may make more records ready, and the next round reads them again.
            firsts, sent = _first_pages(ctx), False
            for exporter in EXPORTERS:
                if firsts[exporter.kind]:
                    first = firsts[exporter.kind]
                    sent = (
                        await _export(ctx, exporter, report, progress, after_reply, first) or sent
                    )
            if not sent:
                return

    return work


def _paused(error: ReconnectNeededError) -> str:
    """The note of a pass stopped by a lost connection, in the catalogue's words if it has
    them."""
    code = error.code
    if code and catalogue.knows(code):
        title = catalogue.guide_for(code, detail=error.message).title
    else:
        title = error.message
    return f"Reconnect needed: {title}" + (f" ({code})" if code else "")


async def _compare(ctx: PassContext, report: PassReport) -> None:
    """The ledger and the company compared after the pass (`trust_drift`); what QuickBooks
    refuses here is noted, never a reason to call the pass failed."""
    try:
        found = await trust_drift.compare(ctx)
    except QuickBooksError as error:
        if isinstance(error, ReconnectNeededError | TransientError):
            raise
        report.note = f"Could not compare the ledger with QuickBooks: {error.message}"
        return
    report.compared = found


async def run_pass(
    ledger: Ledger,
    firm_id: int,
    qb: AsyncQuickBooks,
    *,
    progress: ProgressFn | None = None,
    after_reply: ReplyHook | None = None,
    spare_requests: bool | None = None,
    work: Work | None = None,
) -> PassReport:
    """One pass. ``spare_requests`` also sends operations one by one with the requests batches
    leave unused: about 35 % more per window for a backfill, at ~0.3 requests per record
    instead of ~0.04, out of the 500 per minute the company shares with its other apps.
    None follows the firm's "fast catch-up" setting. ``work`` replaces the exporters (tests)."""
    report = PassReport(started_at=utcnow())
    ctx = context.load(ledger, firm_id, qb)
    if isinstance(ctx, NotStarted):
        report.not_started, report.note = ctx, ctx.message
        report.finished_at = utcnow()
        return report
    ctx.spare_requests = ctx.settings.fast_catch_up if spare_requests is None else spare_requests
    try:
        with ctx.counting():
            await (work or export_all(progress, after_reply))(ctx, report)
            if work is None:
                await _compare(ctx, report)
    except ReconnectNeededError as error:
        report.reconnect_needed, report.note = True, _paused(error)
    except TransientError as error:
        report.stopped_early = True
        report.note = f"Stopped early, will continue on the next pass: {error}"
    finally:
        report.requests = ctx.requests
        report.finished_at = utcnow()
        record_sync(ledger, firm_id, report.finished_at)
        if report.reconnect_needed:
            mark_reconnect_needed(ledger, firm_id, report.note)
    return report
