"""Signing in to the web app with an email and a password, and the browser sessions it opens.

    set_password(ledger, actor, user_id, "a long passphrase")
    opened = open_session(ledger, "ann@firm.example", "a long passphrase")   # or SignInRefused
    signed_in = session_for(ledger, opened.token)                          # None once it ended
    close_session(ledger, opened.token)

Passwords are kept as argon2id hashes (argon2-cffi, its recommended parameters unless the
Ledger is given others, as the tests give cheap ones); a hash made with older parameters is
replaced at the next sign-in. A session's token lives only in the
browser's cookie; the database keeps its SHA-256 and the session's CSRF token. A session ends
14 days after sign-in, after 12 hours without a request, or at sign-out.

An email may belong to users of several firms: the password picks the account, and when one
password opens several, the caller asks which firm (`ChooseFirm`).
"""

from __future__ import annotations

import datetime as dt
import secrets
from contextlib import suppress
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from lawsync.errors import Unauthenticated
from lawsync.localization import Formats
from lawsync.practice.errors import InvalidInput, PracticeError
from lawsync.practice.models import BrowserSession, Credential, Firm, Role, User
from lawsync.practice.services.context import Actor, Ledger, audit, get
from lawsync.practice.services.firms import hash_token
from lawsync.storage import utcnow

MIN_PASSWORD, MAX_PASSWORD = 10, 200
LIFETIME = dt.timedelta(days=14)
IDLE = dt.timedelta(hours=12)
SEEN_EVERY = dt.timedelta(minutes=5)  # how often a session's last request is written down
COOKIE_PREFIX = "lss_"


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """Verifying against this when no account matches takes as long as a real check."""
    return hasher.hash(secrets.token_urlsafe(16))


class SignInRefused(Unauthenticated, PracticeError):
    """Wrong email or password (which of the two is not said)."""

    code = "sign_in_refused"


@dataclass(frozen=True)
class ChooseFirm(Exception):
    """One password opens accounts in several firms: which one?"""

    firms: tuple[tuple[int, str], ...]  # (firm id, firm name)


@dataclass(frozen=True)
class SignedIn:
    actor: Actor
    name: str
    email: str
    firm_name: str
    csrf_token: str
    # The firm's locale, currency and time zone: how its pages write money, dates and times.
    formats: Formats


@dataclass(frozen=True)
class OpenedSession:
    token: str  # for the cookie; never stored
    signed_in: SignedIn


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(
            f"A password needs at least {MIN_PASSWORD} characters.", field="password"
        )
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(f"A password has at most {MAX_PASSWORD} characters.", field="password")


def set_password(ledger: Ledger, actor: Actor, user_id: int, password: str) -> None:
    """Set a user's password (the user themself, or an administrator); it ends every browser
    session the user had open."""
    if actor.user_id != user_id:
        actor.require_admin("set another user's password")
    check_password(password)
    with ledger.uow(actor) as uow:
        s = uow.session
        user = get(s, User, user_id)
        row = s.get(Credential, user.id)
        if row is None:
            row = Credential(firm_id=user.firm_id, user_id=user.id, password_hash="")
            s.add(row)
        row.password_hash, row.changed_at = ledger.password_hasher.hash(password), utcnow()
        _end_sessions(s, user.id)
        audit(s, actor, "user", user.id, "set_password")
        uow.commit()


def users_with_email(ledger: Ledger, email: str) -> list[User]:
    """Every active user with this email, in any firm (for the command line)."""
    with ledger.uow(None) as uow:
        return list(
            uow.session.execute(
                select(User).where(func.lower(User.email) == email.strip().lower(), User.active)
            ).scalars()
        )


def _accounts(ledger: Ledger, email: str, password: str) -> list[tuple[User, str, Credential]]:
    """The active users with this email whose password this is, with their firm's name."""
    with ledger.uow(None) as uow:
        rows = uow.session.execute(
            select(User, Firm.name, Credential)
            .join(Firm, Firm.id == User.firm_id)
            .join(Credential, Credential.user_id == User.id)
            .where(func.lower(User.email) == email.strip().lower(), User.active)
        ).all()
        hasher = ledger.password_hasher
        matched = []
        for user, firm_name, credential in rows:
            try:
                hasher.verify(credential.password_hash, password)
            except (VerificationError, InvalidHashError):
                continue
            if hasher.check_needs_rehash(credential.password_hash):
                credential.password_hash = hasher.hash(password)
            matched.append((user, firm_name, credential))
        uow.commit()
    if not rows:  # as long as a real check, so timing does not tell which emails exist
        with suppress(VerificationError):
            hasher.verify(_dummy_hash(hasher), password)
    return matched


def open_session(
    ledger: Ledger, email: str, password: str, firm_id: int | None = None
) -> OpenedSession:
    """Sign in: a new browser session for the account this email and password open."""
    matched = _accounts(ledger, email, password[:MAX_PASSWORD])
    if firm_id is not None:
        matched = [m for m in matched if m[0].firm_id == firm_id]
    if not matched:
        raise SignInRefused("That email and password do not match an account.")
    if len(matched) > 1:
        raise ChooseFirm(tuple(sorted((u.firm_id, name) for u, name, _ in matched)))
    user, firm_name, _ = matched[0]
    token = COOKIE_PREFIX + secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = utcnow()
    with ledger.uow(user.firm_id) as uow:
        uow.session.add(
            BrowserSession(
                firm_id=user.firm_id,
                user_id=user.id,
                token_hash=hash_token(token),
                csrf_token=csrf,
                created_at=now,
                last_seen_at=now,
                expires_at=now + LIFETIME,
            )
        )
        actor = Actor(user.firm_id, user.id, Role(user.role))
        audit(uow.session, actor, "user", user.id, "sign_in")
        formats = _formats(get(uow.session, Firm, user.firm_id))
        uow.commit()
    return OpenedSession(token, SignedIn(actor, user.name, user.email, firm_name, csrf, formats))


def session_for(ledger: Ledger, token: str) -> SignedIn | None:
    """Who a session cookie signs in, or None (unknown, ended, expired, idle, inactive user)."""
    if not token.startswith(COOKIE_PREFIX) or len(token) > 100:
        return None
    now = utcnow()
    with ledger.uow(None) as uow:
        row = uow.session.execute(
            select(BrowserSession, User, Firm)
            .join(User, User.id == BrowserSession.user_id)
            .join(Firm, Firm.id == BrowserSession.firm_id)
            .where(BrowserSession.token_hash == hash_token(token))
        ).one_or_none()
        if row is None:
            return None
        browser, user, firm = row
        if (
            browser.ended_at is not None
            or browser.expires_at <= now
            or browser.last_seen_at + IDLE <= now
            or not user.active
        ):
            return None
        if now - browser.last_seen_at >= SEEN_EVERY:
            browser.last_seen_at = now
            uow.commit()
        actor = Actor(user.firm_id, user.id, Role(user.role))
        return SignedIn(actor, user.name, user.email, firm.name, browser.csrf_token, _formats(firm))


def _formats(firm: Firm) -> Formats:
    return Formats(firm.locale, firm.currency, firm.time_zone)


def close_session(ledger: Ledger, token: str) -> None:
    """Sign out: the session ends (a token that names none is ignored)."""
    with ledger.uow(None) as uow:
        uow.session.execute(
            update(BrowserSession)
            .where(
                BrowserSession.token_hash == hash_token(token), BrowserSession.ended_at.is_(None)
            )
            .values(ended_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        uow.commit()


def _end_sessions(session: Session, user_id: int) -> None:
    session.execute(
        update(BrowserSession)
        .where(BrowserSession.user_id == user_id, BrowserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def user_by_email(ledger: Ledger, email: str, firm_id: int | None) -> User:
    """The one active user with this email (in this firm, when given), for the command line."""
    users = [u for u in users_with_email(ledger, email) if firm_id in (None, u.firm_id)]
    if not users:
        raise InvalidInput(f"No active user has the email {email}.", field="email")
    if len(users) > 1:
        firms = ", ".join(str(u.firm_id) for u in users)
        raise InvalidInput(
            f"{email} is a user of several firms ({firms}): say which with --firm.", field="firm"
        )
    return users[0]
