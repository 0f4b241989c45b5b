"""`/client-funds`: the firm's client funds (trust) accounts, what each client holds, and each
account's transactions with its forms: deposit, disbursement, funds applied to a bill, reversal.

Every form goes through the same commands and services as the JSON API; a refusal is shown
beside its field and nothing of the form is saved. Posted entries are never edited: a
correction is a reversal, asked for with a reason on a page of its own.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from lawsync.errors import InvalidInput, LawsyncError, NotFound
from lawsync.practice.commands import (
    ChequeNumberIn,
    ClientFundsAccountCreate,
    PaymentCreate,
    TrustDeposit,
    TrustDisbursement,
    TrustReversal,
)
from lawsync.practice.fields import IdParam
from lawsync.practice.models import PaymentMethod, PaymentSource, TrustTxnKind
from lawsync.practice.services import client_funds, contacts, payments
from lawsync.sync import trust_reconciliation
from lawsync.web.api.errors import http_status
from lawsync.web.pages import session
from lawsync.web.pages.forms import (
    Choices,
    client_choices,
    client_names,
    every,
    matter_choices,
    owing_bill_choices,
)
from lawsync.web.pages.ledger_files import KIND_WORDS
from lawsync.web.pages.records import trust_badges
from lawsync.web.pages.render import render

router = APIRouter(include_in_schema=False)
PATH = "/client-funds"
PAGE = 50
PARTY_FORMS = ("deposit", "disbursement", "apply")  # the forms that pick a client and a matter
Search = Annotated[str, Query(max_length=100)]


def _account_url(account_id: int, said: str = "") -> str:
    return f"{PATH}/{account_id}" + (f"?{urlencode({'said': said})}" if said else "")


def invalid_fields(
    invalid: ValidationError, rename: dict[str, str] | None = None
) -> dict[str, str]:
    """pydantic's complaints by field name (the first one per field)."""
    out: dict[str, str] = {}
    for e in invalid.errors():
        name = ".".join(str(p) for p in e["loc"]) or "form"
        name = (rename or {}).get(name, name)
        out.setdefault(name, str(e["msg"]).removeprefix("Value error, "))
    return out


def placed(errors: dict[str, str], fields: tuple[str, ...]) -> dict[str, str]:
    """Each refusal beside its field; one naming no field of the form goes above the form."""
    out: dict[str, str] = {}
    for name, message in errors.items():
        where = name if name in fields else "form"
        out[where] = f"{out[where]} {message}" if where in out else message
    return out


def _filled(form: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """The form's non-empty values among ``names`` (an empty choice is "none"); an id chosen
    from a list is the number a command takes (anything else is left for the command to refuse).
    """
    values: dict[str, Any] = {}
    for name in names:
        value = form.get(name)
        if isinstance(value, str) and value.strip():
            value = value.strip()
            is_id = name.endswith("_id") and value.isascii() and value.isdigit()
            values[name] = int(value) if is_id else value
    return values


def _accounts(
    request: Request,
    me: Any,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    flash: str = "",
    status: int = 200,
) -> Response:
    ledger = request.app.state.ledger
    accounts = [
        client_funds.get_account_with_balance(ledger, me.actor, a.id)
        for a in every(client_funds.list_accounts, ledger, me.actor)
    ]
    held = client_funds.held_balances(ledger, me.actor)
    return render(
        request,
        "client_funds.html",
        status,
        section="client_funds",
        accounts=accounts,
        held={a.id: [h for h in held if h.account_id == a.id] for a, _ in accounts},
        admin=me.actor.role.value == "admin",
        errors=errors or {},
        values=values or {},
        flash=flash,
    )


@router.get(PATH, response_class=HTMLResponse)
def accounts_page(
    request: Request, me: session.Me, said: Annotated[str, Query(max_length=200)] = ""
) -> Response:
    return _accounts(request, me, flash=said)


ACCOUNT_FIELDS = ("name", "bank_name", "account_number_last4", "currency")


@router.post(PATH, response_class=HTMLResponse)
async def open_account(request: Request, me: session.Checked) -> Response:
    """An administrator opens a client funds account (as POST /client-funds-accounts does)."""
    values = _filled(
        await request.form(), ("name", "bank_name", "account_number_last4", "currency")
    )
    try:
        cmd = ClientFundsAccountCreate.model_validate(values)
        account = client_funds.create_account(request.app.state.ledger, me.actor, cmd)
    except ValidationError as invalid:
        errors = placed(invalid_fields(invalid), ACCOUNT_FIELDS)
        return _accounts(request, me, errors=errors, values=values, status=422)
    except LawsyncError as refused:
        errors = placed({refused.field or "form": refused.message}, ACCOUNT_FIELDS)
        return _accounts(request, me, errors=errors, values=values, status=http_status(refused))
    return RedirectResponse(_account_url(account.id, f"Account {account.name} opened."), 303)


def _account_page(
    request: Request,
    me: Any,
    account_id: int,
    *,
    after: int | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    flash: str = "",
    status: int = 200,
    client_q: str = "",
    matter_q: str = "",
) -> Response:
    ledger = request.app.state.ledger
    account, balance = client_funds.get_account_with_balance(ledger, me.actor, account_id)
    page = client_funds.list_transactions(ledger, me.actor, after, PAGE, account_id=account.id)
    values = values or {}
    clients: dict[str, Choices] = {}
    matters: dict[str, Choices] = {}
    asked: dict[Any, tuple[Choices, Choices]] = {}  # forms sent with the same choices share
    for form in PARTY_FORMS:  # each form keeps what it was sent with
        client, matter = values.get(f"{form}.client_id"), values.get(f"{form}.matter_id")
        if (client, matter) not in asked:
            client_id = client if isinstance(client, int) else None
            asked[client, matter] = (
                client_choices(ledger, me.actor, client_q, client),
                matter_choices(ledger, me.actor, matter_q, matter, client_id=client_id),
            )
        clients[form], matters[form] = asked[client, matter]
    apply_client = values.get("apply.client_id")
    payable = owing_bill_choices(
        ledger,
        me.actor,
        me.formats,
        values.get("apply.bill_id"),
        client_id=apply_client if isinstance(apply_client, int) else None,
    )
    return render(
        request,
        "client_funds_account.html",
        status,
        section="client_funds",
        account=account,
        balance=balance,
        held=client_funds.held_balances(ledger, me.actor, account.id),
        transactions=page.items,
        next_cursor=page.next_cursor,
        clients=clients,
        names=client_names(ledger, me.actor, (t.client_id for t in page.items)),
        matters=matters,
        bills=payable,
        kind_words=KIND_WORDS,
        badges=trust_badges(ledger, me.actor, [t.id for t in page.items]),
        errors=errors or {},
        values=values,
        today=me.formats.today().isoformat(),
        flash=flash,
    )


@router.get(PATH + "/{account_id}", response_class=HTMLResponse)
def account_page(
    request: Request,
    me: session.Me,
    account_id: IdParam,
    after: IdParam | None = None,
    said: Annotated[str, Query(max_length=200)] = "",
    client_q: Search = "",
    matter_q: Search = "",
) -> Response:
    return _account_page(
        request, me, account_id, after=after, flash=said, client_q=client_q, matter_q=matter_q
    )


def _refused(
    request: Request,
    me: Any,
    account_id: int,
    form_name: str,
    fields: tuple[str, ...],
    values: dict[str, Any],
    error: Any,
) -> Response:
    """The account page again, with the form as it was sent and the refusal beside its field."""
    if isinstance(error, ValidationError):
        rename = {
            "allocations.0.bill_id": "bill_id",
            "allocations.0.amount": "amount",
            "allocations": "bill_id",
        }
        errors, status = invalid_fields(error, rename), 422
    else:
        rename = {"allocations": "bill_id", "account_id": "form", "client_funds_account_id": "form"}
        field = rename.get(error.field or "form", error.field or "form")
        errors, status = {field: error.message}, http_status(error)
    errors = {f"{form_name}.{k}": v for k, v in placed(errors, fields).items()}
    values = {f"{form_name}.{k}": v for k, v in values.items()}
    return _account_page(request, me, account_id, errors=errors, values=values, status=status)


DEPOSIT_FIELDS = ("client_id", "matter_id", "amount", "date", "source", "description")
DISBURSEMENT_FIELDS = (
    "client_id",
    "matter_id",
    "amount",
    "date",
    "payee_name",
    "method",
    "cheque_number",
    "description",
)
APPLY_FIELDS = ("client_id", "matter_id", "bill_id", "amount", "date", "reference")


@router.post(PATH + "/{account_id}/deposit", response_class=HTMLResponse)
async def deposit(request: Request, me: session.Checked, account_id: IdParam) -> Response:
    values = _filled(await request.form(), DEPOSIT_FIELDS)
    try:
        cmd = TrustDeposit.model_validate({**values, "kind": "deposit", "account_id": account_id})
        txn = client_funds.record_deposit(request.app.state.ledger, me.actor, cmd)
    except (ValidationError, LawsyncError) as error:
        return _refused(request, me, account_id, "deposit", DEPOSIT_FIELDS, values, error)
    return RedirectResponse(_account_url(account_id, f"Deposit of {txn.amount:.2f} recorded."), 303)


@router.post(PATH + "/{account_id}/disbursement", response_class=HTMLResponse)
async def disbursement(request: Request, me: session.Checked, account_id: IdParam) -> Response:
    values = _filled(await request.form(), DISBURSEMENT_FIELDS)
    body = {**values, "kind": "disbursement", "account_id": account_id}
    try:
        cmd = TrustDisbursement.model_validate(body)
        txn = client_funds.record_disbursement(request.app.state.ledger, me.actor, cmd)
    except (ValidationError, LawsyncError) as error:
        return _refused(request, me, account_id, "disbursement", DISBURSEMENT_FIELDS, values, error)
    said = f"Disbursement of {-txn.amount:.2f} to {txn.payee_name} recorded."
    return RedirectResponse(_account_url(account_id, said), 303)


@router.post(PATH + "/{account_id}/apply", response_class=HTMLResponse)
async def apply_to_bill(request: Request, me: session.Checked, account_id: IdParam) -> Response:
    """Funds applied to a bill: a payment from this account, as POST /payments makes one.
    "Show the client's bills" (``pick``) sends the form back with the bills of its client."""
    form = await request.form()
    values = _filled(form, APPLY_FIELDS)
    ledger = request.app.state.ledger
    account = client_funds.get_account(ledger, me.actor, account_id)  # another firm's: 404
    if form.get("pick") is not None:
        kept = {f"apply.{k}": v for k, v in values.items()}
        return _account_page(request, me, account_id, values=kept)
    body = {
        "client_id": values.get("client_id"),
        "matter_id": values.get("matter_id"),
        "date": values.get("date"),
        "amount": values.get("amount"),
        "reference": values.get("reference", ""),
        "method": PaymentMethod.trust_transfer,
        "source": PaymentSource.client_funds,
        "client_funds_account_id": account_id,
        "allocations": [{"bill_id": values.get("bill_id"), "amount": values.get("amount")}],
    }
    try:
        cmd = PaymentCreate.model_validate({k: v for k, v in body.items() if v is not None})
        payment = payments.create_payment(ledger, me.actor, cmd)
    except (ValidationError, LawsyncError) as error:
        return _refused(request, me, account_id, "apply", APPLY_FIELDS, values, error)
    amount = me.formats.money(payment.amount, account.currency)
    said = f"{amount} applied to the bill (payment {payment.id})."
    return RedirectResponse(_account_url(account_id, said), 303)


def _reversal_page(
    request: Request,
    me: Any,
    account_id: int,
    txn_id: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    ledger = request.app.state.ledger
    account = client_funds.get_account(ledger, me.actor, account_id)
    txn = client_funds.get_transaction(ledger, me.actor, txn_id)
    if txn.account_id != account.id:
        raise _not_here()
    client = contacts.get_contact(ledger, me.actor, txn.client_id)
    return render(
        request,
        "client_funds_reverse.html",
        status,
        section="client_funds",
        account=account,
        txn=txn,
        client=client,
        kind_words=KIND_WORDS,
        applied=txn.kind == TrustTxnKind.payment_applied,
        errors=errors or {},
        values=values or {},
        today=me.formats.today().isoformat(),
    )


def _not_here() -> LawsyncError:
    return NotFound("No such transaction in this account.")


@router.get(PATH + "/{account_id}/transactions/{txn_id}/reverse", response_class=HTMLResponse)
def confirm_reversal(
    request: Request, me: session.Me, account_id: IdParam, txn_id: IdParam
) -> Response:
    return _reversal_page(request, me, account_id, txn_id)


REVERSAL_FIELDS = ("reason", "date", "confirm")


@router.post(PATH + "/{account_id}/transactions/{txn_id}/reverse", response_class=HTMLResponse)
async def reverse(
    request: Request, me: session.Checked, account_id: IdParam, txn_id: IdParam
) -> Response:
    form = await request.form()
    values = _filled(form, REVERSAL_FIELDS[:2])
    ledger = request.app.state.ledger
    txn = client_funds.get_transaction(ledger, me.actor, txn_id)
    if txn.account_id != account_id:
        raise _not_here()
    try:
        if form.get("confirm") != "yes":
            raise _unconfirmed()
        cmd = TrustReversal.model_validate(values)
        reversal = client_funds.reverse_transaction(ledger, me.actor, txn_id, cmd)
    except ValidationError as invalid:
        errors = placed(invalid_fields(invalid), REVERSAL_FIELDS)
        return _reversal_page(
            request, me, account_id, txn_id, errors=errors, values=values, status=422
        )
    except LawsyncError as refused:
        errors = placed({refused.field or "form": refused.message}, REVERSAL_FIELDS)
        return _reversal_page(
            request,
            me,
            account_id,
            txn_id,
            errors=errors,
            values=values,
            status=http_status(refused),
        )
    said = f"Transaction {txn_id} reversed by transaction {reversal.id}."
    return RedirectResponse(_account_url(account_id, said), 303)


def _unconfirmed() -> LawsyncError:
    return InvalidInput(
        "Tick the box to confirm the reversal; it cannot be undone.", field="confirm"
    )


@router.post(
    PATH + "/{account_id}/transactions/{txn_id}/cheque-number", response_class=HTMLResponse
)
async def number_cheque(
    request: Request, me: session.Checked, account_id: IdParam, txn_id: IdParam
) -> Response:
    """A cheque printed after its disbursement was recorded gets its number; nothing else moves."""
    values = _filled(await request.form(), ("cheque_number",))
    ledger = request.app.state.ledger
    txn = client_funds.get_transaction(ledger, me.actor, txn_id)
    if txn.account_id != account_id:
        raise _not_here()
    try:
        cmd = ChequeNumberIn.model_validate(values)
        client_funds.set_cheque_number(ledger, me.actor, txn_id, cmd)
    except (ValidationError, LawsyncError) as error:
        return _refused(
            request, me, account_id, f"cheque-{txn_id}", ("cheque_number",), values, error
        )
    said = f"Transaction {txn_id} is cheque {cmd.cheque_number}."
    return RedirectResponse(_account_url(account_id, said), 303)


@router.get(PATH + "/{account_id}/reconciliation", response_class=HTMLResponse)
async def reconciliation_page(request: Request, me: session.Me, account_id: IdParam) -> Response:
    """Both sides of the account, read from QuickBooks now; a refusal is shown on the page."""
    ledger = request.app.state.ledger
    account = client_funds.get_account(ledger, me.actor, account_id)  # another firm's: 404
    found, refused, code = None, "", ""
    try:
        found = await trust_reconciliation.reconcile_now(
            ledger, me.actor, account_id, request.app.state.settings
        )
    except LawsyncError as error:
        refused, code = error.message, error.code
    return render(
        request,
        "reconciliation.html",
        section="client_funds",
        account_id=account.id,
        name=account.name,
        r=found,
        refused=refused,
        refused_code=code,
    )
