"""Each QBO validation rule: the offending request over HTTP, its status, code and element."""

from __future__ import annotations

from typing import Any

from tests.sandbox.sandbox_support import Qbo, fault


def sales_line(amount: float, **detail: Any) -> dict[str, Any]:
    return {
        "Amount": amount,
        "DetailType": "SalesItemLineDetail",
        "SalesItemLineDetail": {"ItemRef": {"value": "2"}, **detail},
    }


def test_610_reference_to_inactive_item(qbo: Qbo) -> None:
    item = qbo.create(
        "Item",
        {
            "Name": "Old fee",
            "Type": "Service",
            "IncomeAccountRef": {"value": qbo.accounts["ServiceFeeIncome"]},
        },
    )
    qbo.create("Item", {"Id": item["Id"], "SyncToken": "0", "sparse": True, "Active": False})
    c = qbo.customer()
    r = qbo.post(
        "invoice",
        {
            "CustomerRef": {"value": c["Id"]},
            "Line": [
                {
                    "Amount": 5,
                    "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": {"ItemRef": {"value": item["Id"]}},
                }
            ],
        },
    )
    err = fault(r, 400, "610", "Line.SalesItemLineDetail.ItemRef")
    assert "made inactive" in err["Detail"]


def test_620_payment_linked_to_another_customers_invoice(qbo: Qbo) -> None:
    a, b = qbo.customer(), qbo.customer()
    inv = qbo.invoice(a["Id"])
    r = qbo.post(
        "payment",
        {
            "CustomerRef": {"value": b["Id"]},
            "TotalAmt": 10,
            "Line": [{"Amount": 10, "LinkedTxn": [{"TxnId": inv["Id"], "TxnType": "Invoice"}]}],
        },
    )
    err = fault(r, 400, "620", "Line.LinkedTxn")
    assert "another customer" in err["Detail"]


def test_620_payment_for_an_invoice_whose_customer_was_changed(qbo: Qbo) -> None:
    a, b = qbo.customer(), qbo.customer()
    inv = qbo.invoice(a["Id"])
    moved = qbo.create(
        "Invoice",
        {
            "Id": inv["Id"],
            "SyncToken": inv["SyncToken"],
            "sparse": True,
            "CustomerRef": {"value": b["Id"]},
        },
    )
    assert moved["CustomerRef"]["value"] == b["Id"]
    body = {
        "CustomerRef": {"value": a["Id"]},
        "TotalAmt": 10,
        "Line": [{"Amount": 10, "LinkedTxn": [{"TxnId": inv["Id"], "TxnType": "Invoice"}]}],
    }
    fault(qbo.post("payment", body), 400, "620", "Line.LinkedTxn")
    qbo.create(
        "Invoice",
        {
            "Id": inv["Id"],
            "SyncToken": moved["SyncToken"],
            "sparse": True,
            "CustomerRef": {"value": a["Id"]},
        },
    )
    assert qbo.post("payment", body).status_code == 200


def test_610_payment_linked_to_unknown_or_deleted_transaction(qbo: Qbo) -> None:
    c = qbo.customer()
    inv = qbo.invoice(c["Id"])
    deleted = qbo.post(
        "invoice", {"Id": inv["Id"], "SyncToken": inv["SyncToken"]}, operation="delete"
    )
    assert deleted.status_code == 200, deleted.text
    for txn_id in ("9999", inv["Id"]):
        r = qbo.post(
            "payment",
            {
                "CustomerRef": {"value": c["Id"]},
                "TotalAmt": 10,
                "Line": [{"Amount": 10, "LinkedTxn": [{"TxnId": txn_id, "TxnType": "Invoice"}]}],
            },
        )
        err = fault(r, 400, "610", "Line.LinkedTxn")
        assert "deleted" in err["Detail"] and txn_id in err["Detail"]


def test_2020_invoice_without_lines(qbo: Qbo) -> None:
    c = qbo.customer()
    err = fault(qbo.post("invoice", {"CustomerRef": {"value": c["Id"]}}), 400, "2020", "Line")
    assert err["Detail"] == "Required parameter Line is missing in the request"


def test_2020_invoice_without_customer(qbo: Qbo) -> None:
    fault(qbo.post("invoice", {"Line": [sales_line(5)]}), 400, "2020", "CustomerRef")


def test_2020_line_without_amount(qbo: Qbo) -> None:
    c = qbo.customer()
    r = qbo.post(
        "invoice",
        {
            "CustomerRef": {"value": c["Id"]},
            "Line": [{"DetailType": "SalesItemLineDetail", "SalesItemLineDetail": {}}],
        },
    )
    fault(r, 400, "2020", "Line.Amount")


def test_2050_doc_number_longer_than_21(qbo: Qbo) -> None:
    c = qbo.customer()
    r = qbo.post(
        "invoice",
        {"CustomerRef": {"value": c["Id"]}, "DocNumber": "X" * 22, "Line": [sales_line(5)]},
    )
    err = fault(r, 400, "2050", "DocNumber")
    assert "Max:21" in err["Detail"] and "Supplied length:22" in err["Detail"]


def test_2050_display_name_too_long(qbo: Qbo) -> None:
    fault(qbo.post("customer", {"DisplayName": "n" * 501}), 400, "2050", "DisplayName")


def test_2170_bad_account_type(qbo: Qbo) -> None:
    fault(
        qbo.post("account", {"Name": "Weird", "AccountType": "Magic"}), 400, "2170", "AccountType"
    )


def test_2170_billable_status_has_been_billed(qbo: Qbo) -> None:
    c = qbo.customer()
    r = qbo.post(
        "purchase",
        {
            "PaymentType": "Cash",
            "AccountRef": {"value": qbo.accounts["Checking"]},
            "Line": [
                {
                    "Amount": 10,
                    "DetailType": "AccountBasedExpenseLineDetail",
                    "AccountBasedExpenseLineDetail": {
                        "AccountRef": {"value": qbo.accounts["OfficeExpenses"]},
                        "BillableStatus": "HasBeenBilled",
                        "CustomerRef": {"value": c["Id"]},
                    },
                }
            ],
        },
    )
    fault(r, 400, "2170", "Line.AccountBasedExpenseLineDetail.BillableStatus")


def test_2200_web_address_without_scheme(qbo: Qbo) -> None:
    err = fault(
        qbo.post("customer", {"DisplayName": "Web", "WebAddr": {"URI": "example.com"}}),
        400,
        "2200",
        "WebAddr",
    )
    assert "example.com" in err["Detail"]


def test_2210_bad_email(qbo: Qbo) -> None:
    r = qbo.post(
        "customer", {"DisplayName": "Mail", "PrimaryEmailAddr": {"Address": "a@b.com, c@d.com"}}
    )
    fault(r, 400, "2210", "PrimaryEmailAddr")
    for bad in ("ana@example..com", "ana@example.com.", "ana@.example.com"):
        r = qbo.post("customer", {"DisplayName": "Mail", "PrimaryEmailAddr": {"Address": bad}})
        fault(r, 400, "2210", "PrimaryEmailAddr")
    assert qbo.create(
        "Customer", {"DisplayName": "Mail", "PrimaryEmailAddr": {"Address": "a@b.co.uk"}}
    )


def test_2220_foreign_currency_without_multicurrency(qbo: Qbo) -> None:
    r = qbo.post("customer", {"DisplayName": "Euro", "CurrencyRef": {"value": "EUR"}})
    fault(r, 400, "2220", "CurrencyRef")


def test_2500_unknown_item(qbo: Qbo) -> None:
    c = qbo.customer()
    r = qbo.post(
        "invoice",
        {
            "CustomerRef": {"value": c["Id"]},
            "Line": [
                {
                    "Amount": 5,
                    "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": {"ItemRef": {"value": "583"}},
                }
            ],
        },
    )
    err = fault(r, 400, "2500", "Reference Id")
    assert err["Detail"] == "Invalid Reference Id : Items element id 583 not found"


def test_2500_unknown_class_uses_klasses(new_company: Any) -> None:
    q = new_company(edition="plus")
    q.patch(class_tracking=True)
    c = q.customer()
    r = q.post(
        "invoice",
        {"CustomerRef": {"value": c["Id"]}, "Line": [sales_line(5, ClassRef={"value": "999999"})]},
    )
    err = fault(r, 400, "2500", "Reference Id")
    assert "Klasses element id 999999 not found" in err["Detail"]


def test_2500_inactive_class_is_not_found_like_a_deleted_one(new_company: Any) -> None:
    q = new_company(edition="plus")
    q.patch(class_tracking=True)
    c = q.customer()
    cls = q.create("Class", {"Name": "Ana Lima"})
    q.create(
        "Class", {"Id": cls["Id"], "SyncToken": cls["SyncToken"], "sparse": True, "Active": False}
    )
    line = sales_line(5, ClassRef={"value": cls["Id"]})
    r = q.post("invoice", {"CustomerRef": {"value": c["Id"]}, "Line": [line]})
    err = fault(r, 400, "2500", "Reference Id")
    assert f"Klasses element id {cls['Id']} not found" in err["Detail"]
    now = q.read("Class", cls["Id"])
    q.create(
        "Class", {"Id": cls["Id"], "SyncToken": now["SyncToken"], "sparse": True, "Active": True}
    )
    r = q.post("invoice", {"CustomerRef": {"value": c["Id"]}, "Line": [line]})
    assert r.status_code == 200, r.text


def test_2300_unbalanced_journal_entry(qbo: Qbo) -> None:
    r = qbo.post(
        "journalentry",
        {
            "Line": [
                {
                    "Amount": 10,
                    "DetailType": "JournalEntryLineDetail",
                    "JournalEntryLineDetail": {
                        "PostingType": "Debit",
                        "AccountRef": {"value": qbo.accounts["OfficeExpenses"]},
                    },
                },
                {
                    "Amount": 9.99,
                    "DetailType": "JournalEntryLineDetail",
                    "JournalEntryLineDetail": {
                        "PostingType": "Credit",
                        "AccountRef": {"value": qbo.accounts["Checking"]},
                    },
                },
            ]
        },
    )
    fault(r, 400, "2300", "Line")


def test_5020_class_in_essentials(new_company: Any) -> None:
    q = new_company(edition="essentials")
    fault(q.post("class", {"Name": "Litigation"}), 400, "5020", "")


def test_5030_billable_expense_below_plus(new_company: Any) -> None:
    q = new_company(edition="essentials")
    c = q.customer()
    r = q.post(
        "purchase",
        {
            "PaymentType": "Cash",
            "AccountRef": {"value": q.accounts["Checking"]},
            "Line": [
                {
                    "Amount": 10,
                    "DetailType": "AccountBasedExpenseLineDetail",
                    "AccountBasedExpenseLineDetail": {
                        "AccountRef": {"value": q.accounts["OfficeExpenses"]},
                        "BillableStatus": "Billable",
                        "CustomerRef": {"value": c["Id"]},
                    },
                }
            ],
        },
    )
    fault(r, 400, "5030", "Line.AccountBasedExpenseLineDetail.BillableStatus")


def test_5030_class_ref_when_tracking_is_off(qbo: Qbo) -> None:
    qbo.patch(class_tracking=True)
    cls = qbo.create("Class", {"Name": "Family law"})
    qbo.patch(class_tracking=False)
    c = qbo.customer()
    r = qbo.post(
        "invoice",
        {"CustomerRef": {"value": c["Id"]}, "Line": [sales_line(5, ClassRef={"value": cls["Id"]})]},
    )
    fault(r, 400, "5030", "Line.SalesItemLineDetail.ClassRef")


def test_6000_journal_entry_with_one_line(qbo: Qbo) -> None:
    r = qbo.post(
        "journalentry",
        {
            "Line": [
                {
                    "Amount": 10,
                    "DetailType": "JournalEntryLineDetail",
                    "JournalEntryLineDetail": {
                        "PostingType": "Debit",
                        "AccountRef": {"value": qbo.accounts["OfficeExpenses"]},
                    },
                }
            ]
        },
    )
    err = fault(r, 400, "6000", "Line")
    assert err["Detail"] == "Business Validation Error: A journal entry needs at least two lines."


def test_6000_receivable_line_without_customer(qbo: Qbo) -> None:
    r = qbo.post(
        "journalentry",
        {
            "Line": [
                {
                    "Amount": 10,
                    "DetailType": "JournalEntryLineDetail",
                    "JournalEntryLineDetail": {
                        "PostingType": "Debit",
                        "AccountRef": {"value": qbo.accounts["AccountsReceivable"]},
                    },
                },
                {
                    "Amount": 10,
                    "DetailType": "JournalEntryLineDetail",
                    "JournalEntryLineDetail": {
                        "PostingType": "Credit",
                        "AccountRef": {"value": qbo.accounts["ServiceFeeIncome"]},
                    },
                },
            ]
        },
    )
    err = fault(r, 400, "6000", "Line.JournalEntryLineDetail.Entity")
    assert "Accounts Receivable" in err["Detail"]


def test_6000_payment_without_amount(qbo: Qbo) -> None:
    c = qbo.customer()
    err = fault(qbo.post("payment", {"CustomerRef": {"value": c["Id"]}}), 400, "6000", "TotalAmt")
    assert err["Detail"] == "Business Validation Error: A payment needs an amount (TotalAmt)."


def test_6000_payment_applied_beyond_open_balance(qbo: Qbo) -> None:
    c = qbo.customer()
    inv = qbo.invoice(c["Id"], "50.00")
    r = qbo.post(
        "payment",
        {
            "CustomerRef": {"value": c["Id"]},
            "TotalAmt": 60,
            "Line": [{"Amount": 60, "LinkedTxn": [{"TxnId": inv["Id"], "TxnType": "Invoice"}]}],
        },
    )
    fault(r, 400, "6000", "Line.Amount")


def test_6000_canadian_line_without_tax_code(new_company: Any) -> None:
    q = new_company(country="CA")
    c = q.customer()
    r = q.post("invoice", {"CustomerRef": {"value": c["Id"]}, "Line": [sales_line(10)]})
    err = fault(r, 400, "6000", "TaxCodeRef")
    assert "GST/HST" in err["Detail"]


def test_6070_amount_not_qty_times_price(qbo: Qbo) -> None:
    c = qbo.customer()
    r = qbo.post(
        "invoice",
        {"CustomerRef": {"value": c["Id"]}, "Line": [sales_line(451.50, Qty=48, UnitPrice=9.41)]},
    )
    err = fault(r, 400, "6070", "Line.Amount")
    assert "Supplied value:451.5" in err["Detail"]


def test_6070_accepts_product_rounded_to_the_cent(qbo: Qbo) -> None:
    c = qbo.customer()
    inv = qbo.create(
        "Invoice",
        {
            "CustomerRef": {"value": c["Id"]},
            "Line": [sales_line(451.50, Qty=48, UnitPrice=9.40625)],
        },
    )
    assert inv["TotalAmt"] == 451.5


def test_6140_duplicate_doc_number_with_custom_numbers(qbo: Qbo) -> None:
    qbo.patch(custom_txn_numbers=True)
    c = qbo.customer()
    first = qbo.invoice(c["Id"], DocNumber="INV-7")
    r = qbo.post(
        "invoice",
        {"CustomerRef": {"value": c["Id"]}, "DocNumber": "INV-7", "Line": [sales_line(5)]},
    )
    err = fault(r, 400, "6140", "DocNumber")
    assert f"TxnId={first['Id']}" in err["Detail"] and "TxnType=Invoice" in err["Detail"]
    ok = qbo.post(
        "invoice",
        {"CustomerRef": {"value": c["Id"]}, "DocNumber": "INV-7", "Line": [sales_line(5)]},
        include="allowduplicatedocnum",
    )
    assert ok.status_code == 200


def test_6140_duplicate_cheque_number_only_when_warned(qbo: Qbo) -> None:
    def cheque() -> Any:
        return qbo.post(
            "purchase",
            {
                "PaymentType": "Check",
                "DocNumber": "501",
                "AccountRef": {"value": qbo.accounts["Checking"]},
                "Line": [
                    {
                        "Amount": 10,
                        "DetailType": "AccountBasedExpenseLineDetail",
                        "AccountBasedExpenseLineDetail": {
                            "AccountRef": {"value": qbo.accounts["OfficeExpenses"]}
                        },
                    }
                ],
            },
        )

    assert cheque().status_code == 200
    assert cheque().status_code == 200
    qbo.patch(warn_duplicate_doc_numbers=True)
    fault(cheque(), 400, "6140", "DocNumber")


def test_6240_display_name_shared_by_vendor_and_inactive_customer(qbo: Qbo) -> None:
    c = qbo.customer("Smith & Co")
    qbo.create("Customer", {"Id": c["Id"], "SyncToken": "0", "sparse": True, "Active": False})
    err = fault(qbo.post("vendor", {"DisplayName": "smith & co"}), 400, "6240", "")
    assert err["Detail"].startswith("Duplicate Name Exists Error")
    fault(qbo.post("employee", {"DisplayName": "Smith & Co"}), 400, "6240")


def test_6250_invoice_for_inactive_customer(qbo: Qbo) -> None:
    c = qbo.customer()
    qbo.create("Customer", {"Id": c["Id"], "SyncToken": "0", "sparse": True, "Active": False})
    r = qbo.post("invoice", {"CustomerRef": {"value": c["Id"]}, "Line": [sales_line(5)]})
    fault(r, 400, "6250", "CustomerRef")


def test_6430_payment_deposited_to_expense_account(qbo: Qbo) -> None:
    c = qbo.customer()
    r = qbo.post(
        "payment",
        {
            "CustomerRef": {"value": c["Id"]},
            "TotalAmt": 5,
            "DepositToAccountRef": {"value": qbo.accounts["OfficeExpenses"]},
        },
    )
    fault(r, 400, "6430", "DepositToAccountRef")


def test_6430_cheque_paid_from_credit_card(qbo: Qbo) -> None:
    r = qbo.post(
        "purchase",
        {
            "PaymentType": "Check",
            "AccountRef": {"value": qbo.accounts["CreditCard"]},
            "Line": [
                {
                    "Amount": 10,
                    "DetailType": "AccountBasedExpenseLineDetail",
                    "AccountBasedExpenseLineDetail": {
                        "AccountRef": {"value": qbo.accounts["OfficeExpenses"]}
                    },
                }
            ],
        },
    )
    fault(r, 400, "6430", "AccountRef")


def test_6470_tax_code_without_sales_rate(new_company: Any) -> None:
    q = new_company(country="CA")
    c = q.customer()
    r = q.post(
        "invoice",
        {"CustomerRef": {"value": c["Id"]}, "Line": [sales_line(10, TaxCodeRef={"value": "6"})]},
    )
    fault(r, 400, "6470", "TaxCodeRef")


def test_6470_purchase_only_tax_code_on_an_invoice_line(new_company: Any) -> None:
    q = new_company(country="CA")
    code = q.read("TaxCode", "7")
    assert code["SalesTaxRateList"]["TaxRateDetail"] == []
    assert [d["TaxRateRef"]["value"] for d in code["PurchaseTaxRateList"]["TaxRateDetail"]] == ["1"]
    c = q.customer()
    r = q.post(
        "invoice",
        {"CustomerRef": {"value": c["Id"]}, "Line": [sales_line(10, TaxCodeRef={"value": "7"})]},
    )
    err = fault(r, 400, "6470", "TaxCodeRef")
    assert "no sales rate" in err["Detail"]
    ok = q.post(
        "invoice",
        {"CustomerRef": {"value": c["Id"]}, "Line": [sales_line(10, TaxCodeRef={"value": "1"})]},
    )
    assert ok.status_code == 200 and ok.json()["Invoice"]["TotalAmt"] == 10.5
    expense = q.post(
        "purchase",
        {
            "PaymentType": "Cash",
            "AccountRef": {"value": q.accounts["Checking"]},
            "Line": [
                {
                    "Amount": 20,
                    "DetailType": "AccountBasedExpenseLineDetail",
                    "AccountBasedExpenseLineDetail": {
                        "AccountRef": {"value": q.accounts["OfficeExpenses"]},
                        "TaxCodeRef": {"value": "7"},
                    },
                }
            ],
        },
    )
    assert expense.status_code == 200, expense.text  # fine on the purchase side


def test_6100_us_line_tax_code_must_be_tax_or_non(qbo: Qbo) -> None:
    c = qbo.customer()
    r = qbo.post(
        "invoice",
        {"CustomerRef": {"value": c["Id"]}, "Line": [sales_line(10, TaxCodeRef={"value": "3"})]},
    )
    fault(r, 400, "6100", "TaxCodeRef")


def test_6310_billable_line_without_customer(qbo: Qbo) -> None:
    r = qbo.post(
        "purchase",
        {
            "PaymentType": "Cash",
            "AccountRef": {"value": qbo.accounts["Checking"]},
            "Line": [
                {
                    "Amount": 10,
                    "DetailType": "AccountBasedExpenseLineDetail",
                    "AccountBasedExpenseLineDetail": {
                        "AccountRef": {"value": qbo.accounts["OfficeExpenses"]},
                        "BillableStatus": "Billable",
                    },
                }
            ],
        },
    )
    fault(r, 400, "6310", "Line.AccountBasedExpenseLineDetail.CustomerRef")


def test_6080_customer_without_any_name(qbo: Qbo) -> None:
    fault(qbo.post("customer", {"CompanyName": ""}), 400, "6080", "DisplayName")


def test_canadian_invoice_computes_tax_per_line(new_company: Any) -> None:
    q = new_company(country="CA")
    c = q.customer()
    inv = q.create(
        "Invoice",
        {
            "CustomerRef": {"value": c["Id"]},
            "Line": [
                sales_line(10.05, TaxCodeRef={"value": "4"}),
                sales_line(10.05, TaxCodeRef={"value": "2"}),
            ],
        },
    )
    # 5% and 7% on 10.05 (0.50 + 0.70) plus 13% on 10.05 (1.31)
    assert inv["TxnTaxDetail"]["TotalTax"] == 2.51
    assert inv["TotalAmt"] == 22.61


def test_5020_inventory_item_below_plus_and_500_where_not_emulated(new_company: Any) -> None:
    body = {"Name": "Widgets", "Type": "Inventory", "TrackQtyOnHand": True, "QtyOnHand": 1}
    fault(new_company(edition="essentials").post("item", body), 400, "5020")
    fault(new_company(edition="plus").post("item", body), 400, "500", "Type")


def test_responses_carry_an_intuit_tid(qbo: Qbo) -> None:
    assert len(qbo.get("/preferences").headers["intuit_tid"]) == 32


def test_5030_class_on_invoice_line_below_plus(new_company: Any) -> None:
    q = new_company(edition="essentials")
    c = q.customer()
    r = q.post(
        "invoice",
        {"CustomerRef": {"value": c["Id"]}, "Line": [sales_line(5, ClassRef={"value": "1"})]},
    )
    fault(r, 400, "5030", "Line.SalesItemLineDetail.ClassRef")


def test_6140_invoice_number_taken_by_a_credit_memo(qbo: Qbo) -> None:
    qbo.patch(custom_txn_numbers=True)
    c = qbo.customer()
    cm = qbo.create(
        "CreditMemo",
        {"CustomerRef": {"value": c["Id"]}, "DocNumber": "1234", "Line": [sales_line(5)]},
    )
    r = qbo.post(
        "invoice", {"CustomerRef": {"value": c["Id"]}, "DocNumber": "1234", "Line": [sales_line(5)]}
    )
    err = fault(r, 400, "6140", "DocNumber")
    assert err["Detail"].endswith(
        f"DocNumber=1234 is assigned to TxnType=Credit Memo with TxnId={cm['Id']}"
    )


def test_payment_for_inactive_customer_is_6000_and_unknown_is_2500(qbo: Qbo) -> None:
    c = qbo.customer()
    qbo.create("Customer", {"Id": c["Id"], "SyncToken": "0", "sparse": True, "Active": False})
    fault(
        qbo.post("payment", {"CustomerRef": {"value": c["Id"]}, "TotalAmt": 5}),
        400,
        "6000",
        "CustomerRef",
    )
    fault(
        qbo.post("payment", {"CustomerRef": {"value": "98765"}, "TotalAmt": 5}),
        400,
        "2500",
        "Reference Id",
    )


def test_2020_payment_without_undeposited_funds_account(qbo: Qbo, control: Any) -> None:
    control.post(f"/_sandbox/companies/{qbo.realm}/purge")
    c = qbo.customer()
    fault(
        qbo.post("payment", {"CustomerRef": {"value": c["Id"]}, "TotalAmt": 5}),
        400,
        "2020",
        "DepositToAccountRef",
    )


def test_6180_customer_nested_too_deep(qbo: Qbo) -> None:
    parent = qbo.customer("Level 0")
    for level in range(1, 5):
        parent = qbo.create(
            "Customer", {"DisplayName": f"Level {level}", "ParentRef": {"value": parent["Id"]}}
        )
    r = qbo.post("customer", {"DisplayName": "Level 5", "ParentRef": {"value": parent["Id"]}})
    fault(r, 400, "6180", "ParentRef")


def test_6180_class_nested_too_deep(qbo: Qbo) -> None:
    qbo.patch(class_tracking=True)
    parent = qbo.create("Class", {"Name": "C0"})
    for level in range(1, 5):
        parent = qbo.create(
            "Class", {"Name": f"C{level}", "SubClass": True, "ParentRef": {"value": parent["Id"]}}
        )
    r = qbo.post("class", {"Name": "C5", "SubClass": True, "ParentRef": {"value": parent["Id"]}})
    fault(r, 400, "6180", "ParentRef")
