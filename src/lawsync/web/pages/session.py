"""Who is signed in to a page, the CSRF check on every form, and the sign-in rate limit.

The session cookie (`lawsync_session`) is HttpOnly, SameSite=Lax, and Secure unless lawsync runs
against its own sandbox on plain HTTP (`LAWSYNC_QBO_ENV=local`). Every state-changing request
from a page carries the session's CSRF token, as the form field `csrf_token` or, from htmx, the
header `X-CSRF-Token`; one without it is refused (403) before anything happens.
"""

from __future__ import annotations

import hmac
import time
from collections import defaultdict, deque
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request

from lawsync.config import Settings
from lawsync.errors import Forbidden, LawsyncError
from lawsync.practice.services.context import Actor, Ledger
from lawsync.practice.services.sign_in import SignedIn, session_for

COOKIE = "lawsync_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


class NeedsSignIn(LawsyncError):
    """A page asked for without a live session: the browser goes to /login (and back after)."""

    code = "sign_in_needed"

    def __init__(self, next_path: str) -> None:
        super().__init__("Sign in to see this page.")
        self.next_path = next_path


def login_url(next_path: str) -> str:
    return "/login" if next_path in ("", "/") else f"/login?next={quote(next_path, safe='/')}"


def cookie_secure(settings: Settings) -> bool:
    return settings.qbo_env != "local"


def _ledger(request: Request) -> Ledger:
    ledger: Ledger = request.app.state.ledger
    return ledger


def current(request: Request) -> SignedIn | None:
    """Who the request's session cookie signs in, if anyone (looked up once per request)."""
    if not hasattr(request.state, "signed_in"):
        token = request.cookies.get(COOKIE, "")
        request.state.signed_in = session_for(_ledger(request), token) if token else None
    found: SignedIn | None = request.state.signed_in
    return found


def signed_in(request: Request) -> SignedIn:
    me = current(request)
    if me is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise NeedsSignIn(path if request.method == "GET" else "/")
    return me


async def checked(request: Request, me: Annotated[SignedIn, Depends(signed_in)]) -> SignedIn:
    """A signed-in user's state-changing request, with its CSRF token checked."""
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else ""
    if not hmac.compare_digest(sent.encode(), me.csrf_token.encode()):
        raise Forbidden(
            "This form has expired or did not come from lawsync; reload the page and try again.",
            code="csrf_refused",
        )
    return me


Me = Annotated[SignedIn, Depends(signed_in)]
Checked = Annotated[SignedIn, Depends(checked)]


def actor(me: SignedIn) -> Actor:
    return me.actor


class SignInLimit:
    """At most `per_email` failed sign-ins per email and `per_client` per address in
    `window` seconds; past that, sign-in is refused without checking the password.

    Kept in the server's memory: each process counts on its own, and a restart forgets.
    """

    def __init__(self, per_email: int = 5, per_client: int = 50, window: float = 900.0) -> None:
        self.per_email, self.per_client, self.window = per_email, per_client, window
        self._failures: defaultdict[str, deque[float]] = defaultdict(deque)

    def _recent(self, key: str, now: float) -> deque[float]:
        seen = self._failures[key]
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        return seen

    def wait_seconds(self, email: str, client: str) -> int:
        """0 when a sign-in may be tried now, else how long until one may."""
        now = time.monotonic()
        waits = []
        for key, most in ((f"e:{email.lower()}", self.per_email), (f"c:{client}", self.per_client)):
            seen = self._recent(key, now)
            if len(seen) >= most:
                waits.append(int(seen[0] + self.window - now) + 1)
        return max(waits, default=0)

    def failed(self, email: str, client: str) -> None:
        now = time.monotonic()
        for key in (f"e:{email.lower()}", f"c:{client}"):
            self._recent(key, now).append(now)

    def succeeded(self, email: str) -> None:
        self._failures.pop(f"e:{email.lower()}", None)
