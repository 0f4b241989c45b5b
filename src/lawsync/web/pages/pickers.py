"""`/pick/clients` and `/pick/matters`: the options of a picker that match what is typed in its
search box, for htmx to put in the select (see `_picker.html`), with the note saying how many match
as an out-of-band swap. Without JavaScript the page itself narrows its picker (`?client_q=`).
`/pick/bills`: the bills a client owes, when a form's client is chosen."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from lawsync.practice.services import contacts
from lawsync.web.pages import session
from lawsync.web.pages.forms import (
    Choices,
    client_choices,
    matter_choices,
    owing_bill_choices,
    query_id,
)
from lawsync.web.pages.render import render

router = APIRouter(include_in_schema=False)
# The select's id, which the note's id is made from.
For = Annotated[str, Query(alias="for", max_length=60, pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$")]
Blank = Annotated[str, Query(max_length=60)]  # the words of the empty option, if any
Search = Annotated[str, Query(max_length=100)]


def _options(request: Request, choices: Choices, select_id: str, blank: str) -> Response:
    return render(request, "_picker_options.html", c=choices, id=select_id, blank=blank)


@router.get("/pick/clients", response_class=HTMLResponse)
def pick_clients(
    request: Request, me: session.Me, select_id: For, blank: Blank = "", client_q: Search = ""
) -> Response:
    choices = client_choices(request.app.state.ledger, me.actor, client_q)
    return _options(request, choices, select_id, blank)


@router.get("/pick/matters", response_class=HTMLResponse)
def pick_matters(
    request: Request,
    me: session.Me,
    select_id: For,
    blank: Blank = "",
    matter_q: Search = "",
    client_id: Annotated[str, Query(max_length=20)] = "",
    to_client_id: Annotated[str, Query(max_length=20)] = "",
    open_only: Annotated[bool, Query(alias="open")] = False,
) -> Response:
    """The matters of the client chosen beside, when one is (another firm's is not found); a
    transfer's form names its client select `to_client_id`."""
    ledger = request.app.state.ledger
    client = query_id(client_id or to_client_id)
    if client is not None:
        contacts.get_contact(ledger, me.actor, client)
    choices = matter_choices(ledger, me.actor, matter_q, client_id=client, open_only=open_only)
    # Listed again because the client select changed, the select sends its own value (as the
    # field named like it): still among the matters listed, it stays chosen.
    kept = request.query_params.get(select_id, "")
    if kept and any(str(value) == kept for value, _ in choices.options):
        choices = replace(choices, chosen=kept)
    return _options(request, choices, select_id, blank)


@router.get("/pick/bills", response_class=HTMLResponse)
def pick_bills(
    request: Request,
    me: session.Me,
    select_id: For,
    blank: Blank = "",
    client_id: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """The approved bills that owe, of the client chosen beside when one is."""
    ledger = request.app.state.ledger
    client = query_id(client_id)
    if client is not None:
        contacts.get_contact(ledger, me.actor, client)
    choices = owing_bill_choices(ledger, me.actor, me.formats, client_id=client)
    return _options(request, choices, select_id, blank)
