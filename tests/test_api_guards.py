"""Every endpoint refuses bad input with one error shape, and nothing half-written remains."""

from __future__ import annotations

import httpx
import pytest

from tests import builders
from tests.conftest import Firm


def _error(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "field"}
    assert body["error"]["message"]
    return body["error"]


def test_requests_without_a_token_are_refused(firm: Firm, server_url: str) -> None:
    error = _error(httpx.get(f"{server_url}/api/v1/contacts"), 401)
    assert error["code"] == "unauthorized"


def test_an_unknown_token_is_refused(server_url: str) -> None:
    response = httpx.get(
        f"{server_url}/api/v1/contacts", headers={"Authorization": "Bearer lsk_not-a-real-token"}
    )
    assert _error(response, 401)["code"] == "unauthorized"


def test_malformed_json_is_a_400_and_creates_nothing(firm: Firm) -> None:
    response = firm.api.post(
        "/contacts",
        content=b'{"kind": "person", "last_name": ',
        headers={"Content-Type": "application/json"},
    )
    assert _error(response, 400)["code"] == "malformed_json"
    assert firm.get("/contacts")["data"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "robot", "last_name": "X"}, "kind"),
        ({"kind": "person", "last_name": 12}, "last_name"),
        ({"kind": "person", "last_name": "X" * 5000}, "last_name"),
        (
            {"kind": "person", "last_name": "X", "emails": [{"address": "not-an-email"}]},
            "emails.0.address",
        ),
        ({"kind": "person", "last_name": "X", "unexpected": True}, "unexpected"),
        ({"kind": "person"}, "last_name"),
        ({"kind": "company"}, "company_name"),
    ],
)
def test_contact_input_errors_name_the_field(
    firm: Firm, body: dict[str, object], field: str
) -> None:
    error = _error(firm.api.post("/contacts", json=body), 422)
    assert error["field"] == field
    assert firm.get("/contacts")["data"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"hours": "abc"}, "hours"),
        ({"hours": "-1"}, "hours"),
        ({"hours": 1.5, "rate": "10.123456"}, "rate"),
        ({"hours": "1", "date": "2026-02-30"}, "date"),
        ({"hours": "1", "matter_id": "x"}, "matter_id"),
    ],
)
def test_time_entry_input_errors_name_the_field(
    firm: Firm, body: dict[str, object], field: str
) -> None:
    c = builders.client(firm)
    m = builders.matter(firm, c["id"])
    full = {"matter_id": m["id"], "date": "2026-03-02", "rate": "100", **body}
    error = _error(firm.api.post("/time-entries", json=full), 422)
    assert error["field"] == field
    assert firm.get("/time-entries")["data"] == []


def test_a_body_over_the_size_limit_is_refused(firm: Firm) -> None:
    big = b'{"kind": "person", "last_name": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    response = firm.api.post("/contacts", content=big, headers={"Content-Type": "application/json"})
    assert _error(response, 413)["code"] == "too_large"


def test_money_is_rendered_as_strings_with_two_decimals(firm: Firm) -> None:
    c = builders.client(firm)
    m = builders.matter(firm, c["id"])
    entry = builders.time_entry(firm, m["id"], hours="1", rate="100")
    assert entry["amount"] == "100.00"


def test_lists_paginate_with_a_cursor(firm: Firm) -> None:
    ids = [builders.client(firm)["id"] for _ in range(5)]
    first = firm.get("/contacts", limit=2)
    assert [c["id"] for c in first["data"]] == ids[:2]
    second = firm.get("/contacts", limit=2, cursor=first["next_cursor"])
    assert [c["id"] for c in second["data"]] == ids[2:4]
    third = firm.get("/contacts", limit=2, cursor=second["next_cursor"])
    assert [c["id"] for c in third["data"]] == ids[4:]
    assert third["next_cursor"] is None
    _error(firm.api.get("/contacts", params={"limit": 100000}), 422)


def test_unknown_routes_use_the_error_shape(firm: Firm) -> None:
    assert _error(firm.api.get("/no-such-thing"), 404)["code"] == "not_found"
