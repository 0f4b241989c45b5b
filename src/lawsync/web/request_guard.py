"""The gate every request passes before routing and before any token is looked at.

An ASGI middleware, so it sees the bytes as they arrive:

- a body is limited on the bytes actually received (a ``Content-Length`` that says more is
  refused at once; a chunked body is cut off the moment it passes the limit);
- under ``/api/`` a body must be UTF-8 JSON with no NaN or Infinity, nested at most 64 deep;
  when the request carries a token, also with no key given twice and no control characters in
  any key or string (without one, the route answers 401 first); the query string must be UTF-8
  and free of control characters too.

What passes is handed on unchanged, so the routes parse exactly the bytes checked here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lawsync.practice.fields import control_character

MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64
MAX_NUMBER_DIGITS = 40
JSON_PREFIX = "/api/"
# Routes that take no token: their input is checked in full for everyone.
OPEN_PATHS = frozenset({"/api/v1/quickbooks/callback"})


class Refusal(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise Refusal(
                    422, "malformed_json", f'The key "{key}" appears twice in one object.', key
                )
            seen.add(key)
    return found


def _refuse_constant(name: str) -> Any:
    raise Refusal(400, "malformed_json", f"{name} is not a JSON number.")


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise Refusal(422, "invalid", "A number in the body has too many digits.")
    return int(text)


def _bounded_float(text: str) -> float:
    if len(text) > MAX_NUMBER_DIGITS * 2:
        raise Refusal(422, "invalid", "A number in the body has too many digits.")
    return float(text)


def _path(parts: tuple[str | int, ...]) -> str | None:
    return ".".join(str(p) for p in parts) or None


# A control character spelled as a JSON escape (paired surrogates are fine, and are sorted out
# by the walk below, which this only decides to run).
_ESCAPED_CONTROL = re.compile(r"\\u(00[01][0-9a-fA-F]|007[fF]|00[89][0-9a-fA-F]|[dD][89a-fA-F])")
# Raw in the text: JSON itself refuses raw C0 controls in strings, and UTF-8 cannot carry a
# surrogate, so DEL and the C1 controls are all that can be left.
_RAW_CONTROL = re.compile("[\x7f-\x9f]")


def check_depth(value: Any) -> None:
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise Refusal(400, "malformed_json", f"The body is nested more than {MAX_DEPTH} deep.")
        if isinstance(node, dict):
            stack.extend(
                (item, depth + 1) for item in node.values() if isinstance(item, dict | list)
            )
        elif isinstance(node, list):
            stack.extend((item, depth + 1) for item in node if isinstance(item, dict | list))


def check_tree(value: Any) -> None:
    """Every key and string of a parsed body, walked without recursion, naming the one at fault."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, ())]
    while stack:
        node, where = stack.pop()
        if isinstance(node, str):
            _check_text(node, _path(where))
        elif isinstance(node, dict):
            for key, item in node.items():
                _check_text(key, _path((*where, key)))
                stack.append((item, (*where, key)))
        elif isinstance(node, list):
            stack.extend((item, (*where, i)) for i, item in enumerate(node))


def _check_text(text: str, field: str | None) -> None:
    char = control_character(text)
    if char is not None:
        where = f"{field}: " if field else ""
        raise Refusal(
            422,
            "invalid",
            f"{where}control characters are not allowed in text (found U+{ord(char):04X}).",
            field,
        )


def parse_body(body: bytes, *, check_content: bool = True) -> Any:
    """The body as JSON, or a Refusal saying what is wrong with it.

    ``check_content`` off checks only that it is JSON text (for a request that will be refused
    for its missing token anyway: it is told that first).
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refusal(400, "malformed_json", "The request body is not UTF-8 text.") from exc
    try:
        value = json.loads(
            text,
            object_pairs_hook=_no_duplicates if check_content else None,
            parse_constant=_refuse_constant,
            parse_int=_bounded_int,
            parse_float=_bounded_float,
        )
    except RecursionError as exc:
        raise Refusal(400, "malformed_json", "The body is nested too deeply.") from exc
    except json.JSONDecodeError as exc:
        raise Refusal(400, "malformed_json", "The request body is not valid JSON.") from exc
    if text.count("[") + text.count("{") > MAX_DEPTH:  # fewer brackets cannot nest deeper
        check_depth(value)
    # Most bodies hold no control character at all: a scan of the text says so at C speed.
    if check_content and (_RAW_CONTROL.search(text) or _ESCAPED_CONTROL.search(text)):
        check_tree(value)
    return value


def check_query(raw: bytes) -> None:
    for key, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True, encoding="latin-1"):
        name = _utf8(key, key)
        _check_text(name, name)
        _check_text(_utf8(value, name), name)


def _utf8(text: str, field: str) -> str:
    try:
        return text.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refusal(422, "invalid", f"{field}: the value is not UTF-8 text.", field) from exc


def _has_header(scope: Scope, wanted: bytes) -> bool:
    return any(name == wanted for name, _ in scope.get("headers", []))


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            kind = value.split(b";")[0].strip().lower()
            return kind not in (b"application/x-www-form-urlencoded", b"multipart/form-data")
    return True


class RequestGuard:
    """Wraps the whole application (the mounted sandbox included, for the body limit)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        routes: Callable[[], list[BaseRoute]],
        max_body: int = MAX_BODY_BYTES,
        respond: Callable[[Refusal], ASGIApp],
    ) -> None:
        self.app, self.routes, self.max_body, self.respond = app, routes, max_body, respond

    def _routed(self, scope: Scope) -> bool:
        """Whether a route takes this method at this path (if not, routing answers 404/405)."""
        return any(route.matches(scope)[0] == Match.FULL for route in self.routes())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            body, more = await self._read(scope, receive)
            if scope["path"].startswith(JSON_PREFIX) and self._routed(scope):
                signed_in = _has_header(scope, b"authorization") or scope["path"] in OPEN_PATHS
                if signed_in:
                    check_query(scope.get("query_string", b""))
                if body and _is_json(scope):
                    parse_body(body, check_content=signed_in)
        except Refusal as refusal:
            await self.respond(refusal)(scope, receive, send)
            return
        await self.app(scope, _replay(body, more, receive), send)

    async def _read(self, scope: Scope, receive: Receive) -> tuple[bytes, bool]:
        too_large = Refusal(
            413, "too_large", f"Request bodies are limited to {self.max_body} bytes."
        )
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.max_body:
                raise too_large
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return b"".join(chunks), False
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise too_large
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), True


def _replay(body: bytes, connected: bool, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            if connected:
                return {"type": "http.request", "body": body, "more_body": False}
            return {"type": "http.disconnect"}
        return await receive()

    return replay
