"""A forged Host header does not move where the server sends the OAuth code and its secret.

A second server listens as the attacker's; the connect and the callback are sent with their Host
header pointing at it. Every request the server makes during them happens before it answers, so
once it has answered, the decoy having seen nothing means nothing was sent there.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI, Request

from lawsync.config import Settings
from tests.conftest import Firm
from tests.sandbox.sandbox_support import Server
from tests.sync.connect_support import new_realm

FORGED = ["decoy", "unreachable.invalid", "127.0.0.1:1", "[::1", "evil.example:99999"]


@pytest.fixture(scope="module")
def decoy() -> Iterator[tuple[str, list[str]]]:
    """A listening server that records every request it gets."""
    seen: list[str] = []
    app = FastAPI()

    @app.api_route("/{path:path}", methods=["GET", "POST", "PUT", "DELETE"])
    async def anything(request: Request, path: str) -> dict[str, str]:
        seen.append(f"{request.method} /{path}")
        return {}

    server = Server(app).start()
    yield f"127.0.0.1:{server.port}", seen
    server.stop()


def _host(forged: str, decoy_host: str) -> str:
    return decoy_host if forged == "decoy" else forged


@pytest.mark.parametrize("forged", FORGED)
def test_a_forged_host_changes_neither_the_consent_url_nor_the_token_exchange(
    firm: Firm,
    control: httpx.Client,
    server_url: str,
    decoy: tuple[str, list[str]],
    forged: str,
) -> None:
    decoy_host, seen = decoy
    host = {"Host": _host(forged, decoy_host)}
    r = firm.api.post("/quickbooks/connect", headers=host)
    assert r.status_code == 200, r.text
    authorize = r.json()["authorize_url"]
    assert authorize.startswith(f"{server_url}/qbo/"), authorize
    query = {k: v[0] for k, v in parse_qs(urlsplit(authorize).query).items()}
    assert query["redirect_uri"] == f"{server_url}/api/v1/quickbooks/callback"

    realm = new_realm(control)
    consent = control.post(
        "/connect/oauth2", data={**query, "realm_id": realm, "action": "connect"}
    )
    assert consent.status_code == 302, consent.text
    back = consent.headers["location"]
    assert back.startswith(f"{server_url}/api/v1/quickbooks/callback?")
    answer = httpx.get(back, headers=host, timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.json()["realm_id"] == realm
    assert seen == []


def test_the_public_url_is_configured_never_guessed() -> None:
    assert Settings(host="10.0.0.5", port=9000).app_url == "http://10.0.0.5:9000"
    env = {"LAWSYNC_PUBLIC_URL": "https://books.example.com/"}
    assert Settings.from_env(env).app_url == "https://books.example.com"
    with pytest.raises(ValueError):
        Settings.from_env({"LAWSYNC_PUBLIC_URL": "books.example.com"})
