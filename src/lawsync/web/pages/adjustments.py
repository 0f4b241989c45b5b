"""Credit notes and interest charges: made from a bill's page, listed, viewed with their sync
badge, and voided after a confirmation, as the API allows."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote_plus

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from lawsync.errors import LawsyncError
from lawsync.practice.commands import CreditNoteCreate, InterestChargeCreate
from lawsync.practice.fields import IdParam
from lawsync.practice.services import adjustments, bills
from lawsync.sync.kinds import Kind
from lawsync.sync.record_status import of_records
from lawsync.web.pages import session
from lawsync.web.pages.forms import PAGE, client_names, errors_of, filled
from lawsync.web.pages.records import sync_of
from lawsync.web.pages.render import render

router = APIRouter(include_in_schema=False)
Said = Annotated[str, Query(max_length=200)]


class Sort:
    """What differs between credit notes and interest charges on their pages."""

    def __init__(self, kind: Kind, path: str, title: str, fields: tuple[str, ...]) -> None:
        self.kind, self.path, self.title, self.fields = kind, path, title, fields


NOTE = Sort(Kind.CREDIT_NOTE, "/credit-notes", "Credit note", ("amount", "date", "reason"))
CHARGE = Sort(
    Kind.INTEREST_CHARGE, "/interest-charges", "Interest charge", ("rate", "charged_on", "note")
)


def _to(path: str, said: str) -> RedirectResponse:
    return RedirectResponse(f"{path}?said={quote_plus(said)}", 303)


def _list(
    request: Request, me: Any, sort: Sort, bill_id: int | None, after: int | None, said: str
) -> Response:
    ledger = request.app.state.ledger
    listing = adjustments.list_credit_notes if sort is NOTE else adjustments.list_interest_charges
    page = listing(ledger, me.actor, after, PAGE, bill_id)
    rows = list(page.items)
    return render(
        request,
        "adjustments.html",
        section="bills",
        sort=sort,
        rows=rows,
        names=client_names(ledger, me.actor, (r.client_id for r in rows)),
        badges=of_records(ledger, me.actor, sort.kind, [r.id for r in rows]),
        bill_id=bill_id,
        next_cursor=page.next_cursor,
        flash=said,
    )


def _one(
    request: Request, me: Any, sort: Sort, ident: int, said: str = "", confirm: bool = False
) -> Response:
    ledger = request.app.state.ledger
    getter = adjustments.get_credit_note if sort is NOTE else adjustments.get_interest_charge
    row = getter(ledger, me.actor, ident)
    bill = bills.get_bill(ledger, me.actor, row.bill_id)
    return render(
        request,
        "adjustment_void.html" if confirm else "adjustment.html",
        section="bills",
        sort=sort,
        row=row,
        bill=bill,
        client=client_names(ledger, me.actor, [row.client_id])[row.client_id],
        **sync_of(ledger, me.actor, sort.kind, row.id),
        flash=said,
    )


def _void(request: Request, me: Any, sort: Sort, ident: int, reason: Any) -> Response:
    ledger = request.app.state.ledger
    voiding = adjustments.void_credit_note if sort is NOTE else adjustments.void_interest_charge
    row = voiding(ledger, me.actor, ident, reason[:500] if isinstance(reason, str) else "")
    return _to(f"{sort.path}/{row.id}", f"{sort.title} {row.number} voided.")


def _new_page(
    request: Request,
    me: Any,
    sort: Sort,
    bill_id: int,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    bill = bills.get_bill(request.app.state.ledger, me.actor, bill_id)
    return render(
        request,
        "adjustment_new.html",
        status,
        section="bills",
        sort=sort,
        bill=bill,
        values=values,
        errors=errors or {},
    )


async def _create(request: Request, me: Any, sort: Sort, bill_id: int) -> Response:
    ledger = request.app.state.ledger
    bills.get_bill(ledger, me.actor, bill_id)  # another firm's bill is not found
    form = await request.form()
    values = filled(form, *sort.fields)
    body = {**values, "bill_id": bill_id}
    try:
        if sort is NOTE:
            row: Any = adjustments.create_credit_note(
                ledger, me.actor, CreditNoteCreate.model_validate(body)
            )
        else:
            row = adjustments.create_interest_charge(
                ledger, me.actor, InterestChargeCreate.model_validate(body)
            )
    except ValidationError as invalid:
        return _new_page(request, me, sort, bill_id, values, errors_of(invalid)[0], 422)
    except LawsyncError as error:
        errors, status = errors_of(error)
        return _new_page(request, me, sort, bill_id, values, errors, status)
    return _to(f"{sort.path}/{row.id}", f"{sort.title} {row.number} made.")


def _register(sort: Sort, dated: str) -> None:
    """The pages of one sort: its list, a new one from a bill, one, and voiding it; ``dated``
    is the form's date field, which starts at today."""

    def listing(
        request: Request,
        me: session.Me,
        bill_id: IdParam | None = None,
        after: IdParam | None = None,
        said: Said = "",
    ) -> Response:
        return _list(request, me, sort, bill_id, after, said)

    def new_page(request: Request, me: session.Me, bill_id: IdParam) -> Response:
        return _new_page(request, me, sort, bill_id, {dated: me.formats.today().isoformat()})

    async def create(request: Request, me: session.Checked, bill_id: IdParam) -> Response:
        return await _create(request, me, sort, bill_id)

    def one(request: Request, me: session.Me, ident: IdParam, said: Said = "") -> Response:
        return _one(request, me, sort, ident, said)

    def confirm_void(request: Request, me: session.Me, ident: IdParam) -> Response:
        return _one(request, me, sort, ident, confirm=True)

    async def void(request: Request, me: session.Checked, ident: IdParam) -> Response:
        form = await request.form()
        return _void(request, me, sort, ident, form.get("reason"))

    add, page = router.add_api_route, HTMLResponse
    add(sort.path, listing, methods=["GET"], response_class=page)
    add(f"/bills/{{bill_id}}{sort.path}/new", new_page, methods=["GET"], response_class=page)
    add(f"/bills/{{bill_id}}{sort.path}/new", create, methods=["POST"], response_class=page)
    add(f"{sort.path}/{{ident}}", one, methods=["GET"], response_class=page)
    add(f"{sort.path}/{{ident}}/void", confirm_void, methods=["GET"], response_class=page)
    add(f"{sort.path}/{{ident}}/void", void, methods=["POST"])


_register(NOTE, "date")
_register(CHARGE, "charged_on")
