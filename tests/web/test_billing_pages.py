"""The billing pages, as a browser uses them: bills, payments, credit notes, interest."""

from __future__ import annotations

import re

import pytest

from lawsync.sync.kinds import Kind
from lawsync.web.pages import bills as bills_pages
from tests import builders
from tests.conftest import Firm
from tests.web.browser import Browser, connected, refused, with_password


def _work(firm: Firm, hours: str = "2", rate: str = "150") -> tuple[int, int]:
    """A client with one matter and one unbilled time entry: (client id, matter id)."""
    c = builders.client(firm)
    m = builders.matter(firm, c["id"])
    builders.time_entry(firm, m["id"], hours=hours, rate=rate)
    return c["id"], m["id"]


def _id_from(location: str, prefix: str) -> int:
    found = re.match(rf"{prefix}/(\d+)", location)
    assert found, location
    return int(found.group(1))


def test_a_bill_is_drafted_approved_edited_and_voided_through_the_pages(
    firm: Firm, browser: Browser
) -> None:
    client_id, matter_id = _work(firm)
    browser.sign_in(with_password(firm))
    form = browser.page("/bills/new")
    assert 'for="client_id"' in form
    r = browser.submit(  # without JavaScript: the client's matters, to choose from
        "/bills/new", {"client_id": str(client_id), "pick": "1"}, from_page="/bills/new"
    )
    assert r.status_code == 200 and f'name="matter_ids" value="{matter_id}"' in r.text
    r = browser.submit(
        "/bills/new",
        {"client_id": str(client_id), "matter_ids": str(matter_id), "issue_date": "2026-03-05"},
        from_page="/bills/new",
    )
    assert r.status_code == 303, r.text[:1000]
    bill_id = _id_from(r.headers["location"], "/bills")
    bill = firm.get(f"/bills/{bill_id}")
    assert bill["state"] == "draft" and bill["total"] == "300.00"

    page = browser.page(f"/bills/{bill_id}")
    assert "Approve</button>" in page and "Delete the draft" in page and "Void…" not in page
    assert 'id="bill-total">$300.00<' in page and 'class="badge' in page
    listed = browser.page("/bills", state="draft")
    assert f'href="/bills/{bill_id}"' in listed

    r = browser.submit(f"/bills/{bill_id}/approve", {}, from_page=f"/bills/{bill_id}")
    assert r.status_code == 303 and "approved" in r.headers["location"]
    assert firm.get(f"/bills/{bill_id}")["state"] == "approved"
    page = browser.page(f"/bills/{bill_id}")
    assert "Approve</button>" not in page and "Void…" in page and "Add a credit note" in page
    assert f'href="/bills/{bill_id}"' not in browser.page("/bills", state="draft")

    line_id = firm.get(f"/bills/{bill_id}")["lines"][0]["id"]
    edit = browser.page(f"/bills/{bill_id}/edit")
    assert f'name="line-{line_id}-quantity"' in edit
    r = browser.submit(
        f"/bills/{bill_id}/edit",
        {
            "number": bill["number"],
            "issue_date": "2026-03-05",
            "due_date": "2026-04-30",
            "discount_kind": "none",
            "discount_value": "0",
            "memo": "Thank you",
            f"line-{line_id}-description": "Drafting",
            f"line-{line_id}-quantity": "3",
            f"line-{line_id}-price": "150",
        },
        from_page=f"/bills/{bill_id}/edit",
    )
    assert r.status_code == 303, r.text[:1000]
    edited = firm.get(f"/bills/{bill_id}")
    assert (edited["state"], edited["total"], edited["due_date"], edited["memo"]) == (
        "approved",
        "450.00",
        "2026-04-30",
        "Thank you",
    )

    confirm = browser.page(f"/bills/{bill_id}/void")
    assert "Yes, void bill" in confirm and 'name="reason"' in confirm
    r = browser.submit(
        f"/bills/{bill_id}/void", {"reason": "sent twice"}, from_page=f"/bills/{bill_id}/void"
    )
    assert r.status_code == 303
    assert firm.get(f"/bills/{bill_id}")["state"] == "void"
    page = browser.page(f"/bills/{bill_id}")
    assert "Void…" not in page and "Edit</a>" not in page
    r = browser.get(f"/bills/{bill_id}/edit")
    assert r.status_code == 409 and "can no longer be changed" in r.text


def test_a_draft_is_deleted_after_its_confirmation(firm: Firm, browser: Browser) -> None:
    client_id, _ = _work(firm)
    draft = builders.bill(firm, client_id, approve=False)
    browser.sign_in(with_password(firm))
    confirm = browser.page(f"/bills/{draft['id']}/delete")
    assert "Yes, delete bill" in confirm
    r = browser.submit(f"/bills/{draft['id']}/delete", {}, from_page=f"/bills/{draft['id']}/delete")
    assert r.status_code == 303 and r.headers["location"].startswith("/bills?")
    firm.get(f"/bills/{draft['id']}", status=404)


def test_a_refused_move_shows_why(firm: Firm, browser: Browser) -> None:
    client_id, _ = _work(firm)
    bill = builders.bill(firm, client_id)  # approved
    browser.sign_in(with_password(firm))
    r = browser.submit(f"/bills/{bill['id']}/approve", {}, from_page=f"/bills/{bill['id']}")
    assert r.status_code == 409
    assert "only a draft can be approved" in r.text and f"Bill {bill['number']}" in r.text
    r = browser.submit(
        "/bills/new", {"client_id": str(client_id)}, from_page="/bills/new"
    )  # its work is billed already
    assert r.status_code == 409 and "no unbilled time or expenses" in r.text


def test_another_firms_bill_is_not_found(firm: Firm, other_firm: Firm, browser: Browser) -> None:
    client_id, _ = _work(other_firm)
    theirs = builders.bill(other_firm, client_id, approve=False)
    browser.sign_in(with_password(firm))
    assert browser.get(f"/bills/{theirs['id']}").status_code == 404
    r = browser.submit(f"/bills/{theirs['id']}/approve", {}, from_page="/bills")
    assert r.status_code == 404 and "Not found" in r.text
    assert other_firm.get(f"/bills/{theirs['id']}")["state"] == "draft"


def test_a_form_without_its_csrf_token_is_refused(firm: Firm, browser: Browser) -> None:
    client_id, _ = _work(firm)
    draft = builders.bill(firm, client_id, approve=False)
    browser.sign_in(with_password(firm))
    r = browser.http.post(f"/bills/{draft['id']}/approve", data={})
    assert r.status_code == 403
    r = browser.http.post(f"/bills/{draft['id']}/delete", data={"csrf_token": "forged"})
    assert r.status_code == 403
    r = browser.http.post(
        "/payments/new", data={"client_id": str(client_id), "amount": "1", "date": "2026-03-10"}
    )
    assert r.status_code == 403
    assert firm.get(f"/bills/{draft['id']}")["state"] == "draft"


def test_a_payment_is_recorded_edited_and_deleted(firm: Firm, browser: Browser) -> None:
    client_id, _ = _work(firm)  # 300.00
    bill = builders.bill(firm, client_id)
    browser.sign_in(with_password(firm))
    assert "Choose a client" in browser.page("/payments/new")
    form = browser.page("/payments/new", client_id=client_id)
    assert f'name="alloc-{bill["id"]}"' in form and bill["number"] in form
    page = f"/payments/new?client_id={client_id}"
    r = browser.submit(
        "/payments/new",
        {"client_id": str(client_id), "date": "2026-03-10", "amount": "100"},
        from_page=page,
    )
    assert r.status_code == 422 and 'id="allocations-error"' in r.text  # on no bill
    r = browser.submit(
        "/payments/new",
        {
            "client_id": str(client_id),
            "date": "2026-03-10",
            "amount": "100",
            f"alloc-{bill['id']}": "-5",
        },
        from_page=page,
    )
    assert r.status_code == 422 and f'id="alloc-{bill["id"]}-error"' in r.text
    r = browser.submit(
        "/payments/new",
        {
            "client_id": str(client_id),
            "date": "2026-03-10",
            "amount": "100",
            "method": "eft",
            "reference": "T-1",
            f"alloc-{bill['id']}": "100",
        },
        from_page=page,
    )
    assert r.status_code == 303, r.text[:1000]
    payment_id = _id_from(r.headers["location"], "/payments")
    saved = firm.get(f"/payments/{payment_id}")
    assert (saved["amount"], saved["method"], saved["reference"]) == ("100.00", "eft", "T-1")
    assert firm.get(f"/bills/{bill['id']}")["balance"] == "200.00"
    shown = browser.page(f"/payments/{payment_id}")
    assert bill["number"] in shown and 'class="badge' in shown
    assert f'href="/payments/{payment_id}"' in browser.page("/payments")

    edit = f"/payments/{payment_id}/edit"
    assert 'value="100.00"' in browser.page(edit)
    r = browser.submit(
        edit,
        {"date": "2026-03-11", "amount": "250", "method": "eft", f"alloc-{bill['id']}": "250"},
        from_page=edit,
    )
    assert r.status_code == 303, r.text[:1000]
    assert firm.get(f"/payments/{payment_id}")["amount"] == "250.00"
    assert firm.get(f"/bills/{bill['id']}")["balance"] == "50.00"
    r = browser.submit(
        edit, {"date": "2026-03-11", "amount": "400", f"alloc-{bill['id']}": "400"}, from_page=edit
    )
    assert r.status_code == 409 and "300" in r.text  # more than the bill owes
    assert firm.get(f"/payments/{payment_id}")["amount"] == "250.00"

    delete = f"/payments/{payment_id}/delete"
    assert "Yes, delete the payment" in browser.page(delete)
    r = browser.submit(delete, {"reason": "bounced"}, from_page=delete)
    assert r.status_code == 303
    assert firm.get(f"/payments/{payment_id}")["state"] == "deleted"
    assert firm.get(f"/bills/{bill['id']}")["balance"] == "300.00"
    assert "Delete…" not in browser.page(f"/payments/{payment_id}")


def test_a_credit_note_is_added_from_its_bill_and_voided(firm: Firm, browser: Browser) -> None:
    client_id, _ = _work(firm)  # 300.00
    bill = builders.bill(firm, client_id)
    browser.sign_in(with_password(firm))
    new = f"/bills/{bill['id']}/credit-notes/new"
    assert f'href="{new}"' in browser.page(f"/bills/{bill['id']}")
    r = browser.submit(new, {"amount": "500", "date": "2026-03-20"}, from_page=new)
    assert r.status_code == 409 and 'id="amount-error"' in r.text  # more than it owes
    r = browser.submit(
        new, {"amount": "40", "date": "2026-03-20", "reason": "goodwill"}, from_page=new
    )
    assert r.status_code == 303, r.text[:1000]
    note_id = _id_from(r.headers["location"], "/credit-notes")
    assert firm.get(f"/credit-notes/{note_id}")["amount"] == "40.00"
    assert firm.get(f"/bills/{bill['id']}")["balance"] == "260.00"
    page = browser.page(f"/credit-notes/{note_id}")
    assert "goodwill" in page and 'class="badge' in page
    assert f'href="/credit-notes/{note_id}"' in browser.page(f"/bills/{bill['id']}")
    assert f'href="/credit-notes/{note_id}"' in browser.page("/credit-notes")
    confirm = f"/credit-notes/{note_id}/void"
    assert "Yes, void" in browser.page(confirm)
    r = browser.submit(confirm, {"reason": "mistake"}, from_page=confirm)
    assert r.status_code == 303
    assert firm.get(f"/credit-notes/{note_id}")["state"] == "void"
    assert firm.get(f"/bills/{bill['id']}")["balance"] == "300.00"
    r = browser.submit(confirm, {}, from_page=f"/bills/{bill['id']}")
    assert r.status_code == 409 and "already void" in r.text


def test_interest_is_charged_on_an_overdue_bill_and_voided(firm: Firm, browser: Browser) -> None:
    client_id, _ = _work(firm)  # 300.00, due 30 days after 2026-03-02
    bill = builders.bill(firm, client_id)
    browser.sign_in(with_password(firm))
    new = f"/bills/{bill['id']}/interest-charges/new"
    r = browser.submit(new, {"rate": "2", "charged_on": "2026-03-10"}, from_page=new)
    assert r.status_code == 409 and 'id="charged_on-error"' in r.text  # not yet due
    r = browser.submit(new, {"rate": "2", "charged_on": "2026-05-01"}, from_page=new)
    assert r.status_code == 303, r.text[:1000]
    charge_id = _id_from(r.headers["location"], "/interest-charges")
    assert firm.get(f"/interest-charges/{charge_id}")["amount"] == "6.00"
    assert "<dd>$6.00</dd>" in browser.page(f"/interest-charges/{charge_id}")
    assert f'href="/interest-charges/{charge_id}"' in browser.page("/interest-charges")
    confirm = f"/interest-charges/{charge_id}/void"
    r = browser.submit(confirm, {}, from_page=confirm)
    assert r.status_code == 303
    assert firm.get(f"/interest-charges/{charge_id}")["state"] == "void"


def test_each_record_shows_its_sync_badge_and_its_failure(firm: Firm, browser: Browser) -> None:
    client_id, _ = _work(firm)
    bill = builders.bill(firm, client_id)
    failure_id = refused(
        firm,
        connected(firm),
        bill["id"],
        kind=Kind.BILL,
        code="6000",
        message="A business validation error has occurred",
        element="DocNumber",
    )
    browser.sign_in(with_password(firm))
    page = browser.page(f"/bills/{bill['id']}")
    assert 'class="badge failed"' in page and f"#failure-{failure_id}" in page
    assert "A business validation error has occurred" in page  # the failure inline
    assert 'class="badge failed"' in browser.page("/bills")
    payment = firm.post(
        "/payments",
        {
            "client_id": client_id,
            "date": "2026-03-10",
            "amount": "10",
            "allocations": [{"bill_id": bill["id"], "amount": "10"}],
        },
    )
    assert 'class="badge pending"' in browser.page(f"/payments/{payment['id']}")


def test_a_bill_with_a_payment_cannot_be_voided(firm: Firm, browser: Browser) -> None:
    client_id, _ = _work(firm)
    bill = builders.bill(firm, client_id)
    firm.post(
        "/payments",
        {
            "client_id": client_id,
            "date": "2026-03-10",
            "amount": "10",
            "allocations": [{"bill_id": bill["id"], "amount": "10"}],
        },
    )
    browser.sign_in(with_password(firm))
    page = browser.page(f"/bills/{bill['id']}")
    assert "Void…" not in page and "Delete…" not in page  # the model refuses both
    r = browser.get(f"/bills/{bill['id']}/void")  # the confirmation says why not
    assert r.status_code == 409 and "Yes, void" not in r.text
    r = browser.submit(f"/bills/{bill['id']}/void", {}, from_page=f"/bills/{bill['id']}")
    assert r.status_code == 409 and "payments or credit notes applied" in r.text
    assert firm.get(f"/bills/{bill['id']}")["state"] == "approved"


def test_another_firms_payment_and_credit_note_are_not_found(
    firm: Firm, other_firm: Firm, browser: Browser
) -> None:
    client_id, _ = _work(other_firm)
    bill = builders.bill(other_firm, client_id)
    payment = other_firm.post(
        "/payments",
        {
            "client_id": client_id,
            "date": "2026-03-10",
            "amount": "10",
            "allocations": [{"bill_id": bill["id"], "amount": "10"}],
        },
    )
    note = other_firm.post(
        "/credit-notes", {"bill_id": bill["id"], "amount": "5", "date": "2026-03-11"}
    )
    browser.sign_in(with_password(firm))
    for path in (
        f"/payments/{payment['id']}",
        f"/payments/{payment['id']}/edit",
        f"/credit-notes/{note['id']}",
        f"/bills/{bill['id']}/credit-notes/new",
        f"/payments/new?client_id={client_id}",
    ):
        assert browser.get(path).status_code == 404, path
    r = browser.submit(f"/payments/{payment['id']}/delete", {}, from_page="/payments")
    assert r.status_code == 404
    r = browser.submit(f"/credit-notes/{note['id']}/void", {}, from_page="/payments")
    assert r.status_code == 404
    assert other_firm.get(f"/payments/{payment['id']}")["state"] == "active"
    assert other_firm.get(f"/credit-notes/{note['id']}")["state"] == "active"


def test_the_bills_list_is_filtered_by_state_and_paginated(
    firm: Firm, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bills_pages, "PAGE", 2)
    made = []
    for approve in (True, False, True):
        client_id, _ = _work(firm)
        made.append(builders.bill(firm, client_id, approve=approve))
    browser.sign_in(with_password(firm))
    first = browser.page("/bills")
    assert all(f'href="/bills/{b["id"]}"' in first for b in made[:2])
    assert f'href="/bills/{made[2]["id"]}"' not in first
    more = re.search(r'href="(/bills\?state=&amp;after=\d+)"', first)
    assert more, "no link to the next page"
    second = browser.page(more.group(1).replace("&amp;", "&"))
    assert f'href="/bills/{made[2]["id"]}"' in second
    assert f'href="/bills/{made[0]["id"]}"' not in second
    approved = browser.page("/bills", state="approved")
    assert f'href="/bills/{made[1]["id"]}"' not in approved
    assert f'href="/bills/{made[0]["id"]}"' in approved


def test_a_drafts_line_is_removed_and_a_bad_date_is_shown_beside_its_field(
    firm: Firm, browser: Browser
) -> None:
    client_id, matter_id = _work(firm)  # 300.00 of time
    builders.expense(firm, matter_id)  # 50.00
    draft = builders.bill(firm, client_id, approve=False)
    assert draft["total"] == "350.00"
    expense_line = next(ln for ln in draft["lines"] if ln["kind"] == "expense")
    edit = f"/bills/{draft['id']}/edit"
    browser.sign_in(with_password(firm))
    r = browser.submit(
        edit,
        {"issue_date": "2026-03-05", "due_date": "2026-03-01", "memo": ""},
        from_page=edit,
    )
    assert r.status_code == 422 and 'id="due_date-error"' in r.text
    assert 'aria-describedby="due_date-error"' in r.text
    line_id = expense_line["id"]
    r = browser.submit(edit, {f"line-{line_id}-quantity": "lots"}, from_page=edit)
    assert r.status_code == 422 and f'id="line-{line_id}-quantity-error"' in r.text
    assert 'id="form-error"' not in r.text  # shown beside its field only
    r = browser.submit(edit, {"remove_line_ids": str(expense_line["id"])}, from_page=edit)
    assert r.status_code == 303, r.text[:1000]
    saved = firm.get(f"/bills/{draft['id']}")
    assert (saved["total"], len(saved["lines"])) == ("300.00", 1)


def test_an_approved_bill_deleted_stays_as_a_tombstone(firm: Firm, browser: Browser) -> None:
    client_id, _ = _work(firm)
    bill = builders.bill(firm, client_id)
    browser.sign_in(with_password(firm))
    confirm = f"/bills/{bill['id']}/delete"
    assert "deleted on the next sync" in browser.page(confirm)
    r = browser.submit(confirm, {}, from_page=confirm)
    assert r.status_code == 303 and r.headers["location"].startswith(f"/bills/{bill['id']}?")
    assert firm.get(f"/bills/{bill['id']}")["state"] == "deleted"
    page = browser.page(f"/bills/{bill['id']}")
    assert "(deleted)" in page and "Delete…" not in page and "Edit</a>" not in page
