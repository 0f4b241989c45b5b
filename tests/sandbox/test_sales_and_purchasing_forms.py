"""Estimate, RefundReceipt, PurchaseOrder, CreditCardPayment and TimeActivity: what each
makes of a request, what it posts, and what QuickBooks refuses."""

from __future__ import annotations

from decimal import Decimal

from tests.sandbox.sandbox_support import NewCompany, Qbo, balance, expense_line, fault, sales_line


def d(value: object) -> Decimal:
    return Decimal(str(value))


# ---- Estimate ------------------------------------------------------------------------------


def test_estimate_is_priced_like_an_invoice_but_posts_nothing(qbo: Qbo) -> None:
    cust = qbo.customer()["Id"]
    ar_before = balance(qbo, "AccountsReceivable")
    discount = {
        "Amount": 3.5,
        "DetailType": "DiscountLineDetail",
        "DiscountLineDetail": {"PercentBased": True, "DiscountPercent": 10},
    }
    est = qbo.create(
        "Estimate",
        {
            "CustomerRef": {"value": cust},
            "Line": [sales_line(35, Qty=1, UnitPrice=35), discount],
            "ExpirationDate": "2026-12-31",
        },
    )
    assert d(est["TotalAmt"]) == Decimal("31.5")
    assert [ln["DetailType"] for ln in est["Line"]] == [
        "SalesItemLineDetail",
        "SubTotalLineDetail",
        "DiscountLineDetail",
    ]
    assert est["TxnStatus"] == "Pending" and "Balance" not in est
    assert balance(qbo, "AccountsReceivable") == ar_before
    assert qbo.read("Customer", cust)["Balance"] == 0
    # Estimates are numbered in their own series, apart from invoices.
    inv = qbo.invoice(cust)
    est2 = qbo.create("Estimate", {"CustomerRef": {"value": cust}, "Line": [sales_line(10)]})
    assert int(est2["DocNumber"]) == int(est["DocNumber"]) + 1
    assert inv["DocNumber"] == "1001" and est["DocNumber"] == "1001"


def test_estimate_rules(qbo: Qbo) -> None:
    fault(qbo.post("estimate", {"Line": [sales_line(10)]}), 400, "2020", "CustomerRef")
    cust = qbo.customer()["Id"]
    body = {"CustomerRef": {"value": cust}, "Line": [sales_line(10)], "TxnStatus": "Maybe"}
    fault(qbo.post("estimate", body), 400, "2170", "TxnStatus")
    fault(qbo.post("estimate", {"CustomerRef": {"value": cust}}), 400, "2020", "Line")


# ---- RefundReceipt -------------------------------------------------------------------------


def test_refund_receipt_pays_back_from_the_bank(qbo: Qbo) -> None:
    cust = qbo.customer()["Id"]
    bank = qbo.accounts["Checking"]
    income = qbo.accounts["ServiceFeeIncome"]
    bank_before, income_before = balance(qbo, bank), balance(qbo, income)
    refund = qbo.create(
        "RefundReceipt",
        {
            "CustomerRef": {"value": cust},
            "DepositToAccountRef": {"value": bank},
            "PaymentType": "Check",
            "CheckPayment": {"CheckNum": "1001", "NameOnAcct": "Jo"},
            "Line": [sales_line(200)],
            "Balance": 100,
        },
    )
    assert d(refund["TotalAmt"]) == 200 and d(refund["Balance"]) == 0
    assert refund["DepositToAccountRef"]["value"] == bank
    assert balance(qbo, bank) == bank_before - 200
    assert balance(qbo, income) == income_before - 200


def test_refund_receipt_rules(qbo: Qbo) -> None:
    body = {"Line": [sales_line(20)]}
    fault(qbo.post("refundreceipt", body), 400, "2020", "DepositToAccountRef")
    undeposited = {**body, "DepositToAccountRef": {"value": qbo.accounts["UndepositedFunds"]}}
    fault(qbo.post("refundreceipt", undeposited), 400, "6430", "DepositToAccountRef")
    income = {**body, "DepositToAccountRef": {"value": qbo.accounts["ServiceFeeIncome"]}}
    fault(qbo.post("refundreceipt", income), 400, "6430", "DepositToAccountRef")
    bad_type = {
        **body,
        "DepositToAccountRef": {"value": qbo.accounts["Checking"]},
        "PaymentType": "Barter",
    }
    fault(qbo.post("refundreceipt", bad_type), 400, "2170", "PaymentType")


# ---- PurchaseOrder -------------------------------------------------------------------------


def test_purchase_order_totals_its_lines_and_posts_nothing(qbo: Qbo) -> None:
    vendor = qbo.create("Vendor", {"DisplayName": "Paper Co"})["Id"]
    cust = qbo.customer()["Id"]
    ap_before = balance(qbo, "AccountsPayable")
    po = qbo.create(
        "PurchaseOrder",
        {
            "VendorRef": {"value": vendor},
            "Line": [
                {
                    "Amount": 100,
                    "DetailType": "ItemBasedExpenseLineDetail",
                    "ItemBasedExpenseLineDetail": {
                        "ItemRef": {"value": "3"},
                        "Qty": 4,
                        "UnitPrice": 25,
                        "CustomerRef": {"value": cust},
                        "TaxCodeRef": {"value": "NON"},
                    },
                },
                expense_line(20, qbo.accounts["OfficeExpenses"]),
            ],
        },
    )
    assert d(po["TotalAmt"]) == 120 and po["POStatus"] == "Open"
    assert po["APAccountRef"]["value"] == qbo.accounts["AccountsPayable"]
    assert po["Line"][0]["ItemBasedExpenseLineDetail"]["BillableStatus"] == "NotBillable"
    assert po["DocNumber"] == "1001"
    assert balance(qbo, "AccountsPayable") == ap_before
    assert balance(qbo, "OfficeExpenses") == 0


def test_purchase_order_rules(qbo: Qbo, new_company: NewCompany) -> None:
    vendor = qbo.create("Vendor", {"DisplayName": "Ink Co"})["Id"]
    line = expense_line(10, qbo.accounts["OfficeExpenses"])
    fault(qbo.post("purchaseorder", {"Line": [line]}), 400, "2020", "VendorRef")
    fault(qbo.post("purchaseorder", {"VendorRef": {"value": vendor}}), 400, "2020", "Line")
    closed = {"VendorRef": {"value": vendor}, "Line": [line], "POStatus": "Pending"}
    fault(qbo.post("purchaseorder", closed), 400, "2170", "POStatus")
    missing = {"VendorRef": {"value": "999"}, "Line": [line]}
    fault(qbo.post("purchaseorder", missing), 400, "2500")
    essentials = new_company(edition="essentials")
    v = essentials.create("Vendor", {"DisplayName": "V"})["Id"]
    body = {
        "VendorRef": {"value": v},
        "Line": [expense_line(1, essentials.accounts["OfficeExpenses"])],
    }
    fault(essentials.post("purchaseorder", body), 400, "5020")


# ---- CreditCardPayment ---------------------------------------------------------------------


def test_credit_card_payment_moves_money_from_bank_to_card(qbo: Qbo) -> None:
    card, bank = qbo.accounts["CreditCard"], qbo.accounts["Checking"]
    body = {"CreditCardAccountRef": {"value": card}, "BankAccountRef": {"value": bank}}
    r = qbo.post("creditcardpayment", {**body, "Amount": 100})
    assert r.status_code == 200, r.text
    made = r.json()["CreditCardPaymentTxn"]  # QuickBooks' JSON name for the entity
    assert d(made["Amount"]) == 100
    assert balance(qbo, card) == -100 and balance(qbo, bank) == -100
    read = qbo.get(f"/creditcardpayment/{made['Id']}").json()["CreditCardPaymentTxn"]
    assert read["Id"] == made["Id"]
    rows = qbo.query("SELECT * FROM CreditCardPayment").json()["QueryResponse"]
    assert [row["Id"] for row in rows["CreditCardPaymentTxn"]] == [made["Id"]]
    r = qbo.post(
        "creditcardpayment",
        {**body, "Id": made["Id"], "SyncToken": made["SyncToken"], "Amount": 101},
    )
    assert r.status_code == 200, r.text
    assert balance(qbo, bank) == -101


def test_credit_card_payment_in_a_batch_goes_by_its_json_name(qbo: Qbo) -> None:
    body = {
        "CreditCardAccountRef": {"value": qbo.accounts["CreditCard"]},
        "BankAccountRef": {"value": qbo.accounts["Checking"]},
        "Amount": 12,
    }
    r = qbo.post(
        "batch",
        {"BatchItemRequest": [{"bId": "1", "operation": "create", "CreditCardPaymentTxn": body}]},
    )
    assert r.status_code == 200, r.text
    item = r.json()["BatchItemResponse"][0]
    assert d(item["CreditCardPaymentTxn"]["Amount"]) == 12


def test_credit_card_payment_rules(qbo: Qbo) -> None:
    card, bank = qbo.accounts["CreditCard"], qbo.accounts["Checking"]
    good = {"CreditCardAccountRef": {"value": card}, "BankAccountRef": {"value": bank}}
    fault(qbo.post("creditcardpayment", good), 400, "2020", "Amount")
    fault(qbo.post("creditcardpayment", {**good, "Amount": 0}), 400, "6000", "Amount")
    swapped = {"CreditCardAccountRef": {"value": bank}, "BankAccountRef": {"value": card}}
    fault(qbo.post("creditcardpayment", {**swapped, "Amount": 5}), 400, "6430")
    no_bank = {"CreditCardAccountRef": {"value": card}, "Amount": 5}
    fault(qbo.post("creditcardpayment", no_bank), 400, "2020", "BankAccountRef")


# ---- TimeActivity --------------------------------------------------------------------------


def test_time_activity_records_time_and_posts_nothing(qbo: Qbo) -> None:
    worker = qbo.create("Employee", {"GivenName": "Ann", "FamilyName": "Lee"})["Id"]
    cust = qbo.customer()["Id"]
    t = qbo.create(
        "TimeActivity",
        {
            "NameOf": "Employee",
            "EmployeeRef": {"value": worker},
            "CustomerRef": {"value": cust},
            "StartTime": "2026-07-22T10:00:00-07:00",
            "EndTime": "2026-07-22T11:30:00-07:00",
            "CostRate": 50,
            "BillableStatus": "Billable",
            "HourlyRate": 120,
            "Description": "Call",
        },
    )
    assert t["TxnDate"] == "2026-07-22" and d(t["CostRate"]) == 50
    assert t["EmployeeRef"]["name"] == "Ann Lee"
    hours = qbo.create(
        "TimeActivity",
        {"NameOf": "Employee", "EmployeeRef": {"value": worker}, "Hours": 2, "Minutes": 15},
    )
    assert hours["Hours"] == 2 and hours["Minutes"] == 15
    assert hours["BillableStatus"] == "NotBillable"
    assert qbo.read("Customer", cust)["Balance"] == 0


def test_time_activity_rules(qbo: Qbo, new_company: NewCompany) -> None:
    worker = qbo.create("Employee", {"GivenName": "Bo"})["Id"]
    ref = {"EmployeeRef": {"value": worker}}
    fault(qbo.post("timeactivity", {**ref, "Hours": 1}), 400, "2020", "NameOf")
    fault(qbo.post("timeactivity", {"NameOf": "Robot", **ref, "Hours": 1}), 400, "2170")
    fault(qbo.post("timeactivity", {"NameOf": "Employee", "Hours": 1}), 400, "2020")
    fault(qbo.post("timeactivity", {"NameOf": "Employee", **ref}), 400, "2020", "Hours")
    backwards = {
        "NameOf": "Employee",
        **ref,
        "StartTime": "2026-07-22T11:00:00Z",
        "EndTime": "2026-07-22T10:00:00Z",
    }
    fault(qbo.post("timeactivity", backwards), 400, "6000", "EndTime")
    minutes = {"NameOf": "Employee", **ref, "Minutes": 75}
    fault(qbo.post("timeactivity", minutes), 400, "6000", "Minutes")
    billable = {"NameOf": "Employee", **ref, "Hours": 1, "BillableStatus": "Billable"}
    fault(qbo.post("timeactivity", billable), 400, "2020", "CustomerRef")
