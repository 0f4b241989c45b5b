"""Under `lawsync serve` the mounted sandbox's control API answers only to its secret.

The whole web app is built as `serve` builds it, with no secret configured (so it makes one
up), and served over loopback HTTP. Strangers are refused; lawsync's own connect flows, the
API's and the command line's, still get through.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from typer.testing import CliRunner

from lawsync.cli import app as cli_app
from lawsync.config import Settings
from lawsync.migrate import upgrade
from lawsync.practice.services.context import Ledger
from lawsync.sandbox.guard import CONTROL_SECRET_HEADER
from lawsync.storage import make_engine, make_session_factory
from lawsync.sync import connection, sandbox_control
from lawsync.sync.connection import LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET
from lawsync.sync.sandbox_control import SECRET_FILE_NAME
from lawsync.web.app import create_app
from tests.conftest import make_firm
from tests.sandbox.sandbox_support import Server, free_port


@dataclass
class Serving:
    url: str
    secret: str
    env: dict[str, str]
    ledger: Ledger
    folder: Path


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[Serving]:
    database_url = f"sqlite:///{tmp_path / 'lawsync.db'}"
    port = free_port()
    env = {
        "LAWSYNC_DATABASE_URL": database_url,
        "LAWSYNC_SANDBOX_DB": str(tmp_path / "qbo.db"),
        "LAWSYNC_PORT": str(port),
    }
    engine = make_engine(database_url)
    upgrade(engine)
    ledger = Ledger(make_session_factory(engine))
    web = create_app(Settings.from_env(env), ledger=ledger)
    server = Server(web, port=port).start()
    try:
        yield Serving(server.url, web.state.sandbox_control_secret, env, ledger, tmp_path)
    finally:
        server.stop()
        engine.dispose()


CONTROL_CALLS = [
    ("POST", "/_sandbox/apps", {"name": "x", "client_id": LOCAL_CLIENT_ID, "client_secret": "x"}),
    ("POST", "/_sandbox/companies", {"name": "Stranger's company"}),
    ("POST", "/_sandbox/companies/9130000000000001/tokens", {"client_id": LOCAL_CLIENT_ID}),
    ("PATCH", "/_sandbox/companies/9130000000000001", {"outage": "http_503"}),
    ("POST", "/_sandbox/companies/9130000000000001/purge", None),
    ("POST", "/_sandbox/clock", {"advance_seconds": 1e9}),
    ("DELETE", "/_sandbox/companies/9130000000000001/bank-feed/matches/Payment/1", None),
]


@pytest.mark.parametrize(("method", "path", "body"), CONTROL_CALLS)
def test_control_calls_without_the_secret_are_refused_and_change_nothing(
    serving: Serving, method: str, path: str, body: object
) -> None:
    qbo = f"{serving.url}/qbo"
    owner = {CONTROL_SECRET_HEADER: serving.secret}
    made = httpx.post(f"{qbo}/_sandbox/companies", json={"name": "Firm's company"}, headers=owner)
    assert made.status_code == 201 and made.json()["realm_id"] == "9130000000000001"

    anonymous = httpx.request(method, f"{qbo}{path}", json=body)
    assert anonymous.status_code == 401
    assert CONTROL_SECRET_HEADER in anonymous.json()["error"]
    guessed = httpx.request(
        method, f"{qbo}{path}", json=body, headers={CONTROL_SECRET_HEADER: "guess"}
    )
    assert guessed.status_code == 403 and set(guessed.json()) == {"error"}
    garbled = httpx.request(method, f"{qbo}{path}", content=b"{not json")
    assert garbled.status_code == 401  # refused before the body is even read

    company = httpx.patch(f"{qbo}/_sandbox/companies/9130000000000001", json={}, headers=owner)
    assert company.status_code == 200
    assert company.json()["outage"] == "none" and company.json()["accounts"]
    assert (
        httpx.post(f"{qbo}/_sandbox/companies", json={"name": "n"}, headers=owner).json()[
            "realm_id"
        ]
        == "9130000000000002"
    )


def test_the_made_up_secret_is_long_random_and_left_for_the_command_line_only(
    serving: Serving,
) -> None:
    assert len(serving.secret) >= 40
    file = serving.folder / SECRET_FILE_NAME
    assert file.read_text() == serving.secret
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    # The emulated QuickBooks Online and the control API's docs stay open.
    assert httpx.get(f"{serving.url}/qbo/.well-known/openid_configuration/").status_code == 200
    assert httpx.get(f"{serving.url}/qbo/_sandbox/docs").status_code == 200
    spec = httpx.get(f"{serving.url}/qbo/_sandbox/openapi.json").json()
    schemes = spec["components"]["securitySchemes"].values()
    assert [s["name"] for s in schemes] == [CONTROL_SECRET_HEADER]


def _consent(serving: Serving, company: str) -> tuple[str, dict[str, str], httpx.Response]:
    """A new company, lawsync's connect started, and the user's yes on the consent page."""
    firm = make_firm(serving.ledger, serving.url)
    owner = {CONTROL_SECRET_HEADER: serving.secret}
    realm = httpx.post(
        f"{serving.url}/qbo/_sandbox/companies", json={"name": company}, headers=owner
    ).json()["realm_id"]
    # Registering lawsync's app in the sandbox needs the secret; the server has it.
    url = firm.post("/quickbooks/connect", None, 200)["authorize_url"]
    firm.api.close()
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    consent = httpx.post(
        f"{serving.url}/qbo/connect/oauth2", data={**query, "realm_id": realm, "action": "connect"}
    )
    assert consent.status_code == 302, consent.text
    return realm, query, consent


def test_lawsyncs_own_connect_flow_still_works_through_the_api(serving: Serving) -> None:
    realm, _, consent = _consent(serving, "Connected LLP")
    back = httpx.get(consent.headers["location"], timeout=30)
    assert back.status_code == 200, back.text
    assert back.json()["realm_id"] == realm and back.json()["status"] == "connected"


def test_lawsync_quickbooks_connect_sandbox_finds_the_secret_of_the_local_server(
    serving: Serving,
) -> None:
    firm = make_firm(serving.ledger, serving.url)
    firm.api.close()
    args = ["quickbooks", "connect", "--firm", str(firm.id), "--sandbox", "--url", serving.url]
    runner = CliRunner()
    done = runner.invoke(cli_app, args, env=serving.env)
    assert done.exit_code == 0, done.output
    assert re.search(r"realm id: \d+", done.output)

    elsewhere = {**serving.env, "LAWSYNC_SANDBOX_DB": str(serving.folder / "other" / "qbo.db")}
    refused = runner.invoke(cli_app, args, env=elsewhere)
    said = " ".join(refused.output.split())  # the console wraps long lines
    assert refused.exit_code == 1
    assert "refused lawsync's control secret (HTTP 401)" in said
    assert "LAWSYNC_SANDBOX_CONTROL_SECRET" in said

    told = {**elsewhere, "LAWSYNC_SANDBOX_CONTROL_SECRET": serving.secret}
    again = runner.invoke(cli_app, [*args, "--realm", _realm(done.output)], env=told)
    assert again.exit_code == 0, again.output


def _realm(output: str) -> str:
    found = re.search(r"realm id: (\S+)", output)
    assert found, output
    return found.group(1)


def test_a_configured_secret_is_used_and_not_written_down(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'l.db'}",
        sandbox_db=str(tmp_path / "qbo.db"),
        sandbox_control_secret="configured-secret",
    )
    web = create_app(settings)
    assert web.state.sandbox_control_secret == "configured-secret"
    assert not (tmp_path / SECRET_FILE_NAME).exists()
    assert "configured-secret" not in str(settings.masked()) + repr(settings)


def test_the_made_up_secret_is_kept_across_restarts_and_never_overwritten(tmp_path: Path) -> None:
    settings = Settings(database_url="sqlite://", sandbox_db=str(tmp_path / "qbo.db"))
    first = sandbox_control.serving_secret(settings)
    assert sandbox_control.serving_secret(settings) == first
    assert (tmp_path / SECRET_FILE_NAME).read_text() == first


def test_lawsyncs_own_app_secret_is_derived_not_the_constant_in_the_source(
    serving: Serving,
) -> None:
    """Someone who reaches the consent page gets a code, but cannot exchange it for tokens."""
    _, query, consent = _consent(serving, "Guarded LLP")
    code = parse_qs(urlsplit(consent.headers["location"]).query)["code"][0]
    stolen = httpx.post(
        f"{serving.url}/qbo/oauth2/v1/tokens/bearer",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": query["redirect_uri"],
        },
        auth=(LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET),
    )
    assert stolen.status_code == 401, stolen.text
    assert stolen.json()["error"] == "invalid_client"
    settings = Settings.from_env(serving.env)
    assert connection.qbo_config(settings).client_secret not in (LOCAL_CLIENT_SECRET, "")
