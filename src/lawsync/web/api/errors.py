"""Every refusal leaves the API in one shape: {"error": {"code", "message", "field"}}.

The HTTP status of a lawsync error is chosen here, by its family (`lawsync.errors`), and only here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from lawsync.errors import (
    Forbidden,
    InvalidInput,
    LawsyncError,
    NotFound,
    RuleViolation,
    Unauthenticated,
    Unavailable,
)

STATUS_OF_FAMILY: dict[type[LawsyncError], int] = {
    Unauthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    RuleViolation: 409,
    InvalidInput: 422,
    Unavailable: 503,
    LawsyncError: 400,  # a refusal in none of the families
}


def http_status(error: LawsyncError) -> int:
    """The status of the error's nearest family (its own class first, then its bases in order)."""
    return next(STATUS_OF_FAMILY[c] for c in type(error).__mro__ if c in STATUS_OF_FAMILY)


def error_body(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "field": field}}


def _field(loc: Any, body: Any = None) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    # A body told apart by its "kind" reports the kind first ("deposit.amount"); drop it.
    if parts and isinstance(body, dict) and parts[0] == body.get("kind"):
        parts = parts[1:]
    # pydantic names the failing branch of a union (e.g. "function-after[...]"); drop those.
    parts = [p for p in parts if "[" not in p and not p.startswith("function-")]
    return ".".join(parts) or None


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (each method is a route of its own)."""
    routes = request.app.router.routes
    return [
        method
        for method in METHODS
        if any(r.matches({**request.scope, "method": method})[0] == Match.FULL for r in routes)
    ]


PageError = Callable[[Request, int, str, str], Response]  # request, status, code, message


def wants_page(request: Request) -> bool:
    """A browser's page (not the JSON API): an HTML page answers its refusals."""
    if request.url.path.startswith("/api/"):
        return False
    return "text/html" in request.headers.get("accept", "") or "hx-request" in request.headers


def install(app: FastAPI, page: PageError | None = None) -> None:
    """The API's refusals as JSON; with ``page``, a browser's pages get theirs as HTML."""

    @app.exception_handler(LawsyncError)
    async def _refused(request: Request, exc: LawsyncError) -> Response:
        if page is not None and wants_page(request):
            return page(request, http_status(exc), exc.code, exc.message)
        return JSONResponse(error_body(exc.code, exc.message, exc.field), http_status(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        first = errors[0] if errors else {"type": "invalid", "msg": "Invalid request", "loc": ()}
        if page is not None and wants_page(request):
            if first.get("loc", ("",))[0] == "path":
                return page(request, 404, "not_found", "No such record in this firm.")
            message = str(first.get("msg", "Invalid value")).removeprefix("Value error, ")
            return page(request, 422, "invalid", message)
        if first.get("type") == "json_invalid":
            return JSONResponse(
                error_body("malformed_json", "The request body is not valid JSON."), 400
            )
        loc = first.get("loc", ())
        if loc and loc[0] == "path":
            # /bills/abc or /bills/99999999999999999999 names no record, like /bills/123456.
            return JSONResponse(error_body("not_found", "No such record in this firm."), 404)
        field = _field(loc, exc.body)
        message = str(first.get("msg", "Invalid value")).removeprefix("Value error, ")
        if field:
            message = f"{field}: {message}"
        if len(errors) > 1:
            message += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
        return JSONResponse(error_body("invalid", message, field), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(
            exc.status_code, "http_error"
        )
        if page is not None and wants_page(request) and exc.status_code != 405:
            return page(request, exc.status_code, code, str(exc.detail))
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed_methods(request))
        return JSONResponse(error_body(code, str(exc.detail)), exc.status_code, headers=headers)

    @app.exception_handler(StaleDataError)
    async def _stale(_: Request, exc: StaleDataError) -> JSONResponse:
        return JSONResponse(
            error_body("conflict", "Someone changed this record at the same time; try again."), 409
        )

    @app.exception_handler(IntegrityError)
    async def _integrity(_: Request, exc: IntegrityError) -> JSONResponse:
        return JSONResponse(
            error_body("conflict", "The change clashes with another record (a duplicate?)."), 409
        )
