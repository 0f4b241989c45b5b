"""The send path: one call under ``/v3/company/{realm}/`` with pacing, retries and faults.

``Sender.request`` adds the minor version and the ``requestid`` (made once by the caller, before
any retry) and describes the call once, as a ``Call``; ``_attempt`` sends one try of it through
the company's pacer. Around it the retry loop asks the pure policy in ``_retry`` whether and
when to try again, refreshes the token once on a 401, and stops at the call's time budget. A
success comes back as a ``Reply``: the document and the answer's ``intuit_tid``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypedDict, Unpack

from ._auth import OAuth
from ._config import QuickBooksConfig
from ._errors import (
    AuthenticationError,
    QuickBooksError,
    RequestTimeoutError,
    ThrottledError,
    find_fault,
    parse_fault,
    tid_of,
)
from ._json import dumps, loads
from ._pacing import Pacer
from ._retry import parse_retry_after, retry_delay, should_retry
from ._transport import RawResponse, Transport

__all__ = ["Call", "Reply", "RequestEvent", "RequestOptions", "Sender"]

log = logging.getLogger("lawsync.quickbooks")


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


class RequestOptions(TypedDict, total=False):
    """What a call may say besides its company, method and path; every key is optional."""

    params: Mapping[str, str] | None
    """Query parameters, sent after ``minorversion`` (and before ``requestid``)."""
    body: Any
    """A JSON body (sent as ``application/json`` unless ``content_type`` says otherwise)."""
    raw: str | None
    """A body sent as written (``content_type`` names it), when there is no ``body``."""
    content_type: str | None
    requestid: str | None
    """QBO's idempotency key: a retried write with it is replayed, not done twice."""
    replay_safe: bool | None
    """Whether a retry may repeat the call; by default reads and writes with a requestid."""
    batch: bool
    """A ``/batch`` call: its own pacing bucket and a 36-character requestid at most."""


@dataclass(frozen=True, slots=True)
class Call:
    """One call as every attempt sends it: the company, the request, and whether a retry may
    repeat it (``replay_safe``) and which pacing bucket it counts in (``batch``)."""

    realm: str
    method: str
    path: str
    url: str
    query: Mapping[str, str]
    data: str | None
    content_type: str | None
    replay_safe: bool
    batch: bool

    @property
    def label(self) -> str:
        return f"{self.method} /{self.path}"


@dataclass(frozen=True, slots=True)
class Reply:
    """A successful answer: its JSON document and the ``intuit_tid`` QBO tagged it with."""

    document: dict[str, Any]
    intuit_tid: str | None


class Sender:
    """Sends calls for every company of one app: one transport, one pacer per company."""

    def __init__(
        self,
        config: QuickBooksConfig,
        oauth: OAuth,
        transport: Transport,
        on_event: Callable[[RequestEvent], None] | None,
        pacer: Pacer | None = None,
    ) -> None:
        self.config = config
        self.oauth = oauth
        self._transport = transport
        self.pacer = pacer or Pacer(config.pacing)
        self._company = f"{config.endpoints.api}/company/"
        self._minor = str(config.minor_version)
        self.listeners: list[Callable[[RequestEvent], None]] = [on_event] if on_event else []

    async def request(
        self, realm: str, method: str, path: str, **options: Unpack[RequestOptions]
    ) -> Reply:
        """Any call under ``/v3/company/{realm}/``, with pacing, retries and fault parsing.

        Reads, and writes that carry a ``requestid``, are retried after transient failures;
        other writes only when QBO cannot have acted (429, connection never made).
        """
        unknown = options.keys() - RequestOptions.__optional_keys__
        if unknown:
            raise TypeError(f"request() got unexpected keyword arguments {sorted(unknown)}")
        if not realm.isalnum():
            raise ValueError("a realm id is alphanumeric")
        query = {"minorversion": self._minor, **(options.get("params") or {})}
        requestid = options.get("requestid")
        batch = options.get("batch", False)
        if requestid is not None:
            if not 0 < len(requestid) <= (36 if batch else 50):
                raise ValueError("a requestid has 1 to 50 characters (36 for batch)")
            query["requestid"] = requestid
        data = options.get("raw")
        content_type = options.get("content_type")
        body = options.get("body")
        if body is not None:
            data = dumps(body)
            content_type = content_type or "application/json"
        replay_safe = options.get("replay_safe")
        if replay_safe is None:
            replay_safe = method == "GET" or requestid is not None
        call = Call(
            realm=realm,
            method=method,
            path=path,
            url=self._company + realm + "/" + path,
            query=query,
            data=data,
            content_type=content_type,
            replay_safe=replay_safe,
            batch=batch,
        )
        return await self._send(call)

    async def _send(self, call: Call) -> Reply:
        policy = self.config.retry
        deadline = time.monotonic() + policy.budget_seconds
        attempt = 0
        refreshed = False
        while True:
            attempt += 1
            started = time.monotonic()
            token = await self.oauth.access_token(call.realm)
            try:
                response = await self._attempt(call, token=token, deadline=deadline)
                document = _decode(response, call.label)
            except AuthenticationError as error:
                self._emit(call, attempt, started, error)
                if refreshed:
                    raise
                refreshed = True
                await self.oauth.refresh(call.realm, stale_access_token=token)
                continue
            except QuickBooksError as error:
                if not error.request:
                    error.request = call.label
                self._emit(call, attempt, started, error)
                if not should_retry(
                    error, attempt, replay_safe=call.replay_safe, max_attempts=policy.max_attempts
                ):
                    raise
                delay = retry_delay(error, attempt, policy)
                if isinstance(error, ThrottledError):
                    self.pacer.pause(call.realm, delay)
                if time.monotonic() + delay >= deadline:
                    log.warning(
                        "%s for company %s: time budget spent after %d attempts",
                        call.label,
                        call.realm,
                        attempt,
                    )
                    raise
                log.info(
                    "%s for company %s failed (%s); retry %d in %.2fs",
                    call.label,
                    call.realm,
                    error.code or error.http_status or type(error).__name__,
                    attempt,
                    delay,
                )
                await asyncio.sleep(delay)
                continue
            reply = Reply(document=document, intuit_tid=tid_of(response.headers))
            self._emit(call, attempt, started, status=response.status, intuit_tid=reply.intuit_tid)
            return reply

    async def _attempt(self, call: Call, *, token: str, deadline: float) -> RawResponse:
        headers = {"Authorization": "Bearer " + token, "Accept": "application/json"}
        if call.content_type:
            headers["Content-Type"] = call.content_type
        async with self.pacer.slot(call.realm, batch=call.batch):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RequestTimeoutError("the call's time budget was spent waiting for a slot")
            return await self._transport.request(
                call.method,
                call.url,
                params=call.query,
                headers=headers,
                data=call.data,
                timeout=remaining,
            )

    def _emit(
        self,
        call: Call,
        attempt: int,
        started: float,
        error: QuickBooksError | None = None,
        *,
        status: int | None = None,
        intuit_tid: str | None = None,
    ) -> None:
        """Tell the listeners (a pass's request count, logs) how one attempt ended: with a
        fault (its status and id come from it) or with an answer."""
        if not self.listeners:
            return
        if error is not None:
            status, intuit_tid = error.http_status, error.intuit_tid
        event = RequestEvent(
            realm=call.realm,
            method=call.method,
            path=call.path,
            attempt=attempt,
            status=status,
            elapsed=time.monotonic() - started,
            error=error,
            intuit_tid=intuit_tid,
        )
        for listener in list(self.listeners):
            listener(event)


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
