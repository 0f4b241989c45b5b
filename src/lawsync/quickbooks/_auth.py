"""OAuth 2.0 with Intuit: authorize URL and state, code exchange, refresh, revoke.

Refreshes are single-flight per company: a lock per realm, and inside it the store is read
again, so a caller that waited behind another caller's refresh uses the new token instead of
spending (and possibly killing) the rotated refresh token a second time.
"""

from __future__ import annotations

import asyncio
import base64
import hmac
import json
import logging
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from ._config import QuickBooksConfig
from ._errors import (
    OAuthError,
    QuickBooksError,
    ReconnectNeededError,
    StateMismatchError,
    parse_oauth_error,
    tid_of,
)
from ._retry import parse_retry_after, retry_delay, should_retry
from ._tokens import TokenSet, TokenStore
from ._transport import RawResponse, Transport

__all__ = ["AuthorizationRequest", "OAuth"]

log = logging.getLogger("lawsync.quickbooks")


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    """Where to send the user, and the state to keep (in their session) until they return."""

    url: str
    state: str


class OAuth:
    """Token lifecycle for every company of one Intuit app."""

    def __init__(self, config: QuickBooksConfig, store: TokenStore, transport: Transport) -> None:
        self._config = config
        self._store = store
        self._transport = transport
        self._locks: dict[str, asyncio.Lock] = {}
        self._cache: dict[str, TokenSet] = {}
        basic = f"{config.client_id}:{config.client_secret}".encode()
        self._basic = "Basic " + base64.b64encode(basic).decode()

    @property
    def store(self) -> TokenStore:
        return self._store

    def authorization_url(
        self, *, state: str | None = None, scopes: tuple[str, ...] | None = None
    ) -> AuthorizationRequest:
        """Build the consent URL with a fresh unguessable ``state`` (CSRF protection)."""
        state = state or secrets.token_urlsafe(32)
        query = urlencode(
            {
                "client_id": self._config.client_id,
                "response_type": "code",
                "scope": " ".join(scopes or self._config.scopes),
                "redirect_uri": self._config.redirect_uri,
                "state": state,
            }
        )
        return AuthorizationRequest(f"{self._config.endpoints.authorize}?{query}", state)

    @staticmethod
    def read_callback(callback: str | Mapping[str, str], expected_state: str) -> tuple[str, str]:
        """Check the redirect back from Intuit and return ``(code, realm_id)``.

        ``callback`` is the full redirect URL or its query parameters. The state is compared in
        constant time before anything else is trusted.
        """
        if isinstance(callback, str):
            params = {k: v[0] for k, v in parse_qs(urlsplit(callback).query).items()}
        else:
            params = dict(callback)
        state = params.get("state", "")
        if not expected_state or not hmac.compare_digest(state.encode(), expected_state.encode()):
            raise StateMismatchError("the OAuth callback's state does not match the one issued")
        if params.get("error"):
            raise ReconnectNeededError(
                f"authorization was not granted: {params['error']}", code=params["error"]
            )
        code, realm = params.get("code", ""), params.get("realmId", "")
        if not code or not realm:
            raise OAuthError("the OAuth callback has no code or realmId")
        return code, realm

    async def connect(self, callback: str | Mapping[str, str], expected_state: str) -> TokenSet:
        """Finish authorization: check the callback, exchange the code, store the tokens."""
        code, realm = self.read_callback(callback, expected_state)
        body = await self._token_call(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": self._config.redirect_uri,
            },
            replay_safe=False,
        )
        tokens = TokenSet.from_response(realm, body, scope=str(body.get("scope", "")))
        await self._store.save(tokens)
        self._cache[realm] = tokens
        return tokens

    def _lock(self, realm: str) -> asyncio.Lock:
        lock = self._locks.get(realm)
        if lock is None:
            lock = self._locks[realm] = asyncio.Lock()
        return lock

    async def _load(self, realm: str) -> TokenSet:
        tokens = await self._store.load(realm)
        if tokens is None:
            self._cache.pop(realm, None)
            raise ReconnectNeededError(f"company {realm} is not connected", code="not_connected")
        self._cache[realm] = tokens
        return tokens

    async def access_token(self, realm: str) -> str:
        """A usable access token, refreshed first if it expires within the configured margin.

        Tokens are kept in memory between calls (an encrypted store costs a file read and a
        decryption); the store is read again whenever a refresh is considered, so a refresh or
        reconnect made by another process is picked up at the next 401.
        """
        tokens = self._cache.get(realm) or await self._load(realm)
        if tokens.expires_within(self._config.refresh_margin_seconds):
            tokens = await self.refresh(realm, stale_access_token=tokens.access_token)
        return tokens.access_token

    async def refresh(self, realm: str, *, stale_access_token: str | None = None) -> TokenSet:
        """Refresh once per company at a time; store the (possibly rotated) refresh token.

        ``stale_access_token`` is the token the caller found wanting: if another caller has
        replaced it while we waited for the lock, that newer token is returned as is.
        """
        async with self._lock(realm):
            tokens = await self._load(realm)
            margin = self._config.refresh_margin_seconds
            if (
                stale_access_token is not None
                and tokens.access_token != stale_access_token
                and not tokens.expires_within(margin)
            ):
                return tokens
            try:
                body = await self._token_call(
                    {"grant_type": "refresh_token", "refresh_token": tokens.refresh_token},
                    replay_safe=True,
                )
            except ReconnectNeededError:
                self._cache.pop(realm, None)
                log.warning("refresh refused for company %s: reconnect needed", realm)
                raise
            fresh = TokenSet.from_response(realm, body, scope=tokens.scope)
            if fresh.hard_expires_at is None and tokens.hard_expires_at is not None:
                fresh = replace(fresh, hard_expires_at=tokens.hard_expires_at)
            await self._store.save(fresh)
            self._cache[realm] = fresh
            log.info(
                "refreshed access token for company %s (refresh token rotated: %s)",
                realm,
                fresh.refresh_token != tokens.refresh_token,
            )
            return fresh

    async def revoke(self, realm: str) -> None:
        """Revoke the company's refresh token at Intuit and forget the tokens locally."""
        self._cache.pop(realm, None)
        tokens = await self._store.load(realm)
        if tokens is not None:
            response = await self._post(
                self._config.endpoints.revoke,
                json.dumps({"token": tokens.refresh_token}),
                "application/json",
            )
            if response.status != 200:
                raise _oauth_failure(
                    response.status, response.body, response.headers, "POST revoke"
                )
        await self._store.delete(realm)

    async def _token_call(self, form: dict[str, str], *, replay_safe: bool) -> dict[str, Any]:
        policy = self._config.retry
        deadline = time.monotonic() + policy.budget_seconds
        attempt = 0
        while True:
            attempt += 1
            try:
                response = await self._post(
                    self._config.endpoints.token,
                    urlencode(form),
                    "application/x-www-form-urlencoded",
                    {"x-include-refresh-token-hard-expires-in": "true"},
                    timeout=max(0.001, deadline - time.monotonic()),
                )
                if response.status == 200:
                    document = json.loads(response.body)
                    if isinstance(document, dict) and "access_token" in document:
                        return document
                raise _oauth_failure(response.status, response.body, response.headers, "POST token")
            except QuickBooksError as error:
                if not should_retry(
                    error, attempt, replay_safe=replay_safe, max_attempts=policy.max_attempts
                ):
                    raise
                delay = retry_delay(error, attempt, policy)
                if time.monotonic() + delay >= deadline:
                    raise
                await asyncio.sleep(delay)

    async def _post(
        self,
        url: str,
        data: str,
        content_type: str,
        headers: Mapping[str, str] | None = None,
        *,
        timeout: float | None = None,
    ) -> RawResponse:
        """POST ``data`` to one of Intuit's OAuth endpoints as this app (Basic client auth)."""
        return await self._transport.request(
            "POST",
            url,
            headers={
                "Authorization": self._basic,
                "Accept": "application/json",
                "Content-Type": content_type,
                **(headers or {}),
            },
            data=data,
            timeout=timeout,
        )


def _oauth_failure(
    status: int, body: bytes, headers: Mapping[str, str], request: str
) -> QuickBooksError:
    try:
        document = json.loads(body) if body.strip() else {}
    except ValueError:
        document = {}
    if not isinstance(document, dict):
        document = {}
    error = parse_oauth_error(
        status, document or {"error": f"http_{status}"}, intuit_tid=tid_of(headers), request=request
    )
    error.retry_after = parse_retry_after(headers.get("Retry-After"))
    return error
