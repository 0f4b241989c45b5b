"""Settings in force, read from the environment first.

Operators and tests configure lawsync the same way, so any part can be pointed at any server.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Literal

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

QboEnvironment = Literal["local", "intuit-sandbox", "production"]
SyncMode = Literal["embedded", "queue"]

DEFAULT_DATABASE_URL = "sqlite:///./var/lawsync.db"


def sqlite_path(url: str) -> str | None:
    """The file of a SQLite URL; None for other databases, in-memory ones and `file:` URIs."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    database = parsed.database or ""
    if not parsed.drivername.startswith("sqlite") or database in ("", ":memory:"):
        return None
    if database.startswith("file:") or parsed.query.get("uri") == "true":
        return None
    return database


def is_postgresql(url: str) -> bool:
    try:
        return make_url(url).get_backend_name() == "postgresql"
    except ArgumentError:
        return False


def check_sync_mode(sync_mode: str, database_url: str) -> None:
    """The queued mode keeps its jobs in PostgreSQL: refuse it on any other database."""
    if sync_mode == "queue" and not is_postgresql(database_url):
        raise ValueError(
            "LAWSYNC_SYNC_MODE=queue needs PostgreSQL (its jobs live in the database); "
            "LAWSYNC_DATABASE_URL is not a postgresql:// URL. Use embedded with SQLite."
        )


def resolve_database_url(url: str, cwd: Path | None = None) -> str:
    """The URL with a relative SQLite path made absolute (against `cwd`, default the current
    folder), so every part of one process uses the same file whatever folder it later uses."""
    path = sqlite_path(url)
    if path is None or Path(path).is_absolute():
        return url
    absolute = ((cwd or Path.cwd()) / path).resolve()
    return url.replace(f"///{path}", f"///{absolute}", 1)


def mask_database_url(url: str) -> str:
    """The URL as it may be printed or logged: its password replaced by stars."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "(not a valid database URL)"
    return url if parsed.password is None else parsed.render_as_string(hide_password=True)


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise ValueError(f"LAWSYNC_CDC_POLL_SECONDS must be a positive number, not {text!r}")
    return value


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    qbo_env: QboEnvironment = "local"
    qbo_base_url: str = ""
    qbo_client_id: str = ""
    qbo_client_secret: str = field(default="", repr=False)
    qbo_redirect_uri: str = ""
    secret_key: str = field(default="", repr=False)
    host: str = "127.0.0.1"
    port: int = 8000
    sandbox_db: str = "./var/qbo-sandbox.db"
    sandbox_control_secret: str = field(default="", repr=False)
    public_url: str = ""
    # The verifier token of the Intuit app's webhooks (its signature key); empty with the
    # bundled sandbox, where lawsync registers a token of its own (`sync.connection`).
    qbo_webhook_token: str = field(default="", repr=False)
    # The change-data-capture poll per company, the safety net under webhooks.
    cdc_poll_seconds: float = 300.0
    sync_mode: SyncMode = "embedded"
    """`embedded`: passes run in `lawsync serve`; `queue`: commits defer jobs that `lawsync
    worker` processes run (PostgreSQL only)."""

    @property
    def app_url(self) -> str:
        """Where this server is reached: its callback and the embedded sandbox live under it.

        Taken from configuration only, never from a request's Host header, so a forged Host
        cannot send the OAuth code and the client secret elsewhere.
        """
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def embedded_sandbox(self) -> bool:
        """No real QuickBooks Online is configured: serve the bundled sandbox under /qbo."""
        return self.qbo_env == "local" and not self.qbo_base_url

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        qbo_env = env.get("LAWSYNC_QBO_ENV", "local")
        if qbo_env not in ("local", "intuit-sandbox", "production"):
            raise ValueError(
                f"LAWSYNC_QBO_ENV must be local, intuit-sandbox or production, not {qbo_env!r}"
            )
        public_url = env.get("LAWSYNC_PUBLIC_URL", "").strip()
        if public_url and not public_url.startswith(("http://", "https://")):
            raise ValueError(
                f"LAWSYNC_PUBLIC_URL must be an http:// or https:// address, not {public_url!r}"
            )
        database_url = resolve_database_url(env.get("LAWSYNC_DATABASE_URL", DEFAULT_DATABASE_URL))
        sync_mode = env.get("LAWSYNC_SYNC_MODE", "embedded").strip().lower() or "embedded"
        if sync_mode not in ("embedded", "queue"):
            raise ValueError(f"LAWSYNC_SYNC_MODE must be embedded or queue, not {sync_mode!r}")
        check_sync_mode(sync_mode, database_url)
        return cls(
            database_url=database_url,
            qbo_env=qbo_env,  # type: ignore[arg-type]
            qbo_base_url=env.get("LAWSYNC_QBO_BASE_URL", ""),
            qbo_client_id=env.get("LAWSYNC_QBO_CLIENT_ID", ""),
            qbo_client_secret=env.get("LAWSYNC_QBO_CLIENT_SECRET", ""),
            qbo_redirect_uri=env.get("LAWSYNC_QBO_REDIRECT_URI", ""),
            secret_key=env.get("LAWSYNC_SECRET_KEY", ""),
            host=env.get("LAWSYNC_HOST", "127.0.0.1"),
            port=int(env.get("LAWSYNC_PORT", "8000")),
            sandbox_db=env.get("LAWSYNC_SANDBOX_DB", "./var/qbo-sandbox.db"),
            sandbox_control_secret=env.get("LAWSYNC_SANDBOX_CONTROL_SECRET", ""),
            public_url=public_url,
            qbo_webhook_token=env.get("LAWSYNC_QBO_WEBHOOK_TOKEN", ""),
            cdc_poll_seconds=_positive_seconds(env.get("LAWSYNC_CDC_POLL_SECONDS", "300")),
            sync_mode=sync_mode,  # type: ignore[arg-type]
        )

    def masked(self) -> dict[str, str]:
        """What `lawsync config show` prints: every setting, secrets replaced by stars."""
        secret = {
            "qbo_client_secret",
            "secret_key",
            "sandbox_control_secret",
            "qbo_webhook_token",
        }
        out: dict[str, str] = {}
        for f in fields(self):
            value = str(getattr(self, f.name))
            out[f.name] = ("*" * 8 if value else "(unset)") if f.name in secret else value
        out["database_url"] = mask_database_url(self.database_url)
        return out
