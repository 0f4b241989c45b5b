"""The web app a firm's bookkeeper works in: server-rendered pages, made live with htmx.

Every page calls the same services and engine as the JSON API (`lawsync.web.api`); none writes
a rule of its own. Pages are signed in with a session cookie (`session`), and each form carries
the session's CSRF token.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from lawsync.web.pages import (
    adjustments,
    auth,
    bills,
    client_funds,
    contacts,
    dashboard,
    entries,
    failures,
    firm_settings,
    matters,
    payments,
    pickers,
    preview,
    quickbooks,
    record_copy,
    reports,
    trust_ledger,
    trust_records,
)
from lawsync.web.pages.render import render
from lawsync.web.pages.session import NeedsSignIn, SignInLimit, current, login_url

TITLES = {401: "Sign in needed", 403: "Not allowed", 404: "Not found", 409: "Not possible now"}


def error_page(request: Request, status: int, code: str, message: str) -> Response:
    current(request)  # the navigation shows who is signed in, if anyone
    title = TITLES.get(status, "Something is not right")
    return render(request, "error.html", status, title=title, code=code, message=message)


def install(app: FastAPI) -> None:
    app.state.sign_in_limit = SignInLimit()

    @app.exception_handler(NeedsSignIn)
    async def _sign_in(request: Request, exc: NeedsSignIn) -> Response:
        if "hx-request" in request.headers:  # htmx follows this header, not a redirect
            return Response(status_code=401, headers={"HX-Redirect": login_url(exc.next_path)})
        return RedirectResponse(login_url(exc.next_path), 303)

    pages = (auth, dashboard, firm_settings, quickbooks, failures, preview, record_copy)
    # The trust ledger's fixed paths (/client-funds/transfers…) before an account's own.
    practice = (
        contacts,
        matters,
        entries,
        bills,
        payments,
        adjustments,
        trust_ledger,
        client_funds,
        reports,
        trust_records,
    )
    for module in (*pages, *practice, pickers):
        app.include_router(module.router)
