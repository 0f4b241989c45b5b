"""More catalogue codes made to happen against the sandbox: 610, 2500 (and 6250), 2210, 2220
and 3100. Each test puts the company (or the ledger) into a state, runs a pass, reads the
failure with its code and our resolution, applies the fix, and checks every record is held
exactly once on the accounting side."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from lawsync.quickbooks import Class, Invoice, MemoryTokenStore, RetryPolicy, TokenSet
from lawsync.sync.catalogue import guide_for
from lawsync.sync.models import ConnectionStatus, QuickBooksConnection
from tests import builders
from tests.conftest import Firm
from tests.quickbooks.conftest import CLIENT_ID, Sandbox
from tests.sync.engine_support import Connected, connect, linked_invoices


def _qbo(c: Connected, method: str, path: str, body: Any = None, **params: Any) -> Any:
    r = c.company.sandbox.control.request(
        method,
        f"/v3/company/{c.company.realm}/{path}",
        headers={"Authorization": f"Bearer {c.company.tokens.access_token}"},
        json=body,
        params=params,
    )
    return r


def _read(c: Connected, entity: str, ident: str) -> dict[str, Any]:
    r = _qbo(c, "GET", f"{entity.lower()}/{ident}")
    assert r.status_code == 200, r.text
    return dict(r.json()[entity])


def _sparse(c: Connected, entity: str, ident: str, **fields: Any) -> dict[str, Any]:
    """Someone changes a record in the accounting company."""
    current = _read(c, entity, ident)
    body = {"Id": ident, "SyncToken": current["SyncToken"], "sparse": True, **fields}
    r = _qbo(c, "POST", entity.lower(), body)
    assert r.status_code == 200, r.text
    return dict(r.json()[entity])


def _delete_invoice(c: Connected, ident: str) -> None:
    """Someone deletes the invoice in the accounting company."""
    current = _read(c, "Invoice", ident)
    r = _qbo(
        c, "POST", "invoice", {"Id": ident, "SyncToken": current["SyncToken"]}, operation="delete"
    )
    assert r.status_code == 200, r.text


def _failures(c: Connected) -> list[dict[str, Any]]:
    return list(c.firm.get("/quickbooks/failures")["data"])


# ---- 610 ---------------------------------------------------------------------------------------


def _synced_bill_whose_invoice_was_deleted(
    connected: Connected,
) -> tuple[dict[str, Any], dict[str, Any], Invoice]:
    client, _, bill = builders.billed_client(connected.firm, hours="2", rate="150")
    connected.run()
    [invoice] = connected.invoices()
    assert invoice.Id
    _delete_invoice(connected, invoice.Id)
    return client, bill, invoice


def test_an_invoice_deleted_in_quickbooks_is_610_until_the_bill_is_voided_and_billed_again(
    connected: Connected,
) -> None:
    firm = connected.firm
    client, bill, invoice = _synced_bill_whose_invoice_was_deleted(connected)
    firm.patch(f"/bills/{bill['id']}", {"lines": [{"id": bill["lines"][0]["id"], "quantity": "3"}]})
    report = connected.run()
    assert report.kinds["bill"].failed == 1, report.kinds
    [failure] = _failures(connected)
    assert (failure["code"], failure["record"]["kind"], failure["record"]["id"]) == (
        "610",
        "bill",
        bill["id"],
    )
    assert "deleted" in failure["title"].lower() and "invoice" in failure["title"].lower()
    steps = " ".join(failure["resolution"]).lower()
    assert "void the bill" in steps and "payment" in steps
    assert connected.invoices() == []  # not silently made again under the old number
    # Parked until the bill changes or Retry is pressed: the look-up and the change feed only.
    assert connected.run().requests == 2
    # The fix: void the bill (its invoice is gone: the void counts as done), bill the work again.
    firm.post(f"/bills/{bill['id']}/void", None, 200)
    report = connected.run()
    assert (report.kinds["bill"].synced, report.failed) == (1, 0), _failures(connected)
    assert _failures(connected) == []
    again = builders.bill(firm, client["id"])
    assert again["number"] != bill["number"] and Decimal(again["total"]) == Decimal("450.00")
    report = connected.run()
    assert (report.kinds["bill"].synced, report.failed) == (1, 0), _failures(connected)
    [new] = connected.invoices()
    assert new.Id != invoice.Id and new.DocNumber == again["number"]
    assert Decimal(str(new.TotalAmt)) == Decimal("450.00")
    assert connected.run().synced == 0
    assert _failures(connected) == []


def test_a_payment_for_a_bill_whose_invoice_was_deleted_is_610_until_paid_on_a_new_bill(
    connected: Connected,
) -> None:
    firm = connected.firm
    client, bill, invoice = _synced_bill_whose_invoice_was_deleted(connected)
    payment = firm.post(
        "/payments",
        {
            "client_id": client["id"],
            "date": "2026-03-10",
            "amount": "100.00",
            "allocations": [{"bill_id": bill["id"], "amount": "100.00"}],
        },
    )
    report = connected.run()
    assert (report.kinds["bill"].failed, report.kinds["payment"].failed) == (1, 1), report.kinds
    by_kind = {f["record"]["kind"]: f for f in _failures(connected)}
    assert by_kind["bill"]["code"] == "610"
    paid = by_kind["payment"]
    assert (paid["code"], paid["element"], paid["record"]["id"]) == (
        "610",
        "Line.LinkedTxn",
        payment["id"],
    )
    assert "invoice this payment pays was deleted" in paid["title"].lower()
    assert any("delete this payment" in step.lower() for step in paid["resolution"])
    assert connected.payments() == [] and connected.invoices() == []
    # The fix, as the guide says: remove the payment, void the bill, bill again, pay again.
    firm.delete(f"/payments/{payment['id']}")
    firm.post(f"/bills/{bill['id']}/void", None, 200)
    again = builders.bill(firm, client["id"])
    firm.post(
        "/payments",
        {
            "client_id": client["id"],
            "date": "2026-03-11",
            "amount": "100.00",
            "allocations": [{"bill_id": again["id"], "amount": "100.00"}],
        },
    )
    report = connected.run()
    assert report.failed == 0, _failures(connected)
    assert _failures(connected) == []  # the deleted payment's failure is closed too
    [new] = connected.invoices()
    assert new.DocNumber == again["number"] and new.Id != invoice.Id
    assert Decimal(str(new.Balance)) == Decimal(str(new.TotalAmt)) - Decimal("100.00")
    [copy] = connected.payments()
    assert linked_invoices(copy) == [new.Id]
    assert connected.run().synced == 0


# ---- 2500 and 6250 -----------------------------------------------------------------------------


def _classes(c: Connected) -> list[Class]:
    return c.call(  # type: ignore[no-any-return]
        lambda qb, realm: qb.query(realm, Class, "Active IN (true, false)")
    )


def test_a_timekeepers_class_deleted_in_quickbooks_is_2500_until_restored(
    connected: Connected,
) -> None:
    firm = connected.firm
    connected.company.patch(class_tracking=True)
    firm.put("/quickbooks/settings", {"track_timekeepers": True})
    client, matter, _ = builders.billed_client(firm)
    report = connected.run()
    assert (report.kinds["user"].synced, report.kinds["bill"].synced) == (1, 1), report.kinds
    [cls] = _classes(connected)
    assert cls.Id
    _sparse(connected, "Class", cls.Id, Active=False)  # "deleting" a class makes it inactive
    builders.time_entry(firm, matter["id"], hours="1", rate="120")
    second = builders.bill(firm, client["id"])
    report = connected.run()
    assert report.kinds["bill"].failed == 1, report.kinds
    [failure] = _failures(connected)
    assert (failure["code"], failure["record"]["id"]) == ("2500", second["id"])
    assert f"Klasses element id {cls.Id}" in failure["detail"]
    assert "class" in failure["title"].lower()
    assert any("active again" in step.lower() for step in failure["resolution"])
    assert [i.DocNumber for i in connected.invoices()] != [] and second["number"] not in [
        i.DocNumber for i in connected.invoices()
    ]
    _sparse(connected, "Class", cls.Id, Active=True)
    firm.post(f"/quickbooks/failures/{failure['id']}/retry", None, 200)
    report = connected.run()
    assert report.kinds["bill"].synced == 1, _failures(connected)
    assert _failures(connected) == []
    assert [c.Id for c in _classes(connected)] == [cls.Id]  # restored, not made twice
    new = {i.DocNumber: i for i in connected.invoices()}[second["number"]]
    refs = {
        ln.SalesItemLineDetail.ClassRef.value
        for ln in new.Line or []
        if ln.SalesItemLineDetail and ln.SalesItemLineDetail.ClassRef
    }
    assert refs == {cls.Id}


def test_a_customer_deleted_in_quickbooks_refuses_new_invoices_until_made_active(
    connected: Connected,
) -> None:
    """QuickBooks deletes a customer by making it inactive; an invoice for it is then refused
    (6250 on a sales form, as the reference has it), with our guide for a linked client."""
    firm = connected.firm
    client, matter, first = builders.billed_client(firm)
    connected.run()
    [customer] = connected.customers()
    assert customer.Id
    _sparse(connected, "Customer", customer.Id, Active=False)
    builders.time_entry(firm, matter["id"], hours="1", rate="120")
    second = builders.bill(firm, client["id"])
    report = connected.run()
    assert report.kinds["bill"].failed == 1, report.kinds
    [failure] = _failures(connected)
    assert (failure["code"], failure["element"], failure["record"]["id"]) == (
        "6250",
        "CustomerRef",
        second["id"],
    )
    assert "deleted" in failure["title"].lower() and "inactive" in failure["title"].lower()
    assert any("active again" in step.lower() for step in failure["resolution"])
    assert [i.DocNumber for i in connected.invoices()] == [first["number"]]
    _sparse(connected, "Customer", customer.Id, Active=True)
    firm.post(f"/quickbooks/failures/{failure['id']}/retry", None, 200)
    report = connected.run()
    assert report.kinds["bill"].synced == 1, _failures(connected)
    assert _failures(connected) == []
    assert [c.Id for c in connected.customers()] == [customer.Id]  # no second customer
    numbers = sorted(str(i.DocNumber) for i in connected.invoices())
    assert numbers == sorted([first["number"], second["number"]])


# ---- 2210 and 2220 -----------------------------------------------------------------------------


def test_an_email_the_ledger_accepts_but_quickbooks_refuses_is_2210_before_any_call(
    connected: Connected,
) -> None:
    """The ledger's address check lets an empty domain label through (``..``); QuickBooks,
    and so the sandbox, refuses it: the pre-flight catches it before any call."""
    firm = connected.firm
    address = "ana@example..com"
    client = builders.client(firm, emails=[{"address": address, "primary": True}])
    assert client["primary_email"] == address  # accepted by the ledger's API
    builders.time_entry(firm, builders.matter(firm, client["id"])["id"])
    builders.bill(firm, client["id"])
    report = connected.run()
    assert report.kinds["contact"].failed == 1, report.kinds
    [failure] = _failures(connected)
    assert (failure["code"], failure["element"]) == ("2210", "PrimaryEmailAddr")
    assert "email" in failure["title"].lower()
    assert connected.customers() == [] and connected.invoices() == []
    refused = _qbo(
        connected,
        "POST",
        "customer",
        {"DisplayName": "Probe", "PrimaryEmailAddr": {"Address": address}},
    )
    assert refused.status_code == 400 and refused.json()["Fault"]["Error"][0]["code"] == "2210"
    firm.patch(
        f"/contacts/{client['id']}", {"emails": [{"address": "ana@example.com", "primary": True}]}
    )
    report = connected.run()
    assert (report.kinds["contact"].synced, report.kinds["bill"].synced) == (1, 1), report.kinds
    assert _failures(connected) == []
    [customer] = connected.customers()
    assert customer.PrimaryEmailAddr == {"Address": "ana@example.com"}  # type: ignore[comparison-overlap]


def test_a_currency_code_is_refused_by_the_ledger_and_legacy_ones_are_2220_before_any_call(
    connected: Connected,
) -> None:
    """The ledger only takes ISO 4217 codes (the same list the pre-flight checks), so a bad
    code can only be old data written around the API: it fails before any call and clears
    once corrected."""
    from lawsync.practice.models import Bill

    firm = connected.firm
    client = builders.client(firm)
    builders.time_entry(firm, builders.matter(firm, client["id"])["id"])
    for code in ("US$", "XYZ", "EURO"):
        refused = firm.post("/bills", {"client_id": client["id"], "currency": code}, 422)
        assert "currency" in str(refused).lower(), refused
    assert "ISO 4217" in str(
        firm.post("/bills", {"client_id": client["id"], "currency": "XYZ"}, 422)
    )
    bill = builders.bill(firm, client["id"])
    with firm.ledger.uow(firm.actor) as uow:  # legacy data, written around the API
        row = uow.session.execute(select(Bill).where(Bill.id == bill["id"])).scalar_one()
        row.currency = "XYZ"
        uow.commit()
    report = connected.run()
    assert report.kinds["bill"].failed == 1, report.kinds
    [failure] = _failures(connected)
    assert (failure["code"], failure["element"]) == ("2220", "CurrencyRef")
    assert "XYZ" in failure["message"] and "currency" in failure["title"].lower()
    assert connected.invoices() == []
    with firm.ledger.uow(firm.actor) as uow:
        row = uow.session.execute(select(Bill).where(Bill.id == bill["id"])).scalar_one()
        row.currency = "USD"
        uow.commit()
    firm.post(f"/quickbooks/failures/{failure['id']}/retry", None, 200)
    report = connected.run()
    assert report.kinds["bill"].synced == 1, _failures(connected)
    assert _failures(connected) == []
    assert [i.DocNumber for i in connected.invoices()] == [bill["number"]]


# ---- 3100 --------------------------------------------------------------------------------------


def _token(c: Connected, scope: str | None = None) -> MemoryTokenStore:
    body: dict[str, Any] = {"client_id": CLIENT_ID}
    if scope is not None:
        body["scope"] = scope
    r = c.company.sandbox.control.post(f"/_sandbox/companies/{c.company.realm}/tokens", json=body)
    assert r.status_code == 200, r.text
    return MemoryTokenStore(TokenSet.from_response(c.company.realm, r.json()))


def test_access_without_the_accounting_permission_is_3100_and_pauses_until_reconnected(
    connected: Connected,
) -> None:
    """HTTP 403 ApplicationAuthorizationFailed (errorCode 003100): lawsync's authorisation does
    not cover the accounting data. Only connecting again helps, so the firm is paused."""
    firm = connected.firm
    _, _, bill = builders.billed_client(firm)
    connected.company.store = _token(connected, scope="openid email")
    report = connected.run()
    assert report.reconnect_needed and report.synced == 0
    guide = guide_for("3100", detail="ApplicationAuthorizationFailed")
    assert guide.steps[0].startswith("Connect again")  # the advice for a paused sync
    assert report.note == f"Reconnect needed: {guide.title} (3100)"
    assert 403 in connected.company.statuses()
    assert _failures(connected) == []  # the company, not a record, is the problem
    status = firm.get("/quickbooks/status")
    assert status["connection"]["status"] == "reconnect_needed"
    assert guide.title in status["connection"]["status_note"]
    again = connected.run()
    assert "reconnect" in again.note.lower() and again.requests == 0
    # The firm connects again, granting the accounting permission (stand-in for OAuth).
    connected.company.store = _token(connected)
    with firm.ledger.uow(firm.actor) as uow:
        row = uow.session.execute(select(QuickBooksConnection)).scalar_one()
        row.status, row.status_note = ConnectionStatus.connected, ""
        uow.commit()
    report = connected.run()
    assert report.note == "" and report.kinds["bill"].synced == 1, report
    assert [i.DocNumber for i in connected.invoices()] == [bill["number"]]


def test_a_gateway_500_with_3100_is_an_outage_the_next_pass_finishes(
    connected: Connected,
) -> None:
    """HTTP 500 InternalServerError (errorCode 003100) is QuickBooks failing, not lawsync's
    access: retried, the pass stops early, no failure row, and the next pass finishes."""
    firm = connected.firm
    connected.client_options = {
        "retry": RetryPolicy(
            base_seconds=0.02, cap_seconds=0.1, budget_seconds=0.5, throttle_seconds=0.1
        )
    }
    _, _, bill = builders.billed_client(firm)
    connected.company.patch(outage="gateway_500")
    report = connected.run()
    assert not report.reconnect_needed and report.synced == 0
    assert "next pass" in report.note, report.note
    statuses = connected.company.statuses()
    assert statuses.count(500) >= 2  # retried before giving up for this pass
    assert _failures(connected) == []
    assert firm.get("/quickbooks/status")["connection"]["status"] == "connected"
    guide = guide_for("3100", detail="InternalServerError")
    assert guide.steps[0].startswith("Wait")  # the advice for an outage
    connected.company.patch(outage="none")
    report = connected.run()
    assert report.note == "" and report.kinds["bill"].synced == 1, report
    assert _failures(connected) == []
    assert [i.DocNumber for i in connected.invoices()] == [bill["number"]]


# ---- failures of records dropped before they ever synced ---------------------------------------


def test_a_refused_credit_note_that_is_voided_closes_its_failure(connected: Connected) -> None:
    firm = connected.firm
    _, _, bill = builders.billed_client(firm)  # issued 2026-03-02
    connected.run()
    connected.company.patch(book_close_date="2026-06-30")
    note = firm.post(
        "/credit-notes",
        {"bill_id": bill["id"], "amount": "10.00", "date": "2026-03-06", "reason": "Goodwill"},
    )
    connected.run()
    refused = [f for f in _failures(connected) if f["record"]["kind"] == "credit_note"]
    assert [f["code"] for f in refused] in (["6200"], ["6210"])
    firm.post(f"/credit-notes/{note['id']}/void", None, 200)
    connected.run()
    assert [f for f in _failures(connected) if f["record"]["kind"] == "credit_note"] == []
    assert (
        _qbo(connected, "GET", "query", query="SELECT * FROM CreditMemo")
        .json()["QueryResponse"]
        .get("CreditMemo", [])
        == []
    )


# ---- currencies ----------------------------------------------------------------------------------


def test_a_client_billed_in_another_currency_gets_a_customer_in_it(
    firm: Firm, client_sandbox: Sandbox
) -> None:
    """A company keeping several currencies: the customer is made in the currency of its
    client's bills (it cannot change later), so invoices in that currency are accepted; a bill
    in another currency for the same client is refused with the currency guide."""
    connected = connect(firm, client_sandbox.company(multicurrency=True), multicurrency=True)
    euro_client = builders.client(firm)
    matter = builders.matter(firm, euro_client["id"])
    builders.time_entry(firm, matter["id"], hours="2", rate="100")
    euro_bill = builders.bill(firm, euro_client["id"], currency="EUR")
    _, _, dollar_bill = builders.billed_client(firm)
    report = connected.run()
    assert report.failed == 0, _failures(connected)
    currencies = {c.DisplayName: _currency(c) for c in connected.customers()}
    assert sorted(currencies.values()) == ["EUR", "USD"]
    invoices = {i.DocNumber: i for i in connected.invoices()}
    euro = invoices[euro_bill["number"]]
    assert _currency(euro) == "EUR"
    assert Decimal(str(euro.TotalAmt)) == Decimal(euro_bill["total"])
    assert _currency(invoices[dollar_bill["number"]]) == "USD"
    firm.post(
        "/payments",
        {
            "client_id": euro_client["id"],
            "date": "2026-03-10",
            "amount": "50.00",
            "allocations": [{"bill_id": euro_bill["id"], "amount": "50.00"}],
        },
    )
    assert connected.run().kinds["payment"].synced == 1
    [payment] = connected.payments()
    assert _currency(payment) == "EUR" and linked_invoices(payment) == [euro.Id]

    builders.time_entry(firm, matter["id"], hours="1", rate="100")
    in_dollars = builders.bill(firm, euro_client["id"], currency="USD")
    report = connected.run()
    [failure] = _failures(connected)
    assert (failure["code"], failure["record"]["id"]) == ("6000", in_dollars["id"])
    assert "currency" in failure["title"].lower()
    assert in_dollars["number"] not in {i.DocNumber for i in connected.invoices()}


def _currency(entity: object) -> str:
    ref = getattr(entity, "CurrencyRef", None)
    if ref is None:
        ref = (getattr(entity, "model_extra", None) or {}).get("CurrencyRef")
    value = ref.get("value") if isinstance(ref, dict) else getattr(ref, "value", None)
    return str(value)
