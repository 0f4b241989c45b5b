"""Further entity behaviour: names lists, credit memos, deposits, purchases, journal entries."""

from __future__ import annotations

from typing import Any

from tests.sandbox.sandbox_support import Qbo, fault


def je_line(amount: float, posting: str, account: str, **detail: Any) -> dict[str, Any]:
    return {
        "Amount": amount,
        "DetailType": "JournalEntryLineDetail",
        "JournalEntryLineDetail": {
            "PostingType": posting,
            "AccountRef": {"value": account},
            **detail,
        },
    }


def test_vendor_employee_term_and_class_lists(qbo: Qbo) -> None:
    vendor = qbo.create(
        "Vendor", {"DisplayName": "Court Reporters Inc", "WebAddr": {"URI": "https://cr.example"}}
    )
    assert vendor["PrintOnCheckName"] == "Court Reporters Inc"
    employee = qbo.create("Employee", {"GivenName": "Pat", "FamilyName": "Lee"})
    assert employee["DisplayName"] == "Pat Lee"
    term = qbo.create("Term", {"Name": "Net 15", "DueDays": 15})
    c = qbo.customer()
    inv = qbo.invoice(c["Id"], SalesTermRef={"value": term["Id"]}, TxnDate="2026-01-01")
    assert inv["DueDate"] == "2026-01-16"
    qbo.patch(class_tracking=True)
    parent = qbo.create("Class", {"Name": "Litigation"})
    child = qbo.create(
        "Class", {"Name": "Appeals", "SubClass": True, "ParentRef": {"value": parent["Id"]}}
    )
    assert child["FullyQualifiedName"] == "Litigation:Appeals"
    gone = qbo.create(
        "Class", {"Id": child["Id"], "SyncToken": "0", "sparse": True, "Active": False}
    )
    assert gone["Active"] is False
    fault(qbo.post("class", {"Name": "appeals"}), 400, "6240", "Name")


def test_class_tracked_on_invoice_lines(qbo: Qbo) -> None:
    qbo.patch(class_tracking=True)
    cls = qbo.create("Class", {"Name": "Estates"})
    c = qbo.customer()
    inv = qbo.create(
        "Invoice",
        {
            "CustomerRef": {"value": c["Id"]},
            "Line": [
                {
                    "Amount": 10,
                    "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": {"ClassRef": {"value": cls["Id"]}},
                }
            ],
        },
    )
    assert inv["Line"][0]["SalesItemLineDetail"]["ClassRef"] == {
        "value": cls["Id"],
        "name": "Estates",
    }
    prefs = qbo.get("/preferences").json()["Preferences"]
    assert prefs["AccountingInfoPrefs"]["ClassTrackingPerTxnLine"] is True


def test_credit_memo_applied_through_a_payment(qbo: Qbo) -> None:
    c = qbo.customer()
    inv = qbo.invoice(c["Id"], "100.00")
    cm = qbo.create(
        "CreditMemo",
        {
            "CustomerRef": {"value": c["Id"]},
            "Line": [
                {"Amount": 30, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": {}}
            ],
        },
    )
    assert cm["RemainingCredit"] == 30.0
    assert qbo.read("Customer", c["Id"])["Balance"] == 70.0
    pay = qbo.create(
        "Payment",
        {
            "CustomerRef": {"value": c["Id"]},
            "TotalAmt": 70,
            "Line": [
                {"Amount": 100, "LinkedTxn": [{"TxnId": inv["Id"], "TxnType": "Invoice"}]},
                {"Amount": 30, "LinkedTxn": [{"TxnId": cm["Id"], "TxnType": "CreditMemo"}]},
            ],
        },
    )
    assert pay["UnappliedAmt"] == 0
    assert qbo.read("Invoice", inv["Id"])["Balance"] == 0
    assert qbo.read("CreditMemo", cm["Id"])["RemainingCredit"] == 0
    assert qbo.read("Customer", c["Id"])["Balance"] == 0


def test_unapplied_payment_is_customer_credit(qbo: Qbo) -> None:
    c = qbo.customer()
    p = qbo.payment(c["Id"], "25.00")
    assert p["UnappliedAmt"] == 25.0
    assert p["DepositToAccountRef"]["value"] == qbo.accounts["UndepositedFunds"]
    assert qbo.read("Customer", c["Id"])["Balance"] == -25.0


def test_void_of_invoice_with_payment_is_refused(qbo: Qbo) -> None:
    c = qbo.customer()
    inv = qbo.invoice(c["Id"])
    qbo.payment(c["Id"], "10.00", inv["Id"])
    fresh = qbo.read("Invoice", inv["Id"])
    fault(
        qbo.post("invoice", {"Id": inv["Id"], "SyncToken": fresh["SyncToken"]}, operation="void"),
        400,
        "6000",
    )


def test_deposit_through_the_api_locks_payments(qbo: Qbo) -> None:
    c = qbo.customer()
    p = qbo.payment(c["Id"], "40.00")
    dep = qbo.create(
        "Deposit",
        {
            "DepositToAccountRef": {"value": qbo.accounts["TrustAccounts"]},
            "Line": [
                {
                    "Amount": 40,
                    "LinkedTxn": [{"TxnId": p["Id"], "TxnType": "Payment", "TxnLineId": "0"}],
                },
                {
                    "Amount": 5,
                    "DetailType": "DepositLineDetail",
                    "DepositLineDetail": {"AccountRef": {"value": qbo.accounts["InterestEarned"]}},
                },
            ],
        },
    )
    assert dep["TotalAmt"] == 45.0
    assert qbo.read("Account", qbo.accounts["TrustAccounts"])["CurrentBalance"] == 45.0
    assert qbo.read("Account", qbo.accounts["UndepositedFunds"])["CurrentBalance"] == 0
    fault(
        qbo.post("payment", {"Id": p["Id"], "SyncToken": "0", "sparse": True, "TotalAmt": 41}),
        400,
        "6540",
    )


def test_deposit_to_an_income_account_is_6430(qbo: Qbo) -> None:
    r = qbo.post(
        "deposit",
        {
            "DepositToAccountRef": {"value": qbo.accounts["ServiceFeeIncome"]},
            "Line": [
                {
                    "Amount": 5,
                    "DetailType": "DepositLineDetail",
                    "DepositLineDetail": {"AccountRef": {"value": qbo.accounts["InterestEarned"]}},
                }
            ],
        },
    )
    fault(r, 400, "6430", "DepositToAccountRef")


def test_purchase_with_item_and_billable_account_lines(qbo: Qbo) -> None:
    c = qbo.customer()
    p = qbo.create(
        "Purchase",
        {
            "PaymentType": "CreditCard",
            "AccountRef": {"value": qbo.accounts["CreditCard"]},
            "EntityRef": {
                "value": qbo.create("Vendor", {"DisplayName": "Courier Co"})["Id"],
                "type": "Vendor",
            },
            "Line": [
                {
                    "Amount": 20,
                    "DetailType": "ItemBasedExpenseLineDetail",
                    "ItemBasedExpenseLineDetail": {
                        "ItemRef": {"value": "3"},
                        "Qty": 2,
                        "UnitPrice": 10,
                    },
                },
                {
                    "Amount": 15,
                    "DetailType": "AccountBasedExpenseLineDetail",
                    "AccountBasedExpenseLineDetail": {
                        "AccountRef": {"value": qbo.accounts["LegalProfessionalFees"]},
                        "BillableStatus": "Billable",
                        "CustomerRef": {"value": c["Id"]},
                    },
                },
            ],
        },
    )
    assert p["TotalAmt"] == 35.0 and "PrintStatus" not in p
    card = qbo.read("Account", qbo.accounts["CreditCard"])
    assert card["CurrentBalance"] == 35.0
    assert qbo.read("Account", qbo.accounts["LegalProfessionalFees"])["CurrentBalance"] == 35.0


def test_item_expense_line_checks_qty_times_price(qbo: Qbo) -> None:
    r = qbo.post(
        "purchase",
        {
            "PaymentType": "Cash",
            "AccountRef": {"value": qbo.accounts["Checking"]},
            "Line": [
                {
                    "Amount": 21,
                    "DetailType": "ItemBasedExpenseLineDetail",
                    "ItemBasedExpenseLineDetail": {
                        "ItemRef": {"value": "3"},
                        "Qty": 2,
                        "UnitPrice": 10,
                    },
                }
            ],
        },
    )
    fault(r, 400, "6070", "Line.Amount")


def test_6440_expense_line_without_account(qbo: Qbo) -> None:
    r = qbo.post(
        "purchase",
        {
            "PaymentType": "Cash",
            "AccountRef": {"value": qbo.accounts["Checking"]},
            "Line": [
                {
                    "Amount": 21,
                    "DetailType": "AccountBasedExpenseLineDetail",
                    "AccountBasedExpenseLineDetail": {},
                }
            ],
        },
    )
    fault(r, 400, "6440", "Line.AccountBasedExpenseLineDetail.AccountRef")


def test_journal_entry_posts_and_auto_numbers(qbo: Qbo) -> None:
    je = qbo.create(
        "JournalEntry",
        {
            "Line": [
                je_line(500, "Debit", qbo.accounts["TrustAccounts"]),
                je_line(500, "Credit", qbo.accounts["TrustAccountsLiabilities"]),
            ]
        },
    )
    assert je["TotalAmt"] == 500.0 and je["DocNumber"] == "1"
    assert qbo.read("Account", qbo.accounts["TrustAccountsLiabilities"])["CurrentBalance"] == 500.0
    assert qbo.read("Account", qbo.accounts["TrustAccounts"])["CurrentBalance"] == 500.0


def test_journal_entry_payable_line_needs_vendor(qbo: Qbo) -> None:
    r = qbo.post(
        "journalentry",
        {
            "Line": [
                je_line(5, "Debit", qbo.accounts["OfficeExpenses"]),
                je_line(5, "Credit", qbo.accounts["AccountsPayable"]),
            ]
        },
    )
    fault(r, 400, "6000", "Line.JournalEntryLineDetail.Entity")


def test_2260_journal_line_without_posting_type(qbo: Qbo) -> None:
    r = qbo.post(
        "journalentry",
        {
            "Line": [
                {
                    "Amount": 5,
                    "DetailType": "JournalEntryLineDetail",
                    "JournalEntryLineDetail": {
                        "AccountRef": {"value": qbo.accounts["OfficeExpenses"]}
                    },
                },
                je_line(5, "Credit", qbo.accounts["Checking"]),
            ]
        },
    )
    fault(r, 400, "2260", "Line.JournalEntryLineDetail.PostingType")


def test_6140_journal_number_when_warned(qbo: Qbo) -> None:
    qbo.patch(warn_duplicate_doc_numbers=True)
    body = {
        "DocNumber": "ADJ-1",
        "Line": [
            je_line(5, "Debit", qbo.accounts["OfficeExpenses"]),
            je_line(5, "Credit", qbo.accounts["Checking"]),
        ],
    }
    assert qbo.post("journalentry", body).status_code == 200
    err = fault(qbo.post("journalentry", body), 400, "6140", "DocNumber")
    assert "TxnType=Journal Entry" in err["Detail"]


def test_2060_bad_txn_date(qbo: Qbo) -> None:
    c = qbo.customer()
    r = qbo.post(
        "invoice",
        {
            "CustomerRef": {"value": c["Id"]},
            "TxnDate": "31/12/2026",
            "Line": [{"Amount": 5, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": {}}],
        },
    )
    fault(r, 400, "2060", "TxnDate")


def test_2130_requestid_too_long(qbo: Qbo) -> None:
    fault(qbo.post("customer", {"DisplayName": "R"}, requestid="x" * 51), 400, "2130", "requestid")


def test_6010_account_without_type(qbo: Qbo) -> None:
    fault(qbo.post("account", {"Name": "Typeless"}), 400, "6010", "AccountType")


def test_6090_discount_line_without_amount_or_percent(qbo: Qbo) -> None:
    c = qbo.customer()
    r = qbo.post(
        "invoice",
        {
            "CustomerRef": {"value": c["Id"]},
            "Line": [
                {"Amount": 50, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": {}},
                {"DetailType": "DiscountLineDetail", "DiscountLineDetail": {"PercentBased": False}},
            ],
        },
    )
    fault(r, 400, "6090", "Line.DiscountLineDetail")


def test_percent_discount_follows_subtotal(qbo: Qbo) -> None:
    c = qbo.customer()
    inv = qbo.create(
        "Invoice",
        {
            "CustomerRef": {"value": c["Id"]},
            "Line": [
                {"Amount": 35, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": {}},
                {
                    "DetailType": "DiscountLineDetail",
                    "DiscountLineDetail": {"PercentBased": True, "DiscountPercent": 10},
                },
            ],
        },
    )
    assert [ln["DetailType"] for ln in inv["Line"]] == [
        "SalesItemLineDetail",
        "SubTotalLineDetail",
        "DiscountLineDetail",
    ]
    assert inv["TotalAmt"] == 31.5


def test_6420_email_delivery_without_address(qbo: Qbo) -> None:
    fault(
        qbo.post("customer", {"DisplayName": "No Mail", "PreferredDeliveryMethod": "Email"}),
        400,
        "6420",
        "PrimaryEmailAddr",
    )


def test_6000_currency_differs_from_customer(new_company: Any) -> None:
    q = new_company(multicurrency=True)
    c = q.customer("Euro Client", CurrencyRef={"value": "EUR"})
    r = q.post(
        "invoice",
        {
            "CustomerRef": {"value": c["Id"]},
            "CurrencyRef": {"value": "USD"},
            "Line": [{"Amount": 5, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": {}}],
        },
    )
    fault(r, 400, "6000", "CurrencyRef")
    ok = q.create(
        "Invoice",
        {
            "CustomerRef": {"value": c["Id"]},
            "Line": [{"Amount": 5, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": {}}],
        },
    )
    assert ok["CurrencyRef"]["value"] == "EUR"


def test_sub_customer_hierarchy(qbo: Qbo) -> None:
    parent = qbo.customer("Estate of Jones")
    job = qbo.create("Customer", {"DisplayName": "Probate", "ParentRef": {"value": parent["Id"]}})
    assert job["FullyQualifiedName"] == "Estate of Jones:Probate" and job["Job"] is True


def test_read_tax_codes_and_rates(new_company: Any) -> None:
    q = new_company(country="CA")
    assert q.read("TaxCode", "4")["Name"] == "GST/PST BC"
    assert q.read("TaxRate", "2")["RateValue"] == 13
    fault(q.post("taxcode", {"Name": "New"}), 400, "500")


def test_foreign_currency_invoice_posts_home_amounts(new_company: Any) -> None:
    q = new_company(multicurrency=True)
    c = q.customer("Paris Client", CurrencyRef={"value": "EUR"})
    inv = q.create(
        "Invoice",
        {
            "CustomerRef": {"value": c["Id"]},
            "ExchangeRate": 1.1,
            "Line": [
                {"Amount": 100, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": {}}
            ],
        },
    )
    assert inv["TotalAmt"] == 100.0 and inv["HomeTotalAmt"] == 110.0 and inv["ExchangeRate"] == 1.1
    assert q.read("Account", q.accounts["ServiceFeeIncome"])["CurrentBalance"] == 110.0
    home = q.invoice(q.customer()["Id"], "10.00")
    assert home["ExchangeRate"] == 1 and home["HomeTotalAmt"] == 10.0


def test_merge_moves_transactions_and_removes_the_source(qbo: Qbo) -> None:
    keep = qbo.customer("Keep Me")
    dup = qbo.customer("Duplicate Me")
    inv = qbo.invoice(dup["Id"], "60.00")
    r = qbo.post(
        "customer",
        {"Id": dup["Id"], "SyncToken": "0", "MergeIntoRef": {"value": keep["Id"]}},
        operation="merge",
    )
    assert r.status_code == 200, r.text
    assert r.json()["Customer"]["Balance"] == 60.0
    moved = qbo.read("Invoice", inv["Id"])
    assert moved["CustomerRef"] == {"value": keep["Id"], "name": "Keep Me"}
    assert moved["SyncToken"] == "1"
    fault(qbo.get(f"/customer/{dup['Id']}"), 400, "610")
    assert qbo.create("Vendor", {"DisplayName": "Duplicate Me"})["DisplayName"] == "Duplicate Me"


def test_merge_into_unknown_customer_is_2500(qbo: Qbo) -> None:
    c = qbo.customer()
    r = qbo.post(
        "customer",
        {"Id": c["Id"], "SyncToken": "0", "MergeIntoRef": {"value": "4040"}},
        operation="merge",
    )
    fault(r, 400, "2500", "Reference Id")


def test_tax_inclusive_canadian_invoice_backs_out_the_tax(new_company: Any) -> None:
    q = new_company(country="CA")
    c = q.customer()
    inv = q.create(
        "Invoice",
        {
            "CustomerRef": {"value": c["Id"]},
            "GlobalTaxCalculation": "TaxInclusive",
            "Line": [
                {
                    "Amount": 113,
                    "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": {"TaxCodeRef": {"value": "2"}},
                }
            ],
        },
    )
    assert inv["TotalAmt"] == 113.0
    assert inv["TxnTaxDetail"]["TotalTax"] == 13.0
    assert inv["TxnTaxDetail"]["TaxLine"][0]["TaxLineDetail"]["NetAmountTaxable"] == 100.0
    assert q.read("Account", q.accounts["ServiceFeeIncome"])["CurrentBalance"] == 100.0
    assert q.read("Account", q.accounts["GlobalTaxPayable"])["CurrentBalance"] == 13.0


def test_us_sales_tax_from_the_transaction_tax_code(qbo: Qbo) -> None:
    c = qbo.customer()
    inv = qbo.create(
        "Invoice",
        {
            "CustomerRef": {"value": c["Id"]},
            "TxnTaxDetail": {"TxnTaxCodeRef": {"value": "2"}},
            "Line": [
                {
                    "Amount": 100,
                    "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": {"TaxCodeRef": {"value": "TAX"}},
                },
                {
                    "Amount": 50,
                    "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": {"TaxCodeRef": {"value": "NON"}},
                },
            ],
        },
    )
    assert inv["TxnTaxDetail"]["TotalTax"] == 7.25 and inv["TotalAmt"] == 157.25
    payable = qbo.read("Account", qbo.accounts["SalesTaxPayable"])
    assert payable["CurrentBalance"] == 7.25


def test_sub_account_balances_roll_up(qbo: Qbo) -> None:
    child = qbo.create(
        "Account",
        {
            "Name": "Filing fees - court",
            "AccountSubType": "LegalProfessionalFees",
            "SubAccount": True,
            "ParentRef": {"value": qbo.accounts["LegalProfessionalFees"]},
        },
    )
    qbo.create(
        "JournalEntry",
        {
            "Line": [
                je_line(30, "Debit", child["Id"]),
                je_line(30, "Credit", qbo.accounts["Checking"]),
            ]
        },
    )
    parent = qbo.read("Account", qbo.accounts["LegalProfessionalFees"])
    assert parent["CurrentBalance"] == 0 and parent["CurrentBalanceWithSubAccounts"] == 30.0
    assert qbo.read("Account", child["Id"])["CurrentBalanceWithSubAccounts"] == 30.0


def test_sales_receipt_posts_to_undeposited_funds_and_voids(qbo: Qbo, control: Any) -> None:
    sr = qbo.create(
        "SalesReceipt",
        {
            "Line": [
                {
                    "Amount": 40,
                    "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": {"ItemRef": {"value": "2"}, "Qty": 2, "UnitPrice": 20},
                }
            ]
        },
    )
    assert sr["TotalAmt"] == 40.0 and sr["Balance"] == 0
    assert sr["DepositToAccountRef"]["value"] == qbo.accounts["UndepositedFunds"]
    assert qbo.read("Account", qbo.accounts["UndepositedFunds"])["CurrentBalance"] == 40.0
    voided = qbo.post(
        "salesreceipt",
        {"Id": sr["Id"], "SyncToken": "0", "sparse": True},
        operation="update",
        include="void",
    ).json()["SalesReceipt"]
    assert voided["TotalAmt"] == 0 and "Voided" in voided["PrivateNote"]
    assert qbo.read("Account", qbo.accounts["UndepositedFunds"])["CurrentBalance"] == 0


def test_deposited_sales_receipt_is_6540(qbo: Qbo) -> None:
    sr = qbo.create(
        "SalesReceipt",
        {"Line": [{"Amount": 15, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": {}}]},
    )
    qbo.create(
        "Deposit",
        {
            "DepositToAccountRef": {"value": qbo.accounts["Checking"]},
            "Line": [
                {
                    "Amount": 15,
                    "LinkedTxn": [{"TxnId": sr["Id"], "TxnType": "SalesReceipt", "TxnLineId": "0"}],
                }
            ],
        },
    )
    fault(
        qbo.post("salesreceipt", {"Id": sr["Id"], "SyncToken": "0"}, operation="delete"),
        400,
        "6540",
    )


def test_transfer_moves_money_between_accounts(qbo: Qbo) -> None:
    t = qbo.create(
        "Transfer",
        {
            "FromAccountRef": {"value": qbo.accounts["Checking"]},
            "ToAccountRef": {"value": qbo.accounts["TrustAccounts"]},
            "Amount": 250,
        },
    )
    assert t["Amount"] == 250.0
    assert qbo.read("Account", qbo.accounts["TrustAccounts"])["CurrentBalance"] == 250.0
    assert qbo.read("Account", qbo.accounts["Checking"])["CurrentBalance"] == -250.0
    r = qbo.post(
        "transfer",
        {
            "FromAccountRef": {"value": qbo.accounts["Checking"]},
            "ToAccountRef": {"value": qbo.accounts["Checking"]},
            "Amount": 5,
        },
    )
    fault(r, 400, "6000", "ToAccountRef")


def test_department_is_a_plus_list_and_tax_agency_is_named(qbo: Qbo, new_company: Any) -> None:
    dept = qbo.create("Department", {"Name": "Downtown office"})
    assert dept["FullyQualifiedName"] == "Downtown office"
    fault(new_company(edition="essentials").post("department", {"Name": "X"}), 400, "5020")
    agency = qbo.create("TaxAgency", {"DisplayName": "State Revenue"})
    fault(qbo.post("taxagency", {"DisplayName": "state revenue"}), 400, "6240", "DisplayName")
    assert qbo.read("TaxAgency", agency["Id"])["DisplayName"] == "State Revenue"


def bill_body(qbo: Qbo, vendor_id: str, amount: float = 80, **extra: Any) -> dict[str, Any]:
    return {
        "VendorRef": {"value": vendor_id},
        "Line": [
            {
                "Amount": amount,
                "DetailType": "AccountBasedExpenseLineDetail",
                "AccountBasedExpenseLineDetail": {
                    "AccountRef": {"value": qbo.accounts["LegalProfessionalFees"]}
                },
            }
        ],
        **extra,
    }


def test_bill_and_bill_payment(qbo: Qbo) -> None:
    vendor = qbo.create("Vendor", {"DisplayName": "Process Servers Ltd"})
    bill = qbo.create("Bill", bill_body(qbo, vendor["Id"]))
    assert (
        bill["Balance"] == 80.0 and bill["APAccountRef"]["value"] == qbo.accounts["AccountsPayable"]
    )
    assert qbo.read("Account", qbo.accounts["AccountsPayable"])["CurrentBalance"] == 80.0
    pay = qbo.create(
        "BillPayment",
        {
            "VendorRef": {"value": vendor["Id"]},
            "PayType": "Check",
            "TotalAmt": 50,
            "CheckPayment": {"BankAccountRef": {"value": qbo.accounts["Checking"]}},
            "Line": [{"Amount": 50, "LinkedTxn": [{"TxnId": bill["Id"], "TxnType": "Bill"}]}],
        },
    )
    after = qbo.read("Bill", bill["Id"])
    assert after["Balance"] == 30.0
    assert after["LinkedTxn"] == [{"TxnId": pay["Id"], "TxnType": "BillPayment"}]
    assert qbo.read("Account", qbo.accounts["AccountsPayable"])["CurrentBalance"] == 30.0
    voided = qbo.post(
        "billpayment",
        {"Id": pay["Id"], "SyncToken": "0", "sparse": True},
        operation="update",
        include="void",
    ).json()["BillPayment"]
    assert voided["TotalAmt"] == 0 and "Voided" in voided["PrivateNote"]
    assert qbo.read("Bill", bill["Id"])["Balance"] == 80.0


def test_bill_payment_rules(qbo: Qbo) -> None:
    vendor = qbo.create("Vendor", {"DisplayName": "Couriers R Us"})
    other = qbo.create("Vendor", {"DisplayName": "Someone Else"})
    bill = qbo.create("Bill", bill_body(qbo, vendor["Id"], 20))
    base = {
        "PayType": "Check",
        "TotalAmt": 20,
        "CheckPayment": {"BankAccountRef": {"value": qbo.accounts["Checking"]}},
        "Line": [{"Amount": 20, "LinkedTxn": [{"TxnId": bill["Id"], "TxnType": "Bill"}]}],
    }
    fault(
        qbo.post("billpayment", {**base, "VendorRef": {"value": other["Id"]}}),
        400,
        "620",
        "Line.LinkedTxn",
    )
    wrong_bank = {
        **base,
        "VendorRef": {"value": vendor["Id"]},
        "CheckPayment": {"BankAccountRef": {"value": qbo.accounts["CreditCard"]}},
    }
    fault(qbo.post("billpayment", wrong_bank), 400, "6430", "CheckPayment.BankAccountRef")
    too_much = {
        **base,
        "VendorRef": {"value": vendor["Id"]},
        "TotalAmt": 25,
        "Line": [{"Amount": 25, "LinkedTxn": [{"TxnId": bill["Id"], "TxnType": "Bill"}]}],
    }
    fault(qbo.post("billpayment", too_much), 400, "6000", "Line.Amount")


def test_duplicate_bill_number_per_vendor_when_warned(qbo: Qbo, new_company: Any) -> None:
    qbo.patch(warn_duplicate_doc_numbers=True)
    a = qbo.create("Vendor", {"DisplayName": "Vendor A"})
    b = qbo.create("Vendor", {"DisplayName": "Vendor B"})
    qbo.create("Bill", bill_body(qbo, a["Id"], DocNumber="INV-1"))
    qbo.create("Bill", bill_body(qbo, b["Id"], DocNumber="INV-1"))
    err = fault(
        qbo.post("bill", bill_body(qbo, a["Id"], DocNumber="INV-1")), 400, "6140", "DocNumber"
    )
    assert "TxnType=Bill" in err["Detail"]
    simple = new_company(edition="simple_start")
    v = simple.create("Vendor", {"DisplayName": "V"})
    fault(simple.post("bill", bill_body(simple, v["Id"])), 400, "5020")
