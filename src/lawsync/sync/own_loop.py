"""A coroutine run on an event loop of its own, in a thread, awaited from the caller's loop.

    report = await on_own_loop(lambda: run_pass(...), executor)

A pass talks to its database synchronously (short SQLAlchemy transactions between its requests),
which holds up whatever event loop it runs on. A worker running dozens of passes at once gives
each its own loop in a thread: their database waits overlap, and the worker's own loop stays free
to fetch jobs and beat its heartbeat. Cancelling the caller cancels the coroutine on its loop
and waits for it to unwind (leases given back, sessions closed) before the cancellation goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import Executor
from typing import Any, TypeVar

T = TypeVar("T")


class _Run:
    """The coroutine's loop and task, once its thread has made them."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.task: asyncio.Task[Any] | None = None
        self.cancelled = False

    def cancel(self) -> None:
        with self.lock:
            self.cancelled = True
            if self.loop is not None and self.task is not None and not self.loop.is_closed():
                self.loop.call_soon_threadsafe(self.task.cancel)


def _new_loop() -> asyncio.AbstractEventLoop:
    """uvloop's where it is installed (as uvicorn also prefers it): less CPU per request."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - a dependency, except on Windows
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def _run(make: Callable[[], Coroutine[Any, Any, T]], run: _Run) -> T:
    loop = _new_loop()
    try:
        asyncio.set_event_loop(loop)
        task = loop.create_task(make())
        with run.lock:
            run.loop, run.task = loop, task
            if run.cancelled:
                task.cancel()
        return loop.run_until_complete(task)
    finally:
        try:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            with run.lock:
                asyncio.set_event_loop(None)
                loop.close()


async def on_own_loop(make: Callable[[], Coroutine[Any, Any, T]], executor: Executor) -> T:
    """``make()``'s coroutine, run to its end on a new event loop in one of ``executor``'s
    threads."""
    run = _Run()
    done = asyncio.get_running_loop().run_in_executor(executor, _run, make, run)
    try:
        return await asyncio.shield(done)
    except asyncio.CancelledError:
        run.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.shield(done)
        raise
