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
    balance,
    bill_body,
    client_entity,
    expense_line,
    fault,
    je_line,
    purchase,
    sales_line,
    trust_cheque,
    trust_deposit,
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


# ---- client funds (trust): deposits, disbursements, cheques, reversals, per-client accounts -----


def test_trust_deposit_raises_the_trust_bank_and_the_trust_liability(qbo: Qbo) -> None:
    c = qbo.customer()
    je = qbo.create("JournalEntry", trust_deposit(qbo, c["Id"], 1500))
    credit = je["Line"][1]["JournalEntryLineDetail"]
    assert credit["Entity"] == {
        "Type": "Customer",
        "EntityRef": {"value": c["Id"], "name": c["DisplayName"]},
    }
    assert je["CurrencyRef"]["value"] == "USD"
    assert balance(qbo, "TrustAccounts") == 1500.0
    assert balance(qbo, "TrustAccountsLiabilities") == 1500.0


def test_a_customer_may_name_a_bank_or_liability_line(qbo: Qbo) -> None:
    c = qbo.customer()
    body = trust_deposit(qbo, c["Id"], 20)
    body["Line"][0]["JournalEntryLineDetail"]["Entity"] = client_entity(c["Id"])
    je = qbo.create("JournalEntry", body)
    names = [ln["JournalEntryLineDetail"]["Entity"]["EntityRef"]["value"] for ln in je["Line"]]
    assert names == [c["Id"], c["Id"]]


def test_eft_disbursement_lowers_the_trust_bank_and_the_trust_liability(qbo: Qbo) -> None:
    c = qbo.customer()
    qbo.create("JournalEntry", trust_deposit(qbo, c["Id"], 1000))
    out = {
        "Line": [
            je_line(
                400,
                "Debit",
                qbo.accounts["TrustAccountsLiabilities"],
                Entity=client_entity(c["Id"]),
                Description="EFT to opposing counsel",
            ),
            je_line(400, "Credit", qbo.accounts["TrustAccounts"]),
        ]
    }
    qbo.create("JournalEntry", out)
    assert balance(qbo, "TrustAccounts") == 600.0
    assert balance(qbo, "TrustAccountsLiabilities") == 600.0


def test_trust_cheque_waiting_to_print_posts_and_names_its_client(qbo: Qbo) -> None:
    c = qbo.customer()
    payee = qbo.create("Vendor", {"DisplayName": "County Court"})
    qbo.create("JournalEntry", trust_deposit(qbo, c["Id"], 1000))
    cheque = qbo.create("Purchase", trust_cheque(qbo, c["Id"], payee["Id"], 250))
    assert cheque["PrintStatus"] == "NeedToPrint" and "DocNumber" not in cheque
    assert cheque["EntityRef"] == {"value": payee["Id"], "name": "County Court", "type": "Vendor"}
    detail = cheque["Line"][0]["AccountBasedExpenseLineDetail"]
    assert detail["CustomerRef"]["value"] == c["Id"] and cheque["TotalAmt"] == 250.0
    assert balance(qbo, "TrustAccounts") == 750.0
    assert balance(qbo, "TrustAccountsLiabilities") == 750.0
    numbered = qbo.create(
        "Purchase",
        trust_cheque(qbo, c["Id"], payee["Id"], 50, PrintStatus="NotSet", DocNumber="3001"),
    )
    assert numbered["DocNumber"] == "3001" and numbered["PrintStatus"] == "NotSet"


def test_cheque_payee_may_be_a_customer_or_an_employee(qbo: Qbo) -> None:
    c = qbo.customer()
    clerk = qbo.create("Employee", {"GivenName": "Ana", "FamilyName": "Clerk"})
    refund = qbo.create(
        "Purchase",
        trust_cheque(qbo, c["Id"], c["Id"], 30, EntityRef={"value": c["Id"], "type": "Customer"}),
    )
    assert refund["EntityRef"]["type"] == "Customer"
    paid = qbo.create(
        "Purchase",
        trust_cheque(
            qbo, c["Id"], clerk["Id"], 10, EntityRef={"value": clerk["Id"], "type": "Employee"}
        ),
    )
    assert paid["EntityRef"]["type"] == "Employee"


def test_reversing_journal_entry_restores_the_balances(qbo: Qbo) -> None:
    c = qbo.customer()
    deposit = qbo.create("JournalEntry", trust_deposit(qbo, c["Id"], 300))
    reverse = {
        "PrivateNote": f"Reverses journal entry {deposit['DocNumber']}",
        "Line": [
            {
                **ln,
                "JournalEntryLineDetail": {
                    **ln["JournalEntryLineDetail"],
                    "PostingType": "Credit"
                    if ln["JournalEntryLineDetail"]["PostingType"] == "Debit"
                    else "Debit",
                },
            }
            for ln in deposit["Line"]
        ],
    }
    qbo.create("JournalEntry", reverse)
    assert balance(qbo, "TrustAccounts") == 0
    assert balance(qbo, "TrustAccountsLiabilities") == 0


def test_deleting_a_journal_entry_moves_the_balances_back(qbo: Qbo) -> None:
    c = qbo.customer()
    keep = qbo.create("JournalEntry", trust_deposit(qbo, c["Id"], 100))
    gone = qbo.create("JournalEntry", trust_deposit(qbo, c["Id"], 40))
    assert balance(qbo, "TrustAccountsLiabilities") == 140.0
    r = qbo.post("journalentry", {"Id": gone["Id"], "SyncToken": "0"}, operation="delete")
    assert r.json()["JournalEntry"]["status"] == "Deleted"
    assert balance(qbo, "TrustAccounts") == 100.0
    assert balance(qbo, "TrustAccountsLiabilities") == 100.0
    assert qbo.read("JournalEntry", keep["Id"])["TotalAmt"] == 100.0


def test_updating_a_journal_entry_moves_the_balances_by_the_difference(qbo: Qbo) -> None:
    c = qbo.customer()
    je = qbo.create("JournalEntry", trust_deposit(qbo, c["Id"], 100))
    body = {**trust_deposit(qbo, c["Id"], 130), "Id": je["Id"], "SyncToken": je["SyncToken"]}
    qbo.create("JournalEntry", body)
    assert balance(qbo, "TrustAccounts") == 130.0
    assert balance(qbo, "TrustAccountsLiabilities") == 130.0


def test_deleting_an_unprinted_cheque_moves_the_balances_back(qbo: Qbo) -> None:
    """The API can't void a cheque; one never printed is deleted instead."""
    c = qbo.customer()
    payee = qbo.create("Vendor", {"DisplayName": "Mediator"})
    qbo.create("JournalEntry", trust_deposit(qbo, c["Id"], 500))
    cheque = qbo.create("Purchase", trust_cheque(qbo, c["Id"], payee["Id"], 200))
    r = qbo.post("purchase", {"Id": cheque["Id"], "SyncToken": "0"}, operation="delete")
    assert r.status_code == 200, r.text
    assert balance(qbo, "TrustAccounts") == 500.0
    assert balance(qbo, "TrustAccountsLiabilities") == 500.0


def test_a_cheque_updated_to_zero_stays_and_moves_the_balances_back(qbo: Qbo) -> None:
    c = qbo.customer()
    payee = qbo.create("Vendor", {"DisplayName": "Valuer"})
    qbo.create("JournalEntry", trust_deposit(qbo, c["Id"], 500))
    cheque = qbo.create("Purchase", trust_cheque(qbo, c["Id"], payee["Id"], 200))
    zeroed = trust_cheque(qbo, c["Id"], payee["Id"], 0, PrivateNote="Cancelled")
    zeroed.update(Id=cheque["Id"], SyncToken=cheque["SyncToken"])
    after = qbo.create("Purchase", zeroed)
    assert after["TotalAmt"] == 0 and after["Id"] == cheque["Id"]
    assert balance(qbo, "TrustAccounts") == 500.0
    assert balance(qbo, "TrustAccountsLiabilities") == 500.0


def test_per_client_trust_sub_accounts_roll_up_into_the_liability(qbo: Qbo) -> None:
    parent = qbo.accounts["TrustAccountsLiabilities"]
    ledgers = {}
    for name, amount in (("Ana Lima", 120), ("Ben Ode", 80)):
        c = qbo.customer(name)
        sub = qbo.create(
            "Account",
            {
                "Name": f"Trust - {name}",
                "AccountSubType": "TrustAccountsLiabilities",
                "SubAccount": True,
                "ParentRef": {"value": parent},
            },
        )
        assert sub["FullyQualifiedName"] == f"Client Trust Liability:Trust - {name}"
        body = trust_deposit(qbo, c["Id"], amount)
        body["Line"][1]["JournalEntryLineDetail"]["AccountRef"] = {"value": sub["Id"]}
        qbo.create("JournalEntry", body)
        ledgers[sub["Id"]] = amount
    for sub_id, amount in ledgers.items():
        assert balance(qbo, sub_id) == amount
    top = qbo.read("Account", parent)
    assert top["CurrentBalance"] == 0 and top["CurrentBalanceWithSubAccounts"] == 200.0
    assert balance(qbo, "TrustAccounts") == 200.0


def test_moving_a_sub_account_moves_its_balance_between_parents(qbo: Qbo) -> None:
    parent = qbo.accounts["TrustAccountsLiabilities"]
    other = qbo.create(
        "Account", {"Name": "Retainers held", "AccountSubType": "TrustAccountsLiabilities"}
    )
    sub = qbo.create(
        "Account",
        {
            "Name": "Trust - Cara Diaz",
            "AccountSubType": "TrustAccountsLiabilities",
            "SubAccount": True,
            "ParentRef": {"value": parent},
        },
    )
    lines = [
        je_line(75, "Debit", qbo.accounts["TrustAccounts"]),
        je_line(75, "Credit", sub["Id"]),
    ]
    qbo.create("JournalEntry", {"Line": lines})
    now = qbo.read("Account", sub["Id"])
    qbo.create(
        "Account",
        {
            "Id": sub["Id"],
            "SyncToken": now["SyncToken"],
            "sparse": True,
            "ParentRef": {"value": other["Id"]},
        },
    )
    assert qbo.read("Account", parent)["CurrentBalanceWithSubAccounts"] == 0
    assert qbo.read("Account", other["Id"])["CurrentBalanceWithSubAccounts"] == 75.0
    assert balance(qbo, sub["Id"]) == 75.0


def test_account_queried_by_id_shows_its_current_balance(qbo: Qbo) -> None:
    c = qbo.customer()
    qbo.create("JournalEntry", trust_deposit(qbo, c["Id"], 64.5))
    ident = qbo.accounts["TrustAccountsLiabilities"]
    (row,) = qbo.rows(f"SELECT * FROM Account WHERE Id = '{ident}'")
    assert row["CurrentBalance"] == 64.5 and row["CurrentBalanceWithSubAccounts"] == 64.5
    (picked,) = qbo.rows(f"SELECT CurrentBalance FROM Account WHERE Id = '{ident}'")
    assert picked["CurrentBalance"] == 64.5


def test_foreign_currency_journal_entry_posts_home_amounts(new_company: NewCompany) -> None:
    """A EUR entry may post to EUR accounts and to home-currency ones."""
    q = new_company(multicurrency=True)
    euro_bank = q.create(
        "Account",
        {"Name": "Trust EUR", "AccountSubType": "TrustAccounts", "CurrencyRef": {"value": "EUR"}},
    )
    c = q.customer("Nice Client", CurrencyRef={"value": "EUR"})
    body = trust_deposit(q, c["Id"], 100, CurrencyRef={"value": "EUR"}, ExchangeRate=1.2)
    body["Line"][0]["JournalEntryLineDetail"]["AccountRef"] = {"value": euro_bank["Id"]}
    je = q.create("JournalEntry", body)
    assert je["CurrencyRef"]["value"] == "EUR" and je["HomeTotalAmt"] == 120.0
    assert balance(q, "TrustAccountsLiabilities") == 120.0
