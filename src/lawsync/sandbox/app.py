"""The sandbox ASGI application: ``create_app()`` serves everything at its root."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lawsync.web.docs import install_docs

from .auth import TokenError
from .backend import ControlError, Sandbox
from .faults import GatewayFault, QboFault, ServiceUnavailable, SystemFault
from .guard import ControlGuard
from .persist import Persistence
from .routes import api, control, entities, oauth
from .throttle import Throttle
from .webhooks import Dispatcher
from .wire import response_time

OUTAGE_PAGE = (
    "<html><head><title>503 Service Temporarily Unavailable</title></head><body>"
    "<center><h1>503 Service Temporarily Unavailable</h1></center></body></html>"
)


class MarkWrites:
    """Tell the persistence thread about every request that may have changed state."""

    def __init__(self, app: ASGIApp, persistence: Persistence) -> None:
        self.app = app
        self.persistence = persistence

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)
        if scope["type"] == "http" and scope.get("method") != "GET":
            self.persistence.mark("", [])


# Paths whose answers carry no intuit_tid: the sandbox's own control API and the pages a
# person sees (the index and the consent page, which QBO serves from its app center).
UNTAGGED = ("/_sandbox", "/connect/")


def _is_tagged(scope: Scope) -> bool:
    """Counted from where the sandbox is mounted (``lawsync serve`` mounts it under ``/qbo``,
    and a mounted app sees the whole path with the mount in ``root_path``). Tagged: every
    answer QBO's API hosts give: the Accounting API, OAuth (discovery, tokens,
    revocation, user info), and unknown paths (a 404 is tagged too)."""
    path, root = str(scope.get("path", "")), str(scope.get("root_path", ""))
    if root and path.startswith(root):
        path = path[len(root) :]
    if scope["type"] != "http" or path in ("", "/"):
        return False
    return not path.startswith(UNTAGGED)


def _new_tid() -> str:
    """QBO tags every answer with a transaction id of its own, for support; clients log it."""
    return uuid.uuid4().hex


class TagTransactions:
    """Give every answer of the API and OAuth hosts an ``intuit_tid`` header, faults, 404s and
    outages included.

    A 500 from an unexpected exception is answered outside the middleware, so ``system_fault``
    tags that one itself.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _is_tagged(scope):
            await self.app(scope, receive, send)
            return

        async def tagged(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), (b"intuit_tid", _new_tid().encode())]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, tagged)


def create_app(db: str = ":memory:", control_secret: str | None = None) -> FastAPI:
    """Build a sandbox app; ``db`` is a SQLite file path, or ``:memory:`` for no persistence.

    With ``control_secret``, every control API request must present it (see ``guard``);
    without, the control API is open, which is only safe on loopback.
    """
    sandbox = Sandbox()
    persistence = Persistence(db, sandbox)
    dispatcher = Dispatcher(sandbox)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        dispatcher.stop()
        persistence.close()

    app = FastAPI(
        lifespan=lifespan,
        title="QBO sandbox control API",
        description="Sets up apps and companies in the local QuickBooks Online emulator and "
        "steers their state. The emulated Accounting API itself lives under /v3.",
        docs_url=None,
        openapi_url="/_sandbox/openapi.json",
        redoc_url=None,
    )
    # Right after the OpenAPI document's route, so that the Accounting API (the hot path) is
    # matched before every other route.
    app.router.routes.append(api.company_route())
    # The reference pages use the files shipped with lawsync (static assets only, no client code).
    install_docs(
        app, docs_url="/_sandbox/docs", redoc_url="/_sandbox/redoc", static_url="/_sandbox/static"
    )
    persistence.load()
    sandbox.listeners.append(dispatcher.enqueue)
    sandbox.listeners.append(persistence.mark)
    app.state.sandbox = sandbox
    app.state.throttle = Throttle()
    app.state.dispatcher = dispatcher
    app.state.persistence = persistence
    app.include_router(control.router)
    app.include_router(oauth.router)
    app.include_router(entities.router)

    app.add_middleware(TagTransactions)
    if persistence.enabled:
        app.add_middleware(MarkWrites, persistence=persistence)
    if control_secret:
        app.add_middleware(ControlGuard, secret=control_secret)

    @app.get("/", include_in_schema=False)
    def index(request: Request) -> dict[str, str]:
        root = str(request.scope.get("root_path", "")).rstrip("/")
        return {
            "name": "QuickBooks Online sandbox (lawsync)",
            "about": "A local emulator of QuickBooks Online's Accounting API and OAuth 2.0.",
            "accounting_api": f"{root}/v3/company/{{realm_id}}/...",
            "oauth_discovery": f"{root}/.well-known/openid_configuration",
            "consent_page": f"{root}/connect/oauth2",
            "control_api": f"{root}/_sandbox",
            "docs": f"{root}/_sandbox/docs",
        }

    @app.exception_handler(QboFault)
    async def qbo_fault(request: Request, fault: QboFault) -> Response:
        now = sandbox.clock.now()
        realm = request.path_params.get("realm", "")
        company = sandbox.companies.get(realm)
        tz = company.tz if company else None
        stamp = response_time(now, tz) if tz else time.strftime("%Y-%m-%dT%H:%M:%S.000-08:00")
        return JSONResponse({**fault.body(), "time": stamp}, status_code=fault.status)

    @app.exception_handler(GatewayFault)
    async def gateway_fault(request: Request, fault: GatewayFault) -> Response:
        now = sandbox.clock.now()
        company = sandbox.companies.get(request.path_params.get("realm", ""))
        if company is not None and company.gateway_fault_format == "xml":
            stamp = response_time(now, company.tz)
            return Response(
                fault.xml(stamp), status_code=fault.status, media_type="application/xml"
            )
        return JSONResponse(fault.body(int(now * 1000)), status_code=fault.status)

    @app.exception_handler(ServiceUnavailable)
    async def outage(request: Request, exc: ServiceUnavailable) -> Response:
        return HTMLResponse(OUTAGE_PAGE, status_code=503)

    @app.exception_handler(Exception)
    async def system_fault(request: Request, exc: Exception) -> Response:
        fault = SystemFault(f"System Failure Error: {type(exc).__name__}: {exc}", "")
        return JSONResponse(
            {**fault.body(), "time": time.strftime("%Y-%m-%dT%H:%M:%S.000Z")},
            status_code=500,
            headers={"intuit_tid": _new_tid()} if _is_tagged(request.scope) else None,
        )

    @app.exception_handler(ControlError)
    async def control_error(request: Request, exc: ControlError) -> Response:
        return JSONResponse({"error": exc.message}, status_code=exc.status)

    @app.exception_handler(TokenError)
    async def token_error(request: Request, exc: TokenError) -> Response:
        return JSONResponse(exc.body(), status_code=exc.status)

    return app
