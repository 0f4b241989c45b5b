"""`/reports/`: the trust records, each as a page with its parameters and CSV and PDF downloads.

The page lays out the same `Record` the API returns (`lawsync.reports`); the downloads are the
API's files. Very long records show their first rows and say so: the files hold every row.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lawsync.errors import InvalidInput, LawsyncError, NotFound
from lawsync.practice.fields import Date, IdParam
from lawsync.practice.services import client_funds
from lawsync.reports import records as _records  # noqa: F401 - registers the records
from lawsync.reports import registry
from lawsync.reports.record import Cell, Column, ColumnType, RecordParams, Total
from lawsync.web.api.errors import http_status
from lawsync.web.api.routes.trust_records import file_response
from lawsync.web.pages import session
from lawsync.web.pages.client_funds import invalid_fields, placed
from lawsync.web.pages.forms import client_choices, every
from lawsync.web.pages.render import render

router = APIRouter(include_in_schema=False)
FIELDS = ("account_id", "client_id", "from", "to", "as_of")
SHOWN_ROWS = 2000  # a page with more rows than this shows these and points to the files


class RecordForm(BaseModel):
    """The parameters as a GET form sends them (an empty field is "not given")."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    account_id: IdParam | None = None
    client_id: IdParam | None = None
    date_from: Date | None = Field(default=None, alias="from")
    date_to: Date | None = Field(default=None, alias="to")
    as_of: Date | None = None


def _total_line(columns: tuple[Column, ...], total: Total) -> list[tuple[Cell, bool]]:
    """A total's cells in the record's columns, its label in the first empty text column:
    (value, is the label)."""
    values: list[Cell] = [total.values.get(c.key) for c in columns]
    at = next(
        (i for i, c in enumerate(columns) if c.type is ColumnType.text and values[i] is None), 0
    )
    values[at] = total.label
    return [(v, i == at) for i, v in enumerate(values)]


@router.get("/reports/", response_class=HTMLResponse)
def records_index(request: Request, me: session.Me) -> Response:
    rules = registry.firm_rules(request.app.state.ledger, me.actor)
    kinds = [
        {
            "name": k.name,
            "title": rules.title(k.name, k.title),
            "summary": k.summary,
        }
        for k in registry.available()
    ]
    return render(request, "trust_records.html", section="reports", kinds=kinds, rules=rules)


@router.get("/reports/{record}", response_class=HTMLResponse)
def record_page(
    request: Request,
    me: session.Me,
    record: str,
    output: Annotated[Literal["html", "csv", "pdf"], Query(alias="format")] = "html",
) -> Response:
    ledger = request.app.state.ledger
    kind = registry.RECORDS.get(record)
    if kind is None:
        raise NotFound(f"There is no record called {record[:40]!r}.")
    rules = registry.firm_rules(ledger, me.actor)
    sent = {
        k: v.strip()
        for k, v in request.query_params.items()
        if v.strip() and k in FIELDS and k in kind.uses
    }
    accounts = every(client_funds.list_accounts, ledger, me.actor)
    if "account_id" in kind.needs and "account_id" not in sent and accounts:
        sent["account_id"] = str(accounts[0].id)
    asked = request.query_params.get("client_q", "")[:100]
    context: dict[str, Any] = {
        "section": "reports",
        "kind": kind,
        "title": rules.title(kind.name, kind.title),
        "accounts": accounts,
        "clients": client_choices(ledger, me.actor, asked, sent.get("client_id", "")),
        "values": sent,
        "errors": {},
        "built": None,
        "shown_rows": SHOWN_ROWS,
    }
    if "account_id" in kind.needs and not accounts:
        return render(request, "trust_record.html", **context)
    try:
        form = RecordForm.model_validate(sent)
        params = RecordParams(
            form.account_id, form.client_id, form.date_from, form.date_to, form.as_of
        )
        built = registry.build(ledger, me.actor, kind.name, params)
    except ValidationError as invalid:
        if output != "html":
            message = next(iter(invalid_fields(invalid).values()), "invalid")
            raise InvalidInput(f"The record's parameters are not valid: {message}") from None
        context["errors"] = placed(invalid_fields(invalid), FIELDS)
        return render(request, "trust_record.html", 422, **context)
    except LawsyncError as refused:
        if output != "html" or refused.field is None:
            raise
        context["errors"] = placed({refused.field: refused.message}, FIELDS)
        return render(request, "trust_record.html", http_status(refused), **context)
    if output != "html":
        return file_response(built, output)
    rows_left = SHOWN_ROWS
    sections = []
    for s in built.sections:
        rows = s.rows[: max(rows_left, 0)]
        rows_left -= len(rows)
        sections.append(
            {
                "heading": s.heading,
                "rows": rows,
                "totals": [_total_line(built.columns, t) for t in s.totals],
                "before": [_total_line(built.columns, t) for t in s.before],
                "cut": len(rows) < len(s.rows),
            }
        )
    context.update(
        built=built,
        sections=sections,
        totals=[_total_line(built.columns, t) for t in built.totals],
        query=urlencode(built.params.as_query()),
        cut=built.row_count > SHOWN_ROWS,
    )
    return render(request, "trust_record.html", **context)
