"""The queued mode's wake-up: a commit that makes a firm's pass due defers that pass itself.

    install(ledger)     # `LAWSYNC_SYNC_MODE=queue`: what the embedded worker's wake-up does

The embedded worker is woken after a commit (a lost wake-up waits for the safety pass). Here
the job is written by the transaction that changes the books, just before it commits, on the
same PostgreSQL connection: the change and its job are committed together or not at all, and
no process can die between the two. Which changes count is the embedded worker's rule
(`worker.syncable`); the pass's own sessions (`QUIET`) defer nothing, and a firm that is not
connected has no pass to wait for.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from lawsync.practice.services.context import Ledger
from lawsync.sync import jobs
from lawsync.sync.context import QUIET
from lawsync.sync.worker import syncable

_DUE = "sync_pass_due"


def _after_flush(session: Session, _context: Any) -> None:
    if session.info.get("firm_id") is None or session.info.get(QUIET):
        return
    if any(syncable(o) for o in (*session.new, *session.dirty, *session.deleted)):
        session.info[_DUE] = True


def _before_commit(session: Session) -> None:
    if session.info.get("firm_id") is None or session.info.get(QUIET):
        return
    session.flush()  # what the commit would flush still counts (after_flush marks it)
    if not session.info.pop(_DUE, False):
        return
    firm_id = int(session.info["firm_id"])
    realm = jobs.live_realm(session)
    if realm is not None:
        jobs.defer_pass(jobs.raw_connection(session), firm_id, realm)


def _after_rollback(session: Session, _previous_transaction: Any) -> None:
    session.info.pop(_DUE, None)


_HOOKS = (
    ("after_flush", _after_flush),
    ("before_commit", _before_commit),
    ("after_soft_rollback", _after_rollback),
)


def install(ledger: Ledger) -> None:
    """Defer passes from this ledger's commits (idempotent)."""
    for name, fn in _HOOKS:
        if not event.contains(ledger.factory, name, fn):
            event.listen(ledger.factory, name, fn)


def uninstall(ledger: Ledger) -> None:
    for name, fn in _HOOKS:
        if event.contains(ledger.factory, name, fn):
            event.remove(ledger.factory, name, fn)


def installed(ledger: Ledger) -> bool:
    return event.contains(ledger.factory, "before_commit", _before_commit)
