"""``QuickBooks``: the same client for synchronous callers (CLI, scripts, shell).

It runs one ``AsyncQuickBooks`` on a private event loop in a daemon thread, so it works even
when the caller's thread already has an event loop, and keeps its connection pool between
calls (``asyncio.run`` per call would rebuild it every time).
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, Concatenate, ParamSpec, TypeVar

from ._auth import AuthorizationRequest
from ._client import AsyncQuickBooks, RequestEvent
from ._config import QuickBooksConfig
from ._tokens import TokenSet, TokenStore

__all__ = ["QuickBooks"]

P = ParamSpec("P")
T = TypeVar("T")


def _blocking(
    method: Callable[Concatenate[AsyncQuickBooks, P], Coroutine[Any, Any, T]],
) -> Callable[Concatenate[QuickBooks, P], T]:
    """``method`` of ``AsyncQuickBooks`` as a blocking method of ``QuickBooks``: the same
    parameters (generic ones stay generic for the type checker), name and docstring."""

    def blocking(self: QuickBooks, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return self._run(method(self._client, *args, **kwargs))

    functools.update_wrapper(blocking, method)
    blocking.__qualname__ = f"QuickBooks.{method.__name__}"
    return blocking


class QuickBooks:
    """Blocking facade over ``AsyncQuickBooks``; same methods, same arguments (all but
    ``iter_query``; use ``query``)."""

    def __init__(
        self,
        config: QuickBooksConfig,
        store: TokenStore,
        *,
        on_event: Callable[[RequestEvent], None] | None = None,
    ) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="lawsync-qbo", daemon=True
        )
        self._thread.start()
        self._client = self._run(self._make(config, store, on_event))

    @staticmethod
    async def _make(
        config: QuickBooksConfig, store: TokenStore, on_event: Callable[[RequestEvent], None] | None
    ) -> AsyncQuickBooks:
        return AsyncQuickBooks(config, store, on_event=on_event)

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    @property
    def client(self) -> AsyncQuickBooks:
        """The async client underneath (for OAuth helpers and the store)."""
        return self._client

    def __enter__(self) -> QuickBooks:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._loop.is_running():
            self._run(self._client.close())
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
            self._loop.close()

    def authorization_url(self, *, state: str | None = None) -> AuthorizationRequest:
        return self._client.oauth.authorization_url(state=state)

    def connect(self, callback: str | Mapping[str, str], expected_state: str) -> TokenSet:
        return self._run(self._client.oauth.connect(callback, expected_state))

    def refresh(self, realm: str) -> TokenSet:
        return self._run(self._client.oauth.refresh(realm))

    def revoke(self, realm: str) -> None:
        self._run(self._client.oauth.revoke(realm))

    create = _blocking(AsyncQuickBooks.create)
    read = _blocking(AsyncQuickBooks.read)
    update = _blocking(AsyncQuickBooks.update)
    delete = _blocking(AsyncQuickBooks.delete)
    void = _blocking(AsyncQuickBooks.void)
    company_info = _blocking(AsyncQuickBooks.company_info)
    preferences = _blocking(AsyncQuickBooks.preferences)
    update_preferences = _blocking(AsyncQuickBooks.update_preferences)
    request = _blocking(AsyncQuickBooks.request)
    query_page = _blocking(AsyncQuickBooks.query_page)
    query = _blocking(AsyncQuickBooks.query)
    count = _blocking(AsyncQuickBooks.count)
    batch = _blocking(AsyncQuickBooks.batch)
    cdc = _blocking(AsyncQuickBooks.cdc)
