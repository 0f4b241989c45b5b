"""The web application: the pages a firm works in, the JSON API under /api/v1, and its OpenAPI
pages at /docs and /redoc."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from lawsync import __version__, bootstrap
from lawsync.config import Settings
from lawsync.practice.services.context import Ledger
from lawsync.sync import connection, sandbox_control
from lawsync.sync.connection import SANDBOX_PREFIX
from lawsync.web import pages
from lawsync.web.api import errors, openapi
from lawsync.web.api.routes import (
    billing,
    money_in,
    people,
    quickbooks,
    quickbooks_connect,
    quickbooks_inbound,
    quickbooks_webhooks,
    reconciliation,
    tokens,
    trust_ledger,
    trust_records,
    work,
)
from lawsync.web.docs import install_docs
from lawsync.web.failures import UnexpectedFailures
from lawsync.web.request_guard import RequestGuard


def create_app(
    settings: Settings | None = None,
    *,
    ledger: Ledger | None = None,
    mount_sandbox: bool | None = None,
    sync_worker: bool | None = None,
) -> FastAPI:
    """The whole web application; with no real company configured it also serves the sandbox.

    Without a `ledger`, the database of `settings` is opened (and migrated) for one.
    """
    services = bootstrap.compose(settings, ledger=ledger)
    settings = services.settings
    sandbox = None
    control_secret: str | None = None
    if settings.embedded_sandbox if mount_sandbox is None else mount_sandbox:
        from lawsync.sandbox.app import create_app as create_sandbox

        if settings.sandbox_db != ":memory:":
            Path(settings.sandbox_db).parent.mkdir(parents=True, exist_ok=True)
        # Anyone who can reach the server could otherwise steer the sandbox through /qbo/_sandbox.
        control_secret = sandbox_control.serving_secret(settings)
        sandbox = create_sandbox(settings.sandbox_db, control_secret=control_secret)

    @asynccontextmanager
    async def lifespan(app_: FastAPI) -> AsyncIterator[None]:
        # A mounted app's own start-up and shut-down do not run by themselves; run them here.
        async with AsyncExitStack() as stack:
            if sandbox is not None:
                await stack.enter_async_context(sandbox.router.lifespan_context(sandbox))
                await _register_local_app(sandbox, settings, control_secret)
            app_.state.sync_worker = await stack.enter_async_context(
                services.sync_worker(sync_worker)
            )
            yield

    app = FastAPI(
        lifespan=lifespan,
        title="lawsync",
        version=__version__,
        description="A law firm's practice ledger, kept in step with its accounting company.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.ledger = services.ledger
    app.state.settings = settings
    app.state.sandbox_control_secret = control_secret
    app.state.sandbox_url = f"{SANDBOX_PREFIX}/" if sandbox is not None else ""
    errors.install(app, page=pages.error_page)
    openapi.install(app)
    app.add_middleware(UnexpectedFailures)

    app.add_middleware(
        RequestGuard,
        routes=lambda: app.router.routes,
        respond=lambda r: JSONResponse(errors.error_body(r.code, r.message, r.field), r.status),
    )

    for module in (
        people,
        tokens,
        work,
        billing,
        money_in,
        trust_ledger,
        reconciliation,
        trust_records,
        quickbooks,
        quickbooks_connect,
        quickbooks_inbound,
        quickbooks_webhooks,
    ):
        app.include_router(module.router, prefix="/api/v1")
    if sandbox is not None:
        app.mount(SANDBOX_PREFIX, sandbox)

    install_docs(app)
    pages.install(app)

    @app.get("/api/v1", include_in_schema=False)
    def api_index() -> dict[str, object]:
        return {
            "name": "lawsync",
            "version": __version__,
            "authentication": "Authorization: Bearer <API token>",
            "docs": "/docs",
            "redoc": "/redoc",
            "openapi": app.openapi_url,
            "resources": _api_resources(app),
        }

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


async def _register_local_app(
    sandbox: FastAPI, settings: Settings, control_secret: str | None
) -> None:
    """Tell the bundled sandbox about lawsync's own app as the server starts, webhook address
    and verifier token included, so a change made in the sandbox reaches this server with no
    set-up. Through the sandbox's control API, in process (the server is not listening yet)."""
    if not connection.uses_local_app(settings):
        return
    body = connection.sandbox_app(connection.qbo_config(settings), settings)
    transport = httpx.ASGITransport(app=sandbox)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as http:
        answer = await http.post(
            "/_sandbox/apps", json=body, headers=sandbox_control.control_headers(control_secret)
        )
    if answer.status_code != 201:
        raise RuntimeError(f"the bundled sandbox refused lawsync's app: {answer.text[:200]}")


def _api_resources(app: FastAPI) -> dict[str, str]:
    """Where each part of the API starts: its shortest GET address with no id in it.

    For example {"bills": "/api/v1/bills", "quickbooks": "/api/v1/quickbooks/status"}.
    """
    prefix = "/api/v1/"
    names: dict[str, str] = {}
    for path, operations in app.openapi()["paths"].items():
        if not path.startswith(prefix) or "{" in path or "get" not in operations:
            continue
        name = path[len(prefix) :].split("/", 1)[0]
        if name not in names or len(path) < len(names[name]):
            names[name] = path
    return dict(sorted(names.items()))
