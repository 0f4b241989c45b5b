"""`/settings/firm`: the firm's locale and time zone, which decide how every page writes money,
numbers, dates and times. Anyone signed in sees them; an administrator changes them (the same
command and service as ``PATCH /api/v1/firm``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from lawsync import localization
from lawsync.errors import LawsyncError
from lawsync.practice.commands import FirmUpdate
from lawsync.practice.services import firms
from lawsync.reports import jurisdictions
from lawsync.web.pages import session
from lawsync.web.pages.forms import errors_of, text
from lawsync.web.pages.render import render

router = APIRouter(include_in_schema=False)
PATH = "/settings/firm"
FIELDS = (
    "locale",
    "time_zone",
    "trust_rules",
    "dormant_months",
    "deposit_hold_days",
    "stale_cheque_months",
)
WHOLE_NUMBERS = ("dormant_months", "deposit_hold_days", "stale_cheque_months")
SAMPLE_AMOUNT = Decimal("-1234.5")  # shows grouping, decimals and the minus sign at once


def _page(
    request: Request,
    me: Any,
    *,
    shown: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    flash: str = "",
    status: int = 200,
) -> Response:
    firm = firms.get_firm(request.app.state.ledger, me.actor)
    return render(
        request,
        "firm_settings.html",
        status,
        section="firm",
        firm=firm,
        shown=shown or {name: str(getattr(firm, name)) for name in FIELDS},
        trust_rules=jurisdictions.choices(),
        errors=errors or {},
        flash=flash,
        admin=me.actor.role.value == "admin",
        locales=localization.locale_choices(),
        time_zones=localization.time_zone_choices(),
        sample_amount=SAMPLE_AMOUNT,
        sample_now=dt.datetime.now(dt.UTC),
        sample_date=me.formats.today(),
    )


@router.get(PATH, response_class=HTMLResponse)
def settings_page(
    request: Request, me: session.Me, said: Annotated[str, Query(max_length=200)] = ""
) -> Response:
    return _page(request, me, flash=said)


@router.post(PATH, response_class=HTMLResponse)
async def save_settings(request: Request, me: session.Checked) -> Response:
    form = await request.form()
    shown = {name: text(form, name) for name in FIELDS}
    try:
        values: dict[str, Any] = dict(shown)
        for name in WHOLE_NUMBERS:  # a form sends text; the command takes whole numbers
            values[name] = int(shown[name]) if shown[name].isdecimal() else shown[name]
        cmd = FirmUpdate.model_validate({k: v for k, v in values.items() if v != ""})
        firms.update_firm(request.app.state.ledger, me.actor, cmd)
    except (ValidationError, LawsyncError) as refused:
        errors, status = errors_of(refused)
        # A field's mistake comes back as typed; a refusal of the whole form (a member) shows
        # the firm's settings as they are.
        kept = None if "form" in errors else shown
        return _page(request, me, shown=kept, errors=errors, status=status)
    return RedirectResponse(f"{PATH}?said=Firm+settings+saved.", 303)
