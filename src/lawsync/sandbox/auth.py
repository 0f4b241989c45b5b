"""Apps, grants and tokens: the OAuth 2.0 state behind the token endpoint and bearer checks."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

ACCESS_TTL = 3600
REFRESH_TTL = 100 * 24 * 3600
ROTATE_AFTER = 24 * 3600
HARD_TTL = 5 * 365 * 24 * 3600
CODE_TTL = 300
ACCOUNTING_SCOPE = "com.intuit.quickbooks.accounting"

DEFAULT_RETRY = [10.0, 20.0, 30.0, 300.0, 1200.0, 7200.0, 14400.0, 21600.0]


@dataclass
class App:
    client_id: str
    client_secret: str
    name: str
    redirect_uris: list[str]
    webhook_url: str | None = None
    verifier_token: str | None = None
    webhook_format: str = "cloudevents"
    webhook_retry_seconds: list[float] = field(default_factory=lambda: list(DEFAULT_RETRY))
    webhook_batch_seconds: float = 0.5
    refresh_rotation: str = "daily"


@dataclass
class Grant:
    """One app's authorization for one company: the live refresh token and its history."""

    client_id: str
    realm_id: str
    scope: str
    refresh_token: str
    refresh_issued: float
    last_used: float
    created: float
    revoked: bool = False


@dataclass
class AccessToken:
    value: str
    grant: Grant
    expires: float


@dataclass
class AuthCode:
    """A code from the consent page; after a successful exchange it remembers the grant made,
    so that presenting it again can revoke that grant."""

    value: str
    client_id: str
    realm_id: str
    redirect_uri: str
    scope: str
    expires: float
    grant: Grant | None = None


def new_token(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(48)


class TokenError(Exception):
    def __init__(
        self, status: int, error: str, description: str | None = None, reason: str | None = None
    ):
        super().__init__(error)
        self.status = status
        self.error = error
        self.description = description
        self.reason = reason

    def body(self) -> dict[str, str]:
        out = {"error": self.error}
        if self.description:
            out["error_description"] = self.description
        if self.reason:
            out["x_error_reason"] = self.reason
        return out


def invalid_grant(what: str = "refresh token") -> TokenError:
    return TokenError(400, "invalid_grant", f"Incorrect or invalid {what}")


class Tokens:
    """All grants and tokens.  Callers hold the sandbox lock."""

    def __init__(self) -> None:
        self.grants: dict[str, Grant] = {}  # refresh token -> grant
        self.retired: set[str] = set()
        self.access: dict[str, AccessToken] = {}
        self.codes: dict[str, AuthCode] = {}

    def issue(self, grant: Grant, now: float, hard_expiry: bool = False) -> dict[str, object]:
        value = new_token("eyJ")
        self.access[value] = AccessToken(value, grant, now + ACCESS_TTL)
        body: dict[str, object] = {
            "token_type": "bearer",
            "access_token": value,
            "expires_in": ACCESS_TTL,
            "refresh_token": grant.refresh_token,
            "x_refresh_token_expires_in": int(grant.last_used + REFRESH_TTL - now),
        }
        if hard_expiry:
            body["x_refresh_token_hard_expires_in"] = int(grant.created + HARD_TTL - now)
        return body

    def grant(self, client_id: str, realm_id: str, scope: str, now: float) -> Grant:
        grant = Grant(client_id, realm_id, scope, new_token("RT1-"), now, now, now)
        self.grants[grant.refresh_token] = grant
        return grant

    def refresh(self, client_id: str, token: str, now: float, rotation: str) -> Grant:
        grant = self.grants.get(token)
        if grant is None or grant.revoked or grant.client_id != client_id:
            raise invalid_grant()
        if now > grant.last_used + REFRESH_TTL or now > grant.created + HARD_TTL:
            raise invalid_grant()
        if rotation == "every_use" or now - grant.refresh_issued >= ROTATE_AFTER:
            del self.grants[token]
            self.retired.add(token)
            grant.refresh_token = new_token("RT1-")
            grant.refresh_issued = now
            self.grants[grant.refresh_token] = grant
        grant.last_used = now
        return grant

    def exchange(self, client_id: str, value: str, redirect_uri: str, now: float) -> Grant:
        """Turn a code into a grant, or raise why not.

        Only a successful exchange by the app the code was issued to uses the code up, so
        another app (or a wrong redirect URI) cannot spoil it. A code presented again by its
        own app after a successful exchange is refused and its grant revoked, as Intuit does:
        a second use means the code may have leaked.
        """
        code = self.codes.get(value)
        if code is None or code.client_id != client_id:
            raise invalid_grant("authorization code")
        if code.grant is not None:
            self.revoke_grant(code.grant)
            raise invalid_grant("authorization code")
        if code.expires < now:
            del self.codes[value]
            raise invalid_grant("authorization code")
        if code.redirect_uri != redirect_uri:
            raise TokenError(400, "invalid_grant", "Redirect URI does not match")
        code.grant = self.grant(client_id, code.realm_id, code.scope, now)
        return code.grant

    def forget_codes(self, now: float) -> None:
        """Drop codes that can no longer be exchanged nor revoke anything: unused ones past
        their five minutes, used ones whose grant is gone."""
        for value, code in list(self.codes.items()):
            spent = code.grant.revoked if code.grant is not None else code.expires < now
            if spent:
                del self.codes[value]

    def revoke_grant(self, grant: Grant) -> None:
        """Kill a grant: its refresh token and every access token issued under it."""
        grant.revoked = True
        self.grants.pop(grant.refresh_token, None)
        for key in [k for k, a in self.access.items() if a.grant is grant]:
            del self.access[key]

    def revoke(self, client_id: str, token: str) -> bool:
        grant = self.grants.get(token)
        if grant is None:
            access = self.access.get(token)
            grant = access.grant if access else None
        if grant is None or grant.client_id != client_id:
            return False
        self.revoke_grant(grant)
        return True

    def revoke_realm(self, realm_id: str) -> None:
        for grant in list(self.grants.values()):
            if grant.realm_id == realm_id:
                self.revoke(grant.client_id, grant.refresh_token)
