"""Sales forms as documents: their PDF, and sending them by e-mail (recorded, not sent)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox.sandbox_support import Qbo, fault

LINE = {
    "Amount": 120,
    "Description": "Drafting the lease",
    "DetailType": "SalesItemLineDetail",
    "SalesItemLineDetail": {"ItemRef": {"value": "2"}},
}


def make(qbo: Qbo, entity: str, **extra: Any) -> dict[str, Any]:
    customer = qbo.customer()
    return qbo.create(entity, {"CustomerRef": {"value": customer["Id"]}, "Line": [LINE], **extra})


@pytest.mark.parametrize("entity", ["Invoice", "SalesReceipt", "CreditMemo"])
def test_pdf_is_a_real_pdf_of_the_form(qbo: Qbo, entity: str) -> None:
    form = make(qbo, entity)
    r = qbo.http.get(f"/{entity.lower()}/{form['Id']}/pdf", headers={"Accept": "application/pdf"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/pdf"
    body = r.content
    assert body.startswith(b"%PDF-1.") and body.rstrip().endswith(b"%%EOF")
    assert b"Drafting the lease" in body and b"120.00" in body
    xref = int(body.rsplit(b"startxref", 1)[1].split()[0])
    assert body[xref:].startswith(b"xref")
    assert len(r.headers.get("intuit_tid", "")) == 32


def test_pdf_of_an_unknown_form_is_610(qbo: Qbo) -> None:
    fault(qbo.get("/invoice/99999/pdf"), 400, "610")


@pytest.mark.parametrize("entity", ["Invoice", "SalesReceipt", "CreditMemo"])
def test_send_marks_the_form_sent_and_records_the_mail(qbo: Qbo, entity: str) -> None:
    form = make(qbo, entity)
    r = qbo.post(f"{entity.lower()}/{form['Id']}/send", None, sendTo="ana@example.com")
    assert r.status_code == 200, r.text
    sent = r.json()[entity]
    assert sent["EmailStatus"] == "EmailSent"
    assert sent["BillEmail"] == {"Address": "ana@example.com"}
    assert sent["DeliveryInfo"]["DeliveryType"] == "Email"
    assert sent["SyncToken"] == str(int(form["SyncToken"]) + 1)
    assert qbo.read(entity, form["Id"])["EmailStatus"] == "EmailSent"
    mail = qbo.control.get(f"/_sandbox/companies/{qbo.realm}/mail").json()
    assert mail[-1]["to"] == "ana@example.com"
    assert (mail[-1]["entity"], mail[-1]["id"]) == (entity, form["Id"])
    assert mail[-1]["attachment_bytes"] > 0


def test_send_without_an_address_uses_the_forms_own(qbo: Qbo) -> None:
    form = make(qbo, "Invoice", BillEmail={"Address": "billing@example.com"})
    sent = qbo.post(f"invoice/{form['Id']}/send", None).json()["Invoice"]
    assert sent["BillEmail"]["Address"] == "billing@example.com"
    assert sent["EmailStatus"] == "EmailSent"


def test_send_faults(qbo: Qbo) -> None:
    form = make(qbo, "Invoice")
    before = len(qbo.control.get(f"/_sandbox/companies/{qbo.realm}/mail").json())
    fault(qbo.post(f"invoice/{form['Id']}/send", None, sendTo="not-an-address"), 400, "2210")
    fault(qbo.post(f"invoice/{form['Id']}/send", None, sendTo="a@b.com,c@d.com"), 400, "2210")
    fault(qbo.post(f"invoice/{form['Id']}/send", None), 400, "6420")
    fault(qbo.post("invoice/99999/send", None, sendTo="ana@example.com"), 400, "610")
    assert qbo.read("Invoice", form["Id"])["SyncToken"] == form["SyncToken"]
    after = qbo.control.get(f"/_sandbox/companies/{qbo.realm}/mail").json()
    assert len(after) == before
    fault(qbo.post(f"customer/{form['CustomerRef']['value']}/send", None), 400, "500")


def test_purge_empties_the_outbox(qbo: Qbo) -> None:
    form = make(qbo, "Invoice")
    qbo.post(f"invoice/{form['Id']}/send", None, sendTo="ana@example.com")
    assert qbo.control.get(f"/_sandbox/companies/{qbo.realm}/mail").json()
    assert qbo.control.post(f"/_sandbox/companies/{qbo.realm}/purge").status_code == 200
    assert qbo.control.get(f"/_sandbox/companies/{qbo.realm}/mail").json() == []
