"""Money recorded in QuickBooks: payments of synced invoices come in; changed invoice amounts
are failures the firm decides, with the ledger's version pushed again on request."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lawsync.quickbooks import Customer, Invoice, Payment, Ref
from lawsync.sync.imports import invoices, payments
from lawsync.sync.imports.invoices import InvoiceChanges
from lawsync.sync.imports.payments import ReceivedPayments
from lawsync.sync.kinds import Kind
from tests import builders
from tests.sync.changes_support import edit, open_failures, remove, take
from tests.sync.engine_support import Connected

PAYMENTS = ReceivedPayments()
INVOICES = InvoiceChanges()


def _synced_bill(c: Connected, hours: str = "2", rate: str = "150") -> dict[str, Any]:
    """An approved bill of 300.00 (by default) sent to QuickBooks with its client."""
    client, _, bill = builders.billed_client(c.firm, hours=hours, rate=rate)
    report = c.run()
    assert report.failed == 0, report
    return {"client": client, "bill": bill, "invoice": _invoice_of(c, bill["number"])}


def _invoice_of(c: Connected, number: str) -> Invoice:
    return next(i for i in c.invoices() if i.DocNumber == number)


def _qbo_payment(c: Connected, invoice: Invoice, amount: str, ref: str = "") -> Payment:
    body = Payment(
        CustomerRef=invoice.CustomerRef,
        TotalAmt=Decimal(amount),
        TxnDate="2026-03-20",
        PaymentRefNum=ref or None,
        Line=[
            {  # type: ignore[list-item]
                "Amount": amount,
                "LinkedTxn": [{"TxnId": invoice.Id, "TxnType": "Invoice"}],
            }
        ],
    )
    return c.call(lambda qb, realm: qb.create(realm, body))  # type: ignore[no-any-return]


def _bill(c: Connected, bill: dict[str, Any]) -> dict[str, Any]:
    return dict(c.firm.get(f"/bills/{bill['id']}"))


def _live_payments(c: Connected) -> list[dict[str, Any]]:
    return [p for p in c.firm.get("/payments")["data"] if p["state"] == "active"]


def test_a_payment_recorded_in_quickbooks_pays_its_bill_in_lawsync(connected: Connected) -> None:
    made = _synced_bill(connected)
    paid = _qbo_payment(connected, made["invoice"], "120.00", ref="CHQ 881")
    assert take(connected, PAYMENTS, Payment, str(paid.Id)) == 1
    [payment] = _live_payments(connected)
    assert payment["amount"] == "120.00" and payment["reference"] == "CHQ 881"
    assert payment["client_id"] == made["client"]["id"]
    assert _bill(connected, made["bill"])["balance"] == "180.00"
    # The same change again, then a whole pass: nothing more in lawsync, nothing sent back.
    assert take(connected, PAYMENTS, Payment, str(paid.Id)) == 0
    report = connected.run()
    assert report.kinds["payment"].synced == 0 and report.failed == 0
    assert len(connected.payments()) == 1
    assert Decimal(str(_invoice_of(connected, made["bill"]["number"]).Balance)) == Decimal("180")


def test_a_payment_changed_then_deleted_in_quickbooks_follows(connected: Connected) -> None:
    made = _synced_bill(connected)
    paid = _qbo_payment(connected, made["invoice"], "100.00")
    take(connected, PAYMENTS, Payment, str(paid.Id))
    line = (paid.Line or [])[0].model_copy(update={"Amount": Decimal("150.00")})
    changed = edit(connected, paid, TotalAmt=Decimal("150.00"), Line=[line])
    assert take(connected, PAYMENTS, Payment, str(changed.Id)) == 1
    [payment] = _live_payments(connected)
    assert payment["amount"] == "150.00"
    assert _bill(connected, made["bill"])["balance"] == "150.00"
    remove(connected, changed)
    assert take(connected, PAYMENTS, Payment, str(changed.Id)) == 1
    assert _live_payments(connected) == []
    assert _bill(connected, made["bill"])["balance"] == "300.00"
    report = connected.run()  # the deletion is not sent back
    assert report.failed == 0 and connected.payments() == []


def test_a_payment_that_would_overpay_the_bill_is_a_failure(connected: Connected) -> None:
    made = _synced_bill(connected)
    connected.firm.post(
        "/payments",
        {
            "client_id": made["client"]["id"],
            "date": "2026-03-10",
            "amount": "250.00",
            "allocations": [{"bill_id": made["bill"]["id"], "amount": "250.00"}],
        },
    )
    paid = _qbo_payment(connected, made["invoice"], "300.00")
    assert take(connected, PAYMENTS, Payment, str(paid.Id)) == 0
    [failure] = open_failures(connected, Kind.RECEIVED_PAYMENT)
    assert failure.code == payments.OVERPAYS
    assert "owes 50.00" in failure.message
    assert len(_live_payments(connected)) == 1
    guide = connected.firm.get("/quickbooks/failures")["data"][0]
    assert guide["title"] == "A payment recorded in QuickBooks would overpay the bill"


def test_a_payment_of_an_invoice_lawsync_did_not_send_is_a_failure(connected: Connected) -> None:
    made = _synced_bill(connected)
    own = made["invoice"]
    stranger = connected.call(
        lambda qb, realm: qb.create(
            realm,
            Invoice(
                CustomerRef=own.CustomerRef,
                Line=[
                    {  # type: ignore[list-item]
                        "Amount": "40.00",
                        "DetailType": "SalesItemLineDetail",
                        "SalesItemLineDetail": {"ItemRef": {"value": connected.items[0]}},
                    }
                ],
            ),
        )
    )
    paid = _qbo_payment(connected, stranger, "40.00")
    assert take(connected, PAYMENTS, Payment, str(paid.Id)) == 0
    [failure] = open_failures(connected)
    assert failure.code == payments.UNKNOWN_INVOICE
    assert str(stranger.Id) in failure.message
    assert _live_payments(connected) == []


def test_lawsyncs_own_payment_coming_back_changes_nothing(connected: Connected) -> None:
    made = _synced_bill(connected)
    connected.firm.post(
        "/payments",
        {
            "client_id": made["client"]["id"],
            "date": "2026-03-10",
            "amount": "75.00",
            "allocations": [{"bill_id": made["bill"]["id"], "amount": "75.00"}],
        },
    )
    connected.run()
    [copy] = connected.payments()
    assert take(connected, PAYMENTS, Payment, str(copy.Id)) == 0
    assert [p["amount"] for p in _live_payments(connected)] == ["75.00"]
    assert open_failures(connected) == []


def test_changed_invoice_amounts_are_a_failure_until_pushed_again(connected: Connected) -> None:
    made = _synced_bill(connected)
    invoice = made["invoice"]
    line = next(ln for ln in invoice.Line or [] if ln.DetailType == "SalesItemLineDetail")
    detail = line.SalesItemLineDetail.model_copy(update={"Qty": Decimal(3)})  # type: ignore[union-attr]
    changed = edit(
        connected,
        invoice,
        Line=[line.model_copy(update={"Amount": Decimal("450.00"), "SalesItemLineDetail": detail})],
    )
    assert take(connected, INVOICES, Invoice, str(changed.Id)) == 0
    [failure] = open_failures(connected, Kind.INVOICE_CHANGE)
    assert failure.code == invoices.CHANGED and failure.local_id == made["bill"]["id"]
    assert failure.context["ledger"]["total"] == "300.00"
    assert failure.context["quickbooks"]["total"] == "450.00"
    assert [ln["amount"] for ln in failure.context["quickbooks"]["lines"]] == ["450.00"]
    assert _bill(connected, made["bill"])["total"] == "300.00"  # the ledger keeps its bill
    pushed = connected.firm.post(f"/quickbooks/failures/{failure.id}/push-again", None, 200)
    assert pushed["resolved_at"]
    report = connected.run()
    assert report.kinds["bill"].synced == 1, report
    back = _invoice_of(connected, made["bill"]["number"])
    assert Decimal(str(back.TotalAmt)) == Decimal("300.00")
    # lawsync's own update, seen again, is no change.
    take(connected, INVOICES, Invoice, str(back.Id))
    assert open_failures(connected) == []
    again = connected.firm.post(f"/quickbooks/failures/{failure.id}/push-again", None, 409)
    assert again["error"]["code"] == "nothing_to_push"


def test_a_payment_applied_in_quickbooks_is_no_invoice_change(connected: Connected) -> None:
    made = _synced_bill(connected)
    _qbo_payment(connected, made["invoice"], "10.00")
    assert take(connected, INVOICES, Invoice, str(made["invoice"].Id)) == 0
    assert open_failures(connected) == []


def test_a_voided_bill_whose_invoice_is_zeroed_is_no_invoice_change(connected: Connected) -> None:
    made = _synced_bill(connected)
    connected.firm.post(f"/bills/{made['bill']['id']}/void", None, 200)
    connected.run()
    assert take(connected, INVOICES, Invoice, str(made["invoice"].Id)) == 0
    assert open_failures(connected) == []


def test_a_payment_of_a_customer_lawsync_does_not_sync_is_left_alone(
    connected: Connected,
) -> None:
    _synced_bill(connected)
    walk_in = connected.call(lambda qb, realm: qb.create(realm, Customer(DisplayName="Walk-in")))
    sale = connected.call(
        lambda qb, realm: qb.create(
            realm,
            Invoice(
                CustomerRef=Ref(value=str(walk_in.Id)),
                Line=[
                    {  # type: ignore[list-item]
                        "Amount": "15.00",
                        "DetailType": "SalesItemLineDetail",
                        "SalesItemLineDetail": {"ItemRef": {"value": connected.items[0]}},
                    }
                ],
            ),
        )
    )
    paid = _qbo_payment(connected, sale, "15.00")
    assert take(connected, PAYMENTS, Payment, str(paid.Id)) == 0
    assert open_failures(connected) == [] and _live_payments(connected) == []
