"""OAuth 2.0 and OpenID endpoints at QBO's own paths, with URLs derived from the request."""

from __future__ import annotations

import base64
import binascii
from html import escape
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from ..auth import CODE_TTL, App, AuthCode, TokenError, new_token
from ..backend import ControlError, Sandbox

router = APIRouter(include_in_schema=False)


def base_url(request: Request) -> str:
    """The sandbox's own root URL, including any prefix it is mounted under."""
    root = str(request.scope.get("root_path", "")).rstrip("/")
    return f"{request.url.scheme}://{request.url.netloc}{root}"


def discovery(request: Request) -> dict[str, Any]:
    root = base_url(request)
    return {
        "issuer": f"{root}/op/v1",
        "authorization_endpoint": f"{root}/connect/oauth2",
        "token_endpoint": f"{root}/oauth2/v1/tokens/bearer",
        "userinfo_endpoint": f"{root}/v1/openid_connect/userinfo",
        "revocation_endpoint": f"{root}/v2/oauth2/tokens/revoke",
        "jwks_uri": f"{root}/op/v1/jwks",
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": [
            "openid",
            "email",
            "profile",
            "address",
            "phone",
            "com.intuit.quickbooks.accounting",
            "com.intuit.quickbooks.payment",
        ],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "claims_supported": ["aud", "exp", "iat", "iss", "realmid", "sub"],
    }


@router.get("/.well-known/openid_configuration/")
@router.get("/.well-known/openid_configuration")
@router.get("/.well-known/openid_sandbox_configuration/")
@router.get("/.well-known/openid_sandbox_configuration")
def openid_configuration(request: Request) -> dict[str, Any]:
    return discovery(request)


@router.get("/op/v1/jwks")
def jwks() -> dict[str, Any]:
    return {"keys": []}


@router.get("/v1/openid_connect/userinfo")
def userinfo(request: Request) -> Response:
    sb: Sandbox = request.app.state.sandbox
    header = request.headers.get("authorization", "")
    token = sb.tokens.access.get(header[7:].strip()) if header[:7].lower() == "bearer " else None
    if token is None or token.expires <= sb.clock.now():
        return JSONResponse({"error": "invalid_token"}, status_code=401)
    return JSONResponse(
        {
            "sub": f"sandbox-user-{token.grant.realm_id}",
            "email": "owner@example.com",
            "emailVerified": True,
            "givenName": "Sandbox",
            "familyName": "Owner",
        }
    )


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    html = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title></head><body><main>{body}</main></body></html>"
    )
    return HTMLResponse(html, status_code=status)


def _checked_app(sb: Sandbox, client_id: str, redirect_uri: str) -> App | HTMLResponse:
    app = sb.apps.get(client_id)
    if app is None:
        return _page(
            "Unknown app",
            f"<h1>Unknown app</h1><p>No app has client id {escape(client_id)}.</p>",
            400,
        )
    if redirect_uri not in app.redirect_uris:
        return _page(
            "Bad redirect",
            "<h1>Redirect URI not registered</h1>"
            f"<p>{escape(redirect_uri)} is not registered for {escape(app.name)}.</p>",
            400,
        )
    return app


KNOWN_SCOPES = frozenset(
    {
        "com.intuit.quickbooks.accounting",
        "com.intuit.quickbooks.payment",
        "openid",
        "profile",
        "email",
        "phone",
        "address",
    }
)
DATA_SCOPES = ("com.intuit.quickbooks.accounting", "com.intuit.quickbooks.payment")


def _request_problem(response_type: str, scope: str) -> str | None:
    if response_type != "code":
        return "unsupported_response_type"
    scopes = scope.split()
    if not scopes or any(s not in KNOWN_SCOPES for s in scopes):
        return "invalid_scope"
    return None


@router.get("/connect/oauth2")
def authorize(
    request: Request,
    client_id: str = "",
    redirect_uri: str = "",
    scope: str = "",
    state: str = "",
    response_type: str = "code",
) -> Response:
    sb: Sandbox = request.app.state.sandbox
    checked = _checked_app(sb, client_id, redirect_uri)
    if isinstance(checked, HTMLResponse):
        return checked
    problem = _request_problem(response_type, scope)
    if problem is not None:
        sep = "&" if "?" in redirect_uri else "?"
        return RedirectResponse(
            f"{redirect_uri}{sep}{urlencode({'error': problem, 'state': state})}", 302
        )
    options = "".join(
        f"<li><label><input type='radio' name='realm_id' value='{escape(c.realm_id)}'"
        f"{' checked' if i == 0 else ''}> {escape(c.name)} ({escape(c.realm_id)})</label></li>"
        for i, c in enumerate(sb.companies.values())
    )
    hidden = "".join(
        f"<input type='hidden' name='{k}' value='{escape(v)}'>"
        for k, v in (
            ("client_id", client_id),
            ("redirect_uri", redirect_uri),
            ("scope", scope),
            ("state", state),
        )
    )
    body = (
        f"<h1>{escape(checked.name)} wants to connect to your company</h1>"
        f"<p>Scopes: {escape(scope)}</p>"
        f"<form method='post' action='{escape(base_url(request))}/connect/oauth2'>{hidden}"
        f"<ul>{options}<li><label><input type='radio' name='realm_id' value='new'"
        f"{'' if options else ' checked'}> A new sample company (this sandbox only), named "
        "<input name='new_name' value='Sample Law Books' aria-label='Name of the new company'>"
        " in <select name='new_country' aria-label='Country of the new company'>"
        "<option value='US'>the US</option><option value='CA'>Canada</option></select>"
        "</label></li></ul>"
        "<button type='submit' name='action' value='connect'>Connect</button> "
        "<button type='submit' name='action' value='cancel'>Cancel</button></form>"
    )
    return _page(f"Connect {checked.name}", body)


@router.post("/connect/oauth2")
def authorize_submit(
    request: Request,
    client_id: str = Form(""),
    redirect_uri: str = Form(""),
    scope: str = Form(""),
    state: str = Form(""),
    realm_id: str = Form(""),
    action: str = Form("connect"),
    new_name: str = Form("Sample Law Books", max_length=100),
    new_country: str = Form("US"),
) -> Response:
    sb: Sandbox = request.app.state.sandbox
    checked = _checked_app(sb, client_id, redirect_uri)
    if isinstance(checked, HTMLResponse):
        return checked
    sep = "&" if "?" in redirect_uri else "?"
    if action != "connect":
        return RedirectResponse(
            f"{redirect_uri}{sep}{urlencode({'error': 'access_denied', 'state': state})}", 302
        )
    if realm_id == "new":
        try:
            country = new_country if new_country in ("US", "CA") else "US"
            realm_id = sb.create_company(
                new_name.strip() or "Sample Law Books", "plus", country
            ).realm_id
        except ControlError as error:
            return _page("Choose a company", f"<h1>{escape(error.message)}</h1>", 400)
    if realm_id not in sb.companies:
        return _page("Choose a company", "<h1>Choose a company to connect.</h1>", 400)
    with sb.lock:
        sb.tokens.forget_codes(sb.clock.now())
        code = AuthCode(
            new_token("AB11"), client_id, realm_id, redirect_uri, scope, sb.clock.now() + CODE_TTL
        )
        sb.tokens.codes[code.value] = code
    answer = {"code": code.value, "state": state}
    if any(s in DATA_SCOPES for s in scope.split()):
        answer["realmId"] = realm_id
    query = urlencode(answer)
    return RedirectResponse(f"{redirect_uri}{sep}{query}", 302)


def _client(sb: Sandbox, request: Request, form: dict[str, str]) -> App:
    header = request.headers.get("authorization", "")
    if header[:6].lower() == "basic ":
        try:
            client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise TokenError(401, "invalid_client") from None
    else:
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
    return sb.check_client(client_id, secret)


def _token_error(err: TokenError) -> JSONResponse:
    return JSONResponse(err.body(), status_code=err.status)


@router.post("/oauth2/v1/tokens/bearer")
async def token(request: Request) -> Response:
    sb: Sandbox = request.app.state.sandbox
    form = {k: str(v) for k, v in (await request.form()).items()}
    try:
        app = _client(sb, request, form)
        grant_type = form.get("grant_type")
        hard = request.headers.get("x-include-refresh-token-hard-expires-in", "").lower() == "true"
        if grant_type == "refresh_token":
            return JSONResponse(sb.refresh(app, form.get("refresh_token", ""), hard))
        if grant_type == "authorization_code":
            with sb.lock:
                now = sb.clock.now()
                grant = sb.tokens.exchange(
                    app.client_id, form.get("code", ""), form.get("redirect_uri", ""), now
                )
                return JSONResponse(sb.tokens.issue(grant, now, hard))
        raise TokenError(400, "unsupported_grant_type")
    except TokenError as err:
        return _token_error(err)


@router.post("/v2/oauth2/tokens/revoke")
async def revoke(request: Request) -> Response:
    sb: Sandbox = request.app.state.sandbox
    raw = await request.body()
    form: dict[str, str] = {}
    token_value = ""
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            import json

            token_value = str(json.loads(raw or b"{}").get("token", ""))
        except ValueError:
            token_value = ""
    else:
        form = {k: str(v) for k, v in (await request.form()).items()}
        token_value = form.get("token", "")
    try:
        app = _client(sb, request, form)
    except TokenError as err:
        return _token_error(err)
    with sb.lock:
        if not sb.tokens.revoke(app.client_id, token_value):
            return JSONResponse({"error": "invalid_request"}, status_code=400)
    return Response(status_code=200)
