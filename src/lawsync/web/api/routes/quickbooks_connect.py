"""Connecting to QuickBooks Online, the connection's status, and a pass on demand.

The callback is the one route without an API token: the user's browser arrives there from
QuickBooks, and the single-use `state` issued by `POST /connect` says which firm it is for.
Where QuickBooks is, and the redirect URI, come from the settings (`Settings.app_url`), never
from the request's Host header.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from html import escape
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from lawsync.config import Settings
from lawsync.errors import LawsyncError, RuleViolation
from lawsync.sync import connection, engine, jobs, worker
from lawsync.sync.imports import feed
from lawsync.sync.models import QuickBooksConnection
from lawsync.sync.pass_state import pass_state
from lawsync.sync.status import status_counts
from lawsync.web.api.deps import ActorDep, LedgerDep
from lawsync.web.api.errors import http_status

router = APIRouter(prefix="/quickbooks", tags=["QuickBooks connection"])


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _connection(row: QuickBooksConnection) -> dict[str, Any]:
    return {
        "id": row.id,
        "realm_id": row.realm_id,
        "company_name": row.company_name,
        "edition": row.edition,
        "country": row.country,
        "home_currency": row.home_currency,
        "multicurrency": row.multicurrency,
        "status": row.status.value,
        "status_note": row.status_note,
        "active": row.active,
        "connected_at": _iso(row.connected_at),
        "disconnected_at": _iso(row.disconnected_at),
        "last_sync_at": _iso(row.last_sync_at),
    }


class ConnectRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    share_company: bool = Field(
        default=False,
        strict=True,
        description="Agree to share the company if another lawsync firm is connected to it "
        "(its administrator must have turned on share_company in its QuickBooks settings).",
    )


@router.post("/connect")
async def connect(
    request: Request,
    ledger: LedgerDep,
    actor: ActorDep,
    body: Annotated[ConnectRequest | None, Body()] = None,
) -> dict[str, str]:
    """Start connecting: the URL of QuickBooks' consent page to send the user to."""
    share = body.share_company if body is not None else False
    url = await connection.begin_connect(
        ledger, actor, _settings(request), request.app.state.sandbox_control_secret, share
    )
    return {"authorize_url": url, "note": connection.SHARING_NOTE}


@router.get("/callback", response_model=None)
async def callback(request: Request, ledger: LedgerDep) -> Response:
    """QuickBooks sends the user back here with `code`, `state` and `realmId`."""
    wants_html = "text/html" in request.headers.get("accept", "")
    try:
        row = await connection.finish_connect(
            ledger, _settings(request), dict(request.query_params)
        )
    except LawsyncError as error:
        if not wants_html:
            raise
        return _page("Not connected", [error.message], http_status(error))
    if not wants_html:
        return JSONResponse(_connection(row))
    said = f"lawsync is connected to {row.company_name} (company {row.realm_id})."
    return _page("Connected", [said, row.status_note, connection.SHARING_NOTE], 200)


def _page(title: str, paragraphs: list[str], status: int) -> HTMLResponse:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs if p)
    # A whole page in the app's language and styles (a screen reader needs the `lang`).
    return HTMLResponse(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)} · lawsync</title>"
        "<link rel='stylesheet' href='/static/pico/pico.min.css'>"
        "<link rel='stylesheet' href='/static/app/app.css'></head>"
        f"<body><main class='container'><h1>{escape(title)}</h1>{body}"
        "<p><a href='/settings/quickbooks'>Back to the QuickBooks settings</a></p></main>"
        "</body></html>",
        status_code=status,
    )


@router.post("/disconnect")
async def disconnect(request: Request, ledger: LedgerDep, actor: ActorDep) -> dict[str, Any]:
    row = await connection.disconnect(ledger, actor, _settings(request))
    return _connection(row)


@router.get("/status")
def status(request: Request, ledger: LedgerDep, actor: ActorDep) -> dict[str, Any]:
    rows = connection.connections(ledger, actor)
    active = next((r for r in rows if r.active), None)
    counts = status_counts(ledger, actor.firm_id) if active else None
    counts_note = "" if active else "Not connected."
    passes = pass_state(ledger, actor.firm_id, _settings(request).sync_mode)
    return {
        "passes": asdict(passes),
        "connection": _connection(active) if active else None,
        "last_sync_at": _iso(active.last_sync_at) if active else None,
        "counts": counts,
        "counts_note": counts_note,
        "inbound": _inbound(feed.inbound_status(ledger, actor.firm_id)),
        "previous_connections": [_connection(r) for r in rows if not r.active],
    }


@router.post("/sync", response_model=None)
async def sync(request: Request, ledger: LedgerDep, actor: ActorDep) -> Response:
    """Run a pass now and answer with its report; in the queued mode, hand it to the workers
    and answer 202 with the firm's passes waiting and running."""
    settings = _settings(request)
    if settings.sync_mode == "queue":
        if not await asyncio.to_thread(jobs.enqueue_pass, ledger, actor.firm_id):
            raise RuleViolation(
                "The firm is not connected to QuickBooks Online.", code="not_connected"
            )
        state = await asyncio.to_thread(pass_state, ledger, actor.firm_id, settings.sync_mode)
        return JSONResponse({"queued": True, "passes": asdict(state)}, status_code=202)
    report = await worker.run_pass_now(ledger, actor.firm_id, settings)
    return JSONResponse(_report(report))


def _inbound(found: feed.InboundStatus | None) -> dict[str, Any] | None:
    """Changes from QuickBooks: webhooks taken in, the last pull, the cursor, pulls waiting."""
    if found is None:
        return None
    return {
        "webhooks_received": found.webhooks_received,
        "last_webhook_at": _iso(found.last_webhook_at),
        "last_pull_at": _iso(found.last_pull_at),
        "last_pull_changes": found.last_pull_changes,
        "last_compare_at": _iso(found.last_compare_at),
        "cursor_at": _iso(found.cursor_at),
        "pulls_waiting": found.pulls_waiting,
    }


def _report(report: engine.PassReport) -> dict[str, Any]:
    return {
        "started_at": _iso(report.started_at),
        "finished_at": _iso(report.finished_at),
        "kinds": {kind: asdict(k) for kind, k in report.kinds.items()},
        "requests": report.requests,
        "reconnect_needed": report.reconnect_needed,
        "note": report.note,
    }
