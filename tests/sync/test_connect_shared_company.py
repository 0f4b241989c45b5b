"""One QuickBooks company, one lawsync firm, unless administrators of both firms agree to share.

Two firms syncing into one company put their bills on each other's customers, so the second
firm's connect is refused at the callback (its new tokens revoked), on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.conftest import Firm
from tests.sync.connect_support import callback, connect, new_realm


def _consent(firm: Firm, control: httpx.Client, realm: str, **body: Any) -> str:
    started = firm.post("/quickbooks/connect", body or None, 200)
    assert "share_company" in started["note"]
    query = {k: v[0] for k, v in parse_qs(urlsplit(started["authorize_url"]).query).items()}
    r = control.post("/connect/oauth2", data={**query, "realm_id": realm, "action": "connect"})
    assert r.status_code == 302, r.text
    return str(r.headers["location"])


def _refused(r: httpx.Response) -> None:
    assert r.status_code == 409, r.text
    assert r.json()["error"]["code"] == "company_connected_elsewhere"
    assert "another lawsync firm" in r.json()["error"]["message"]


def test_a_company_connected_to_another_firm_is_refused(
    firm: Firm,
    other_firm: Firm,
    control: httpx.Client,
) -> None:
    realm = new_realm(control)
    connect(firm, control, realm)
    _refused(callback(_consent(other_firm, control, realm)))
    assert other_firm.get("/quickbooks/status")["connection"] is None
    page = callback(_consent(other_firm, control, realm), html=True)
    assert page.status_code == 409 and "another lawsync firm" in page.text
    assert "share_company" in page.text
    assert firm.get("/quickbooks/status")["connection"]["status"] == "connected"


def test_sharing_needs_an_administrator_of_each_firm(
    firm: Firm,
    other_firm: Firm,
    control: httpx.Client,
) -> None:
    realm = new_realm(control)
    connect(firm, control, realm)
    _refused(callback(_consent(other_firm, control, realm, share_company=True)))  # only one agrees
    firm.put("/quickbooks/settings", {"share_company": True})
    _refused(callback(_consent(other_firm, control, realm)))  # the other did not ask to share
    member = other_firm.post("/users", {"name": "Mia Member", "email": "mia-share@example.com"})
    token = other_firm.post(f"/users/{member['id']}/tokens", {})["token"]
    r = other_firm.api.post(
        "/quickbooks/connect",
        json={"share_company": True},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 403  # a member cannot give that consent
    shared = callback(_consent(other_firm, control, realm, share_company=True))
    assert shared.status_code == 200, shared.text
    assert shared.json()["realm_id"] == realm
    assert firm.get("/quickbooks/settings")["share_company"] is True
    assert firm.get("/quickbooks/status")["connection"]["status"] == "connected"


def test_a_company_the_other_firm_disconnected_can_be_connected(
    firm: Firm,
    other_firm: Firm,
    control: httpx.Client,
) -> None:
    realm = new_realm(control)
    connect(firm, control, realm)
    firm.post("/quickbooks/disconnect", None, 200)
    taken = callback(_consent(other_firm, control, realm))
    assert taken.status_code == 200, taken.text
    _refused(callback(_consent(firm, control, realm)))  # now it is the other firm's
    r = other_firm.api.post("/quickbooks/connect", json={"share_company": "yes"})
    assert r.status_code == 422
