"""How the commands find the database: the one place that opens it for the command line.

What they run on is put together by `lawsync.bootstrap`; this module decides which database that
is, and says so.

A relative SQLite path is resolved once, against the folder the command runs in, and the command
says which file it uses. Commands about an existing firm refuse a SQLite file that is not there
rather than create an empty one (which would then say "the books check out" about nothing).
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from lawsync.bootstrap import Services, compose
from lawsync.config import Settings, mask_database_url, sqlite_path
from lawsync.practice.services.context import Ledger

notes = Console(stderr=True)


def missing_database_message(url: str) -> str | None:
    """Why `url` cannot be used by a command that only works on existing data, or None."""
    path = sqlite_path(url)
    if path is None or Path(path).exists():
        return None
    return (
        f"No lawsync database at {path}.\n"
        "A relative SQLite path in LAWSYNC_DATABASE_URL (the default is "
        "sqlite:///./var/lawsync.db) is read from the folder you run the command in: run it "
        "where `make run` was started, or "
        f"set LAWSYNC_DATABASE_URL, e.g. export LAWSYNC_DATABASE_URL='sqlite:///{path}'."
    )


def open_services(
    settings: Settings,
    *,
    existing: bool,
    app_url: str | None = None,
    ledger: Ledger | None = None,
) -> Services:
    """What a command runs on; with `existing`, refuse (exit 2) a SQLite file that is not there.

    The schema is brought up to date first, as the server does on start. `app_url` is the server
    the command reaches (`--url`), by default the one the settings name.
    """
    if existing:
        problem = missing_database_message(settings.database_url)
        if problem is not None:
            notes.print(f"[red]{problem}[/red]", soft_wrap=True)
            raise typer.Exit(2)
    notes.print(f"[dim]database: {mask_database_url(settings.database_url)}[/dim]", soft_wrap=True)
    return compose(settings, app_url=app_url, ledger=ledger)
