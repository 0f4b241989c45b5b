"""`/`: the dashboard — the company, its status, counts per kind, Sync now with live progress,
and the latest failures."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lawsync.errors import LawsyncError
from lawsync.sync import connection, engine, failures, trust_drift, worker
from lawsync.sync.status import status_counts
from lawsync.web.pages import session
from lawsync.web.pages.render import render

router = APIRouter(include_in_schema=False)


@dataclass
class SyncRun:
    """A pass started from a page: how far it is, then how it ended."""

    done: dict[str, int] = field(default_factory=dict)
    report: engine.PassReport | None = None
    refused: str = ""
    task: asyncio.Task[None] | None = None

    @property
    def finished(self) -> bool:
        return self.report is not None or bool(self.refused)


def _runs(request: Request) -> dict[int, SyncRun]:
    runs: dict[int, SyncRun] = request.app.state.__dict__.setdefault("page_sync_runs", {})
    return runs


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, me: session.Me) -> Response:
    ledger = request.app.state.ledger
    rows = connection.connections(ledger, me.actor)
    active = next((r for r in rows if r.active), None)
    counts = status_counts(ledger, me.actor.firm_id) if active else {}
    comparisons = []
    if active:
        with ledger.uow(me.actor) as uow:
            comparisons = trust_drift.latest(uow.session, active.id)
    latest = failures.list_failures(ledger, me.actor, None, 5).items
    return render(
        request,
        "dashboard.html",
        section="dashboard",
        connection=active,
        counts=counts,
        comparisons=comparisons,
        latest=[(row, failures.guide(row)) for row in latest],
        run=_runs(request).get(me.actor.firm_id),
    )


async def _run(request: Request, firm_id: int, run: SyncRun) -> None:
    def progress(kind: str, done: int, _total: int) -> None:
        run.done[kind] = done

    try:
        run.report = await worker.run_pass_now(
            request.app.state.ledger, firm_id, request.app.state.settings, progress=progress
        )
    except LawsyncError as error:
        run.refused = error.message
    except Exception as error:  # shown on the page; the server log has the rest
        run.refused = f"The pass stopped: {type(error).__name__}."
        raise


@router.post("/sync-now", response_class=HTMLResponse)
async def sync_now(request: Request, me: session.Checked) -> Response:
    runs = _runs(request)
    run = runs.get(me.actor.firm_id)
    if run is None or run.finished:
        run = runs[me.actor.firm_id] = SyncRun()
        run.task = asyncio.create_task(_run(request, me.actor.firm_id, run))
    if "hx-request" not in request.headers:  # a plain form: the dashboard shows the progress
        return RedirectResponse("/", 303)
    return _progress(request, run)


@router.get("/sync-now", response_class=HTMLResponse)
def sync_progress(request: Request, me: session.Me) -> Response:
    return _progress(request, _runs(request).get(me.actor.firm_id))


def _progress(request: Request, run: SyncRun | None) -> Response:
    """The run's fragment; once it has ended, the page's counts are asked to refresh."""
    response = render(request, "_sync_run.html", run=run)
    if run is not None and run.finished:
        response.headers["HX-Trigger"] = "sync-finished"
    return response
