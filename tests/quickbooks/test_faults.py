# ruff: noqa: E501  (recorded response bodies stay as served, one piece per line)
"""Every QBO fault shape, served over loopback HTTP and read through the client's whole path.

The bodies are QBO-shaped recordings (capital ``Fault``, the gateway's lowercase ``fault``, XML
``IntuitResponse``, HTML and empty 5xx pages, a Fault inside HTTP 200, OAuth flat errors). A
tiny aiohttp server answers with them, so transport, decoding and parsing all run for real.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import pytest
from aiohttp import web

from lawsync.quickbooks import (
    AsyncQuickBooks,
    AuthenticationError,
    CompanyInactiveError,
    DuplicateError,
    Environment,
    MemoryTokenStore,
    OAuthError,
    ObjectNotFoundError,
    PermanentError,
    QuickBooksConfig,
    QuickBooksError,
    ReconnectNeededError,
    RetryPolicy,
    ServerError,
    StaleObjectError,
    ThrottledError,
    TokenSet,
    TransientError,
    ValidationError,
    parse_fault,
)
from tests.sandbox.sandbox_support import free_port

from .conftest import run

REALM = "4620816365272872140"
JSON = "application/json"
XML = "application/xml"

GATEWAY_401 = (
    '{"warnings":null,"intuitObject":null,"fault":{"error":[{"message":"message=AuthenticationFailed; '
    'errorCode=003200; statusCode=401","detail":"Token expired: eyJlbmMiOiJBMTI4Q0JDLUhTMjU2","code":"3200",'
    '"element":null}],"type":"AUTHENTICATION"},"report":null,"queryResponse":null,"batchItemResponse":[],'
    '"attachableResponse":[],"syncErrorResponse":null,"requestId":null,"time":1764072000123,"status":null,'
    '"cdcresponse":[]}'
)
THROTTLE_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="2026-11-25T05:01:02.345-08:00">'
    '<Fault type="SERVICE"><Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; '
    "statusCode=429</Message><Detail>The request limit was reached.  Try again later</Detail></Error>"
    "</Fault></IntuitResponse>"
)
AUTH_XML = (
    '<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="2026-11-25T05:01:02.345-08:00">'
    '<Fault type="AuthenticationFault"><Error code="100"><Message>General Authentication Error</Message>'
    "<Detail>AuthenticationErrorGeneral: SRV-110-Authentication Failure , statusCode: 401</Detail>"
    "</Error></Fault></IntuitResponse>"
)
LENGTH_XML = (
    '<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="2026-11-25T05:01:02.345-08:00">'
    '<Fault type="ValidationFault"><Error code="2050" element="DocNumber"><Message>String length is '
    "either shorter or longer than supported by specification</Message><Detail>String length specified "
    "does not match the supported length. Min:0 Max:21 supported. Supplied length:30</Detail></Error>"
    "</Fault></IntuitResponse>"
)
NGINX_503 = (
    "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n"
    "<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)


def fault(
    code: str, message: str, detail: str = "", element: str = "", kind: str = "ValidationFault"
) -> str:
    error = {"Message": message, "Detail": detail, "code": code, "element": element}
    return json.dumps(
        {"Fault": {"Error": [error], "type": kind}, "time": "2026-11-25T05:01:02.345-08:00"}
    )


@dataclass(frozen=True)
class Case:
    status: int
    body: str
    content_type: str
    cls: type[QuickBooksError]
    code: str
    message: str
    family: type[QuickBooksError]
    detail: str = ""
    element: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    retry_after: float | None = None


CASES: dict[str, Case] = {
    "duplicate-name": Case(
        400,
        fault(
            "6240",
            "Duplicate Name Exists Error",
            "The name supplied already exists. : Another customer, "
            "vendor or employee is already using this name.",
        ),
        JSON,
        DuplicateError,
        "6240",
        "Duplicate Name Exists Error",
        PermanentError,
        detail="The name supplied already exists. : Another customer, vendor or employee is already using this name.",
    ),
    "stale": Case(
        400,
        fault(
            "5010", "Stale Object Error", "Stale Object Error : You and Ann were working on this"
        ),
        JSON,
        StaleObjectError,
        "5010",
        "Stale Object Error",
        PermanentError,
        detail="Stale Object Error : You and Ann were working on this",
    ),
    "not-found": Case(
        400,
        fault("610", "Object Not Found", "Object Not Found : Another user has deleted this."),
        JSON,
        ObjectNotFoundError,
        "610",
        "Object Not Found",
        PermanentError,
        detail="Object Not Found : Another user has deleted this.",
    ),
    "amount": Case(
        400,
        fault("6070", "Amount calculation incorrect", "Supplied value:1,000", "Line.Amount"),
        JSON,
        ValidationError,
        "6070",
        "Amount calculation incorrect",
        PermanentError,
        detail="Supplied value:1,000",
        element="Line.Amount",
    ),
    "gateway-401": Case(
        401,
        GATEWAY_401,
        JSON,
        AuthenticationError,
        "3200",
        "AuthenticationFailed",
        ReconnectNeededError,
        detail="Token expired: [redacted]",
    ),
    "gateway-403": Case(
        403,
        '{"fault":{"error":[{"message":"message=ApplicationAuthorizationFailed; errorCode=003100; '
        'statusCode=403","detail":"The access token does not have sufficient scope","code":"3100"}],'
        '"type":"SERVICE"},"time":1764072000123}',
        JSON,
        ReconnectNeededError,
        "3100",
        "ApplicationAuthorizationFailed",
        ReconnectNeededError,
        detail="The access token does not have sufficient scope",
    ),
    "gateway-500": Case(
        500,
        '{"fault":{"error":[{"message":"message=InternalServerError; errorCode=003100; statusCode=500",'
        '"detail":null,"code":"3100"}],"type":"SERVICE"},"time":1764072000123}',
        JSON,
        ServerError,
        "3100",
        "InternalServerError",
        TransientError,
    ),
    "throttle-xml": Case(
        429,
        THROTTLE_XML,
        XML,
        ThrottledError,
        "3001",
        "ThrottleExceeded",
        TransientError,
        detail="The request limit was reached.  Try again later",
    ),
    "throttle-retry-after": Case(
        429,
        '{"fault":{"error":[{"message":"message=ThrottleExceeded; errorCode=003001; statusCode=429",'
        '"detail":"The request limit was reached.","code":"3001"}],"type":"SERVICE"},"time":1764072000123}',
        JSON,
        ThrottledError,
        "3001",
        "ThrottleExceeded",
        TransientError,
        detail="The request limit was reached.",
        headers={"Retry-After": "7"},
        retry_after=7.0,
    ),
    "auth-xml": Case(
        401,
        AUTH_XML,
        XML,
        AuthenticationError,
        "100",
        "General Authentication Error",
        ReconnectNeededError,
        detail="AuthenticationErrorGeneral: SRV-110-Authentication Failure , statusCode: 401",
    ),
    "user-disabled": Case(
        401,
        fault(
            "120",
            "Authorization Failure",
            ": -11014-You do not have access to use QuickBooks Online Plus.",
            kind="AuthorizationFault",
        ),
        JSON,
        ReconnectNeededError,
        "120",
        "Authorization Failure",
        ReconnectNeededError,
        detail=": -11014-You do not have access to use QuickBooks Online Plus.",
    ),
    "length-xml": Case(
        400,
        LENGTH_XML,
        XML,
        ValidationError,
        "2050",
        "String length is either shorter or longer than supported by specification",
        PermanentError,
        element="DocNumber",
        detail="String length specified does not match the supported length. Min:0 Max:21 "
        "supported. Supplied length:30",
    ),
    "html-503": Case(
        503,
        NGINX_503,
        "text/html",
        ServerError,
        "",
        "503 Service Temporarily Unavailable",
        TransientError,
    ),
    "empty-503": Case(
        503, "", "text/plain", ServerError, "", "HTTP 503 with an empty body", TransientError
    ),
    "empty-502": Case(
        502, "", "text/plain", ServerError, "", "HTTP 502 with an empty body", TransientError
    ),
    "gateway-504": Case(
        504,
        '{"fault":{"error":[{"message":"Timeout occurred while proxying request","code":"6002"}],'
        '"type":"SERVICE"}}',
        JSON,
        ServerError,
        "6002",
        "Timeout occurred while proxying request",
        TransientError,
    ),
    "fault-in-200": Case(
        200,
        fault("6190", "Invalid Company Status", "Subscription period has ended or canceled"),
        JSON,
        CompanyInactiveError,  # nothing goes through until the subscription is fixed
        "6190",
        "Invalid Company Status",
        ReconnectNeededError,
        detail="Subscription period has ended or canceled",
    ),
    "system-fault-in-200": Case(
        200,
        fault(
            "10000",
            "An application error has occurred while processing your request",
            "System Failure Error: could not save",
            kind="SystemFault",
        ),
        JSON,
        ServerError,
        "10000",
        "An application error has occurred while processing your request",
        TransientError,
        detail="System Failure Error: could not save",
    ),
}


@dataclass
class FaultServer:
    url: str
    token_answers: list[tuple[int, str]]
    token_calls: int = 0


@asynccontextmanager
async def fault_server(
    token_answers: list[tuple[int, str]] | None = None,
) -> AsyncIterator[FaultServer]:
    port = free_port()
    state = FaultServer(f"http://127.0.0.1:{port}", token_answers or [])

    async def api(request: web.Request) -> web.Response:
        case = CASES[request.match_info["case"]]
        headers = {"intuit_tid": f"tid-{request.match_info['case']}", **case.headers}
        return web.Response(
            body=case.body.encode(),
            status=case.status,
            headers=headers,
            content_type=case.content_type,
        )

    async def token(request: web.Request) -> web.Response:
        state.token_calls += 1
        status, body = (
            state.token_answers.pop(0)
            if state.token_answers
            else (
                200,
                '{"access_token":"new-access-token-0123456789","refresh_token":"RT1-new","expires_in":3600,'
                '"x_refresh_token_expires_in":8726400,"token_type":"bearer"}',
            )
        )
        return web.Response(body=body.encode(), status=status, content_type=JSON)

    app = web.Application()
    app.router.add_get("/v3/company/{realm}/case/{case}", api)
    app.router.add_post("/oauth2/v1/tokens/bearer", token)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield state
    finally:
        await runner.cleanup()


def client_for(server: FaultServer) -> AsyncQuickBooks:
    config = QuickBooksConfig(
        environment=Environment.LOCAL,
        base_url=server.url,
        client_id="faults",
        client_secret="secret",
        retry=RetryPolicy(max_attempts=1),
    )
    tokens = TokenSet(
        realm_id=REALM,
        access_token="access-token-0123456789",
        refresh_token="RT1-old",
        expires_at=time.time() + 3600,
    )
    return AsyncQuickBooks(config, MemoryTokenStore(tokens))


@pytest.mark.parametrize("name", sorted(CASES))
def test_fault_shapes_become_quickbooks_errors(name: str) -> None:
    case = CASES[name]

    async def scenario() -> QuickBooksError:
        async with fault_server() as server, client_for(server) as qb:
            with pytest.raises(QuickBooksError) as caught:
                await qb.request(REALM, "GET", f"case/{name}")
            return caught.value

    error = run(scenario())
    assert type(error) is case.cls
    assert error.http_status == case.status
    assert error.code == case.code
    assert error.message == case.message
    assert error.detail == case.detail
    assert error.element == case.element
    assert isinstance(error, case.family)
    assert error.intuit_tid == f"tid-{name}"
    assert error.retry_after == case.retry_after
    assert f"intuit_tid=tid-{name}" in str(error) and "GET /case/" in str(error)


def test_a_401_is_refreshed_once_then_reported() -> None:
    async def scenario() -> FaultServer:
        async with fault_server() as server, client_for(server) as qb:
            with pytest.raises(AuthenticationError):
                await qb.request(REALM, "GET", "case/gateway-401")
            stored = await qb.oauth.store.load(REALM)
            assert stored is not None and stored.refresh_token == "RT1-new"
            return server

    assert run(scenario()).token_calls == 1


@pytest.mark.parametrize(
    ("status", "body", "cls", "code", "detail"),
    [
        (
            400,
            '{"error":"invalid_grant","error_description":"Incorrect or invalid refresh token"}',
            ReconnectNeededError,
            "invalid_grant",
            "",
        ),
        (
            400,
            '{"error":"invalid_grant","error_description":"Unauthorized Request: User is not a member of '
            'the specified Realm","x_error_reason":"user_not_in_realm"}',
            ReconnectNeededError,
            "invalid_grant",
            "user_not_in_realm",
        ),
        (401, '{"error":"invalid_client"}', OAuthError, "invalid_client", ""),
        (503, "", ServerError, "http_503", ""),
    ],
)
def test_token_endpoint_errors(
    status: int, body: str, cls: type[QuickBooksError], code: str, detail: str
) -> None:
    async def scenario() -> QuickBooksError:
        async with fault_server([(status, body)]) as server, client_for(server) as qb:
            with pytest.raises(QuickBooksError) as caught:
                await qb.oauth.refresh(REALM)
            return caught.value

    error = run(scenario())
    assert type(error) is cls
    assert error.code == code and error.detail == detail and error.http_status == status


def test_parse_fault_takes_every_error_of_a_multi_error_fault() -> None:
    body = (
        b'{"Fault":{"Error":[{"Message":"Required param missing","Detail":"Required parameter Line is '
        b'missing in the request.","code":"2020","element":"Line"},{"Message":"Invalid Reference Id",'
        b'"code":"2500","element":"Reference Id"}],"type":"ValidationFault"}}'
    )
    error = parse_fault(400, {}, body)
    assert isinstance(error, ValidationError)
    assert [e.code for e in error.errors] == ["2020", "2500"]
    assert error.element == "Line"
