"""lawsync's key to the control API of the sandbox it bundles.

Under `lawsync serve` the mounted sandbox's control API (`/qbo/_sandbox/...`) answers only to
the secret in `LAWSYNC_SANDBOX_CONTROL_SECRET`. When that is unset, the server makes one up for
its own lifetime and writes it next to the sandbox's save file, readable by its owner only, so
that `lawsync quickbooks connect --sandbox` (another process, on the same machine and account)
can use it too.
"""

from __future__ import annotations

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
    """The secret the embedded sandbox is served with: configured, or made up and written down."""
    if settings.sandbox_control_secret:
        return settings.sandbox_control_secret
    made_up = secrets.token_urlsafe(32)
    _write_private(secret_file(settings), made_up)
    return made_up


def command_line_secret(settings: Settings) -> str | None:
    """The secret a command sends: configured, else the one a local server wrote down."""
    if settings.sandbox_control_secret:
        return settings.sandbox_control_secret
    try:
        return secret_file(settings).read_text(encoding="utf-8").strip() or None
    except (FileNotFoundError, NotADirectoryError):
        return None


def control_headers(secret: str | None) -> dict[str, str]:
    return {CONTROL_SECRET_HEADER: secret} if secret else {}


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, text.encode("utf-8"))
    finally:
        os.close(fd)
