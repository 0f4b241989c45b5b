"""Firms, their users and the API tokens users sign in with."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from lawsync.errors import Unauthenticated
from lawsync.practice.commands import FirmCreate, FirmUpdate, UserCreate, UserUpdate
from lawsync.practice.errors import Duplicate, InvalidInput, PracticeError, RuleViolation
from lawsync.practice.models import ApiToken, AuditEvent, BillSettings, Firm, Role, User
from lawsync.practice.services.context import (
    Actor,
    Ledger,
    Page,
    audit,
    diff,
    fetch,
    get,
    list_page,
    matching,
    snapshot,
)
from lawsync.practice.token_commands import DEFAULT_TOKEN_DAYS, TokenCreate
from lawsync.storage import utcnow

TOKEN_PREFIX = "lsk_"
USER_FIELDS = ("name", "email", "role", "default_rate", "active", "is_primary_subscriber")


@dataclass(frozen=True)
class NewFirm:
    firm: Firm
    admin: User
    token: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenRefused(Unauthenticated, PracticeError):
    """The bearer token does not sign anyone in: unknown, revoked, expired, or its user inactive."""


@dataclass(frozen=True)
class IssuedToken:
    token: str
    row: ApiToken


def _new_token(
    firm_id: int, user_id: int, label: str, days: int = DEFAULT_TOKEN_DAYS
) -> tuple[str, ApiToken]:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    row = ApiToken(
        firm_id=firm_id,
        user_id=user_id,
        token_hash=hash_token(token),
        prefix=token[:12],
        label=label,
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )
    return token, row


def create_firm(ledger: Ledger, cmd: FirmCreate) -> NewFirm:
    """A firm with its first administrator (the primary subscriber) and an API token for them."""
    with ledger.uow(None) as uow:
        firm = Firm(
            name=cmd.name, currency=cmd.currency, locale=cmd.locale, time_zone=cmd.time_zone
        )
        uow.session.add(firm)
        uow.flush()
        uow.session.info["firm_id"] = firm.id
        admin = User(
            firm_id=firm.id,
            name=cmd.admin_name,
            email=cmd.admin_email.lower(),
            role=Role.admin,
            is_primary_subscriber=True,
        )
        uow.session.add(admin)
        uow.session.add(BillSettings(firm_id=firm.id))
        uow.flush()
        token, row = _new_token(firm.id, admin.id, "created with the firm")
        uow.session.add(row)
        actor = Actor(firm.id, admin.id)
        audit(uow.session, actor, "firm", firm.id, "create", {"name": firm.name})
        uow.commit()
        return NewFirm(firm, admin, token)


def issue_token(ledger: Ledger, actor: Actor, user_id: int, label: str = "") -> str:
    return create_token(ledger, actor, user_id, TokenCreate(label=label)).token


def create_token(ledger: Ledger, actor: Actor, user_id: int, cmd: TokenCreate) -> IssuedToken:
    """A new token for a user (an administrator's for anyone in the firm); shown once."""
    if user_id != actor.user_id:
        actor.require_admin("issue tokens for another user")
    with ledger.uow(actor) as uow:
        user = get(uow.session, User, user_id)
        if not user.active:
            raise RuleViolation(
                "This user is inactive; reactivate them before issuing a token.",
                code="user_inactive",
            )
        token, row = _new_token(actor.firm_id, user.id, cmd.label, cmd.expires_in_days)
        uow.session.add(row)
        uow.flush()
        audit(
            uow.session,
            actor,
            "user",
            user.id,
            "issue_token",
            {"prefix": row.prefix, "expires_at": row.expires_at.isoformat()},
        )
        uow.commit()
        return IssuedToken(token, row)


def list_tokens(ledger: Ledger, actor: Actor, user_id: int | None = None) -> list[ApiToken]:
    """A user's tokens, newest first (one's own; an administrator may ask for anyone's)."""
    whose = actor.user_id if user_id is None else user_id
    if whose is None:
        raise InvalidInput("Name the user whose tokens to list.", field="user_id")
    if whose != actor.user_id:
        actor.require_admin("list another user's tokens")
    with ledger.uow(actor) as uow:
        get(uow.session, User, whose, field="user_id")
        rows = uow.session.execute(
            select(ApiToken).where(ApiToken.user_id == whose).order_by(ApiToken.id.desc())
        ).scalars()
        return list(rows)


def revoke_token(ledger: Ledger, actor: Actor, token_id: int) -> ApiToken:
    """Revoke one token (one's own; an administrator may revoke anyone's); again is harmless."""
    with ledger.uow(actor) as uow:
        row = get(uow.session, ApiToken, token_id)
        if row.user_id != actor.user_id:
            actor.require_admin("revoke another user's token")
        if row.revoked_at is None:
            row.revoked_at = utcnow()
            audit(uow.session, actor, "user", row.user_id, "revoke_token", {"prefix": row.prefix})
        uow.commit()
        return row


def _revoke_all(session: Session, user_id: int) -> None:
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def sign_in(ledger: Ledger, token: str) -> Actor:
    """The actor a bearer token stands for; `TokenRefused` says why it does not."""
    unknown = TokenRefused("That API token is unknown, revoked, or its user is inactive.")
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        raise unknown
    with ledger.uow(None) as uow:
        row = uow.session.execute(
            select(ApiToken.firm_id, ApiToken.expires_at, User.id, User.role, User.active)
            .join(User, User.id == ApiToken.user_id)
            .where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None))
        ).one_or_none()
    if row is None or not row.active:
        raise unknown
    if row.expires_at <= utcnow():
        raise TokenRefused(
            f"That API token expired on {row.expires_at.date().isoformat()}; "
            "ask for a new one (POST /api/v1/tokens with a token that still works, or an "
            "administrator).",
            code="token_expired",
        )
    return Actor(row.firm_id, row.id, Role(row.role))


def authenticate(ledger: Ledger, token: str) -> Actor | None:
    """The actor a bearer token stands for, or None for an unknown, revoked, expired or inactive
    one."""
    try:
        return sign_in(ledger, token)
    except TokenRefused:
        return None


def get_firm(ledger: Ledger, actor: Actor) -> Firm:
    with ledger.uow(actor) as uow:
        return get(uow.session, Firm, actor.firm_id)


FIRM_FIELDS = (
    "name",
    "currency",
    "locale",
    "time_zone",
    "matter_number_pattern",
    "next_matter_number",
    "trust_rules",
    "dormant_months",
    "deposit_hold_days",
    "stale_cheque_months",
)


def update_firm(ledger: Ledger, actor: Actor, cmd: FirmUpdate) -> Firm:
    actor.require_admin("change the firm's settings")
    with ledger.uow(actor) as uow:
        firm = get(uow.session, Firm, actor.firm_id)
        before = snapshot(firm, FIRM_FIELDS)
        for key, value in cmd.model_dump(exclude_none=True).items():
            setattr(firm, key, value)
        uow.flush()
        audit(
            uow.session, actor, "firm", firm.id, "update", diff(before, snapshot(firm, FIRM_FIELDS))
        )
        uow.commit()
        return firm


def create_user(ledger: Ledger, actor: Actor, cmd: UserCreate) -> User:
    actor.require_admin("add users")
    with ledger.uow(actor) as uow:
        email = cmd.email.lower()
        _check_email_free(uow.session, email, None)
        user = User(
            firm_id=actor.firm_id,
            name=cmd.name,
            email=email,
            role=cmd.role,
            default_rate=cmd.default_rate,
        )
        uow.session.add(user)
        uow.flush()
        audit(uow.session, actor, "user", user.id, "create", snapshot(user, USER_FIELDS))
        uow.commit()
        return user


def _check_email_free(session: Session, email: str, user_id: int | None) -> None:
    taken = session.execute(
        select(User.id).where(func.lower(User.email) == email, User.id != (user_id or 0))
    ).first()
    if taken:
        raise Duplicate(f"Another user already uses {email}.", field="email")


def update_user(ledger: Ledger, actor: Actor, user_id: int, cmd: UserUpdate) -> User:
    if user_id != actor.user_id or cmd.role is not None or cmd.is_primary_subscriber is not None:
        actor.require_admin("change another user, a role or the primary subscriber")
    with ledger.uow(actor) as uow:
        user = get(uow.session, User, user_id)
        before = snapshot(user, USER_FIELDS)
        if cmd.email is not None:
            _check_email_free(uow.session, cmd.email.lower(), user.id)
            user.email = cmd.email.lower()
        if cmd.name is not None:
            user.name = cmd.name
        if cmd.default_rate is not None:
            user.default_rate = cmd.default_rate
        if cmd.role is not None:
            if user.is_primary_subscriber and cmd.role != Role.admin:
                raise RuleViolation(
                    "The primary subscriber must stay an administrator; make someone else the "
                    "primary subscriber first.",
                    field="role",
                )
            user.role = cmd.role
        if cmd.active is not None:
            if user.is_primary_subscriber and not cmd.active:
                raise RuleViolation(
                    "The primary subscriber cannot be deactivated; make someone else the "
                    "primary subscriber first.",
                    field="active",
                )
            if user.active and not cmd.active:
                # Dead for good: reactivating the user later does not bring old tokens back.
                _revoke_all(uow.session, user.id)
            user.active = cmd.active
        if cmd.is_primary_subscriber is False and user.is_primary_subscriber:
            raise RuleViolation(
                "A firm always has one primary subscriber: name the new one instead.",
                field="is_primary_subscriber",
            )
        if cmd.is_primary_subscriber and not user.is_primary_subscriber:
            if user.role != Role.admin or not user.active:
                raise RuleViolation(
                    "Only an active administrator can be the primary subscriber.",
                    field="is_primary_subscriber",
                )
            uow.session.execute(
                update(User)
                .where(User.is_primary_subscriber.is_(True), User.id != user.id)
                .values(is_primary_subscriber=False, revision=User.revision + 1)
                .execution_options(synchronize_session=False)
            )
            uow.flush()
            user.is_primary_subscriber = True
        uow.flush()
        audit(
            uow.session, actor, "user", user.id, "update", diff(before, snapshot(user, USER_FIELDS))
        )
        uow.commit()
        return user


def list_users(ledger: Ledger, actor: Actor, cursor: int | None, limit: int) -> Page:
    return list_page(ledger, actor, User, cursor, limit)


def get_user(ledger: Ledger, actor: Actor, user_id: int) -> User:
    return fetch(ledger, actor, User, user_id)


def primary_subscriber(ledger: Ledger, actor: Actor) -> User:
    with ledger.uow(actor) as uow:
        return uow.session.execute(
            select(User).where(User.is_primary_subscriber.is_(True))
        ).scalar_one()


def list_audit_events(
    ledger: Ledger,
    actor: Actor,
    cursor: int | None,
    limit: int,
    entity: str | None = None,
    entity_id: int | None = None,
) -> Page:
    """The firm's audit trail, oldest first: who changed what, when, and why."""
    actor.require_admin("read the audit trail")
    criteria = matching(AuditEvent, entity=entity, entity_id=entity_id)
    return list_page(ledger, actor, AuditEvent, cursor, limit, *criteria)
