"""`/contacts`: the firm's contacts, each with its sync badge; new and edit forms."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from lawsync.errors import LawsyncError
from lawsync.practice.commands import ContactCreate, ContactUpdate
from lawsync.practice.fields import IdParam, control_character
from lawsync.practice.models import Contact, ContactKind
from lawsync.practice.services import contacts
from lawsync.practice.services.context import Page
from lawsync.sync import contact_conflicts
from lawsync.sync.kinds import Kind
from lawsync.sync.record_status import of_records
from lawsync.web.pages import session
from lawsync.web.pages.forms import PAGE, errors_of, optional, text, typed
from lawsync.web.pages.records import sync_of
from lawsync.web.pages.render import render

router = APIRouter(include_in_schema=False)
PATH = "/contacts"
SPARE_ROWS = 2  # empty email and phone rows offered on a form
ADDRESS = ("street", "city", "region", "postal_code", "country")


@router.get(PATH, response_class=HTMLResponse)
def list_page(
    request: Request,
    me: session.Me,
    q: Annotated[str, Query(max_length=100)] = "",
    after: IdParam | None = None,
    said: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    ledger = request.app.state.ledger
    errors: dict[str, str] = {}
    if control_character(q):  # (the request guard checks queries under /api/ only)
        errors["q"] = "A search is plain text: remove the control character."
        page = Page([], None)
    else:
        page = contacts.list_contacts(ledger, me.actor, after, PAGE, q.strip() or None)
    badges = of_records(ledger, me.actor, Kind.CONTACT, [c.id for c in page.items])
    return render(
        request,
        "contacts.html",
        422 if errors else 200,
        errors=errors,
        section="contacts",
        rows=page.items,
        badges=badges,
        next_cursor=page.next_cursor,
        q=q,
        query=urlencode({"q": q}) if q else "",
        flash=said,
    )


@router.get(PATH + "/new", response_class=HTMLResponse)
def new_page(request: Request, me: session.Me) -> Response:
    return _form(request, None, {"kind": "person"}, {})


@router.post(PATH + "/new", response_class=HTMLResponse)
async def create(request: Request, me: session.Checked) -> Response:
    form = await request.form()
    values = _values(form, with_kind=True)
    try:
        contact = contacts.create_contact(
            request.app.state.ledger, me.actor, ContactCreate.model_validate(values)
        )
    except (ValidationError, LawsyncError) as refused:
        errors, status = errors_of(refused)
        return _form(request, None, _shown(form), errors, status)
    return RedirectResponse(f"{PATH}/{contact.id}?said=Contact+saved.", 303)


@router.get(PATH + "/{contact_id}", response_class=HTMLResponse)
def view_page(
    request: Request,
    me: session.Me,
    contact_id: IdParam,
    said: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    ledger = request.app.state.ledger
    contact = contacts.get_contact(ledger, me.actor, contact_id)
    matters = contacts.list_matters(ledger, me.actor, None, PAGE, client_id=contact.id)
    conflict = contact_conflicts.open_conflict(ledger, me.actor, contact.id)
    return render(
        request,
        "contact.html",
        section="contacts",
        contact=contact,
        conflict=conflict,
        conflict_rows=contact_conflicts.rows_of(conflict) if conflict else [],
        from_quickbooks=contact_conflicts.changed_in_quickbooks(ledger, me.actor, contact.id),
        **sync_of(ledger, me.actor, Kind.CONTACT, contact.id),
        matters=matters.items,
        more_matters=matters.next_cursor is not None,
        flash=said,
    )


@router.get(PATH + "/{contact_id}/edit", response_class=HTMLResponse)
def edit_page(request: Request, me: session.Me, contact_id: IdParam) -> Response:
    contact = contacts.get_contact(request.app.state.ledger, me.actor, contact_id)
    return _form(request, contact, _stored(contact), {})


@router.post(PATH + "/{contact_id}/edit", response_class=HTMLResponse)
async def save(request: Request, me: session.Checked, contact_id: IdParam) -> Response:
    ledger = request.app.state.ledger
    contact = contacts.get_contact(ledger, me.actor, contact_id)
    form = await request.form()
    values = _values(form, with_kind=False)
    if contact.kind == ContactKind.company:
        values.pop("first_name"), values.pop("last_name")
    else:
        values.pop("company_name")
    try:
        contacts.update_contact(ledger, me.actor, contact_id, ContactUpdate.model_validate(values))
    except (ValidationError, LawsyncError) as refused:
        errors, status = errors_of(refused)
        return _form(request, contact, _shown(form), errors, status)
    return RedirectResponse(f"{PATH}/{contact_id}?said=Contact+saved.", 303)


def _rows(form: Any, prefix: str, fields: tuple[str, ...]) -> list[dict[str, str]]:
    """The numbered rows of a repeated group (email_address_0, email_kind_0, …), in order."""
    count = sum(1 for key in form if key.startswith(f"{prefix}_{fields[0]}_"))
    return [{f: text(form, f"{prefix}_{f}_{i}") for f in fields} for i in range(count)]


def _values(form: Any, *, with_kind: bool) -> dict[str, Any]:
    """The form as the command's input: empty email and phone rows are left out."""
    primary = text(form, "email_primary")
    emails = [
        {"address": row["address"], "kind": row["kind"] or "work", "primary": str(i) == primary}
        for i, row in enumerate(_rows(form, "email", ("address", "kind")))
        if row["address"]
    ]
    phones = [
        {"number": row["number"], "kind": row["kind"] or "work"}
        for row in _rows(form, "phone", ("number", "kind"))
        if row["number"]
    ]
    values: dict[str, Any] = {
        "first_name": text(form, "first_name"),
        "last_name": text(form, "last_name"),
        "company_name": text(form, "company_name"),
        "emails": emails,
        "phones": phones,
        "web_address": text(form, "web_address"),
        "address": {key: text(form, key) for key in ADDRESS},
    }
    if with_kind:
        values["kind"] = optional(form, "kind")
    return values


def _shown(form: Any) -> dict[str, Any]:
    """What was typed, to show again beside its errors (rows keep their numbers)."""
    """Empty rows are dropped, as they are from the command, so an error's row number
    (``emails.1.address``) names the row shown."""
    shown: dict[str, Any] = typed(form)
    kept = [
        (str(i), row)
        for i, row in enumerate(_rows(form, "email", ("address", "kind")))
        if row["address"]
    ]
    shown["emails"] = [row for _, row in kept]
    was = text(form, "email_primary")
    shown["email_primary"] = next((str(n) for n, (i, _) in enumerate(kept) if i == was), "")
    shown["phones"] = [p for p in _rows(form, "phone", ("number", "kind")) if p["number"]]
    return shown


def _stored(contact: Contact) -> dict[str, Any]:
    shown: dict[str, Any] = {
        key: getattr(contact, key)
        for key in ("first_name", "last_name", "company_name", "web_address", *ADDRESS)
    }
    shown["kind"] = contact.kind.value
    shown["emails"] = [{"address": e.address, "kind": e.kind} for e in contact.emails]
    shown["phones"] = [{"number": p.number, "kind": p.kind} for p in contact.phones]
    primary = next((i for i, e in enumerate(contact.emails) if e.is_primary), None)
    shown["email_primary"] = "" if primary is None else str(primary)
    return shown


def _form(
    request: Request,
    contact: Contact | None,
    shown: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    blank_email, blank_phone = {"address": "", "kind": ""}, {"number": "", "kind": ""}
    emails = [*shown.get("emails", []), *[blank_email] * SPARE_ROWS]
    phones = [*shown.get("phones", []), *[blank_phone] * SPARE_ROWS]
    return render(
        request,
        "contact_form.html",
        status,
        section="contacts",
        contact=contact,
        shown=shown,
        emails=emails,
        phones=phones,
        errors=errors,
    )
