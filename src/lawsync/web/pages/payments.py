"""`/payments`: the list, recording a payment against a client's bills, one payment with its
allocations and sync badge, editing it and deleting it (after a confirmation)."""

from __future__ import annotations

from contextlib import suppress
from typing import Annotated, Any
from urllib.parse import quote_plus

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from lawsync.errors import LawsyncError, NotFound
from lawsync.practice.commands import PaymentCreate, PaymentUpdate
from lawsync.practice.fields import IdParam
from lawsync.practice.models import Bill, BillState, Payment, PaymentMethod, PaymentSource
from lawsync.practice.services import bills, client_funds, contacts, payments
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
FIELDS = ("date", "amount", "method", "reference")


def _to(path: str, said: str) -> RedirectResponse:
    return RedirectResponse(f"{path}?said={quote_plus(said)}", 303)


@router.get("/payments", response_class=HTMLResponse)
def payments_page(
    request: Request, me: session.Me, after: IdParam | None = None, said: Said = ""
) -> Response:
    ledger = request.app.state.ledger
    page = payments.list_payments(ledger, me.actor, after, PAGE)
    rows: list[Payment] = list(page.items)
    return render(
        request,
        "payments.html",
        section="payments",
        rows=rows,
        names=client_names(ledger, me.actor, (p.client_id for p in rows)),
        badges=of_records(ledger, me.actor, Kind.PAYMENT, [p.id for p in rows]),
        next_cursor=page.next_cursor,
        flash=said,
    )


def _open_bills(request: Request, me: Any, client_id: int, also: list[int]) -> list[Bill]:
    """The client's bills that owe, and those the payment is already on."""
    ledger = request.app.state.ledger
    found = every(bills.list_bills, ledger, me.actor, client_id, BillState.approved)
    out: list[Bill] = [b for b in found if b.balance > 0]
    for bill_id in also:
        if all(b.id != bill_id for b in out):
            with suppress(NotFound):
                out.append(bills.get_bill(ledger, me.actor, bill_id))
    return sorted(out, key=lambda b: b.id)


def _allocations(form: Any, bill_ids: list[int]) -> list[dict[str, Any]]:
    out = []
    for bill_id in bill_ids:
        value = form.get(f"alloc-{bill_id}")
        if isinstance(value, str) and value.strip():
            out.append({"bill_id": bill_id, "amount": value.strip()})
    return out


def _invalid(invalid: ValidationError, allocations: list[dict[str, Any]]) -> dict[str, str]:
    """The command's errors; one allocation's, beside its bill's amount."""
    errors = {}
    for key, message in errors_of(invalid)[0].items():
        parts = key.split(".")  # "allocations.0.amount"
        if len(parts) == 3 and parts[0] == "allocations" and parts[1].isdigit():
            key = f"alloc-{allocations[int(parts[1])]['bill_id']}"
        errors[key] = message
    return errors


def _form_page(
    request: Request,
    me: Any,
    *,
    client_id: int | None,
    values: dict[str, Any],
    payment: Payment | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    client_q: str = "",
) -> Response:
    ledger = request.app.state.ledger
    open_bills: list[Bill] = []
    matters: list[Any] = []
    client = ""
    if client_id is not None:
        also = [a.bill_id for a in payment.allocations] if payment else []
        open_bills = _open_bills(request, me, client_id, also)
        matters = every(contacts.list_matters, ledger, me.actor, client_id)
        client = client_names(ledger, me.actor, [client_id])[client_id]
    return render(
        request,
        "payment_form.html",
        status,
        section="payments",
        payment=payment,
        client_id=client_id,
        client=client,
        clients=client_choices(ledger, me.actor, client_q) if client_id is None else None,
        open_bills=open_bills,
        matters=matters,
        accounts=every(client_funds.list_accounts, ledger, me.actor),
        methods=list(PaymentMethod),
        sources=list(PaymentSource),
        values=values,
        errors=errors or {},
    )


@router.get("/payments/new", response_class=HTMLResponse)
def new_payment_page(
    request: Request,
    me: session.Me,
    client_id: Annotated[str, Query(max_length=20)] = "",
    client_q: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    chosen = query_id(client_id)
    if chosen is not None:  # another firm's client is not found
        contacts.get_contact(request.app.state.ledger, me.actor, chosen)
    return _form_page(request, me, client_id=chosen, values={}, client_q=client_q)


@router.post("/payments/new", response_class=HTMLResponse)
async def create_payment(request: Request, me: session.Checked) -> Response:
    form = await request.form()
    values: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str)}
    client_id = ident(values.get("client_id", ""))
    if not isinstance(client_id, int):
        return _form_page(
            request, me, client_id=None, values={}, errors={"client_id": "Choose a client."}
        )
    contacts.get_contact(request.app.state.ledger, me.actor, client_id)
    body = filled(form, *FIELDS, "source")
    body["client_id"] = client_id
    for name in ("client_funds_account_id", "matter_id"):
        if values.get(name):
            body[name] = ident(values[name])
    open_ids = [b.id for b in _open_bills(request, me, client_id, [])]
    body["allocations"] = _allocations(form, open_ids)
    try:
        cmd = PaymentCreate.model_validate(body)
        payment = payments.create_payment(request.app.state.ledger, me.actor, cmd)
    except ValidationError as invalid:
        errors = _invalid(invalid, body["allocations"])
        return _form_page(
            request, me, client_id=client_id, values=values, errors=errors, status=422
        )
    except LawsyncError as error:
        errors, status = errors_of(error)
        return _form_page(
            request, me, client_id=client_id, values=values, errors=errors, status=status
        )
    return _to(f"/payments/{payment.id}", "Payment recorded.")


@router.get("/payments/{payment_id}", response_class=HTMLResponse)
def payment_page(
    request: Request, me: session.Me, payment_id: IdParam, said: Said = ""
) -> Response:
    ledger = request.app.state.ledger
    payment = payments.get_payment(ledger, me.actor, payment_id)
    numbers = {}
    for a in payment.allocations:
        try:
            numbers[a.bill_id] = bills.get_bill(ledger, me.actor, a.bill_id).number
        except NotFound:
            numbers[a.bill_id] = str(a.bill_id)
    return render(
        request,
        "payment.html",
        section="payments",
        payment=payment,
        client=client_names(ledger, me.actor, [payment.client_id])[payment.client_id],
        numbers=numbers,
        **sync_of(ledger, me.actor, Kind.PAYMENT, payment.id),
        flash=said,
    )


def _current_values(payment: Payment) -> dict[str, Any]:
    values: dict[str, Any] = {
        "date": payment.date.isoformat(),
        "amount": str(payment.amount),
        "method": payment.method.value,
        "reference": payment.reference,
    }
    for a in payment.allocations:
        values[f"alloc-{a.bill_id}"] = str(a.amount)
    return values


@router.get("/payments/{payment_id}/edit", response_class=HTMLResponse)
def edit_payment_page(request: Request, me: session.Me, payment_id: IdParam) -> Response:
    payment = payments.get_payment(request.app.state.ledger, me.actor, payment_id)
    return _form_page(
        request,
        me,
        client_id=payment.client_id,
        values=_current_values(payment),
        payment=payment,
    )


@router.post("/payments/{payment_id}/edit", response_class=HTMLResponse)
async def edit_payment(request: Request, me: session.Checked, payment_id: IdParam) -> Response:
    ledger = request.app.state.ledger
    payment = payments.get_payment(ledger, me.actor, payment_id)
    form = await request.form()
    values: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str)}
    body = filled(form, *FIELDS, "reason")
    if "reference" not in body:
        body["reference"] = ""
    shown = _open_bills(request, me, payment.client_id, [a.bill_id for a in payment.allocations])
    body["allocations"] = _allocations(form, [b.id for b in shown])
    try:
        cmd = PaymentUpdate.model_validate(body)
        saved = payments.update_payment(ledger, me.actor, payment_id, cmd)
    except (ValidationError, LawsyncError) as error:
        if isinstance(error, ValidationError):
            errors, status = _invalid(error, body["allocations"]), 422
        else:
            errors, status = errors_of(error)
        return _form_page(
            request,
            me,
            client_id=payment.client_id,
            values=values,
            payment=payment,
            errors=errors,
            status=status,
        )
    return _to(f"/payments/{saved.id}", "Payment saved.")


@router.get("/payments/{payment_id}/delete", response_class=HTMLResponse)
def confirm_delete(request: Request, me: session.Me, payment_id: IdParam) -> Response:
    payment = payments.get_payment(request.app.state.ledger, me.actor, payment_id)
    return render(request, "payment_delete.html", section="payments", payment=payment)


@router.post("/payments/{payment_id}/delete", response_class=HTMLResponse)
async def delete_payment(request: Request, me: session.Checked, payment_id: IdParam) -> Response:
    form = await request.form()
    reason = form.get("reason")
    payments.delete_payment(
        request.app.state.ledger,
        me.actor,
        payment_id,
        reason[:500] if isinstance(reason, str) else "",
    )
    return _to(f"/payments/{payment_id}", "Payment deleted; its bills owe that amount again.")
