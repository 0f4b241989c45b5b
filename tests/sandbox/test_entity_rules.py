"""What each entity makes of a request the sandbox accepts, as QBO does, over HTTP.

A test here writes through the Accounting API and asserts the outcome: computed fields and
totals, tax, postings to accounts and their balances, numbering, lists and hierarchies, and
lifecycles (paying, depositing, voiding, merging). A refusal is asserted here only as the last
step of such a story, when the state the story built is its cause (a deposit locks its payment;
a merged customer is gone). A test whose point is a refusal is a rule: it goes in
test_rules.py.

Where a new case goes: in the section of the entity it is about, below; the operations every
entity shares (create, read, update, delete, void, SyncToken, requestid) are test_entities.py's.
"""

from __future__ import annotations

from tests.sandbox.sandbox_support import (
    NewCompany,
    Qbo,
    bill_body,
    expense_line,
    fault,
    je_line,
    purchase,
    sales_line,
)

# ---- names: customers, vendors, employees, terms, classes ----------------------------------------


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


def test_sub_customer_hierarchy(qbo: Qbo) -> None:
    parent = qbo.customer("Estate of Jones")
    job = qbo.create("Customer", {"DisplayName": "Probate", "ParentRef": {"value": parent["Id"]}})
    assert job["FullyQualifiedName"] == "Estate of Jones:Probate" and job["Job"] is True


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


# ---- invoices: lines, discounts, classes, tax, currencies ----------------------------------------


def test_class_tracked_on_invoice_lines(qbo: Qbo) -> None:
    qbo.patch(class_tracking=True)
    cls = qbo.create("Class", {"Name": "Estates"})
    c = qbo.customer()
    line = sales_line(10, item=None, ClassRef={"value": cls["Id"]})
    inv = qbo.create("Invoice", {"CustomerRef": {"value": c["Id"]}, "Line": [line]})
    assert inv["Line"][0]["SalesItemLineDetail"]["ClassRef"] == {
        "value": cls["Id"],
        "name": "Estates",
    }
    prefs = qbo.get("/preferences").json()["Preferences"]
    assert prefs["AccountingInfoPrefs"]["ClassTrackingPerTxnLine"] is True


def test_percent_discount_follows_subtotal(qbo: Qbo) -> None:
    c = qbo.customer()
    inv = qbo.create(
        "Invoice",
        {
            "CustomerRef": {"value": c["Id"]},
            "Line": [
                sales_line(35, item=None),
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


def test_canadian_invoice_computes_tax_per_line(new_company: NewCompany) -> None:
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


def test_tax_inclusive_canadian_invoice_backs_out_the_tax(new_company: NewCompany) -> None:
    q = new_company(country="CA")
    c = q.customer()
    inv = q.create(
        "Invoice",
        {
            "CustomerRef": {"value": c["Id"]},
            "GlobalTaxCalculation": "TaxInclusive",
            "Line": [sales_line(113, item=None, TaxCodeRef={"value": "2"})],
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
                sales_line(100, item=None, TaxCodeRef={"value": "TAX"}),
                sales_line(50, item=None, TaxCodeRef={"value": "NON"}),
            ],
        },
    )
    assert inv["TxnTaxDetail"]["TotalTax"] == 7.25 and inv["TotalAmt"] == 157.25
    payable = qbo.read("Account", qbo.accounts["SalesTaxPayable"])
    assert payable["CurrentBalance"] == 7.25


def test_foreign_currency_invoice_posts_home_amounts(new_company: NewCompany) -> None:
    q = new_company(multicurrency=True)
    c = q.customer("Paris Client", CurrencyRef={"value": "EUR"})
    inv = q.create(
        "Invoice",
        {
            "CustomerRef": {"value": c["Id"]},
            "ExchangeRate": 1.1,
            "Line": [sales_line(100, item=None)],
        },
    )
    assert inv["TotalAmt"] == 100.0 and inv["HomeTotalAmt"] == 110.0 and inv["ExchangeRate"] == 1.1
    assert q.read("Account", q.accounts["ServiceFeeIncome"])["CurrentBalance"] == 110.0
    home = q.invoice(q.customer()["Id"], "10.00")
    assert home["ExchangeRate"] == 1 and home["HomeTotalAmt"] == 10.0


def test_read_tax_codes_and_rates(new_company: NewCompany) -> None:
    q = new_company(country="CA")
    assert q.read("TaxCode", "4")["Name"] == "GST/PST BC"
    assert q.read("TaxRate", "2")["RateValue"] == 13


# ---- payments, credits, deposits and sales receipts ----------------------------------------------


def test_credit_memo_applied_through_a_payment(qbo: Qbo) -> None:
    c = qbo.customer()
    inv = qbo.invoice(c["Id"], "100.00")
    cm = qbo.create(
        "CreditMemo", {"CustomerRef": {"value": c["Id"]}, "Line": [sales_line(30, item=None)]}
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


def test_sales_receipt_posts_to_undeposited_funds_and_voids(qbo: Qbo) -> None:
    sr = qbo.create("SalesReceipt", {"Line": [sales_line(40, Qty=2, UnitPrice=20)]})
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


# ---- purchases and bills -------------------------------------------------------------------------


def test_purchase_with_item_and_billable_account_lines(qbo: Qbo) -> None:
    c = qbo.customer()
    vendor = qbo.create("Vendor", {"DisplayName": "Courier Co"})
    items = {
        "Amount": 20,
        "DetailType": "ItemBasedExpenseLineDetail",
        "ItemBasedExpenseLineDetail": {"ItemRef": {"value": "3"}, "Qty": 2, "UnitPrice": 10},
    }
    billable = expense_line(
        15,
        qbo.accounts["LegalProfessionalFees"],
        BillableStatus="Billable",
        CustomerRef={"value": c["Id"]},
    )
    body = purchase(
        qbo,
        items,
        billable,
        pay="CreditCard",
        AccountRef={"value": qbo.accounts["CreditCard"]},
        EntityRef={"value": vendor["Id"], "type": "Vendor"},
    )
    p = qbo.create("Purchase", body)
    assert p["TotalAmt"] == 35.0 and "PrintStatus" not in p
    card = qbo.read("Account", qbo.accounts["CreditCard"])
    assert card["CurrentBalance"] == 35.0
    assert qbo.read("Account", qbo.accounts["LegalProfessionalFees"])["CurrentBalance"] == 35.0


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


# ---- journal entries, accounts and transfers -----------------------------------------------------


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
    lines = [je_line(30, "Debit", child["Id"]), je_line(30, "Credit", qbo.accounts["Checking"])]
    qbo.create("JournalEntry", {"Line": lines})
    parent = qbo.read("Account", qbo.accounts["LegalProfessionalFees"])
    assert parent["CurrentBalance"] == 0 and parent["CurrentBalanceWithSubAccounts"] == 30.0
    assert qbo.read("Account", child["Id"])["CurrentBalanceWithSubAccounts"] == 30.0


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
