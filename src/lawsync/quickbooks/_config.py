"""Where the client talks to and how: environment → hosts, credentials, limits and timeouts."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from ._errors import ConfigurationError
from ._pacing import Pacing
from ._retry import RetryPolicy

__all__ = ["MINIMUM_MINOR_VERSION", "Endpoints", "Environment", "QuickBooksConfig", "Timeouts"]

MINIMUM_MINOR_VERSION = 75
"""Intuit serves every request below 75 (or without one) as 75 since 2025; we say so explicitly."""


class Environment(StrEnum):
    """Which QuickBooks Online to talk to."""

    PRODUCTION = "production"
    INTUIT_SANDBOX = "intuit-sandbox"
    LOCAL = "local"


@dataclass(frozen=True, slots=True)
class Endpoints:
    """The four URLs the client needs; ``api`` ends in ``/v3``."""

    api: str
    authorize: str
    token: str
    revoke: str

    @classmethod
    def for_environment(cls, environment: Environment, base_url: str | None = None) -> Endpoints:
        """Intuit's published hosts, or everything under one base URL for the local sandbox."""
        if environment is Environment.LOCAL:
            if not base_url:
                raise ConfigurationError(
                    "the local environment needs a base URL (LAWSYNC_QBO_BASE_URL)"
                )
            root = base_url.rstrip("/")
            return cls(
                api=f"{root}/v3",
                authorize=f"{root}/connect/oauth2",
                token=f"{root}/oauth2/v1/tokens/bearer",
                revoke=f"{root}/v2/oauth2/tokens/revoke",
            )
        host = (
            "https://quickbooks.api.intuit.com"
            if environment is Environment.PRODUCTION
            else "https://sandbox-quickbooks.api.intuit.com"
        )
        return cls(
            api=f"{host}/v3",
            authorize="https://appcenter.intuit.com/connect/oauth2",
            token="https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer",
            revoke="https://developer.api.intuit.com/v2/oauth2/tokens/revoke",
        )


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Seconds to wait for a connection and for each read; QBO itself cuts calls at 120 s."""

    connect: float = 10.0
    read: float = 120.0


@dataclass(frozen=True)
class QuickBooksConfig:
    """Everything the client needs to reach one Intuit app's companies.

    ``secret_key`` encrypts tokens at rest; it is required outside the local environment.
    """

    environment: Environment
    client_id: str
    client_secret: str = field(repr=False)
    redirect_uri: str = ""
    base_url: str | None = None
    minor_version: int = MINIMUM_MINOR_VERSION
    scopes: tuple[str, ...] = ("com.intuit.quickbooks.accounting",)
    secret_key: str | None = field(default=None, repr=False)
    pacing: Pacing = field(default_factory=Pacing)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeouts: Timeouts = field(default_factory=Timeouts)
    refresh_margin_seconds: float = 300.0
    user_agent: str = "lawsync-quickbooks/0.1"

    def __post_init__(self) -> None:
        object.__setattr__(self, "environment", Environment(self.environment))
        if self.minor_version < MINIMUM_MINOR_VERSION:
            raise ConfigurationError(
                f"minor version {self.minor_version} is discontinued; "
                f"use {MINIMUM_MINOR_VERSION} or later"
            )
        if not self.client_id or not self.client_secret:
            raise ConfigurationError("a client id and client secret are required")

    @property
    def endpoints(self) -> Endpoints:
        return Endpoints.for_environment(self.environment, self.base_url)

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, **overrides: object
    ) -> QuickBooksConfig:
        """Read ``LAWSYNC_QBO_*`` and ``LAWSYNC_SECRET_KEY`` (see DESIGN.md, Configuration)."""
        env = os.environ if env is None else env
        values: dict[str, object] = {
            "environment": Environment(env.get("LAWSYNC_QBO_ENV", "local")),
            "client_id": env.get("LAWSYNC_QBO_CLIENT_ID", ""),
            "client_secret": env.get("LAWSYNC_QBO_CLIENT_SECRET", ""),
            "redirect_uri": env.get("LAWSYNC_QBO_REDIRECT_URI", ""),
            "base_url": env.get("LAWSYNC_QBO_BASE_URL") or None,
            "secret_key": env.get("LAWSYNC_SECRET_KEY") or None,
        }
        if "LAWSYNC_QBO_MINOR_VERSION" in env:
            values["minor_version"] = int(env["LAWSYNC_QBO_MINOR_VERSION"])
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]
