"""Pages from Jinja2 templates, with the filters every page uses (money, dates, kinds)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from lawsync.money import to_cents

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent.parent / "templates")

KIND_WORDS = {
    "user": "Timekeeper",
    "contact": "Contact",
    "bill": "Bill",
    "interest_charge": "Interest charge",
    "credit_note": "Credit note",
    "credit_application": "Credit applied",
    "payment": "Payment",
}


# The page of a synced record, by its kind (a timekeeper has none).
RECORD_PAGES = {
    "contact": "/contacts/{}",
    "bill": "/bills/{}",
    "interest_charge": "/interest-charges/{}",
    "credit_note": "/credit-notes/{}",
    "credit_application": "/credit-notes/{}",  # the note whose credit is applied
    "payment": "/payments/{}",
}


def record_page(kind: str, local_id: int) -> str:
    """The address of a record's own page, or "" when it has none."""
    page = RECORD_PAGES.get(str(kind))
    return page.format(local_id) if page else ""


def money(value: Decimal | str | None, currency: str = "") -> str:
    """1234.5 → "1,234.50" (with its currency code when given)."""
    if value is None:
        return ""
    amount = Decimal(str(value))
    text = f"{to_cents(amount):,.2f}"
    return f"{text} {currency}".strip()


def when(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return "never"
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat()


TEMPLATES.env.filters["money"] = money
TEMPLATES.env.filters["when"] = when
TEMPLATES.env.filters["kind"] = lambda k: KIND_WORDS.get(str(k), str(k))
TEMPLATES.env.globals["record_page"] = record_page


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page: ``context`` plus who is signed in (``me``) and the CSRF token for its forms."""
    me = getattr(request.state, "signed_in", None)
    context.setdefault("me", me)
    context.setdefault("csrf_token", me.csrf_token if me else "")
    context.setdefault("sandbox_url", getattr(request.app.state, "sandbox_url", ""))
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status)
