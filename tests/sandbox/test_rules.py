"""Refusals: each rule the sandbox enforces on a request, as QBO does, over HTTP.

A test here sends a request the sandbox must refuse and asserts its fault: status, code and
element, and the words of the detail where a client reads them. It may first build what the
refusal needs (an inactive item, a deposited receipt) and may end with the nearest request that
passes, to pin the rule's edge.

Where a new case goes: a test whose point is a refusal belongs here, whatever the entity. Name
it test_<code>_<what is refused> and put it with the other tests of its code, in code order
(a test of several codes goes under its first). What an accepted request does (totals, tax,
postings, balances, numbering, hierarchies) belongs in test_entity_rules.py; the operations
every entity shares (create, read, update, delete, void, SyncToken, requestid) in
test_entities.py; the company's controls (outages, limits, closed books) in test_controls.py;
queries in test_query.py; bearer and OAuth faults in test_auth.py.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.sandbox.sandbox_support import (
    NewCompany,
    Qbo,
    bill_body,
    client_entity,
    expense_line,
    fault,
    inactivate,
    je_line,
    purchase,
    sales_line,
    trust_cheque,
    trust_deposit,
)


def test_500_tax_codes_are_read_only(new_company: NewCompany) -> None:
    fault(new_company(country="CA").post("taxcode", {"Name": "New"}), 400, "500")


def test_500_a_cheque_can_not_be_voided_through_the_api(qbo: Qbo) -> None:
    """QBO's API voids invoices, payments, sales receipts and bill payments only; a Purchase
    (a cheque) is deleted instead, or voided by a user in QuickBooks' screens."""
    c = qbo.customer()
    payee = qbo.create("Vendor", {"DisplayName": "Court Registry"})
    cheque = qbo.create("Purchase", trust_cheque(qbo, c["Id"], payee["Id"], 40))
    ref = {"Id": cheque["Id"], "SyncToken": cheque["SyncToken"]}
    fault(qbo.post("purchase", ref, operation="void"), 400, "500")
    fault(
        qbo.post("purchase", {**ref, "sparse": True}, operation="update", include="void"),
        400,
        "500",
    )
    assert qbo.read("Purchase", cheque["Id"]) == cheque


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
        "invoice", {"CustomerRef": {"value": c["Id"]}, "Line": [sales_line(5, item["Id"])]}
    )
    err = fault(r, 400, "610", "Line.SalesItemLineDetail.ItemRef")
    assert "made inactive" in err["Detail"]


def test_610_journal_line_on_an_inactive_account(qbo: Qbo) -> None:
    old = qbo.create(
        "Account", {"Name": "Old trust liability", "AccountSubType": "TrustAccountsLiabilities"}
    )
    inactivate(qbo, "Account", old["Id"])
    lines = [
        je_line(5, "Debit", qbo.accounts["TrustAccounts"]),
        je_line(5, "Credit", old["Id"]),
    ]
    err = fault(
        qbo.post("journalentry", {"Line": lines}),
        400,
        "610",
        "Line.JournalEntryLineDetail.AccountRef",
    )
    assert "made inactive" in err["Detail"]


def test_610_journal_line_naming_an_inactive_customer(qbo: Qbo) -> None:
    c = qbo.customer()
    inactivate(qbo, "Customer", c["Id"])
    r = qbo.post("journalentry", trust_deposit(qbo, c["Id"], 5))
    fault(r, 400, "610", "Line.JournalEntryLineDetail.Entity")


def test_610_cheque_to_an_inactive_payee(qbo: Qbo) -> None:
    c = qbo.customer()
    payee = qbo.create("Vendor", {"DisplayName": "Closed Courier"})
    inactivate(qbo, "Vendor", payee["Id"])
    r = qbo.post("purchase", trust_cheque(qbo, c["Id"], payee["Id"], 5))
    fault(r, 400, "610", "EntityRef")


def test_610_cheque_line_for_an_inactive_customer(qbo: Qbo) -> None:
    c = qbo.customer()
    payee = qbo.create("Vendor", {"DisplayName": "Expert Witness"})
    inactivate(qbo, "Customer", c["Id"])
    r = qbo.post("purchase", trust_cheque(qbo, c["Id"], payee["Id"], 5))
    fault(r, 400, "610", "Line.AccountBasedExpenseLineDetail.CustomerRef")


def test_610_cheque_drawn_on_an_inactive_bank_account(qbo: Qbo) -> None:
    c = qbo.customer()
    payee = qbo.create("Vendor", {"DisplayName": "Land Registry"})
    closed = qbo.create("Account", {"Name": "Closed trust bank", "AccountSubType": "TrustAccounts"})
    inactivate(qbo, "Account", closed["Id"])
    body = trust_cheque(qbo, c["Id"], payee["Id"], 5, AccountRef={"value": closed["Id"]})
    fault(qbo.post("purchase", body), 400, "610", "AccountRef")


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


def test_620_6430_6000_bill_payment_rules(
    qbo: Qbo,
) -> None:
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


def test_2020_payment_without_undeposited_funds_account(qbo: Qbo, control: httpx.Client) -> None:
    control.post(f"/_sandbox/companies/{qbo.realm}/purge")
    c = qbo.customer()
    fault(
        qbo.post("payment", {"CustomerRef": {"value": c["Id"]}, "TotalAmt": 5}),
        400,
        "2020",
        "DepositToAccountRef",
    )


def test_2020_journal_line_without_account(qbo: Qbo) -> None:
    accountless = {
        "Amount": 5,
        "DetailType": "JournalEntryLineDetail",
        "JournalEntryLineDetail": {"PostingType": "Debit"},
    }
    credit = je_line(5, "Credit", qbo.accounts["TrustAccountsLiabilities"])
    r = qbo.post("journalentry", {"Line": [accountless, credit]})
    fault(r, 400, "2020", "Line.JournalEntryLineDetail.AccountRef")


def test_2020_journal_entity_without_type(qbo: Qbo) -> None:
    c = qbo.customer()
    body = trust_deposit(qbo, c["Id"], 5)
    body["Line"][1]["JournalEntryLineDetail"]["Entity"] = {"EntityRef": {"value": c["Id"]}}
    fault(qbo.post("journalentry", body), 400, "2020", "Line.JournalEntryLineDetail.Entity.Type")


def test_2020_purchase_without_paying_account(qbo: Qbo) -> None:
    c = qbo.customer()
    payee = qbo.create("Vendor", {"DisplayName": "Notary"})
    body = trust_cheque(qbo, c["Id"], payee["Id"], 5)
    del body["AccountRef"]
    fault(qbo.post("purchase", body), 400, "2020", "AccountRef")


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


def test_2060_bad_txn_date(qbo: Qbo) -> None:
    c = qbo.customer()
    r = qbo.post(
        "invoice",
        {
            "CustomerRef": {"value": c["Id"]},
            "TxnDate": "31/12/2026",
            "Line": [sales_line(5, item=None)],
        },
    )
    fault(r, 400, "2060", "TxnDate")


def test_2130_requestid_too_long(qbo: Qbo) -> None:
    fault(qbo.post("customer", {"DisplayName": "R"}, requestid="x" * 51), 400, "2130", "requestid")


def test_2170_bad_account_type(qbo: Qbo) -> None:
    fault(
        qbo.post("account", {"Name": "Weird", "AccountType": "Magic"}), 400, "2170", "AccountType"
    )


def test_2170_billable_status_has_been_billed(qbo: Qbo) -> None:
    c = qbo.customer()
    line = expense_line(
        10,
        qbo.accounts["OfficeExpenses"],
        BillableStatus="HasBeenBilled",
        CustomerRef={"value": c["Id"]},
    )
    r = qbo.post("purchase", purchase(qbo, line))
    fault(r, 400, "2170", "Line.AccountBasedExpenseLineDetail.BillableStatus")


def test_2170_journal_posting_type_neither_debit_nor_credit(qbo: Qbo) -> None:
    lines = [
        je_line(5, "Debit", qbo.accounts["TrustAccounts"]),
        je_line(5, "Withdrawal", qbo.accounts["TrustAccountsLiabilities"]),
    ]
    r = qbo.post("journalentry", {"Line": lines})
    fault(r, 400, "2170", "Line.JournalEntryLineDetail.PostingType")


def test_2170_journal_entity_of_another_type(qbo: Qbo) -> None:
    c = qbo.customer()
    body = trust_deposit(qbo, c["Id"], 5)
    body["Line"][1]["JournalEntryLineDetail"]["Entity"]["Type"] = "Item"
    fault(qbo.post("journalentry", body), 400, "2170", "Line.JournalEntryLineDetail.Entity.Type")


def test_2170_cheque_print_status_not_an_enumeration(qbo: Qbo) -> None:
    c = qbo.customer()
    payee = qbo.create("Vendor", {"DisplayName": "Sheriff"})
    body = trust_cheque(qbo, c["Id"], payee["Id"], 5, PrintStatus="Printed")
    fault(qbo.post("purchase", body), 400, "2170", "PrintStatus")


def test_2170_payee_of_another_type(qbo: Qbo) -> None:
    c = qbo.customer()
    body = trust_cheque(qbo, c["Id"], c["Id"], 5, EntityRef={"value": "2", "type": "Item"})
    fault(qbo.post("purchase", body), 400, "2170", "EntityRef.type")


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


def test_2260_journal_line_without_posting_type(qbo: Qbo) -> None:
    unposted = {
        "Amount": 5,
        "DetailType": "JournalEntryLineDetail",
        "JournalEntryLineDetail": {"AccountRef": {"value": qbo.accounts["OfficeExpenses"]}},
    }
    credit = je_line(5, "Credit", qbo.accounts["Checking"])
    r = qbo.post("journalentry", {"Line": [unposted, credit]})
    fault(r, 400, "2260", "Line.JournalEntryLineDetail.PostingType")


def test_2290_negative_journal_line(qbo: Qbo) -> None:
    """A journal line's direction is its PostingType; its Amount is never negative."""
    c = qbo.customer()
    body = trust_deposit(qbo, c["Id"], 5)
    body["Line"].append(je_line(-5, "Debit", qbo.accounts["TrustAccounts"]))
    body["Line"].append(je_line(-5, "Credit", qbo.accounts["TrustAccountsLiabilities"]))
    err = fault(qbo.post("journalentry", body), 400, "2290", "Line.Amount")
    assert "Supplied value:-5" in err["Detail"]
    body["Line"][2:] = [
        je_line(0, "Debit", qbo.accounts["TrustAccounts"]),
        je_line(0, "Credit", qbo.accounts["TrustAccountsLiabilities"]),
    ]
    assert qbo.post("journalentry", body).status_code == 200


def test_2300_unbalanced_journal_entry(qbo: Qbo) -> None:
    debit = je_line(10, "Debit", qbo.accounts["OfficeExpenses"])
    credit = je_line(9.99, "Credit", qbo.accounts["Checking"])
    fault(qbo.post("journalentry", {"Line": [debit, credit]}), 400, "2300", "Line")


def test_2500_unknown_item(qbo: Qbo) -> None:
    c = qbo.customer()
    r = qbo.post("invoice", {"CustomerRef": {"value": c["Id"]}, "Line": [sales_line(5, "583")]})
    err = fault(r, 400, "2500", "Reference Id")
    assert err["Detail"] == "Invalid Reference Id : Items element id 583 not found"


def test_2500_journal_line_on_an_unknown_account(qbo: Qbo) -> None:
    lines = [
        je_line(5, "Debit", qbo.accounts["TrustAccounts"]),
        je_line(5, "Credit", "9999"),
    ]
    err = fault(qbo.post("journalentry", {"Line": lines}), 400, "2500", "Reference Id")
    assert err["Detail"] == "Invalid Reference Id : Accounts element id 9999 not found"


def test_2500_journal_line_naming_a_merged_away_customer(qbo: Qbo) -> None:
    """Merging is how a customer disappears from QuickBooks: its id is then not found."""
    gone = qbo.customer()
    kept = qbo.customer()
    merged = qbo.post(
        "customer",
        {"Id": gone["Id"], "SyncToken": gone["SyncToken"], "MergeIntoRef": {"value": kept["Id"]}},
        operation="merge",
    )
    assert merged.status_code == 200, merged.text
    err = fault(
        qbo.post("journalentry", trust_deposit(qbo, gone["Id"], 5)), 400, "2500", "Reference Id"
    )
    assert f"Names element id {gone['Id']} not found" in err["Detail"]


def test_2500_cheque_to_an_unknown_payee(qbo: Qbo) -> None:
    c = qbo.customer()
    err = fault(
        qbo.post("purchase", trust_cheque(qbo, c["Id"], "8888", 5)), 400, "2500", "Reference Id"
    )
    assert "Names element id 8888 not found" in err["Detail"]


def test_2500_cheque_line_for_an_unknown_customer(qbo: Qbo) -> None:
    payee = qbo.create("Vendor", {"DisplayName": "Translator"})
    r = qbo.post("purchase", trust_cheque(qbo, "7777", payee["Id"], 5))
    err = fault(r, 400, "2500", "Reference Id")
    assert "Names element id 7777 not found" in err["Detail"]


def test_2500_unknown_class_uses_klasses(new_company: NewCompany) -> None:
    q = new_company(edition="plus")
    q.patch(class_tracking=True)
    c = q.customer()
    r = q.post(
        "invoice",
        {"CustomerRef": {"value": c["Id"]}, "Line": [sales_line(5, ClassRef={"value": "999999"})]},
    )
    err = fault(r, 400, "2500", "Reference Id")
    assert "Klasses element id 999999 not found" in err["Detail"]


def test_2500_inactive_class_is_not_found_like_a_deleted_one(new_company: NewCompany) -> None:
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


def test_2500_merge_into_unknown_customer(qbo: Qbo) -> None:
    c = qbo.customer()
    r = qbo.post(
        "customer",
        {"Id": c["Id"], "SyncToken": "0", "MergeIntoRef": {"value": "4040"}},
        operation="merge",
    )
    fault(r, 400, "2500", "Reference Id")


def test_5020_class_in_essentials(new_company: NewCompany) -> None:
    q = new_company(edition="essentials")
    fault(q.post("class", {"Name": "Litigation"}), 400, "5020", "")


def test_5020_inventory_item_below_plus_and_2020_without_its_accounts(
    new_company: NewCompany,
) -> None:
    body = {"Name": "Widgets", "Type": "Inventory", "TrackQtyOnHand": True, "QtyOnHand": 1}
    fault(new_company(edition="essentials").post("item", body), 400, "5020")
    fault(new_company(edition="plus").post("item", body), 400, "2020")


def test_5020_department_below_plus(qbo: Qbo, new_company: NewCompany) -> None:
    dept = qbo.create("Department", {"Name": "Downtown office"})
    assert dept["FullyQualifiedName"] == "Downtown office"
    fault(new_company(edition="essentials").post("department", {"Name": "X"}), 400, "5020")


def test_5020_bills_below_essentials(new_company: NewCompany) -> None:
    simple = new_company(edition="simple_start")
    v = simple.create("Vendor", {"DisplayName": "V"})
    fault(simple.post("bill", bill_body(simple, v["Id"])), 400, "5020")


def test_5030_billable_expense_below_plus(new_company: NewCompany) -> None:
    q = new_company(edition="essentials")
    c = q.customer()
    line = expense_line(
        10, q.accounts["OfficeExpenses"], BillableStatus="Billable", CustomerRef={"value": c["Id"]}
    )
    r = q.post("purchase", purchase(q, line))
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


def test_5030_class_on_invoice_line_below_plus(new_company: NewCompany) -> None:
    q = new_company(edition="essentials")
    c = q.customer()
    r = q.post(
        "invoice",
        {"CustomerRef": {"value": c["Id"]}, "Line": [sales_line(5, ClassRef={"value": "1"})]},
    )
    fault(r, 400, "5030", "Line.SalesItemLineDetail.ClassRef")


def test_6000_journal_entry_with_one_line(qbo: Qbo) -> None:
    r = qbo.post("journalentry", {"Line": [je_line(10, "Debit", qbo.accounts["OfficeExpenses"])]})
    err = fault(r, 400, "6000", "Line")
    assert err["Detail"] == "Business Validation Error: A journal entry needs at least two lines."


def test_6000_receivable_line_without_customer(qbo: Qbo) -> None:
    debit = je_line(10, "Debit", qbo.accounts["AccountsReceivable"])
    credit = je_line(10, "Credit", qbo.accounts["ServiceFeeIncome"])
    r = qbo.post("journalentry", {"Line": [debit, credit]})
    err = fault(r, 400, "6000", "Line.JournalEntryLineDetail.Entity")
    assert "Accounts Receivable" in err["Detail"]


def test_6000_payable_line_without_vendor(qbo: Qbo) -> None:
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


def test_6000_receivable_line_naming_a_vendor(qbo: Qbo) -> None:
    v = qbo.create("Vendor", {"DisplayName": "Not a client"})
    lines = [
        je_line(
            10,
            "Debit",
            qbo.accounts["AccountsReceivable"],
            Entity={"Type": "Vendor", "EntityRef": {"value": v["Id"]}},
        ),
        je_line(10, "Credit", qbo.accounts["ServiceFeeIncome"]),
    ]
    fault(
        qbo.post("journalentry", {"Line": lines}), 400, "6000", "Line.JournalEntryLineDetail.Entity"
    )


def test_6000_payable_line_naming_a_customer(qbo: Qbo) -> None:
    c = qbo.customer()
    lines = [
        je_line(10, "Debit", qbo.accounts["OfficeExpenses"]),
        je_line(10, "Credit", qbo.accounts["AccountsPayable"], Entity=client_entity(c["Id"])),
    ]
    fault(
        qbo.post("journalentry", {"Line": lines}), 400, "6000", "Line.JournalEntryLineDetail.Entity"
    )


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


def test_6000_payment_for_inactive_customer_and_2500_for_unknown(qbo: Qbo) -> None:
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


def test_6000_canadian_line_without_tax_code(new_company: NewCompany) -> None:
    q = new_company(country="CA")
    c = q.customer()
    r = q.post("invoice", {"CustomerRef": {"value": c["Id"]}, "Line": [sales_line(10)]})
    err = fault(r, 400, "6000", "TaxCodeRef")
    assert "GST/HST" in err["Detail"]


def test_6000_currency_differs_from_customer(new_company: NewCompany) -> None:
    q = new_company(multicurrency=True)
    c = q.customer("Euro Client", CurrencyRef={"value": "EUR"})
    r = q.post(
        "invoice",
        {
            "CustomerRef": {"value": c["Id"]},
            "CurrencyRef": {"value": "USD"},
            "Line": [sales_line(5, item=None)],
        },
    )
    fault(r, 400, "6000", "CurrencyRef")
    ok = q.create(
        "Invoice", {"CustomerRef": {"value": c["Id"]}, "Line": [sales_line(5, item=None)]}
    )
    assert ok["CurrencyRef"]["value"] == "EUR"


def test_6000_journal_line_on_an_account_in_another_currency(new_company: NewCompany) -> None:
    """A journal entry posts to accounts kept in its own currency or in the home currency."""
    q = new_company(multicurrency=True)
    euro_bank = q.create(
        "Account",
        {"Name": "Trust EUR", "AccountSubType": "TrustAccounts", "CurrencyRef": {"value": "EUR"}},
    )
    c = q.customer()
    body = trust_deposit(q, c["Id"], 5)
    body["Line"][0]["JournalEntryLineDetail"]["AccountRef"] = {"value": euro_bank["Id"]}
    err = fault(q.post("journalentry", body), 400, "6000", "Line.JournalEntryLineDetail.AccountRef")
    assert "EUR" in err["Detail"]


def test_6000_journal_line_naming_a_customer_in_another_currency(new_company: NewCompany) -> None:
    q = new_company(multicurrency=True)
    c = q.customer("Lyon Client", CurrencyRef={"value": "EUR"})
    fault(
        q.post("journalentry", trust_deposit(q, c["Id"], 5)),
        400,
        "6000",
        "Line.JournalEntryLineDetail.Entity",
    )


def test_6000_cheque_from_a_bank_account_in_another_currency(new_company: NewCompany) -> None:
    """A cheque is in its bank account's currency; its payee must be kept in it too."""
    q = new_company(multicurrency=True)
    euro_bank = q.create(
        "Account",
        {"Name": "Trust EUR", "AccountSubType": "TrustAccounts", "CurrencyRef": {"value": "EUR"}},
    )
    c = q.customer()
    dollar_payee = q.create("Vendor", {"DisplayName": "Local Court"})
    body = trust_cheque(q, c["Id"], dollar_payee["Id"], 5, AccountRef={"value": euro_bank["Id"]})
    err = fault(q.post("purchase", body), 400, "6000", "AccountRef")
    assert "EUR" in err["Detail"]
    euro_payee = q.create("Vendor", {"DisplayName": "Paris Court", "CurrencyRef": {"value": "EUR"}})
    body["EntityRef"] = {"value": euro_payee["Id"], "type": "Vendor"}
    body["ExchangeRate"] = 1.1
    ok = q.create("Purchase", body)
    assert ok["CurrencyRef"]["value"] == "EUR" and ok["HomeTotalAmt"] == 5.5


def test_6000_cheque_line_on_an_account_in_another_currency(new_company: NewCompany) -> None:
    q = new_company(multicurrency=True)
    euro_liability = q.create(
        "Account",
        {
            "Name": "Trust liability EUR",
            "AccountSubType": "TrustAccountsLiabilities",
            "CurrencyRef": {"value": "EUR"},
        },
    )
    c = q.customer()
    payee = q.create("Vendor", {"DisplayName": "Bailiff"})
    body = trust_cheque(q, c["Id"], payee["Id"], 5)
    body["Line"][0]["AccountBasedExpenseLineDetail"]["AccountRef"] = {"value": euro_liability["Id"]}
    fault(q.post("purchase", body), 400, "6000", "Line.AccountBasedExpenseLineDetail.AccountRef")


def test_6000_void_of_an_invoice_with_a_payment(qbo: Qbo) -> None:
    c = qbo.customer()
    inv = qbo.invoice(c["Id"])
    qbo.payment(c["Id"], "10.00", inv["Id"])
    fresh = qbo.read("Invoice", inv["Id"])
    fault(
        qbo.post("invoice", {"Id": inv["Id"], "SyncToken": fresh["SyncToken"]}, operation="void"),
        400,
        "6000",
    )


def test_6000_transfer_to_its_own_account(qbo: Qbo) -> None:
    r = qbo.post(
        "transfer",
        {
            "FromAccountRef": {"value": qbo.accounts["Checking"]},
            "ToAccountRef": {"value": qbo.accounts["Checking"]},
            "Amount": 5,
        },
    )
    fault(r, 400, "6000", "ToAccountRef")


def test_6010_account_without_type(qbo: Qbo) -> None:
    fault(qbo.post("account", {"Name": "Typeless"}), 400, "6010", "AccountType")


def test_6070_amount_not_qty_times_price(qbo: Qbo) -> None:
    c = qbo.customer()
    r = qbo.post(
        "invoice",
        {"CustomerRef": {"value": c["Id"]}, "Line": [sales_line(451.50, Qty=48, UnitPrice=9.41)]},
    )
    err = fault(r, 400, "6070", "Line.Amount")
    assert "Supplied value:451.5" in err["Detail"]
    # The product rounded to the cent passes: 48 × 9.40625 = 451.50.
    inv = qbo.create(
        "Invoice",
        {
            "CustomerRef": {"value": c["Id"]},
            "Line": [sales_line(451.50, Qty=48, UnitPrice=9.40625)],
        },
    )
    assert inv["TotalAmt"] == 451.5


def test_6070_item_expense_line_amount_not_qty_times_price(qbo: Qbo) -> None:
    line = {
        "Amount": 21,
        "DetailType": "ItemBasedExpenseLineDetail",
        "ItemBasedExpenseLineDetail": {"ItemRef": {"value": "3"}, "Qty": 2, "UnitPrice": 10},
    }
    fault(qbo.post("purchase", purchase(qbo, line)), 400, "6070", "Line.Amount")


def test_6080_customer_without_any_name(qbo: Qbo) -> None:
    fault(qbo.post("customer", {"CompanyName": ""}), 400, "6080", "DisplayName")


def test_6090_discount_line_without_amount_or_percent(qbo: Qbo) -> None:
    c = qbo.customer()
    r = qbo.post(
        "invoice",
        {
            "CustomerRef": {"value": c["Id"]},
            "Line": [
                sales_line(50, item=None),
                {"DetailType": "DiscountLineDetail", "DiscountLineDetail": {"PercentBased": False}},
            ],
        },
    )
    fault(r, 400, "6090", "Line.DiscountLineDetail")


def test_6100_us_line_tax_code_must_be_tax_or_non(qbo: Qbo) -> None:
    c = qbo.customer()
    r = qbo.post(
        "invoice",
        {"CustomerRef": {"value": c["Id"]}, "Line": [sales_line(10, TaxCodeRef={"value": "3"})]},
    )
    fault(r, 400, "6100", "TaxCodeRef")


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


def test_6140_duplicate_cheque_number_only_when_warned(qbo: Qbo) -> None:
    line = expense_line(10, qbo.accounts["OfficeExpenses"])
    cheque = purchase(qbo, line, pay="Check", DocNumber="501")
    assert qbo.post("purchase", cheque).status_code == 200
    assert qbo.post("purchase", cheque).status_code == 200
    qbo.patch(warn_duplicate_doc_numbers=True)
    fault(qbo.post("purchase", cheque), 400, "6140", "DocNumber")


def test_6140_cheque_number_is_its_bank_accounts_own(qbo: Qbo) -> None:
    """Each bank account has its own cheque book: the trust account's cheque 501 does not
    clash with the operating account's."""
    qbo.patch(warn_duplicate_doc_numbers=True)
    c = qbo.customer()
    payee = qbo.create("Vendor", {"DisplayName": "Records Office"})
    line = expense_line(10, qbo.accounts["OfficeExpenses"])
    assert (
        qbo.post("purchase", purchase(qbo, line, pay="Check", DocNumber="501")).status_code == 200
    )
    trust = trust_cheque(qbo, c["Id"], payee["Id"], 5, PrintStatus="PrintComplete", DocNumber="501")
    assert qbo.post("purchase", trust).status_code == 200
    err = fault(qbo.post("purchase", trust), 400, "6140", "DocNumber")
    assert "DocNumber=501 is assigned to TxnType=Check" in err["Detail"]


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


def test_6140_bill_number_per_vendor_when_warned(qbo: Qbo) -> None:
    qbo.patch(warn_duplicate_doc_numbers=True)
    a = qbo.create("Vendor", {"DisplayName": "Vendor A"})
    b = qbo.create("Vendor", {"DisplayName": "Vendor B"})
    qbo.create("Bill", bill_body(qbo, a["Id"], DocNumber="INV-1"))
    qbo.create("Bill", bill_body(qbo, b["Id"], DocNumber="INV-1"))
    err = fault(
        qbo.post("bill", bill_body(qbo, a["Id"], DocNumber="INV-1")), 400, "6140", "DocNumber"
    )
    assert "TxnType=Bill" in err["Detail"]


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


def test_6240_display_name_shared_by_vendor_and_inactive_customer(qbo: Qbo) -> None:
    c = qbo.customer("Smith & Co")
    qbo.create("Customer", {"Id": c["Id"], "SyncToken": "0", "sparse": True, "Active": False})
    err = fault(qbo.post("vendor", {"DisplayName": "smith & co"}), 400, "6240", "")
    assert err["Detail"].startswith("Duplicate Name Exists Error")
    fault(qbo.post("employee", {"DisplayName": "Smith & Co"}), 400, "6240")


def test_6240_tax_agency_name_taken(qbo: Qbo) -> None:
    agency = qbo.create("TaxAgency", {"DisplayName": "State Revenue"})
    fault(qbo.post("taxagency", {"DisplayName": "state revenue"}), 400, "6240", "DisplayName")
    assert qbo.read("TaxAgency", agency["Id"])["DisplayName"] == "State Revenue"


def test_6250_invoice_for_inactive_customer(qbo: Qbo) -> None:
    c = qbo.customer()
    qbo.create("Customer", {"Id": c["Id"], "SyncToken": "0", "sparse": True, "Active": False})
    r = qbo.post("invoice", {"CustomerRef": {"value": c["Id"]}, "Line": [sales_line(5)]})
    fault(r, 400, "6250", "CustomerRef")


def test_6310_billable_line_without_customer(qbo: Qbo) -> None:
    line = expense_line(10, qbo.accounts["OfficeExpenses"], BillableStatus="Billable")
    r = qbo.post("purchase", purchase(qbo, line))
    fault(r, 400, "6310", "Line.AccountBasedExpenseLineDetail.CustomerRef")


def test_6420_email_delivery_without_address(qbo: Qbo) -> None:
    fault(
        qbo.post("customer", {"DisplayName": "No Mail", "PreferredDeliveryMethod": "Email"}),
        400,
        "6420",
        "PrimaryEmailAddr",
    )


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
    line = expense_line(10, qbo.accounts["OfficeExpenses"])
    card = {"value": qbo.accounts["CreditCard"]}
    r = qbo.post("purchase", purchase(qbo, line, pay="Check", AccountRef=card))
    fault(r, 400, "6430", "AccountRef")


def test_6430_cheque_drawn_on_the_trust_liability_account(qbo: Qbo) -> None:
    c = qbo.customer()
    payee = qbo.create("Vendor", {"DisplayName": "Process Server"})
    liability = {"value": qbo.accounts["TrustAccountsLiabilities"]}
    body = trust_cheque(qbo, c["Id"], payee["Id"], 5, AccountRef=liability)
    fault(qbo.post("purchase", body), 400, "6430", "AccountRef")


def test_6430_deposit_to_an_income_account(qbo: Qbo) -> None:
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


def test_6440_expense_line_without_account(qbo: Qbo) -> None:
    line = {
        "Amount": 21,
        "DetailType": "AccountBasedExpenseLineDetail",
        "AccountBasedExpenseLineDetail": {},
    }
    r = qbo.post("purchase", purchase(qbo, line))
    fault(r, 400, "6440", "Line.AccountBasedExpenseLineDetail.AccountRef")


def test_6470_tax_code_without_sales_rate(new_company: NewCompany) -> None:
    q = new_company(country="CA")
    c = q.customer()
    r = q.post(
        "invoice",
        {"CustomerRef": {"value": c["Id"]}, "Line": [sales_line(10, TaxCodeRef={"value": "6"})]},
    )
    fault(r, 400, "6470", "TaxCodeRef")


def test_6470_purchase_only_tax_code_on_an_invoice_line(new_company: NewCompany) -> None:
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
    line = expense_line(20, q.accounts["OfficeExpenses"], TaxCodeRef={"value": "7"})
    expense = q.post("purchase", purchase(q, line))
    assert expense.status_code == 200, expense.text  # fine on the purchase side


def test_6540_deleting_a_deposited_sales_receipt(qbo: Qbo) -> None:
    sr = qbo.create("SalesReceipt", {"Line": [sales_line(15, item=None)]})
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


def test_2030_an_id_that_is_not_a_number(qbo: Qbo) -> None:
    """As recorded from QBO: the fault comes without a "time"."""
    r = qbo.get("/customer/1.5")
    err = fault_without_time(r, "2030")
    assert err["Detail"] == "Id should be a valid number. Supplied value:1.5"


def test_an_empty_requestid_is_no_requestid(qbo: Qbo) -> None:
    first = qbo.post("customer", {"DisplayName": "Empty Rid A"}, requestid="")
    second = qbo.post("customer", {"DisplayName": "Empty Rid B"}, requestid="")
    assert first.status_code == second.status_code == 200
    assert first.json()["Customer"]["Id"] != second.json()["Customer"]["Id"]


def fault_without_time(r: httpx.Response, code: str) -> dict[str, Any]:
    assert r.status_code == 400, r.text
    body = r.json()
    assert "time" not in body
    err = dict(body["Fault"]["Error"][0])
    assert err["code"] == code
    return err
