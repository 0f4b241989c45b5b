"""`/preview`: what the next pass would send, before it touches the books."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from lawsync.sync import preview
from lawsync.sync.connection import open_client
from lawsync.web.pages import session
from lawsync.web.pages.render import render

router = APIRouter(include_in_schema=False)
SHOWN = 200  # rows listed per kind on the page


@router.get("/preview", response_class=HTMLResponse)
async def preview_page(request: Request, me: session.Me) -> Response:
    ledger, settings = request.app.state.ledger, request.app.state.settings
    async with open_client(ledger, me.actor.firm_id, settings) as qb:
        found = await preview.preview(ledger, me.actor.firm_id, qb)
    return render(request, "preview.html", section="preview", found=found, shown=SHOWN)
