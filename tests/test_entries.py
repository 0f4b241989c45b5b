"""Time and expense entries: amounts rounded half-up at the line, hard and soft costs."""

from __future__ import annotations

import pytest

from tests import builders
from tests.conftest import Firm


@pytest.mark.parametrize(
    ("hours", "rate", "amount"),
    [
        ("1", "100", "100.00"),
        ("0.3333", "100", "33.33"),
        ("0.125", "0.5", "0.06"),
        ("2.5", "0.01", "0.03"),
        ("1.0005", "10", "10.01"),
        ("0.1", "0.05", "0.01"),
    ],
)
def test_time_amount_is_hours_times_rate_rounded_half_up(
    firm: Firm, hours: str, rate: str, amount: str
) -> None:
    c = builders.client(firm)
    m = builders.matter(firm, c["id"])
    assert builders.time_entry(firm, m["id"], hours=hours, rate=rate)["amount"] == amount


def test_rate_defaults_to_the_category_then_the_timekeeper(firm: Firm) -> None:
    c = builders.client(firm)
    m = builders.matter(firm, c["id"])
    keeper = firm.post("/users", {"name": "Ria", "email": "ria@example.com", "default_rate": "180"})
    cat = firm.post("/activity-categories", {"name": "Court", "default_price": "400"})
    plain = firm.post(
        "/time-entries",
        {"matter_id": m["id"], "date": "2026-03-02", "hours": "1", "user_id": keeper["id"]},
    )
    assert plain["rate"] == "180"
    by_cat = firm.post(
        "/time-entries",
        {
            "matter_id": m["id"],
            "date": "2026-03-02",
            "hours": "1",
            "user_id": keeper["id"],
            "category_id": cat["id"],
        },
    )
    assert by_cat["rate"] == "400"


def test_expense_amount_is_quantity_times_price(firm: Firm) -> None:
    c = builders.client(firm)
    m = builders.matter(firm, c["id"])
    e = builders.expense(firm, m["id"], quantity="137", unit_price="0.15")
    assert e["amount"] == "20.55"


def test_cost_types_need_hard_and_soft_costs_enabled(firm: Firm) -> None:
    c = builders.client(firm)
    m = builders.matter(firm, c["id"])
    body = {"matter_id": m["id"], "date": "2026-03-02", "unit_price": "40", "cost_type": "hard"}
    r = firm.api.post("/expense-entries", json=body)
    assert r.status_code == 409 and r.json()["error"]["code"] == "cost_types_disabled"
    firm.put("/bill-settings", {"hard_soft_costs_enabled": True})
    assert firm.post("/expense-entries", body)["cost_type"] == "hard"


def test_entries_can_be_edited_and_deleted_until_billed(firm: Firm) -> None:
    c = builders.client(firm)
    m = builders.matter(firm, c["id"])
    e = builders.time_entry(firm, m["id"], hours="1", rate="100")
    edited = firm.patch(f"/time-entries/{e['id']}", {"hours": "2"})
    assert edited["amount"] == "200.00" and edited["revision"] == e["revision"] + 1
    builders.bill(firm, c["id"], approve=False)
    r = firm.api.patch(f"/time-entries/{e['id']}", json={"hours": "3"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "entry_billed"
    assert firm.api.delete(f"/time-entries/{e['id']}").status_code == 409
    x = builders.expense(firm, m["id"])
    firm.delete(f"/expense-entries/{x['id']}", status=204)
    firm.get(f"/expense-entries/{x['id']}", status=404)


def test_unbilled_filter(firm: Firm) -> None:
    c = builders.client(firm)
    m = builders.matter(firm, c["id"])
    builders.time_entry(firm, m["id"])
    builders.bill(firm, c["id"], approve=False)
    late = builders.time_entry(firm, m["id"])
    unbilled = firm.get("/time-entries", matter_id=m["id"], unbilled=True)["data"]
    assert [e["id"] for e in unbilled] == [late["id"]]
