"""Create, read, full and sparse update, delete, void, SyncToken and requestid, over HTTP."""

from __future__ import annotations

from tests.sandbox.sandbox_support import Qbo, fault


def test_create_and_read_customer_round_trips_with_system_fields(qbo: Qbo) -> None:
    created = qbo.customer("Ada Lovelace", PrimaryEmailAddr={"Address": "ada@example.com"})
    assert created["Id"] and created["SyncToken"] == "0"
    assert created["MetaData"]["CreateTime"]
    read = qbo.read("Customer", created["Id"])
    assert read == created


def test_full_update_clears_omitted_fields_and_sparse_keeps_them(qbo: Qbo) -> None:
    c = qbo.customer("Grace Hopper", CompanyName="Navy", Notes="admiral")
    sparse = qbo.create(
        "Customer",
        {"Id": c["Id"], "SyncToken": c["SyncToken"], "sparse": True, "Notes": "rear admiral"},
    )
    assert sparse["CompanyName"] == "Navy" and sparse["Notes"] == "rear admiral"
    assert sparse["SyncToken"] == "1"
    full = qbo.create("Customer", {"Id": c["Id"], "SyncToken": "1", "DisplayName": "Grace Hopper"})
    assert "CompanyName" not in full and "Notes" not in full
    assert full["SyncToken"] == "2"


def test_stale_sync_token_is_rejected_with_5010(qbo: Qbo) -> None:
    c = qbo.customer()
    qbo.create("Customer", {"Id": c["Id"], "SyncToken": "0", "sparse": True, "Notes": "a"})
    r = qbo.post("customer", {"Id": c["Id"], "SyncToken": "0", "sparse": True, "Notes": "b"})
    fault(r, 400, "5010", "SyncToken")


def test_read_of_unknown_id_gives_610(qbo: Qbo) -> None:
    fault(qbo.get("/customer/99999"), 400, "610", "")


def test_unknown_entity_path_gives_500_unsupported(qbo: Qbo) -> None:
    fault(qbo.post("widget", {"Name": "x"}), 400, "500", "")


def test_invoice_totals_are_recomputed_and_subtotal_line_added(qbo: Qbo) -> None:
    c = qbo.customer()
    inv = qbo.create(
        "Invoice",
        {
            "CustomerRef": {"value": c["Id"]},
            "TotalAmt": 1,
            "Line": [
                {
                    "Amount": 150.0,
                    "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": {
                        "ItemRef": {"value": "2"},
                        "Qty": 0.6,
                        "UnitPrice": 250,
                    },
                },
                {"Amount": 50.0, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": {}},
            ],
        },
    )
    assert inv["TotalAmt"] == 200.0 and inv["Balance"] == 200.0
    kinds = [ln["DetailType"] for ln in inv["Line"]]
    assert kinds == ["SalesItemLineDetail", "SalesItemLineDetail", "SubTotalLineDetail"]
    assert inv["Line"][2]["Amount"] == 200.0
    assert inv["DocNumber"] == "1001"
    assert inv["CustomerRef"]["name"] == c["DisplayName"]


def test_invoice_update_echoing_subtotal_line_keeps_line_ids(qbo: Qbo) -> None:
    inv = qbo.invoice(qbo.customer()["Id"])
    inv["Line"][0]["Amount"] = 120.0
    updated = qbo.create("Invoice", inv)
    assert updated["TotalAmt"] == 120.0
    assert updated["Line"][0]["Id"] == inv["Line"][0]["Id"]
    assert len(updated["Line"]) == 2


def test_delete_invoice_then_read_gives_610_and_query_is_empty(qbo: Qbo) -> None:
    inv = qbo.invoice(qbo.customer()["Id"])
    r = qbo.post("invoice", {"Id": inv["Id"], "SyncToken": inv["SyncToken"]}, operation="delete")
    assert r.status_code == 200
    assert r.json()["Invoice"] == {"status": "Deleted", "domain": "QBO", "Id": inv["Id"]}
    fault(qbo.get(f"/invoice/{inv['Id']}"), 400, "610")
    assert (
        qbo.query(f"select * from Invoice where Id = '{inv['Id']}'").json()["QueryResponse"] == {}
    )


def test_void_invoice_zeroes_amounts_and_notes_it(qbo: Qbo) -> None:
    inv = qbo.invoice(qbo.customer()["Id"], PrivateNote="first")
    r = qbo.post("invoice", {"Id": inv["Id"], "SyncToken": inv["SyncToken"]}, operation="void")
    v = r.json()["Invoice"]
    assert v["TotalAmt"] == 0 and v["Balance"] == 0
    assert "Voided" in v["PrivateNote"]
    assert v["SyncToken"] == "1"


def test_void_payment_through_update_include_void(qbo: Qbo) -> None:
    c = qbo.customer()
    p = qbo.payment(c["Id"], "40.00")
    r = qbo.post(
        "payment",
        {"Id": p["Id"], "SyncToken": p["SyncToken"], "sparse": True},
        operation="update",
        include="void",
    )
    v = r.json()["Payment"]
    assert v["TotalAmt"] == 0 and "Voided" in v["PrivateNote"]


def test_name_list_delete_is_unsupported_and_inactivation_works(qbo: Qbo) -> None:
    c = qbo.customer()
    fault(qbo.post("customer", {"Id": c["Id"], "SyncToken": "0"}, operation="delete"), 400, "500")
    off = qbo.create("Customer", {"Id": c["Id"], "SyncToken": "0", "sparse": True, "Active": False})
    assert off["Active"] is False


def test_repeated_requestid_replays_first_response_and_creates_nothing(qbo: Qbo) -> None:
    body = {"DisplayName": "Once Only"}
    first = qbo.post("customer", body, requestid="rid-1")
    second = qbo.post("customer", {"DisplayName": "Something Else"}, requestid="rid-1")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert qbo.rows("select * from Customer where DisplayName = 'Something Else'") == []


def test_a_failed_request_can_be_retried_with_the_same_requestid(qbo: Qbo) -> None:
    first = qbo.post("customer", {}, requestid="rid-fault")
    fault(first, 400, "6080")
    second = qbo.post("customer", {"DisplayName": "Fixed"}, requestid="rid-fault")
    assert second.status_code == 200 and second.json()["Customer"]["DisplayName"] == "Fixed"
    third = qbo.post("customer", {"DisplayName": "Other"}, requestid="rid-fault")
    assert third.content == second.content


def test_minorversion_below_75_is_accepted(qbo: Qbo) -> None:
    r = qbo.get("/customer/1", minorversion=4)
    assert r.status_code in (200, 400)
    assert qbo.post("customer", {"DisplayName": "MV"}, minorversion=12).status_code == 200


def test_payment_applied_to_invoice_reduces_balance_and_customer_balance(qbo: Qbo) -> None:
    c = qbo.customer()
    inv = qbo.invoice(c["Id"], "300.00")
    qbo.payment(c["Id"], "100.00", inv["Id"])
    after = qbo.read("Invoice", inv["Id"])
    assert after["Balance"] == 200.0
    assert after["LinkedTxn"][0]["TxnType"] == "Payment"
    assert qbo.read("Customer", c["Id"])["Balance"] == 200.0


def test_account_balances_follow_transactions(qbo: Qbo) -> None:
    c = qbo.customer()
    inv = qbo.invoice(c["Id"], "80.00")
    qbo.payment(c["Id"], "80.00", inv["Id"])
    ar = qbo.read("Account", qbo.accounts["AccountsReceivable"])
    undeposited = qbo.read("Account", qbo.accounts["UndepositedFunds"])
    income = qbo.read("Account", qbo.accounts["ServiceFeeIncome"])
    assert ar["CurrentBalance"] == 0
    assert undeposited["CurrentBalance"] == 80.0
    assert income["CurrentBalance"] == 80.0


def test_sub_account_gets_fully_qualified_name(qbo: Qbo) -> None:
    child = qbo.create(
        "Account",
        {
            "Name": "IOLTA 2",
            "AccountSubType": "TrustAccounts",
            "SubAccount": True,
            "ParentRef": {"value": qbo.accounts["TrustAccounts"]},
        },
    )
    assert child["FullyQualifiedName"] == "Client Trust Account:IOLTA 2"
    assert child["AccountType"] == "Bank"


def test_companyinfo_and_preferences_are_readable(qbo: Qbo) -> None:
    info = qbo.get(f"/companyinfo/{qbo.realm}").json()["CompanyInfo"]
    assert info["Country"] == "US"
    names = {nv["Name"]: nv["Value"] for nv in info["NameValue"]}
    assert names["OfferingSku"] == "QuickBooks Online Plus"
    prefs = qbo.get("/preferences").json()["Preferences"]
    assert prefs["SalesFormsPrefs"]["CustomTxnNumbers"] is False


def test_preferences_update_turns_on_custom_numbers(qbo: Qbo) -> None:
    prefs = qbo.get("/preferences").json()["Preferences"]
    prefs["SalesFormsPrefs"]["CustomTxnNumbers"] = True
    r = qbo.post("preferences", prefs)
    assert r.status_code == 200, r.text
    assert r.json()["Preferences"]["SalesFormsPrefs"]["CustomTxnNumbers"] is True
    assert r.json()["Preferences"]["SyncToken"] == "1"


def test_invoice_link_on_request_for_online_payable_invoices(qbo: Qbo) -> None:
    c = qbo.customer()
    inv = qbo.invoice(c["Id"], AllowOnlineACHPayment=True, BillEmail={"Address": "pay@example.com"})
    plain = qbo.get(f"/invoice/{inv['Id']}").json()["Invoice"]
    assert "InvoiceLink" not in plain
    linked = qbo.get(f"/invoice/{inv['Id']}", include="invoiceLink").json()["Invoice"]
    assert linked["InvoiceLink"].startswith("https://")
