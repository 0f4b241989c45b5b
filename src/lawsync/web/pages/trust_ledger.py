"""`/client-funds/transfers`, bank statements and month end: the trust ledger's pages beyond the
accounts' own (`client_funds`).

- Transfers: the transfer journal, the form to move money between matters, clients or accounts,
  and the confirmation that reverses a transfer.
- Bank statements: per account, enter a statement's closing balance or import a CSV or OFX file;
  a statement's lines, matched automatically, matched or unmatched by hand.
- Month end: the three-way reconciliation of an account for a month as the books stand, the
  form that prepares it, and the approval (another administrator) that closes the month, or the
  reopening.

Every form goes through the commands and services of the JSON API; a refusal is shown beside its
field, with nothing saved.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from lawsync.errors import InvalidInput, LawsyncError
from lawsync.practice.commands import (
    BankStatementEntry,
    BankStatementImport,
    ReconciliationPrepare,
    ReconciliationReopen,
    StatementMatch,
    TrustReversal,
    TrustTransferCreate,
)
from lawsync.practice.fields import IdParam
from lawsync.practice.models import ReconciliationState
from lawsync.practice.services import (
    bank_statements,
    client_funds,
    contacts,
    trust_month_end,
    trust_records_data,
    trust_transfers,
)
from lawsync.web.api.errors import http_status
from lawsync.web.pages import session
from lawsync.web.pages.client_funds import invalid_fields, placed
from lawsync.web.pages.forms import client_choices, every, matter_choices, query_id
from lawsync.web.pages.ledger_files import KIND_WORDS
from lawsync.web.pages.render import render

router = APIRouter(include_in_schema=False)
PATH = "/client-funds"
Said = Annotated[str, Query(max_length=200)]
Search = Annotated[str, Query(max_length=100)]
MonthParam = Annotated[str, Query(max_length=7)]
UPLOAD_LIMIT = 5_000_000


def _to(path: str, said: str) -> RedirectResponse:
    return RedirectResponse(f"{path}?{urlencode({'said': said})}", 303)


def _errors(error: Exception, fields: tuple[str, ...]) -> tuple[dict[str, str], int]:
    if isinstance(error, ValidationError):
        return placed(invalid_fields(error), fields), 422
    assert isinstance(error, LawsyncError)
    return placed({error.field or "form": error.message}, fields), http_status(error)


def _text(form: Any, names: tuple[str, ...]) -> dict[str, str]:
    return {n: v.strip() for n in names if isinstance(v := form.get(n), str) and v.strip()}


def _ids(values: dict[str, str]) -> dict[str, Any]:
    """An id chosen from a list is the number a command takes."""
    return {
        k: int(v) if k.endswith("_id") and v.isascii() and v.isdigit() else v
        for k, v in values.items()
    }


# Transfers --------------------------------------------------------------------------------

TRANSFER_FIELDS = (
    "from",
    "to_account_id",
    "to_client_id",
    "to_matter_id",
    "amount",
    "date",
    "reason",
)


def _transfers_page(
    request: Request,
    me: Any,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    flash: str = "",
    status: int = 200,
    client_q: str = "",
    matter_q: str = "",
) -> Response:
    ledger = request.app.state.ledger
    accounts = every(client_funds.list_accounts, ledger, me.actor)
    names = {a.id: a.name for a in accounts}
    values = values or {}
    # The pickers search among every client and matter (a firm may have thousands): the
    # first matches are listed, with the one chosen, and typing asks /pick/ for more.
    to_client = query_id(values.get("to_client_id", ""))
    return render(
        request,
        "trust_transfers.html",
        status,
        section="client_funds",
        journal=trust_records_data.transfer_journal(ledger, me.actor),
        accounts=accounts,
        account_names=names,
        held=client_funds.held_balances(ledger, me.actor),
        clients=client_choices(ledger, me.actor, client_q, to_client),
        matters=matter_choices(
            ledger,
            me.actor,
            matter_q,
            query_id(values.get("to_matter_id", "")),
            client_id=to_client,
        ),
        errors=errors or {},
        values=values,
        flash=flash,
        today=me.formats.today().isoformat(),
    )


@router.get(PATH + "/transfers", response_class=HTMLResponse)
def transfers_page(
    request: Request,
    me: session.Me,
    said: Said = "",
    client_q: Search = "",
    matter_q: Search = "",
    to_client_id: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """Without JavaScript, a picker's "Find" asks the page again with its search."""
    values = {"to_client_id": to_client_id} if to_client_id else None
    return _transfers_page(
        request, me, flash=said, values=values, client_q=client_q, matter_q=matter_q
    )


@router.post(PATH + "/transfers", response_class=HTMLResponse)
async def make_transfer(request: Request, me: session.Checked) -> Response:
    values = _text(await request.form(), TRANSFER_FIELDS)
    body: dict[str, Any] = _ids({k: v for k, v in values.items() if k != "from"})
    source = values.get("from", "").split("-")
    try:
        if len(source) != 3 or not all(p.isdigit() for p in source):
            raise InvalidInput("Choose the ledger the money comes from.", field="from")
        account, client, matter = (int(p) for p in source)
        body |= {"from_account_id": account, "from_client_id": client}
        if matter:
            body["from_matter_id"] = matter
        cmd = TrustTransferCreate.model_validate(body)
        done = trust_transfers.record_transfer(request.app.state.ledger, me.actor, cmd)
    except (ValidationError, LawsyncError) as error:
        rename = {"from_account_id": "from", "from_client_id": "from", "from_matter_id": "from"}
        errors, status = _errors(error, TRANSFER_FIELDS + tuple(rename))
        errors = {rename.get(k, k): v for k, v in errors.items()}
        return _transfers_page(request, me, errors=errors, values=values, status=status)
    return _to(PATH + "/transfers", f"Transfer {done.id} of {done.amount:.2f} recorded.")


def _reverse_page(
    request: Request,
    me: Any,
    transfer_id: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    ledger = request.app.state.ledger
    transfer = trust_transfers.get_transfer(ledger, me.actor, transfer_id)
    # The journal of the transfer's own account and day: the one row, without the whole journal.
    day = trust_records_data.transfer_journal(
        ledger, me.actor, transfer.from_account_id, transfer.date, transfer.date
    )
    row = next(r for r in day.rows if r.id == transfer.id)
    return render(
        request,
        "trust_transfer_reverse.html",
        status,
        section="client_funds",
        transfer=transfer,
        row=row,
        errors=errors or {},
        values=values or {},
        today=me.formats.today().isoformat(),
    )


@router.get(PATH + "/transfers/{transfer_id}/reverse", response_class=HTMLResponse)
def confirm_transfer_reversal(request: Request, me: session.Me, transfer_id: IdParam) -> Response:
    return _reverse_page(request, me, transfer_id)


@router.post(PATH + "/transfers/{transfer_id}/reverse", response_class=HTMLResponse)
async def reverse_transfer(request: Request, me: session.Checked, transfer_id: IdParam) -> Response:
    form = await request.form()
    values = _text(form, ("reason", "date"))
    fields = ("reason", "date", "confirm")
    try:
        if form.get("confirm") != "yes":
            raise InvalidInput(
                "Tick the box to confirm the reversal; it cannot be undone.", field="confirm"
            )
        cmd = TrustReversal.model_validate(values)
        trust_transfers.reverse_transfer(request.app.state.ledger, me.actor, transfer_id, cmd)
    except (ValidationError, LawsyncError) as error:
        errors, status = _errors(error, fields)
        return _reverse_page(request, me, transfer_id, errors=errors, values=values, status=status)
    return _to(PATH + "/transfers", f"Transfer {transfer_id} reversed.")


# Bank statements ------------------------------------------------------------------------

ENTER_FIELDS = ("statement_date", "closing_balance")
IMPORT_FIELDS = (
    "file",
    "format",
    "statement_date",
    "closing_balance",
    "date_column",
    "date_format",
    "amount_column",
    "debit_column",
    "credit_column",
    "description_column",
    "cheque_column",
    "reference_column",
)


def _statements_page(
    request: Request,
    me: Any,
    account_id: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    flash: str = "",
    status: int = 200,
) -> Response:
    ledger = request.app.state.ledger
    account = client_funds.get_account(ledger, me.actor, account_id)
    return render(
        request,
        "trust_statements.html",
        status,
        section="client_funds",
        account=account,
        statements=bank_statements.statements(ledger, me.actor, account.id),
        errors=errors or {},
        values=values or {},
        flash=flash,
        today=me.formats.today().isoformat(),
    )


@router.get(PATH + "/{account_id}/statements", response_class=HTMLResponse)
def statements_page(
    request: Request, me: session.Me, account_id: IdParam, said: Said = ""
) -> Response:
    return _statements_page(request, me, account_id, flash=said)


@router.post(PATH + "/{account_id}/statements", response_class=HTMLResponse)
async def enter_statement(request: Request, me: session.Checked, account_id: IdParam) -> Response:
    values = _text(await request.form(), ENTER_FIELDS)
    try:
        cmd = BankStatementEntry.model_validate({**values, "account_id": account_id})
        done = bank_statements.enter_statement(request.app.state.ledger, me.actor, cmd)
    except (ValidationError, LawsyncError) as error:
        errors, status = _errors(error, ENTER_FIELDS)
        errors = {f"enter.{k}": v for k, v in errors.items()}
        return _statements_page(
            request,
            me,
            account_id,
            errors=errors,
            values={f"enter.{k}": v for k, v in values.items()},
            status=status,
        )
    return _to(f"{PATH}/{account_id}/statements", f"Statement of {done.statement_date} entered.")


@router.post(PATH + "/{account_id}/statements/import", response_class=HTMLResponse)
async def import_statement(request: Request, me: session.Checked, account_id: IdParam) -> Response:
    form = await request.form()
    values = _text(form, IMPORT_FIELDS[1:])
    upload = form.get("file")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InvalidInput("Choose the statement file.", field="file")
        raw = await upload.read(UPLOAD_LIMIT + 1)
        if len(raw) > UPLOAD_LIMIT:
            raise InvalidInput("The file is larger than 5 MB.", field="file")
        try:
            content = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            content = raw.decode("cp1252", errors="replace")
        body = {**values, "account_id": account_id, "content": content}
        body["filename"] = upload.filename[:200]
        cmd = BankStatementImport.model_validate(body)
        done = bank_statements.import_statement(request.app.state.ledger, me.actor, cmd)
    except (ValidationError, LawsyncError) as error:
        errors, status = _errors(error, IMPORT_FIELDS)
        errors = {
            ("import.file" if k == "import.content" else k): v
            for k, v in {f"import.{k}": v for k, v in errors.items()}.items()
        }
        return _statements_page(
            request,
            me,
            account_id,
            errors=errors,
            values={f"import.{k}": v for k, v in values.items()},
            status=status,
        )
    said = (
        f"Statement of {done.statement.statement_date} imported: {done.lines} lines, "
        f"{done.matched} matched."
    )
    return _to(f"{PATH}/statements/{done.statement.id}", said)


def _statement_page(
    request: Request,
    me: Any,
    statement_id: int,
    *,
    errors: dict[str, str] | None = None,
    flash: str = "",
    status: int = 200,
) -> Response:
    ledger = request.app.state.ledger
    statement, lines = bank_statements.statement_with_lines(ledger, me.actor, statement_id)
    account = client_funds.get_account(ledger, me.actor, statement.account_id)
    waiting = bank_statements.unmatched_transactions(
        ledger, me.actor, account.id, statement.statement_date + dt.timedelta(days=31)
    )
    candidates = {
        line.id: [t for t in waiting if t.amount == line.amount]
        for line in lines
        if line.matched_txn_id is None
    }
    return render(
        request,
        "trust_statement.html",
        status,
        section="client_funds",
        account=account,
        statement=statement,
        lines=lines,
        candidates=candidates,
        names=contacts.display_names(ledger, me.actor, list({t.client_id for t in waiting})),
        kind_words=KIND_WORDS,
        errors=errors or {},
        flash=flash,
    )


@router.get(PATH + "/statements/{statement_id}", response_class=HTMLResponse)
def statement_page(
    request: Request, me: session.Me, statement_id: IdParam, said: Said = ""
) -> Response:
    return _statement_page(request, me, statement_id, flash=said)


@router.post(PATH + "/statement-lines/{line_id}/match", response_class=HTMLResponse)
async def match_line(request: Request, me: session.Checked, line_id: IdParam) -> Response:
    values = _ids(_text(await request.form(), ("txn_id", "statement_id")))
    statement_id = values.get("statement_id")
    if not isinstance(statement_id, int):
        raise InvalidInput("The form lost its statement; reload the page.", field="statement_id")
    try:
        cmd = StatementMatch.model_validate({"txn_id": values.get("txn_id")})
        bank_statements.match_line(request.app.state.ledger, me.actor, line_id, cmd)
    except (ValidationError, LawsyncError) as error:
        errors, status = _errors(error, ("txn_id",))
        errors = {f"line-{line_id}": " ".join(errors.values())}
        return _statement_page(request, me, statement_id, errors=errors, status=status)
    return _to(f"{PATH}/statements/{statement_id}", f"Line {line_id} matched.")


@router.post(PATH + "/statement-lines/{line_id}/unmatch", response_class=HTMLResponse)
async def unmatch_line(request: Request, me: session.Checked, line_id: IdParam) -> Response:
    values = _ids(_text(await request.form(), ("statement_id",)))
    statement_id = values.get("statement_id")
    if not isinstance(statement_id, int):
        raise InvalidInput("The form lost its statement; reload the page.", field="statement_id")
    try:
        bank_statements.unmatch_line(request.app.state.ledger, me.actor, line_id)
    except LawsyncError as error:
        return _statement_page(
            request,
            me,
            statement_id,
            errors={f"line-{line_id}": error.message},
            status=http_status(error),
        )
    return _to(f"{PATH}/statements/{statement_id}", f"Line {line_id} unmatched.")


# Month end --------------------------------------------------------------------------------


def _last_month(today: dt.date) -> str:
    return (today.replace(day=1) - dt.timedelta(days=1)).isoformat()[:7]


def _month_end_page(
    request: Request,
    me: Any,
    account_id: int,
    month: str,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    flash: str = "",
    status: int = 200,
) -> Response:
    ledger = request.app.state.ledger
    account = client_funds.get_account(ledger, me.actor, account_id)
    month = month or _last_month(me.formats.today())
    try:
        record = trust_records_data.three_way(ledger, me.actor, account.id, month)
    except LawsyncError as bad:
        errors = {**(errors or {}), "month": bad.message}
        month = _last_month(me.formats.today())
        record = trust_records_data.three_way(ledger, me.actor, account.id, month)
        status = 422 if status == 200 else status
    history = trust_month_end.reconciliations(ledger, me.actor, account.id)
    return render(
        request,
        "trust_month_end.html",
        status,
        section="client_funds",
        account=account,
        month=month,
        record=record,
        t=record.figures,
        history=history,
        states=ReconciliationState,
        kind_words=KIND_WORDS,
        admin=me.actor.role.value == "admin",
        me_id=me.actor.user_id,
        errors=errors or {},
        values=values or {},
        flash=flash,
    )


@router.get(PATH + "/{account_id}/month-end", response_class=HTMLResponse)
def month_end_page(
    request: Request, me: session.Me, account_id: IdParam, month: MonthParam = "", said: Said = ""
) -> Response:
    return _month_end_page(request, me, account_id, month, flash=said)


@router.post(PATH + "/{account_id}/month-end", response_class=HTMLResponse)
async def prepare(request: Request, me: session.Checked, account_id: IdParam) -> Response:
    values = _text(await request.form(), ("month", "explanation"))
    month = values.get("month", "")
    try:
        cmd = ReconciliationPrepare.model_validate({**values, "account_id": account_id})
        trust_month_end.prepare(request.app.state.ledger, me.actor, cmd)
    except (ValidationError, LawsyncError) as error:
        errors, status = _errors(error, ("month", "explanation", "statement_id"))
        shown = month if len(month) == 7 else ""
        return _month_end_page(
            request, me, account_id, shown, errors=errors, values=values, status=status
        )
    said = f"{month} prepared; another administrator approves it to close the month."
    return RedirectResponse(
        f"{PATH}/{account_id}/month-end?{urlencode({'month': month, 'said': said})}", 303
    )


async def _decide(request: Request, me: Any, rec_id: int, action: str) -> Response:
    ledger = request.app.state.ledger
    rec = trust_month_end.get_reconciliation(ledger, me.actor, rec_id)
    month = rec.month.isoformat()[:7]
    values = _text(await request.form(), ("reason",))
    try:
        if action == "approve":
            trust_month_end.approve(ledger, me.actor, rec_id)
            said = f"{month} approved: the month is closed."
        else:
            cmd = ReconciliationReopen.model_validate(values)
            trust_month_end.reopen(ledger, me.actor, rec_id, cmd)
            said = f"{month} reopened."
    except (ValidationError, LawsyncError) as error:
        errors, status = _errors(error, ("reason",))
        errors = {f"rec-{rec_id}": " ".join(errors.values())}
        return _month_end_page(
            request, me, rec.account_id, month, errors=errors, values=values, status=status
        )
    return RedirectResponse(
        f"{PATH}/{rec.account_id}/month-end?{urlencode({'month': month, 'said': said})}", 303
    )


@router.post(PATH + "/reconciliations/{rec_id}/approve", response_class=HTMLResponse)
async def approve(request: Request, me: session.Checked, rec_id: IdParam) -> Response:
    return await _decide(request, me, rec_id, "approve")


@router.post(PATH + "/reconciliations/{rec_id}/reopen", response_class=HTMLResponse)
async def reopen(request: Request, me: session.Checked, rec_id: IdParam) -> Response:
    return await _decide(request, me, rec_id, "reopen")
