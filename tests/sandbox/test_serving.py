"""Serving: mounted under a prefix, persisted to SQLite, and driven from the CLI."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from typer.testing import CliRunner

from lawsync.sandbox.app import create_app
from lawsync.sandbox.cli import app as cli_app
from tests.sandbox.sandbox_support import Server


@pytest.fixture(scope="module")
def mounted() -> Iterator[Server]:
    outer = FastAPI()
    outer.mount("/qbo", create_app())
    server = Server(outer).start()
    yield server
    server.stop()


def test_mounted_sandbox_derives_urls_from_its_prefix(mounted: Server) -> None:
    with httpx.Client(base_url=mounted.url) as http:
        doc = http.get("/qbo/.well-known/openid_sandbox_configuration/").json()
        assert doc["token_endpoint"] == f"{mounted.url}/qbo/oauth2/v1/tokens/bearer"
        http.post(
            "/qbo/_sandbox/apps",
            json={
                "name": "m",
                "client_id": "m",
                "client_secret": "s",
                "redirect_uris": ["http://x/cb"],
            },
        ).raise_for_status()
        realm = http.post("/qbo/_sandbox/companies", json={"name": "Mounted"}).json()["realm_id"]
        token = http.post(f"/qbo/_sandbox/companies/{realm}/tokens", json={"client_id": "m"}).json()
        r = http.get(
            f"/qbo/v3/company/{realm}/preferences",
            headers={"Authorization": f"Bearer {token['access_token']}"},
        )
        assert r.status_code == 200
        page = http.get(
            "/qbo/connect/oauth2",
            params={
                "client_id": "m",
                "redirect_uri": "http://x/cb",
                "response_type": "code",
                "scope": "com.intuit.quickbooks.accounting",
            },
        )
        assert f"action='{mounted.url}/qbo/connect/oauth2'" in page.text


def test_state_survives_a_restart_with_a_sqlite_file(tmp_path: Path) -> None:
    db = str(tmp_path / "sandbox.db")
    first = Server(create_app(db)).start()
    with httpx.Client(base_url=first.url) as http:
        http.post(
            "/_sandbox/apps", json={"name": "p", "client_id": "p", "client_secret": "s"}
        ).raise_for_status()
        realm = http.post("/_sandbox/companies", json={"name": "Kept"}).json()["realm_id"]
        token = http.post(f"/_sandbox/companies/{realm}/tokens", json={"client_id": "p"}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        http.post(
            f"/v3/company/{realm}/customer", json={"DisplayName": "Persisted"}, headers=headers
        ).raise_for_status()
    first.stop()
    second = Server(create_app(db)).start()
    try:
        with httpx.Client(base_url=second.url) as http:
            r = http.get(
                f"/v3/company/{realm}/query",
                params={"query": "select * from Customer"},
                headers=headers,
            )
            assert [c["DisplayName"] for c in r.json()["QueryResponse"]["Customer"]] == [
                "Persisted"
            ]
    finally:
        second.stop()


def test_a_file_saved_before_a_field_existed_still_loads(tmp_path: Path) -> None:
    from lawsync.sandbox.backend import Sandbox
    from lawsync.sandbox.persist import Persistence

    db = str(tmp_path / "old.db")
    old = Sandbox()
    realm = old.create_company("Old", "plus", "US").realm_id
    del vars(old.companies[realm])["bank_matches"]  # as pickled by an earlier version
    Persistence(db, old).save()
    new = Sandbox()
    kept = Persistence(db, new)
    kept.load()
    try:
        assert new.companies[realm].bank_matches == {}
    finally:
        kept.close()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_save_file_is_created_readable_by_its_owner_only(tmp_path: Path) -> None:
    """It holds every refresh token in plain text."""
    db = tmp_path / "sandbox.db"
    server = Server(create_app(str(db))).start()
    try:
        assert _mode(db) == 0o600
        with httpx.Client(base_url=server.url) as http:
            http.post(
                "/_sandbox/apps", json={"name": "p", "client_id": "p", "client_secret": "s"}
            ).raise_for_status()
            realm = http.post("/_sandbox/companies", json={"name": "Kept"}).json()["realm_id"]
            token = http.post(f"/_sandbox/companies/{realm}/tokens", json={"client_id": "p"})
            refresh = token.json()["refresh_token"]
    finally:
        server.stop()
    assert refresh.encode() in db.read_bytes()  # what the docs warn about
    assert _mode(db) == 0o600
    assert not [p.name for p in tmp_path.iterdir() if p != db and _mode(p) & 0o077]


def test_a_save_file_left_readable_by_others_is_narrowed_on_load(tmp_path: Path) -> None:
    from lawsync.sandbox.backend import Sandbox
    from lawsync.sandbox.persist import Persistence

    db = tmp_path / "shared.db"
    db.touch()
    os.chmod(db, 0o644)
    kept = Persistence(str(db), Sandbox())
    kept.load()
    try:
        assert _mode(db) == 0o600
        os.chmod(db, 0o666)
        kept.save()
        assert _mode(db) == 0o600
    finally:
        kept.close()


def test_cli_control_commands_talk_to_a_running_sandbox(sandbox: Server) -> None:
    runner = CliRunner()
    made = runner.invoke(
        cli_app,
        [
            "company",
            "create",
            "--name",
            "CLI Firm",
            "--country",
            "CA",
            "--edition",
            "essentials",
            "--url",
            sandbox.url,
        ],
    )
    assert made.exit_code == 0, made.output
    assert '"country": "CA"' in made.output
    realm = made.output.split('"realm_id": "')[1].split('"')[0]
    changed = runner.invoke(
        cli_app,
        [
            "company",
            "set",
            realm,
            "--outage",
            "http_503",
            "--per-window",
            "7",
            "--url",
            sandbox.url,
        ],
    )
    assert changed.exit_code == 0 and '"per_window": 7' in changed.output
    tokens = runner.invoke(
        cli_app, ["tokens", realm, "--client-id", "lawsync-test", "--url", sandbox.url]
    )
    assert tokens.exit_code == 0 and "access_token" in tokens.output
    clock = runner.invoke(cli_app, ["clock", "--advance-seconds", "0", "--url", sandbox.url])
    assert clock.exit_code == 0


def test_cli_registers_apps(sandbox: Server) -> None:
    result = CliRunner().invoke(
        cli_app,
        [
            "app",
            "register",
            "--name",
            "CLI app",
            "--client-id",
            "cli-app",
            "--client-secret",
            "s",
            "--redirect-uri",
            "http://x/cb",
            "--legacy-webhooks",
            "--url",
            sandbox.url,
        ],
    )
    assert result.exit_code == 0, result.output
    assert '"webhook_format": "legacy"' in result.output


def test_unexpected_errors_are_system_faults(sandbox: Server) -> None:
    r = httpx.post(f"{sandbox.url}/_sandbox/companies/none/tokens", json={"client_id": "x"})
    assert r.status_code == 404 and "error" in r.json()


def test_cli_works_when_registered_as_lawsync_sandbox(sandbox: Server) -> None:
    import typer

    outer = typer.Typer()

    @outer.callback()
    def root() -> None:
        """lawsync"""

    outer.add_typer(cli_app, name="sandbox")
    runner = CliRunner()
    helped = runner.invoke(outer, ["sandbox", "--help"])
    assert helped.exit_code == 0 and "--port" in helped.output and "company" in helped.output
    clock = runner.invoke(
        outer, ["sandbox", "clock", "--advance-seconds", "0", "--url", sandbox.url]
    )
    assert clock.exit_code == 0, clock.output
