"""The OAuth connect flow against the sandbox the web app mounts under /qbo, step by step.

The browser's part (the consent form, the redirect back) is played by plain HTTP calls; the
`control` fixture (tests/sync/conftest.py) is that sandbox's control API.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.conftest import Firm


def new_realm(control: httpx.Client, edition: str = "plus", country: str = "US") -> str:
    """A new company, by a realm id no other sandbox of this run has given out.

    Sandboxes number their companies from the same first realm id, and one lawsync firm per
    company is the rule, so tests sharing a database must not meet the same id twice.
    """
    realm = str(9_200_000_000_000_000 + secrets.randbelow(10**15))
    r = control.post(
        "/_sandbox/companies",
        json={
            "name": f"{edition} {country} LLP",
            "edition": edition,
            "country": country,
            "realm_id": realm,
        },
    )
    assert r.status_code == 201, r.text
    return str(r.json()["realm_id"])


def consent(firm: Firm, control: httpx.Client, realm: str) -> str:
    """Press Connect on the sandbox's consent page; the URL QuickBooks sends the browser to."""
    url = firm.post("/quickbooks/connect", None, 200)["authorize_url"]
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    r = control.post(
        "/connect/oauth2",
        data={**query, "realm_id": realm, "action": "connect"},
    )
    assert r.status_code == 302, r.text
    return str(r.headers["location"])


def callback(url: str, html: bool = False) -> httpx.Response:
    """The browser follows the redirect: no API token, only the state in the query."""
    headers = {"Accept": "text/html"} if html else {}
    return httpx.get(url, headers=headers, timeout=30)


def connect(firm: Firm, control: httpx.Client, realm: str) -> dict[str, Any]:
    """The whole flow: consent, then the callback; the connection the API answers with."""
    r = callback(consent(firm, control, realm))
    assert r.status_code == 200, r.text
    return dict(r.json())
