"""Bills: built from unbilled work, taxed per the settings, approved, edited, voided."""

from __future__ import annotations

import datetime as dt

from tests import builders
from tests.conftest import Firm


def _taxes(firm: Firm) -> None:
    firm.put(
        "/bill-settings",
        {
            "primary_tax_name": "GST",
            "primary_tax_rate": "5",
            "primary_tax_on_time": True,
            "primary_tax_on_expenses": True,
            "secondary_tax_name": "PST",
            "secondary_tax_rate": "7",
            "secondary_tax_on_time": True,
            "secondary_tax_on_expenses": False,
        },
    )


def test_a_bill_takes_the_clients_unbilled_work_in_the_period(firm: Firm) -> None:
    c = builders.client(firm)
    m1 = builders.matter(firm, c["id"])
    m2 = builders.matter(firm, c["id"])
    builders.time_entry(firm, m1["id"], hours="1", rate="100", date=dt.date(2026, 1, 10))
    builders.time_entry(firm, m2["id"], hours="2", rate="100", date=dt.date(2026, 2, 10))
    builders.expense(firm, m2["id"], unit_price="30", date=dt.date(2026, 2, 11))
    outside = builders.time_entry(firm, m1["id"], hours="9", rate="100", date=dt.date(2026, 4, 1))
    other = builders.client(firm)
    builders.time_entry(firm, builders.matter(firm, other["id"])["id"], date=dt.date(2026, 2, 1))

    b = builders.bill(firm, c["id"], approve=False, from_date="2026-01-01", to_date="2026-03-31")
    assert b["state"] == "draft"
    assert sorted(b["matter_ids"]) == sorted([m1["id"], m2["id"]])
    assert [ln["amount"] for ln in b["lines"]] == ["100.00", "200.00", "30.00"]
    assert b["total"] == "330.00"
    assert firm.get(f"/time-entries/{outside['id']}")["bill_id"] is None


def test_bill_numbers_follow_the_settings_and_never_repeat(firm: Firm) -> None:
    firm.put("/bill-settings", {"next_bill_number": 5000})
    c = builders.client(firm)
    m = builders.matter(firm, c["id"])
    builders.time_entry(firm, m["id"])
    first = builders.bill(firm, c["id"], approve=False)
    builders.time_entry(firm, m["id"])
    second = builders.bill(firm, c["id"], approve=False)
    assert (first["number"], second["number"]) == ("5000", "5001")
    assert firm.get("/bill-settings")["next_bill_number"] == 5002


def test_taxes_are_computed_per_line_and_rounded_half_up(firm: Firm) -> None:
    _taxes(firm)
    c = builders.client(firm)
    m = builders.matter(firm, c["id"])
    builders.time_entry(firm, m["id"], hours="1", rate="10.10")  # 0.505 GST, 0.707 PST
    builders.time_entry(firm, m["id"], hours="1", rate="10.10")
    builders.expense(firm, m["id"], unit_price="20.10")  # GST only: 1.005
    b = builders.bill(firm, c["id"])
    assert [(ln["primary_tax"], ln["secondary_tax"]) for ln in b["lines"]] == [
        ("0.51", "0.71"),
        ("0.51", "0.71"),
        ("1.01", "0.00"),
    ]
    assert b["subtotal"] == "40.30"
    assert b["primary_tax_total"] == "2.03"
    assert b["secondary_tax_total"] == "1.42"
    assert b["total"] == "43.75"


def test_discounts_come_off_the_total(firm: Firm) -> None:
    c = builders.client(firm)
    m = builders.matter(firm, c["id"])
    builders.time_entry(firm, m["id"], hours="3", rate="33.33")
    b = builders.bill(firm, c["id"], discount_kind="percent", discount_value="10")
    assert (b["subtotal"], b["discount_total"], b["total"]) == ("99.99", "10.00", "89.99")
    b = firm.patch(f"/bills/{b['id']}", {"discount_kind": "amount", "discount_value": "0.99"})
    assert b["total"] == "99.00"
    r = firm.api.patch(f"/bills/{b['id']}", json={"discount_value": "500"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "negative_total"
    assert firm.get(f"/bills/{b['id']}")["total"] == "99.00"


def test_a_bill_in_another_currency(firm: Firm) -> None:
    c = builders.client(firm)
    builders.time_entry(firm, builders.matter(firm, c["id"])["id"])
    assert builders.bill(firm, c["id"], currency="cad")["currency"] == "CAD"
    builders.time_entry(firm, builders.matter(firm, c["id"])["id"])
    r = firm.api.post("/bills", json={"client_id": c["id"], "currency": "XYZ"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "currency"


def test_nothing_to_bill_is_refused(firm: Firm) -> None:
    c = builders.client(firm)
    builders.matter(firm, c["id"])
    r = firm.api.post("/bills", json={"client_id": c["id"]})
    assert r.status_code == 409 and r.json()["error"]["code"] == "nothing_to_bill"


def test_approving_an_empty_bill_is_refused(firm: Firm) -> None:
    c = builders.client(firm)
    m = builders.matter(firm, c["id"])
    e = builders.time_entry(firm, m["id"])
    b = builders.bill(firm, c["id"], approve=False)
    b = firm.patch(f"/bills/{b['id']}", {"remove_line_ids": [b["lines"][0]["id"]]})
    assert b["lines"] == [] and b["total"] == "0.00"
    assert firm.get(f"/time-entries/{e['id']}")["bill_id"] is None
    r = firm.api.post(f"/bills/{b['id']}/approve")
    assert r.status_code == 409 and r.json()["error"]["code"] == "bill_empty"
    assert firm.get(f"/bills/{b['id']}")["state"] == "draft"


def test_approving_twice_is_refused(firm: Firm) -> None:
    _, _, b = builders.billed_client(firm)
    r = firm.api.post(f"/bills/{b['id']}/approve")
    assert r.status_code == 409 and r.json()["error"]["code"] == "bill_state"


def test_editing_an_approved_bill_makes_a_new_revision(firm: Firm) -> None:
    _, _, b = builders.billed_client(firm, hours="2", rate="150")
    line = b["lines"][0]
    edited = firm.patch(
        f"/bills/{b['id']}",
        {
            "number": "A-77",
            "due_date": "2026-05-01",
            "lines": [{"id": line["id"], "quantity": "3", "description": "Longer hearing"}],
        },
    )
    assert edited["revision"] > b["revision"]
    assert (edited["number"], edited["total"], edited["state"]) == ("A-77", "450.00", "approved")
    entry = firm.get(f"/time-entries/{line['time_entry_id']}")
    assert (entry["hours"], entry["amount"], entry["description"]) == (
        "3",
        "450.00",
        "Longer hearing",
    )


def test_bill_numbers_are_unique(firm: Firm) -> None:
    _, _, a = builders.billed_client(firm)
    _, _, b = builders.billed_client(firm)
    r = firm.api.patch(f"/bills/{b['id']}", json={"number": a["number"]})
    assert r.status_code == 409 and r.json()["error"]["code"] == "duplicate"


def test_voiding_a_bill_releases_its_entries(firm: Firm) -> None:
    c, _m, b = builders.billed_client(firm)
    entry_id = b["lines"][0]["time_entry_id"]
    voided = firm.post(f"/bills/{b['id']}/void", {"reason": "wrong client"}, 200)
    assert voided["state"] == "void" and voided["balance"] == "0.00"
    assert firm.get(f"/time-entries/{entry_id}")["bill_id"] is None
    again = builders.bill(firm, c["id"])
    assert [ln["time_entry_id"] for ln in again["lines"]] == [entry_id]


def test_editing_or_revoiding_a_void_bill_is_refused(firm: Firm) -> None:
    _, _, b = builders.billed_client(firm)
    firm.post(f"/bills/{b['id']}/void", None, 200)
    r = firm.api.patch(f"/bills/{b['id']}", json={"number": "X"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "bill_not_editable"
    assert firm.api.post(f"/bills/{b['id']}/void").status_code == 409
    assert firm.api.post(f"/bills/{b['id']}/approve").status_code == 409


def test_a_bill_with_payments_cannot_be_voided(firm: Firm) -> None:
    c, _, b = builders.billed_client(firm)
    firm.post(
        "/payments",
        {
            "client_id": c["id"],
            "date": "2026-03-03",
            "amount": "1.00",
            "allocations": [{"bill_id": b["id"], "amount": "1.00"}],
        },
    )
    r = firm.api.post(f"/bills/{b['id']}/void")
    assert r.status_code == 409 and "payments" in r.json()["error"]["message"]


def test_an_entry_released_by_a_void_can_be_deleted_and_the_void_bill_keeps_its_lines(
    firm: Firm,
) -> None:
    c = builders.client(firm)
    m = builders.matter(firm, c["id"])
    work = builders.time_entry(firm, m["id"], hours="2", rate="150")
    cost = builders.expense(firm, m["id"], quantity="3", unit_price="20")
    b = builders.bill(firm, c["id"])
    before = firm.get(f"/bills/{b['id']}")
    firm.post(f"/bills/{b['id']}/void", {"reason": "sent in error"}, 200)
    assert firm.api.delete(f"/time-entries/{work['id']}").status_code == 204
    assert firm.api.delete(f"/expense-entries/{cost['id']}").status_code == 204
    firm.get(f"/time-entries/{work['id']}", status=404)
    after = firm.get(f"/bills/{b['id']}")
    assert after["state"] == "void"
    assert [(ln["time_entry_id"], ln["expense_entry_id"]) for ln in after["lines"]] == [
        (None, None),
        (None, None),
    ]
    kept = ("kind", "date", "description", "quantity", "price", "amount", "matter_id")
    assert [{k: ln[k] for k in kept} for ln in after["lines"]] == [
        {k: ln[k] for k in kept} for ln in before["lines"]
    ]
    assert after["total"] == before["total"]
    audit = firm.get("/audit-events", entity="time_entry", entity_id=work["id"])["data"]
    assert audit[-1]["action"] == "delete"


def test_an_entry_on_a_live_bill_still_cannot_be_deleted(firm: Firm) -> None:
    _c, _m, b = builders.billed_client(firm)
    entry_id = b["lines"][0]["time_entry_id"]
    r = firm.api.delete(f"/time-entries/{entry_id}")
    assert r.status_code == 409 and r.json()["error"]["code"] == "entry_billed"


def test_deleting_a_draft_removes_it_and_an_approved_bill_leaves_a_tombstone(firm: Firm) -> None:
    c = builders.client(firm)
    m = builders.matter(firm, c["id"])
    builders.time_entry(firm, m["id"])
    draft = builders.bill(firm, c["id"], approve=False)
    firm.delete(f"/bills/{draft['id']}", status=204)
    firm.get(f"/bills/{draft['id']}", status=404)
    approved = builders.bill(firm, c["id"])
    gone = firm.delete(f"/bills/{approved['id']}")
    assert gone["state"] == "deleted"
    assert firm.get("/time-entries", unbilled=True)["data"][0]["bill_id"] is None


def test_due_date_cannot_precede_issue_date(firm: Firm) -> None:
    c = builders.client(firm)
    builders.time_entry(firm, builders.matter(firm, c["id"])["id"])
    r = firm.api.post(
        "/bills", json={"client_id": c["id"], "issue_date": "2026-03-10", "due_date": "2026-03-01"}
    )
    assert r.status_code == 422 and r.json()["error"]["field"] == "due_date"
    assert firm.get("/bills")["data"] == []
