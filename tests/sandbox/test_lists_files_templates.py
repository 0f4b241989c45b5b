"""CompanyCurrency, ExchangeRate, Attachable (notes and uploaded files), RecurringTransaction,
TaxService's tax code creation, and how QuickBooks numbers records."""

from __future__ import annotations

import base64
from decimal import Decimal

import httpx

from tests.sandbox.sandbox_support import NewCompany, Qbo, expense_line, fault, sales_line

BOUNDARY = "----lawsync-test-boundary"


def multipart(meta: str, content: bytes, ctype: str, *, encode: bool) -> bytes:
    """A body as clients send to /upload: a JSON part and a file part (base64 or raw)."""
    encoding = "Content-Transfer-Encoding: base64\r\n" if encode else ""
    payload = base64.b64encode(content) if encode else content
    return (
        (
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="file_metadata_01"\r\n'
            "Content-Type: application/json\r\n\r\n"
            f"{meta}\r\n"
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="file_content_01"; filename="a.bin"\r\n'
            f"Content-Type: {ctype}\r\n{encoding}\r\n"
        ).encode()
        + payload
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


def upload(qbo: Qbo, body: bytes) -> httpx.Response:
    return qbo.http.post(
        "/upload",
        content=body,
        params={"minorversion": 75},
        headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
    )


# ---- CompanyCurrency and ExchangeRate ------------------------------------------------------


def test_currencies_and_rates(new_company: NewCompany) -> None:
    q = new_company(multicurrency=True)
    cad = q.create("CompanyCurrency", {"Code": "CAD"})
    assert cad["Name"] == "Canadian Dollar" and cad["Active"] is True
    fault(q.post("companycurrency", {"Code": "CAD"}), 400, "6240")
    fault(q.post("companycurrency", {"Code": "USD"}), 400, "6000", "Code")
    fault(q.post("companycurrency", {"Code": "XYZ"}), 400, "2220")
    rate = q.post(
        "exchangerate", {"SourceCurrencyCode": "CAD", "Rate": 0.73, "AsOfDate": "2026-06-01"}
    )
    assert rate.status_code == 200, rate.text
    body = rate.json()["ExchangeRate"]
    assert body["TargetCurrencyCode"] == "USD" and "Id" not in body
    # Setting it again for the same date replaces it (a new version).
    again = q.post(
        "exchangerate",
        {**body, "Rate": 0.75},
    ).json()["ExchangeRate"]
    assert Decimal(str(again["Rate"])) == Decimal("0.75") and again["SyncToken"] == "1"
    rows = q.rows("SELECT * FROM ExchangeRate WHERE SourceCurrencyCode = 'CAD'")
    assert len(rows) == 1 and Decimal(str(rows[0]["Rate"])) == Decimal("0.75")
    # Read by currency and date: the latest rate on or before that date.
    read = q.get("/exchangerate", sourcecurrencycode="CAD", asofdate="2026-07-15")
    assert Decimal(str(read.json()["ExchangeRate"]["Rate"])) == Decimal("0.75")
    fault(q.get("/exchangerate", sourcecurrencycode="CAD", asofdate="2025-01-01"), 400, "610")
    fault(q.post("exchangerate", {"SourceCurrencyCode": "EUR", "Rate": 1.1}), 400, "6000")
    fault(q.post("exchangerate", {"SourceCurrencyCode": "CAD", "Rate": 0}), 400, "6000", "Rate")
    fault(q.post("exchangerate", {"SourceCurrencyCode": "CAD"}), 400, "2020", "Rate")
    stale = {**again, "SyncToken": "0", "Rate": 0.8}
    fault(q.post("exchangerate", stale), 400, "5010")
    # A currency is dropped by making it inactive, never deleted.
    off = q.create("CompanyCurrency", {**cad, "Active": False})
    assert off["Active"] is False
    fault(q.post("companycurrency", off, operation="delete"), 400, "500")


def test_currencies_need_multicurrency(qbo: Qbo) -> None:
    fault(qbo.post("companycurrency", {"Code": "CAD"}), 400, "6000")
    fault(qbo.post("exchangerate", {"SourceCurrencyCode": "CAD", "Rate": 1}), 400, "6000")


# ---- Attachable ----------------------------------------------------------------------------


def test_note_attached_to_a_vendor(qbo: Qbo) -> None:
    vendor = qbo.create("Vendor", {"DisplayName": "Notes Inc"})["Id"]
    ref = [{"EntityRef": {"type": "Vendor", "value": vendor}}]
    note = qbo.create("Attachable", {"Note": "Ring first", "AttachableRef": ref})
    assert note["AttachableRef"][0]["EntityRef"] == {"type": "Vendor", "value": vendor}
    changed = qbo.create(
        "Attachable", {**note, "Note": "Ring twice", "Id": note["Id"], "SyncToken": "0"}
    )
    assert changed["Note"] == "Ring twice" and changed["SyncToken"] == "1"
    fault(qbo.post("attachable", {"AttachableRef": ref}), 400, "2020", "Note")
    missing = [{"EntityRef": {"type": "Invoice", "value": "999"}}]
    fault(qbo.post("attachable", {"Note": "x", "AttachableRef": missing}), 400, "2500")
    untyped = [{"EntityRef": {"value": vendor}}]
    fault(qbo.post("attachable", {"Note": "x", "AttachableRef": untyped}), 400, "2020")


def test_uploaded_file_is_downloadable(qbo: Qbo, control: httpx.Client) -> None:
    cust = qbo.customer()["Id"]
    meta = (
        '{"FileName": "retainer.pdf", "ContentType": "application/pdf", '
        f'"AttachableRef": [{{"EntityRef": {{"type": "Customer", "value": "{cust}"}}}}]}}'
    )
    content = b"%PDF-1.4 binary \x00\xff bytes"
    for encode in (True, False):
        r = upload(qbo, multipart(meta, content, "application/pdf", encode=encode))
        assert r.status_code == 200, r.text
        made = r.json()["AttachableResponse"][0]["Attachable"]
        assert made["FileName"] == "retainer.pdf" and made["Size"] == len(content)
        assert made["SyncToken"] == "0"
        link = qbo.get(f"/download/{made['Id']}").text  # the link itself, as plain text
        assert link == made["TempDownloadUri"]
        file = httpx.get(link)  # a temporary link needs no token
        assert file.status_code == 200 and file.content == content
        assert file.headers["content-type"] == "application/pdf"
    # Deleting the attachable deletes the file.
    r = qbo.post("attachable", {"Id": made["Id"], "SyncToken": "0"}, operation="delete")
    assert r.status_code == 200, r.text
    assert httpx.get(link).status_code == 404
    fault(qbo.get(f"/download/{made['Id']}"), 400, "610")
    wrong_key = link.rsplit("/", 1)[0] + "/guess"
    assert httpx.get(wrong_key).status_code == 404


def test_upload_rules(qbo: Qbo) -> None:
    fault(upload(qbo, b"not a multipart body"), 400, "6000")
    listed = multipart('["not", "an", "object"]', b"x", "text/plain", encode=False)
    fault(upload(qbo, listed), 400, "6000")
    not_json = multipart("{nope", b"x", "text/plain", encode=False)
    fault(upload(qbo, not_json), 400, "6000")
    badly_typed = multipart('{"FileName": {"a": 1}}', b"x", "text/plain", encode=False)
    fault(upload(qbo, badly_typed), 400, "2010")
    no_refs_target = multipart(
        '{"FileName": "a.txt", "AttachableRef": [{"EntityRef": {"type": "Bill", "value": "9"}}]}',
        b"x",
        "text/plain",
        encode=False,
    )
    fault(upload(qbo, no_refs_target), 400, "2500")


# ---- RecurringTransaction ------------------------------------------------------------------


def schedule(**extra: object) -> dict[str, object]:
    return {"IntervalType": "Monthly", "NumInterval": 1, "DayOfMonth": 1, **extra}


def test_recurring_invoice_is_a_template_that_posts_nothing(qbo: Qbo) -> None:
    cust = qbo.customer()["Id"]
    ar = qbo.read("Account", qbo.accounts["AccountsReceivable"])["CurrentBalance"]
    info = {"Name": "Retainer", "RecurType": "Automated", "Active": True}
    r = qbo.post(
        "recurringtransaction",
        {
            "Invoice": {
                "CustomerRef": {"value": cust},
                "Line": [sales_line(100, Description="monthly")],
                "RecurringInfo": {**info, "ScheduleInfo": schedule(MaxOccurrences=6)},
            }
        },
    )
    assert r.status_code == 200, r.text
    made = r.json()["RecurringTransaction"]["Invoice"]
    assert made["Line"][0]["Amount"] == 100 and "DocNumber" not in made and "TxnDate" not in made
    assert made["RecurringInfo"]["ScheduleInfo"]["MaxOccurrences"] == 6
    assert qbo.read("Account", qbo.accounts["AccountsReceivable"])["CurrentBalance"] == ar
    assert qbo.read("Customer", cust)["Balance"] == 0
    # Invoices still number from 1001: the template took no number.
    assert qbo.invoice(cust)["DocNumber"] == "1001"
    read = qbo.get(f"/recurringtransaction/{made['Id']}").json()["RecurringTransaction"]
    made["RecurringInfo"]["ScheduleInfo"]["DayOfMonth"] = 15
    made["Line"][0]["Amount"] = 250
    updated = qbo.post("recurringtransaction", {"Invoice": made}).json()
    assert updated["RecurringTransaction"]["Invoice"]["Line"][0]["Amount"] == 250
    assert read["Invoice"]["SyncToken"] == "0"
    fresh = qbo.get(f"/recurringtransaction/{made['Id']}").json()["RecurringTransaction"]
    assert fresh["Invoice"]["RecurringInfo"]["ScheduleInfo"]["DayOfMonth"] == 15
    gone = qbo.post(
        "recurringtransaction",
        {"Invoice": {"Id": made["Id"], "SyncToken": "1"}},
        operation="delete",
    )
    assert gone.status_code == 200, gone.text
    fault(qbo.get(f"/recurringtransaction/{made['Id']}"), 400, "610")


def test_recurring_bill_and_query_by_type(qbo: Qbo) -> None:
    vendor = qbo.create("Vendor", {"DisplayName": "Landlord"})["Id"]
    weekly = {"IntervalType": "Weekly", "NumInterval": 1, "DayOfWeek": "Friday"}
    body = {
        "Bill": {
            "VendorRef": {"value": vendor},
            "Line": [expense_line(500, qbo.accounts["OfficeExpenses"])],
            "RecurringInfo": {
                "Name": "Rent",
                "ScheduleInfo": {**weekly, "StartDate": "2026-01-02", "EndDate": "2026-03-27"},
            },
        }
    }
    r = qbo.post("recurringtransaction", body)
    assert r.status_code == 200, r.text
    assert qbo.read("Account", qbo.accounts["AccountsPayable"])["CurrentBalance"] == 0
    rows = qbo.query("SELECT * FROM RecurringTransaction WHERE Type = 'Bill'")
    found = rows.json()["QueryResponse"]["RecurringTransaction"]
    assert [list(row) for row in found] == [["Bill"]]
    assert (
        qbo.query("SELECT * FROM RecurringTransaction WHERE Type = 'Invoice'").json()[
            "QueryResponse"
        ]
        == {}
    )


def test_recurring_rules(qbo: Qbo) -> None:
    cust = qbo.customer()["Id"]
    base = {"CustomerRef": {"value": cust}, "Line": [sales_line(10)]}
    fault(qbo.post("recurringtransaction", {"Invoice": base}), 400, "2020")
    no_name = {**base, "RecurringInfo": {"ScheduleInfo": schedule()}}
    fault(qbo.post("recurringtransaction", {"Invoice": no_name}), 400, "2020")
    no_schedule = {**base, "RecurringInfo": {"Name": "A"}}
    fault(qbo.post("recurringtransaction", {"Invoice": no_schedule}), 400, "2020")
    bad_interval = {
        **base,
        "RecurringInfo": {"Name": "B", "ScheduleInfo": schedule(IntervalType="Hourly")},
    }
    fault(qbo.post("recurringtransaction", {"Invoice": bad_interval}), 400, "2170")
    weekly_no_day = {
        **base,
        "RecurringInfo": {"Name": "C", "ScheduleInfo": {"IntervalType": "Weekly"}},
    }
    fault(qbo.post("recurringtransaction", {"Invoice": weekly_no_day}), 400, "2020")
    backwards = {
        **base,
        "RecurringInfo": {
            "Name": "D",
            "ScheduleInfo": schedule(StartDate="2026-05-01", EndDate="2026-04-01"),
        },
    }
    fault(qbo.post("recurringtransaction", {"Invoice": backwards}), 400, "6000")
    ok = {**base, "RecurringInfo": {"Name": "E", "ScheduleInfo": schedule()}}
    assert qbo.post("recurringtransaction", {"Invoice": ok}).status_code == 200
    fault(qbo.post("recurringtransaction", {"Invoice": ok}), 400, "6240")
    # The template's transaction is checked by the transaction's own rules.
    no_customer = {
        "Line": [sales_line(10)],
        "RecurringInfo": {"Name": "F", "ScheduleInfo": schedule()},
    }
    fault(qbo.post("recurringtransaction", {"Invoice": no_customer}), 400, "2020", "CustomerRef")
    fault(qbo.post("recurringtransaction", {"Nothing": {}}), 400, "2020")


# ---- TaxService ----------------------------------------------------------------------------


def test_tax_service_creates_a_code_and_its_rate(qbo: Qbo) -> None:
    agency = qbo.rows("SELECT * FROM TaxAgency")[0]["Id"]
    body = {
        "TaxCode": "City tax",
        "TaxRateDetails": [
            {
                "TaxRateName": "City",
                "RateValue": 10,
                "TaxAgencyId": agency,
                "TaxApplicableOn": "Sales",
            }
        ],
    }
    r = qbo.http.post("/taxservice/taxcode", json=body, params={"minorversion": 75})
    assert r.status_code == 200, r.text
    made = r.json()
    assert made["TaxCode"] == "City tax" and made["TaxCodeId"]
    detail = made["TaxRateDetails"][0]
    assert detail["TaxAgencyId"] == agency and detail["RateValue"] == 10
    code = qbo.read("TaxCode", made["TaxCodeId"])
    assert (
        code["SalesTaxRateList"]["TaxRateDetail"][0]["TaxRateRef"]["value"] == detail["TaxRateId"]
    )
    assert Decimal(str(qbo.read("TaxRate", detail["TaxRateId"])["RateValue"])) == 10
    # The new code taxes an invoice at its rate.
    cust = qbo.customer()["Id"]
    inv = qbo.create(
        "Invoice",
        {
            "CustomerRef": {"value": cust},
            "Line": [sales_line(100, TaxCodeRef={"value": "TAX"})],
            "TxnTaxDetail": {"TxnTaxCodeRef": {"value": made["TaxCodeId"]}},
        },
    )
    assert Decimal(str(inv["TotalAmt"])) == 110
    # Reusing an existing rate by id.
    reuse = {"TaxCode": "City tax 2", "TaxRateDetails": [{"TaxRateId": detail["TaxRateId"]}]}
    r2 = qbo.http.post("/taxservice/taxcode", json=reuse, params={"minorversion": 75})
    assert r2.status_code == 200, r2.text
    assert r2.json()["TaxRateDetails"][0]["TaxRateName"] == "City"


def test_tax_service_rules(qbo: Qbo) -> None:
    def post(body: object) -> httpx.Response:
        return qbo.http.post("/taxservice/taxcode", json=body, params={"minorversion": 75})

    rate = {"TaxRateName": "R", "RateValue": 5, "TaxAgencyId": "1"}
    fault(post({"TaxRateDetails": [rate]}), 400, "2020", "TaxCode")
    fault(post({"TaxCode": "X"}), 400, "2020", "TaxRateDetails")
    fault(post({"TaxCode": "X", "TaxRateDetails": [{**rate, "TaxAgencyId": "77"}]}), 400, "2500")
    fault(
        post({"TaxCode": "X", "TaxRateDetails": [{"TaxRateName": "R", "TaxAgencyId": "1"}]}),
        400,
        "2020",
    )
    fault(post({"TaxCode": "X", "TaxRateDetails": [{**rate, "RateValue": 150}]}), 400, "6000")
    fault(post({"TaxCode": "X", "TaxRateDetails": [{"TaxRateId": "404"}]}), 400, "2500")
    fault(post({"TaxCode": "TAX", "TaxRateDetails": [rate]}), 400, "6240")
    on = {**rate, "TaxApplicableOn": "Both"}
    fault(post({"TaxCode": "X", "TaxRateDetails": [on]}), 400, "2170")
    # Nothing half-written: the refused requests made no code.
    assert not [c for c in qbo.rows("SELECT * FROM TaxCode") if c["Name"] == "X"]


# ---- Ids -----------------------------------------------------------------------------------


def test_names_share_one_sequence_and_transactions_another(qbo: Qbo) -> None:
    cust = qbo.customer()
    vendor = qbo.create("Vendor", {"DisplayName": "Seq Vendor"})
    employee = qbo.create("Employee", {"GivenName": "Seq"})
    assert [int(cust["Id"]) + 1, int(cust["Id"]) + 2] == [int(vendor["Id"]), int(employee["Id"])]
    inv = qbo.invoice(cust["Id"])
    pay = qbo.payment(cust["Id"], "10", inv["Id"])
    est = qbo.create("Estimate", {"CustomerRef": {"value": cust["Id"]}, "Line": [sales_line(5)]})
    assert [int(pay["Id"]), int(est["Id"])] == [int(inv["Id"]) + 1, int(inv["Id"]) + 2]
    # Other lists count on their own.
    item = qbo.create(
        "Item",
        {"Name": "Seq item", "IncomeAccountRef": {"value": qbo.accounts["ServiceFeeIncome"]}},
    )
    assert int(item["Id"]) < int(inv["Id"]) or item["Id"] != inv["Id"]
    assert qbo.rows("SELECT * FROM TaxCode MAXRESULTS 2")[0]["Id"] == "NON"
