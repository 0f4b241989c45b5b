"""The control API's secret: who may set up apps, mint tokens and purge companies.

The control API steers the whole sandbox, so once it can be reached by anyone but the person
running it (embedded in a server, or bound to a non-loopback address) every ``/_sandbox/...``
request must carry the secret in the ``X-Sandbox-Control-Secret`` header. The emulated QBO
surface (``/v3``, OAuth, discovery) is not affected, nor are the control API's own docs.
"""

from __future__ import annotations

import hmac
import ipaddress

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

CONTROL_SECRET_HEADER = "X-Sandbox-Control-Secret"
CONTROL_PREFIX = "/_sandbox"
OPEN_PATHS = frozenset({"/_sandbox/docs", "/_sandbox/redoc", "/_sandbox/openapi.json"})
# The docs pages' own scripts and styles (files shipped in the package; nothing to control).
OPEN_PREFIXES = ("/_sandbox/static/",)


def is_loopback(host: str) -> bool:
    """True when only this machine can reach a server bound to ``host``."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def refusal(presented: str | None, secret: str) -> tuple[int, str] | None:
    """Why a control request is refused (HTTP status and message), or None if it may go on."""
    if presented is None:
        return 401, f"the control API needs its secret in the {CONTROL_SECRET_HEADER} header"
    if not hmac.compare_digest(presented.encode(), secret.encode()):
        return 403, f"the {CONTROL_SECRET_HEADER} header does not hold the control API's secret"
    return None


def _route_path(scope: Scope) -> str:
    """The path below the app's own root, whatever prefix the app is mounted under."""
    path: str = scope["path"]
    root = str(scope.get("root_path", ""))
    if root and path.startswith(root) and path[len(root) : len(root) + 1] in ("", "/"):
        return path[len(root) :]
    return path


def _is_control(path: str) -> bool:
    if path in OPEN_PATHS or path.startswith(OPEN_PREFIXES):
        return False
    return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")


class ControlGuard:
    """Refuse control requests without the secret before anything else looks at them, so an
    unauthenticated caller learns nothing, not even whether its body would have parsed."""

    def __init__(self, app: ASGIApp, secret: str) -> None:
        self.app = app
        self.secret = secret

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_control(_route_path(scope)):
            await self.app(scope, receive, send)
            return
        wanted = CONTROL_SECRET_HEADER.lower().encode()
        presented = next(
            (v.decode("latin-1") for k, v in scope["headers"] if k.lower() == wanted), None
        )
        refused = refusal(presented, self.secret)
        if refused is None:
            await self.app(scope, receive, send)
            return
        status, message = refused
        await JSONResponse({"error": message}, status_code=status)(scope, receive, send)
