"""Client funds: no client's or matter's balance ever goes below zero; corrections reverse."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tests import builders
from tests.conftest import Firm


def test_deposit_and_disburse_within_what_the_client_holds(firm: Firm) -> None:
    c = builders.client(firm)
    acct = builders.trust_account(firm)
    builders.deposit(firm, acct["id"], c["id"], "1000.00")
    d = builders.disburse(firm, acct["id"], c["id"], "400.00", method="eft")
    assert (d["amount"], d["kind"], d["method"]) == ("-400.00", "disbursement", "eft")
    assert firm.get(f"/client-funds-accounts/{acct['id']}")["balance"] == "600.00"


def test_a_disbursement_beyond_the_clients_balance_is_refused(firm: Firm) -> None:
    rich, poor = builders.client(firm), builders.client(firm)
    acct = builders.trust_account(firm)
    builders.deposit(firm, acct["id"], rich["id"], "5000.00")
    builders.deposit(firm, acct["id"], poor["id"], "10.00")
    r = firm.api.post(
        "/client-funds-transactions",
        json={
            "kind": "disbursement",
            "account_id": acct["id"],
            "client_id": poor["id"],
            "amount": "10.01",
            "date": "2026-03-02",
            "payee_name": "Court",
        },
    )
    assert r.status_code == 409
    assert r.json()["error"] | {"message": ""} == {
        "code": "insufficient_client_funds",
        "field": "amount",
        "message": "",
    }
    assert "10.00" in r.json()["error"]["message"]
    assert firm.get(f"/client-funds-accounts/{acct['id']}")["balance"] == "5010.00"
    assert len(firm.get("/client-funds-transactions")["data"]) == 2


def test_each_matters_money_is_kept_apart(firm: Firm) -> None:
    c = builders.client(firm)
    m1, m2 = builders.matter(firm, c["id"]), builders.matter(firm, c["id"])
    acct = builders.trust_account(firm)
    builders.deposit(firm, acct["id"], c["id"], "300.00", matter_id=m1["id"])
    builders.deposit(firm, acct["id"], c["id"], "50.00", matter_id=m2["id"])
    r = firm.api.post(
        "/client-funds-transactions",
        json={
            "kind": "disbursement",
            "account_id": acct["id"],
            "client_id": c["id"],
            "matter_id": m2["id"],
            "amount": "60.00",
            "date": "2026-03-02",
            "payee_name": "Expert",
        },
    )
    assert r.status_code == 409 and "matter" in r.json()["error"]["message"]
    builders.disburse(firm, acct["id"], c["id"], "60.00", matter_id=m1["id"])
    # Money held for no matter is its own bucket too.
    r = firm.api.post(
        "/client-funds-transactions",
        json={
            "kind": "disbursement",
            "account_id": acct["id"],
            "client_id": c["id"],
            "amount": "1.00",
            "date": "2026-03-02",
            "payee_name": "Expert",
        },
    )
    assert r.status_code == 409


def test_accounts_keep_their_own_balances(firm: Firm) -> None:
    c = builders.client(firm)
    a, b = builders.trust_account(firm, "Trust A"), builders.trust_account(firm, "Trust B")
    builders.deposit(firm, a["id"], c["id"], "100.00")
    builders.disburse(firm, b["id"], c["id"], "1.00", status=409)


def test_a_transaction_is_corrected_by_a_reversal_never_an_edit(firm: Firm) -> None:
    c = builders.client(firm)
    acct = builders.trust_account(firm)
    dep = builders.deposit(firm, acct["id"], c["id"], "250.00")
    assert (
        firm.api.patch(f"/client-funds-transactions/{dep['id']}", json={"amount": "1"}).status_code
        == 405
    )
    assert firm.api.delete(f"/client-funds-transactions/{dep['id']}").status_code == 405
    rev = firm.post(f"/client-funds-transactions/{dep['id']}/reverse", {"reason": "wrong client"})
    assert (rev["kind"], rev["amount"], rev["reverses_id"]) == ("reversal", "-250.00", dep["id"])
    assert firm.get(f"/client-funds-accounts/{acct['id']}")["balance"] == "0.00"
    assert firm.get(f"/client-funds-transactions/{dep['id']}")["amount"] == "250.00"
    again = firm.api.post(f"/client-funds-transactions/{dep['id']}/reverse", json={"reason": "x"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_reversed"
    r = firm.api.post(f"/client-funds-transactions/{rev['id']}/reverse", json={"reason": "x"})
    assert r.status_code == 409


def test_reversing_a_deposit_already_spent_is_refused(firm: Firm) -> None:
    c = builders.client(firm)
    acct = builders.trust_account(firm)
    dep = builders.deposit(firm, acct["id"], c["id"], "100.00")
    builders.disburse(firm, acct["id"], c["id"], "80.00")
    r = firm.api.post(f"/client-funds-transactions/{dep['id']}/reverse", json={"reason": "bounced"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "insufficient_client_funds"


def test_a_cheque_number_can_arrive_later_once_and_never_twice(firm: Firm) -> None:
    c = builders.client(firm)
    acct = builders.trust_account(firm)
    builders.deposit(firm, acct["id"], c["id"], "100.00")
    first = builders.disburse(firm, acct["id"], c["id"], "10.00")
    second = builders.disburse(firm, acct["id"], c["id"], "10.00")
    assert first["cheque_number"] is None
    numbered = firm.post(
        f"/client-funds-transactions/{first['id']}/cheque-number", {"cheque_number": "1042"}, 200
    )
    assert numbered["cheque_number"] == "1042" and numbered["amount"] == "-10.00"
    r = firm.api.post(
        f"/client-funds-transactions/{second['id']}/cheque-number", json={"cheque_number": "1042"}
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "duplicate_cheque_number"
    assert r.json()["error"]["field"] == "cheque_number"
    r = firm.api.post(
        f"/client-funds-transactions/{first['id']}/cheque-number", json={"cheque_number": "1043"}
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "cheque_numbered"
    r = firm.api.post(
        f"/client-funds-transactions/{second['id']}/cheque-number", json={"cheque_number": "12AB"}
    )
    assert r.status_code == 422


def test_a_cheque_number_is_used_once_per_account_but_again_in_another(firm: Firm) -> None:
    c = builders.client(firm)
    trust, other = builders.trust_account(firm), builders.trust_account(firm, "Second trust")
    for acct in (trust, other):
        builders.deposit(firm, acct["id"], c["id"], "100.00")
    builders.disburse(firm, trust["id"], c["id"], "10.00", cheque_number="2001")
    builders.disburse(firm, other["id"], c["id"], "10.00", cheque_number="2001")
    r = firm.api.post(
        "/client-funds-transactions",
        json={
            "kind": "disbursement",
            "account_id": trust["id"],
            "client_id": c["id"],
            "amount": "5.00",
            "date": "2026-03-02",
            "payee_name": "Court",
            "cheque_number": "2001",
        },
    )
    assert r.status_code == 409, r.text
    assert r.json()["error"] == {
        "code": "duplicate_cheque_number",
        "message": r.json()["error"]["message"],
        "field": "cheque_number",
    }
    assert firm.get(f"/client-funds-accounts/{trust['id']}")["balance"] == "90.00"


def test_a_reversed_cheques_number_goes_to_the_cheque_that_replaces_it(firm: Firm) -> None:
    c = builders.client(firm)
    acct = builders.trust_account(firm)
    builders.deposit(firm, acct["id"], c["id"], "500.00")
    wrong = builders.disburse(firm, acct["id"], c["id"], "10.00", cheque_number="3001")
    reversal = firm.post(
        f"/client-funds-transactions/{wrong['id']}/reverse", {"reason": "amount was 100.00"}
    )
    assert reversal["cheque_number"] is None
    right = builders.disburse(firm, acct["id"], c["id"], "100.00", cheque_number="3001")
    assert right["cheque_number"] == "3001"
    unnumbered = builders.disburse(firm, acct["id"], c["id"], "10.00")
    firm.post(f"/client-funds-transactions/{unnumbered['id']}/reverse", {"reason": "not sent"})
    r = firm.api.post(
        f"/client-funds-transactions/{unnumbered['id']}/cheque-number",
        json={"cheque_number": "3002"},
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_reversed"
    assert firm.get(f"/client-funds-accounts/{acct['id']}")["balance"] == "400.00"


def test_ledger_report_shows_running_balances_per_client_and_matter(firm: Firm) -> None:
    ann, bob = builders.client(firm), builders.client(firm)
    m = builders.matter(firm, ann["id"])
    acct = builders.trust_account(firm)
    d = dt.date(2026, 1, 5)
    builders.deposit(firm, acct["id"], ann["id"], "500.00", matter_id=m["id"], date=d)
    builders.disburse(
        firm, acct["id"], ann["id"], "120.50", matter_id=m["id"], date=d + dt.timedelta(days=30)
    )
    builders.deposit(firm, acct["id"], ann["id"], "40.00", date=d + dt.timedelta(days=40))
    builders.deposit(firm, acct["id"], bob["id"], "75.25", date=d + dt.timedelta(days=45))
    builders.disburse(
        firm, acct["id"], ann["id"], "9.50", matter_id=m["id"], date=d + dt.timedelta(days=60)
    )

    report = firm.get(f"/client-funds-accounts/{acct['id']}/ledger")
    assert (report["closing_balance"], report["account_balance"]) == ("485.25", "485.25")
    clients = {c["client_id"]: c for c in report["clients"]}
    ann_matters = {x["matter_id"]: x for x in clients[ann["id"]]["matters"]}
    assert [t["balance"] for t in ann_matters[m["id"]]["transactions"]] == [
        "500.00",
        "379.50",
        "370.00",
    ]
    assert ann_matters[None]["closing_balance"] == "40.00"
    assert clients[ann["id"]]["closing_balance"] == "410.00"

    window = firm.get(
        f"/client-funds-accounts/{acct['id']}/ledger", **{"from": "2026-02-10", "to": "2026-02-28"}
    )
    assert window["opening_balance"] == "379.50"
    assert window["closing_balance"] == "494.75"
    assert window["transaction_count"] == 2
    ann_window = next(c for c in window["clients"] if c["client_id"] == ann["id"])
    matter_window = next(x for x in ann_window["matters"] if x["matter_id"] == m["id"])
    assert (matter_window["opening_balance"], matter_window["transactions"]) == ("379.50", [])

    only_bob = firm.get(f"/client-funds-accounts/{acct['id']}/ledger", client_id=bob["id"])
    assert [c["client_id"] for c in only_bob["clients"]] == [bob["id"]]
    assert only_bob["closing_balance"] == "75.25"
    only_matter = firm.get(f"/client-funds-accounts/{acct['id']}/ledger", matter_id=m["id"])
    assert [x["matter_id"] for c in only_matter["clients"] for x in c["matters"]] == [m["id"]]
    assert (only_matter["closing_balance"], only_matter["transaction_count"]) == ("370.00", 3)
    r = firm.api.get(
        f"/client-funds-accounts/{acct['id']}/ledger",
        params={"client_id": bob["id"], "matter_id": m["id"]},
    )
    assert r.status_code == 422 and r.json()["error"]["field"] == "matter_id"
    r = firm.api.get(
        f"/client-funds-accounts/{acct['id']}/ledger",
        params={"from": "2026-03-01", "to": "2026-02-01"},
    )
    assert r.status_code == 422


def test_account_currency_must_be_real(firm: Firm) -> None:
    r = firm.api.post("/client-funds-accounts", json={"name": "Odd", "currency": "ABC"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "currency"
    assert (
        firm.post("/client-funds-accounts", {"name": "CAD trust", "currency": "cad"})["currency"]
        == "CAD"
    )
    assert Decimal(firm.get("/client-funds-accounts")["data"][0].get("balance", "0")) == 0
