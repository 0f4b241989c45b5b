"""`lawsync quickbooks connect|disconnect|status` and `lawsync sync`, for `lawsync.cli`.

The commands work on the database directly, as the other `lawsync` commands do; only QuickBooks
(the sandbox mounted in `lawsync serve`, or `LAWSYNC_QBO_BASE_URL`) is reached over HTTP.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table

import lawsync._typer_help  # noqa: F401  (flags show as flags in --help)
from lawsync.bootstrap import Services
from lawsync.cli_database import open_services
from lawsync.config import Settings
from lawsync.errors import LawsyncError
from lawsync.practice.models import Firm, Role
from lawsync.practice.services.context import Actor, Ledger
from lawsync.sync import connection, sandbox_control
from lawsync.sync.status import status_counts
from lawsync.sync.worker import run_pass_now

quickbooks_app = typer.Typer(help="The QuickBooks Online connection.", no_args_is_help=True)
console = Console()

FirmOption = typer.Option(..., "--firm", help="The firm's id.")
UrlOption = typer.Option(
    None,
    "--url",
    help="lawsync server URL (sandbox under /qbo); default from LAWSYNC_HOST/PORT.",
)


def _services(url: str | None = None) -> Services:
    """These commands are about an existing firm: a missing SQLite file is refused, not made."""
    return open_services(Settings.from_env(), existing=True, app_url=url)


def _firm_actor(ledger: Ledger, firm_id: int) -> tuple[Actor, str]:
    """The command acts as the system, with an administrator's rights, for an existing firm."""
    with ledger.uow(None) as uow:
        firm = uow.session.get(Firm, firm_id)
        if firm is None:
            console.print(f"[red]No firm with id {firm_id}.[/red]")
            raise typer.Exit(2)
        return Actor(firm_id, None, Role.admin), firm.name


def _fail(error: LawsyncError) -> typer.Exit:
    console.print(f"[red]{error.message}[/red] ({error.code})")
    return typer.Exit(1)


@quickbooks_app.command("connect")
def connect(
    firm: int = FirmOption,
    sandbox: bool = typer.Option(
        False, "--sandbox", help="Complete the whole flow against the bundled sandbox."
    ),
    url: str = UrlOption,
    realm: str = typer.Option(
        None, "--realm", help="Sandbox company to connect (else the firm's own, else a new one)."
    ),
    new_company: bool = typer.Option(
        False, "--new-company", help="Make a new sandbox company even if the firm has one."
    ),
    share_company: bool = typer.Option(
        False,
        "--share-company",
        help="Agree to share the company with another firm connected to it (whose "
        "administrator must allow it too).",
    ),
    edition: str = typer.Option("plus", "--edition", help="Edition of a new sandbox company."),
    country: str = typer.Option("US", "--country", help="Country of a new sandbox company."),
) -> None:
    """Connect the firm to a QuickBooks Online company; prints its name and realm id."""
    services = _services(url)
    ledger = services.ledger
    actor, firm_name = _firm_actor(ledger, firm)
    share = {"share_company": share_company}
    if realm is not None and new_company:
        console.print("[red]--realm and --new-company cannot go together.[/red]")
        raise typer.Exit(2)
    try:
        if not sandbox:
            authorize = connection.start_connect(
                ledger, actor, services.settings, services.app_url, **share
            )
            console.print("Open this address in a browser while `lawsync serve` runs:")
            console.print(authorize, soft_wrap=True)
            return
        if realm is None and not new_company:
            realm = _own_company(ledger, actor)
        row = _connect_sandbox(services, actor, firm_name, realm, edition, country, share_company)
    except LawsyncError as error:
        raise _fail(error) from None
    except httpx.HTTPError as error:
        console.print(f"[red]The QuickBooks sandbox is not reachable: {error}[/red]")
        raise typer.Exit(1) from None
    console.print(f"realm id: {row.realm_id}")
    console.print(f"company: {row.company_name} ({row.edition}, {row.country})")
    if row.status_note:
        console.print(f"note: {row.status_note}")


def _own_company(ledger: Ledger, actor: Actor) -> str | None:
    """The company the firm was last connected to: connecting again resumes it and its links."""
    rows = connection.connections(ledger, actor)
    if not rows:
        return None
    row = rows[0]  # the active one first, else the most recent
    console.print(
        f"Connecting to the firm's company {row.company_name} (realm id {row.realm_id}); "
        "pass --new-company for a new, empty one."
    )
    return row.realm_id


def _connect_sandbox(
    services: Services,
    actor: Actor,
    firm_name: str,
    realm: str | None,
    edition: str,
    country: str,
    share_company: bool = False,
) -> Any:
    ledger, settings, app_url = services.ledger, services.settings, services.app_url
    config = services.quickbooks_config()
    if config.base_url is None:
        raise LawsyncError("--sandbox needs LAWSYNC_QBO_ENV=local.", code="not_local")
    secret = sandbox_control.command_line_secret(settings)
    asyncio.run(connection.register_sandbox_app(config, secret, settings))
    headers = sandbox_control.control_headers(secret)
    with httpx.Client(base_url=config.base_url, headers=headers, timeout=30) as sandbox:
        if realm is None:
            made = sandbox.post(
                "/_sandbox/companies",
                json={"name": f"{firm_name} (sandbox)", "edition": edition, "country": country},
            )
            if made.status_code != 201:
                raise LawsyncError(f"The sandbox refused the company: {made.text}", code="sandbox")
            realm = str(made.json()["realm_id"])
        authorize = connection.start_connect(
            ledger, actor, settings, app_url, share_company=share_company
        )
        query = {k: v[0] for k, v in parse_qs(urlsplit(authorize).query).items()}
        consent = sandbox.post(
            "/connect/oauth2",
            data={
                **{k: query.get(k, "") for k in ("client_id", "redirect_uri", "scope", "state")},
                "realm_id": realm,
                "action": "connect",
            },
        )
    back = consent.headers.get("location")
    if consent.status_code != 302 or not back:
        raise LawsyncError(
            f"The sandbox's consent page did not send us back for company {realm} "
            f"(HTTP {consent.status_code}); if the sandbox no longer has it, pass --new-company.",
            code="sandbox",
        )
    return asyncio.run(
        connection.finish_connect(ledger, settings, back, actor=actor, app_url=app_url)
    )


@quickbooks_app.command("disconnect")
def disconnect(firm: int = FirmOption, url: str = UrlOption) -> None:
    """Revoke access and forget the tokens; links are kept for a later reconnect."""
    services = _services(url)
    actor, _ = _firm_actor(services.ledger, firm)
    try:
        row = asyncio.run(
            connection.disconnect(services.ledger, actor, services.settings, services.app_url)
        )
    except LawsyncError as error:
        raise _fail(error) from None
    console.print(f"Disconnected from company {row.realm_id}; its links are kept.")


@quickbooks_app.command("status")
def status(firm: int = FirmOption) -> None:
    """The connection, earlier connections, and what is pending, synced or failed."""
    ledger = _services().ledger
    actor, _ = _firm_actor(ledger, firm)
    rows = connection.connections(ledger, actor)
    if not rows:
        console.print("Not connected to QuickBooks Online.")
        return
    active = next((r for r in rows if r.active), None)
    if active is not None:
        last = active.last_sync_at.isoformat(timespec="seconds") if active.last_sync_at else "never"
        console.print(f"realm id: {active.realm_id}")
        console.print(f"company: {active.company_name} ({active.edition}, {active.country})")
        console.print(f"status: {active.status.value}")
        console.print(f"last sync: {last}")
        if active.status_note:
            console.print(f"note: {active.status_note}")
    earlier = [r for r in rows if not r.active]
    if earlier:
        console.print("previous companies (inactive, links kept):")
        for r in earlier:
            console.print(f"  {r.realm_id} {r.company_name}")
    console.print(_counts_table(status_counts(ledger, firm)))


def _counts_table(counts: dict[str, dict[str, int]]) -> Table:
    table = Table("kind", "pending", "synced", "failed")
    for kind, c in counts.items():
        table.add_row(kind, *(str(c.get(k, 0)) for k in ("pending", "synced", "failed")))
    return table


def sync(
    firm: int = FirmOption,
    url: str = UrlOption,
    fast: bool = typer.Option(
        False,
        "--fast",
        help="For this pass, also use the requests batches leave unused (a faster catch-up, "
        "more of the company's limit). Default: the firm's fast_catch_up setting.",
    ),
    gentle: bool = typer.Option(
        False, "--gentle", help="For this pass, batches only. Default: the firm's setting."
    ),
) -> None:
    """Run a sync pass now, with a progress bar and a summary."""
    if fast and gentle:
        console.print("[red]Choose one of --fast and --gentle, not both.[/red]")
        raise typer.Exit(2)
    spare_requests = True if fast else False if gentle else None
    services = _services(url)
    _firm_actor(services.ledger, firm)
    columns = (TextColumn("{task.description:<16}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=False) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(kind: str, done: int, total: int) -> None:
            if kind not in tasks:
                tasks[kind] = bar.add_task(kind, total=total)
            bar.update(tasks[kind], completed=done, total=total)

        try:
            report = asyncio.run(
                run_pass_now(
                    services.ledger,
                    firm,
                    services.settings,
                    app_url=services.app_url,
                    progress=progress,
                    spare_requests=spare_requests,
                )
            )
        except LawsyncError as error:
            raise _fail(error) from None
    table = Table("kind", "synced", "failed", "skipped", title="Sync pass")
    for kind, k in report.kinds.items():
        table.add_row(kind, str(k.synced), str(k.failed), str(k.skipped))
    console.print(table)
    console.print(f"requests: {report.requests}")
    if report.note:
        console.print(f"note: {report.note}")
    if report.reconnect_needed:
        console.print("[red]QuickBooks Online needs to be reconnected.[/red]")
        raise typer.Exit(1)
