"""The command line: migrate, create a firm, fill it with demo data."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
from typer.testing import CliRunner

from lawsync.cli import app
from lawsync.practice.services.context import Actor, Ledger
from lawsync.practice.services.firms import authenticate, get_firm
from lawsync.practice.services.reports import client_funds_ledger
from lawsync.storage import make_engine, make_session_factory
from tests.sandbox.sandbox_support import free_port

runner = CliRunner()


def _env(tmp_path: Path) -> dict[str, str]:
    return {"LAWSYNC_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}


def test_firm_create_prints_the_firm_and_a_working_token(tmp_path: Path) -> None:
    env = _env(tmp_path)
    result = runner.invoke(
        app, ["firm", "create", "--name", "Lee & Co", "--admin-email", "lee@example.com"], env=env
    )
    assert result.exit_code == 0, result.output
    lines = dict(line.split(": ", 1) for line in result.output.strip().splitlines())
    ledger = Ledger(make_session_factory(make_engine(env["LAWSYNC_DATABASE_URL"])))
    actor = authenticate(ledger, lines["API token"].strip())
    assert actor is not None and actor.firm_id == int(lines["firm id"])


def test_firm_create_refuses_a_bad_email(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["firm", "create", "--name", "X", "--admin-email", "nope"], env=_env(tmp_path)
    )
    assert result.exit_code == 2 and "admin_email" in result.output


def test_firm_create_takes_a_locale_and_time_zone_and_refuses_unknown_ones(
    tmp_path: Path,
) -> None:
    env = _env(tmp_path)
    made = ["firm", "create", "--name", "Roy", "--admin-email", "roy@example.com"]
    result = runner.invoke(
        app,
        [*made, "--currency", "CAD", "--locale", "fr-ca", "--time-zone", "America/Toronto"],
        env=env,
    )
    assert result.exit_code == 0, result.output
    token = result.output.split("API token: ")[1].split()[0]
    ledger = Ledger(make_session_factory(make_engine(env["LAWSYNC_DATABASE_URL"])))
    actor = authenticate(ledger, token)
    assert actor is not None
    firm = get_firm(ledger, actor)
    assert (firm.currency, firm.locale, firm.time_zone) == ("CAD", "fr_CA", "America/Toronto")
    refused = runner.invoke(app, [*made, "--locale", "xx_YY"], env=env)
    assert refused.exit_code == 2 and "locale: xx_YY is not a locale" in refused.output
    refused = runner.invoke(app, [*made, "--time-zone", "Moon/Base"], env=env)
    assert refused.exit_code == 2 and "time_zone: Moon/Base is not an IANA" in refused.output


def test_demo_data_builds_a_realistic_firm(tmp_path: Path) -> None:
    env = _env(tmp_path)
    created = runner.invoke(
        app, ["firm", "create", "--name", "Demo", "--admin-email", "d@example.com"], env=env
    )
    firm_id = created.output.split("firm id: ")[1].split()[0]
    result = runner.invoke(app, ["demo-data", "--firm", firm_id], env=env)
    assert result.exit_code == 0, result.output
    summary = dict(line.split(": ") for line in result.output.splitlines() if ": " in line)
    assert int(summary["contacts"]) >= 20 and int(summary["matters"]) >= 30
    assert int(summary["time_entries"]) + int(summary["expense_entries"]) >= 300
    for state in ("draft", "approved", "paid", "void"):
        assert int(summary[f"bills_{state}"]) >= 1, state
    assert int(summary["payments_from_trust"]) >= 1 and int(summary["client_funds_accounts"]) == 2
    assert int(summary["disbursements"]) >= 1
    ledger = Ledger(make_session_factory(make_engine(env["LAWSYNC_DATABASE_URL"])))
    actor = Actor(int(firm_id), None)
    for account_id in (1, 2):
        report = client_funds_ledger(ledger, actor, account_id)
        assert report.closing == report.account_balance > 0

    # A second run is refused up front (exit 2, a message, no traceback) and changes nothing.
    before = _audit_trail(ledger, int(firm_id))
    settings_before = _bill_settings(ledger, int(firm_id))
    again = runner.invoke(app, ["demo-data", "--firm", firm_id], env=env)
    assert again.exit_code == 2, again.output
    assert isinstance(again.exception, SystemExit)
    assert "already has data" in again.output and "Traceback" not in again.output
    assert _audit_trail(ledger, int(firm_id)) == before
    assert _bill_settings(ledger, int(firm_id)) == settings_before


def _audit_trail(ledger: Ledger, firm_id: int) -> int:
    from sqlalchemy import func, select

    from lawsync.practice.models import AuditEvent

    with ledger.uow(firm_id) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def _bill_settings(ledger: Ledger, firm_id: int) -> tuple[object, ...]:
    from sqlalchemy import select

    from lawsync.practice.models import BillSettings

    with ledger.uow(firm_id) as uow:
        row = uow.session.scalars(select(BillSettings)).one_or_none()
        if row is None:
            return ()
        return (row.primary_tax_name, row.primary_tax_rate, row.next_bill_number, row.updated_at)


def test_sandbox_commands_are_part_of_the_cli() -> None:
    result = runner.invoke(app, ["sandbox", "--help"])
    assert result.exit_code == 0 and "--port" in result.output


def test_migrate_and_config_show(tmp_path: Path) -> None:
    env = _env(tmp_path)
    assert runner.invoke(app, ["migrate"], env=env).exit_code == 0
    shown = runner.invoke(app, ["config", "show"], env={**env, "LAWSYNC_SECRET_KEY": "s3cret"})
    assert "database_url" in shown.output and "s3cret" not in shown.output


def test_serve_seeds_a_demo_firm_and_answers_with_its_token(tmp_path: Path) -> None:
    """What `make run` does: migrate, seed, print the URL and token, serve."""
    env = {**os.environ, **_env(tmp_path), "LAWSYNC_PORT": "0"}
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "lawsync.cli", "serve", "--seed-demo", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        out = ""
        assert proc.stdout is not None
        for line in proc.stdout:
            out += line
            if "serving on" in line:
                break
        token = (tmp_path / "var" / "demo-token").read_text().strip()
        assert token in out.replace("\n", "")
        # The banner survives an 80-column terminal: no line is longer, the token is whole.
        banner = [line for line in out.splitlines() if not line.startswith("database: ")]
        assert all(len(line) <= 80 for line in banner), banner
        assert any(line.strip() == token for line in banner)
        assert f'curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:{port}/api/v1/bills' in out
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                r = httpx.get(f"{url}/api/v1/bills", headers={"Authorization": f"Bearer {token}"})
                break
            except httpx.ConnectError:
                import time

                time.sleep(0.1)
        assert r.status_code == 200 and len(r.json()["data"]) > 0
        demo = httpx.get(f"{url}/api/v1/firm", headers={"Authorization": f"Bearer {token}"})
        assert (demo.json()["locale"], demo.json()["time_zone"]) == ("en_US", "America/New_York")
        assert httpx.get(f"{url}/docs").status_code == 200
        # Every address the banner names answers as printed (no 404; the bare root leads to
        # the sign-in page).
        for printed in re.findall(r"(http://127\.0\.0\.1:\d+\S*)", out):
            answer = httpx.get(printed)
            if printed == url:
                assert answer.headers.get("location") == "/login", printed
            else:
                assert answer.status_code in (200, 401), printed
        # The demo administrator can sign in to the web app with what was printed.
        email, password = (tmp_path / "var" / "demo-login").read_text().split()
        assert email in out and password in out
        signed = httpx.post(f"{url}/login", data={"email": email, "password": password})
        assert signed.status_code == 303 and "lawsync_session" in signed.headers["set-cookie"]
        # No real company configured: the bundled sandbox answers under /qbo.
        discovery = httpx.get(f"{url}/qbo/.well-known/openid_configuration/")
        assert discovery.status_code == 200
        assert discovery.json()["token_endpoint"].startswith(f"{url}/qbo/")
    finally:
        proc.terminate()
        proc.wait(10)
