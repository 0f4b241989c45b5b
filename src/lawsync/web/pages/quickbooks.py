"""`/settings/quickbooks`: connect and disconnect, every export setting, and item mappings."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from lawsync.errors import LawsyncError
from lawsync.practice.services import client_funds
from lawsync.sync import (
    company_lists,
    connection,
    hard_costs_settings,
    mapping,
    preflight,
    readiness,
    settings,
)
from lawsync.sync.client_funds_settings import BANK, LIABILITY_TYPES, CompanyAccount
from lawsync.sync.imports import feed
from lawsync.sync.kinds import ItemFor, ItemKey
from lawsync.sync.models import NameClashPolicy, TaxOptionSetting
from lawsync.web.pages import session
from lawsync.web.pages.forms import errors_of, every, every_category
from lawsync.web.pages.render import render

router = APIRouter(include_in_schema=False)
PATH = "/settings/quickbooks"
FLAGS = (
    "export_bills",
    "track_timekeepers",
    "reactivate_archived_customers",
    "fast_catch_up",
    "share_company",
    "export_client_funds",
    "cheque_printing",
    "trust_subledgers",
    "import_hard_costs",
)
TRUST_SIDES = ("bank_account", "liability_account")
FIXED_MAPPINGS = (
    (ItemKey(ItemFor.TAX1), "First tax (its own line on the invoice)"),
    (ItemKey(ItemFor.TAX2), "Second tax"),
    (ItemKey(ItemFor.INTEREST), "Interest charges"),
    (ItemKey(ItemFor.CREDIT), "Credit notes"),
)
TAX_CODE_MAPPINGS = (
    (ItemKey(ItemFor.TAXCODE_BOTH), "Tax code for lines with both taxes (a group code)"),
    (ItemKey(ItemFor.TAXCODE_PRIMARY), "Tax code for lines with the first tax only"),
    (ItemKey(ItemFor.TAXCODE_SECONDARY), "Tax code for lines with the second tax only"),
    (ItemKey(ItemFor.TAXCODE_NONE), "Tax code for lines with no tax"),
)


def _mapping_rows(request: Request, me: Any, country: str) -> list[tuple[str, str]]:
    """(mapping key, what it is for), for every category the firm has and each fixed use."""
    ledger = request.app.state.ledger
    rows = [(str(ItemKey(ItemFor.ACTIVITY)), "Time: the default for every activity")]
    for cat in every_category(ledger, me.actor, "activity"):
        rows.append((str(ItemKey(ItemFor.ACTIVITY, cat.id)), f"Time: {cat.name}"))
    rows.append((str(ItemKey(ItemFor.EXPENSE)), "Expenses: the default for every category"))
    for cat in every_category(ledger, me.actor, "expense"):
        rows.append((str(ItemKey(ItemFor.EXPENSE, cat.id)), f"Expenses: {cat.name}"))
    rows += [(str(k), words) for k, words in FIXED_MAPPINGS]
    if country != "US":
        rows += [(str(k), words) for k, words in TAX_CODE_MAPPINGS]
    return rows


async def _page(
    request: Request,
    me: Any,
    *,
    errors: dict[str, str] | None = None,
    flash: str = "",
    refresh: bool = False,
    status: int = 200,
    typed_values: dict[str, str] | None = None,
) -> Response:
    ledger = request.app.state.ledger
    rows = connection.connections(ledger, me.actor)
    active = next((r for r in rows if r.active), None)
    items: list[company_lists.CompanyItem] = []
    accounts: list[CompanyAccount] = []
    expense_accounts: list[CompanyAccount] = []
    items_error = ""
    if active is not None and active.status.value == "connected":
        try:
            items = await company_lists.items(
                ledger, me.actor.firm_id, request.app.state.settings, refresh=refresh
            )
            accounts = await company_lists.accounts(
                ledger, me.actor.firm_id, request.app.state.settings, refresh=refresh
            )
            expense_accounts = await company_lists.expense_accounts(
                ledger, me.actor.firm_id, request.app.state.settings, refresh=refresh
            )
        except Exception as error:  # the page still shows; the list says why it is empty
            items_error = f"The company's lists could not be read ({type(error).__name__})."
    return render(
        request,
        "quickbooks_settings.html",
        status,
        section="quickbooks",
        connection=active,
        inbound=feed.inbound_status(ledger, me.actor.firm_id) if active else None,
        previous=[r for r in rows if not r.active],
        values=settings.get_settings(ledger, me.actor),
        mappings=settings.item_mappings(ledger, me.actor),
        trust_accounts=every(client_funds.list_accounts, ledger, me.actor),
        trust_mapped={m["account_id"]: m for m in settings.client_funds_accounts(ledger, me.actor)},
        banks=[a for a in accounts if a.type == BANK],
        liabilities=[a for a in accounts if a.type in LIABILITY_TYPES],
        expense_accounts=expense_accounts,
        hard_costs_refused=hard_costs_settings.refused_edition(active),
        typed=typed_values or {},
        mapping_rows=_mapping_rows(request, me, active.country if active else "US"),
        items=items,
        items_error=items_error,
        errors=errors or {},
        flash=flash,
        tax_options=list(TaxOptionSetting),
        clash_policies=list(NameClashPolicy),
        admin=me.actor.role.value == "admin",
        doc_limit=mapping.DOC_NUMBER_LIMIT,
    )


@router.get(PATH, response_class=HTMLResponse)
async def settings_page(
    request: Request, me: session.Me, refresh: bool = False, said: str = ""
) -> Response:
    return await _page(request, me, refresh=refresh, flash=said[:200])


def _form_values(form: Any) -> dict[str, Any]:
    values: dict[str, Any] = {flag: form.get(flag) == "on" for flag in FLAGS}
    for name in ("bill_prefix", "tax_option", "name_clash"):
        if form.get(name) is not None:
            values[name] = form.get(name)
    for name in ("export_start_date", "client_funds_start_date", "hard_costs_start_date"):
        if form.get(name):
            values[name] = form.get(name)
    if form.get("hard_costs_account"):
        values["hard_costs_account"] = form.get("hard_costs_account")
    if form.get("journal_prefix") is not None:
        values["journal_prefix"] = form.get("journal_prefix")
    trust = _trust_rows(form)
    if trust is not None:
        values["client_funds_accounts"] = [row for _, row in trust]
    # Every drop-down is sent: one left at "not chosen" takes back an earlier choice.
    mappings = {
        key.removeprefix("map:"): value or None
        for key, value in form.items()
        if key.startswith("map:")
    }
    if mappings:
        values["item_mappings"] = mappings
    return values


def _trust_rows(form: Any) -> list[tuple[int, dict[str, Any]]] | None:
    """(trust account id, its mapping) for each row of the client funds table with a choice;
    None when the form has no such table. A row with one side chosen is sent as it is, to be
    refused beside the side left empty."""
    chosen: dict[int, dict[str, Any]] = {}
    seen = False
    for key, value in form.items():
        name, _, rest = key.partition(":")
        if name != "trust":
            continue
        seen = True
        ident, _, side = rest.partition(":")
        if ident.isdigit() and side in TRUST_SIDES and value:
            chosen.setdefault(int(ident), {"account_id": int(ident)})[side] = value
    if not seen:
        return None
    return sorted(chosen.items())


def _trust_errors(form: Any, errors: dict[str, str]) -> dict[str, str]:
    """A refusal of the n-th mapping sent, named by its row (``trust:<id>:<side>``)."""
    rows = [ident for ident, _ in _trust_rows(form) or []]
    out: dict[str, str] = {}
    for key, message in errors.items():
        parts = key.split(".")
        if parts[0] == "client_funds_accounts" and len(parts) >= 2 and parts[1].isdigit():
            ident = rows[int(parts[1])] if int(parts[1]) < len(rows) else None
            side = parts[2] if len(parts) > 2 else "bank_account"
            if ident is not None:
                out[f"trust:{ident}:{side if side in TRUST_SIDES else 'bank_account'}"] = message
                continue
        out[key] = message
    return out


@router.post(PATH, response_class=HTMLResponse)
async def save_settings(request: Request, me: session.Checked) -> Response:
    form = await request.form()
    ledger, app_settings = request.app.state.ledger, request.app.state.settings
    try:
        cmd = settings.SyncSettingsUpdate.model_validate(_form_values(form))
        accounts = None
        if cmd.client_funds_accounts:
            accounts = await company_lists.checkable_accounts(
                ledger, me.actor.firm_id, app_settings
            )
        expense_accounts = None
        if cmd.hard_costs_account:
            expense_accounts = await company_lists.checkable_expense_accounts(
                ledger, me.actor.firm_id, app_settings
            )
        await run_in_threadpool(
            settings.update_settings, ledger, me.actor, cmd, accounts, expense_accounts
        )
    except (ValidationError, LawsyncError) as refused:
        errors, status = errors_of(refused)
        typed_values = {k: str(v) for k, v in form.items() if k.startswith("trust:")}
        return await _page(
            request,
            me,
            errors=_trust_errors(form, errors),
            status=status,
            typed_values=typed_values,
        )
    return RedirectResponse(f"{PATH}?said=Settings+saved.", 303)


@router.get(PATH + "/check-prefix", response_class=HTMLResponse)
def check_prefix(request: Request, me: session.Me, bill_prefix: str = "") -> Response:
    """As the prefix is typed: whether prefix + the longest bill number fits (htmx)."""
    longest = settings.longest_bill_number(request.app.state.ledger, me.actor)
    problem = preflight.check_prefix(bill_prefix, longest)
    return render(
        request,
        "_prefix_check.html",
        problem=problem,
        prefix=bill_prefix,
        example=mapping.doc_number(bill_prefix, "9" * longest),
    )


@router.post(PATH + "/connect")
async def connect(request: Request, me: session.Checked) -> Response:
    form = await request.form()
    url = await connection.begin_connect(
        request.app.state.ledger,
        me.actor,
        request.app.state.settings,
        request.app.state.sandbox_control_secret,
        share_company=form.get("share_company") == "on",
    )
    return RedirectResponse(url, 303)


@router.get(PATH + "/disconnect", response_class=HTMLResponse)
def confirm_disconnect(request: Request, me: session.Me) -> Response:
    rows = connection.connections(request.app.state.ledger, me.actor)
    active = next((r for r in rows if r.active), None)
    return render(
        request,
        "disconnect.html",
        section="quickbooks",
        connection=active,
        admin=me.actor.role.value == "admin",
    )


@router.post(PATH + "/disconnect")
async def disconnect(request: Request, me: session.Checked) -> Response:
    await connection.disconnect(request.app.state.ledger, me.actor, request.app.state.settings)
    return RedirectResponse(f"{PATH}?said=Disconnected.+Links+are+kept+for+a+reconnect.", 303)


@router.get(PATH + "/readiness", response_class=HTMLResponse)
async def readiness_check(request: Request, me: session.Me) -> Response:
    """The readiness check: a fragment for htmx on the settings page, or a page of its own."""
    ledger, app_settings = request.app.state.ledger, request.app.state.settings
    items = await company_lists.items(ledger, me.actor.firm_id, app_settings)
    async with connection.open_client(ledger, me.actor.firm_id, app_settings) as qb:
        checks = await readiness.readiness(ledger, me.actor.firm_id, qb, items)
    fragment = "hx-request" in request.headers
    return render(
        request,
        "_readiness.html" if fragment else "readiness.html",
        section="quickbooks",
        checks=checks,
    )
