"""The `lawsync` command: serve, migrate, firms and demo data, configuration.

`lawsync quickbooks …` and `lawsync sync` come from `lawsync.cli_quickbooks`, `lawsync sandbox …`
from `lawsync.sandbox.cli`; `lawsync.cli_database` opens the database for all of them.
"""

from __future__ import annotations

import socket
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

import lawsync._typer_help  # noqa: F401  (flags show as flags in --help)
from lawsync import cli_quickbooks
from lawsync.cli_database import missing_database_message, open_services
from lawsync.config import Settings
from lawsync.practice.errors import PracticeError
from lawsync.practice.services.context import Actor, Ledger
from lawsync.sandbox import cli as sandbox_cli

app = typer.Typer(
    help="lawsync: a law firm's practice ledger kept in step with its accounting.",
    no_args_is_help=True,
)
firm_app = typer.Typer(help="Firms.", no_args_is_help=True)
config_app = typer.Typer(help="Configuration.", no_args_is_help=True)
app.add_typer(firm_app, name="firm")
app.add_typer(config_app, name="config")
user_app = typer.Typer(help="Users.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(sandbox_cli.app, name="sandbox", invoke_without_command=True)
app.add_typer(cli_quickbooks.quickbooks_app, name="quickbooks")
app.command("sync")(cli_quickbooks.sync)
console = Console()

DEMO_TOKEN_FILE = Path("var/demo-token")


def _require_firm(ledger: Ledger, firm_id: int) -> str:
    """The firm's name; exit 2 with a message when there is no such firm."""
    from lawsync.practice.models import Firm

    with ledger.uow(None) as uow:
        firm = uow.session.get(Firm, firm_id)
        if firm is None:
            console.print(
                f"[red]No firm with id {firm_id}.[/red] `lawsync firm list` shows the firms."
            )
            raise typer.Exit(2)
        return firm.name


@app.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    from lawsync.migrate import upgrade

    settings = Settings.from_env()
    upgrade(settings.database_url)
    console.print(f"Database is up to date: {settings.masked()['database_url']}", soft_wrap=True)


@firm_app.command("create")
def firm_create(
    name: str = typer.Option(..., "--name", help="The firm's name."),
    admin_email: str = typer.Option(..., "--admin-email", help="The first administrator's email."),
    admin_name: str = typer.Option("Administrator", "--admin-name"),
    currency: str = typer.Option("USD", "--currency"),
    locale: str = typer.Option(
        "en_US", "--locale", help="How pages write money and dates, e.g. en_US, en_CA, fr_CA."
    ),
    time_zone: str = typer.Option(
        "UTC", "--time-zone", help="The IANA time zone times are shown in, e.g. America/Toronto."
    ),
) -> None:
    """Create a firm with its first administrator; prints the firm id and an API token."""
    from pydantic import ValidationError

    from lawsync.practice.commands import FirmCreate
    from lawsync.practice.services.firms import create_firm

    try:
        cmd = FirmCreate(
            name=name,
            admin_email=admin_email,
            admin_name=admin_name,
            currency=currency,
            locale=locale,
            time_zone=time_zone,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        said = str(first["msg"]).removeprefix("Value error, ")
        console.print(f"[red]{'.'.join(map(str, first['loc']))}: {said}[/red]")
        raise typer.Exit(2) from exc
    created = create_firm(open_services(Settings.from_env(), existing=False).ledger, cmd)
    console.print(f"firm id: {created.firm.id}")
    console.print(f"API token: {created.token}", soft_wrap=True)


@firm_app.command("list")
def firm_list() -> None:
    """The firms in the database: id, name, users, and the QuickBooks company, if connected."""
    from sqlalchemy import func, select

    from lawsync.practice.models import Firm, User
    from lawsync.sync.models import QuickBooksConnection

    ledger = open_services(Settings.from_env(), existing=True).ledger
    with ledger.uow(None) as uow:
        firms = uow.session.execute(select(Firm.id, Firm.name).order_by(Firm.id)).all()
        users = dict(
            uow.session.execute(
                select(User.firm_id, func.count()).where(User.active).group_by(User.firm_id)
            ).all()
        )
        companies = {
            row.firm_id: f"{row.company_name} ({row.realm_id})"
            for row in uow.session.scalars(
                select(QuickBooksConnection).where(QuickBooksConnection.active)
            )
        }
    if not firms:
        console.print("No firms yet: `lawsync firm create --name N --admin-email E` makes one.")
        return
    table = Table("id", "name", "users", "QuickBooks company", title="Firms")
    for firm_id, name in firms:
        table.add_row(
            str(firm_id),
            escape(name),
            str(users.get(firm_id, 0)),
            escape(companies.get(firm_id, "not connected")),
        )
    console.print(table)


@user_app.command("set-password")
def user_set_password(
    email: str = typer.Option(..., "--email", help="The user's email."),
    firm: int | None = typer.Option(
        None, "--firm", help="The user's firm, when the email is a user of several."
    ),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input (for scripts)."
    ),
) -> None:
    """Set the password a user signs in to the web app with (it ends their open sessions)."""
    import sys

    from lawsync.errors import LawsyncError
    from lawsync.practice.services import sign_in

    services = open_services(Settings.from_env(), existing=True)
    try:
        user = sign_in.user_by_email(services.ledger, email, firm)
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
        sign_in.set_password(services.ledger, Actor(user.firm_id, None), user.id, password)
    except LawsyncError as error:
        console.print(f"[red]{error.message}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    console.print(f"Password set for {user.email} (firm {user.firm_id}).")


@app.command("demo-data")
def demo_data(
    firm: int = typer.Option(..., "--firm", help="The firm to fill (it must be empty)."),
    seed: int = typer.Option(7, "--seed", help="Random seed, for repeatable data."),
) -> None:
    """Fill an empty firm with a realistic practice: contacts, matters, work, bills, trust."""
    from lawsync.practice.demo import check_can_fill, fill_firm

    ledger = open_services(Settings.from_env(), existing=True).ledger
    try:
        check_can_fill(ledger, firm)
    except PracticeError as error:
        console.print(f"[red]{error.message}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    summary = fill_firm(ledger, firm, seed=seed, progress=console)
    for key, value in summary.items():
        console.print(f"{key}: {value}")


@app.command()
def check(firm: int = typer.Option(..., "--firm", help="The firm whose books to check.")) -> None:
    """Check the firm's books: trust balances, bill arithmetic, payments. Exit 1 on a problem."""
    from lawsync.practice.checks import run_all

    ledger = open_services(Settings.from_env(), existing=True).ledger
    name = _require_firm(ledger, firm)
    with ledger.uow(firm) as uow:
        problems = run_all(uow.session)
    for p in problems:
        console.print(f"[red]{p.check}[/red] {p.record}: {p.message}")
    if problems:
        raise typer.Exit(1)
    console.print(
        f"{escape(name)} (firm {firm}): the books check out: trust balances, bills and payments "
        "all agree."
    )


@config_app.command("show")
def config_show() -> None:
    """Print the settings in force, secrets masked."""
    settings = Settings.from_env()
    for key, value in settings.masked().items():
        console.print(f"{key} = {value}", soft_wrap=True)
    problem = missing_database_message(settings.database_url)
    if problem is not None:
        console.print(f"[yellow]{problem}[/yellow]", soft_wrap=True)


def port_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on host:port (taken, unknown host), or None if it can."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as error:
        return f"Cannot listen on {host}: {error.strerror}."
    with socket.socket(family, kind, proto) as probe:
        # The same option uvicorn sets, so a port left in TIME_WAIT is not reported as taken.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            return (
                f"Cannot serve on {host}:{port}: {error.strerror} (another `lawsync serve`?). "
                "Stop it, or choose another port with --port or LAWSYNC_PORT."
            )
    return None


def _seed_demo(ledger: Ledger) -> bool:
    """Seed the demo firm into an empty database; never mint a token for an existing firm.

    True when a demo token is shown (new, or the one saved when the demo was seeded).
    """
    from lawsync.practice.demo import (
        login_file,
        saved_demo_login,
        saved_demo_token,
        seed_demo_firm,
    )

    token = seed_demo_firm(ledger, DEMO_TOKEN_FILE, progress=console)
    if token is None:
        console.print("The database already has firms, so no demo firm was seeded.")
        token = saved_demo_token(ledger, DEMO_TOKEN_FILE)
        if token is None:
            console.print(
                f"No working demo token in {DEMO_TOKEN_FILE}. `lawsync firm create --name N "
                "--admin-email E` makes a firm and prints its token; `lawsync firm list` shows "
                "the firms."
            )
            return False
    console.print(f"Demo firm API token (saved in {DEMO_TOKEN_FILE}):")
    console.print(f"  [bold]{token}[/bold]", soft_wrap=True)
    login = saved_demo_login(DEMO_TOKEN_FILE)
    if login is not None:
        console.print(
            "Sign in to the web app as the demo administrator "
            f"(saved in {login_file(DEMO_TOKEN_FILE)}):"
        )
        console.print(
            f"  email [bold]{login[0]}[/bold]  password [bold]{login[1]}[/bold]", soft_wrap=True
        )
    return True


def _banner(host: str, port: int, *, sandbox: bool, demo: bool) -> None:
    """Where the server answers, in lines that fit an 80-column terminal."""
    root = f"http://{host}:{port}"
    if demo:
        console.print("Try:")
        console.print(f"  TOKEN=$(cat {DEMO_TOKEN_FILE})", soft_wrap=True)
        console.print(
            f'  curl -H "Authorization: Bearer $TOKEN" {root}/api/v1/bills', soft_wrap=True
        )
    console.print(f"lawsync is serving on [bold]{root}[/bold]", soft_wrap=True)
    console.print(f"  web app: {root}/login", soft_wrap=True)
    console.print(f"  API: {root}/api/v1", soft_wrap=True)
    console.print(f"  API reference: {root}/docs", soft_wrap=True)
    if sandbox:
        console.print(f"  QuickBooks Online sandbox: {root}/qbo/", soft_wrap=True)
        console.print(f"  sandbox control API: {root}/qbo/_sandbox/docs", soft_wrap=True)


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
    problem = port_problem(host, port)
    if problem is not None:
        console.print(f"[red]{problem}[/red]", soft_wrap=True)
        raise typer.Exit(2)
    settings = dataclasses.replace(settings, host=host, port=port)
    ledger = open_services(settings, existing=False).ledger
    demo = _seed_demo(ledger) if seed_demo else False
    _banner(host, port, sandbox=settings.embedded_sandbox, demo=demo)
    uvicorn.run(create_app(settings, ledger=ledger), host=host, port=port, log_level="warning")


@app.command()
def worker(
    concurrency: int = typer.Option(
        20, "--concurrency", min=1, max=1000, help="Passes (companies) run at once."
    ),
    name: str = typer.Option("", "--name", help="Shown in the jobs table and the log."),
    grace: float = typer.Option(
        30.0, "--grace", min=0, help="Seconds a stopping worker lets its passes finish."
    ),
    stalled_after: float = typer.Option(
        30.0, "--stalled-after", min=1, help="Seconds of silence before a worker counts as dead."
    ),
    lease_seconds: float = typer.Option(
        60.0, "--lease-seconds", min=1, help="Life of a pass lease not renewed (a dead holder's)."
    ),
    threads: bool = typer.Option(
        False,
        "--threads",
        help="Each pass on a thread of its own, its database waits overlapping the others'"
        " (for a database across a slow network).",
    ),
) -> None:
    """Run queued sync jobs (LAWSYNC_SYNC_MODE=queue, PostgreSQL): passes for many companies."""
    import asyncio
    import dataclasses
    import logging

    from lawsync.bootstrap import ledger_on, open_database
    from lawsync.config import check_sync_mode
    from lawsync.sync.queue_worker import WorkerOptions, run_worker

    try:
        settings = dataclasses.replace(Settings.from_env(), sync_mode="queue")
        check_sync_mode(settings.sync_mode, settings.database_url)
    except ValueError as error:
        console.print(f"[red]{escape(str(error))}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    for noisy in ("procrastinate", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # Each pass running at once may hold a database connection between its requests.
    engine = open_database(settings.database_url, pool_size=min(concurrency, 40), max_overflow=10)
    services = open_services(settings, existing=False, ledger=ledger_on(engine))
    options = WorkerOptions(
        concurrency=concurrency,
        name=name or None,
        grace_seconds=grace,
        stalled_seconds=stalled_after,
        heartbeat_seconds=max(0.5, min(10.0, stalled_after / 5)),
        lease_seconds=lease_seconds,
        pass_threads=threads,
    )
    asyncio.run(run_worker(services.ledger, settings, options, app_url=services.app_url))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
