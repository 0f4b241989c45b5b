"""OAuth tokens and where they live: a token set, the store protocol, encryption at rest.

A refresh token is the company's whole connection: Intuit rotates it, and the old value stops
working, so every new value is saved before it is used. Tokens never appear in ``repr`` or logs.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ._config import Environment
from ._errors import ConfigurationError

__all__ = [
    "EncryptedFileTokenStore",
    "MemoryTokenStore",
    "TokenCipher",
    "TokenSet",
    "TokenStore",
    "token_cipher_for",
]

LOCAL_DEVELOPMENT_SECRET = "lawsync-local-sandbox-only-not-a-secret"


@dataclass(frozen=True, slots=True)
class TokenSet:
    """One company's tokens; times are epoch seconds."""

    realm_id: str
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: float
    refresh_expires_at: float | None = None
    hard_expires_at: float | None = None
    scope: str = ""

    @classmethod
    def from_response(
        cls, realm_id: str, body: dict[str, Any], now: float | None = None, scope: str = ""
    ) -> TokenSet:
        """Build from the token endpoint's JSON answer."""
        now = time.time() if now is None else now
        refresh_in = body.get("x_refresh_token_expires_in")
        hard_in = body.get("x_refresh_token_hard_expires_in")
        return cls(
            realm_id=realm_id,
            access_token=str(body["access_token"]),
            refresh_token=str(body["refresh_token"]),
            expires_at=now + float(body.get("expires_in", 3600)),
            refresh_expires_at=now + float(refresh_in) if refresh_in is not None else None,
            hard_expires_at=now + float(hard_in) if hard_in is not None else None,
            scope=scope,
        )

    def expires_within(self, seconds: float, now: float | None = None) -> bool:
        return self.expires_at - seconds <= (time.time() if now is None else now)

    def with_access(self, access_token: str, expires_at: float) -> TokenSet:
        return replace(self, access_token=access_token, expires_at=expires_at)

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "realm_id": self.realm_id,
                "access_token": self.access_token,
                "refresh_token": self.refresh_token,
                "expires_at": self.expires_at,
                "refresh_expires_at": self.refresh_expires_at,
                "hard_expires_at": self.hard_expires_at,
                "scope": self.scope,
            }
        ).encode()

    @classmethod
    def from_json(cls, data: bytes) -> TokenSet:
        return cls(**json.loads(data))


@runtime_checkable
class TokenStore(Protocol):
    """Where a company's tokens are kept between calls and between processes."""

    async def load(self, realm_id: str) -> TokenSet | None: ...

    async def save(self, tokens: TokenSet) -> None: ...

    async def delete(self, realm_id: str) -> None: ...


class MemoryTokenStore:
    """Tokens in a dict: for tests and short-lived tools."""

    def __init__(self, *initial: TokenSet) -> None:
        self._tokens = {t.realm_id: t for t in initial}

    async def load(self, realm_id: str) -> TokenSet | None:
        return self._tokens.get(realm_id)

    async def save(self, tokens: TokenSet) -> None:
        self._tokens[tokens.realm_id] = tokens

    async def delete(self, realm_id: str) -> None:
        self._tokens.pop(realm_id, None)


class TokenCipher:
    """Fernet encryption of token sets, with a key derived from ``LAWSYNC_SECRET_KEY``.

    Deriving (HKDF-SHA256) lets operators use any long random string as the secret, and keeps
    this key separate from anything else lawsync derives from the same secret.
    """

    def __init__(self, secret: str) -> None:
        if not secret:
            raise ConfigurationError("an empty secret cannot encrypt tokens")
        key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=b"lawsync", info=b"quickbooks-token-store"
        ).derive(secret.encode())
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def encrypt(self, tokens: TokenSet) -> bytes:
        return self._fernet.encrypt(tokens.to_json())

    def decrypt(self, data: bytes) -> TokenSet:
        try:
            return TokenSet.from_json(self._fernet.decrypt(data))
        except InvalidToken:
            raise ConfigurationError(
                "stored QuickBooks tokens cannot be decrypted: LAWSYNC_SECRET_KEY changed?"
            ) from None


def token_cipher_for(environment: Environment | str, secret_key: str | None) -> TokenCipher:
    """The cipher for a configuration; outside ``local`` a missing key is an error."""
    if secret_key:
        return TokenCipher(secret_key)
    if Environment(environment) is Environment.LOCAL:
        return TokenCipher(LOCAL_DEVELOPMENT_SECRET)
    raise ConfigurationError(
        "LAWSYNC_SECRET_KEY is not set: QuickBooks tokens must be encrypted at rest outside the "
        "local sandbox. Set it to a long random string (for example `openssl rand -base64 32`)."
    )


class EncryptedFileTokenStore:
    """One encrypted file per company in a directory; writes are atomic (temp file + rename)."""

    def __init__(self, directory: str | os.PathLike[str], cipher: TokenCipher) -> None:
        self._dir = Path(directory)
        self._cipher = cipher

    def _path(self, realm_id: str) -> Path:
        if not realm_id.isalnum():
            raise ValueError("a realm id is alphanumeric")
        return self._dir / f"{realm_id}.token"

    async def load(self, realm_id: str) -> TokenSet | None:
        path = self._path(realm_id)
        try:
            data = await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            return None
        return self._cipher.decrypt(data)

    async def save(self, tokens: TokenSet) -> None:
        await asyncio.to_thread(
            self._write, self._path(tokens.realm_id), self._cipher.encrypt(tokens)
        )

    def _write(self, path: Path, data: bytes) -> None:
        self._dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=self._dir, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    async def delete(self, realm_id: str) -> None:
        await asyncio.to_thread(self._path(realm_id).unlink, missing_ok=True)
