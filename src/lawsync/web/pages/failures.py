"""`/settings/quickbooks/failures`: the Sync Failures table, with Retry per row and per code."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lawsync.errors import LawsyncError
from lawsync.practice.fields import IdParam
from lawsync.sync import contact_conflicts, failures
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
    conflicts = {row.id: contact_conflicts.rows_of(row) for row in page.items}
    return render(
        request,
        "failures.html",
        section="failures",
        rows=rows,
        conflicts=conflicts,
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


@router.post(PATH + "/{failure_id}/resolve", response_class=HTMLResponse)
async def resolve(request: Request, me: session.Checked, failure_id: IdParam) -> Response:
    """A contact conflict settled from its form: per field, or all at once (the button)."""
    form = await request.form()
    back = str(form.get("back") or "")
    every = str(form.get("all") or "")
    raw: Any = every or {
        str(k).removeprefix("choice_"): str(v)
        for k, v in form.multi_items()
        if str(k).startswith("choice_") and v
    }
    ledger = request.app.state.ledger
    try:
        row = contact_conflicts.resolve(ledger, me.actor, failure_id, raw)
    except LawsyncError as refused:
        row = failures.get_failure(ledger, me.actor, failure_id)
        return _answer(request, row, back, str(refused), 422)
    left = contact_conflicts.rows_of(row)
    said = (
        "Conflict resolved: the chosen values are kept, and the next sync sends what "
        "QuickBooks is missing."
        if not left
        else "Choices kept; the fields left still wait for a choice."
    )
    target = f"/contacts/{row.local_id}" if back == "contact" else PATH
    then = f"{target}?{urlencode({'said': said})}"
    if request.headers.get("HX-Request"):
        if left:  # the form again, with the fields still to choose
            return _answer(request, row, back, "", 200, said)
        # Settled: the whole page changes (its badge, the failure gone), so it is loaded anew.
        return Response(status_code=204, headers={"HX-Redirect": then})
    return RedirectResponse(then, 303)


def _answer(
    request: Request, row: Any, back: str, error: str, status: int, said: str = ""
) -> Response:
    return render(
        request,
        "_contact_conflict_answer.html",
        status,
        failure=row,
        rows=contact_conflicts.rows_of(row),
        back=back,
        error=error,
        said=said,
    )


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
