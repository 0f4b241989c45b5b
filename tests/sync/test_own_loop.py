"""A coroutine on an event loop of its own in a thread (`sync.own_loop`): its answer and its
errors come back to the caller's loop, and cancelling the caller unwinds it before going on."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from lawsync.sync.own_loop import on_own_loop


def test_the_answer_comes_from_another_thread_and_loop() -> None:
    async def where() -> tuple[int, int]:
        return threading.get_ident(), id(asyncio.get_running_loop())

    async def main() -> None:
        with ThreadPoolExecutor(2) as pool:
            thread, loop = await on_own_loop(where, pool)
        assert thread != threading.get_ident()
        assert loop != id(asyncio.get_running_loop())

    asyncio.run(main())


def test_an_error_reaches_the_caller() -> None:
    async def fails() -> None:
        raise ValueError("refused")

    async def main() -> None:
        with ThreadPoolExecutor(1) as pool:
            await on_own_loop(fails, pool)

    with pytest.raises(ValueError, match="refused"):
        asyncio.run(main())


def test_cancelling_the_caller_unwinds_the_coroutine_first() -> None:
    """The caller's cancellation goes on only once the coroutine's own clean-up has run (a pass
    gives its lease back before its job is handed back)."""
    began, unwound = threading.Event(), threading.Event()

    async def long_pass() -> None:
        began.set()
        try:
            await asyncio.sleep(60)
        finally:
            await asyncio.sleep(0.05)  # clean-up that itself awaits
            unwound.set()

    async def main() -> None:
        with ThreadPoolExecutor(1) as pool:
            task = asyncio.create_task(on_own_loop(long_pass, pool))
            while not began.is_set():
                await asyncio.sleep(0.01)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert unwound.is_set()

    asyncio.run(main())


def test_a_cancellation_before_the_thread_starts_still_reaches_the_coroutine() -> None:
    """With every thread busy, the caller is cancelled before its coroutine starts: the
    coroutine is cancelled as soon as it does, and never runs its body to the end."""
    release = threading.Event()
    finished: list[str] = []

    async def body() -> None:
        await asyncio.sleep(60)
        finished.append("ran to the end")

    async def main() -> None:
        with ThreadPoolExecutor(1) as pool:
            blocker = asyncio.get_running_loop().run_in_executor(pool, release.wait)
            task = asyncio.create_task(on_own_loop(body, pool))
            for _ in range(3):  # the task hands its work to the busy pool
                await asyncio.sleep(0)
            task.cancel()
            release.set()
            with pytest.raises(asyncio.CancelledError):
                await task
            await blocker

    asyncio.run(main())
    assert finished == []
