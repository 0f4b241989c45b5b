"""The trust ledger's month: transfers, bank statements and their matching, and the three-way
reconciliation that closes a month, through the JSON API on a real server and database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import builders
from tests.conftest import Firm

STATEMENTS = Path(__file__).parent / "fixtures" / "statements"
MARCH = "2026-03"


def transfer(firm: Firm, body: dict[str, Any], status: int = 201) -> Any:
    return firm.post("/client-funds/transfers", {"date": "2026-03-10", **body}, status)


def balance(firm: Firm, account_id: int) -> str:
    return str(firm.get(f"/client-funds-accounts/{account_id}")["balance"])


def second_admin(firm: Firm, server_url: str) -> httpx.Client:
    other = firm.post(
        "/users", {"name": "Bea Approver", "email": "bea@example.com", "role": "admin"}
    )
    token = firm.post(f"/users/{other['id']}/tokens", {"label": "approver"})["token"]
    return httpx.Client(
        base_url=f"{server_url}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )


# Transfers ---------------------------------------------------------------------------------


def test_a_transfer_between_matters_moves_money_and_keeps_the_account_balance(firm: Firm) -> None:
    c = builders.client(firm)
    m1, m2 = builders.matter(firm, c["id"]), builders.matter(firm, c["id"])
    acct = builders.trust_account(firm)
    builders.deposit(firm, acct["id"], c["id"], "500.00", matter_id=m1["id"])
    t = transfer(
        firm,
        {
            "from_account_id": acct["id"],
            "from_client_id": c["id"],
            "from_matter_id": m1["id"],
            "to_matter_id": m2["id"],
            "amount": "200.00",
        },
    )
    assert (t["scope"], t["amount"], t["to_client_id"]) == ("matters", "200.00", c["id"])
    legs = [firm.get(f"/client-funds-transactions/{t[k]}") for k in ("out_txn_id", "in_txn_id")]
    assert [(leg["kind"], leg["amount"], leg["matter_id"]) for leg in legs] == [
        ("transfer_out", "-200.00", m1["id"]),
        ("transfer_in", "200.00", m2["id"]),
    ]
    assert balance(firm, acct["id"]) == "500.00"
    # The first matter now holds 300.00: 300.01 more cannot leave it.
    r = firm.api.post(
        "/client-funds/transfers",
        json={
            "date": "2026-03-11",
            "from_account_id": acct["id"],
            "from_client_id": c["id"],
            "from_matter_id": m1["id"],
            "to_matter_id": m2["id"],
            "amount": "300.01",
        },
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "insufficient_client_funds"
    assert len(firm.get("/client-funds/transfers")["data"]) == 1


def test_a_transfer_between_clients_needs_a_reason(firm: Firm) -> None:
    a, b = builders.client(firm), builders.client(firm)
    acct = builders.trust_account(firm)
    builders.deposit(firm, acct["id"], a["id"], "100.00")
    body = {
        "from_account_id": acct["id"],
        "from_client_id": a["id"],
        "to_client_id": b["id"],
        "amount": "40.00",
    }
    r = firm.api.post("/client-funds/transfers", json={"date": "2026-03-10", **body})
    assert r.status_code == 422 and r.json()["error"]["field"] == "reason"
    t = transfer(firm, body | {"reason": "Estate share agreed in writing"})
    assert t["scope"] == "clients"
    out = firm.get(f"/client-funds-transactions/{t['out_txn_id']}")
    assert "Estate share agreed in writing" in out["description"]
    listed = firm.get("/client-funds/transfers", client_id=b["id"])["data"]
    assert [x["id"] for x in listed] == [t["id"]]


def test_a_transfer_to_the_same_ledger_is_refused(firm: Firm) -> None:
    c = builders.client(firm)
    acct = builders.trust_account(firm)
    builders.deposit(firm, acct["id"], c["id"], "100.00")
    r = firm.api.post(
        "/client-funds/transfers",
        json={
            "date": "2026-03-10",
            "from_account_id": acct["id"],
            "from_client_id": c["id"],
            "amount": "1.00",
        },
    )
    assert r.status_code == 422 and r.json()["error"]["field"] == "to_matter_id"


def test_a_transfer_between_accounts_moves_bank_money(firm: Firm) -> None:
    c = builders.client(firm)
    one, two = builders.trust_account(firm, "Trust one"), builders.trust_account(firm, "Trust two")
    builders.deposit(firm, one["id"], c["id"], "900.00")
    t = transfer(
        firm,
        {
            "from_account_id": one["id"],
            "from_client_id": c["id"],
            "to_account_id": two["id"],
            "amount": "650.00",
        },
    )
    assert t["scope"] == "accounts"
    assert (balance(firm, one["id"]), balance(firm, two["id"])) == ("250.00", "650.00")
    journal = firm.get("/client-funds/transfers", account_id=two["id"])["data"]
    assert [x["id"] for x in journal] == [t["id"]]


def test_reversing_a_transfer_reverses_both_legs_and_only_once(firm: Firm) -> None:
    a, b = builders.client(firm), builders.client(firm)
    acct = builders.trust_account(firm)
    builders.deposit(firm, acct["id"], a["id"], "100.00")
    t = transfer(
        firm,
        {
            "from_account_id": acct["id"],
            "from_client_id": a["id"],
            "to_client_id": b["id"],
            "amount": "100.00",
            "reason": "Wrong client",
        },
    )
    # A leg alone cannot be reversed.
    r = firm.api.post(
        f"/client-funds-transactions/{t['in_txn_id']}/reverse", json={"reason": "oops"}
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "reverse_via_transfer"
    # The destination spent part of it: the reversal would take it below zero.
    builders.disburse(firm, acct["id"], b["id"], "30.00", method="eft")
    r = firm.api.post(f"/client-funds/transfers/{t['id']}/reverse", json={"reason": "Wrong"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "insufficient_client_funds"
    builders.deposit(firm, acct["id"], b["id"], "30.00")
    done = firm.post(f"/client-funds/transfers/{t['id']}/reverse", {"reason": "Wrong"}, 200)
    assert done["reversed"] is True and done["reversal_reason"] == "Wrong"
    kinds = [x["kind"] for x in firm.get("/client-funds-transactions")["data"]]
    assert kinds.count("reversal") == 2
    r = firm.api.post(f"/client-funds/transfers/{t['id']}/reverse", json={"reason": "Again"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_reversed"
    assert balance(firm, acct["id"]) == "100.00"


def test_another_firms_transfer_and_clients_are_not_found(firm: Firm, other_firm: Firm) -> None:
    c = builders.client(firm)
    acct = builders.trust_account(firm)
    builders.deposit(firm, acct["id"], c["id"], "100.00")
    m = builders.matter(firm, c["id"])
    t = transfer(
        firm,
        {
            "from_account_id": acct["id"],
            "from_client_id": c["id"],
            "to_matter_id": m["id"],
            "amount": "10.00",
        },
    )
    other_firm.get(f"/client-funds/transfers/{t['id']}", status=404)
    other_firm.post(f"/client-funds/transfers/{t['id']}/reverse", {"reason": "x"}, 404)
    r = other_firm.api.post(
        "/client-funds/transfers",
        json={
            "date": "2026-03-10",
            "from_account_id": acct["id"],
            "from_client_id": c["id"],
            "to_matter_id": m["id"],
            "amount": "1.00",
        },
    )
    assert r.status_code == 404


# Bank statements ---------------------------------------------------------------------------


def _march_books(firm: Firm) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A deposit of 1,000.00 on 3 March and cheque 101 of 250.00 on 10 March."""
    c = builders.client(firm)
    acct = builders.trust_account(firm)
    dep = builders.deposit(firm, acct["id"], c["id"], "1000.00", date=builders.DAY.replace(day=3))
    chq = builders.disburse(
        firm,
        acct["id"],
        c["id"],
        "250.00",
        date=builders.DAY.replace(day=10),
        cheque_number="101",
        payee_name="Land Registry",
    )
    return acct, dep, chq


def test_an_ofx_statement_is_imported_and_matched_automatically(firm: Firm) -> None:
    acct, dep, chq = _march_books(firm)
    done = firm.post(
        "/client-funds/statement-imports",
        {
            "account_id": acct["id"],
            "format": "ofx",
            "content": (STATEMENTS / "march.ofx").read_text(),
            "filename": "march.ofx",
        },
    )
    assert (done["closing_balance"], done["statement_date"]) == ("750.00", "2026-03-31")
    assert (done["lines"], done["matched"]) == (2, 2)
    lines = firm.get(f"/client-funds/statements/{done['id']}")["lines"]
    assert {line["matched_txn_id"] for line in lines} == {dep["id"], chq["id"]}
    three = firm.get("/client-funds/three-way", account_id=acct["id"], month=MARCH)
    assert three["outstanding"] == [] and three["balanced"] is True
    assert three["adjusted_bank_balance"] == three["journal_balance"] == "750.00"


def test_a_csv_statement_with_debit_and_credit_columns(firm: Firm) -> None:
    acct, _dep, _chq = _march_books(firm)
    body = {
        "account_id": acct["id"],
        "format": "csv",
        "content": (STATEMENTS / "march.csv").read_text(),
        "statement_date": "2026-03-31",
        "closing_balance": "750.00",
        "date_column": "Posted",
        "date_format": "%m/%d/%Y",
        "debit_column": "Withdrawals",
        "credit_column": "Deposits",
        "description_column": "Details",
        "cheque_column": "Cheque",
    }
    done = firm.post("/client-funds/statement-imports", body)
    assert (done["lines"], done["matched"]) == (2, 2)
    # A column the file does not have is named in the refusal.
    r = firm.api.post("/client-funds/statement-imports", json=body | {"date_column": "When"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "date_column"
    assert "When" in r.json()["error"]["message"]
    # A line that is not a date says which line.
    bad = body | {"content": "Posted,Details,Cheque,Withdrawals,Deposits\n31/31/2026,x,,1.00,\n"}
    r = firm.api.post("/client-funds/statement-imports", json=bad)
    assert r.status_code == 422 and "Line 2" in r.json()["error"]["message"]
    r = firm.api.post(
        "/client-funds/statement-imports",
        json={"account_id": acct["id"], "format": "ofx", "content": "not an ofx file"},
    )
    assert r.status_code == 422 and r.json()["error"]["field"] == "content"


def test_outstanding_items_follow_from_the_matching_and_hand_matching(firm: Firm) -> None:
    acct, dep, chq = _march_books(firm)
    # The bank shows the deposit only, and a line with no cheque number.
    csv_text = "Date,Amount,Memo\n2026-03-04,1000.00,Deposit\n"
    statement = firm.post(
        "/client-funds/statement-imports",
        {
            "account_id": acct["id"],
            "format": "csv",
            "content": csv_text,
            "statement_date": "2026-03-31",
            "closing_balance": "1000.00",
            "amount_column": "Amount",
            "description_column": "Memo",
        },
    )
    assert statement["matched"] == 1
    three = firm.get("/client-funds/three-way", account_id=acct["id"], month=MARCH)
    assert [o["txn_id"] for o in three["outstanding"]] == [chq["id"]]
    assert three["outstanding_cheques"] == "-250.00" and three["deposits_in_transit"] == "0.00"
    assert three["adjusted_bank_balance"] == "750.00" == three["journal_balance"]
    assert three["client_ledgers_total"] == "750.00" and three["balanced"] is True
    # Unmatch by hand, then match again by hand.
    line = firm.get(f"/client-funds/statements/{statement['id']}")["lines"][0]
    firm.post(f"/client-funds/statement-lines/{line['id']}/unmatch", None, 200)
    three = firm.get("/client-funds/three-way", account_id=acct["id"], month=MARCH)
    assert (
        three["deposits_in_transit"] == "1000.00" and three["bank_only"][0]["amount"] == "1000.00"
    )
    r = firm.api.post(
        f"/client-funds/statement-lines/{line['id']}/match", json={"txn_id": chq["id"]}
    )
    assert r.status_code == 422 and "amounts differ" in r.json()["error"]["message"]
    matched = firm.post(
        f"/client-funds/statement-lines/{line['id']}/match", {"txn_id": dep["id"]}, 200
    )
    assert matched["matched_txn_id"] == dep["id"]


# Month end ---------------------------------------------------------------------------------


def _reconciled_march(firm: Firm) -> tuple[dict[str, Any], dict[str, Any]]:
    acct, _dep, _chq = _march_books(firm)
    firm.post(
        "/client-funds/statements",
        {"account_id": acct["id"], "statement_date": "2026-03-31", "closing_balance": "750.00"},
    )
    firm.post(
        "/client-funds/statement-imports",
        {
            "account_id": acct["id"],
            "format": "ofx",
            "content": (STATEMENTS / "march.ofx").read_text(),
        },
    )
    rec = firm.post("/client-funds/reconciliations", {"account_id": acct["id"], "month": MARCH})
    return acct, rec


def test_a_month_is_prepared_approved_by_another_admin_and_then_closed(
    firm: Firm, server_url: str
) -> None:
    acct, rec = _reconciled_march(firm)
    assert rec["state"] == "prepared" and rec["prepared_by_id"] == firm.admin_id
    assert rec["adjusted_bank_balance"] == rec["journal_balance"] == "750.00"
    # The one who prepared it may not approve it.
    r = firm.api.post(f"/client-funds/reconciliations/{rec['id']}/approve")
    assert r.status_code == 403
    with second_admin(firm, server_url) as approver:
        r = approver.post(f"/client-funds/reconciliations/{rec['id']}/approve")
        assert r.status_code == 200, r.text
        closed = r.json()
    assert closed["state"] == "closed" and closed["approved_at"]
    client_id = firm.get("/client-funds-transactions")["data"][0]["client_id"]
    # Nothing may be dated in March any more: not a deposit, a disbursement, a transfer, a
    # statement, nor a reversal.
    r = firm.api.post(
        "/client-funds-transactions",
        json={
            "kind": "deposit",
            "account_id": acct["id"],
            "client_id": client_id,
            "amount": "5.00",
            "date": "2026-03-31",
        },
    )
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "month_closed" and r.json()["error"]["field"] == "date"
    assert "March 2026" in r.json()["error"]["message"]
    m = builders.matter(firm, client_id)
    r = firm.api.post(
        "/client-funds/transfers",
        json={
            "date": "2026-03-15",
            "from_account_id": acct["id"],
            "from_client_id": client_id,
            "to_matter_id": m["id"],
            "amount": "1.00",
        },
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "month_closed"
    r = firm.api.post(
        "/client-funds/statements",
        json={"account_id": acct["id"], "statement_date": "2026-03-20", "closing_balance": "1"},
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "month_closed"
    first = firm.get("/client-funds-transactions")["data"][0]
    r = firm.api.post(
        f"/client-funds-transactions/{first['id']}/reverse",
        json={"reason": "bounced", "date": "2026-03-31"},
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "month_closed"
    # The correction goes in the open month.
    firm.post(
        f"/client-funds-transactions/{first['id']}/reverse",
        {"reason": "bounced", "date": "2026-04-02"},
        status=409,  # the cheque already took 250.00: the client holds only 750.00
    )
    builders.deposit(firm, acct["id"], client_id, "5.00", date=builders.DAY.replace(month=4))
    # Preparing March again is refused: it is closed.
    r = firm.api.post(
        "/client-funds/reconciliations", json={"account_id": acct["id"], "month": MARCH}
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "month_closed"


def test_reopening_needs_an_administrator_and_a_reason_and_is_audited(
    firm: Firm, server_url: str
) -> None:
    acct, rec = _reconciled_march(firm)
    with second_admin(firm, server_url) as approver:
        approver.post(f"/client-funds/reconciliations/{rec['id']}/approve").raise_for_status()
    r = firm.api.post(f"/client-funds/reconciliations/{rec['id']}/reopen", json={"reason": ""})
    assert r.status_code == 422 and r.json()["error"]["field"] == "reason"
    member = firm.post("/users", {"name": "Mo Member", "email": "mo@example.com"})
    token = firm.post(f"/users/{member['id']}/tokens", {})["token"]
    with httpx.Client(
        base_url=str(firm.api.base_url), headers={"Authorization": f"Bearer {token}"}
    ) as api:
        r = api.post(f"/client-funds/reconciliations/{rec['id']}/reopen", json={"reason": "x"})
        assert r.status_code == 403
    done = firm.post(
        f"/client-funds/reconciliations/{rec['id']}/reopen",
        {"reason": "Bank corrected a deposit"},
        200,
    )
    assert done["state"] == "reopened" and done["reopen_reason"] == "Bank corrected a deposit"
    client_id = firm.get("/client-funds-transactions")["data"][0]["client_id"]
    builders.deposit(firm, acct["id"], client_id, "5.00", date=builders.DAY.replace(day=30))
    listed = firm.get("/client-funds/reconciliations", account_id=acct["id"])["data"]
    assert [x["state"] for x in listed] == ["reopened"]


def test_an_unbalanced_month_needs_an_explanation_and_a_stale_one_is_not_approved(
    firm: Firm, server_url: str
) -> None:
    acct, _dep, _chq = _march_books(firm)
    firm.post(
        "/client-funds/statements",
        {"account_id": acct["id"], "statement_date": "2026-03-31", "closing_balance": "700.00"},
    )
    # Nothing matched: both items outstanding; 700 + 1000 - 250 = 1450 ≠ 750.
    r = firm.api.post(
        "/client-funds/reconciliations", json={"account_id": acct["id"], "month": MARCH}
    )
    assert r.status_code == 422 and r.json()["error"]["field"] == "explanation"
    rec = firm.post(
        "/client-funds/reconciliations",
        {"account_id": acct["id"], "month": MARCH, "explanation": "Statement lines to come"},
    )
    assert rec["adjusted_bank_balance"] == "1450.00" and rec["journal_balance"] == "750.00"
    client_id = firm.get("/client-funds-transactions")["data"][0]["client_id"]
    builders.deposit(firm, acct["id"], client_id, "1.00", date=builders.DAY.replace(day=20))
    with second_admin(firm, server_url) as approver:
        r = approver.post(f"/client-funds/reconciliations/{rec['id']}/approve")
    assert r.status_code == 409 and r.json()["error"]["code"] == "reconciliation_stale"


@pytest.mark.parametrize("month", ["2026-13", "26-03", "2026-3", ""])
def test_a_month_that_is_not_one_is_refused(firm: Firm, month: str) -> None:
    acct = builders.trust_account(firm)
    r = firm.api.post(
        "/client-funds/reconciliations", json={"account_id": acct["id"], "month": month}
    )
    assert r.status_code == 422 and r.json()["error"]["field"] == "month"


def test_a_transfer_inside_one_account_and_its_reversal_never_reach_the_bank(firm: Firm) -> None:
    a, b = builders.client(firm), builders.client(firm)
    acct = builders.trust_account(firm)
    dep = builders.deposit(firm, acct["id"], a["id"], "90.00", date=builders.DAY.replace(day=3))
    t = transfer(
        firm,
        {
            "from_account_id": acct["id"],
            "from_client_id": a["id"],
            "to_client_id": b["id"],
            "amount": "90.00",
            "reason": "Wrong client",
        },
    )
    firm.post(
        f"/client-funds/transfers/{t['id']}/reverse", {"reason": "undo", "date": "2026-03-11"}, 200
    )
    reversal_ids = [
        x["id"] for x in firm.get("/client-funds-transactions")["data"] if x["kind"] == "reversal"
    ]
    assert len(reversal_ids) == 2
    # The bank shows a line of the same amount as the legs: only the deposit may take it.
    statement = firm.post(
        "/client-funds/statement-imports",
        {
            "account_id": acct["id"],
            "format": "csv",
            "content": "Date,Amount\n2026-03-11,90.00\n2026-03-12,-90.00\n",
            "statement_date": "2026-03-31",
            "closing_balance": "0.00",
            "amount_column": "Amount",
        },
    )
    lines = firm.get(f"/client-funds/statements/{statement['id']}")["lines"]
    assert [line["matched_txn_id"] for line in lines] == [dep["id"], None]
    for leg in (t["out_txn_id"], *reversal_ids):
        r = firm.api.post(
            f"/client-funds/statement-lines/{lines[1]['id']}/match", json={"txn_id": leg}
        )
        assert r.status_code == 422, r.text
    three = firm.get("/client-funds/three-way", account_id=acct["id"], month=MARCH)
    assert three["outstanding"] == [] and three["bank_only"][0]["amount"] == "-90.00"
    assert three["journal_balance"] == three["client_ledgers_total"] == "90.00"


def test_the_two_records_render_through_the_records_api(firm: Firm, server_url: str) -> None:
    acct, rec = _reconciled_march(firm)
    with second_admin(firm, server_url) as approver:
        approver.post(f"/client-funds/reconciliations/{rec['id']}/approve").raise_for_status()
    three = firm.get("/reports/three-way-reconciliation", account_id=acct["id"], as_of="2026-03-15")
    text = str(three)
    assert "750.00" in text and "Bea Approver" in text
    first = firm.api.get(
        "/reports/three-way-reconciliation",
        params={"account_id": acct["id"], "as_of": "2026-03-15", "format": "pdf"},
    )
    again = firm.api.get(
        "/reports/three-way-reconciliation",
        params={"account_id": acct["id"], "as_of": "2026-03-15", "format": "pdf"},
    )
    assert first.status_code == 200 and first.content == again.content  # a closed month
    c = builders.client(firm)
    client_id = firm.get("/client-funds-transactions")["data"][0]["client_id"]
    transfer(
        firm,
        {
            "date": "2026-04-02",
            "from_account_id": acct["id"],
            "from_client_id": client_id,
            "to_client_id": c["id"],
            "amount": "10.00",
            "reason": "Agreed",
        },
    )
    csv_text = firm.api.get(
        "/reports/transfer-journal", params={"account_id": acct["id"], "format": "csv"}
    ).text
    assert "Agreed" in csv_text and "10.00" in csv_text
