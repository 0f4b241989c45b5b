"""HTTP surface of the Accounting API: ``/v3/company/{realmId}/...``.

This module only parses requests and wraps results in QBO's envelope; rules live
in the models and in ``service``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import HTTPException, Request, Response
from starlette.routing import Route

from .. import forms, reports, service
from ..backend import Sandbox
from ..company import Company
from ..faults import (
    AuthorizationFailure,
    InvalidRequestIdFormat,
    QboFault,
    ServiceUnavailable,
    UnsupportedOperation,
    internal_server_error,
    throttle_exceeded,
)
from ..models import MODELS
from ..models.base import Ctx
from ..throttle import Throttle
from ..wire import dumps, loads, response_time
from .entities import entity_routes

JSON = "application/json"
PDF = "application/pdf"


def fault_text(fault: QboFault, c: Company, now: float) -> str:
    if not fault.timed:
        return dumps(fault.body())
    return dumps({**fault.body(), "time": response_time(now, c.tz)})


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return None


def _body(raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UnsupportedOperation(
            "Unsupported Operation : MalformedByteSequenceException: the request body is not "
            "valid UTF-8.",
            "",
        ) from None
    try:
        return loads(text) if text.strip() else {}
    except ValueError:
        raise UnsupportedOperation(
            "Request has invalid or unsupported property: the body is not valid JSON.", ""
        ) from None


def dispatch(ctx: Ctx, method: str, segments: list[str], params: Any, raw: bytes) -> str | bytes:
    """The answer's JSON text, or the bytes of a PDF."""
    c = ctx.company
    head = segments[0] if segments else ""
    now = ctx.now
    stamp = response_time(now, c.tz)
    if head == "query":
        text = params.get("query") if method == "GET" else raw.decode("utf-8", "replace")
        return '{{"QueryResponse":{},"time":"{}"}}'.format(service.query(c, text or ""), stamp)
    if head == "batch" and method == "POST":
        body = service.batch(ctx, _body(raw), ctx.include, params.get("requestid"))
        return f'{{"BatchItemResponse":{body},"time":"{stamp}"}}'
    if head == "cdc" and method == "GET":
        body = service.cdc(c, now, params.get("entities"), params.get("changedSince"))
        return f'{{"CDCResponse":{body},"time":"{stamp}"}}'
    if head == "reports" and len(segments) == 2 and method == "GET":
        return dumps(reports.report(c, now, segments[1], dict(params)))
    if head == "companyinfo" and method == "GET" and len(segments) == 2:
        if segments[1] not in (c.realm_id, "1"):
            service.read(c, MODELS["CompanyInfo"], "0")
        return '{{"CompanyInfo":{},"time":"{}"}}'.format(
            service.read(c, MODELS["CompanyInfo"], "1"),
            stamp,
        )
    if head == "preferences" and len(segments) == 1:
        model = MODELS["Preferences"]
        if method == "GET":
            return '{{"Preferences":{},"time":"{}"}}'.format(service.read(c, model, "1"), stamp)
        text = service.write(ctx, model, _body(raw), "update", ctx.include)
        return f'{{"Preferences":{text},"time":"{stamp}"}}'
    if len(segments) == 3 and segments[2] in ("pdf", "send"):
        form = forms.document_model(head)
        if form is not None and segments[2] == "pdf" and method == "GET":
            return forms.pdf(c, form, segments[1])
        if form is not None and segments[2] == "send" and method == "POST":
            text = forms.send(ctx, form, segments[1], params.get("sendTo"))
            return f'{{"{form.name}":{text},"time":"{stamp}"}}'
    wider = entity_routes(ctx, method, segments, params, raw, stamp)
    if wider is not None:
        return wider
    model = service.model_for_path(head)
    if (
        method == "GET"
        and len(segments) == 2
        and model.name == "Invoice"
        and "invoicelink" in ctx.include
    ):
        text = service.invoice_link(c, segments[1], "https://sandbox.invalid")
        return f'{{"Invoice":{text},"time":"{stamp}"}}'
    if method == "GET" and len(segments) == 2:
        return f'{{"{model.wire_name}":{service.read(c, model, segments[1])},"time":"{stamp}"}}'
    if method == "POST" and len(segments) == 1:
        text = service.write(ctx, model, _body(raw), params.get("operation"), ctx.include)
        return f'{{"{model.wire_name}":{text},"time":"{stamp}"}}'
    raise UnsupportedOperation(
        f"Operation Could not find resource for relative : /{'/'.join(segments)} is not supported.",
        "",
    )


def _replay_key(requestid: str | None, is_batch: bool, raw: bytes) -> str | None:
    """A batch only replays when its requestid and every bId match the first call."""
    if requestid is None or not is_batch:
        return requestid
    try:
        items = loads(raw).get("BatchItemRequest") or []
        bids = ",".join(str(item.get("bId", "")) for item in items)
    except (ValueError, AttributeError, UnicodeDecodeError):
        bids = ""
    return f"{requestid}|batch|{bids}"


async def company_api(request: Request) -> Response:
    if request.method not in ("GET", "POST"):
        raise HTTPException(405, headers={"Allow": "GET, POST"})
    realm: str = request.path_params["realm"]
    rest: str = request.path_params["rest"]
    sb: Sandbox = request.app.state.sandbox
    throttle: Throttle = request.app.state.throttle
    company, grant = sb.authenticate(_bearer(request), realm)
    if company.outage == "http_503":
        raise ServiceUnavailable()
    if company.outage == "gateway_500":
        raise internal_server_error()
    segments = [s for s in rest.split("/") if s]
    is_batch = bool(segments) and segments[0] == "batch"
    throttle.enter(realm, grant.client_id, company.limits, sb.clock.now(), is_batch)
    try:
        if company.authorizing_user_disabled:
            raise AuthorizationFailure(
                ": -11014-You do not have access to use QuickBooks Online.", ""
            )
        if company.latency_ms:
            await asyncio.sleep(company.latency_ms / 1000)
        with sb.lock:
            injected = company.chaos.pick()
        if injected == "throttle":
            raise throttle_exceeded()
        if injected == "unavailable":
            raise ServiceUnavailable()
        if injected == "gateway_error":
            raise internal_server_error()
        params = request.query_params
        raw = await request.body()
        # An empty requestid is no requestid: QBO creates as if none was sent (recorded traffic).
        requestid = params.get("requestid") or None
        include = frozenset(
            part.strip().lower()
            for part in (params.get("include") or "").split(",")
            if part.strip()
        )
        with sb.lock:
            now = sb.clock.now()
            replay_key = _replay_key(requestid, is_batch, raw)
            if replay_key is not None:
                cached = company.requests.get(replay_key)
                if cached is not None:
                    return Response(cached[1], cached[0], media_type=JSON)
            ctx = Ctx(
                company=company,
                now=now,
                include=include,
                root_url=lambda: str(request.base_url),
            )
            try:
                if requestid is not None and len(requestid) > (36 if is_batch else 50):
                    raise InvalidRequestIdFormat(
                        f"Invalid Request Id Format : requestid can be at most "
                        f"{36 if is_batch else 50} characters.",
                        "requestid",
                    )
                status, text = 200, dispatch(ctx, request.method, segments, params, raw)
            except QboFault as fault:
                status, text = fault.status, fault_text(fault, company, now)
                ctx.events.clear()
            if replay_key and status == 200 and isinstance(text, str):
                company.requests[replay_key] = (status, text)
            sb.emit(realm, ctx.events)
        if injected == "error_after_commit":
            raise internal_server_error()
        if injected == "timeout_after_commit":
            await asyncio.sleep(company.chaos.delay_seconds)
        return Response(text, status, media_type=PDF if isinstance(text, bytes) else JSON)
    finally:
        throttle.leave(realm, grant.client_id)


def company_route() -> Route:
    """The route of every Accounting API call.

    A plain Starlette route: it has no parameters for FastAPI to solve or validate, and it is
    the first route the app tries, so the hot path skips FastAPI's per-request dependency
    machinery and the walk past the control API's routes. It takes every method and
    ``company_api`` answers 405 to all but GET and POST, as FastAPI did (Starlette would add HEAD
    to a GET route, and name the allowed methods in a random order).
    """
    route = Route("/v3/company/{realm}/{rest:path}", company_api)
    route.methods = None
    return route
