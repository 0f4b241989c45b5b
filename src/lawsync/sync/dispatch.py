"""Sending one kind's jobs while the next ones are still being planned.

    async with Dispatcher(ctx, record, spare_requests=False) as send:
        send.add(plan.jobs)       # as each chunk is planned
        await send.room()         # back-pressure: wait while too much is queued
    # leaving the block waits until every job has been answered and recorded

Jobs wait in one queue. Batch senders take up to 30 at a time, never more than
``BATCHES_IN_FLIGHT`` at once, and only when the company's batch window has room, so a batch
is never filled just to sit behind the limit. With ``spare_requests`` on, single senders take
jobs one at a time with the requests batches leave unused (QuickBooks counts a batch as one of
its 500 requests per window: 460 − a reserve for look-ups remain), which raises the ceiling from
1,200 to about 1,650 operations per window at the price of roughly 0.3 requests per record.
Replies go to one recorder that writes whatever has arrived in a single transaction.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from contextlib import suppress
from types import TracebackType
from weakref import WeakKeyDictionary

from lawsync.quickbooks import BatchOperation, BatchResult, Pacer, QuickBooksError, RollingWindow
from lawsync.sync.context import PassContext
from lawsync.sync.export.skeleton import Job

BATCH = 30
BATCHES_IN_FLIGHT = 2  # one batch travels while the previous one is being recorded
SINGLES_IN_FLIGHT = 6  # of QuickBooks' 10 concurrent requests; batches and look-ups use the rest
LOOKUP_RESERVE = 20  # requests per window kept for queries (look-ups, recovery of lost replies)
MAX_QUEUED = 10 * BATCH  # the planner waits while this many jobs are still unsent

Record = Callable[[list[Job], list[BatchResult]], Awaitable[None]]


def requestid(ctx: PassContext, jobs: Sequence[Job], operations: Sequence[BatchOperation]) -> str:
    """The same operations on the same revisions get the same id, so a resend is a replay;
    anything different (a setting changed the payload, a Retry after a refusal) is a new
    request."""
    digest = hashlib.sha256(f"{ctx.firm_id}|{ctx.realm}".encode())
    for job, op in zip(jobs, operations, strict=True):
        digest.update(f"|{job.kind}:{job.local_id}:{job.revision}:{job.op}|".encode())
        if job.attempt:  # a Retry after a refusal is a new request, not a replay of the refusal
            digest.update(f"attempt:{job.attempt}|".encode())
        digest.update(json.dumps(op.to_item("0"), sort_keys=True, default=str).encode())
    return "ls-" + digest.hexdigest()[:32]


def operation(job: Job) -> BatchOperation:
    if job.op == "create":
        return BatchOperation.create(job.entity)
    if job.op == "update":
        return BatchOperation.update(job.entity, sparse=True)
    if job.op == "void":
        return BatchOperation.void(job.entity)
    return BatchOperation.delete(job.entity)


async def send_single(ctx: PassContext, job: Job) -> BatchResult:
    """One operation as its own request, with the same request-id rule as batches."""
    op = operation(job)
    rid = requestid(ctx, [job], [op])
    try:
        if job.op == "create":
            entity = await ctx.qb.create(ctx.realm, job.entity, requestid=rid)
        elif job.op == "update":
            entity = await ctx.qb.update(ctx.realm, job.entity, sparse=True, requestid=rid)
        elif job.op == "void":
            entity = await ctx.qb.void(ctx.realm, job.entity, requestid=rid)
        else:
            entity = await ctx.qb.delete(ctx.realm, job.entity, requestid=rid)
    except QuickBooksError as error:
        return BatchResult(rid, op, error=error)  # judged with the batches' answers
    return BatchResult(rid, op, entity=entity)


_WINDOWS: WeakKeyDictionary[Pacer, dict[str, tuple[RollingWindow, RollingWindow]]] = (
    WeakKeyDictionary()
)


def _windows(ctx: PassContext) -> tuple[RollingWindow, RollingWindow]:
    """The engine's own count of batches and single writes per company, kept as long as the
    client's pacer is (across kinds and passes), so spare requests never eat into batches'."""
    per_realm = _WINDOWS.setdefault(ctx.qb.pacer, {})
    found = per_realm.get(ctx.realm)
    if found is None:
        pacing = ctx.qb.config.pacing
        spare = pacing.per_window - pacing.batches_per_window - LOOKUP_RESERVE
        found = per_realm[ctx.realm] = (
            RollingWindow(pacing.batches_per_window, pacing.window_seconds),
            RollingWindow(max(spare, 1), pacing.window_seconds),
        )
    return found


class Dispatcher:
    """Batch senders, optional single senders and one recorder around a queue of jobs."""

    def __init__(self, ctx: PassContext, record: Record, *, spare_requests: bool = False) -> None:
        self._ctx = ctx
        self._record = record
        self._spare = spare_requests
        self._jobs: deque[Job] = deque()
        self._closed = False
        self._changed = asyncio.Event()  # replaced on every change; waiters hold the old one
        self._replies: asyncio.Queue[tuple[list[Job], list[BatchResult]] | None] = asyncio.Queue()
        self._batch_window, self._single_window = _windows(ctx)
        self._paced = ctx.qb.config.pacing.enabled
        self._group = asyncio.TaskGroup()

    # ---- the planner's side -----------------------------------------------------------------

    def add(self, jobs: Sequence[Job]) -> None:
        self._jobs.extend(jobs)
        self._pulse()

    async def room(self) -> None:
        while len(self._jobs) > MAX_QUEUED:
            await self._changed.wait()

    def _pulse(self) -> None:
        """Wake everyone waiting on the queue (jobs added or taken, queue closed)."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def __aenter__(self) -> Dispatcher:
        await self._group.__aenter__()
        self._senders: list[asyncio.Task[None]] = [
            self._group.create_task(self._batches()) for _ in range(BATCHES_IN_FLIGHT)
        ]
        if self._spare:
            self._senders += [
                self._group.create_task(self._singles()) for _ in range(SINGLES_IN_FLIGHT)
            ]
        self._group.create_task(self._recorder())
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._closed = True
        self._pulse()
        if error is None:
            done_sending = asyncio.gather(*self._senders)
            self._group.create_task(self._finish(done_sending))
        else:
            for task in self._senders:
                task.cancel()
            self._replies.put_nowait(None)
        try:
            await self._group.__aexit__(kind, error, tb)
        except BaseExceptionGroup as failed:
            # The pass stops for its first reason (reconnect, outage, crash), raised bare.
            first: BaseException = failed
            while isinstance(first, BaseExceptionGroup):
                first = first.exceptions[0]
            raise first from None

    async def _finish(self, senders: Awaitable[object]) -> None:
        await senders
        await self._replies.put(None)

    # ---- senders and recorder ---------------------------------------------------------------

    async def _take(self, most: int, *, whole: bool) -> list[Job]:
        """Up to ``most`` jobs; with ``whole``, wait for a full load unless the queue is closed."""
        while True:
            if self._jobs and (not whole or len(self._jobs) >= most or self._closed):
                taken = [self._jobs.popleft() for _ in range(min(most, len(self._jobs)))]
                self._pulse()
                return taken
            if self._closed:
                return []
            await self._changed.wait()

    async def _slot(self, window: RollingWindow) -> bool:
        """A place in ``window``; False once the queue is closed and empty (nothing to send),
        so a sender waiting for the limit does not hold the end of the kind."""
        while True:
            if self._closed and not self._jobs:
                return False
            wait = window.try_acquire() if self._paced else 0.0
            if wait == 0.0:
                return True
            with suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), wait)

    def _release(self, window: RollingWindow, used: bool) -> None:
        if self._paced:
            (window.release if used else window.cancel)()

    async def _batches(self) -> None:
        ctx = self._ctx
        while True:
            if not await self._slot(self._batch_window):
                return
            chunk = await self._take(BATCH, whole=True)
            if not chunk:
                self._release(self._batch_window, used=False)
                return
            try:
                operations = [operation(j) for j in chunk]
                results = await ctx.qb.batch(
                    ctx.realm, operations, requestid=requestid(ctx, chunk, operations)
                )
            finally:
                self._release(self._batch_window, used=True)
            await self._replies.put((chunk, results))

    async def _singles(self) -> None:
        while True:
            if not await self._slot(self._single_window):
                return
            taken = await self._take(1, whole=False)
            if not taken:
                self._release(self._single_window, used=False)
                return
            try:
                result = await send_single(self._ctx, taken[0])
            finally:
                self._release(self._single_window, used=True)
            await self._replies.put((taken, [result]))

    async def _recorder(self) -> None:
        """Everything that has arrived, recorded in one go, in order of arrival."""
        while True:
            first = await self._replies.get()
            if first is None:
                return
            jobs, results = list(first[0]), list(first[1])
            finished = False
            while not self._replies.empty():
                more = self._replies.get_nowait()
                if more is None:
                    finished = True
                    break
                jobs += more[0]
                results += more[1]
            await self._record(jobs, results)
            if finished:
                return
