"""The control API (``/_sandbox/...``): set up apps and companies and steer their state."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Request, Response, Security
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, Field

from ..auth import ACCOUNTING_SCOPE, DEFAULT_RETRY, App
from ..backend import ControlError, Sandbox
from ..company import Company
from ..guard import CONTROL_SECRET_HEADER
from ..wire import parse_instant

# The secret is checked by guard.ControlGuard before routing; declaring it here puts it in the
# OpenAPI document, so the docs page can send it.
_secret_header = APIKeyHeader(
    name=CONTROL_SECRET_HEADER,
    auto_error=False,
    description="The control API's secret; needed when the sandbox was started with one.",
)
router = APIRouter(prefix="/_sandbox", tags=["control"], dependencies=[Security(_secret_header)])


class AppIn(BaseModel):
    name: str
    client_id: str
    client_secret: str
    redirect_uris: list[str] = Field(default_factory=list)
    webhook_url: str | None = None
    verifier_token: str | None = None
    webhook_format: Literal["cloudevents", "legacy"] = "cloudevents"
    webhook_retry_seconds: list[float] = Field(default_factory=lambda: list(DEFAULT_RETRY))
    webhook_batch_seconds: float = 0.5
    refresh_rotation: Literal["daily", "every_use"] = "daily"


class CompanyIn(BaseModel):
    name: str
    edition: Literal["simple_start", "essentials", "plus", "advanced"] = "plus"
    country: Literal["US", "CA"] = "US"
    home_currency: str | None = None
    multicurrency: bool = False
    realm_id: str | None = None
    sample_data: bool = Field(
        default=False,
        description="fill the company like Intuit's sample company (accounts, customers, "
        "vendors, items with stock, invoices, payments, bills, ...) instead of the law-firm "
        "starting data",
    )


class TokensIn(BaseModel):
    client_id: str
    scope: str = ACCOUNTING_SCOPE


class LimitsIn(BaseModel):
    per_window: int | None = None
    concurrent: int | None = None
    batches_per_window: int | None = None
    window_seconds: float | None = None


class ChaosIn(BaseModel):
    rate: float = 0.0
    kinds: list[str] | None = None
    seed: int | None = None
    delay_seconds: float = 5.0


class CompanyPatch(BaseModel):
    book_close_date: str | None = None
    subscription_status: Literal["active", "cancelled"] | None = None
    authorizing_user_disabled: bool | None = None
    outage: Literal["none", "http_503", "gateway_500"] | None = None
    custom_txn_numbers: bool | None = None
    warn_duplicate_doc_numbers: bool | None = None
    class_tracking: bool | None = None
    limits: LimitsIn | None = None
    gateway_fault_format: Literal["json", "xml"] | None = None
    latency_ms: int | None = None
    cdc_window_days: int | None = Field(default=None, ge=1)
    chaos: ChaosIn | None = None


class DepositIn(BaseModel):
    payment_ids: list[str]
    account_id: str | None = None


class MatchIn(BaseModel):
    entity: str = Field(description="a transaction entity, e.g. Payment or Invoice")
    id: str


class PrintIn(BaseModel):
    first_number: int | None = None
    account_id: str | None = Field(
        default=None, description="print only this bank account's cheques"
    )


class ClockIn(BaseModel):
    now: str | None = None
    advance_seconds: float | None = None


def _sb(request: Request) -> Sandbox:
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox


def describe(c: Company) -> dict[str, Any]:
    return {
        "realm_id": c.realm_id,
        "name": c.name,
        "edition": c.edition,
        "country": c.country,
        "home_currency": c.home_currency,
        "multicurrency": c.multicurrency,
        "book_close_date": c.book_close_date.isoformat() if c.book_close_date else None,
        "subscription_status": c.subscription_status,
        "authorizing_user_disabled": c.authorizing_user_disabled,
        "outage": c.outage,
        "gateway_fault_format": c.gateway_fault_format,
        "latency_ms": c.latency_ms,
        "cdc_window_days": c.cdc_window_days,
        "chaos": {
            "rate": c.chaos.rate,
            "kinds": list(c.chaos.kinds),
            "delay_seconds": c.chaos.delay_seconds,
        },
        "custom_txn_numbers": c.custom_txn_numbers,
        "warn_duplicate_doc_numbers": c.warn_duplicate_doc_numbers,
        "class_tracking": c.class_tracking,
        "limits": {
            "per_window": c.limits.per_window,
            "concurrent": c.limits.concurrent,
            "batches_per_window": c.limits.batches_per_window,
            "window_seconds": c.limits.window_seconds,
        },
        "accounts": {
            rec.data["AccountSubType"]: rec.data["Id"]
            for rec in sorted(c.table("Account").values(), key=lambda r: -int(r.data["Id"]))
        },
    }


@router.post("/apps", status_code=201, summary="Register an app (OAuth client)")
def register_app(body: AppIn, request: Request) -> dict[str, Any]:
    app = _sb(request).register_app(App(**body.model_dump()))
    return {
        "client_id": app.client_id,
        "name": app.name,
        "redirect_uris": app.redirect_uris,
        "webhook_url": app.webhook_url,
        "webhook_format": app.webhook_format,
    }


@router.post(
    "/companies", status_code=201, summary="Create a company with a seeded chart of accounts"
)
def create_company(body: CompanyIn, request: Request) -> dict[str, Any]:
    c = _sb(request).create_company(**body.model_dump())
    return describe(c)


@router.patch("/companies/{realm_id}", summary="Change a company's state")
def patch_company(realm_id: str, body: CompanyPatch, request: Request) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True)
    if "limits" in changes and changes["limits"] is not None:
        changes["limits"] = {k: v for k, v in changes["limits"].items() if v is not None}
    sb = _sb(request)
    c = sb.patch_company(realm_id, changes)
    if "limits" in changes:
        request.app.state.throttle.reset(realm_id)
    return describe(c)


@router.post("/companies/{realm_id}/tokens", summary="Mint tokens without the browser step")
def mint_tokens(realm_id: str, body: TokensIn, request: Request) -> dict[str, object]:
    return _sb(request).mint(realm_id, body.client_id, body.scope)


@router.post("/companies/{realm_id}/deposits", status_code=201, summary="Deposit payments")
def deposit(realm_id: str, body: DepositIn, request: Request) -> Response:
    rec = _sb(request).deposit(realm_id, body.payment_ids, body.account_id)
    return Response(rec.json, status_code=201, media_type="application/json")


@router.post(
    "/companies/{realm_id}/bank-feed/matches",
    status_code=201,
    summary="Match a transaction to a bank-feed line (deleting it then gives 6480)",
)
def match_bank_line(realm_id: str, body: MatchIn, request: Request) -> dict[str, str]:
    return _sb(request).match_bank_line(realm_id, body.entity, body.id)


@router.delete(
    "/companies/{realm_id}/bank-feed/matches/{entity}/{ident}",
    summary="Undo a transaction's bank-feed match",
)
def unmatch_bank_line(realm_id: str, entity: str, ident: str, request: Request) -> dict[str, str]:
    return _sb(request).unmatch_bank_line(realm_id, entity, ident)


@router.post("/companies/{realm_id}/print-cheques", summary="Number every cheque waiting to print")
def print_cheques(realm_id: str, request: Request, body: PrintIn | None = None) -> dict[str, Any]:
    printed = _sb(request).print_cheques(
        realm_id, body.first_number if body else None, body.account_id if body else None
    )
    return {"printed": printed}


@router.post(
    "/companies/{realm_id}/cheques/{ident}/void",
    summary="Void a cheque as a user does in QuickBooks (the API has no void for a Purchase)",
)
def void_cheque(realm_id: str, ident: str, request: Request) -> Response:
    rec = _sb(request).void_cheque(realm_id, ident)
    return Response(rec.json, media_type="application/json")


@router.post("/companies/{realm_id}/purge", summary="Remove every record of a company")
def purge(realm_id: str, request: Request) -> dict[str, Any]:
    _sb(request).purge(realm_id)
    return {"realm_id": realm_id, "purged": True}


@router.get(
    "/companies/{realm_id}/mail", summary="The sales forms sent through /send, oldest first"
)
def sent_mail(realm_id: str, request: Request) -> list[dict[str, Any]]:
    sb = _sb(request)
    with sb.lock:
        return list(sb.company(realm_id).outbox)


@router.post("/clock", summary="Set or advance the sandbox clock")
def clock(body: ClockIn, request: Request) -> dict[str, Any]:
    sb = _sb(request)
    if body.now is not None:
        instant = parse_instant(body.now)
        if instant is None:
            raise ControlError(400, "now must be an ISO-8601 date or datetime")
        sb.clock.set(instant)
    if body.advance_seconds is not None:
        sb.clock.advance(body.advance_seconds)
    return {"now": datetime.fromtimestamp(sb.clock.now()).astimezone().isoformat()}
