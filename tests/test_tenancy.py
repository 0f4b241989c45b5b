"""No firm can see or touch another firm's records: their ids are simply not found."""

from __future__ import annotations

from tests import builders
from tests.conftest import Firm


def test_another_firms_ids_are_not_found_everywhere(firm: Firm, other_firm: Firm) -> None:
    c, m, b = builders.billed_client(firm)
    account = builders.trust_account(firm)
    dep = builders.deposit(firm, account["id"], c["id"], "500.00")
    entry = builders.time_entry(firm, m["id"])
    exp = builders.expense(firm, m["id"])
    pay = firm.post(
        "/payments",
        {
            "client_id": c["id"],
            "date": "2026-03-05",
            "amount": "10.00",
            "allocations": [{"bill_id": b["id"], "amount": "10.00"}],
        },
    )
    note = firm.post("/credit-notes", {"bill_id": b["id"], "amount": "5.00", "date": "2026-03-06"})
    act = firm.post("/activity-categories", {"name": "Research"})
    excat = firm.post("/expense-categories", {"name": "Courier"})
    user = firm.post("/users", {"name": "Tim Keeper", "email": "tim@example.com"})

    for path in (
        f"/contacts/{c['id']}",
        f"/matters/{m['id']}",
        f"/bills/{b['id']}",
        f"/time-entries/{entry['id']}",
        f"/expense-entries/{exp['id']}",
        f"/payments/{pay['id']}",
        f"/credit-notes/{note['id']}",
        f"/client-funds-accounts/{account['id']}",
        f"/client-funds-transactions/{dep['id']}",
        f"/client-funds-accounts/{account['id']}/ledger",
        f"/activity-categories/{act['id']}",
        f"/expense-categories/{excat['id']}",
        f"/users/{user['id']}",
    ):
        response = other_firm.api.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"

    # Writes that name another firm's ids are refused the same way and change nothing.
    other_firm.patch(f"/contacts/{c['id']}", {"last_name": "Hijacked"}, status=404)
    other_firm.post(f"/bills/{b['id']}/void", None, status=404)
    other_firm.post("/matters", {"client_id": c["id"]}, status=404)
    other_firm.post(
        "/time-entries",
        {"matter_id": m["id"], "date": "2026-03-02", "hours": "1", "rate": "1"},
        status=404,
    )
    other_firm.post(
        "/client-funds-transactions",
        {
            "kind": "disbursement",
            "account_id": account["id"],
            "client_id": c["id"],
            "amount": "1.00",
            "date": "2026-03-02",
            "payee_name": "Thief",
        },
        status=404,
    )
    other_firm.delete(f"/payments/{pay['id']}", status=404)
    assert firm.get(f"/contacts/{c['id']}")["last_name"] == c["last_name"]
    assert firm.get(f"/bills/{b['id']}")["state"] == "approved"


def test_lists_show_only_the_firms_own_records(firm: Firm, other_firm: Firm) -> None:
    builders.client(firm)
    builders.client(other_firm)
    mine = firm.get("/contacts")["data"]
    theirs = other_firm.get("/contacts")["data"]
    assert len(mine) == 1 and len(theirs) == 1
    assert mine[0]["id"] != theirs[0]["id"]
