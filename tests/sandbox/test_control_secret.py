"""A sandbox started with a control secret refuses every control call without it.

The emulated QuickBooks Online surface is untouched by the secret; the standalone command
starts open on loopback and makes up a secret when it is bound to any other address.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from typer.testing import CliRunner

from lawsync.sandbox.app import create_app
from lawsync.sandbox.cli import app as cli_app
from lawsync.sandbox.guard import CONTROL_SECRET_HEADER, is_loopback
from tests.sandbox.sandbox_support import Server, free_port

SECRET = "sandbox-control-secret-for-tests"
OWNER = {CONTROL_SECRET_HEADER: SECRET}


@pytest.fixture(scope="module")
def guarded() -> Iterator[Server]:
    """A secured sandbox both at the root and mounted under /qbo, as lawsync serve mounts it."""
    outer = FastAPI()
    outer.mount("/qbo", create_app(control_secret=SECRET))
    server = Server(outer).start()
    yield server
    server.stop()


def _control_operations(base: str) -> list[tuple[str, str]]:
    spec = httpx.get(f"{base}/_sandbox/openapi.json").json()
    return [
        (method.upper(), path.format(realm_id="9130000000000001", entity="Payment", ident="1"))
        for path, ops in spec["paths"].items()
        for method in ops
    ]


def test_every_control_route_wants_the_secret(guarded: Server) -> None:
    base = f"{guarded.url}/qbo"
    operations = _control_operations(base)
    assert len(operations) >= 10 and all(p.startswith("/_sandbox/") for _, p in operations)
    for method, path in operations:
        missing = httpx.request(method, f"{base}{path}", json={})
        assert missing.status_code == 401, (method, path, missing.text)
        assert missing.json() == {
            "error": f"the control API needs its secret in the {CONTROL_SECRET_HEADER} header"
        }
        for wrong in (b"", b"x", SECRET[:-1].encode(), SECRET.upper().encode(), "é".encode() * 40):
            headers = {CONTROL_SECRET_HEADER: wrong}
            refused = httpx.request(method, f"{base}{path}", json={}, headers=headers)
            assert refused.status_code == 403, (method, path, wrong, refused.text)
            assert set(refused.json()) == {"error"}
        allowed = httpx.request(method, f"{base}{path}", json={}, headers=OWNER)
        assert allowed.status_code not in (401, 403), (method, path, allowed.text)


def test_paths_near_the_control_api_are_guarded_too(guarded: Server) -> None:
    base = f"{guarded.url}/qbo"
    for path in ("/_sandbox", "/_sandbox/", "/_sandbox/apps/", "/_sandbox/nothing-here"):
        assert httpx.post(f"{base}{path}", json={}).status_code == 401, path
    assert httpx.get(f"{base}/_sandbox/docs").status_code == 200
    assert httpx.get(f"{base}/_sandbox/openapi.json").status_code == 200


def test_the_owner_sets_up_a_company_and_the_emulated_api_needs_only_its_token(
    guarded: Server,
) -> None:
    base = f"{guarded.url}/qbo"
    app = {"name": "g", "client_id": "guarded-app", "client_secret": "s", "redirect_uris": []}
    assert httpx.post(f"{base}/_sandbox/apps", json=app, headers=OWNER).status_code == 201
    realm = httpx.post(
        f"{base}/_sandbox/companies", json={"name": "Guarded LLP"}, headers=OWNER
    ).json()["realm_id"]
    minted = httpx.post(
        f"{base}/_sandbox/companies/{realm}/tokens",
        json={"client_id": "guarded-app"},
        headers=OWNER,
    )
    token = minted.json()
    bearer = {"Authorization": f"Bearer {token['access_token']}", "Accept": "application/json"}
    assert httpx.get(f"{base}/v3/company/{realm}/preferences", headers=bearer).status_code == 200
    refreshed = httpx.post(
        f"{base}/oauth2/v1/tokens/bearer",
        data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
        auth=("guarded-app", "s"),
    )
    assert refreshed.status_code == 200
    assert httpx.get(f"{base}/.well-known/openid_configuration/").status_code == 200


def test_the_control_commands_send_the_secret_from_the_environment(guarded: Server) -> None:
    runner = CliRunner()
    args = ["company", "create", "--name", "From the CLI", "--url", f"{guarded.url}/qbo"]
    refused = runner.invoke(cli_app, args, env={"LAWSYNC_SANDBOX_CONTROL_SECRET": ""})
    assert refused.exit_code == 1 and CONTROL_SECRET_HEADER in refused.output
    made = runner.invoke(cli_app, args, env={"LAWSYNC_SANDBOX_CONTROL_SECRET": SECRET})
    assert made.exit_code == 0, made.output
    assert '"name": "From the CLI"' in made.output


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.1", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("sandbox.example.com", False),
        ("", False),
    ],
)
def test_which_hosts_count_as_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def _standalone(host: str, *extra: str) -> tuple[subprocess.Popen[str], str]:
    """`python -m lawsync.sandbox` in a process of its own; its URL once it answers."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "LAWSYNC_SANDBOX_CONTROL_SECRET"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "lawsync.sandbox", "--host", host, "--port", str(port), *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            httpx.get(f"{url}/.well-known/openid_configuration/")
            return proc, url
        except httpx.TransportError:
            assert proc.poll() is None and time.monotonic() < deadline, "sandbox did not start"
            time.sleep(0.05)


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.terminate()
    _, err = proc.communicate(timeout=10)
    return err


def test_the_standalone_sandbox_on_loopback_keeps_its_control_api_open() -> None:
    proc, url = _standalone("127.0.0.1")
    try:
        assert httpx.post(f"{url}/_sandbox/companies", json={"name": "Open"}).status_code == 201
    finally:
        _stop(proc)


def test_the_standalone_sandbox_off_loopback_makes_up_a_secret_and_wants_it() -> None:
    proc, url = _standalone("0.0.0.0")
    try:
        assert httpx.post(f"{url}/_sandbox/companies", json={"name": "x"}).status_code == 401
    finally:
        err = _stop(proc)
    lines = [line for line in err.splitlines() if line.strip()]
    at = next(i for i, line in enumerate(lines) if CONTROL_SECRET_HEADER in line)
    secret = lines[at + 1].strip()
    assert len(secret) >= 40, err
    # Started again with that secret given, it answers the owner.
    proc, url = _standalone("0.0.0.0", "--control-secret", secret)
    try:
        company: Any = httpx.post(
            f"{url}/_sandbox/companies",
            json={"name": "Owned"},
            headers={CONTROL_SECRET_HEADER: secret},
        )
        assert company.status_code == 201
        assert httpx.post(f"{url}/_sandbox/companies", json={"name": "x"}).status_code == 401
    finally:
        _stop(proc)
