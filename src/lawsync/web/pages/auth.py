"""Signing in and out of the web app."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lawsync.practice.services import sign_in
from lawsync.web.pages import session
from lawsync.web.pages.render import render

router = APIRouter(include_in_schema=False)


def _next(target: str) -> str:
    """Only a path of this site (never another site) to go to after signing in."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> Response:
    if session.current(request) is not None:
        return RedirectResponse(_next(next), 303)
    return render(request, "login.html", next=_next(next), email="", error="", firms=())


@router.post("/login", response_class=HTMLResponse)
async def login(
    request: Request,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=400)] = "",
    firm: Annotated[int | None, Form()] = None,
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    client = request.client.host if request.client else "?"
    shown: dict[str, Any] = {"next": _next(next), "email": email, "firms": ()}
    limit: session.SignInLimit = request.app.state.sign_in_limit
    wait = limit.wait_seconds(email, client)
    if wait:
        minutes = max(1, round(wait / 60))
        error = f"Too many failed sign-ins. Try again in about {minutes} minute(s)."
        response = render(request, "login.html", 429, error=error, **shown)
        response.headers["Retry-After"] = str(wait)
        return response
    ledger = request.app.state.ledger
    try:
        opened = await asyncio.to_thread(sign_in.open_session, ledger, email, password, firm)
    except sign_in.SignInRefused as refused:
        limit.failed(email, client)
        return render(request, "login.html", 401, error=refused.message, **shown)
    except sign_in.ChooseFirm as choose:
        shown["firms"] = choose.firms
        return render(request, "login.html", 200, error="", **shown)
    limit.succeeded(email)
    done = RedirectResponse(_next(next), 303)
    done.set_cookie(
        session.COOKIE,
        opened.token,
        max_age=int(sign_in.LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=session.cookie_secure(request.app.state.settings),
        path="/",
    )
    return done


@router.post("/logout")
def logout(request: Request, me: session.Checked) -> Response:
    sign_in.close_session(request.app.state.ledger, request.cookies.get(session.COOKIE, ""))
    response = RedirectResponse("/login", 303)
    response.delete_cookie(session.COOKIE, path="/")
    return response
