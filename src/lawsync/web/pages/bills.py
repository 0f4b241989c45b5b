"""`/bills`: the list, drafting a bill from a client's unbilled work, one bill with its lines,
totals and sync badge, and its moves (approve, edit, void, delete) as the model allows them."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote_plus

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from lawsync.errors import LawsyncError
from lawsync.practice.commands import BillCreate, BillUpdate
from lawsync.practice.fields import IdParam
from lawsync.practice.models import Bill, BillState, DiscountKind
from lawsync.practice.services import adjustments, bills, contacts
from lawsync.sync.kinds import Kind
from lawsync.sync.record_status import of_records
from lawsync.web.pages import session
from lawsync.web.pages.forms import (
    PAGE,
    client_choices,
    client_names,
    errors_of,
    every,
    filled,
    ident,
    query_id,
)
from lawsync.web.pages.records import sync_of
from lawsync.web.pages.render import render

router = APIRouter(include_in_schema=False)
Said = Annotated[str, Query(max_length=200)]


def _to(path: str, said: str) -> RedirectResponse:
    return RedirectResponse(f"{path}?said={quote_plus(said)}", 303)


@router.get("/bills", response_class=HTMLResponse)
def bills_page(
    request: Request,
    me: session.Me,
    state: Annotated[str, Query(max_length=20)] = "",
    after: IdParam | None = None,
    said: Said = "",
) -> Response:
    ledger = request.app.state.ledger
    chosen = BillState(state) if state in set(BillState) else None
    page = bills.list_bills(ledger, me.actor, after, PAGE, None, chosen)
    rows: list[Bill] = list(page.items)
    return render(
        request,
        "bills.html",
        section="bills",
        rows=rows,
        names=client_names(ledger, me.actor, (b.client_id for b in rows)),
        badges=of_records(ledger, me.actor, Kind.BILL, [b.id for b in rows]),
        states=list(BillState),
        state=chosen.value if chosen else "",
        next_cursor=page.next_cursor,
        flash=said,
    )


def _new_page(
    request: Request,
    me: Any,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status: int = 200,
    client_q: str = "",
) -> Response:
    ledger = request.app.state.ledger
    matters: list[Any] = []
    client_id = values.get("client_id")
    if client_id and str(client_id).isdigit():
        matters = every(contacts.list_matters, ledger, me.actor, int(client_id))
    return render(
        request,
        "bill_new.html",
        status,
        section="bills",
        clients=client_choices(ledger, me.actor, client_q, client_id),
        matters=matters,
        values=values,
        discount_kinds=list(DiscountKind),
        errors=errors or {},
    )


@router.get("/bills/new", response_class=HTMLResponse)
def new_bill_page(
    request: Request,
    me: session.Me,
    client_id: Annotated[str, Query(max_length=20)] = "",
    client_q: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    chosen = query_id(client_id)
    if chosen is not None:  # another firm's client is not found
        contacts.get_contact(request.app.state.ledger, me.actor, chosen)
    values = {"client_id": str(chosen) if chosen else ""}
    return _new_page(request, me, values, client_q=client_q)


DATES = ("from_date", "to_date", "issue_date", "due_date")


@router.post("/bills/new", response_class=HTMLResponse)
async def create_bill(request: Request, me: session.Checked) -> Response:
    form = await request.form()
    values = filled(form, "client_id", *DATES, "discount_kind", "discount_value", "memo")
    values["matter_ids"] = [v for v in form.getlist("matter_ids") if isinstance(v, str)]
    if form.get("pick") is not None:  # "Show its matters": the form again, for that client
        return _new_page(request, me, values)
    body = dict(values)
    body["client_id"] = ident(values.get("client_id", ""))
    body["matter_ids"] = [ident(v) for v in values["matter_ids"]] or None
    try:
        bill = bills.create_bill(
            request.app.state.ledger, me.actor, BillCreate.model_validate(body)
        )
    except ValidationError as invalid:
        return _new_page(request, me, values, errors_of(invalid)[0], 422)
    except LawsyncError as error:
        errors, status = errors_of(error)
        return _new_page(request, me, values, errors, status)
    return _to(f"/bills/{bill.id}", f"Draft bill {bill.number} made from the unbilled work.")


def _bill_page(
    request: Request,
    me: Any,
    bill_id: int,
    *,
    errors: dict[str, str] | None = None,
    flash: str = "",
    status: int = 200,
) -> Response:
    ledger = request.app.state.ledger
    bill = bills.get_bill(ledger, me.actor, bill_id)
    notes = every(adjustments.list_credit_notes, ledger, me.actor, bill.id)
    charges = every(adjustments.list_interest_charges, ledger, me.actor, bill.id)
    return render(
        request,
        "bill.html",
        status,
        section="bills",
        bill=bill,
        client=client_names(ledger, me.actor, [bill.client_id])[bill.client_id],
        **sync_of(ledger, me.actor, Kind.BILL, bill.id),
        notes=notes,
        note_badges=of_records(ledger, me.actor, Kind.CREDIT_NOTE, [n.id for n in notes]),
        charges=charges,
        charge_badges=of_records(ledger, me.actor, Kind.INTEREST_CHARGE, [c.id for c in charges]),
        can={
            "approve": bill.can_approve() is None,
            "edit": bill.can_edit() is None,
            "void": bill.can_void() is None,
            "delete": bill.can_delete() is None,
            # as the services allow: credit notes and interest on an approved bill that owes
            "credit": bill.state == BillState.approved and bill.balance > 0,
        },
        errors=errors or {},
        flash=flash,
    )


@router.get("/bills/{bill_id}", response_class=HTMLResponse)
def bill_page(request: Request, me: session.Me, bill_id: IdParam, said: Said = "") -> Response:
    return _bill_page(request, me, bill_id, flash=said)


@router.post("/bills/{bill_id}/approve", response_class=HTMLResponse)
def approve(request: Request, me: session.Checked, bill_id: IdParam) -> Response:
    try:
        bill = bills.approve_and_load(request.app.state.ledger, me.actor, bill_id)
    except LawsyncError as error:
        errors, status = errors_of(error)
        return _bill_page(request, me, bill_id, errors=errors, status=status)
    return _to(f"/bills/{bill.id}", f"Bill {bill.number} approved.")


def _edit_page(
    request: Request,
    me: Any,
    bill: Bill,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    if values is None:
        values = {
            "number": bill.number,
            "issue_date": bill.issue_date.isoformat(),
            "due_date": bill.due_date.isoformat(),
            "discount_kind": bill.discount_kind.value,
            "discount_value": str(bill.discount_value),
            "memo": bill.memo,
        }
        for line in bill.lines:
            values[f"line-{line.id}-description"] = line.description
            values[f"line-{line.id}-quantity"] = str(line.quantity)
            values[f"line-{line.id}-price"] = str(line.price)
    return render(
        request,
        "bill_edit.html",
        status,
        section="bills",
        bill=bill,
        values=values,
        discount_kinds=list(DiscountKind),
        errors=errors or {},
    )


@router.get("/bills/{bill_id}/edit", response_class=HTMLResponse)
def edit_page(request: Request, me: session.Me, bill_id: IdParam) -> Response:
    bill = bills.get_bill(request.app.state.ledger, me.actor, bill_id)
    refusal = bill.can_edit()
    if refusal:
        errors, status = errors_of(refusal)
        return _bill_page(request, me, bill_id, errors=errors, status=status)
    return _edit_page(request, me, bill)


@router.post("/bills/{bill_id}/edit", response_class=HTMLResponse)
async def edit(request: Request, me: session.Checked, bill_id: IdParam) -> Response:
    ledger = request.app.state.ledger
    bill = bills.get_bill(ledger, me.actor, bill_id)
    form = await request.form()
    values: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str)}
    body = filled(form, "number", "issue_date", "due_date", "discount_kind", "discount_value")
    if "memo" in values:
        body["memo"] = values["memo"]
    removed = {v for v in form.getlist("remove_line_ids") if isinstance(v, str)}
    body["remove_line_ids"] = [ident(v) for v in sorted(removed)]
    values["remove_line_ids"] = sorted(removed)
    kept = [line for line in bill.lines if str(line.id) not in removed]
    body["lines"] = []
    for line in kept:
        edit_line: dict[str, Any] = {"id": line.id}
        for part in ("description", "quantity", "price"):
            given = values.get(f"line-{line.id}-{part}")
            if given is not None and (part == "description" or given.strip()):
                edit_line[part] = given.strip() if part != "description" else given
        body["lines"].append(edit_line)
    try:
        saved = bills.update_bill(ledger, me.actor, bill_id, BillUpdate.model_validate(body))
    except ValidationError as invalid:
        errors = {}
        for key, message in errors_of(invalid)[0].items():
            parts = key.split(".")  # "lines.0.quantity": beside that line's field
            if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit():
                key = f"line-{kept[int(parts[1])].id}-{parts[2]}"
            errors[key] = message
        return _edit_page(request, me, bill, values, errors, 422)
    except LawsyncError as error:
        errors, status = errors_of(error)
        return _edit_page(request, me, bill, values, errors, status)
    return _to(f"/bills/{saved.id}", f"Bill {saved.number} saved.")


def _confirm(request: Request, me: Any, bill_id: int, what: str) -> Response:
    """The confirmation step; a move the model refuses shows why, on the bill's page."""
    bill = bills.get_bill(request.app.state.ledger, me.actor, bill_id)
    refusal = bill.can_void() if what == "void" else bill.can_delete()
    if refusal:
        errors, status = errors_of(refusal)
        return _bill_page(request, me, bill_id, errors=errors, status=status)
    return render(request, "bill_confirm.html", section="bills", bill=bill, what=what)


@router.get("/bills/{bill_id}/void", response_class=HTMLResponse)
def confirm_void(request: Request, me: session.Me, bill_id: IdParam) -> Response:
    return _confirm(request, me, bill_id, "void")


@router.post("/bills/{bill_id}/void", response_class=HTMLResponse)
async def void(request: Request, me: session.Checked, bill_id: IdParam) -> Response:
    form = await request.form()
    reason = form.get("reason")
    try:
        bill = bills.void_bill(
            request.app.state.ledger,
            me.actor,
            bill_id,
            reason[:500] if isinstance(reason, str) else "",
        )
    except LawsyncError as error:
        errors, status = errors_of(error)
        return _bill_page(request, me, bill_id, errors=errors, status=status)
    return _to(f"/bills/{bill.id}", f"Bill {bill.number} voided; its work is unbilled again.")


@router.get("/bills/{bill_id}/delete", response_class=HTMLResponse)
def confirm_delete(request: Request, me: session.Me, bill_id: IdParam) -> Response:
    return _confirm(request, me, bill_id, "delete")


@router.post("/bills/{bill_id}/delete", response_class=HTMLResponse)
def delete(request: Request, me: session.Checked, bill_id: IdParam) -> Response:
    ledger = request.app.state.ledger
    number = bills.get_bill(ledger, me.actor, bill_id).number
    try:
        kept = bills.delete_bill(ledger, me.actor, bill_id)
    except LawsyncError as error:
        errors, status = errors_of(error)
        return _bill_page(request, me, bill_id, errors=errors, status=status)
    if kept is not None:
        return _to(f"/bills/{kept.id}", f"Bill {number} deleted; QuickBooks' copy is removed next.")
    return _to("/bills", f"Draft bill {number} deleted; its work is unbilled again.")
