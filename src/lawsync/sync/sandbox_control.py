"""lawsync's key to the control API of the sandbox it bundles.

Under `lawsync serve` the mounted sandbox's control API (`/qbo/_sandbox/...`) answers only to
the secret in `LAWSYNC_SANDBOX_CONTROL_SECRET`. When that is unset, the first server makes one up
and writes it next to the sandbox's save file, readable by its owner only; later starts reuse it,
and `lawsync quickbooks connect --sandbox` (another process, on the same machine and account)
reads it too.

lawsync's own app in that sandbox (`lawsync-local`) has a client secret derived from the
control secret, not a constant in the source: anyone who can reach the sandbox's consent page
can get an authorization code, but cannot exchange it for a company's tokens without it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from lawsync.config import Settings
from lawsync.sandbox.guard import CONTROL_SECRET_HEADER

SECRET_FILE_NAME = "qbo-sandbox-control-secret"


def secret_file(settings: Settings) -> Path:
    """Where a server that made its secret up leaves it for the command line."""
    in_memory = settings.sandbox_db in ("", ":memory:")
    return (Path("var") if in_memory else Path(settings.sandbox_db).parent) / SECRET_FILE_NAME


def serving_secret(settings: Settings) -> str:
    """The secret the embedded sandbox is served with: configured, else the one written down
    by an earlier start, else one made up now and written down (never overwriting another's)."""
    if settings.sandbox_control_secret:
        return settings.sandbox_control_secret
    path = secret_file(settings)
    existing = _read(path)
    if existing:
        return existing
    made_up = secrets.token_urlsafe(32)
    try:
        _write_private(path, made_up)
    except FileExistsError:  # another process wrote it first: use theirs
        return _read(path) or made_up
    return made_up


LOCAL_APP_LABEL = b"lawsync-local client secret"


def local_client_secret(settings: Settings, fallback: str) -> str:
    """The client secret of lawsync's own app in the bundled sandbox.

    Derived from the control secret, so every process that can use the control API (the server,
    the command line) agrees on it, and nobody else knows it. With no control secret anywhere
    (no sandbox served from here) it is `fallback`.
    """
    secret = command_line_secret(settings)
    if not secret:
        return fallback
    return hmac.new(secret.encode("utf-8"), LOCAL_APP_LABEL, hashlib.sha256).hexdigest()


WEBHOOK_TOKEN_LABEL = b"lawsync-local webhook verifier token"


def local_webhook_token(settings: Settings) -> str:
    """The verifier token lawsync's own app in the bundled sandbox signs webhooks with: derived
    from the control secret like the client secret ("" when there is none)."""
    secret = command_line_secret(settings)
    if not secret:
        return ""
    return hmac.new(secret.encode("utf-8"), WEBHOOK_TOKEN_LABEL, hashlib.sha256).hexdigest()


def command_line_secret(settings: Settings) -> str | None:
    """The secret a command sends: configured, else the one a local server wrote down."""
    if settings.sandbox_control_secret:
        return settings.sandbox_control_secret
    return _read(secret_file(settings))


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except (FileNotFoundError, NotADirectoryError):
        return None


def control_headers(secret: str | None) -> dict[str, str]:
    return {CONTROL_SECRET_HEADER: secret} if secret else {}


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, text.encode("utf-8"))
    finally:
        os.close(fd)
