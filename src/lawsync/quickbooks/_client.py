"""``AsyncQuickBooks``: the Accounting API v3 for every company of one Intuit app.

Each method here only builds a path and a body and reads the answer into models; every call
then goes down the same ladder in ``_sender`` (pacing, retries, token refresh, faults). Writes
get their ``requestid`` here, once, before that ladder can retry them.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar, Unpack

import aiohttp

from ._auth import OAuth
from ._batch import BatchOperation, BatchResult, build_batch, read_batch, rows_of
from ._config import QuickBooksConfig
from ._errors import PermanentError
from ._models import CompanyInfo, Entity, Preferences, entity_class
from ._pacing import Pacer
from ._query import MAX_PAGE_SIZE, page_statement
from ._sender import RequestEvent, RequestOptions, Sender
from ._tokens import TokenStore
from ._transport import Transport

__all__ = ["AsyncQuickBooks", "RequestEvent"]

E = TypeVar("E", bound=Entity)
_LONG_QUERY = 1500


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
        pacer: Pacer | None = None,
    ) -> None:
        self.config = config
        self._transport = Transport(config.timeouts, config.user_agent, session)
        self.oauth = OAuth(config, store, self._transport)
        self._sender = Sender(config, self.oauth, self._transport, on_event, pacer)

    @property
    def pacer(self) -> Pacer:
        """The per-company limits this client keeps to. Clients of one app that should count
        together (one worker, pass after pass) are given the same ``pacer`` when built."""
        return self._sender.pacer

    @contextmanager
    def listening(self, listener: Callable[[RequestEvent], None]) -> Iterator[None]:
        """Report every attempt of every call to ``listener`` while the block runs (beside the
        ``on_event`` given when the client was built)."""
        self._sender.listeners.append(listener)
        try:
            yield
        finally:
            self._sender.listeners.remove(listener)

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
        body = entity.model_dump(exclude_unset=True)
        return await self._write(realm, type(entity), body, _include(include), requestid)

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
        return await self._write(realm, type(entity), body, _include(include), requestid)

    async def delete(self, realm: str, entity: E, *, requestid: str | None = None) -> E:
        """Delete a transaction; a name-list object (customer, item …) is made inactive instead."""
        _need_id(entity)
        if type(entity).name_list:
            inactive = type(entity).model_validate(
                {"Id": entity.Id, "SyncToken": entity.SyncToken, "Active": False}
            )
            return await self.update(realm, inactive, sparse=True, requestid=requestid)
        body = {"Id": entity.Id, "SyncToken": entity.SyncToken}
        return await self._write(realm, type(entity), body, {"operation": "delete"}, requestid)

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
        return await self._write(realm, type(entity), body, params, requestid)

    async def company_info(self, realm: str) -> CompanyInfo:
        doc = await self.request(realm, "GET", f"companyinfo/{_segment(realm)}")
        return _entity(CompanyInfo, doc)

    async def preferences(self, realm: str) -> Preferences:
        return _entity(Preferences, await self.request(realm, "GET", "preferences"))

    async def update_preferences(
        self, realm: str, preferences: Preferences, *, requestid: str | None = None
    ) -> Preferences:
        body = preferences.model_dump(exclude_unset=True)
        return await self._write(realm, Preferences, body, None, requestid)

    async def _write(
        self,
        realm: str,
        cls: type[E],
        body: Mapping[str, Any],
        params: Mapping[str, str] | None,
        requestid: str | None,
    ) -> E:
        """POST ``body`` to the entity's path and read the answer back into ``cls``; the write
        gets its ``requestid`` here (one of its own if none was given), before any retry."""
        reply = await self._sender.request(
            realm,
            "POST",
            cls.path(),
            body=body,
            params=params,
            requestid=requestid or _new_requestid(),
        )
        found = _entity(cls, reply.document)
        found.answered(reply.intuit_tid)
        return found

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
        reply = await self._sender.request(
            realm, "POST", "batch", body=body, requestid=rid, batch=True
        )
        return read_batch(reply.document, operations, intuit_tid=reply.intuit_tid)

    async def cdc(
        self, realm: str, entities: Sequence[type[Entity]], changed_since: datetime
    ) -> dict[str, list[Entity]]:
        """Objects of the given types changed since a moment (at most 30 days back).

        Deleted objects come back with ``status == "Deleted"`` among their extra fields.
        """
        found, _ = await self.cdc_at(realm, entities, changed_since)
        return found

    async def cdc_at(
        self, realm: str, entities: Sequence[type[Entity]], changed_since: datetime
    ) -> tuple[dict[str, list[Entity]], datetime | None]:
        """`cdc`, with the company's own time of the answer (None if it gave none): where the
        next call may start, in the company's clock rather than ours."""
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
        return out, _instant(doc.get("time"))

    # ---- the send path --------------------------------------------------------------------
    async def request(
        self, realm: str, method: str, path: str, **options: Unpack[RequestOptions]
    ) -> dict[str, Any]:
        """Any call under ``/v3/company/{realm}/``, with pacing, retries and fault parsing.

        Reads, and writes that carry a ``requestid``, are retried after transient failures;
        other writes only when QBO cannot have acted (429, connection never made). The options
        are those of ``RequestOptions``.
        """
        reply = await self._sender.request(realm, method, path, **options)
        return reply.document


def _instant(value: object) -> datetime | None:
    """An answer's ``time`` (ISO 8601 with an offset), or None when absent or unreadable."""
    if not isinstance(value, str):
        return None
    try:
        found = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return found if found.tzinfo is not None else None


def _new_requestid() -> str:
    return uuid.uuid4().hex


def _include(include: Sequence[str]) -> dict[str, str] | None:
    return {"include": ",".join(include)} if include else None


def _segment(ident: str) -> str:
    if not ident or not ident.replace("-", "").isalnum():
        raise ValueError(f"{ident!r} is not a QBO id")
    return ident


def _need_id(entity: Entity) -> None:
    if not entity.Id or entity.SyncToken is None:
        raise ValueError(f"this {type(entity).entity_name} needs Id and SyncToken (read it first)")


def _entity(cls: type[E], document: Mapping[str, Any]) -> E:
    payload = document.get(cls.entity_name)
    if not isinstance(payload, Mapping):
        for key, value in document.items():
            if entity_class(key) is not None and isinstance(value, Mapping):
                payload = value
                break
        else:
            raise PermanentError(f"the answer has no {cls.entity_name}")
    return cls.model_validate(payload)
