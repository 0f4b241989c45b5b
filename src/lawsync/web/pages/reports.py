"""`/reports/client-funds-ledger`: the client funds ledger report, as a page and as CSV and PDF.

The figures come from `reports.client_funds_ledger`, the service behind the JSON API's
`GET /client-funds-accounts/{id}/ledger`; the page, the CSV and the PDF lay out the same report.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lawsync.errors import InvalidInput, LawsyncError
from lawsync.practice.fields import Date, IdParam
from lawsync.practice.services import client_funds, reports
from lawsync.web.api.errors import http_status
from lawsync.web.pages import ledger_files, session
from lawsync.web.pages.client_funds import invalid_fields, placed
from lawsync.web.pages.forms import client_choices, every, matter_choices, query_id
from lawsync.web.pages.render import render

router = APIRouter(include_in_schema=False)
PATH = "/reports/client-funds-ledger"
FIELDS = ("account_id", "client_id", "matter_id", "from", "to")


class LedgerParams(BaseModel):
    """The report's parameters as a GET form sends them (an empty field is "any")."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    account_id: IdParam | None = None
    client_id: IdParam | None = None
    matter_id: IdParam | None = None
    date_from: Date | None = Field(default=None, alias="from")
    date_to: Date | None = Field(default=None, alias="to")


def _file(body: str | bytes, media_type: str, name: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body, media_type=media_type, headers=headers)


@router.get(PATH, response_class=HTMLResponse)
def ledger_report(
    request: Request,
    me: session.Me,
    output: Annotated[Literal["html", "csv", "pdf"], Query(alias="format")] = "html",
) -> Response:
    ledger = request.app.state.ledger
    searches = ("client_q", "matter_q")  # what narrows the pickers, not the report
    sent = {
        k: v.strip()
        for k, v in request.query_params.items()
        if v.strip() and k != "format" and k not in searches
    }
    asked = {k: request.query_params.get(k, "")[:100] for k in searches}
    accounts = every(client_funds.list_accounts, ledger, me.actor)
    client, matter = sent.get("client_id", ""), sent.get("matter_id", "")
    matters_of = query_id(client)
    context: dict[str, Any] = {
        "section": "reports",
        "accounts": accounts,
        "clients": client_choices(ledger, me.actor, asked["client_q"], client),
        "matters": matter_choices(
            ledger, me.actor, asked["matter_q"], matter, client_id=matters_of
        ),
        "values": sent,
        "errors": {},
        "report": None,
        "kind_words": ledger_files.KIND_WORDS,
    }
    try:
        params = LedgerParams.model_validate(sent)
        account_id = params.account_id or (accounts[0].id if accounts else None)
        if account_id is None:
            return render(request, "report_client_funds.html", **context)
        report = reports.client_funds_ledger(
            ledger,
            me.actor,
            account_id,
            params.date_from,
            params.date_to,
            params.client_id,
            params.matter_id,
        )
    except ValidationError as invalid:
        if output != "html":
            message = next(iter(invalid_fields(invalid).values()), "invalid")
            raise InvalidInput(f"The report's parameters are not valid: {message}") from None
        context["errors"] = placed(invalid_fields(invalid), FIELDS)
        return render(request, "report_client_funds.html", 422, **context)
    except LawsyncError as refused:
        if output != "html" or refused.field is None:
            raise
        context["errors"] = placed({refused.field: refused.message}, FIELDS)
        return render(request, "report_client_funds.html", http_status(refused), **context)
    if output == "csv":
        name = ledger_files.filename(report, "csv")
        return _file(ledger_files.as_csv(report), "text/csv; charset=utf-8", name)
    if output == "pdf":
        name = ledger_files.filename(report, "pdf")
        return _file(ledger_files.as_pdf(report), "application/pdf", name)
    context["values"] = {"account_id": str(account_id), **sent}
    query = urlencode(context["values"])
    return render(
        request,
        "report_client_funds.html",
        report=report,
        period=ledger_files.period(report),
        query=query,
        **{k: v for k, v in context.items() if k != "report"},
    )
