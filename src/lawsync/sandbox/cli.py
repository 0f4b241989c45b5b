"""``lawsync sandbox``: serve the sandbox, or steer a running one through its control API."""

from __future__ import annotations

import json
import os
import secrets
from typing import Any

import httpx
import typer

import lawsync._typer_help  # noqa: F401  (flags show as flags in --help)

from .guard import CONTROL_SECRET_HEADER, is_loopback

app = typer.Typer(
    help="Run the local QuickBooks Online sandbox, or control a running one.",
    invoke_without_command=True,
    no_args_is_help=False,
)
company_app = typer.Typer(help="Create and change companies.")
app_app = typer.Typer(help="Register apps (OAuth clients).")
app.add_typer(company_app, name="company")
app.add_typer(app_app, name="app")

URL = typer.Option("http://127.0.0.1:8765", "--url", help="Root URL of a running sandbox.")


SECRET_ENV = "LAWSYNC_SANDBOX_CONTROL_SECRET"


def _call(method: str, url: str, path: str, body: dict[str, Any] | None = None) -> None:
    secret = os.environ.get(SECRET_ENV)
    headers = {CONTROL_SECRET_HEADER: secret} if secret else {}
    response = httpx.request(method, url.rstrip("/") + path, json=body, headers=headers, timeout=10)
    typer.echo(json.dumps(response.json(), indent=2))
    if response.status_code >= 400:
        raise typer.Exit(1)


@app.callback()
def main(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8765, "--port"),
    db: str = typer.Option(":memory:", "--db", help="SQLite file, or :memory:"),
    control_secret: str | None = typer.Option(
        None,
        "--control-secret",
        envvar=SECRET_ENV,
        help="Require this secret on the control API (made up and printed when --host is "
        "not a loopback address and none is given).",
        show_default=False,
    ),
    sample_data: bool = typer.Option(
        False,
        "--sample-data",
        help="Start with a sample company like Intuit's (multicurrency, Plus); its realm id is "
        "printed. Kept across restarts with --db, not made twice.",
    ),
) -> None:
    """Serve the sandbox when no subcommand is given."""
    if ctx.invoked_subcommand is not None:
        return
    import uvicorn

    from .app import create_app

    secret = control_secret or None
    if secret is None and not is_loopback(host):
        secret = secrets.token_urlsafe(32)
        typer.echo(
            f"{host} is reachable from other machines, so the control API needs a secret; "
            f"send it in the {CONTROL_SECRET_HEADER} header (or set {SECRET_ENV} for the "
            f"control commands):\n{secret}",
            err=True,
        )
    served = create_app(db, control_secret=secret)
    if sample_data:
        typer.echo(f"sample company: realm {_sample_company(served.state.sandbox)}", err=True)
    uvicorn.run(served, host=host, port=port, log_level="info")


SAMPLE_NAME = "Sample Company"


def _sample_company(sandbox: Any) -> str:
    """The realm id of the sample company, made now unless a saved one exists."""
    for company in sandbox.companies.values():
        if company.name == SAMPLE_NAME:
            return str(company.realm_id)
    made = sandbox.create_company(SAMPLE_NAME, "plus", "US", multicurrency=True, sample_data=True)
    return str(made.realm_id)


@app_app.command("register")
def register_app(
    name: str = typer.Option(...),
    client_id: str = typer.Option(...),
    client_secret: str = typer.Option(...),
    redirect_uri: list[str] = typer.Option([], "--redirect-uri"),
    webhook_url: str | None = typer.Option(None),
    verifier_token: str | None = typer.Option(None),
    legacy_webhooks: bool = typer.Option(False, help="Send eventNotifications bodies."),
    url: str = URL,
) -> None:
    """Register an app."""
    _call(
        "POST",
        url,
        "/_sandbox/apps",
        {
            "name": name,
            "client_id": client_id,
            "client_secret": client_secret,
            "redirect_uris": redirect_uri,
            "webhook_url": webhook_url,
            "verifier_token": verifier_token,
            "webhook_format": "legacy" if legacy_webhooks else "cloudevents",
        },
    )


@company_app.command("create")
def create_company(
    name: str = typer.Option(...),
    edition: str = typer.Option("plus", help="simple_start|essentials|plus|advanced"),
    country: str = typer.Option("US", help="US|CA"),
    home_currency: str | None = typer.Option(None),
    multicurrency: bool = typer.Option(False),
    sample_data: bool = typer.Option(
        False,
        "--sample-data",
        help="Fill it like Intuit's sample company (customers, items with stock, invoices, "
        "bills, ...) instead of the law-firm starting data.",
    ),
    url: str = URL,
) -> None:
    """Create a company with a seeded chart of accounts."""
    _call(
        "POST",
        url,
        "/_sandbox/companies",
        {
            "name": name,
            "edition": edition,
            "country": country,
            "home_currency": home_currency,
            "multicurrency": multicurrency,
            "sample_data": sample_data,
        },
    )


@company_app.command("set")
def patch_company(
    realm_id: str,
    book_close_date: str | None = typer.Option(None),
    subscription_status: str | None = typer.Option(None, help="active|cancelled"),
    authorizing_user_disabled: bool | None = typer.Option(None),
    outage: str | None = typer.Option(None, help="none|http_503|gateway_500"),
    custom_txn_numbers: bool | None = typer.Option(None),
    warn_duplicate_doc_numbers: bool | None = typer.Option(None),
    class_tracking: bool | None = typer.Option(None),
    per_window: int | None = typer.Option(None),
    concurrent: int | None = typer.Option(None),
    batches_per_window: int | None = typer.Option(None),
    window_seconds: float | None = typer.Option(None),
    gateway_fault_format: str | None = typer.Option(None, help="json|xml"),
    latency_ms: int | None = typer.Option(None),
    chaos_rate: float | None = typer.Option(None, help="Share of /v3 calls to fail (0-1)."),
    chaos_kind: list[str] = typer.Option([], "--chaos-kind", help="Fault kinds to inject."),
    chaos_seed: int | None = typer.Option(None),
    url: str = URL,
) -> None:
    """Change a company's state (only the options given are changed)."""
    body: dict[str, Any] = {
        k: v
        for k, v in {
            "book_close_date": book_close_date,
            "subscription_status": subscription_status,
            "authorizing_user_disabled": authorizing_user_disabled,
            "outage": outage,
            "custom_txn_numbers": custom_txn_numbers,
            "warn_duplicate_doc_numbers": warn_duplicate_doc_numbers,
            "class_tracking": class_tracking,
            "gateway_fault_format": gateway_fault_format,
            "latency_ms": latency_ms,
        }.items()
        if v is not None
    }
    limits = {
        k: v
        for k, v in {
            "per_window": per_window,
            "concurrent": concurrent,
            "batches_per_window": batches_per_window,
            "window_seconds": window_seconds,
        }.items()
        if v is not None
    }
    if limits:
        body["limits"] = limits
    if chaos_rate is not None:
        body["chaos"] = {"rate": chaos_rate, "kinds": chaos_kind or None, "seed": chaos_seed}
    _call("PATCH", url, f"/_sandbox/companies/{realm_id}", body)


@company_app.command("deposit")
def deposit(
    realm_id: str, payment_id: list[str] = typer.Option(..., "--payment-id"), url: str = URL
) -> None:
    """Deposit payments from Undeposited Funds into the operating bank account."""
    _call("POST", url, f"/_sandbox/companies/{realm_id}/deposits", {"payment_ids": payment_id})


@company_app.command("print-cheques")
def print_cheques(
    realm_id: str,
    account_id: str | None = typer.Option(None, help="Only this bank account's cheques."),
    first_number: int | None = typer.Option(None, help="Number the first cheque so."),
    url: str = URL,
) -> None:
    """Number every cheque waiting to be printed."""
    body = {"account_id": account_id, "first_number": first_number}
    _call("POST", url, f"/_sandbox/companies/{realm_id}/print-cheques", body)


@company_app.command("void-cheque")
def void_cheque(realm_id: str, purchase_id: str, url: str = URL) -> None:
    """Void a cheque as a user does in QuickBooks (the API itself can't void a Purchase)."""
    _call("POST", url, f"/_sandbox/companies/{realm_id}/cheques/{purchase_id}/void")


@company_app.command("purge")
def purge(realm_id: str, url: str = URL) -> None:
    """Remove every record of a company."""
    _call("POST", url, f"/_sandbox/companies/{realm_id}/purge")


@app.command("tokens")
def tokens(realm_id: str, client_id: str = typer.Option(...), url: str = URL) -> None:
    """Mint an access and refresh token for an app and company."""
    _call("POST", url, f"/_sandbox/companies/{realm_id}/tokens", {"client_id": client_id})


@app.command("clock")
def clock(
    now: str | None = typer.Option(None, help="ISO-8601 instant"),
    advance_seconds: float | None = typer.Option(None),
    url: str = URL,
) -> None:
    """Set or advance the sandbox clock."""
    _call("POST", url, "/_sandbox/clock", {"now": now, "advance_seconds": advance_seconds})
