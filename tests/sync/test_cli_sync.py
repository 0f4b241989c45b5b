"""`lawsync quickbooks connect --sandbox` and friends, against a real sandbox over HTTP."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from lawsync.cli import app
from lawsync.migrate import upgrade
from lawsync.practice.commands import FirmCreate
from lawsync.practice.services.context import Ledger
from lawsync.practice.services.firms import create_firm
from lawsync.storage import make_engine, make_session_factory
from tests.quickbooks.conftest import Sandbox

runner = CliRunner()


def _setup(tmp_path: Path, client_sandbox: Sandbox) -> tuple[dict[str, str], str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    upgrade(engine)
    created = create_firm(
        Ledger(make_session_factory(engine)),
        FirmCreate(name="Cli & Co", admin_email="cli@example.com", admin_name="Cleo"),
    )
    engine.dispose()
    env = {"LAWSYNC_DATABASE_URL": url, "LAWSYNC_QBO_BASE_URL": client_sandbox.url}
    return env, str(created.firm.id)


def _realm(output: str) -> str:
    found = re.search(r"realm id: (\S+)", output)
    assert found, output
    return found.group(1)


def test_connect_to_the_sandbox_then_status_disconnect_and_resume(
    tmp_path: Path, client_sandbox: Sandbox
) -> None:
    env, firm = _setup(tmp_path, client_sandbox)
    result = runner.invoke(app, ["quickbooks", "connect", "--firm", firm, "--sandbox"], env=env)
    assert result.exit_code == 0, result.output
    realm = _realm(result.output)
    assert "(plus, US)" in result.output

    status = runner.invoke(app, ["quickbooks", "status", "--firm", firm], env=env)
    assert status.exit_code == 0, status.output
    assert realm in status.output and "connected" in status.output

    gone = runner.invoke(app, ["quickbooks", "disconnect", "--firm", firm], env=env)
    assert gone.exit_code == 0 and "links are kept" in gone.output
    no_sync = runner.invoke(app, ["sync", "--firm", firm], env=env)
    assert no_sync.exit_code == 1 and "not_connected" in no_sync.output

    again = runner.invoke(
        app, ["quickbooks", "connect", "--firm", firm, "--sandbox", "--realm", realm], env=env
    )
    assert again.exit_code == 0, again.output
    assert _realm(again.output) == realm
    status = runner.invoke(app, ["quickbooks", "status", "--firm", firm], env=env)
    assert status.output.count(realm) == 1  # the same connection, resumed

    ran = runner.invoke(app, ["sync", "--firm", firm], env=env)
    assert ran.exit_code == 0 and "Sync pass" in ran.output, ran.output
    assert "requests:" in ran.output
    fast = runner.invoke(app, ["sync", "--firm", firm, "--fast"], env=env)
    assert fast.exit_code == 0 and "Sync pass" in fast.output, fast.output
    status = runner.invoke(app, ["quickbooks", "status", "--firm", firm], env=env)
    assert "pending" in status.output and "last sync: never" not in status.output


def test_connect_refuses_simple_start_and_unknown_firms(
    tmp_path: Path, client_sandbox: Sandbox
) -> None:
    env, firm = _setup(tmp_path, client_sandbox)
    refused = runner.invoke(
        app,
        ["quickbooks", "connect", "--firm", firm, "--sandbox", "--edition", "simple_start"],
        env=env,
    )
    assert refused.exit_code == 1 and "edition_not_supported" in refused.output
    status = runner.invoke(app, ["quickbooks", "status", "--firm", firm], env=env)
    assert "Not connected" in status.output
    unknown = runner.invoke(
        app, ["quickbooks", "connect", "--firm", "987654", "--sandbox"], env=env
    )
    assert unknown.exit_code == 2 and "No firm" in unknown.output


def test_essentials_connects_with_a_note(tmp_path: Path, client_sandbox: Sandbox) -> None:
    env, firm = _setup(tmp_path, client_sandbox)
    result = runner.invoke(
        app,
        ["quickbooks", "connect", "--firm", firm, "--sandbox", "--edition", "essentials"],
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert "note:" in result.output and "Essentials" in result.output


def test_connecting_again_reuses_the_firms_company_unless_a_new_one_is_asked_for(
    tmp_path: Path, client_sandbox: Sandbox
) -> None:
    env, firm = _setup(tmp_path, client_sandbox)
    connect = ["quickbooks", "connect", "--firm", firm, "--sandbox"]
    first = runner.invoke(app, connect, env=env)
    assert first.exit_code == 0, first.output
    realm = _realm(first.output)
    assert "company: Cli & Co (sandbox)" in first.output

    again = runner.invoke(app, connect, env=env)
    assert again.exit_code == 0, again.output
    assert _realm(again.output) == realm
    said = " ".join(again.output.split())
    assert f"the firm's company Cli & Co (sandbox) (realm id {realm})" in said
    assert "--new-company" in said

    fresh = runner.invoke(app, [*connect, "--new-company"], env=env)
    assert fresh.exit_code == 0, fresh.output
    assert _realm(fresh.output) != realm
    status = runner.invoke(app, ["quickbooks", "status", "--firm", firm], env=env)
    assert _realm(status.output) == _realm(fresh.output)
    assert realm in status.output.split("previous companies")[1]

    both = runner.invoke(app, [*connect, "--new-company", "--realm", realm], env=env)
    assert both.exit_code == 2
