"""Bearer checks (gateway faults), the OAuth 2.0 endpoints and the OpenID discovery document."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.sandbox.sandbox_support import CLIENT_ID, CLIENT_SECRET, REDIRECT, NewCompany, Qbo


def gateway(resp: httpx.Response, status: int, code: str, name: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    body = resp.json()
    err = body["fault"]["error"][0]
    assert err["code"] == code
    assert err["message"] == f"message={name}; errorCode={int(code):06d}; statusCode={status}"
    assert err["element"] is None
    assert isinstance(body["time"], int)
    return dict(err)


def test_missing_bearer_gives_gateway_401(qbo: Qbo) -> None:
    r = httpx.get(f"{qbo.http.base_url}/customer/1")
    err = gateway(r, 401, "3200", "AuthenticationFailed")
    assert r.json()["fault"]["type"] == "AUTHENTICATION"
    assert err["detail"] is None


def test_malformed_bearer(qbo: Qbo) -> None:
    r = httpx.get(f"{qbo.http.base_url}/customer/1", headers={"Authorization": "Bearer abc"})
    err = gateway(r, 401, "3200", "AuthenticationFailed")
    assert err["detail"] == "Malformed bearer token: too short or too long"


def test_expired_access_token_after_an_hour(qbo: Qbo, control: httpx.Client) -> None:
    assert qbo.get("/preferences").status_code == 200
    control.post("/_sandbox/clock", json={"advance_seconds": 3601})
    try:
        err = gateway(qbo.get("/preferences"), 401, "3200", "AuthenticationFailed")
        assert err["detail"].startswith("Token expired: ")
    finally:
        control.post("/_sandbox/clock", json={"advance_seconds": -3601})


def test_token_for_another_realm_gives_100(qbo: Qbo, new_company: NewCompany) -> None:
    other = new_company()
    r = other.http.get(f"{qbo.http.base_url}/preferences")
    assert r.status_code == 401
    assert r.json()["Fault"]["Error"][0]["code"] == "100"
    assert r.json()["Fault"]["type"] == "AuthenticationFault"


def test_token_without_accounting_scope_gives_403_3100(qbo: Qbo, control: httpx.Client) -> None:
    t = control.post(
        f"/_sandbox/companies/{qbo.realm}/tokens",
        json={"client_id": CLIENT_ID, "scope": "openid email"},
    ).json()
    r = qbo.http.get("/preferences", headers={"Authorization": f"Bearer {t['access_token']}"})
    gateway(r, 403, "3100", "ApplicationAuthorizationFailed")
    assert r.json()["fault"]["type"] == "SERVICE"


def token_call(
    control: httpx.Client, data: dict[str, str], secret: str = CLIENT_SECRET
) -> httpx.Response:
    return control.post(
        "/oauth2/v1/tokens/bearer",
        data=data,
        auth=(CLIENT_ID, secret),
        headers={"Accept": "application/json"},
    )


def test_refresh_keeps_value_within_a_day_then_rotates(qbo: Qbo, control: httpx.Client) -> None:
    rt = qbo.token["refresh_token"]
    r = token_call(control, {"grant_type": "refresh_token", "refresh_token": rt})
    assert r.status_code == 200
    body = r.json()
    assert body["refresh_token"] == rt and body["expires_in"] == 3600
    assert body["token_type"] == "bearer" and "id_token" not in body
    control.post("/_sandbox/clock", json={"advance_seconds": 25 * 3600})
    try:
        rotated = token_call(control, {"grant_type": "refresh_token", "refresh_token": rt}).json()
        assert rotated["refresh_token"] != rt
        stale = token_call(control, {"grant_type": "refresh_token", "refresh_token": rt})
        assert stale.status_code == 400
        assert stale.json() == {
            "error": "invalid_grant",
            "error_description": "Incorrect or invalid refresh token",
        }
    finally:
        control.post("/_sandbox/clock", json={"advance_seconds": -25 * 3600})


def test_refresh_token_dies_after_100_days_unused(qbo: Qbo, control: httpx.Client) -> None:
    control.post("/_sandbox/clock", json={"advance_seconds": 101 * 86400})
    try:
        r = token_call(
            control, {"grant_type": "refresh_token", "refresh_token": qbo.token["refresh_token"]}
        )
        assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    finally:
        control.post("/_sandbox/clock", json={"advance_seconds": -101 * 86400})


def test_wrong_client_secret_is_invalid_client(qbo: Qbo, control: httpx.Client) -> None:
    r = token_call(control, {"grant_type": "refresh_token", "refresh_token": "x"}, secret="nope")
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"


def test_revoke_kills_refresh_and_access_tokens(qbo: Qbo, control: httpx.Client) -> None:
    r = control.post(
        "/v2/oauth2/tokens/revoke",
        json={"token": qbo.token["refresh_token"]},
        auth=(CLIENT_ID, CLIENT_SECRET),
    )
    assert r.status_code == 200
    assert qbo.get("/preferences").status_code == 401
    again = token_call(
        control, {"grant_type": "refresh_token", "refresh_token": qbo.token["refresh_token"]}
    )
    assert again.json()["error"] == "invalid_grant"


def test_authorization_code_flow_through_the_consent_page(qbo: Qbo, control: httpx.Client) -> None:
    page = control.get(
        "/connect/oauth2",
        params={
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT,
            "scope": "com.intuit.quickbooks.accounting",
            "response_type": "code",
            "state": "s1",
        },
    )
    assert page.status_code == 200
    assert "lawsync tests" in page.text and qbo.realm in page.text
    assert "Connect" in page.text and "Cancel" in page.text
    action = re.search(r"action='([^']+)'", page.text)
    assert action is not None
    form = {
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "scope": "com.intuit.quickbooks.accounting",
        "state": "s1",
        "realm_id": qbo.realm,
        "action": "connect",
    }
    r = control.post(action.group(1), data=form)
    assert r.status_code == 302
    location = httpx.URL(r.headers["location"])
    assert location.params["state"] == "s1" and location.params["realmId"] == qbo.realm
    code = location.params["code"]
    t = token_call(
        control, {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    )
    assert t.status_code == 200 and t.json()["x_refresh_token_expires_in"] == 8640000
    reuse = token_call(
        control, {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    )
    assert reuse.json()["error"] == "invalid_grant"
    cancel = control.post(action.group(1), data={**form, "action": "cancel"})
    assert "error=access_denied" in cancel.headers["location"]


def test_the_consent_page_can_make_a_sample_company(qbo: Qbo, control: httpx.Client) -> None:
    """Locally there may be no company yet: the consent page offers a new one, in the US or
    Canada, and the code it gives is for that company."""
    page = control.get(
        "/connect/oauth2",
        params={
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT,
            "scope": "com.intuit.quickbooks.accounting",
            "response_type": "code",
            "state": "s2",
        },
    )
    assert "A new sample company" in page.text and "name='new_name'" in page.text
    form = {
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "scope": "com.intuit.quickbooks.accounting",
        "state": "s2",
        "realm_id": "new",
        "new_name": "Fresh Books LLP",
        "new_country": "CA",
        "action": "connect",
    }
    r = control.post("/connect/oauth2", data=form)
    assert r.status_code == 302
    realm = httpx.URL(r.headers["location"]).params["realmId"]
    made = control.patch(f"/_sandbox/companies/{realm}", json={})  # answers the company
    assert made.status_code == 200
    assert (made.json()["name"], made.json()["country"]) == ("Fresh Books LLP", "CA")


def test_consent_page_rejects_unregistered_redirect(control: httpx.Client) -> None:
    r = control.get(
        "/connect/oauth2", params={"client_id": CLIENT_ID, "redirect_uri": "http://evil/cb"}
    )
    assert r.status_code == 400


def test_discovery_documents_point_at_the_sandbox(control: httpx.Client) -> None:
    for path in (
        "/.well-known/openid_sandbox_configuration/",
        "/.well-known/openid_configuration/",
    ):
        doc = control.get(path).json()
        root = str(control.base_url).rstrip("/")
        assert doc["token_endpoint"] == f"{root}/oauth2/v1/tokens/bearer"
        assert doc["authorization_endpoint"] == f"{root}/connect/oauth2"
        assert doc["revocation_endpoint"] == f"{root}/v2/oauth2/tokens/revoke"
        for key in ("issuer", "jwks_uri", "userinfo_endpoint"):
            assert doc[key].startswith(root)


def test_hard_expiry_is_reported_when_asked(qbo: Qbo, control: httpx.Client) -> None:
    r = control.post(
        "/oauth2/v1/tokens/bearer",
        data={"grant_type": "refresh_token", "refresh_token": qbo.token["refresh_token"]},
        auth=(CLIENT_ID, CLIENT_SECRET),
        headers={"x-include-refresh-token-hard-expires-in": "true"},
    )
    assert 0 < r.json()["x_refresh_token_hard_expires_in"] <= 157_680_000


def test_consent_page_redirects_bad_requests_with_oauth_errors(control: httpx.Client) -> None:
    base = {"client_id": CLIENT_ID, "redirect_uri": REDIRECT, "state": "z"}
    r = control.get(
        "/connect/oauth2",
        params={**base, "scope": "com.intuit.quickbooks.accounting", "response_type": "token"},
    )
    assert r.status_code == 302 and "error=unsupported_response_type" in r.headers["location"]
    r = control.get(
        "/connect/oauth2", params={**base, "scope": "everything", "response_type": "code"}
    )
    assert r.status_code == 302 and "error=invalid_scope" in r.headers["location"]


# ---- authorization codes: spoiled by nothing but their own success; reuse revokes ------------

OTHER_ID, OTHER_SECRET = "another-app", "another-app-secret"


def consent_code(control: httpx.Client, realm: str) -> str:
    """The code the consent page hands lawsync's test app for `realm`."""
    r = control.post(
        "/connect/oauth2",
        data={
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT,
            "scope": "com.intuit.quickbooks.accounting",
            "state": "s",
            "realm_id": realm,
            "action": "connect",
        },
    )
    assert r.status_code == 302, r.text
    return str(httpx.URL(r.headers["location"]).params["code"])


def exchange(
    control: httpx.Client,
    code: str,
    *,
    client: tuple[str, str] = (CLIENT_ID, CLIENT_SECRET),
    redirect_uri: str = REDIRECT,
) -> httpx.Response:
    return control.post(
        "/oauth2/v1/tokens/bearer",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri},
        auth=client,
        headers={"Accept": "application/json"},
    )


def register_other_app(control: httpx.Client) -> None:
    control.post(
        "/_sandbox/apps",
        json={
            "name": "Another app",
            "client_id": OTHER_ID,
            "client_secret": OTHER_SECRET,
            "redirect_uris": [REDIRECT],
        },
    ).raise_for_status()


def test_failed_exchanges_by_another_app_or_redirect_do_not_use_the_code_up(
    qbo: Qbo, control: httpx.Client
) -> None:
    register_other_app(control)
    code = consent_code(control, qbo.realm)

    by_other_app = exchange(control, code, client=(OTHER_ID, OTHER_SECRET))
    assert by_other_app.status_code == 400
    assert by_other_app.json()["error"] == "invalid_grant"
    wrong_secret = exchange(control, code, client=(CLIENT_ID, "not-the-secret"))
    assert wrong_secret.status_code == 401 and wrong_secret.json() == {"error": "invalid_client"}
    wrong_redirect = exchange(control, code, redirect_uri="http://127.0.0.1:1/elsewhere")
    assert wrong_redirect.status_code == 400
    assert wrong_redirect.json() == {
        "error": "invalid_grant",
        "error_description": "Redirect URI does not match",
    }

    granted = exchange(control, code)
    assert granted.status_code == 200, granted.text
    token = granted.json()["access_token"]
    r = control.get(
        f"/v3/company/{qbo.realm}/preferences", headers={"Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 200


def test_a_code_used_again_is_refused_and_the_tokens_it_gave_are_revoked(
    qbo: Qbo, control: httpx.Client
) -> None:
    code = consent_code(control, qbo.realm)
    first = exchange(control, code)
    assert first.status_code == 200, first.text
    tokens = first.json()
    refreshed = token_call(
        control, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status_code == 200
    access = [tokens["access_token"], refreshed.json()["access_token"]]
    for value in access:
        ok = control.get(
            f"/v3/company/{qbo.realm}/preferences", headers={"Authorization": f"Bearer {value}"}
        )
        assert ok.status_code == 200

    reused = exchange(control, code)
    assert reused.status_code == 400
    assert reused.json() == {
        "error": "invalid_grant",
        "error_description": "Incorrect or invalid authorization code",
    }
    for value in access:
        dead = control.get(
            f"/v3/company/{qbo.realm}/preferences", headers={"Authorization": f"Bearer {value}"}
        )
        gateway(dead, 401, "3200", "AuthenticationFailed")
    again = token_call(
        control, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    )
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    # The token minted separately for the same company and app is another grant: it lives on.
    assert qbo.get("/preferences").status_code == 200


def test_a_used_code_presented_by_another_app_revokes_nothing(
    qbo: Qbo, control: httpx.Client
) -> None:
    register_other_app(control)
    code = consent_code(control, qbo.realm)
    tokens = exchange(control, code).json()
    refused = exchange(control, code, client=(OTHER_ID, OTHER_SECRET))
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
    r = control.get(
        f"/v3/company/{qbo.realm}/preferences",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )
    assert r.status_code == 200


@pytest.mark.parametrize(
    "secret",
    ["", CLIENT_SECRET[:-1], CLIENT_SECRET + "x", "sécret-ünicode-€", CLIENT_SECRET.upper()],
)
def test_any_other_client_secret_is_invalid_client(
    qbo: Qbo, control: httpx.Client, secret: str
) -> None:
    """Sent as form fields too, where non-ASCII text arrives as it is."""
    r = control.post(
        "/oauth2/v1/tokens/bearer",
        data={
            "grant_type": "refresh_token",
            "refresh_token": qbo.token["refresh_token"],
            "client_id": CLIENT_ID,
            "client_secret": secret,
        },
    )
    assert r.status_code == 401 and r.json() == {"error": "invalid_client"}
    right = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    ok = control.post(
        "/oauth2/v1/tokens/bearer",
        data={"grant_type": "refresh_token", "refresh_token": qbo.token["refresh_token"], **right},
    )
    assert ok.status_code == 200
