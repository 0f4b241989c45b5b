"""One sync pass per firm at a time, across every process that shares the database.

    async with pass_lease(ledger, firm_id):
        await run_pass(...)

A lease is a row per firm naming its holder and an expiry. Taking it is one conditioned UPDATE
(free, expired or already ours), so two workers can never both win; the holder renews it while
the pass runs, and a holder that dies simply lets it expire. Within one process an asyncio lock
queues passes first, so only one task per process polls the row.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import socket
import uuid
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from lawsync.practice.services.context import Ledger
from lawsync.storage import utcnow
from lawsync.sync.models import PassLease

TTL = dt.timedelta(seconds=60)
POLL_SECONDS = 0.25


class LeaseLost(RuntimeError):
    """The lease expired while its pass was still running, and another holder took it."""


_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)


def new_owner() -> str:
    """Names this holder in the row, for whoever looks at the table."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _ensure_row(ledger: Ledger, firm_id: int) -> None:
    with ledger.uow(firm_id) as uow:
        if uow.session.execute(select(PassLease.id)).scalar_one_or_none() is not None:
            return
        uow.session.add(PassLease(firm_id=firm_id, owner="", expires_at=utcnow()))
        with suppress(IntegrityError):  # another process made it first: the same row will do
            uow.commit()


def try_take(ledger: Ledger, firm_id: int, owner: str, ttl: dt.timedelta = TTL) -> bool:
    """Take (or renew) the firm's lease if it is free, expired or ours; True if we hold it."""
    _ensure_row(ledger, firm_id)
    now = utcnow()
    with ledger.uow(firm_id) as uow:
        result = uow.session.execute(
            update(PassLease)
            .where(
                PassLease.firm_id == firm_id,
                or_(PassLease.owner == "", PassLease.owner == owner, PassLease.expires_at < now),
            )
            .values(owner=owner, expires_at=now + ttl)
            .execution_options(synchronize_session=False)
        )
        taken = result.rowcount == 1  # type: ignore[attr-defined]
        uow.commit()
    return taken


def give_back(ledger: Ledger, firm_id: int, owner: str) -> None:
    with ledger.uow(firm_id) as uow:
        uow.session.execute(
            update(PassLease)
            .where(PassLease.firm_id == firm_id, PassLease.owner == owner)
            .values(owner="", expires_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        uow.commit()


def holder(ledger: Ledger, firm_id: int) -> tuple[str, dt.datetime] | None:
    """Who holds the firm's lease now, if anyone."""
    with ledger.uow(firm_id) as uow:
        row = uow.session.execute(select(PassLease)).scalar_one_or_none()
        if row is None or not row.owner or row.expires_at < utcnow():
            return None
        return row.owner, row.expires_at


def _process_lock(firm_id: int) -> asyncio.Lock:
    per_loop = _locks.setdefault(asyncio.get_running_loop(), {})
    return per_loop.setdefault(firm_id, asyncio.Lock())


@asynccontextmanager
async def pass_lease(
    ledger: Ledger,
    firm_id: int,
    *,
    owner: str | None = None,
    ttl: dt.timedelta = TTL,
    poll_seconds: float = POLL_SECONDS,
) -> AsyncIterator[str]:
    """Wait for the firm's lease, hold it (renewed every third of ``ttl``) and give it back."""
    me = owner or new_owner()
    async with _process_lock(firm_id):
        while not await asyncio.to_thread(try_take, ledger, firm_id, me, ttl):
            await asyncio.sleep(poll_seconds)

        holder_task = asyncio.current_task()
        lost = False

        async def renew() -> None:
            nonlocal lost
            while True:
                await asyncio.sleep(ttl.total_seconds() / 3)
                if not await asyncio.to_thread(try_take, ledger, firm_id, me, ttl):
                    lost = True  # it expired and another process took it: stop this pass
                    if holder_task is not None:
                        holder_task.cancel()
                    return

        keeper = asyncio.create_task(renew())
        try:
            yield me
        except asyncio.CancelledError:
            if lost:
                raise LeaseLost(
                    "Another worker took over this firm's sync after this one stalled."
                ) from None
            raise
        finally:
            keeper.cancel()
            with suppress(asyncio.CancelledError):
                await keeper
            await asyncio.to_thread(give_back, ledger, firm_id, me)
