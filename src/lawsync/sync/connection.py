"""Connecting a firm to a QuickBooks company, and remembering which company it synced with.

Link memory: a connection row per (firm, company). Disconnecting keeps the row and its links;
connecting again to the same company reactivates that row, so its links resume and nothing is
created twice. Connecting to a different company retires the old row (inactive, still listed)
and starts a fresh one with no links.

The OAuth callback is reached by the user's browser, without an API token: the `state` issued
by `start_connect` is what identifies the firm, and it is good for one use within 15 minutes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import weakref
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lawsync.config import Settings
from lawsync.errors import InvalidInput, LawsyncError, RuleViolation, Unavailable
from lawsync.practice.services.context import Actor, Ledger, audit
from lawsync.quickbooks import (
    AsyncQuickBooks,
    ConfigurationError,
    Environment,
    MemoryTokenStore,
    Pacer,
    Pacing,
    QuickBooksConfig,
    QuickBooksError,
    ReconnectNeededError,
    TokenCipher,
    TokenSet,
    TransientError,
    token_cipher_for,
)
from lawsync.storage import utcnow
from lawsync.sync import sandbox_control
from lawsync.sync import settings as sync_settings
from lawsync.sync.models import (
    AuthorizationAttempt,
    ConnectionStatus,
    QuickBooksConnection,
    SyncSettings,
)
from lawsync.sync.tokens import ConnectionTokenStore, seal, unseal

log = logging.getLogger("lawsync.sync")

# The app lawsync registers in its own bundled sandbox when no Intuit app is configured.
LOCAL_CLIENT_ID = "lawsync-local"
# Only when no sandbox control secret is known (see sandbox_control.local_client_secret).
LOCAL_CLIENT_SECRET = "lawsync-local-sandbox-secret"
CALLBACK_PATH = "/api/v1/quickbooks/callback"
# Where `lawsync serve` mounts its bundled sandbox (the web app mounts it here).
SANDBOX_PREFIX = "/qbo"
STATE_TTL = dt.timedelta(minutes=15)
SUPPORTED = ("essentials", "plus", "advanced")
ESSENTIALS_NOTE = (
    "QuickBooks Online Essentials has no classes, so timekeepers are not tracked as classes "
    "(upgrade to Plus or Advanced to use them)."
)


class ConnectError(LawsyncError):
    """The connect flow cannot go on (state unknown, used or expired; consent refused)."""

    code = "connect_failed"


class QuickBooksUnavailable(Unavailable):
    code = "quickbooks_unavailable"


# ---- where QuickBooks is -----------------------------------------------------------------


def app_url_for(settings: Settings) -> str:
    """This server's own root, from configuration (`LAWSYNC_PUBLIC_URL`, else host and port).

    Never from a request: the QuickBooks root and the redirect URI must not follow a Host header.
    """
    return settings.app_url


def qbo_config(
    settings: Settings, app_url: str | None = None, **overrides: Any
) -> QuickBooksConfig:
    """The client configuration; for `local` without a base URL, the sandbox mounted in serve."""
    root = (app_url or app_url_for(settings)).rstrip("/")
    local = settings.qbo_env == "local"
    values: dict[str, Any] = {
        "environment": Environment(settings.qbo_env),
        "client_id": settings.qbo_client_id or (LOCAL_CLIENT_ID if local else ""),
        "client_secret": settings.qbo_client_secret
        or (sandbox_control.local_client_secret(settings, LOCAL_CLIENT_SECRET) if local else ""),
        "redirect_uri": settings.qbo_redirect_uri or f"{root}{CALLBACK_PATH}",
        "base_url": (settings.qbo_base_url or f"{root}{SANDBOX_PREFIX}") if local else None,
        "secret_key": settings.secret_key or None,
    }
    values.update(overrides)
    return QuickBooksConfig(**values)


def cipher_for(config: QuickBooksConfig) -> TokenCipher:
    return token_cipher_for(config.environment, config.secret_key)


def open_client(
    ledger: Ledger, firm_id: int, settings: Settings, app_url: str | None = None, **overrides: Any
) -> AsyncQuickBooks:
    """A client whose tokens are the firm's connection rows; build it inside its event loop."""
    config = qbo_config(settings, app_url, **overrides)
    return AsyncQuickBooks(
        config,
        ConnectionTokenStore(ledger, firm_id, cipher_for(config)),
        pacer=shared_pacer(config),
    )


_pacers: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, dict[tuple[str, str, Pacing], Pacer]
] = weakref.WeakKeyDictionary()


def shared_pacer(config: QuickBooksConfig) -> Pacer:
    """One count of each company's limits per app and event loop, so that pass after pass (and
    firms sharing a company) keep to QuickBooks' per-minute limits together."""
    per_loop = _pacers.setdefault(asyncio.get_running_loop(), {})
    key = (config.endpoints.api, config.client_id, config.pacing)
    found = per_loop.get(key)
    if found is None:
        found = per_loop[key] = Pacer(config.pacing)
    return found


WEBHOOK_PATH = "/api/v1/quickbooks/webhooks"


def webhook_url(settings: Settings, app_url: str | None = None) -> str:
    """Where QuickBooks posts its change notices to this server."""
    return f"{(app_url or app_url_for(settings)).rstrip('/')}{WEBHOOK_PATH}"


def uses_local_app(settings: Settings) -> bool:
    """lawsync's own app in the bundled sandbox, not an Intuit app from configuration."""
    return settings.qbo_env == "local" and not settings.qbo_client_id


def webhook_token(settings: Settings) -> str:
    """The verifier token webhooks are checked with: configured, else (with lawsync's own app
    in the bundled sandbox) the one lawsync registers there; "" when none is known."""
    if settings.qbo_webhook_token:
        return settings.qbo_webhook_token
    return sandbox_control.local_webhook_token(settings) if uses_local_app(settings) else ""


def sandbox_app(config: QuickBooksConfig, settings: Settings | None = None) -> dict[str, Any]:
    """lawsync's app as the sandbox's control API takes it: with `settings`, its webhooks go to
    this server's webhook address, signed with lawsync's token."""
    body: dict[str, Any] = {
        "name": "lawsync",
        "client_id": config.client_id,
        "client_secret": config.client_secret,
        "redirect_uris": [config.redirect_uri],
    }
    if settings is not None and webhook_token(settings):
        body["webhook_url"] = webhook_url(settings)
        body["verifier_token"] = webhook_token(settings)
    return body


async def register_sandbox_app(
    config: QuickBooksConfig, control_secret: str | None = None, settings: Settings | None = None
) -> None:
    """Make sure the bundled sandbox knows lawsync's app, its callback and (with `settings`)
    its webhook address (idempotent).

    `control_secret` is the sandbox control API's secret (see `sandbox_control`).
    """
    root = (config.base_url or "").rstrip("/")
    body = sandbox_app(config, settings)
    headers = sandbox_control.control_headers(control_secret)
    try:
        await _post_app(root, body, headers)
    except aiohttp.ClientError as error:
        raise QuickBooksUnavailable(
            f"The QuickBooks sandbox at {root} cannot be reached ({type(error).__name__}). "
            "Check LAWSYNC_PUBLIC_URL (or LAWSYNC_HOST and LAWSYNC_PORT): the embedded sandbox "
            "is found under it."
        ) from None


async def _post_app(root: str, body: dict[str, Any], headers: dict[str, str]) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{root}/_sandbox/apps", json=body, headers=headers) as response,
    ):
        if response.status in (401, 403):
            raise QuickBooksUnavailable(
                f"The QuickBooks sandbox at {root} refused lawsync's control secret "
                f"(HTTP {response.status}). Set LAWSYNC_SANDBOX_CONTROL_SECRET to the secret "
                "the server was started with, or run this from the folder where `lawsync serve` "
                f"runs (it writes its secret to var/{sandbox_control.SECRET_FILE_NAME})."
            )
        if response.status != 201:
            raise QuickBooksUnavailable(
                f"The QuickBooks sandbox at {root} did not accept lawsync's app "
                f"(HTTP {response.status})."
            )


# ---- the firm's connection ------------------------------------------------------------------


def active_connection(session: Session) -> QuickBooksConnection | None:
    return sync_settings.active_connection(session)


def connected_realm(ledger: Ledger, firm_id: int) -> str | None:
    """The company the firm syncs with now, or None when it is not connected (or must reconnect)."""
    with ledger.uow(firm_id) as uow:
        row = active_connection(uow.session)
        if row is None or row.status != ConnectionStatus.connected:
            return None
        return row.realm_id


def connections(ledger: Ledger, actor: Actor) -> list[QuickBooksConnection]:
    """Every connection the firm has had, the active one first."""
    with ledger.uow(actor) as uow:
        rows = uow.session.execute(select(QuickBooksConnection)).scalars().all()
        return sorted(rows, key=lambda r: (not r.active, -r.id))


def mark_reconnect_needed(ledger: Ledger, firm_id: int, reason: str) -> None:
    """The company refused our tokens for good (120, 3200 after refresh): pause until reconnect."""
    with ledger.uow(firm_id) as uow:
        row = active_connection(uow.session)
        if row is None or row.status == ConnectionStatus.disconnected:
            return
        changed = row.status != ConnectionStatus.reconnect_needed
        row.status = ConnectionStatus.reconnect_needed
        prefix = "" if reason.startswith("Reconnect needed") else "Reconnect needed: "
        row.status_note = f"{prefix}{reason}"[:2000]
        if changed:
            audit(
                uow.session,
                Actor(firm_id, None),
                "qbo_connection",
                row.id,
                "reconnect_needed",
                reason=reason[:500],
            )
        uow.commit()
    log.warning("firm %s: QuickBooks sync paused, reconnect needed", firm_id)


def record_sync(ledger: Ledger, firm_id: int, at: dt.datetime) -> None:
    with ledger.uow(firm_id) as uow:
        row = active_connection(uow.session)
        if row is not None:
            row.last_sync_at = at
            uow.commit()


# ---- connect --------------------------------------------------------------------------------


SHARING_NOTE = (
    "A QuickBooks company syncs with one lawsync firm. If this company is already connected to "
    "another firm, connecting is refused (company_connected_elsewhere) unless an administrator "
    "of that firm has turned on share_company in its QuickBooks settings and this connect was "
    "started with share_company: true."
)


class CompanyConnectedElsewhere(RuleViolation):
    """Two firms syncing into one company would put their bills on each other's customers."""

    code = "company_connected_elsewhere"


def start_connect(
    ledger: Ledger,
    actor: Actor,
    settings: Settings,
    app_url: str | None = None,
    *,
    share_company: bool = False,
) -> str:
    """Issue a state for this firm and return the consent page's URL.

    `share_company` is this administrator's consent to share the company with another firm
    that already has it (which that firm's administrator must have allowed too).
    """
    actor.require_admin("connect QuickBooks Online")
    config = qbo_config(settings, app_url)
    # Building the URL is pure: the client opens no connection until a request is made.
    request = AsyncQuickBooks(config, MemoryTokenStore()).oauth.authorization_url()
    with ledger.uow(actor) as uow:
        attempt = AuthorizationAttempt(
            firm_id=actor.firm_id,
            state=request.state,
            user_id=actor.user_id,
            share_company=share_company,
        )
        uow.session.add(attempt)
        uow.flush()
        audit(
            uow.session,
            actor,
            "qbo_connection",
            attempt.id,
            "connect_started",
            {"share_company": share_company} if share_company else None,
        )
        uow.commit()
    return request.url


async def begin_connect(
    ledger: Ledger,
    actor: Actor,
    settings: Settings,
    control_secret: str | None = None,
    share_company: bool = False,
) -> str:
    """`start_connect` from an event loop; with lawsync's own sandbox, first make sure it knows
    lawsync's built-in app and this callback (`control_secret`: the sandbox's, if it has one)."""
    url = await asyncio.to_thread(
        functools.partial(start_connect, ledger, actor, settings, share_company=share_company)
    )
    if uses_local_app(settings):
        secret = control_secret or settings.sandbox_control_secret
        await register_sandbox_app(qbo_config(settings), secret, settings)
    return url


@dataclass(frozen=True)
class CompanyFacts:
    realm_id: str
    name: str
    edition: str
    offering: str
    country: str
    home_currency: str
    multicurrency: bool


def edition_of(offering_sku: str) -> str:
    """QuickBooks' `OfferingSku` ("QuickBooks Online Plus") as our edition key."""
    sku = offering_sku.lower()
    for key, words in (
        ("simple_start", ("simple start", "self-employed", "self employed")),
        ("essentials", ("essentials",)),
        ("plus", ("plus",)),
        ("advanced", ("advanced", "accountant")),
    ):
        if any(w in sku for w in words):
            return key
    return ""


def _params(callback: str | dict[str, str]) -> dict[str, str]:
    if isinstance(callback, str):
        return {k: v[0] for k, v in parse_qs(urlsplit(callback).query).items()}
    return {k: str(v) for k, v in callback.items()}


START_AGAIN = (
    "start again with `lawsync quickbooks connect --firm ID` (or POST /api/v1/quickbooks/connect)."
)


def _claim(ledger: Ledger, state: str, actor: Actor | None) -> tuple[Actor, bool]:
    """Use up the attempt behind `state`; return on whose behalf the connect runs, and whether
    its administrator agreed to share the company."""
    if not state:
        raise ConnectError("The callback carries no state.", field="state", code="invalid_state")
    with ledger.uow(actor) as uow:  # no actor: the browser's callback, found by its state
        attempt = uow.session.execute(
            select(AuthorizationAttempt).where(AuthorizationAttempt.state == state)
        ).scalar_one_or_none()
        if attempt is None:
            raise ConnectError(
                f"This connect link is unknown here; {START_AGAIN}",
                field="state",
                code="invalid_state",
            )
        now = utcnow()
        # A conditional update, so two callbacks racing with one state cannot both win.
        claimed = uow.session.execute(
            update(AuthorizationAttempt)
            .where(AuthorizationAttempt.id == attempt.id, AuthorizationAttempt.used_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        uow.commit()
        if attempt.used_at is not None or getattr(claimed, "rowcount", 1) != 1:
            raise ConnectError(
                f"This connect link was already used; {START_AGAIN}",
                field="state",
                code="state_used",
            )
        if now - attempt.created_at > STATE_TTL:
            raise ConnectError(
                f"This connect link has expired; {START_AGAIN}",
                field="state",
                code="state_expired",
            )
        return Actor(attempt.firm_id, attempt.user_id), attempt.share_company


async def _read_company(qb: AsyncQuickBooks, realm: str) -> CompanyFacts:
    info = await qb.company_info(realm)
    prefs = await qb.preferences(realm)
    values = {str(nv.get("Name")): str(nv.get("Value", "")) for nv in info.NameValue or []}
    offering = values.get("OfferingSku", "")
    currency = prefs.CurrencyPrefs or {}
    home = (currency.get("HomeCurrency") or {}).get("value") or "USD"
    return CompanyFacts(
        realm_id=realm,
        name=info.CompanyName or info.LegalName or "",
        edition=edition_of(offering),
        offering=offering,
        country=(info.Country or "US")[:2].upper(),
        home_currency=str(home)[:3].upper(),
        multicurrency=bool(currency.get("MultiCurrencyEnabled")),
    )


async def _revoke_quietly(config: QuickBooksConfig, tokens: TokenSet) -> None:
    try:
        async with AsyncQuickBooks(config, MemoryTokenStore(tokens)) as qb:
            await qb.oauth.revoke(tokens.realm_id)
    except (QuickBooksError, aiohttp.ClientError, OSError) as error:
        log.info("revoking tokens for company %s failed: %s", tokens.realm_id, type(error).__name__)


async def finish_connect(
    ledger: Ledger,
    settings: Settings,
    callback: str | dict[str, str],
    *,
    actor: Actor | None = None,
    app_url: str | None = None,
    **overrides: Any,
) -> QuickBooksConnection:
    """Check the state, exchange the code, vet the company, and remember the connection.

    `callback` is the redirect URL or its query parameters (`code`, `state`, `realmId`).
    With `actor`, the state must have been issued to that actor's firm.
    """
    params = _params(callback)
    who, share = await asyncio.to_thread(_claim, ledger, params.get("state", ""), actor)
    if params.get("error"):
        raise ConnectError(
            f"QuickBooks Online did not grant access ({params['error']}); nothing was connected.",
            code="access_denied",
        )
    config = qbo_config(settings, app_url, **overrides)
    store = MemoryTokenStore()
    try:
        async with AsyncQuickBooks(config, store) as qb:
            tokens = await qb.oauth.connect(params, params["state"])
            facts = await _read_company(qb, tokens.realm_id)
    except TransientError as error:
        raise QuickBooksUnavailable(
            f"QuickBooks Online is not answering ({error.message}); try connecting again."
        ) from None
    except (ReconnectNeededError, QuickBooksError) as error:
        raise ConnectError(
            f"QuickBooks Online refused the connection: {error.message}", code="connect_failed"
        ) from None
    if facts.edition == "simple_start":
        await _revoke_quietly(config, tokens)
        raise RuleViolation(
            f"{facts.name or 'This company'} is on {facts.offering or 'Simple Start'}, which "
            "lawsync cannot sync with. Connect a company on QuickBooks Online Essentials, Plus "
            "or Advanced.",
            code="edition_not_supported",
        )
    holders = await asyncio.to_thread(_other_firms_on, ledger, who.firm_id, facts.realm_id)
    if holders and not (share and all(holders)):
        await _revoke_quietly(config, tokens)
        raise CompanyConnectedElsewhere(
            f"{facts.name or 'This QuickBooks company'} (company {facts.realm_id}) is already "
            "connected to another lawsync firm, and two firms syncing into one company would "
            "put their bills on each other's customers, so nothing was connected. To share it "
            "on purpose, an administrator of the other firm turns on share_company in its "
            "QuickBooks settings, and you connect again with share_company: true."
        )
    row, retired = await asyncio.to_thread(
        _remember, ledger, who, facts, tokens, cipher_for(config)
    )
    for old in retired:
        await _revoke_quietly(config, old)
    return row


def _other_firms_on(ledger: Ledger, firm_id: int, realm_id: str) -> list[bool]:
    """Whether each other firm connected to the company lets it be shared (across firms)."""
    with ledger.uow(None) as uow:
        rows = uow.session.execute(
            select(QuickBooksConnection.firm_id, SyncSettings.share_company)
            .outerjoin(SyncSettings, SyncSettings.firm_id == QuickBooksConnection.firm_id)
            .where(
                QuickBooksConnection.realm_id == realm_id,
                QuickBooksConnection.firm_id != firm_id,
                QuickBooksConnection.active.is_(True),
                QuickBooksConnection.status != ConnectionStatus.disconnected,
            )
        ).all()
    return [bool(allowed) for _firm, allowed in rows]


def _remember(
    ledger: Ledger, actor: Actor, facts: CompanyFacts, tokens: TokenSet, cipher: TokenCipher
) -> tuple[QuickBooksConnection, list[TokenSet]]:
    now = utcnow()
    retired: list[TokenSet] = []
    with ledger.uow(actor) as uow:
        s = uow.session
        rows = s.execute(select(QuickBooksConnection)).scalars().all()
        row = next((r for r in rows if r.realm_id == facts.realm_id), None)
        for other in rows:
            if other is row or not other.active:
                continue
            other.active = False
            if other.status != ConnectionStatus.disconnected:
                other.status = ConnectionStatus.disconnected
                other.disconnected_at = now
            other.status_note = f"Replaced by company {facts.realm_id} on {now.date().isoformat()}."
            old = _unseal_quietly(cipher, other.tokens)
            if old is not None:
                retired.append(old)
            other.tokens = ""
            audit(s, actor, "qbo_connection", other.id, "retired", {"realm_id": other.realm_id})
        resumed = row is not None
        if row is None:
            row = QuickBooksConnection(firm_id=actor.firm_id, realm_id=facts.realm_id)
            s.add(row)
        row.active = True
        row.status = ConnectionStatus.connected
        row.tokens = seal(cipher, tokens)
        row.company_name = facts.name[:200]
        row.edition = facts.edition or "unknown"
        row.country = facts.country
        row.home_currency = facts.home_currency
        row.multicurrency = facts.multicurrency
        row.connected_at = now
        row.disconnected_at = None
        row.status_note = _edition_note(s, actor.firm_id, facts)
        s.flush()
        audit(
            s,
            actor,
            "qbo_connection",
            row.id,
            "reconnected" if resumed else "connected",
            {"realm_id": row.realm_id, "edition": row.edition, "country": row.country},
        )
        uow.commit()
    return row, retired


def _unseal_quietly(cipher: TokenCipher, sealed: str) -> TokenSet | None:
    try:
        return unseal(cipher, sealed)
    except ConfigurationError:  # sealed under another key: nothing we can revoke
        return None


def _edition_note(session: Session, firm_id: int, facts: CompanyFacts) -> str:
    """Turn off what the edition cannot do, and say so, rather than fail a sync later."""
    if facts.edition == "essentials":
        prefs = sync_settings.load(session, firm_id)
        prefs.track_timekeepers = False
        prefs.import_hard_costs = False  # not on Essentials either (5030)
        return ESSENTIALS_NOTE
    if not facts.edition:
        return (
            f"The edition of this company ({facts.offering or 'not stated'}) is not recognised; "
            "features are used as on Plus."
        )
    return ""


# ---- disconnect -------------------------------------------------------------------------------


async def disconnect(
    ledger: Ledger,
    actor: Actor,
    settings: Settings,
    app_url: str | None = None,
    **overrides: Any,
) -> QuickBooksConnection:
    """Revoke access (a failure to revoke is ignored) and forget the tokens; keep the links."""
    actor.require_admin("disconnect QuickBooks Online")
    row = await asyncio.to_thread(_current, ledger, actor)
    config = qbo_config(settings, app_url, **overrides)
    tokens = _unseal_quietly(cipher_for(config), row.tokens)
    if tokens is not None:
        await _revoke_quietly(config, tokens)
    return await asyncio.to_thread(_mark_disconnected, ledger, actor, row.id)


def _current(ledger: Ledger, actor: Actor) -> QuickBooksConnection:
    with ledger.uow(actor) as uow:
        row = active_connection(uow.session)
        if row is None:
            raise RuleViolation(
                "This firm is not connected to QuickBooks Online.", code="not_connected"
            )
        return row


def _mark_disconnected(ledger: Ledger, actor: Actor, connection_id: int) -> QuickBooksConnection:
    with ledger.uow(actor) as uow:
        row = uow.session.get(QuickBooksConnection, connection_id)
        if row is None or row.firm_id != actor.firm_id:
            raise InvalidInput("The connection changed meanwhile; try again.")
        row.tokens = ""
        if row.status != ConnectionStatus.disconnected:
            row.status = ConnectionStatus.disconnected
            row.disconnected_at = utcnow()
            row.status_note = "Disconnected; links are kept for when this company is reconnected."
            audit(uow.session, actor, "qbo_connection", row.id, "disconnected")
        uow.commit()
        return row
