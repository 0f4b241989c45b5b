"""Payments, credit notes and interest charges against approved bills."""

from __future__ import annotations

from tests import builders
from tests.conftest import Firm


def _pay(
    firm: Firm,
    client_id: int,
    allocations: list[tuple[int, str]],
    status: int = 201,
    **extra: object,
) -> dict[str, object]:
    total = sum(float(a) for _, a in allocations)
    body = {
        "client_id": client_id,
        "date": "2026-03-10",
        "amount": extra.pop("amount", f"{total:.2f}"),
        "allocations": [{"bill_id": b, "amount": a} for b, a in allocations],
        **extra,
    }
    return firm.post("/payments", body, status)


def test_a_payment_across_two_bills_pays_them_off(firm: Firm) -> None:
    c, m, b1 = builders.billed_client(firm, hours="1", rate="100")
    builders.time_entry(firm, m["id"], hours="1", rate="50")
    b2 = builders.bill(firm, c["id"])
    p = _pay(
        firm,
        c["id"],
        [(b1["id"], "100.00"), (b2["id"], "20.00")],
        method="eft",
        reference="Wire 991",
    )
    assert p["amount"] == "120.00" and p["source"] == "operating"
    assert firm.get(f"/bills/{b1['id']}")["state"] == "paid"
    b2_after = firm.get(f"/bills/{b2['id']}")
    assert (b2_after["state"], b2_after["balance"], b2_after["paid_total"]) == (
        "approved",
        "30.00",
        "20.00",
    )


def test_paying_more_than_the_balance_is_refused_and_nothing_is_written(firm: Firm) -> None:
    c, _, b = builders.billed_client(firm, hours="1", rate="100")
    r = firm.api.post(
        "/payments",
        json={
            "client_id": c["id"],
            "date": "2026-03-10",
            "amount": "100.01",
            "allocations": [{"bill_id": b["id"], "amount": "100.01"}],
        },
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "overpayment"
    assert firm.get("/payments")["data"] == []
    assert firm.get(f"/bills/{b['id']}")["balance"] == "100.00"


def test_allocations_must_add_up_to_the_payment(firm: Firm) -> None:
    c, _, b = builders.billed_client(firm)
    r = firm.api.post(
        "/payments",
        json={
            "client_id": c["id"],
            "date": "2026-03-10",
            "amount": "50.00",
            "allocations": [{"bill_id": b["id"], "amount": "40.00"}],
        },
    )
    assert r.status_code == 422 and r.json()["error"]["field"] == "allocations"


def test_a_draft_or_another_clients_bill_cannot_be_paid(firm: Firm) -> None:
    c = builders.client(firm)
    builders.time_entry(firm, builders.matter(firm, c["id"])["id"])
    draft = builders.bill(firm, c["id"], approve=False)
    r = firm.api.post(
        "/payments",
        json={
            "client_id": c["id"],
            "date": "2026-03-10",
            "amount": "1.00",
            "allocations": [{"bill_id": draft["id"], "amount": "1.00"}],
        },
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "bill_not_payable"
    _other, _, theirs = builders.billed_client(firm)
    r = firm.api.post(
        "/payments",
        json={
            "client_id": c["id"],
            "date": "2026-03-10",
            "amount": "1.00",
            "allocations": [{"bill_id": theirs["id"], "amount": "1.00"}],
        },
    )
    assert r.status_code == 422


def test_editing_a_payment_moves_the_money_and_is_recorded(firm: Firm) -> None:
    c, _, b = builders.billed_client(firm, hours="1", rate="100")
    p = _pay(firm, c["id"], [(b["id"], "100.00")])
    assert firm.get(f"/bills/{b['id']}")["state"] == "paid"
    edited = firm.patch(f"/payments/{p['id']}", {"amount": "60.00", "reason": "cheque was for 60"})
    assert edited["revision"] > p["revision"]
    assert edited["allocations"] == [{"bill_id": b["id"], "amount": "60.00"}]
    after = firm.get(f"/bills/{b['id']}")
    assert (after["state"], after["balance"]) == ("approved", "40.00")


def test_deleting_a_payment_restores_the_balance(firm: Firm) -> None:
    c, _, b = builders.billed_client(firm, hours="1", rate="100")
    p = _pay(firm, c["id"], [(b["id"], "100.00")])
    gone = firm.delete(f"/payments/{p['id']}", reason="bounced")
    assert gone["state"] == "deleted" and gone["allocations"] == []
    assert firm.get(f"/bills/{b['id']}")["balance"] == "100.00"
    assert firm.api.delete(f"/payments/{p['id']}").status_code == 409


def test_a_payment_from_trust_moves_client_funds(firm: Firm) -> None:
    c, m, b = builders.billed_client(firm, hours="1", rate="100")
    acct = builders.trust_account(firm)
    builders.deposit(firm, acct["id"], c["id"], "150.00", matter_id=m["id"])
    p = _pay(
        firm,
        c["id"],
        [(b["id"], "100.00")],
        source="client_funds",
        client_funds_account_id=acct["id"],
        matter_id=m["id"],
    )
    assert p["method"] == "trust_transfer"
    assert firm.get(f"/client-funds-accounts/{acct['id']}")["balance"] == "50.00"
    txns = firm.get("/client-funds-transactions", account_id=acct["id"])["data"]
    applied = [t for t in txns if t["kind"] == "payment_applied"]
    assert [(t["amount"], t["payment_id"], t["bill_id"]) for t in applied] == [
        ("-100.00", p["id"], b["id"])
    ]
    # Deleting it puts the money back by a reversing entry; the posted one stays untouched.
    firm.delete(f"/payments/{p['id']}")
    assert firm.get(f"/client-funds-accounts/{acct['id']}")["balance"] == "150.00"
    kinds = [
        t["kind"] for t in firm.get("/client-funds-transactions", account_id=acct["id"])["data"]
    ]
    assert kinds == ["deposit", "payment_applied", "reversal"]


def test_a_payment_from_trust_cannot_overdraw_the_client(firm: Firm) -> None:
    c, m, b = builders.billed_client(firm, hours="1", rate="100")
    acct = builders.trust_account(firm)
    builders.deposit(firm, acct["id"], c["id"], "99.99", matter_id=m["id"])
    r = firm.api.post(
        "/payments",
        json={
            "client_id": c["id"],
            "date": "2026-03-10",
            "amount": "100.00",
            "source": "client_funds",
            "client_funds_account_id": acct["id"],
            "matter_id": m["id"],
            "allocations": [{"bill_id": b["id"], "amount": "100.00"}],
        },
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "insufficient_client_funds"
    assert firm.get("/payments")["data"] == []
    assert firm.get(f"/bills/{b['id']}")["balance"] == "100.00"
    assert firm.get(f"/client-funds-accounts/{acct['id']}")["balance"] == "99.99"


def test_trust_payment_requires_an_account(firm: Firm) -> None:
    c, _, b = builders.billed_client(firm)
    r = firm.api.post(
        "/payments",
        json={
            "client_id": c["id"],
            "date": "2026-03-10",
            "amount": "1.00",
            "source": "client_funds",
            "allocations": [{"bill_id": b["id"], "amount": "1.00"}],
        },
    )
    assert r.status_code == 422 and r.json()["error"]["field"] == "client_funds_account_id"


def test_credit_notes_reduce_the_balance_but_not_below_zero(firm: Firm) -> None:
    _, _, b = builders.billed_client(firm, hours="1", rate="100")
    note = firm.post(
        "/credit-notes",
        {"bill_id": b["id"], "amount": "25.00", "date": "2026-03-04", "reason": "Goodwill"},
    )
    assert note["number"] == f"{b['number']}-CR1"
    after = firm.get(f"/bills/{b['id']}")
    assert (after["credited_total"], after["balance"]) == ("25.00", "75.00")
    r = firm.api.post(
        "/credit-notes", json={"bill_id": b["id"], "amount": "75.01", "date": "2026-03-04"}
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "overcredit"
    firm.post(f"/credit-notes/{note['id']}/void", {"reason": "entered twice"}, 200)
    assert firm.get(f"/bills/{b['id']}")["balance"] == "100.00"


def test_interest_is_charged_only_on_overdue_bills(firm: Firm) -> None:
    _, _, b = builders.billed_client(firm, hours="1", rate="1000")
    r = firm.api.post(
        "/interest-charges", json={"bill_id": b["id"], "rate": "1.5", "charged_on": b["due_date"]}
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_overdue"
    charge = firm.post(
        "/interest-charges", {"bill_id": b["id"], "rate": "1.5", "charged_on": "2026-12-01"}
    )
    assert (charge["basis"], charge["amount"], charge["rate"]) == ("1000.00", "15.00", "1.5")
    assert charge["number"] == f"{b['number']}-INT1"
    listed = firm.get("/interest-charges", bill_id=b["id"])["data"]
    assert [x["id"] for x in listed] == [charge["id"]]
    void = firm.post(f"/interest-charges/{charge['id']}/void", {}, 200)
    assert void["state"] == "void"


def test_every_payment_change_is_in_the_audit_trail(firm: Firm) -> None:
    c, m, b1 = builders.billed_client(firm, hours="1", rate="100")
    builders.time_entry(firm, m["id"], hours="1", rate="100")
    b2 = builders.bill(firm, c["id"])
    p = _pay(firm, c["id"], [(b1["id"], "50.00")])
    moved = firm.patch(
        f"/payments/{p['id']}",
        {"allocations": [{"bill_id": b2["id"], "amount": "50.00"}], "reason": "wrong bill"},
    )
    assert moved["revision"] > p["revision"]
    firm.delete(f"/payments/{p['id']}", reason="bounced")
    events = firm.get("/audit-events", entity="payment", entity_id=p["id"])["data"]
    assert [e["action"] for e in events] == ["create", "update", "delete"]
    assert events[1]["reason"] == "wrong bill" and events[2]["reason"] == "bounced"
    assert events[1]["changes"]["allocations"] == [
        {str(b1["id"]): "50.00"},
        {str(b2["id"]): "50.00"},
    ]
    assert all(e["user_id"] == firm.admin_id for e in events)
