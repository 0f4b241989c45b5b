"""Errors raised by the QuickBooks client, and the one function that reads every fault shape.

QBO answers failures in at least six shapes: the entity layer's capitalised ``Fault``, the
gateway's lowercase ``fault`` (JSON or XML), an ``IntuitResponse`` XML document, an HTML or
empty body from the load balancer, a ``Fault`` inside an HTTP 200, and the OAuth endpoint's flat
``{"error": ...}``. ``parse_fault`` turns all of them into one exception class, and the class is
the one place that says what a fault means: callers branch on classes (``except
StaleObjectError``), never on code strings.

Exception tree::

    QuickBooksError                 every failure; its family says what the caller should do
    ├── TransientError              retrying later may succeed (the client already retried)
    │   ├── ThrottledError          HTTP 429 / code 3001
    │   ├── ServerError             HTTP 5xx, SystemFault 10000, maintenance (150)
    │   └── NetworkError            connection refused/reset, DNS, broken body
    │       └── RequestTimeoutError no answer within the time allowed
    ├── ReconnectNeededError        nothing goes through until a person acts on the connection
    │   ├── AuthenticationError     HTTP 401 on a data call (the client refreshes once first)
    │   └── CompanyInactiveError    6190: the company's subscription ended; it takes no changes
    └── PermanentError              the request itself is wrong; retrying will not help
        ├── ValidationError         business and format rules (2xxx, 6xxx, 4xxx query errors)
        │   ├── StaleObjectError    5010: the SyncToken is not current
        │   ├── ObjectNotFoundError 610, or HTTP 404
        │   └── DuplicateError      6240 names, 6140 doc numbers, 630 objects
        ├── OAuthError              token endpoint refused us for a reason a person must fix
        │   └── StateMismatchError  the OAuth callback's state is not the one we issued
        └── ConfigurationError      lawsync is configured wrongly (missing key, bad version)
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from xml.etree import ElementTree

__all__ = [
    "AuthenticationError",
    "CompanyInactiveError",
    "ConfigurationError",
    "DuplicateError",
    "FaultDetail",
    "NetworkError",
    "OAuthError",
    "ObjectNotFoundError",
    "PermanentError",
    "QuickBooksError",
    "ReconnectNeededError",
    "RequestTimeoutError",
    "ServerError",
    "StaleObjectError",
    "StateMismatchError",
    "ThrottledError",
    "TransientError",
    "ValidationError",
    "parse_fault",
    "parse_oauth_error",
]


@dataclass(frozen=True, slots=True)
class FaultDetail:
    """One entry of a fault's error list, as QBO sent it."""

    code: str
    message: str
    detail: str = ""
    element: str = ""


class QuickBooksError(Exception):
    """Base of every client error; prints the request and QBO's transaction id."""

    def __init__(
        self,
        message: str,
        *,
        http_status: int | None = None,
        code: str = "",
        detail: str = "",
        element: str = "",
        fault_type: str = "",
        intuit_tid: str | None = None,
        errors: tuple[FaultDetail, ...] = (),
        request: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = http_status
        self.code = code
        self.detail = detail
        self.element = element
        self.fault_type = fault_type
        self.intuit_tid = intuit_tid
        self.errors = errors
        self.request = request
        self.retry_after = retry_after

    def __str__(self) -> str:
        parts = [f"[{self.code}]" if self.code else "", self.message]
        if self.detail and self.detail != self.message:
            parts.append(f"- {self.detail}")
        if self.element:
            parts.append(f"(element {self.element})")
        tail = []
        if self.http_status is not None:
            tail.append(f"HTTP {self.http_status}")
        if self.request:
            tail.append(self.request)
        if self.intuit_tid:
            tail.append(f"intuit_tid={self.intuit_tid}")
        text = " ".join(p for p in parts if p)
        return f"{text} [{'; '.join(tail)}]" if tail else text


class TransientError(QuickBooksError):
    """Retrying later may succeed; raised only once the client's own retries ran out."""


class ThrottledError(TransientError):
    """QBO refused the call because a rate limit was reached (HTTP 429, code 3001)."""


class ServerError(TransientError):
    """QBO or its gateway failed (HTTP 5xx, SystemFault 10000, company under maintenance)."""


class NetworkError(TransientError):
    """The request did not complete at the network level.

    ``sent`` is False when the connection was never made, so even a write without a requestid
    cannot have reached QBO.
    """

    sent: bool = True


class RequestTimeoutError(NetworkError):
    """No answer arrived within the time allowed; a write may or may not have happened."""


class ReconnectNeededError(QuickBooksError):
    """Only a person can fix this (dead refresh token, lost rights): every further request to the
    company would fail the same way, so a sync pauses until the connection is fixed."""


class AuthenticationError(ReconnectNeededError):
    """HTTP 401 on a data call; the client refreshes the access token once before raising."""


class CompanyInactiveError(ReconnectNeededError):
    """Code 6190: the company's subscription ended or is unpaid, so it accepts no changes."""


class PermanentError(QuickBooksError):
    """The request is wrong for this company; retrying the same request will not help."""


class ValidationError(PermanentError):
    """A validation or business rule fault (HTTP 400 and friends)."""


class StaleObjectError(ValidationError):
    """Code 5010: someone changed the object since it was read; read it again."""


class ObjectNotFoundError(ValidationError):
    """Code 610 (or HTTP 404): the object does not exist or was made inactive."""


class DuplicateError(ValidationError):
    """A name (6240), document number (6140) or object (630) is already in use."""


class OAuthError(PermanentError):
    """The token endpoint refused the request for a reason a person must fix (bad client)."""


class StateMismatchError(OAuthError):
    """The OAuth callback carried a state we did not issue: a possible CSRF attempt."""


class ConfigurationError(PermanentError):
    """lawsync's QuickBooks configuration is incomplete or invalid."""


_CODE_CLASSES: dict[str, type[QuickBooksError]] = {
    "3001": ThrottledError,
    "10000": ServerError,
    "150": ServerError,
    "5010": StaleObjectError,
    "610": ObjectNotFoundError,
    "6240": DuplicateError,
    "6140": DuplicateError,
    "630": DuplicateError,
    "120": ReconnectNeededError,
    "3100": ReconnectNeededError,
    "6190": CompanyInactiveError,
}
_GATEWAY_MESSAGE = re.compile(r"message=([^;]+);\s*errorCode=0*(\d+)")
_TITLE = re.compile(rb"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TOKEN_ECHO = re.compile(r"(token expired|malformed bearer token)(:\s*)\S{6,}", re.IGNORECASE)


def redact(text: str) -> str:
    """Drop the token prefix the gateway echoes in 401 details, so errors can be logged."""
    return _TOKEN_ECHO.sub(r"\1\2[redacted]", text) if text else text


def _class_for(status: int, code: str) -> type[QuickBooksError]:
    if status == 429:
        return ThrottledError
    if status == 401:
        return ReconnectNeededError if code == "120" else AuthenticationError
    if status == 403 and code in ("", "3100"):
        return ReconnectNeededError
    cls = _CODE_CLASSES.get(code)
    if cls is not None:
        if issubclass(cls, ReconnectNeededError) and status >= 500:
            return ServerError  # "InternalServerError; errorCode=003100; statusCode=500"
        return cls
    if status >= 500:
        return ServerError
    if status == 404:
        return ObjectNotFoundError
    return ValidationError


def _from_mapping(fault: Mapping[str, object]) -> tuple[str, list[FaultDetail]]:
    """Read ``Fault`` or ``fault`` (any key case) into its type and error list."""
    lowered = {str(k).lower(): v for k, v in fault.items()}
    raw = lowered.get("error") or []
    items = raw if isinstance(raw, list) else [raw]
    errors = []
    for item in items:
        if not isinstance(item, Mapping):
            continue
        e = {str(k).lower(): str(v or "") for k, v in item.items()}
        errors.append(
            _detail(
                message=e.get("message", ""),
                code=e.get("code", ""),
                detail=e.get("detail", ""),
                element=e.get("element", ""),
            )
        )
    return str(lowered.get("type") or ""), errors


def _from_xml(body: bytes) -> tuple[str, list[FaultDetail]] | None:
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return None
    for node in root.iter():
        if node.tag.rsplit("}", 1)[-1].lower() != "fault":
            continue
        errors = []
        for err in node:
            if err.tag.rsplit("}", 1)[-1].lower() != "error":
                continue
            texts = {c.tag.rsplit("}", 1)[-1].lower(): (c.text or "").strip() for c in err}
            attrs = {k.lower(): v for k, v in err.attrib.items()}
            errors.append(
                _detail(
                    message=texts.get("message", ""),
                    code=attrs.get("code", "") or texts.get("code", ""),
                    detail=texts.get("detail", ""),
                    element=attrs.get("element", "") or texts.get("element", ""),
                )
            )
        fault_type = next((v for k, v in node.attrib.items() if k.lower() == "type"), "")
        return fault_type, errors
    return None


def _detail(*, message: str, code: str, detail: str, element: str) -> FaultDetail:
    """One error entry of a fault, as JSON and XML both write it: a gateway message
    (``message=…; errorCode=…``) gives its message, and its code when the entry has none;
    the code loses its leading zeros and the detail any token the gateway echoes."""
    gateway = _GATEWAY_MESSAGE.search(message)
    if gateway:
        message, code = gateway.group(1), code or gateway.group(2)
    return FaultDetail(
        code=code.lstrip("0") or code, message=message, detail=redact(detail), element=element
    )


def find_fault(document: object) -> Mapping[str, object] | None:
    """Return the ``Fault``/``fault`` object of a decoded JSON body, if it has one."""
    if isinstance(document, Mapping):
        fault = document.get("Fault") or document.get("fault")
        if isinstance(fault, Mapping):
            return fault
    return None


def tid_of(headers: Mapping[str, str]) -> str | None:
    """QBO's transaction id header; spelled ``intuit_tid`` or ``Intuit-Tid`` in the wild."""
    return headers.get("intuit_tid") or headers.get("Intuit-Tid") or headers.get("intuit-tid")


def build_error(
    status: int,
    fault_type: str,
    errors: list[FaultDetail],
    *,
    intuit_tid: str | None = None,
    request: str = "",
    retry_after: float | None = None,
    fallback: str = "",
) -> QuickBooksError:
    """Make the exception for a parsed fault: the first error names it, all are kept."""
    first = errors[0] if errors else FaultDetail(code="", message=fallback or f"HTTP {status}")
    cls = _class_for(status, first.code)
    return cls(
        first.message or fallback or f"HTTP {status}",
        http_status=status,
        code=first.code,
        detail=first.detail,
        element=first.element,
        fault_type=fault_type,
        intuit_tid=intuit_tid,
        errors=tuple(errors),
        request=request,
        retry_after=retry_after,
    )


def parse_fault(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    request: str = "",
    document: object = None,
    retry_after: float | None = None,
) -> QuickBooksError:
    """Turn any failed QBO response (or a 200 carrying a Fault) into a ``QuickBooksError``.

    ``document`` is the already-decoded JSON body when the caller has it, to avoid decoding twice.
    """
    tid = tid_of(headers)
    stripped = body.strip()
    if document is None and stripped[:1] in (b"{", b"["):
        try:
            document = json.loads(stripped)
        except ValueError:
            document = None
    fault = find_fault(document)
    if fault is not None:
        fault_type, errors = _from_mapping(fault)
        return build_error(
            status, fault_type, errors, intuit_tid=tid, request=request, retry_after=retry_after
        )
    if isinstance(document, Mapping) and "error" in document:
        return parse_oauth_error(status, document, intuit_tid=tid, request=request)
    if stripped.startswith(b"<") and not stripped[:15].lower().startswith((b"<!doctype", b"<html")):
        parsed = _from_xml(stripped)
        if parsed is not None:
            return build_error(
                status,
                parsed[0],
                parsed[1],
                intuit_tid=tid,
                request=request,
                retry_after=retry_after,
            )
    title = _TITLE.search(stripped)
    if title:
        text = title.group(1).decode("utf-8", "replace").strip()
    elif not stripped:
        text = f"HTTP {status} with an empty body"
    else:
        text = f"HTTP {status}: {stripped[:200].decode('utf-8', 'replace')}"
    return build_error(
        status, "", [], fallback=text, intuit_tid=tid, request=request, retry_after=retry_after
    )


def parse_oauth_error(
    status: int,
    document: Mapping[str, object],
    *,
    intuit_tid: str | None = None,
    request: str = "",
) -> QuickBooksError:
    """Map the token endpoint's flat ``{"error": ...}`` body to an error class.

    ``invalid_grant`` (dead, used or revoked refresh token; user removed from the company) can only
    be fixed by authorizing again; a bad client id or secret is a configuration problem.
    """
    error = str(document.get("error") or "")
    description = str(document.get("error_description") or "")
    reason = str(document.get("x_error_reason") or "")
    cls: type[QuickBooksError]
    if status == 429:
        cls = ThrottledError
    elif status >= 500:
        cls = ServerError
    elif error in ("invalid_grant", "invalid_token", "access_denied"):
        cls = ReconnectNeededError
    else:
        cls = OAuthError
    return cls(
        description or error or f"HTTP {status}",
        http_status=status,
        code=error,
        detail=reason,
        fault_type="OAuth",
        intuit_tid=intuit_tid,
        errors=(FaultDetail(code=error, message=description, detail=reason),),
        request=request,
    )
