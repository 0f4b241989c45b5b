"""The `lawsync` command: serve, migrate, firms and demo data, configuration."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from lawsync.config import Settings
from lawsync.sandbox import cli as sandbox_cli
from lawsync.sync import cli as sync_cli

app = typer.Typer(
    help="lawsync: a law firm's practice ledger kept in step with its accounting.",
    no_args_is_help=True,
)
firm_app = typer.Typer(help="Firms.", no_args_is_help=True)
config_app = typer.Typer(help="Configuration.", no_args_is_help=True)
app.add_typer(firm_app, name="firm")
app.add_typer(config_app, name="config")
app.add_typer(sandbox_cli.app, name="sandbox", invoke_without_command=True)
app.add_typer(sync_cli.quickbooks_app, name="quickbooks")
app.command("sync")(sync_cli.sync)
console = Console()

DEMO_TOKEN_FILE = Path("var/demo-token")


def _ledger(settings: Settings):  # type: ignore[no-untyped-def]
    from lawsync.db import make_engine, make_session_factory
    from lawsync.migrate import upgrade
    from lawsync.practice.services.context import Ledger

    engine = make_engine(settings.database_url)
    upgrade(engine)
    return Ledger(make_session_factory(engine))


@app.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    from lawsync.migrate import upgrade

    settings = Settings.from_env()
    upgrade(settings.database_url)
    console.print(f"Database is up to date: {settings.masked()['database_url']}")


@firm_app.command("create")
def firm_create(
    name: str = typer.Option(..., "--name", help="The firm's name."),
    admin_email: str = typer.Option(..., "--admin-email", help="The first administrator's email."),
    admin_name: str = typer.Option("Administrator", "--admin-name"),
    currency: str = typer.Option("USD", "--currency"),
) -> None:
    """Create a firm with its first administrator; prints the firm id and an API token."""
    from pydantic import ValidationError

    from lawsync.practice.commands import FirmCreate
    from lawsync.practice.services.firms import create_firm

    try:
        cmd = FirmCreate(
            name=name, admin_email=admin_email, admin_name=admin_name, currency=currency
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        console.print(f"[red]{'.'.join(map(str, first['loc']))}: {first['msg']}[/red]")
        raise typer.Exit(2) from exc
    created = create_firm(_ledger(Settings.from_env()), cmd)
    console.print(f"firm id: {created.firm.id}")
    console.print(f"API token: {created.token}")


@app.command("demo-data")
def demo_data(
    firm: int = typer.Option(..., "--firm", help="The firm to fill."),
    seed: int = typer.Option(7, "--seed", help="Random seed, for repeatable data."),
) -> None:
    """Fill a firm with a realistic practice: contacts, matters, work, bills, payments, trust."""
    from lawsync.practice.demo import fill_firm

    summary = fill_firm(_ledger(Settings.from_env()), firm, seed=seed, progress=console)
    for key, value in summary.items():
        console.print(f"{key}: {value}")


@app.command()
def check(firm: int = typer.Option(..., "--firm", help="The firm whose books to check.")) -> None:
    """Check the firm's books: trust balances, bill arithmetic, payments. Exit 1 on a problem."""
    from lawsync.practice.checks import run_all

    ledger = _ledger(Settings.from_env())
    with ledger.uow(firm) as uow:
        problems = run_all(uow.session)
    for p in problems:
        console.print(f"[red]{p.check}[/red] {p.record}: {p.message}")
    if problems:
        raise typer.Exit(1)
    console.print("The books check out: trust balances, bills and payments all agree.")


@config_app.command("show")
def config_show() -> None:
    """Print the settings in force, secrets masked."""
    for key, value in Settings.from_env().masked().items():
        console.print(f"{key} = {value}")


@app.command()
def serve(
    host: str = typer.Option(None, "--host", help="Default: LAWSYNC_HOST or 127.0.0.1"),
    port: int = typer.Option(None, "--port", help="Default: LAWSYNC_PORT or 8000"),
    seed_demo: bool = typer.Option(
        False, "--seed-demo", help="Create a demo firm when the database has none."
    ),
) -> None:
    """Serve the web application (and the bundled sandbox when no real company is configured)."""
    import dataclasses
    import os

    import uvicorn

    from lawsync.web.app import create_app

    os.environ.setdefault("LAWSYNC_SYNC_WORKER", "1")  # the wake-up worker runs with the server
    settings = Settings.from_env()
    host = host or settings.host
    port = port or settings.port
    settings = dataclasses.replace(settings, host=host, port=port)
    ledger = _ledger(settings)
    if seed_demo:
        from lawsync.practice.demo import ensure_demo_firm

        token = ensure_demo_firm(ledger, DEMO_TOKEN_FILE, progress=console)
        console.print(f"Demo firm API token: [bold]{token}[/bold]")
        console.print(
            f"Try: curl -H 'Authorization: Bearer {token}' http://{host}:{port}/api/v1/bills"
        )
    console.print(f"lawsync is serving on [bold]http://{host}:{port}[/bold] (API reference: /docs)")
    if settings.embedded_sandbox:
        console.print(
            f"QuickBooks Online sandbox: http://{host}:{port}/qbo (control API: /qbo/_sandbox/docs)"
        )
    uvicorn.run(create_app(settings, ledger=ledger), host=host, port=port, log_level="warning")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
