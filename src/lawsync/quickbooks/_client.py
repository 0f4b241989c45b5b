"""``AsyncQuickBooks``: the Accounting API v3 for every company of one Intuit app.

The send path is a short ladder: an entity method builds a path and body, ``request`` adds the
minor version and the ``requestid`` (made once, before any retry), and ``_attempt`` sends one
try through the company's pacer. Around it, the retry loop asks the pure policy in ``_retry``
whether and when to try again, refreshes the token once on a 401, and stops at the call's time
budget.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import aiohttp

from ._auth import OAuth
from ._batch import BatchOperation, BatchResult, build_batch, read_batch, rows_of
from ._config import QuickBooksConfig
from ._errors import (
    AuthenticationError,
    QuickBooksError,
    RequestTimeoutError,
    ThrottledError,
    find_fault,
    parse_fault,
)
from ._json import dumps, loads
from ._models import CompanyInfo, Entity, Preferences, entity_class
from ._pacing import Pacer
from ._query import MAX_PAGE_SIZE, page_statement
from ._retry import parse_retry_after, retry_delay, should_retry
from ._tokens import TokenStore
from ._transport import RawResponse, Transport

__all__ = ["AsyncQuickBooks", "RequestEvent"]

log = logging.getLogger("lawsync.quickbooks")
E = TypeVar("E", bound=Entity)
_LONG_QUERY = 1500


@dataclass(frozen=True, slots=True)
class RequestEvent:
    """One attempt of one call, reported to ``on_event`` (metrics, logs, tests)."""

    realm: str
    method: str
    path: str
    attempt: int
    status: int | None
    elapsed: float
    error: QuickBooksError | None = None
    intuit_tid: str | None = None


class AsyncQuickBooks:
    """Async client for all companies of one app; every data method takes the realm first.

    One instance (one connection pool, one pacer per company) should serve a whole worker.
    """

    def __init__(
        self,
        config: QuickBooksConfig,
        store: TokenStore,
        *,
        session: aiohttp.ClientSession | None = None,
        on_event: Callable[[RequestEvent], None] | None = None,
    ) -> None:
        self.config = config
        self._transport = Transport(config.timeouts, config.user_agent, session)
        self.oauth = OAuth(config, store, self._transport)
        self._pacer = Pacer(config.pacing)
        self._company = f"{config.endpoints.api}/company/"
        self._minor = str(config.minor_version)
        self._on_event = on_event

    async def __aenter__(self) -> AsyncQuickBooks:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self._transport.close()

    # ---- entities -------------------------------------------------------------------------

    async def create(
        self, realm: str, entity: E, *, requestid: str | None = None, include: Sequence[str] = ()
    ) -> E:
        """Create ``entity``; ``requestid`` makes a retry replay instead of creating twice."""
        params = {"include": ",".join(include)} if include else None
        doc = await self.request(
            realm,
            "POST",
            entity.path(),
            body=entity.model_dump(exclude_unset=True),
            params=params,
            requestid=requestid or _new_requestid(),
        )
        return _entity(type(entity), doc)

    async def read(self, realm: str, cls: type[E], ident: str) -> E:
        doc = await self.request(realm, "GET", f"{cls.path()}/{_segment(ident)}")
        return _entity(cls, doc)

    async def update(
        self,
        realm: str,
        entity: E,
        *,
        sparse: bool = False,
        requestid: str | None = None,
        include: Sequence[str] = (),
    ) -> E:
        """Full update (the whole object; omitted fields are cleared) or sparse update.

        Both need the current ``SyncToken``; a stale one raises ``StaleObjectError``.
        """
        _need_id(entity)
        body = entity.model_dump(exclude_unset=True)
        if sparse:
            body["sparse"] = True
        params = {"include": ",".join(include)} if include else None
        doc = await self.request(
            realm,
            "POST",
            entity.path(),
            body=body,
            params=params,
            requestid=requestid or _new_requestid(),
        )
        return _entity(type(entity), doc)

    async def delete(self, realm: str, entity: E, *, requestid: str | None = None) -> E:
        """Delete a transaction; a name-list object (customer, item …) is made inactive instead."""
        _need_id(entity)
        if type(entity).name_list:
            inactive = type(entity).model_validate(
                {"Id": entity.Id, "SyncToken": entity.SyncToken, "Active": False}
            )
            return await self.update(realm, inactive, sparse=True, requestid=requestid)
        doc = await self.request(
            realm,
            "POST",
            entity.path(),
            params={"operation": "delete"},
            body={"Id": entity.Id, "SyncToken": entity.SyncToken},
            requestid=requestid or _new_requestid(),
        )
        return _entity(type(entity), doc)

    async def void(self, realm: str, entity: E, *, requestid: str | None = None) -> E:
        """Void a transaction: kept, amounts zeroed. Invoices and payments only."""
        _need_id(entity)
        mode = type(entity).void_mode
        body: dict[str, Any] = {"Id": entity.Id, "SyncToken": entity.SyncToken}
        if mode == "void":
            params = {"operation": "void"}
        elif mode == "update-include-void":
            params = {"operation": "update", "include": "void"}
            body["sparse"] = True
        else:
            raise ValueError(f"QBO cannot void a {type(entity).entity_name}")
        doc = await self.request(
            realm,
            "POST",
            entity.path(),
            params=params,
            body=body,
            requestid=requestid or _new_requestid(),
        )
        return _entity(type(entity), doc)

    async def company_info(self, realm: str) -> CompanyInfo:
        doc = await self.request(realm, "GET", f"companyinfo/{_segment(realm)}")
        return _entity(CompanyInfo, doc)

    async def preferences(self, realm: str) -> Preferences:
        return _entity(Preferences, await self.request(realm, "GET", "preferences"))

    async def update_preferences(
        self, realm: str, preferences: Preferences, *, requestid: str | None = None
    ) -> Preferences:
        doc = await self.request(
            realm,
            "POST",
            "preferences",
            body=preferences.model_dump(exclude_unset=True),
            requestid=requestid or _new_requestid(),
        )
        return _entity(Preferences, doc)

    # ---- query, batch, CDC ----------------------------------------------------------------

    async def query_page(self, realm: str, statement: str) -> dict[str, Any]:
        """Run one statement as written and return its ``QueryResponse``."""
        if len(statement) > _LONG_QUERY:
            doc = await self.request(
                realm,
                "POST",
                "query",
                raw=statement,
                content_type="application/text",
                replay_safe=True,
            )
        else:
            doc = await self.request(realm, "GET", "query", params={"query": statement})
        response = doc.get("QueryResponse")
        return dict(response) if isinstance(response, Mapping) else {}

    async def iter_query(
        self, realm: str, cls: type[E], where: str = "", *, page_size: int = MAX_PAGE_SIZE
    ) -> AsyncIterator[E]:
        """Every matching object, page by page (``STARTPOSITION``/``MAXRESULTS``, by Id).

        Build ``where`` with ``sql()`` so that literals are quoted safely.
        """
        base = f"SELECT * FROM {cls.entity_name}" + (f" WHERE {where}" if where else "")
        start = 1
        while True:
            page = await self.query_page(realm, page_statement(base, start, page_size))
            rows = page.get(cls.entity_name) or []
            for row in rows:
                yield cls.model_validate(row)
            if len(rows) < page_size:
                return
            start += len(rows)

    async def query(
        self, realm: str, cls: type[E], where: str = "", *, page_size: int = MAX_PAGE_SIZE
    ) -> list[E]:
        return [row async for row in self.iter_query(realm, cls, where, page_size=page_size)]

    async def count(self, realm: str, cls: type[Entity], where: str = "") -> int:
        statement = f"SELECT COUNT(*) FROM {cls.entity_name}" + (f" WHERE {where}" if where else "")
        return int((await self.query_page(realm, statement)).get("totalCount", 0))

    async def batch(
        self, realm: str, operations: Sequence[BatchOperation], *, requestid: str | None = None
    ) -> list[BatchResult]:
        """Up to 30 operations in one call; each gets its own result or error."""
        body = build_batch(operations)
        rid = requestid or _new_requestid()
        doc = await self.request(realm, "POST", "batch", body=body, requestid=rid, batch=True)
        return read_batch(doc, operations, intuit_tid=None)

    async def cdc(
        self, realm: str, entities: Sequence[type[Entity]], changed_since: datetime
    ) -> dict[str, list[Entity]]:
        """Objects of the given types changed since a moment (at most 30 days back).

        Deleted objects come back with ``status == "Deleted"`` among their extra fields.
        """
        if changed_since.tzinfo is None:
            raise ValueError("changed_since needs a time zone")
        params = {
            "entities": ",".join(c.entity_name for c in entities),
            "changedSince": changed_since.isoformat(),
        }
        doc = await self.request(realm, "GET", "cdc", params=params)
        out: dict[str, list[Entity]] = {c.entity_name: [] for c in entities}
        for block in doc.get("CDCResponse") or []:
            for response in block.get("QueryResponse") or []:
                for row in rows_of(response):
                    out.setdefault(type(row).entity_name, []).append(row)
        return out

    # ---- the send path --------------------------------------------------------------------

    async def request(
        self,
        realm: str,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        raw: str | None = None,
        content_type: str | None = None,
        requestid: str | None = None,
        replay_safe: bool | None = None,
        batch: bool = False,
    ) -> dict[str, Any]:
        """Any call under ``/v3/company/{realm}/``, with pacing, retries and fault parsing.

        Reads, and writes that carry a ``requestid``, are retried after transient failures;
        other writes only when QBO cannot have acted (429, connection never made).
        """
        if not realm.isalnum():
            raise ValueError("a realm id is alphanumeric")
        query = {"minorversion": self._minor}
        if params:
            query.update(params)
        if requestid is not None:
            if not 0 < len(requestid) <= (36 if batch else 50):
                raise ValueError("a requestid has 1 to 50 characters (36 for batch)")
            query["requestid"] = requestid
        data = raw
        if body is not None:
            data = dumps(body)
            content_type = content_type or "application/json"
        if replay_safe is None:
            replay_safe = method == "GET" or requestid is not None
        url = self._company + realm + "/" + path
        return await self._send(
            realm, method, url, path, query, data, content_type, replay_safe, batch
        )

    async def _send(
        self,
        realm: str,
        method: str,
        url: str,
        path: str,
        query: dict[str, str],
        data: str | None,
        content_type: str | None,
        replay_safe: bool,
        batch: bool,
    ) -> dict[str, Any]:
        policy = self.config.retry
        deadline = time.monotonic() + policy.budget_seconds
        label = f"{method} /{path}"
        attempt = 0
        refreshed = False
        while True:
            attempt += 1
            started = time.monotonic()
            token = await self.oauth.access_token(realm)
            try:
                response = await self._attempt(
                    realm, method, url, query, data, content_type, token, batch, deadline
                )
                document = _decode(response, label)
            except AuthenticationError as error:
                self._emit(realm, method, path, attempt, started, error)
                if refreshed:
                    raise
                refreshed = True
                await self.oauth.refresh(realm, stale_access_token=token)
                continue
            except QuickBooksError as error:
                if not error.request:
                    error.request = label
                self._emit(realm, method, path, attempt, started, error)
                if not should_retry(
                    error, attempt, replay_safe=replay_safe, max_attempts=policy.max_attempts
                ):
                    raise
                delay = retry_delay(error, attempt, policy)
                if isinstance(error, ThrottledError):
                    self._pacer.pause(realm, delay)
                if time.monotonic() + delay >= deadline:
                    log.warning(
                        "%s for company %s: time budget spent after %d attempts",
                        label,
                        realm,
                        attempt,
                    )
                    raise
                log.info(
                    "%s for company %s failed (%s); retry %d in %.2fs",
                    label,
                    realm,
                    error.code or error.http_status or type(error).__name__,
                    attempt,
                    delay,
                )
                await asyncio.sleep(delay)
                continue
            if self._on_event is not None:
                self._on_event(
                    RequestEvent(
                        realm,
                        method,
                        path,
                        attempt,
                        response.status,
                        time.monotonic() - started,
                        None,
                        _tid(response),
                    )
                )
            return document

    async def _attempt(
        self,
        realm: str,
        method: str,
        url: str,
        query: dict[str, str],
        data: str | None,
        content_type: str | None,
        token: str,
        batch: bool,
        deadline: float,
    ) -> RawResponse:
        headers = {"Authorization": "Bearer " + token, "Accept": "application/json"}
        if content_type:
            headers["Content-Type"] = content_type
        async with self._pacer.slot(realm, batch=batch):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RequestTimeoutError("the call's time budget was spent waiting for a slot")
            return await self._transport.request(
                method, url, params=query, headers=headers, data=data, timeout=remaining
            )

    def _emit(
        self,
        realm: str,
        method: str,
        path: str,
        attempt: int,
        started: float,
        error: QuickBooksError,
    ) -> None:
        if self._on_event is not None:
            self._on_event(
                RequestEvent(
                    realm,
                    method,
                    path,
                    attempt,
                    error.http_status,
                    time.monotonic() - started,
                    error,
                    error.intuit_tid,
                )
            )


def _new_requestid() -> str:
    return uuid.uuid4().hex


def _segment(ident: str) -> str:
    if not ident or not ident.replace("-", "").isalnum():
        raise ValueError(f"{ident!r} is not a QBO id")
    return ident


def _need_id(entity: Entity) -> None:
    if not entity.Id or entity.SyncToken is None:
        raise ValueError(f"this {type(entity).entity_name} needs Id and SyncToken (read it first)")


def _tid(response: RawResponse) -> str | None:
    headers = response.headers
    return headers.get("intuit_tid") or headers.get("Intuit-Tid")


def _decode(response: RawResponse, label: str) -> dict[str, Any]:
    """The JSON document of a successful answer, or the error hidden in any other answer."""
    if response.status == 200 and response.body[:1] == b"{":
        try:
            document = loads(response.body)
        except ValueError:
            document = None
        if isinstance(document, dict):
            if find_fault(document) is not None:
                raise parse_fault(
                    200, response.headers, response.body, request=label, document=document
                )
            return document
    raise parse_fault(
        response.status,
        response.headers,
        response.body,
        request=label,
        retry_after=parse_retry_after(response.headers.get("Retry-After")),
    )


def _entity(cls: type[E], document: Mapping[str, Any]) -> E:
    payload = document.get(cls.entity_name)
    if not isinstance(payload, Mapping):
        for key, value in document.items():
            if entity_class(key) is not None and isinstance(value, Mapping):
                payload = value
                break
        else:
            raise QuickBooksError(f"the answer has no {cls.entity_name}")
    return cls.model_validate(payload)
