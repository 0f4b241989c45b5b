"""Every class of bad input is refused with a clear 4xx in the one error shape, and nothing stays.

Each test names a class of input (ids past the columns, money past the columns, control
characters, lax numbers and dates, duplicated keys, implausible values, undecodable bodies) and
tries several members of it, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import re
import socket
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from lawsync.practice.checks import run_all
from lawsync.practice.fields import MAX_AMOUNT, MAX_TOTAL
from lawsync.practice.services.context import Ledger
from tests import builders
from tests.conftest import Firm


def _error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text[:500]
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "field"}
    assert body["error"]["message"]
    error: dict[str, Any] = body["error"]
    return error


def _books_check_out(firm: Firm) -> None:
    with firm.ledger.uow(firm.actor) as uow:
        problems = run_all(uow.session)
    assert problems == [], problems


def _id_paths(server_url: str) -> list[tuple[str, str]]:
    spec = httpx.get(f"{server_url}/openapi.json").json()
    found = []
    for path, operations in spec["paths"].items():
        if re.search(r"\{\w+_id\}", path):
            found.extend((method.upper(), path) for method in operations)
    return found


TOO_BIG_IDS = ["9223372036854775808", "99999999999999999999999999", "0", "-1", "٣", "1_0", "abc"]


def test_ids_that_cannot_exist_in_a_path_are_404_on_every_route(
    firm: Firm, server_url: str
) -> None:
    routes = _id_paths(server_url)
    assert len(routes) >= 20
    for method, path in routes:
        for bad in TOO_BIG_IDS:
            url = re.sub(r"\{\w+_id\}", bad, path).replace("{kind}", "contact")
            response = firm.api.request(method, url.removeprefix("/api/v1"), json={})
            assert _error(response, 404)["code"] == "not_found", (method, url)


@pytest.mark.parametrize(
    "query",
    [
        "/audit-events?entity_id=-45230346317115802255360",
        "/audit-events?entity_id=9223372036854775808",
        "/bills?client_id=9223372036854775808",
        "/time-entries?matter_id=1_0",
        "/payments?client_id=%EF%BC%91",  # a full-width digit one
        "/contacts?cursor=9223372036854775808",
        "/client-funds-transactions?account_id=0",
    ],
)
def test_ids_that_cannot_exist_in_a_query_are_422(firm: Firm, query: str) -> None:
    error = _error(firm.api.get(query), 422)
    assert error["code"] == "invalid"
    assert error["field"] in {"entity_id", "client_id", "matter_id", "cursor", "account_id"}


def test_ids_past_the_range_in_a_body_are_422(firm: Firm) -> None:
    for bad in [2**63, -(2**70), 0, "5", 5.0, True]:
        error = _error(firm.api.post("/matters", json={"client_id": bad}), 422)
        assert error["field"] == "client_id"
    assert firm.get("/matters")["data"] == []


def test_a_line_past_what_an_amount_may_hold_is_refused(firm: Firm) -> None:
    m = builders.matter(firm, builders.client(firm)["id"])
    for hours, rate in [("99999999.9999", "9999999999.9999"), ("24", "99999999.9999")]:
        body = {"matter_id": m["id"], "date": "2026-03-02", "hours": hours, "rate": rate}
        error = _error(firm.api.post("/time-entries", json=body), 422)
        assert error["field"] in {"hours", "rate"}
    body = {"matter_id": m["id"], "date": "2026-03-02", "quantity": "9999999", "unit_price": "999"}
    assert _error(firm.api.post("/expense-entries", json=body), 422)["field"] == "unit_price"
    assert firm.get("/time-entries")["data"] == []
    assert firm.get("/expense-entries")["data"] == []
    # The largest line that is accepted is stored exactly and checks out.
    biggest = builders.expense(firm, m["id"], quantity="1", unit_price=str(MAX_AMOUNT))
    assert biggest["amount"] == str(MAX_AMOUNT)
    _books_check_out(firm)


def test_a_bill_past_what_a_total_may_hold_is_refused_and_the_work_stays_unbilled(
    firm: Firm,
) -> None:
    c = builders.client(firm)
    m = builders.matter(firm, c["id"])
    lines = int(MAX_TOTAL / MAX_AMOUNT) + 1
    for _ in range(lines):
        builders.expense(firm, m["id"], quantity="1", unit_price=str(MAX_AMOUNT))
    error = _error(firm.api.post("/bills", json={"client_id": c["id"]}), 422)
    assert error["code"] == "amount_too_large"
    assert firm.get("/bills")["data"] == []
    assert len(firm.get("/expense-entries", unbilled="true")["data"]) == lines
    _books_check_out(firm)


def test_a_trust_balance_past_what_it_may_hold_is_refused(firm: Firm) -> None:
    c = builders.client(firm)
    account = firm.get("/client-funds-accounts")["data"] or [
        firm.post("/client-funds-accounts", {"name": "Trust"})
    ]
    deposit = {
        "kind": "deposit",
        "account_id": account[0]["id"],
        "client_id": c["id"],
        "date": "2026-03-02",
    }
    assert (
        _error(
            firm.api.post(
                "/client-funds-transactions", json={**deposit, "amount": "1000000000000"}
            ),
            422,
        )["field"]
        == "amount"
    )
    for _ in range(int(MAX_TOTAL / MAX_AMOUNT)):
        firm.post("/client-funds-transactions", {**deposit, "amount": str(MAX_AMOUNT)})
    error = _error(
        firm.api.post("/client-funds-transactions", json={**deposit, "amount": str(MAX_AMOUNT)}),
        422,
    )
    assert error["code"] == "amount_too_large"
    held = firm.get(f"/client-funds-accounts/{account[0]['id']}")
    assert Decimal(held["balance"]) == MAX_AMOUNT * int(MAX_TOTAL / MAX_AMOUNT)
    _books_check_out(firm)


NOT_IN_TEXT = ["\x00", "\x07", "\x1b[31m", "\x7f", "\x85", "\ud800"]


@pytest.mark.parametrize("char", NOT_IN_TEXT)
def test_control_characters_are_refused_wherever_text_comes_in(firm: Firm, char: str) -> None:
    c = builders.client(firm)
    m = builders.matter(firm, c["id"])
    bodies: list[tuple[str, dict[str, Any], str]] = [
        ("/contacts", {"kind": "person", "last_name": f"Ro{char}e"}, "last_name"),
        ("/matters", {"client_id": c["id"], "description": f"Lease{char}"}, "description"),
        (
            "/time-entries",
            {"matter_id": m["id"], "date": "2026-03-02", "hours": "1", "description": char},
            "description",
        ),
        ("/activity-categories", {"name": f"Call{char}"}, "name"),
    ]
    for path, body, field in bodies:
        raw = json.dumps(body).encode()
        response = firm.api.post(path, content=raw, headers={"Content-Type": "application/json"})
        assert _error(response, 422)["field"] == field, path
    quoted = quote(f"Ro{char}".encode("utf-8", "surrogatepass"))
    response = firm.api.get(f"/contacts?q={quoted}")
    assert _error(response, 422)["field"] == "q"
    assert [x["id"] for x in firm.get("/contacts")["data"]] == [c["id"]]
    assert firm.get("/time-entries")["data"] == []


def test_a_payee_with_a_nul_is_refused_on_both_databases(firm: Firm) -> None:
    c = builders.client(firm)
    account = firm.post("/client-funds-accounts", {"name": "Trust"})
    body = {
        "kind": "disbursement",
        "account_id": account["id"],
        "client_id": c["id"],
        "amount": "1.00",
        "date": "2026-03-02",
        "payee_name": "Court\u0000",
    }
    assert _error(firm.api.post("/client-funds-transactions", json=body), 422)["field"] == (
        "payee_name"
    )


@pytest.mark.parametrize(
    "name",
    ["Smith\nJones", "Smith\tJones", "Smith\u202eenoJ", "Smi\u200bth", "\ufeffSmith", "A\u2066B"],
)
def test_names_are_one_line_without_direction_overrides_or_invisible_spaces(
    firm: Firm, name: str
) -> None:
    error = _error(firm.api.post("/contacts", json={"kind": "person", "last_name": name}), 422)
    assert error["field"] == "last_name"


def test_names_keep_joiners_and_marks_and_are_stored_composed(firm: Firm) -> None:
    kept = builders.client(firm, last_name="می\u200cخواهم", company_name="")
    assert kept["last_name"] == "می\u200cخواهم"
    composed = builders.client(firm, last_name="Rene\u0301")
    assert composed["last_name"] == "Ren\u00e9"
    matter = builders.matter(firm, kept["id"], description="Line one\nLine two\tend")
    assert matter["description"] == "Line one\nLine two\tend"


@pytest.mark.parametrize(
    "amount", ["1_000", "１０", "٣", "1e3", " 1.00", "1.00 ", "+1", "0x10", "NaN", "", True, [1]]
)
def test_amounts_are_plain_ascii_decimals(firm: Firm, amount: Any) -> None:
    c = builders.client(firm)
    account = firm.post("/client-funds-accounts", {"name": "Trust"})
    body = {
        "kind": "deposit",
        "account_id": account["id"],
        "client_id": c["id"],
        "amount": amount,
        "date": "2026-03-02",
    }
    assert _error(firm.api.post("/client-funds-transactions", json=body), 422)["field"] == "amount"
    assert firm.get("/client-funds-transactions")["data"] == []


def test_json_numbers_are_still_amounts(firm: Firm) -> None:
    m = builders.matter(firm, builders.client(firm)["id"])
    body = {"matter_id": m["id"], "date": "2026-03-02", "hours": 1.25, "rate": 200}
    assert firm.post("/time-entries", body)["amount"] == "250.00"


@pytest.mark.parametrize(
    "date",
    [
        0,
        "0",
        1700000000,
        "2026-03-02T00:00:00",
        "20260302",
        "٢٠٢٦-٠٣-٠٢",
        "0001-01-01",
        "9999-12-31",
        "1969-12-31",
        "2100-01-01",
        "2026-02-30",
    ],
)
def test_dates_are_iso_and_within_bounds(firm: Firm, date: Any) -> None:
    m = builders.matter(firm, builders.client(firm)["id"])
    body = {"matter_id": m["id"], "date": date, "hours": "1", "rate": "100"}
    assert _error(firm.api.post("/time-entries", json=body), 422)["field"] == "date"
    assert firm.get("/time-entries")["data"] == []


def test_a_query_date_is_iso_too(firm: Firm) -> None:
    account = firm.post("/client-funds-accounts", {"name": "Trust"})
    response = firm.api.get(f"/client-funds-accounts/{account['id']}/ledger", params={"from": "0"})
    assert _error(response, 422)["field"] == "from"


def test_a_bill_issued_at_the_end_of_time_is_refused_not_a_500(firm: Firm) -> None:
    c = builders.client(firm)
    m = builders.matter(firm, c["id"])
    builders.time_entry(firm, m["id"])
    for date in ["9999-12-31", "2100-01-01"]:
        body = {"client_id": c["id"], "issue_date": date}
        assert _error(firm.api.post("/bills", json=body), 422)["field"] == "issue_date"
    assert firm.get("/bills")["data"] == []


def test_more_than_a_day_of_hours_in_one_entry_is_refused(firm: Firm) -> None:
    m = builders.matter(firm, builders.client(firm)["id"])
    body = {"matter_id": m["id"], "date": "2026-03-02", "rate": "100"}
    for hours in ["25", "24.0001"]:
        error = _error(firm.api.post("/time-entries", json={**body, "hours": hours}), 422)
        assert error["field"] == "hours"
    entry = firm.post("/time-entries", {**body, "hours": "24"})
    assert _error(firm.api.patch(f"/time-entries/{entry['id']}", json={"hours": "30"}), 422)
    assert [e["hours"] for e in firm.get("/time-entries")["data"]] == ["24"]


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b'{"kind": "person", "last_name": "A", "last_name": "B"}', "last_name"),
        (b'{"kind": "person", "kind": "company", "company_name": "X", "last_name": "A"}', "kind"),
        (b'{"kind": "person", "last_name": "A", "address": {"city": "a", "city": "b"}}', "city"),
    ],
)
def test_a_key_given_twice_is_refused(firm: Firm, raw: bytes, field: str) -> None:
    response = firm.api.post("/contacts", content=raw, headers={"Content-Type": "application/json"})
    error = _error(response, 422)
    assert (error["code"], error["field"]) == ("malformed_json", field)
    assert firm.get("/contacts")["data"] == []


@pytest.mark.parametrize(
    "raw",
    [
        b'{"kind": "person", "last_name": "\xff\xfe"}',
        '{"kind": "person", "last_name": "Ros\u00e9"}'.encode("latin-1"),
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        b'{"kind": "person", "last_name": NaN}',
        b'{"kind": "person", "last_name": Infinity}',
        b"\xef\xbb\xbf{}",
    ],
)
def test_bodies_that_are_not_json_text_are_malformed_json(firm: Firm, raw: bytes) -> None:
    response = firm.api.post("/contacts", content=raw, headers={"Content-Type": "application/json"})
    assert _error(response, 400)["code"] == "malformed_json"
    assert firm.get("/contacts")["data"] == []


def _raw_request(server_url: str, head: bytes, chunks: list[bytes]) -> bytes:
    """Send a request by hand (so the body can be chunked) and read the answer's first line."""
    where = httpx.URL(server_url)
    with socket.create_connection((where.host, where.port), timeout=30) as sock:
        sock.sendall(head)
        try:
            for chunk in chunks:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server may stop reading and answer as soon as the limit is passed
        answer = b""
        while b"\r\n\r\n" not in answer:
            data = sock.recv(65536)
            if not data:
                break
            answer += data
    return answer


@pytest.mark.parametrize("authorised", [True, False])
def test_a_chunked_body_is_cut_off_at_the_limit_before_any_token_is_checked(
    firm: Firm, server_url: str, authorised: bool
) -> None:
    token = f"Authorization: Bearer {firm.token}\r\n".encode() if authorised else b""
    head = (
        b"POST /api/v1/contacts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + token
        + b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    chunks = [b'{"kind": "person", "last_name": "'] + [b"x" * 65536] * 160  # 10 MiB
    answer = _raw_request(server_url, head, chunks)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert firm.get("/contacts")["data"] == []


@pytest.mark.parametrize("path", [b"/api/v1/contacts", b"/api/v1/quickbooks/callback", b"/qbo/x"])
def test_a_declared_length_past_the_limit_is_refused_unread_on_any_route(
    server_url: str, path: bytes
) -> None:
    where = httpx.URL(server_url)
    head = (
        b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nContent-Length: 52428800\r\n"
        b"Content-Type: application/json\r\nConnection: close\r\n\r\n{"
    )
    with socket.create_connection((where.host, where.port), timeout=30) as sock:
        sock.sendall(head)
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


@pytest.mark.parametrize("name", ["", "   ", "\u00a0"])
def test_a_name_that_is_required_cannot_be_blank(firm: Firm, name: str) -> None:
    for path in ["/activity-categories", "/expense-categories", "/client-funds-accounts"]:
        assert _error(firm.api.post(path, json={"name": name}), 422)["field"] == "name", path
    assert firm.get("/activity-categories")["data"] == []


def test_without_a_token_the_answer_is_401_whatever_the_body_holds(server_url: str) -> None:
    for raw in [b'{"name": "a\\u0000", "name": "b"}', b'{"email": "\\u008f"}']:
        response = httpx.post(
            f"{server_url}/api/v1/users", content=raw, headers={"Content-Type": "application/json"}
        )
        assert _error(response, 401)["code"] == "unauthorized"
    response = httpx.get(f"{server_url}/api/v1/contacts?q=%00")
    assert _error(response, 401)["code"] == "unauthorized"


def test_the_callback_which_takes_no_token_refuses_control_characters(server_url: str) -> None:
    response = httpx.get(f"{server_url}/api/v1/quickbooks/callback?state=%00&code=x&realmId=1")
    assert _error(response, 422)["field"] == "state"


@pytest.mark.parametrize(
    ("path", "field"), [("/bill-settings", "next_bill_number"), ("/firm", "next_matter_number")]
)
def test_counters_past_their_integer_columns_are_refused(firm: Firm, path: str, field: str) -> None:
    for bad in [2**31, 10**9, 10**14, "5", 1.5, True]:
        assert _error(firm.api.patch(path, json={field: bad}), 422)["field"] == field
    assert firm.patch(path, {field: 10**9 - 1})[field] == 10**9 - 1


def test_an_unreachable_embedded_sandbox_is_a_503_not_a_500(
    ledger: Ledger, database_url: str
) -> None:
    from lawsync.config import Settings
    from lawsync.web.app import create_app
    from tests.conftest import make_firm
    from tests.sandbox.sandbox_support import Server, free_port

    nobody = free_port()  # the public URL names a port where nothing listens
    settings = Settings(database_url=database_url, sandbox_db=":memory:", port=nobody)
    server = Server(create_app(settings, ledger=ledger)).start()
    try:
        firm = make_firm(ledger, server.url)
        error = _error(firm.api.post("/quickbooks/connect"), 503)
        assert error["code"] == "quickbooks_unavailable"
        assert "LAWSYNC_PUBLIC_URL" in error["message"]
    finally:
        server.stop()


def test_a_method_no_route_takes_is_405_whatever_the_body(firm: Firm) -> None:
    raw = b'{"email": "\\u008f", "email": "x"}'
    for method in ["PUT", "TRACE"]:
        response = firm.api.request(
            method, "/users?q=%00", content=raw, headers={"Content-Type": "application/json"}
        )
        assert _error(response, 405)["code"] == "method_not_allowed"
        assert set(response.headers["allow"].split(", ")) >= {"GET", "POST"}


@pytest.mark.parametrize(
    "body",
    [
        {"export_bills": 0.0},
        {"export_bills": "yes"},
        {"fast_catch_up": 1},
        {"export_start_date": 0},
        {"export_start_date": "9999-12-31"},
        {"item_mappings": {"activity:default": "1\u0000"}},
        {"item_mappings": {"activity\u202e:default": "1"}},
    ],
)
def test_sync_settings_take_the_same_strict_shapes(firm: Firm, body: dict[str, Any]) -> None:
    before = firm.get("/quickbooks/settings")
    error = _error(firm.api.put("/quickbooks/settings", json=body), 422)
    assert error["code"] == "invalid"
    assert firm.get("/quickbooks/settings") == before


@pytest.mark.parametrize(
    ("path", "body", "field", "says"),
    [
        ("/users", {"name": "Eve", "email": "not-an-email"}, "email", "not an email address"),
        ("/users", {"name": "Eve", "email": ""}, "email", "not an email address"),
        ("/client-funds-accounts", {"name": "T", "account_number_last4": "12a"}, None, "4 digits"),
    ],
)
def test_a_value_of_the_wrong_form_is_refused_in_words_not_a_pattern(
    firm: Firm, path: str, body: dict[str, Any], field: str | None, says: str
) -> None:
    error = _error(firm.api.post(path, json=body), 422)
    assert says in error["message"] and "^" not in error["message"], error
    assert not error["message"].split(": ", 1)[-1].startswith("Value error")
    if field:
        assert error["field"] == field
