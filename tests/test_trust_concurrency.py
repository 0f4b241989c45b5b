"""Sixteen requests at once taking money out of the same clients, by disbursement and by
transfer in both directions: none may take a client below zero, and none may fail with a
deadlock or a server error (transfers lock their two balances in one order)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests import builders
from tests.conftest import Firm
from tests.test_concurrency import race

RACERS = 16


def test_concurrent_disbursements_and_transfers_never_overdraw(firm: Firm) -> None:
    a, b = builders.client(firm), builders.client(firm)
    one, two = builders.trust_account(firm, "Trust one"), builders.trust_account(firm, "Trust two")
    builders.deposit(firm, one["id"], a["id"], "100.00")
    builders.deposit(firm, one["id"], b["id"], "100.00")
    builders.deposit(firm, two["id"], a["id"], "100.00")

    def go(i: int) -> tuple[str, int, str]:
        kind = ("disburse", "a_to_b", "b_to_a", "to_two")[i % 4]
        if kind == "disburse":
            r = firm.api.post(
                "/client-funds-transactions",
                json={
                    "kind": "disbursement",
                    "account_id": one["id"],
                    "client_id": a["id"],
                    "amount": "30.00",
                    "date": "2026-03-02",
                    "payee_name": "Race",
                    "method": "eft",
                },
            )
        else:
            body: dict[str, Any] = {
                "date": "2026-03-02",
                "from_account_id": one["id"],
                "amount": "30.00",
                "reason": "Race",
            }
            if kind == "a_to_b":
                body |= {"from_client_id": a["id"], "to_client_id": b["id"]}
            elif kind == "b_to_a":
                body |= {"from_client_id": b["id"], "to_client_id": a["id"]}
            else:
                body = {
                    "date": "2026-03-02",
                    "from_account_id": two["id"],
                    "from_client_id": a["id"],
                    "to_account_id": one["id"],
                    "amount": "30.00",
                }
            r = firm.api.post("/client-funds/transfers", json=body)
        code = r.json()["error"]["code"] if r.status_code >= 400 else ""
        return kind, r.status_code, code

    answers = race(RACERS, go)
    assert {s for _, s, _ in answers} <= {201, 409}, answers
    assert {c for _, s, c in answers if s == 409} <= {"insufficient_client_funds"}, answers
    disbursed = sum(1 for k, s, _ in answers if k == "disburse" and s == 201)
    # Money leaves the books only by disbursement; transfers move it.
    total = Decimal(firm.get(f"/client-funds-accounts/{one['id']}")["balance"]) + Decimal(
        firm.get(f"/client-funds-accounts/{two['id']}")["balance"]
    )
    assert total == Decimal("300.00") - 30 * disbursed
    for account in (one, two):
        report = firm.get(f"/client-funds-accounts/{account['id']}/ledger")
        for client in report["clients"]:
            assert Decimal(client["closing_balance"]) >= 0, client
