"""The sync pass end to end: practice records through the JSON API, copies in the sandbox."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from decimal import Decimal
from typing import Any

import pytest

from lawsync.quickbooks import CreditMemo, Customer, Invoice
from tests import builders
from tests.conftest import Firm
from tests.quickbooks.conftest import Sandbox
from tests.sync.engine_support import Connected, connect, linked_invoices


def _qbo_post(c: Connected, entity: str, body: dict[str, object]) -> dict[str, object]:
    r = c.company.sandbox.control.post(
        f"/v3/company/{c.company.realm}/{entity}",
        headers={"Authorization": f"Bearer {c.company.tokens.access_token}"},
        json=body,
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


def _bill_with_payment(c: Connected) -> dict[str, object]:
    firm = c.firm
    client, matter, bill = builders.billed_client(firm, hours="2.5", rate="187.35")
    firm.post(
        "/payments",
        {
            "client_id": client["id"],
            "date": "2026-03-10",
            "amount": "100.00",
            "allocations": [{"bill_id": bill["id"], "amount": "100.00"}],
        },
    )
    return {"client": client, "matter": matter, "bill": firm.get(f"/bills/{bill['id']}")}


def test_an_approved_bill_syncs_with_its_client_and_payment(connected: Connected) -> None:
    made = _bill_with_payment(connected)
    report = connected.run()
    assert report.note == "" and report.failed == 0
    assert (
        report.kinds["contact"].synced,
        report.kinds["bill"].synced,
        report.kinds["payment"].synced,
    ) == (1, 1, 1)
    bill = made["bill"]
    [invoice] = connected.invoices()
    assert invoice.DocNumber == bill["number"]  # type: ignore[index]
    assert Decimal(str(invoice.TotalAmt)) == Decimal(bill["total"])  # type: ignore[index]
    assert Decimal(str(invoice.Balance)) == Decimal(bill["balance"])  # type: ignore[index]
    [customer] = connected.customers()
    assert customer.DisplayName == made["client"]["display_name"]  # type: ignore[index]
    assert len(connected.payments()) == 1
    # Nothing changed: the next pass sends nothing; it makes its one look-up and asks QuickBooks
    # once what changed there (payments and invoices come back).
    again = connected.run()
    assert again.synced == 0 and again.requests == 2


def test_drafts_and_bills_before_the_start_date_stay_home(connected: Connected) -> None:
    firm = connected.firm
    c = builders.client(firm)
    builders.time_entry(firm, builders.matter(firm, c["id"])["id"])
    builders.bill(firm, c["id"], approve=False)
    _other, _, _ = builders.billed_client(firm)
    connected.settings(export_start_date=dt.date(2027, 1, 1))
    report = connected.run()
    assert report.synced == 0
    assert connected.invoices() == [] and connected.customers() == []


def test_exporting_switched_off_sends_nothing_until_switched_on(connected: Connected) -> None:
    firm = connected.firm
    firm.put("/quickbooks/settings", {"export_bills": False})
    _bill_with_payment(connected)
    report = connected.run()
    assert (report.synced, report.failed) == (0, 0)
    assert connected.customers() == [] and connected.invoices() == []
    assert connected.payments() == []
    firm.put("/quickbooks/settings", {"export_bills": True})
    report = connected.run()
    assert report.synced == 3
    assert (len(connected.customers()), len(connected.invoices()), len(connected.payments())) == (
        1,
        1,
        1,
    )


def test_edits_voids_and_deletes_follow_the_bill(connected: Connected) -> None:
    firm = connected.firm
    client, matter, bill = builders.billed_client(firm, hours="1", rate="100")
    builders.time_entry(firm, matter["id"], hours="1", rate="50")
    second = builders.bill(firm, client["id"])
    connected.run()
    firm.patch(f"/bills/{bill['id']}", {"lines": [{"id": bill["lines"][0]["id"], "quantity": "3"}]})
    firm.post(f"/bills/{second['id']}/void", None, 200)
    report = connected.run()
    assert report.kinds["bill"].synced == 2, report
    invoices = {i.DocNumber: i for i in connected.invoices()}
    assert Decimal(str(invoices[bill["number"]].TotalAmt)) == Decimal("300.00")
    assert Decimal(str(invoices[second["number"]].Balance)) == 0
    firm.delete(f"/bills/{bill['id']}")
    connected.run()
    assert bill["number"] not in {i.DocNumber for i in connected.invoices()}


def test_a_contact_edit_updates_the_customer(connected: Connected) -> None:
    firm = connected.firm
    client, _, _ = builders.billed_client(firm)
    connected.run()
    firm.patch(
        f"/contacts/{client['id']}", {"last_name": "Renamed", "phones": [{"number": "+1 555 0199"}]}
    )
    report = connected.run()
    assert report.kinds["contact"].synced == 1
    [customer] = connected.customers()
    assert customer.DisplayName == "Client Renamed"
    assert customer.PrimaryPhone == {"FreeFormNumber": "+1 555 0199"}


def test_an_existing_customer_with_the_same_names_and_email_is_linked(connected: Connected) -> None:
    firm = connected.firm
    client = builders.client(firm)
    _qbo_post(
        connected,
        "customer",
        {
            "DisplayName": client["display_name"],
            "GivenName": client["first_name"],
            "FamilyName": client["last_name"],
            "PrimaryEmailAddr": {"Address": client["primary_email"]},
        },
    )
    builders.time_entry(firm, builders.matter(firm, client["id"])["id"])
    builders.bill(firm, client["id"])
    report = connected.run()
    assert report.kinds["contact"].synced == 1 and report.failed == 0
    assert len(connected.customers()) == 1


def test_an_unmapped_category_blocks_its_bill_until_mapped(
    firm: Firm, client_sandbox: Sandbox
) -> None:
    c = connect(firm, client_sandbox.company(), map_items=False)
    _, _, bill = builders.billed_client(c.firm)
    report = c.run()
    assert report.kinds["bill"].failed == 1
    [failure] = c.firm.get("/quickbooks/failures")["data"]
    assert failure["code"] == "5020" and failure["record"]["id"] == bill["id"]
    assert "product" in failure["title"].lower()
    c.firm.put("/quickbooks/settings", {"item_mappings": {"activity:default": c.items[0]}})
    c.firm.post(f"/quickbooks/failures/{failure['id']}/retry", None, 200)
    report = c.run()
    assert report.kinds["bill"].synced == 1
    assert c.firm.get("/quickbooks/failures")["data"] == []


def test_a_bill_number_too_long_fails_before_any_call(connected: Connected) -> None:
    firm = connected.firm
    _, _, bill = builders.billed_client(firm)
    firm.patch(f"/bills/{bill['id']}", {"number": "X" * 25})
    report = connected.run()
    assert report.kinds["bill"].failed == 1
    [failure] = firm.get("/quickbooks/failures")["data"]
    assert (failure["code"], failure["element"]) == ("2050", "DocNumber")
    assert connected.invoices() == []
    firm.patch(f"/bills/{bill['id']}", {"number": "B-1"})
    connected.run()
    assert firm.get("/quickbooks/failures")["data"] == []
    assert [i.DocNumber for i in connected.invoices()] == ["B-1"]


def test_an_edited_payment_is_replaced_and_a_deposited_one_is_refused(connected: Connected) -> None:
    firm = connected.firm
    made = _bill_with_payment(connected)
    connected.run()
    [payment] = firm.get("/payments")["data"]
    firm.patch(f"/payments/{payment['id']}", {"amount": "120.00"})
    report = connected.run()
    assert report.kinds["payment"].synced == 2, report  # the old copy deleted, a new one made
    [copy] = connected.payments()
    assert Decimal(str(copy.TotalAmt)) == Decimal("120.00")
    r = connected.company.sandbox.control.post(
        f"/_sandbox/companies/{connected.company.realm}/deposits", json={"payment_ids": [copy.Id]}
    )
    assert r.status_code in (200, 201), r.text
    firm.patch(f"/payments/{payment['id']}", {"amount": "110.00"})
    report = connected.run()
    assert report.kinds["payment"].failed == 1
    [failure] = firm.get("/quickbooks/failures")["data"]
    assert failure["code"] == "6540" and "deposit" in " ".join(failure["resolution"]).lower()
    assert made["bill"]


@pytest.mark.parametrize("spare_requests", [False, True], ids=["batches", "spare-requests"])
def test_a_crash_after_the_reply_never_duplicates(
    connected: Connected, spare_requests: bool
) -> None:
    """The reply is lost before our commit; meanwhile more work arrives, so the next batch is
    a different request (no replay to lean on): the engine must find its earlier copies."""
    firm = connected.firm
    connected.spare_requests = spare_requests
    for _ in range(3):
        _bill_with_payment(connected)

    class Crash(Exception):
        pass

    calls = {"n": 0}

    def crash_sometimes(jobs: object) -> None:
        calls["n"] += 1
        if calls["n"] % 2 == 1:
            raise Crash("lost between the reply and our commit")

    for _ in range(5):
        with contextlib.suppress(Crash):
            connected.run(after_reply=crash_sometimes)
        _bill_with_payment(connected)
    connected.run()
    assert len(connected.customers()) == 8
    assert len(connected.invoices()) == 8
    assert len(connected.payments()) == 8
    assert firm.get("/quickbooks/failures")["data"] == []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_crashes_at_random_replies_over_many_passes_leave_one_copy_of_everything(
    connected: Connected, seed: int
) -> None:
    """Records are added, edited and paid between passes, and each pass dies after a random
    reply (answered by QuickBooks, not yet recorded here). Afterwards every record exists once
    and every total agrees."""
    rng = random.Random(seed)
    firm = connected.firm
    connected.spare_requests = seed == 3
    bills: list[dict[str, Any]] = []
    payments: dict[int, str] = {}  # payment id -> amount now

    class Crash(Exception):
        pass

    for _ in range(6):
        for _ in range(rng.randint(1, 3)):
            client, _, bill = builders.billed_client(firm, hours=str(rng.randint(1, 5)), rate="120")
            bills.append(bill)
            if rng.random() < 0.7:
                paid = _pay(connected, client["id"], bill["id"], "60.00")
                payments[int(paid["id"])] = "60.00"  # type: ignore[call-overload]
        if payments and rng.random() < 0.5:
            payment_id = rng.choice(sorted(payments))
            firm.patch(f"/payments/{payment_id}", {"amount": "55.00"})
            payments[payment_id] = "55.00"
        if rng.random() < 0.5:
            edited = rng.choice(bills)
            line = firm.get(f"/bills/{edited['id']}")["lines"][0]
            firm.patch(f"/bills/{edited['id']}", {"lines": [{"id": line["id"], "quantity": "7"}]})
        crash_at = rng.randint(1, 4)
        replies = {"n": 0}

        def crash(jobs: object, at: int = crash_at, seen: dict[str, int] = replies) -> None:
            seen["n"] += 1
            if seen["n"] == at:
                raise Crash("answered, not recorded")

        with contextlib.suppress(Crash):
            connected.run(after_reply=crash)
    connected.run()

    assert firm.get("/quickbooks/failures")["data"] == []
    invoices = connected.invoices()
    assert sorted(i.DocNumber or "" for i in invoices) == sorted(b["number"] for b in bills)
    for invoice in invoices:
        bill = next(b for b in bills if b["number"] == invoice.DocNumber)
        assert Decimal(str(invoice.TotalAmt)) == Decimal(firm.get(f"/bills/{bill['id']}")["total"])
    assert sorted(Decimal(str(p.TotalAmt)) for p in connected.payments()) == sorted(
        Decimal(a) for a in payments.values()
    )
    assert len(connected.customers()) == len(bills)


def _crash_on(kind: str) -> Any:
    """A reply hook: the pass dies once QuickBooks has answered this kind's first batch."""

    def hook(jobs: Any) -> None:
        if any(job.kind == kind for job in jobs):
            raise _Lost("answered, not recorded")

    return hook


class _Lost(Exception):
    pass


@pytest.mark.parametrize(
    "withdrawn",
    ["bill voided", "bill deleted", "payment deleted", "note voided", "interest voided"],
)
def test_a_record_withdrawn_after_its_create_lost_its_answer_leaves_no_live_copy(
    connected: Connected, withdrawn: str
) -> None:
    """The create went through but its answer never reached our database; the record is then
    voided or deleted, so it no longer wants a copy. The next pass finds the copy that create
    made (it is not to be left behind, counted nowhere) and removes it."""
    firm = connected.firm
    client, _, bill = builders.billed_client(firm, hours="2", rate="100")
    number = bill["number"]
    if withdrawn.startswith("bill"):
        lost = "bill"
    elif withdrawn == "payment deleted":
        lost = "payment"
        record = _pay(connected, client["id"], bill["id"], "50.00")
    elif withdrawn == "note voided":
        lost = "credit_note"
        body = {"bill_id": bill["id"], "amount": "20.00", "date": "2026-03-06", "reason": "Kind"}
        record = firm.post("/credit-notes", body)
    else:
        lost = "interest_charge"
        body = {"bill_id": bill["id"], "rate": "1.5", "charged_on": "2026-12-01"}
        record = firm.post("/interest-charges", body)
        number = record["number"]
    with pytest.raises(_Lost):
        connected.run(after_reply=_crash_on(lost))

    if withdrawn == "bill voided":
        firm.post(f"/bills/{bill['id']}/void", None, 200)
    elif withdrawn == "bill deleted":
        firm.delete(f"/bills/{bill['id']}")
    elif withdrawn == "payment deleted":
        firm.delete(f"/payments/{record['id']}")
    elif withdrawn == "note voided":
        firm.post(f"/credit-notes/{record['id']}/void", None, 200)
    else:
        firm.post(f"/interest-charges/{record['id']}/void", None, 200)
    connected.run()

    assert firm.get("/quickbooks/failures")["data"] == []
    invoices = {i.DocNumber: i for i in connected.invoices()}
    if withdrawn in ("bill voided", "interest voided"):
        assert Decimal(str(invoices[number].TotalAmt)) == 0  # voided, kept
    elif withdrawn == "bill deleted":
        assert number not in invoices
    elif withdrawn == "payment deleted":
        assert connected.payments() == []
    else:
        memos = connected.call(lambda qb, realm: qb.query(realm, CreditMemo))
        assert memos == []
    again = connected.run()  # settled: nothing left to look for or send
    assert (again.synced, sum(k.skipped for k in again.kinds.values())) == (0, 0), again


def test_a_disabled_authorizing_user_pauses_the_firm(connected: Connected) -> None:
    builders.billed_client(connected.firm)
    connected.company.patch(authorizing_user_disabled=True)
    report = connected.run()
    assert report.reconnect_needed
    again = connected.run()
    assert "reconnect" in again.note.lower() and again.requests == 0


def test_an_outage_stops_the_pass_and_the_next_one_finishes(connected: Connected) -> None:
    builders.billed_client(connected.firm)
    connected.company.patch(outage="http_503")
    report = connected.run()
    assert "next pass" in report.note and report.synced == 0
    assert connected.firm.get("/quickbooks/failures")["data"] == []  # transient: not a failure
    connected.company.patch(outage="none")
    report = connected.run()
    assert report.kinds["bill"].synced == 1 and report.note == ""


def test_a_name_taken_by_a_supplier_is_a_failure_until_the_firm_chooses(
    connected: Connected,
) -> None:
    firm = connected.firm
    client, _, _ = builders.billed_client(firm)
    _qbo_post(connected, "vendor", {"DisplayName": client["display_name"]})
    report = connected.run()
    assert report.kinds["contact"].failed == 1
    [failure] = firm.get("/quickbooks/failures")["data"]
    assert failure["code"] == "6240" and failure["cause"]
    # Choosing a policy is the fix the guide offers; saving it retries the failure by itself.
    firm.put("/quickbooks/settings", {"name_clash": "suffix"})
    report = connected.run()
    assert report.kinds["contact"].synced == 1, firm.get("/quickbooks/failures")["data"]
    assert report.kinds["bill"].synced == 1
    names = [c.DisplayName for c in connected.customers()]
    assert names == [f"{client['display_name']} ({client['id']})"]
    assert firm.get("/quickbooks/failures")["data"] == []


def test_an_archived_customer_of_the_same_name(connected: Connected) -> None:
    firm = connected.firm
    client, _, _ = builders.billed_client(firm)
    created = _qbo_post(
        connected,
        "customer",
        {
            "DisplayName": client["display_name"],
            "GivenName": client["first_name"],
            "FamilyName": client["last_name"],
            "PrimaryEmailAddr": {"Address": client["primary_email"]},
        },
    )["Customer"]
    _qbo_post(
        connected,
        "customer",
        {
            "Id": created["Id"],
            "SyncToken": created["SyncToken"],
            "Active": False,
            "sparse": True,
        },
    )
    report = connected.run()
    assert report.kinds["contact"].failed == 1
    [failure] = firm.get("/quickbooks/failures")["data"]
    assert failure["code"] == "6250"
    firm.put("/quickbooks/settings", {"reactivate_archived_customers": True})
    firm.post(f"/quickbooks/failures/{failure['id']}/retry", None, 200)
    report = connected.run()
    assert report.kinds["contact"].synced == 1 and report.kinds["bill"].synced == 1
    [customer] = connected.customers()
    assert customer.Active is True and customer.Id == created["Id"]


def test_a_number_already_used_is_fixed_with_a_prefix(connected: Connected) -> None:
    firm = connected.firm
    client, _, bill = builders.billed_client(firm)
    connected.company.patch(custom_txn_numbers=True, warn_duplicate_doc_numbers=True)
    other = _qbo_post(connected, "customer", {"DisplayName": "Someone Else"})["Customer"]
    _qbo_post(
        connected,
        "creditmemo",
        {
            "DocNumber": bill["number"],
            "CustomerRef": {"value": other["Id"]},  # type: ignore[index]
            "Line": [
                {
                    "Amount": 5,
                    "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": {"ItemRef": {"value": connected.items[0]}},
                }
            ],
        },
    )
    report = connected.run()
    assert report.kinds["bill"].failed == 1
    [failure] = firm.get("/quickbooks/failures")["data"]
    assert failure["code"] == "6140" and bill["number"] in failure["detail"] + failure["message"]
    assert any("prefix" in step.lower() for step in failure["resolution"])
    assert failure["retry_requested_at"] is None
    # Saving the setting the guide names retries the failure by itself: no Retry needed.
    firm.put("/quickbooks/settings", {"bill_prefix": "LS-"})
    [waiting] = firm.get("/quickbooks/failures")["data"]
    assert waiting["id"] == failure["id"] and waiting["retry_requested_at"] is not None
    connected.run()
    assert firm.get("/quickbooks/failures")["data"] == []
    assert f"LS-{bill['number']}" in [i.DocNumber for i in connected.invoices()]
    assert client


def test_closed_books_refuse_older_bills_until_the_date_moves(connected: Connected) -> None:
    firm = connected.firm
    _, _, bill = builders.billed_client(firm)  # issued 2026-03-02
    connected.company.patch(book_close_date="2026-06-30")
    report = connected.run()
    assert report.kinds["bill"].failed == 1
    [failure] = firm.get("/quickbooks/failures")["data"]
    assert failure["code"] in ("6200", "6210") and "closed" in failure["title"].lower()
    firm.patch(f"/bills/{bill['id']}", {"issue_date": "2026-07-01", "due_date": "2026-07-31"})
    report = connected.run()
    assert report.kinds["bill"].synced == 1
    assert firm.get("/quickbooks/failures")["data"] == []


def test_a_cancelled_company_pauses_the_firm(connected: Connected) -> None:
    builders.billed_client(connected.firm)
    connected.company.patch(subscription_status="cancelled")
    report = connected.run()
    assert report.reconnect_needed and "not active" in report.note and "6190" in report.note
    assert connected.firm.get("/quickbooks/failures")["data"] == []
    status = connected.firm.get("/quickbooks/status")
    assert status["connection"]["status"] == "reconnect_needed"


def test_totals_and_balances_agree_with_taxes_discounts_credits_and_interest(
    connected: Connected,
) -> None:
    firm = connected.firm
    builders.two_taxes(firm)
    client = builders.client(firm)
    matter = builders.matter(firm, client["id"])
    builders.time_entry(firm, matter["id"], hours="1.3333", rate="212.50")
    builders.expense(firm, matter["id"], quantity="17", unit_price="0.35")
    bill = builders.bill(firm, client["id"], discount_kind="percent", discount_value="3.5")
    firm.post(
        "/payments",
        {
            "client_id": client["id"],
            "date": "2026-03-05",
            "amount": "50.00",
            "allocations": [{"bill_id": bill["id"], "amount": "50.00"}],
        },
    )
    firm.post(
        "/credit-notes",
        {"bill_id": bill["id"], "amount": "12.34", "date": "2026-03-06", "reason": "Goodwill"},
    )
    charge = firm.post(
        "/interest-charges", {"bill_id": bill["id"], "rate": "1.5", "charged_on": "2026-12-01"}
    )
    report = connected.run()
    assert report.failed == 0, firm.get("/quickbooks/failures")
    bill = firm.get(f"/bills/{bill['id']}")
    invoices = {i.DocNumber: i for i in connected.invoices()}
    copy = invoices[bill["number"]]
    assert (Decimal(str(copy.TotalAmt)), Decimal(str(copy.Balance))) == (
        Decimal(bill["total"]),
        Decimal(bill["balance"]),
    )
    interest = invoices[charge["number"]]
    assert Decimal(str(interest.TotalAmt)) == Decimal(charge["amount"])


def test_timekeepers_become_classes_on_the_invoice_lines(connected: Connected) -> None:
    from lawsync.quickbooks import Class

    firm = connected.firm
    connected.company.patch(class_tracking=True)
    firm.put("/quickbooks/settings", {"track_timekeepers": True})
    ana = firm.post("/users", {"name": "Ana Lima", "email": "ana@example.com"})
    client = builders.client(firm)
    matter = builders.matter(firm, client["id"])
    builders.time_entry(firm, matter["id"], hours="1", rate="100")
    builders.time_entry(firm, matter["id"], hours="2", rate="100", user_id=ana["id"])
    builders.bill(firm, client["id"])
    report = connected.run()
    assert report.kinds["user"].synced == 2 and report.kinds["bill"].synced == 1, report
    classes = {c.Name: c.Id for c in connected.call(lambda qb, realm: qb.query(realm, Class))}
    assert set(classes) == {"Ada Admin", "Ana Lima"}
    [invoice] = connected.invoices()
    refs = [
        ln.SalesItemLineDetail.ClassRef.value
        for ln in invoice.Line or []
        if ln.SalesItemLineDetail and ln.SalesItemLineDetail.ClassRef
    ]
    assert sorted(refs) == sorted(classes.values())
    firm.patch(f"/users/{ana['id']}", {"name": "Ana Lima-Costa"})
    connected.run()
    names = {c.Name for c in connected.call(lambda qb, realm: qb.query(realm, Class))}
    assert names == {"Ada Admin", "Ana Lima-Costa"}


def test_class_tracking_off_in_the_company_is_a_failure_with_its_fix(connected: Connected) -> None:
    firm = connected.firm
    firm.put("/quickbooks/settings", {"track_timekeepers": True})
    builders.billed_client(firm)
    report = connected.run()
    assert report.kinds["bill"].failed == 1
    [failure] = firm.get("/quickbooks/failures")["data"]
    assert failure["code"] == "5030" and failure["resolution"]


def test_a_bad_web_address_or_email_fails_before_any_call_and_clears_when_fixed(
    connected: Connected,
) -> None:
    firm = connected.firm
    client, _, _ = builders.billed_client(firm)
    firm.patch(f"/contacts/{client['id']}", {"web_address": "example.com"})
    report = connected.run()
    assert report.kinds["contact"].failed == 1
    [failure] = firm.get("/quickbooks/failures")["data"]
    assert (failure["code"], failure["element"]) == ("2200", "WebAddr")
    assert connected.customers() == []
    firm.patch(f"/contacts/{client['id']}", {"web_address": "https://example.com"})
    report = connected.run()
    assert report.kinds["contact"].synced == 1 and report.kinds["bill"].synced == 1
    assert firm.get("/quickbooks/failures")["data"] == []


def test_tax_codes_on_each_line_for_a_canadian_company(firm: Firm, client_sandbox: Sandbox) -> None:
    """GST 5 % and PST 7 % (BC): lines carry the company's codes, a group code for both taxes,
    the company's rates replace the firm's, and only bills created afterwards use codes."""
    c = connect(firm, client_sandbox.company(country="CA", home_currency="CAD"), country="CA")
    firm.put(
        "/bill-settings",
        {
            "primary_tax_name": "GST",
            "primary_tax_rate": "4.5",
            "primary_tax_on_time": True,
            "primary_tax_on_expenses": True,
            "secondary_tax_name": "PST",
            "secondary_tax_rate": "7",
            "secondary_tax_on_time": True,
        },
    )
    client = builders.client(firm)
    matter = builders.matter(firm, client["id"])
    builders.time_entry(firm, matter["id"], hours="1", rate="99.99")
    before = builders.bill(firm, client["id"])
    firm.put(
        "/quickbooks/settings",
        {
            "tax_option": "tax_codes",
            "item_mappings": {
                "taxcode:both": "4",
                "taxcode:primary": "1",
                "taxcode:secondary": "3",
                "taxcode:none": "5",
            },
        },
    )
    c.run()  # first pass: the company's rates (GST 5 %) replace the firm's 4.5 %
    assert firm.get("/bill-settings")["primary_tax"]["rate"] == "5"
    builders.time_entry(firm, matter["id"], hours="1.3333", rate="187.50")
    builders.expense(firm, matter["id"], quantity="3", unit_price="19.99")
    after = builders.bill(firm, client["id"])
    report = c.run()
    assert report.failed == 0, firm.get("/quickbooks/failures")
    invoices = {i.DocNumber: i for i in c.invoices()}
    new = invoices[after["number"]]
    codes = [
        ln.SalesItemLineDetail.TaxCodeRef.value
        for ln in new.Line or []
        if ln.SalesItemLineDetail and ln.SalesItemLineDetail.TaxCodeRef
    ]
    assert codes == ["4", "1"]  # time: GST and PST (group); expense: GST only
    assert Decimal(str(new.TotalAmt)) == Decimal(after["total"])
    old = invoices[before["number"]]
    assert Decimal(str(old.TotalAmt)) == Decimal(before["total"])  # still as tax lines


def test_a_line_without_a_chosen_tax_code_fails_before_any_call(
    firm: Firm, client_sandbox: Sandbox
) -> None:
    c = connect(firm, client_sandbox.company(country="CA", home_currency="CAD"), country="CA")
    firm.put(
        "/quickbooks/settings",
        {"tax_option": "tax_codes", "item_mappings": {"taxcode:primary": "1"}},
    )
    builders.billed_client(firm)  # no taxes set: its line needs the "none" code
    report = c.run()
    assert report.kinds["bill"].failed == 1
    [failure] = firm.get("/quickbooks/failures")["data"]
    assert (failure["code"], failure["element"]) == ("6000", "TaxCodeRef")
    assert "tax code" in failure["title"].lower()


def test_payments_wait_with_the_2020_fix_when_there_is_no_undeposited_funds_account(
    connected: Connected,
) -> None:
    """The sandbox, like QuickBooks, will not let the account go; plan against a company whose
    look-up found none, as a company set up that way would answer."""
    import asyncio

    from sqlalchemy import select

    from lawsync.sync import context
    from lawsync.sync.export.payments import Payments
    from lawsync.sync.models import SyncLink

    firm = connected.firm
    _bill_with_payment(connected)
    connected.run()
    [payment] = firm.get("/payments")["data"]
    firm.patch(f"/payments/{payment['id']}", {"reference": "changed"})

    async def plan() -> object:
        async with connected.company.client() as qb:
            ctx = context.load(firm.ledger, firm.id, qb)
            assert isinstance(ctx, context.PassContext)
            ctx.undeposited_account_id = None
            with firm.ledger.uow(firm.id) as uow:
                # The old copy is deleted first; the new one then needs the account.
                link = uow.session.execute(
                    select(SyncLink).where(SyncLink.kind == "payment")
                ).scalar_one()
                link.qbo_id = None
                uow.commit()
            with firm.ledger.uow(firm.id) as uow:
                return Payments().plan(ctx, uow.session, [payment["id"]])

    result = asyncio.run(plan())
    [refusal] = result.problems  # type: ignore[attr-defined]
    kind, local_id, problem = refusal.kind, refusal.local_id, refusal.problem
    assert (kind, local_id, problem.code, problem.element) == (
        "payment",
        payment["id"],
        "2020",
        "DepositToAccountRef",
    )
    from lawsync.sync.catalogue import guide_for

    assert "Undeposited Funds" in guide_for("2020", element="DepositToAccountRef").title


def _set_invoice_customer(c: Connected, invoice_id: str, customer_id: str) -> None:
    """Someone changes the invoice's customer in the accounting company, after it synced."""
    r = c.company.sandbox.control.get(
        f"/v3/company/{c.company.realm}/invoice/{invoice_id}",
        headers={"Authorization": f"Bearer {c.company.tokens.access_token}"},
    )
    assert r.status_code == 200, r.text
    _qbo_post(
        c,
        "invoice",
        {
            "Id": invoice_id,
            "SyncToken": r.json()["Invoice"]["SyncToken"],
            "sparse": True,
            "CustomerRef": {"value": customer_id},
        },
    )


def _pay(c: Connected, client_id: int, bill_id: int, amount: str) -> dict[str, object]:
    return dict(
        c.firm.post(
            "/payments",
            {
                "client_id": client_id,
                "date": "2026-03-10",
                "amount": amount,
                "allocations": [{"bill_id": bill_id, "amount": amount}],
            },
        )
    )


def _synced_bill_and_another_customer(
    connected: Connected,
) -> tuple[dict[str, Any], dict[str, Any], Invoice, Customer, dict[str, Any]]:
    """A bill synced as an invoice to its client's customer, and a second, unrelated customer."""
    client, _, bill = builders.billed_client(connected.firm, hours="2", rate="150")
    connected.run()
    [invoice] = connected.invoices()
    [ours] = connected.customers()
    assert invoice.Id and ours.Id
    other = _qbo_post(connected, "customer", {"DisplayName": "Someone Else Entirely"})["Customer"]
    return client, bill, invoice, ours, other  # type: ignore[return-value]


def test_an_invoice_moved_to_another_customer_is_put_back_by_the_next_bill_change(
    connected: Connected,
) -> None:
    """A payment changes its bill (balance), so the bill's invoice is sent again first, with
    the bill's customer: a customer changed on the QuickBooks side does not survive it."""
    client, bill, invoice, ours, other = _synced_bill_and_another_customer(connected)
    _set_invoice_customer(connected, invoice.Id, str(other["Id"]))  # type: ignore[index]
    _pay(connected, client["id"], bill["id"], "100.00")
    report = connected.run()
    assert (report.kinds["bill"].synced, report.kinds["payment"].synced) == (1, 1), report.kinds
    [moved_back] = connected.invoices()
    assert moved_back.CustomerRef.value == ours.Id  # type: ignore[union-attr]
    [payment] = connected.payments()
    assert linked_invoices(payment) == [invoice.Id]


def test_a_payment_for_an_invoice_moved_to_another_customer_is_620_until_moved_back(
    connected: Connected,
) -> None:
    """Someone moves the invoice to another customer in QuickBooks while a pass runs, between
    the bill's update and the payment's create: the payment cannot be linked (620)."""
    firm = connected.firm
    client, bill, invoice, ours, other = _synced_bill_and_another_customer(connected)
    _pay(connected, client["id"], bill["id"], "100.00")

    def move_after_the_bill(jobs: object) -> None:
        if [j.kind for j in jobs] == ["bill"]:  # type: ignore[attr-defined]
            _set_invoice_customer(connected, str(invoice.Id), str(other["Id"]))  # type: ignore[index]

    report = connected.run(after_reply=move_after_the_bill)
    assert (report.kinds["bill"].synced, report.kinds["payment"].failed) == (1, 1), report.kinds
    [failure] = firm.get("/quickbooks/failures")["data"]
    assert (failure["code"], failure["record"]["kind"]) == ("620", "payment")
    assert failure["element"] == "Line.LinkedTxn"
    assert "another customer" in failure["cause"].lower()
    assert any("customer" in step.lower() for step in failure["resolution"])
    assert connected.payments() == []
    # Parked: the next pass does not send it again until it changes or Retry is pressed (its
    # look-up, and the change feed's one question).
    assert connected.run().requests == 2
    _set_invoice_customer(connected, invoice.Id, ours.Id)
    firm.post(f"/quickbooks/failures/{failure['id']}/retry", None, 200)
    report = connected.run()
    assert report.kinds["payment"].synced == 1, firm.get("/quickbooks/failures")["data"]
    assert firm.get("/quickbooks/failures")["data"] == []
    [payment] = connected.payments()
    assert Decimal(str(payment.TotalAmt)) == Decimal("100.00")
    assert linked_invoices(payment) == [invoice.Id]
    [again] = connected.invoices()
    assert Decimal(str(again.Balance)) == Decimal(str(invoice.TotalAmt)) - Decimal("100.00")


def test_a_lost_create_whose_invoice_moved_to_another_customer_is_not_adopted(
    connected: Connected,
) -> None:
    """The invoice was made but its answer lost; before the next pass someone gives it another
    customer. It is not linked (nor made twice) until its customer is put back."""
    firm = connected.firm
    _, _, bill = builders.billed_client(firm, hours="2", rate="150")

    class Lost(Exception):
        pass

    def lose_the_bill(jobs: object) -> None:
        if "bill" in [j.kind for j in jobs]:  # type: ignore[attr-defined]
            raise Lost("the answer never reached our database")

    with contextlib.suppress(Lost):
        connected.run(after_reply=lose_the_bill)
    [invoice] = connected.invoices()
    [ours] = connected.customers()
    assert invoice.Id and ours.Id and invoice.DocNumber == bill["number"]
    other = _qbo_post(connected, "customer", {"DisplayName": "Someone Else Entirely"})["Customer"]
    _set_invoice_customer(connected, invoice.Id, str(other["Id"]))  # type: ignore[index]
    report = connected.run()
    assert report.kinds["bill"].failed == 1, report.kinds
    [failure] = firm.get("/quickbooks/failures")["data"]
    assert (failure["code"], failure["element"], failure["record"]["kind"]) == (
        "620",
        "CustomerRef",
        "bill",
    )
    assert bill["number"] in failure["message"] and "another customer" in failure["title"]
    assert [i.Id for i in connected.invoices()] == [invoice.Id]  # not made a second time
    assert connected.run().kinds["bill"].failed == 0  # parked until Retry
    assert [i.Id for i in connected.invoices()] == [invoice.Id]
    _set_invoice_customer(connected, invoice.Id, ours.Id)
    firm.post(f"/quickbooks/failures/{failure['id']}/retry", None, 200)
    report = connected.run()
    assert report.kinds["bill"].synced == 1, firm.get("/quickbooks/failures")["data"]
    assert firm.get("/quickbooks/failures")["data"] == []
    assert [i.Id for i in connected.invoices()] == [invoice.Id]
    assert connected.run().synced == 0  # linked: nothing more to send


def test_a_lost_create_moved_to_another_customer_is_not_voided_with_its_bill(
    connected: Connected,
) -> None:
    """As it is not linked (620), an invoice a person gave to another customer after its answer
    was lost is not voided when the bill is: it is not the bill's to remove any more."""
    firm = connected.firm
    _, _, bill = builders.billed_client(firm, hours="2", rate="150")
    with pytest.raises(_Lost):
        connected.run(after_reply=_crash_on("bill"))
    [invoice] = connected.invoices()
    other = _qbo_post(connected, "customer", {"DisplayName": "Someone Else Entirely"})["Customer"]
    _set_invoice_customer(connected, invoice.Id, str(other["Id"]))  # type: ignore[index]
    firm.post(f"/bills/{bill['id']}/void", None, 200)
    connected.run()
    [kept] = connected.invoices()
    assert Decimal(str(kept.TotalAmt)) == Decimal("300.00")
    assert kept.CustomerRef.value == other["Id"]  # type: ignore[union-attr]
    assert firm.get("/quickbooks/failures")["data"] == []
    assert connected.run().synced == 0


def test_a_tax_code_without_a_sales_rate_is_6470_until_a_sales_code_is_chosen(
    firm: Firm, client_sandbox: Sandbox
) -> None:
    """The firm chose the purchase-only GST code for lines with its tax: QuickBooks refuses
    the invoice (6470); choosing the sales GST code in the settings and retrying clears it."""
    c = connect(firm, client_sandbox.company(country="CA", home_currency="CAD"), country="CA")
    firm.put(
        "/bill-settings",
        {"primary_tax_name": "GST", "primary_tax_rate": "5", "primary_tax_on_time": True},
    )
    firm.put(
        "/quickbooks/settings",
        {
            "tax_option": "tax_codes",
            "item_mappings": {"taxcode:primary": "7", "taxcode:none": "5"},
        },
    )
    client = builders.client(firm)
    matter = builders.matter(firm, client["id"])
    builders.time_entry(firm, matter["id"], hours="1.3333", rate="187.35")
    bill = builders.bill(firm, client["id"])
    assert Decimal(bill["total"]) > Decimal(bill["subtotal"])  # GST 5 % on the time
    report = c.run()
    assert report.kinds["bill"].failed == 1, report.kinds
    [failure] = firm.get("/quickbooks/failures")["data"]
    assert (failure["code"], failure["element"]) == ("6470", "TaxCodeRef")
    assert "no sales rate" in failure["title"].lower()
    assert any("/api/v1/quickbooks/settings" in step for step in failure["resolution"])
    assert c.invoices() == []
    # A code without a sales rate is not adopted as the firm's rate.
    assert firm.get("/bill-settings")["primary_tax"]["rate"] == "5"
    firm.put("/quickbooks/settings", {"item_mappings": {"taxcode:primary": "1"}})
    firm.post(f"/quickbooks/failures/{failure['id']}/retry", None, 200)
    report = c.run()
    assert report.kinds["bill"].synced == 1, firm.get("/quickbooks/failures")["data"]
    assert firm.get("/quickbooks/failures")["data"] == []
    [invoice] = c.invoices()
    codes = [
        ln.SalesItemLineDetail.TaxCodeRef.value
        for ln in invoice.Line or []
        if ln.SalesItemLineDetail and ln.SalesItemLineDetail.TaxCodeRef
    ]
    assert codes == ["1"]
    assert Decimal(str(invoice.TotalAmt)) == Decimal(bill["total"])


def test_an_edited_payment_matched_in_the_bank_feed_waits_with_6480_until_unmatched(
    connected: Connected,
) -> None:
    """An edit deletes the payment's copy and makes a new one; QuickBooks will not delete a
    copy matched to a bank-feed line (6480). Once the match is undone, Retry replaces it."""
    firm = connected.firm
    _bill_with_payment(connected)
    connected.run()
    [payment] = firm.get("/payments")["data"]
    [copy] = connected.payments()
    matches = f"/_sandbox/companies/{connected.company.realm}/bank-feed/matches"
    r = connected.company.sandbox.control.post(matches, json={"entity": "Payment", "id": copy.Id})
    assert r.status_code == 201, r.text
    firm.patch(f"/payments/{payment['id']}", {"amount": "120.00"})
    report = connected.run()
    assert report.kinds["payment"].failed == 1, report.kinds
    [failure] = firm.get("/quickbooks/failures")["data"]
    assert (failure["code"], failure["record"]["kind"]) == ("6480", "payment")
    assert "bank" in failure["title"].lower()
    assert any("undo the match" in step.lower() for step in failure["resolution"])
    [still] = connected.payments()  # the old copy stays, nothing made twice
    assert (still.Id, Decimal(str(still.TotalAmt))) == (copy.Id, Decimal("100.00"))
    undo = connected.company.sandbox.control.delete(f"{matches}/Payment/{copy.Id}")
    assert undo.status_code == 200, undo.text
    firm.post(f"/quickbooks/failures/{failure['id']}/retry", None, 200)
    report = connected.run()
    assert report.kinds["payment"].synced == 2, firm.get("/quickbooks/failures")["data"]
    assert firm.get("/quickbooks/failures")["data"] == []
    [new] = connected.payments()
    assert new.Id != copy.Id and Decimal(str(new.TotalAmt)) == Decimal("120.00")
