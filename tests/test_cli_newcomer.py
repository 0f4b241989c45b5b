"""The command line as a newcomer meets it: clear refusals, the database named, no secrets."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from lawsync.cli import app
from lawsync.config import Settings, mask_database_url, resolve_database_url
from lawsync.practice.models import ApiToken
from lawsync.practice.services.context import Ledger
from lawsync.storage import make_engine, make_session_factory
from lawsync.sync.models import QuickBooksConnection
from tests.sandbox.sandbox_support import free_port

runner = CliRunner()


def _env(tmp_path: Path) -> dict[str, str]:
    return {"LAWSYNC_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}


def _firm(env: dict[str, str], name: str = "Lee & Co", email: str = "lee@example.com") -> int:
    made = runner.invoke(app, ["firm", "create", "--name", name, "--admin-email", email], env=env)
    assert made.exit_code == 0, made.output
    return int(made.output.split("firm id: ")[1].split()[0])


def test_check_of_an_unknown_firm_exits_2_with_a_message(tmp_path: Path) -> None:
    env = _env(tmp_path)
    firm = _firm(env)
    assert runner.invoke(app, ["check", "--firm", str(firm)], env=env).exit_code == 0
    result = runner.invoke(app, ["check", "--firm", "99"], env=env)
    assert result.exit_code == 2
    assert "No firm with id 99" in result.output and "check out" not in result.output


def test_demo_data_for_an_unknown_firm_exits_2_without_a_traceback(tmp_path: Path) -> None:
    env = _env(tmp_path)
    _firm(env)
    result = runner.invoke(app, ["demo-data", "--firm", "99"], env=env)
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    assert "No firm with id 99" in result.output


READ_ONLY = [
    ["check", "--firm", "1"],
    ["firm", "list"],
    ["sync", "--firm", "1"],
    ["quickbooks", "status", "--firm", "1"],
    ["demo-data", "--firm", "1"],
]


@pytest.mark.parametrize("command", READ_ONLY, ids=lambda c: " ".join(c[:2]))
def test_commands_on_existing_data_refuse_a_missing_sqlite_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    """Run from another folder: the default ./var/lawsync.db is not there, and is not made."""
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, command, env={"LAWSYNC_DATABASE_URL": None})
    assert result.exit_code == 2, result.output
    expected = tmp_path.resolve() / "var" / "lawsync.db"
    flat = result.output.replace("\n", "")
    assert str(expected) in flat and "LAWSYNC_DATABASE_URL" in flat
    assert not expected.exists() and not (tmp_path / "var").exists()


def test_config_show_says_the_database_file_is_missing_without_making_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["config", "show"], env={"LAWSYNC_DATABASE_URL": None})
    assert result.exit_code == 0
    expected = tmp_path.resolve() / "var" / "lawsync.db"
    assert f"database_url = sqlite:///{expected}" in result.output
    assert "No lawsync database at" in result.output.replace("\n", "")
    assert not (tmp_path / "var").exists()


def test_a_relative_sqlite_path_is_resolved_once_and_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    env = {"LAWSYNC_DATABASE_URL": "sqlite:///./var/here.db"}
    settings = Settings.from_env(env)
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'var' / 'here.db'}"
    made = runner.invoke(
        app, ["firm", "create", "--name", "X", "--admin-email", "x@example.com"], env=env
    )
    assert made.exit_code == 0, made.output
    assert f"database: {settings.database_url}" in made.output
    # Later commands in another folder with the absolute URL find the same file.
    assert resolve_database_url(settings.database_url, cwd=Path("/")) == settings.database_url
    for url in ("sqlite://", "sqlite:///:memory:", "postgresql+psycopg://u@h/db"):
        assert resolve_database_url(url) == url


def test_database_passwords_are_masked_wherever_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    secret_url = "postgresql+psycopg://lawsync:hunter2@db.example.com:5432/books"
    masked = "postgresql+psycopg://lawsync:***@db.example.com:5432/books"
    env = {"LAWSYNC_DATABASE_URL": secret_url}
    shown = runner.invoke(app, ["config", "show"], env=env)
    assert shown.exit_code == 0
    assert "hunter2" not in shown.output and masked in shown.output
    # migrate names the database it brought up to date (no server here: the upgrade is skipped).
    migrated_urls: list[str] = []
    monkeypatch.setattr("lawsync.migrate.upgrade", migrated_urls.append)
    migrated = runner.invoke(app, ["migrate"], env=env)
    assert migrated.exit_code == 0, migrated.output
    assert migrated_urls == [secret_url]
    assert "hunter2" not in migrated.output and masked in migrated.output
    assert mask_database_url(secret_url) == masked
    assert mask_database_url("sqlite:///./var/lawsync.db") == "sqlite:///./var/lawsync.db"


def test_sync_refuses_fast_and_gentle_together(tmp_path: Path) -> None:
    env = _env(tmp_path)
    firm = _firm(env)
    result = runner.invoke(app, ["sync", "--firm", str(firm), "--fast", "--gentle"], env=env)
    assert result.exit_code == 2
    assert "--fast" in result.output and "--gentle" in result.output and "not both" in result.output


@pytest.mark.parametrize(
    ("command", "flag"),
    [
        (["serve"], "--seed-demo"),
        (["sync"], "--gentle"),
        (["quickbooks", "connect"], "--sandbox"),
        (["sandbox", "app", "register"], "--legacy-webhooks"),
        (["check"], "--help"),
    ],
)
def test_flags_show_as_flags_in_help(command: list[str], flag: str) -> None:
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    assert flag in result.output
    assert "<bool>" not in result.output


def test_firm_list_shows_each_firm_its_users_and_company(tmp_path: Path) -> None:
    env = _env(tmp_path)
    first = _firm(env, "Lee & Co", "lee@example.com")
    second = _firm(env, "Okafor Legal", "ok@example.com")
    ledger = Ledger(make_session_factory(make_engine(env["LAWSYNC_DATABASE_URL"])))
    with ledger.uow(second) as uow:
        uow.session.add(
            QuickBooksConnection(firm_id=second, realm_id="9130355", company_name="Okafor Books")
        )
        uow.commit()
    result = runner.invoke(app, ["firm", "list"], env={**env, "COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    rows = {line.split("│")[1].strip(): line for line in result.output.splitlines() if "│" in line}
    assert "Lee & Co" in rows[str(first)] and "not connected" in rows[str(first)]
    assert "Okafor Legal" in rows[str(second)] and "Okafor Books (9130355)" in rows[str(second)]
    assert rows[str(first)].split("│")[3].strip() == "1"


def _serve(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, **_env(tmp_path)}
    return subprocess.Popen(
        [sys.executable, "-m", "lawsync.cli", "serve", *args],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_serve_on_a_taken_port_exits_2_before_the_banner(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = _serve(tmp_path, "--port", str(port))
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2, out
    assert f"127.0.0.1:{port}" in out and "serving on" not in out
    assert "Traceback" not in out


def test_serve_seed_demo_leaves_a_database_with_firms_alone(tmp_path: Path) -> None:
    env = _env(tmp_path)
    _firm(env)
    ledger = Ledger(make_session_factory(make_engine(env["LAWSYNC_DATABASE_URL"])))

    def tokens() -> int:
        with ledger.uow(None) as uow:
            return int(uow.session.scalar(select(func.count()).select_from(ApiToken)) or 0)

    before = tokens()
    proc = _serve(tmp_path, "--seed-demo", "--port", str(free_port()))
    out = ""
    try:
        assert proc.stdout is not None
        deadline = time.time() + 60
        for line in proc.stdout:
            out += line
            if "serving on" in line or time.time() > deadline:
                break
    finally:
        proc.terminate()
        proc.wait(10)
    assert "serving on" in out, out
    assert "no demo firm was seeded" in out
    assert tokens() == before
    assert not (tmp_path / "var" / "demo-token").exists()
