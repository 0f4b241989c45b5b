"""Pages from Jinja2 templates, with the filters every page uses (money, dates, kinds).

The money, number and date filters write values the way the signed-in firm reads them: its
locale, its currency and its time zone (`lawsync.localization.Formats`, put in every page's
context as ``formats`` by `render`). They are for what a person reads; a form's ``value=``, an
``<input type=date>`` and every file a machine reads keep ISO dates and plain decimals.

    {{ bill.total|money(bill.currency) }}   $1,234.50 · US$1,234.50 · 1 234,50 $
    {{ line.amount|money }}                 1,234.50 (no currency named: no sign)
    {{ entry.hours|number }}                1.5 · 1,5
    {{ bill.issue_date|when }}              Dec 6, 2026
    {{ run.finished_at|when }}              Dec 6, 2026, 7:00 PM EST

A macro that uses them and lives in another template is imported ``with context``, so that it
sees the firm's ``formats``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context

from lawsync.localization import Formats
from lawsync.web.pages.records import record_path

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent.parent / "templates")
DEFAULT_FORMATS = Formats()  # a page nobody is signed in to

KIND_WORDS = {
    "user": "Timekeeper",
    "contact": "Contact",
    "bill": "Bill",
    "interest_charge": "Interest charge",
    "credit_note": "Credit note",
    "credit_application": "Credit applied",
    "payment": "Payment",
    "client_funds_entry": "Client funds entry",
    "client_funds_cheque": "Cheque to print",
    "client_funds_opening": "Opening balance",
    "trust_client_balance": "Client trust balance",
    "trust_account_balance": "Trust account balance",
    "invoice_balance": "Invoice total and balance",
}


def formats_of(context: Context) -> Formats:
    found = context.get("formats")
    return found if isinstance(found, Formats) else DEFAULT_FORMATS


def money(formats: Formats, value: Decimal | str | None, currency: str | None = None) -> str:
    """An amount as the firm reads it: with its currency's sign when the currency is named
    ("$1,234.50", "US$1,234.50", "1 234,50 $"), grouped digits alone when not ("1,234.50")."""
    if value is None:
        return ""
    return formats.money(value, currency) if currency else formats.amount(value)


def when(formats: Formats, value: dt.datetime | dt.date | None) -> str:
    """A date ("Dec 6, 2026"), or a moment in the firm's time zone ("Dec 6, 2026, 7:00 PM EST")."""
    if value is None:
        return "never"
    if isinstance(value, dt.datetime):
        return formats.date_time(value)
    return formats.date(value)


@pass_context
def _money(context: Context, value: Decimal | str | None, currency: str | None = None) -> str:
    return money(formats_of(context), value, currency)


@pass_context
def _when(context: Context, value: dt.datetime | dt.date | None) -> str:
    return when(formats_of(context), value)


@pass_context
def _number(context: Context, value: Decimal | str | int | None) -> str:
    return "" if value is None else formats_of(context).number(value)


TEMPLATES.env.filters["money"] = _money
TEMPLATES.env.filters["when"] = _when
TEMPLATES.env.filters["number"] = _number
TEMPLATES.env.filters["record_page"] = lambda kind, local_id: record_path(str(kind), local_id)
TEMPLATES.env.filters["kind"] = lambda k: KIND_WORDS.get(str(k), str(k))


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page: ``context`` plus who is signed in (``me``), how their firm writes money and
    dates (``formats``) and the CSRF token for its forms."""
    me = getattr(request.state, "signed_in", None)
    context.setdefault("me", me)
    context.setdefault("formats", me.formats if me else DEFAULT_FORMATS)
    context.setdefault("csrf_token", me.csrf_token if me else "")
    context.setdefault("sandbox_url", getattr(request.app.state, "sandbox_url", ""))
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status)
