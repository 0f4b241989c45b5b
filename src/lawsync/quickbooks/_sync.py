"""``QuickBooks``: the same client for synchronous callers (CLI, scripts, shell).

It runs one ``AsyncQuickBooks`` on a private event loop in a daemon thread, so it works even
when the caller's thread already has an event loop, and keeps its connection pool between
calls (``asyncio.run`` per call would rebuild it every time).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar, Unpack

from ._auth import AuthorizationRequest
from ._batch import BatchOperation, BatchResult
from ._client import AsyncQuickBooks, RequestEvent
from ._config import QuickBooksConfig
from ._models import CompanyInfo, Entity, Preferences
from ._query import MAX_PAGE_SIZE
from ._sender import RequestOptions
from ._tokens import TokenSet, TokenStore

__all__ = ["QuickBooks"]

E = TypeVar("E", bound=Entity)
T = TypeVar("T")


class QuickBooks:
    """Blocking facade over ``AsyncQuickBooks``; same methods, same arguments."""

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

    def create(
        self, realm: str, entity: E, *, requestid: str | None = None, include: Sequence[str] = ()
    ) -> E:
        return self._run(self._client.create(realm, entity, requestid=requestid, include=include))

    def read(self, realm: str, cls: type[E], ident: str) -> E:
        return self._run(self._client.read(realm, cls, ident))

    def update(
        self,
        realm: str,
        entity: E,
        *,
        sparse: bool = False,
        requestid: str | None = None,
        include: Sequence[str] = (),
    ) -> E:
        return self._run(
            self._client.update(realm, entity, sparse=sparse, requestid=requestid, include=include)
        )

    def delete(self, realm: str, entity: E, *, requestid: str | None = None) -> E:
        return self._run(self._client.delete(realm, entity, requestid=requestid))

    def void(self, realm: str, entity: E, *, requestid: str | None = None) -> E:
        return self._run(self._client.void(realm, entity, requestid=requestid))

    def company_info(self, realm: str) -> CompanyInfo:
        return self._run(self._client.company_info(realm))

    def preferences(self, realm: str) -> Preferences:
        return self._run(self._client.preferences(realm))

    def update_preferences(
        self, realm: str, preferences: Preferences, *, requestid: str | None = None
    ) -> Preferences:
        return self._run(self._client.update_preferences(realm, preferences, requestid=requestid))

    def request(
        self, realm: str, method: str, path: str, **options: Unpack[RequestOptions]
    ) -> dict[str, Any]:
        """Any call under ``/v3/company/{realm}/``; options as for ``AsyncQuickBooks.request``."""
        return self._run(self._client.request(realm, method, path, **options))

    def query_page(self, realm: str, statement: str) -> dict[str, Any]:
        return self._run(self._client.query_page(realm, statement))

    def query(
        self, realm: str, cls: type[E], where: str = "", *, page_size: int = MAX_PAGE_SIZE
    ) -> list[E]:
        return self._run(self._client.query(realm, cls, where, page_size=page_size))

    def count(self, realm: str, cls: type[Entity], where: str = "") -> int:
        return self._run(self._client.count(realm, cls, where))

    def batch(
        self, realm: str, operations: Sequence[BatchOperation], *, requestid: str | None = None
    ) -> list[BatchResult]:
        return self._run(self._client.batch(realm, operations, requestid=requestid))

    def cdc(
        self, realm: str, entities: Sequence[type[Entity]], changed_since: datetime
    ) -> dict[str, list[Entity]]:
        return self._run(self._client.cdc(realm, entities, changed_since))
