"""`/matters`: the firm's matters (filtered by client), new, and each one's page with its
edit form and its time and expense entries."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from lawsync.errors import LawsyncError
from lawsync.practice.commands import MatterCreate, MatterUpdate
from lawsync.practice.fields import IdParam
from lawsync.practice.models import Matter, MatterStatus
from lawsync.practice.services import contacts, entries
from lawsync.sync.kinds import Kind
from lawsync.sync.record_status import of_records
from lawsync.web.pages import session
from lawsync.web.pages.entries import user_names
from lawsync.web.pages.forms import (
    PAGE,
    an_id,
    client_choices,
    client_names,
    drop_none,
    errors_of,
    optional,
    query_id,
    text,
    typed,
)
from lawsync.web.pages.render import render

router = APIRouter(include_in_schema=False)
PATH = "/matters"
STATUSES = [(s.value, s.value.capitalize()) for s in MatterStatus]


Search = Annotated[str, Query(max_length=100)]


@router.get(PATH, response_class=HTMLResponse)
def list_page(
    request: Request,
    me: session.Me,
    client_id: Annotated[str, Query(max_length=20)] = "",
    status_is: Annotated[str, Query(alias="status", max_length=20)] = "",
    after: IdParam | None = None,
    said: Annotated[str, Query(max_length=200)] = "",
    client_q: Search = "",
) -> Response:
    ledger = request.app.state.ledger
    client = query_id(client_id)
    status = MatterStatus(status_is) if status_is in set(MatterStatus) else None
    page = contacts.list_matters(ledger, me.actor, after, PAGE, client, status)
    filters = {"client_id": str(client or ""), "status": status.value if status else ""}
    return render(
        request,
        "matters.html",
        section="matters",
        rows=page.items,
        names=client_names(ledger, me.actor, (m.client_id for m in page.items)),
        clients=client_choices(ledger, me.actor, client_q, client),
        statuses=STATUSES,
        client_id=client,
        chosen_status=status.value if status else "",
        next_cursor=page.next_cursor,
        query=urlencode({k: v for k, v in filters.items() if v}),
        flash=said,
    )


@router.get(PATH + "/new", response_class=HTMLResponse)
def new_page(
    request: Request,
    me: session.Me,
    client_id: Annotated[str, Query(max_length=20)] = "",
    client_q: Search = "",
) -> Response:
    chosen = query_id(client_id)
    if chosen is not None:  # another firm's client is not found
        contacts.get_contact(request.app.state.ledger, me.actor, chosen)
    shown = {"client_id": client_id, "status": "open"}
    return _new_form(request, me, shown, {}, client_q=client_q)


@router.post(PATH + "/new", response_class=HTMLResponse)
async def create(request: Request, me: session.Checked) -> Response:
    form = await request.form()
    values = {
        "client_id": an_id(form, "client_id"),
        "description": text(form, "description"),
        "status": optional(form, "status"),
        "number": optional(form, "number"),
        "open_date": optional(form, "open_date"),
    }
    try:
        cmd = MatterCreate.model_validate(drop_none(values) | {"client_id": values["client_id"]})
        matter = contacts.create_matter(request.app.state.ledger, me.actor, cmd)
    except (ValidationError, LawsyncError) as refused:
        errors, status = errors_of(refused)
        shown = typed(form)
        return _new_form(request, me, shown, errors, status)
    return RedirectResponse(f"{PATH}/{matter.id}?said=Matter+{matter.number}+opened.", 303)


def _new_form(
    request: Request,
    me: Any,
    shown: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
    client_q: str = "",
) -> Response:
    clients = client_choices(request.app.state.ledger, me.actor, client_q, shown.get("client_id"))
    return render(
        request,
        "matter_new.html",
        status,
        section="matters",
        shown=shown,
        clients=clients,
        statuses=STATUSES,
        errors=errors,
    )


@router.get(PATH + "/{matter_id}", response_class=HTMLResponse)
def view_page(
    request: Request,
    me: session.Me,
    matter_id: IdParam,
    said: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    matter = contacts.get_matter(request.app.state.ledger, me.actor, matter_id)
    shown = {"number": matter.number, "description": matter.description, "status": matter.status}
    return _view(request, me, matter, shown, {}, flash=said)


@router.post(PATH + "/{matter_id}", response_class=HTMLResponse)
async def save(request: Request, me: session.Checked, matter_id: IdParam) -> Response:
    ledger = request.app.state.ledger
    matter = contacts.get_matter(ledger, me.actor, matter_id)
    form = await request.form()
    values = {
        "number": optional(form, "number"),
        "description": text(form, "description"),
        "status": optional(form, "status"),
    }
    try:
        cmd = MatterUpdate.model_validate(drop_none(values))
        contacts.update_matter(ledger, me.actor, matter_id, cmd)
    except (ValidationError, LawsyncError) as refused:
        errors, status = errors_of(refused)
        shown = typed(form)
        return _view(request, me, matter, shown, errors, status)
    return RedirectResponse(f"{PATH}/{matter_id}?said=Matter+saved.", 303)


def _view(
    request: Request,
    me: Any,
    matter: Matter,
    shown: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
    flash: str = "",
) -> Response:
    ledger = request.app.state.ledger
    client = contacts.get_contact(ledger, me.actor, matter.client_id)
    time = entries.list_time_entries(ledger, me.actor, None, PAGE, matter.id)
    expenses = entries.list_expense_entries(ledger, me.actor, None, PAGE, matter.id)
    return render(
        request,
        "matter.html",
        status,
        section="matters",
        matter=matter,
        client=client,
        client_sync=of_records(ledger, me.actor, Kind.CONTACT, [client.id])[client.id],
        time=time,
        expenses=expenses,
        users=user_names(request, me),
        shown=shown,
        statuses=STATUSES,
        errors=errors,
        flash=flash,
    )
