"""`/settings/quickbooks/failures`: the Sync Failures table, with Retry per row and per code."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lawsync.practice.fields import IdParam
from lawsync.sync import failures
from lawsync.sync.imports import hard_costs, invoices
from lawsync.sync.kinds import Kind
from lawsync.sync.registry import KINDS
from lawsync.web.pages import session
from lawsync.web.pages.render import render

router = APIRouter(include_in_schema=False)
PATH = "/settings/quickbooks/failures"
PAGE = 50
INBOUND_KINDS = (Kind.HARD_COST, Kind.HARD_COST_LINE, Kind.RECEIVED_PAYMENT, Kind.INVOICE_CHANGE)


def _back(kind: str, code: str, history: bool, said: str) -> str:
    query = {k: v for k, v in (("kind", kind), ("code", code), ("said", said)) if v}
    if history:
        query["history"] = "1"
    return f"{PATH}?{urlencode(query)}" if query else PATH


@router.get(PATH, response_class=HTMLResponse)
def failures_page(
    request: Request,
    me: session.Me,
    kind: Annotated[str, Query(max_length=40)] = "",
    code: Annotated[str, Query(max_length=40)] = "",
    history: bool = False,
    after: IdParam | None = None,
    said: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    ledger = request.app.state.ledger
    page = failures.list_failures(
        ledger, me.actor, after, PAGE, history, kind=kind or None, code=code or None
    )
    rows = [(row, failures.guide(row)) for row in page.items]
    return render(
        request,
        "failures.html",
        section="failures",
        rows=rows,
        next_cursor=page.next_cursor,
        kinds=(*KINDS, *INBOUND_KINDS),
        codes=failures.open_codes(ledger, me.actor),
        kind=kind,
        code=code,
        history=history,
        flash=said,
    )


@router.post(PATH + "/{failure_id}/retry")
def retry(
    request: Request,
    me: session.Checked,
    failure_id: IdParam,
    kind: Annotated[str, Form(max_length=40)] = "",
    code: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    row = failures.request_retry(request.app.state.ledger, me.actor, failure_id)
    said = f"Retry asked for {row.kind} {row.local_id}: the next pass sends it again."
    return RedirectResponse(_back(kind, code, False, said), 303)


@router.post(PATH + "/retry-code")
def retry_code(
    request: Request,
    me: session.Checked,
    code: Annotated[str, Form(min_length=1, max_length=40)],
    kind: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    n = failures.request_retry_of_code(request.app.state.ledger, me.actor, code)
    said = f"Retry asked for {n} failure(s) with code {code}."
    return RedirectResponse(_back(kind, code, False, said), 303)


@router.post(PATH + "/{failure_id}/choose-matter")
def choose_matter(
    request: Request,
    me: session.Checked,
    failure_id: IdParam,
    matter_id: Annotated[int, Form(ge=1)],
) -> Response:
    """The matter of a hard cost imported from QuickBooks: the entry is made on it now."""
    entry = hard_costs.choose_matter(request.app.state.ledger, me.actor, failure_id, matter_id)
    said = f"The cost of {entry.amount:.2f} is now an expense entry on the matter chosen."
    return RedirectResponse(_back("", "", False, said), 303)


@router.post(PATH + "/{failure_id}/push-again")
def push_again(request: Request, me: session.Checked, failure_id: IdParam) -> Response:
    """Send the bill as lawsync has it over its invoice changed in QuickBooks."""
    invoices.push_again(request.app.state.ledger, me.actor, failure_id)
    said = "The bill will be sent again as lawsync has it on the next sync."
    return RedirectResponse(_back("", "", False, said), 303)
