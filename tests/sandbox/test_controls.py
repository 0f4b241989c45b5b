"""Company state controls: outages, subscription, disabled user, closed books, limits,
deposits, cheque printing and purge."""

from __future__ import annotations

from typing import Any

import httpx

from tests.sandbox.sandbox_support import (
    NewCompany,
    Qbo,
    balance,
    fault,
    trust_cheque,
    trust_deposit,
)


def expense(qbo: Qbo, **extra: Any) -> dict[str, Any]:
    return {
        "PaymentType": "Check",
        "AccountRef": {"value": qbo.accounts["Checking"]},
        "Line": [
            {
                "Amount": 25,
                "DetailType": "AccountBasedExpenseLineDetail",
                "AccountBasedExpenseLineDetail": {
                    "AccountRef": {"value": qbo.accounts["OfficeExpenses"]}
                },
            }
        ],
        **extra,
    }


def test_http_503_outage_serves_an_html_page(qbo: Qbo) -> None:
    qbo.patch(outage="http_503")
    r = qbo.get("/preferences")
    assert r.status_code == 503 and r.headers["content-type"].startswith("text/html")
    qbo.patch(outage="none")
    assert qbo.get("/preferences").status_code == 200


def test_gateway_500_outage(qbo: Qbo) -> None:
    qbo.patch(outage="gateway_500")
    r = qbo.get("/preferences")
    assert r.status_code == 500
    err = r.json()["fault"]["error"][0]
    assert err["code"] == "3100"
    assert err["message"] == "message=InternalServerError; errorCode=003100; statusCode=500"


def test_6190_cancelled_company_rejects_writes_but_allows_reads(qbo: Qbo) -> None:
    qbo.patch(subscription_status="cancelled")
    err = fault(qbo.post("customer", {"DisplayName": "Late"}), 400, "6190", "")
    assert err["Detail"].startswith("Invalid Company Status")
    assert qbo.get("/preferences").status_code == 200
    info = qbo.get(f"/companyinfo/{qbo.realm}").json()["CompanyInfo"]
    assert {"Name": "SubscriptionStatus", "Value": "CANCELLED"} in info["NameValue"]


def test_120_authorizing_user_disabled(qbo: Qbo) -> None:
    qbo.patch(authorizing_user_disabled=True)
    r = qbo.get("/preferences")
    assert r.status_code == 401
    assert r.json()["Fault"]["type"] == "AuthorizationFault"
    assert r.json()["Fault"]["Error"][0]["code"] == "120"


def test_6210_write_dated_in_closed_books(qbo: Qbo) -> None:
    qbo.patch(book_close_date="2024-12-31")
    c = qbo.customer()
    r = qbo.post(
        "invoice",
        {
            "CustomerRef": {"value": c["Id"]},
            "TxnDate": "2024-12-31",
            "Line": [{"Amount": 5, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": {}}],
        },
    )
    fault(r, 400, "6210", "TxnDate")
    prefs = qbo.get("/preferences").json()["Preferences"]
    assert prefs["AccountingInfoPrefs"]["BookCloseDate"] == "2024-12-31"


def test_6210_delete_of_a_transaction_in_closed_period(qbo: Qbo) -> None:
    c = qbo.customer()
    inv = qbo.invoice(c["Id"], TxnDate="2024-06-01")
    qbo.patch(book_close_date="2024-12-31")
    fault(qbo.post("invoice", {"Id": inv["Id"], "SyncToken": "0"}, operation="delete"), 400, "6210")


def test_6210_journal_entry_dated_on_the_close_date(qbo: Qbo) -> None:
    qbo.patch(book_close_date="2024-12-31")
    c = qbo.customer()
    r = qbo.post("journalentry", trust_deposit(qbo, c["Id"], 5, TxnDate="2024-12-31"))
    fault(r, 400, "6210", "TxnDate")
    ok = qbo.post("journalentry", trust_deposit(qbo, c["Id"], 5, TxnDate="2025-01-01"))
    assert ok.status_code == 200, ok.text


def test_6210_journal_entry_moved_into_the_closed_period(qbo: Qbo) -> None:
    c = qbo.customer()
    je = qbo.create("JournalEntry", trust_deposit(qbo, c["Id"], 5, TxnDate="2025-02-01"))
    qbo.patch(book_close_date="2024-12-31")
    moved = {**je, "TxnDate": "2024-12-15"}
    fault(qbo.post("journalentry", moved), 400, "6210", "TxnDate")
    assert qbo.read("JournalEntry", je["Id"])["TxnDate"] == "2025-02-01"


def test_6210_journal_entry_of_the_closed_period_can_not_change_or_go(qbo: Qbo) -> None:
    c = qbo.customer()
    je = qbo.create("JournalEntry", trust_deposit(qbo, c["Id"], 5, TxnDate="2024-06-01"))
    qbo.patch(book_close_date="2024-12-31")
    fault(qbo.post("journalentry", {**je, "TxnDate": "2025-01-02"}), 400, "6210", "TxnDate")
    ref = {"Id": je["Id"], "SyncToken": je["SyncToken"]}
    fault(qbo.post("journalentry", ref, operation="delete"), 400, "6210", "TxnDate")


def test_6210_cheque_of_the_closed_period_can_not_be_voided(
    qbo: Qbo, control: httpx.Client
) -> None:
    c = qbo.customer()
    payee = qbo.create("Vendor", {"DisplayName": "Archive Service"})
    cheque = qbo.create(
        "Purchase", trust_cheque(qbo, c["Id"], payee["Id"], 5, TxnDate="2024-06-01")
    )
    qbo.patch(book_close_date="2024-12-31")
    r = control.post(f"/_sandbox/companies/{qbo.realm}/cheques/{cheque['Id']}/void")
    fault(r, 400, "6210", "TxnDate")


def test_429_over_per_window_limit(qbo: Qbo) -> None:
    qbo.patch(limits={"per_window": 3, "window_seconds": 60})
    codes = [qbo.get("/preferences").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    r = qbo.get("/preferences")
    err = r.json()["fault"]["error"][0]
    assert err["message"] == "message=ThrottleExceeded; errorCode=003001; statusCode=429"
    assert err["code"] == "3001"


def test_429_over_batch_limit(qbo: Qbo) -> None:
    qbo.patch(limits={"batches_per_window": 1})
    body = {"BatchItemRequest": [{"bId": "1", "Query": "SELECT * FROM Term"}]}
    assert qbo.post("batch", body).status_code == 200
    assert qbo.post("batch", body).status_code == 429
    assert qbo.get("/preferences").status_code == 200


def test_window_clears_when_clock_moves(qbo: Qbo, control: httpx.Client) -> None:
    qbo.patch(limits={"per_window": 1, "window_seconds": 60})
    assert qbo.get("/preferences").status_code == 200
    assert qbo.get("/preferences").status_code == 429
    control.post("/_sandbox/clock", json={"advance_seconds": 61})
    try:
        assert qbo.get("/preferences").status_code == 200
    finally:
        control.post("/_sandbox/clock", json={"advance_seconds": -61})


def test_6540_deposited_payment_cannot_change(qbo: Qbo, control: httpx.Client) -> None:
    c = qbo.customer()
    p = qbo.payment(c["Id"], "75.00")
    r = control.post(f"/_sandbox/companies/{qbo.realm}/deposits", json={"payment_ids": [p["Id"]]})
    assert r.status_code == 201, r.text
    assert r.json()["TotalAmt"] == 75.0
    bank = qbo.read("Account", qbo.accounts["Checking"])
    assert bank["CurrentBalance"] == 75.0
    update = qbo.post(
        "payment", {"Id": p["Id"], "SyncToken": p["SyncToken"], "sparse": True, "PrivateNote": "x"}
    )
    err = fault(update, 400, "6540", "")
    assert "part of a deposit" in err["Detail"]
    fault(
        qbo.post("payment", {"Id": p["Id"], "SyncToken": p["SyncToken"]}, operation="delete"),
        400,
        "6540",
    )
    void = qbo.post(
        "payment",
        {"Id": p["Id"], "SyncToken": p["SyncToken"], "sparse": True},
        operation="update",
        include="void",
    )
    fault(void, 400, "6540")


def test_deleting_the_deposit_frees_the_payment(qbo: Qbo, control: httpx.Client) -> None:
    c = qbo.customer()
    p = qbo.payment(c["Id"], "20.00")
    dep = control.post(
        f"/_sandbox/companies/{qbo.realm}/deposits", json={"payment_ids": [p["Id"]]}
    ).json()
    qbo.post("deposit", {"Id": dep["Id"], "SyncToken": dep["SyncToken"]}, operation="delete")
    ok = qbo.post(
        "payment", {"Id": p["Id"], "SyncToken": p["SyncToken"], "sparse": True, "PrivateNote": "x"}
    )
    assert ok.status_code == 200


def test_6480_a_transaction_matched_in_the_bank_feed_cannot_be_deleted(
    qbo: Qbo, control: httpx.Client
) -> None:
    c = qbo.customer()
    inv = qbo.invoice(c["Id"], "100.00")
    p = qbo.payment(c["Id"], "40.00", inv["Id"])
    matches = f"/_sandbox/companies/{qbo.realm}/bank-feed/matches"
    r = control.post(matches, json={"entity": "Payment", "id": p["Id"]})
    assert r.status_code == 201, r.text
    assert r.json()["bank_line_id"]
    delete = {"Id": p["Id"], "SyncToken": p["SyncToken"]}
    err = fault(qbo.post("payment", delete, operation="delete"), 400, "6480", "")
    assert err["Message"] == "Matched Transaction Delete Error"
    assert f"Payment {p['Id']}" in err["Detail"] and "bank-feed line" in err["Detail"]
    batch = qbo.post(
        "batch",
        {"BatchItemRequest": [{"bId": "1", "operation": "delete", "Payment": delete}]},
    )
    assert batch.json()["BatchItemResponse"][0]["Fault"]["Error"][0]["code"] == "6480"
    # Only deleting is refused: the copy may still be edited, and the match is kept.
    edited = qbo.create("Payment", {**delete, "sparse": True, "PaymentRefNum": "chq 12"})
    assert qbo.read("Payment", p["Id"])["PaymentRefNum"] == "chq 12"
    # A matched invoice cannot be deleted either (checked before its payments are).
    assert control.post(matches, json={"entity": "Invoice", "id": inv["Id"]}).status_code == 201
    fault(
        qbo.post("invoice", {"Id": inv["Id"], "SyncToken": inv["SyncToken"]}, operation="delete"),
        400,
        "6480",
    )
    # Voiding keeps the record (and so the match): allowed.
    other = qbo.invoice(c["Id"], "15.00")
    assert control.post(matches, json={"entity": "Invoice", "id": other["Id"]}).status_code == 201
    void = qbo.post(
        "invoice", {"Id": other["Id"], "SyncToken": other["SyncToken"]}, operation="void"
    )
    assert void.status_code == 200 and void.json()["Invoice"]["TotalAmt"] == 0
    # Undoing the match frees it; a second undo, or a match of what is not there, is refused.
    undo = control.delete(f"{matches}/Payment/{p['Id']}")
    assert undo.status_code == 200, undo.text
    gone = qbo.post(
        "payment", {"Id": p["Id"], "SyncToken": edited["SyncToken"]}, operation="delete"
    )
    assert gone.status_code == 200, gone.text
    assert control.delete(f"{matches}/Payment/{p['Id']}").status_code == 404
    assert control.post(matches, json={"entity": "Payment", "id": "9999"}).status_code == 404
    assert control.post(matches, json={"entity": "Customer", "id": c["Id"]}).status_code == 400


def test_print_cheques_numbers_waiting_cheques(qbo: Qbo, control: httpx.Client) -> None:
    waiting = qbo.create("Purchase", expense(qbo, PrintStatus="NeedToPrint"))
    done = qbo.create("Purchase", expense(qbo, PrintStatus="PrintComplete", DocNumber="77"))
    r = control.post(f"/_sandbox/companies/{qbo.realm}/print-cheques")
    assert r.status_code == 200
    assert [p["Id"] for p in r.json()["printed"]] == [waiting["Id"]]
    after = qbo.read("Purchase", waiting["Id"])
    assert after["PrintStatus"] == "PrintComplete" and after["DocNumber"]
    assert after["SyncToken"] == "1"
    assert qbo.read("Purchase", done["Id"])["DocNumber"] == "77"


def test_print_cheques_of_one_bank_account(qbo: Qbo, control: httpx.Client) -> None:
    c = qbo.customer()
    payee = qbo.create("Vendor", {"DisplayName": "Court Reporter"})
    office = qbo.create("Purchase", expense(qbo, PrintStatus="NeedToPrint"))
    trust = qbo.create("Purchase", trust_cheque(qbo, c["Id"], payee["Id"], 90))
    r = control.post(
        f"/_sandbox/companies/{qbo.realm}/print-cheques",
        json={"account_id": qbo.accounts["TrustAccounts"], "first_number": 7001},
    )
    assert r.json()["printed"] == [{"Id": trust["Id"], "DocNumber": "7001"}]
    read_back = qbo.read("Purchase", trust["Id"])
    assert read_back["PrintStatus"] == "PrintComplete" and read_back["DocNumber"] == "7001"
    (row,) = qbo.rows("SELECT * FROM Purchase WHERE DocNumber = '7001'")
    assert row["Id"] == trust["Id"]
    assert qbo.read("Purchase", office["Id"])["PrintStatus"] == "NeedToPrint"
    r = control.post(
        f"/_sandbox/companies/{qbo.realm}/print-cheques",
        json={"account_id": qbo.accounts["TrustAccountsLiabilities"]},
    )
    assert r.status_code == 404


def test_print_cheques_replaces_a_number_given_while_waiting(
    qbo: Qbo, control: httpx.Client
) -> None:
    """A cheque waiting to print keeps a number sent with it until it is printed."""
    c = qbo.customer()
    payee = qbo.create("Vendor", {"DisplayName": "Translator Co"})
    cheque = qbo.create("Purchase", trust_cheque(qbo, c["Id"], payee["Id"], 15, DocNumber="TBD"))
    assert cheque["DocNumber"] == "TBD" and cheque["PrintStatus"] == "NeedToPrint"
    control.post(f"/_sandbox/companies/{qbo.realm}/print-cheques", json={"first_number": 12})
    assert qbo.read("Purchase", cheque["Id"])["DocNumber"] == "12"


def test_void_cheque_as_a_user_does_keeps_it_and_moves_the_balances_back(
    qbo: Qbo, control: httpx.Client
) -> None:
    c = qbo.customer()
    payee = qbo.create("Vendor", {"DisplayName": "Registry Office"})
    qbo.create("JournalEntry", trust_deposit(qbo, c["Id"], 500))
    cheque = qbo.create("Purchase", trust_cheque(qbo, c["Id"], payee["Id"], 120))
    control.post(f"/_sandbox/companies/{qbo.realm}/print-cheques", json={"first_number": 301})
    assert balance(qbo, "TrustAccounts") == 380.0
    r = control.post(f"/_sandbox/companies/{qbo.realm}/cheques/{cheque['Id']}/void")
    assert r.status_code == 200, r.text
    voided = qbo.read("Purchase", cheque["Id"])
    assert voided == r.json()
    assert voided["TotalAmt"] == 0 and voided["Line"][0]["Amount"] == 0
    assert voided["DocNumber"] == "301" and voided["PrivateNote"].startswith("Voided")
    assert voided["EntityRef"]["value"] == payee["Id"] and voided["SyncToken"] == "2"
    assert balance(qbo, "TrustAccounts") == 500.0
    assert balance(qbo, "TrustAccountsLiabilities") == 500.0


def test_void_cheque_only_takes_a_cheque(qbo: Qbo, control: httpx.Client) -> None:
    cash = qbo.create("Purchase", {**expense(qbo), "PaymentType": "Cash"})
    base = f"/_sandbox/companies/{qbo.realm}/cheques"
    assert control.post(f"{base}/{cash['Id']}/void").status_code == 400
    assert control.post(f"{base}/99999/void").status_code == 404


def test_purge_removes_every_id(qbo: Qbo, control: httpx.Client) -> None:
    c = qbo.customer()
    assert control.post(f"/_sandbox/companies/{qbo.realm}/purge").status_code == 200
    fault(qbo.get(f"/customer/{c['Id']}"), 400, "610")
    r = qbo.post(
        "invoice",
        {
            "CustomerRef": {"value": c["Id"]},
            "Line": [
                {
                    "Amount": 5,
                    "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": {"ItemRef": {"value": "2"}},
                }
            ],
        },
    )
    fault(r, 400, "6250")
    r = qbo.post(
        "item", {"Name": "x", "IncomeAccountRef": {"value": qbo.accounts["ServiceFeeIncome"]}}
    )
    fault(r, 400, "2500", "Reference Id")


def test_company_for_canada_has_gst_hst_pst_and_group_codes(new_company: NewCompany) -> None:
    q = new_company(country="CA", edition="essentials")
    names = {t["Name"] for t in q.rows("SELECT * FROM TaxCode")}
    assert {"GST", "HST ON", "PST BC", "GST/PST BC"} <= names
    group = next(t for t in q.rows("SELECT * FROM TaxCode") if t["Name"] == "GST/PST BC")
    assert group["TaxGroup"] is True
    assert len(group["SalesTaxRateList"]["TaxRateDetail"]) == 2


def test_chart_of_accounts_has_the_law_firm_accounts(qbo: Qbo) -> None:
    subtypes = {a["AccountSubType"] for a in qbo.rows("SELECT * FROM Account MAXRESULTS 1000")}
    assert {
        "UndepositedFunds",
        "AccountsReceivable",
        "Checking",
        "TrustAccounts",
        "TrustAccountsLiabilities",
        "ServiceFeeIncome",
        "OfficeExpenses",
    } <= subtypes
    items = {i["Type"] for i in qbo.rows("SELECT * FROM Item")}
    assert items == {"Service", "NonInventory"}


def test_control_api_has_its_own_openapi_page(control: httpx.Client) -> None:
    spec = control.get("/_sandbox/openapi.json").json()
    assert set(spec["paths"]) == {
        "/_sandbox/apps",
        "/_sandbox/companies",
        "/_sandbox/companies/{realm_id}",
        "/_sandbox/companies/{realm_id}/tokens",
        "/_sandbox/companies/{realm_id}/deposits",
        "/_sandbox/companies/{realm_id}/bank-feed/matches",
        "/_sandbox/companies/{realm_id}/bank-feed/matches/{entity}/{ident}",
        "/_sandbox/companies/{realm_id}/print-cheques",
        "/_sandbox/companies/{realm_id}/cheques/{ident}/void",
        "/_sandbox/companies/{realm_id}/purge",
        "/_sandbox/companies/{realm_id}/mail",
        "/_sandbox/clock",
    }
    assert control.get("/_sandbox/docs").status_code == 200


def test_trial_balance_balances(qbo: Qbo) -> None:
    c = qbo.customer()
    inv = qbo.invoice(c["Id"], "300.00")
    qbo.payment(c["Id"], "120.00", inv["Id"])
    qbo.create("Purchase", expense(qbo))
    report = qbo.get("/reports/TrialBalance").json()
    assert report["Header"]["ReportName"] == "TrialBalance"
    total = report["Rows"]["Row"][-1]["Summary"]["ColData"]
    assert total[1]["value"] == total[2]["value"] == "325.00"
    by_name = {r["ColData"][0]["value"]: r["ColData"] for r in report["Rows"]["Row"][:-1]}
    assert by_name["Accounts Receivable (A/R)"][1]["value"] == "180.00"
    assert by_name["Legal Fee Income"][2]["value"] == "300.00"


def test_ten_concurrent_clients_within_limits_all_succeed(qbo: Qbo) -> None:
    import threading

    statuses: list[int] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        with httpx.Client(base_url=qbo.http.base_url, headers=qbo.http.headers) as http:
            for i in range(8):
                if i % 2:
                    r = http.post("/customer", json={"DisplayName": f"Par {n}-{i}"})
                else:
                    r = http.get("/query", params={"query": "SELECT * FROM Customer"})
                with lock:
                    statuses.append(r.status_code)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 80
    assert qbo.query("SELECT count(*) FROM Customer").json()["QueryResponse"]["totalCount"] == 40


def test_concurrency_gauge_rejects_over_the_limit(qbo: Qbo) -> None:
    qbo.patch(limits={"concurrent": 0})
    r = qbo.get("/preferences")
    assert r.status_code == 429
    assert r.json()["fault"]["error"][0]["code"] == "3001"


def test_trial_balance_rolls_prior_years_income_into_retained_earnings(qbo: Qbo) -> None:
    c = qbo.customer()
    qbo.invoice(c["Id"], "100.00", TxnDate="2025-06-01")
    qbo.invoice(c["Id"], "40.00", TxnDate="2026-02-01")
    report = qbo.get("/reports/TrialBalance", end_date="2026-03-31").json()
    rows = {r["ColData"][0]["value"]: r["ColData"] for r in report["Rows"]["Row"][:-1]}
    assert rows["Legal Fee Income"][2]["value"] == "40.00"
    assert rows["Retained Earnings"][2]["value"] == "100.00"
    assert rows["Accounts Receivable (A/R)"][1]["value"] == "140.00"
    earlier = qbo.get("/reports/TrialBalance", end_date="2025-12-31").json()
    rows = {r["ColData"][0]["value"]: r["ColData"] for r in earlier["Rows"]["Row"][:-1]}
    assert rows["Legal Fee Income"][2]["value"] == "100.00"
    assert "Retained Earnings" not in rows


def test_general_ledger_lists_a_clients_postings_on_the_trust_liability(qbo: Qbo) -> None:
    ana, ben = qbo.customer("Ana Trust"), qbo.customer("Ben Trust")
    payee = qbo.create("Vendor", {"DisplayName": "Land Titles"})
    qbo.create("JournalEntry", trust_deposit(qbo, ana["Id"], 1000, TxnDate="2026-01-05"))
    qbo.create("JournalEntry", trust_deposit(qbo, ben["Id"], 70, TxnDate="2026-01-06"))
    cheque = qbo.create(
        "Purchase", trust_cheque(qbo, ana["Id"], payee["Id"], 250, TxnDate="2026-01-09")
    )
    liability = qbo.accounts["TrustAccountsLiabilities"]
    report = qbo.get(
        "/reports/GeneralLedger",
        start_date="2026-01-01",
        end_date="2026-01-31",
        account=liability,
        customer=ana["Id"],
    ).json()
    assert report["Header"]["ReportName"] == "GeneralLedger"
    keys = [col["ColType"] for col in report["Columns"]["Column"]]
    assert keys == [
        "tx_date",
        "txn_type",
        "doc_num",
        "name",
        "memo",
        "split_acc",
        "subt_nat_amount",
        "rbal_nat_amount",
    ]
    (section,) = report["Rows"]["Row"]
    assert section["Header"]["ColData"][0] == {"value": "Client Trust Liability", "id": liability}
    rows = [
        {k: cell for k, cell in zip(keys, row["ColData"], strict=True)}
        for row in section["Rows"]["Row"]
    ]
    assert [r["txn_type"]["value"] for r in rows] == ["Journal Entry", "Check"]
    assert rows[1]["txn_type"]["id"] == cheque["Id"]
    assert {r["name"]["id"] for r in rows} == {ana["Id"]}
    assert [r["subt_nat_amount"]["value"] for r in rows] == ["1000.00", "-250.00"]
    assert rows[1]["rbal_nat_amount"]["value"] == "750.00"
    assert rows[1]["split_acc"]["value"] == "Client Trust Account"
    total = section["Summary"]["ColData"]
    assert total[0]["value"] == "Total for Client Trust Liability"
    assert total[-2]["value"] == "750.00" and total[-1]["value"] == "750.00"


def test_general_ledger_opens_with_the_beginning_balance(qbo: Qbo) -> None:
    c = qbo.customer()
    qbo.create("JournalEntry", trust_deposit(qbo, c["Id"], 400, TxnDate="2025-12-20"))
    qbo.create("JournalEntry", trust_deposit(qbo, c["Id"], 25, TxnDate="2026-01-10"))
    report = qbo.get(
        "/reports/GeneralLedger",
        start_date="2026-01-01",
        end_date="2026-01-31",
        account=qbo.accounts["TrustAccounts"],
        columns="tx_date,subt_nat_amount,rbal_nat_amount",
    ).json()
    (section,) = report["Rows"]["Row"]
    cells = [[c["value"] for c in row["ColData"]] for row in section["Rows"]["Row"]]
    assert cells == [["Beginning Balance", "", "400.00"], ["2026-01-10", "25.00", "425.00"]]
    empty = qbo.get(
        "/reports/GeneralLedger", start_date="2026-01-01", end_date="2026-01-31", customer="9999"
    ).json()
    assert empty["Rows"]["Row"] == []
    assert empty["Header"]["Option"] == [{"Name": "NoReportData", "Value": "true"}]
    fault(qbo.get("/reports/GeneralLedger", end_date="31/01/2026"), 400, "2060", "end_date")


def test_gateway_faults_can_come_as_xml(qbo: Qbo) -> None:
    qbo.patch(limits={"per_window": 1}, gateway_fault_format="xml")
    assert qbo.get("/preferences").status_code == 200
    r = qbo.get("/preferences")
    assert r.status_code == 429 and r.headers["content-type"].startswith("application/xml")
    assert (
        '<Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429'
        in r.text
    )


def test_latency_makes_the_concurrency_limit_observable(qbo: Qbo) -> None:
    import threading

    # Long enough that all five are in flight together even on a loaded machine, where they
    # set off at once.
    qbo.patch(latency_ms=1500, limits={"concurrent": 2})
    statuses: list[int] = []
    together = threading.Barrier(5)

    def call() -> None:
        with httpx.Client(base_url=qbo.http.base_url, headers=qbo.http.headers) as http:
            together.wait()
            statuses.append(http.get("/preferences").status_code)

    threads = [threading.Thread(target=call) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 200, 429, 429, 429]


def test_error_after_commit_stores_the_change_and_requestid_recovers_it(qbo: Qbo) -> None:
    qbo.patch(chaos={"rate": 1.0, "kinds": ["error_after_commit"]})
    r = qbo.post("customer", {"DisplayName": "Committed Anyway"}, requestid="chaos-1")
    assert r.status_code == 500
    assert r.json()["fault"]["error"][0]["code"] == "3100"
    qbo.patch(chaos={"rate": 0.0})
    assert len(qbo.rows("SELECT * FROM Customer WHERE DisplayName = 'Committed Anyway'")) == 1
    retry = qbo.post("customer", {"DisplayName": "Committed Anyway"}, requestid="chaos-1")
    assert (
        retry.status_code == 200 and retry.json()["Customer"]["DisplayName"] == "Committed Anyway"
    )


def test_faults_before_the_work_change_nothing(qbo: Qbo) -> None:
    qbo.patch(chaos={"rate": 1.0, "kinds": ["throttle", "unavailable", "gateway_error"], "seed": 3})
    statuses = {qbo.post("customer", {"DisplayName": f"Never {n}"}).status_code for n in range(12)}
    assert statuses == {429, 503, 500}
    qbo.patch(chaos={"rate": 0.0})
    assert qbo.rows("SELECT * FROM Customer WHERE DisplayName LIKE 'Never%'") == []


def test_timeout_after_commit(qbo: Qbo) -> None:
    qbo.patch(chaos={"rate": 1.0, "kinds": ["timeout_after_commit"], "delay_seconds": 0.6})
    try:
        qbo.http.post("/customer", json={"DisplayName": "Slow Ack"}, timeout=0.2)
        raise AssertionError("expected a timeout")
    except httpx.ReadTimeout:
        pass
    qbo.patch(chaos={"rate": 0.0})
    assert len(qbo.rows("SELECT * FROM Customer WHERE DisplayName = 'Slow Ack'")) == 1


def test_unknown_chaos_kind_is_refused(qbo: Qbo) -> None:
    r = qbo.control.patch(
        f"/_sandbox/companies/{qbo.realm}", json={"chaos": {"rate": 1, "kinds": ["meteor"]}}
    )
    assert r.status_code == 400 and "meteor" in r.json()["error"]


def test_cheques_are_numbered_consecutively_per_bank_account(
    qbo: Qbo, control: httpx.Client
) -> None:
    qbo.create("Purchase", expense(qbo, DocNumber="1041", PrintStatus="PrintComplete"))
    a = qbo.create("Purchase", expense(qbo, PrintStatus="NeedToPrint"))
    b = qbo.create("Purchase", expense(qbo, PrintStatus="NeedToPrint"))
    trust = qbo.create(
        "Purchase",
        {
            **expense(qbo, PrintStatus="NeedToPrint"),
            "AccountRef": {"value": qbo.accounts["TrustAccounts"]},
        },
    )
    printed = control.post(f"/_sandbox/companies/{qbo.realm}/print-cheques").json()["printed"]
    numbers = {p["Id"]: p["DocNumber"] for p in printed}
    assert numbers == {a["Id"]: "1042", b["Id"]: "1043", trust["Id"]: "1"}


def test_every_api_answer_has_an_intuit_tid_of_its_own(qbo: Qbo, control: httpx.Client) -> None:
    """Like QBO: successes, replays, faults, a bad token, outages and unknown paths alike."""
    body = {"DisplayName": "Tid Customer"}
    answers = [
        qbo.get("/preferences"),
        qbo.post("customer", body, requestid="tid-replay"),
        qbo.post("customer", body, requestid="tid-replay"),  # a replay of the first
        qbo.post("customer", body),  # 6240 duplicate name
        qbo.post(
            "batch", {"BatchItemRequest": [{"bId": "1", "operation": "create", "Customer": body}]}
        ),
        qbo.get("/no-such-thing"),
        qbo.http.get("/preferences", headers={"Authorization": "Bearer not-a-token"}),
    ]
    for outage in ("http_503", "gateway_500"):
        qbo.patch(outage=outage)
        answers.append(qbo.get("/preferences"))
    qbo.patch(outage="none")
    statuses = {r.status_code for r in answers}
    assert {200, 400, 401, 500, 503} <= statuses
    tids = [r.headers.get("intuit_tid") for r in answers]
    assert all(tid and len(tid) == 32 for tid in tids), tids
    assert len(set(tids)) == len(tids)
    assert "intuit_tid" not in control.get(f"/_sandbox/companies/{qbo.realm}").headers


def test_oauth_answers_and_unknown_paths_carry_an_intuit_tid(control: httpx.Client) -> None:
    """The OAuth host tags its answers as the API does, errors included; so does a 404."""
    answers = [
        control.get("/.well-known/openid_configuration"),
        control.post("/oauth2/v1/tokens/bearer", data={"grant_type": "refresh_token"}),
        control.post("/v2/oauth2/tokens/revoke", json={"token": "nothing"}),
        control.get("/v1/openid_connect/userinfo"),
        control.get("/no/such/path"),
        control.post("/v3/company"),
    ]
    assert answers[0].status_code == 200
    assert {r.status_code for r in answers[1:]} <= {400, 401, 404, 405}
    assert 404 in {r.status_code for r in answers}
    tids = [r.headers.get("intuit_tid") for r in answers]
    assert all(tid and len(tid) == 32 for tid in tids), tids
    assert len(set(tids)) == len(tids)
    assert "intuit_tid" not in control.get("/").headers


def test_the_sandbox_mounted_by_the_web_app_tags_its_answers_too(server_url: str) -> None:
    """`lawsync serve` mounts the sandbox under /qbo: the mount must not hide the API's paths."""
    answer = httpx.get(
        f"{server_url}/qbo/v3/company/1/preferences",
        headers={"Authorization": "Bearer not-a-token", "Accept": "application/json"},
    )
    assert answer.status_code == 401
    assert len(answer.headers.get("intuit_tid", "")) == 32
    assert "intuit_tid" not in httpx.get(f"{server_url}/qbo/connect/oauth2").headers
