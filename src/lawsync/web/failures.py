"""A request that fails unexpectedly answers 500 in the API's shape and logs a request id.

This sits inside Starlette's own error middleware, so the exception never reaches it or the
server's logger (uvicorn would print the whole traceback, with the exception's message, which can
quote client names and amounts). The log line has the method, the path (ids only; never the
query string or the body) and `failures_log.describe` of the exception.
"""

from __future__ import annotations

import json
import logging
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lawsync.failures_log import describe

log = logging.getLogger("lawsync.web")


class UnexpectedFailures:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as error:
            request_id = uuid.uuid4().hex[:16]
            log.error(
                "request %s: %s %s failed: %s",
                request_id,
                scope.get("method", ""),
                scope.get("path", ""),
                describe(error),
            )
            if not started:
                await _answer(send, request_id)


async def _answer(send: Send, request_id: str) -> None:
    body = json.dumps(
        {
            "error": {
                "code": "internal_error",
                "message": "Something went wrong on our side and nothing was changed; quote "
                f"request {request_id} when reporting it.",
                "field": None,
            }
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 500,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"x-request-id", request_id.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
