"""A contact edited in QuickBooks, followed in a real browser: a field changed there only shows
on the contact as changed in QuickBooks; a field changed on both sides shows both values on the
contact's page and the failures page, and the person's choice, made on the page (htmx), goes
to the side that needs it."""

from __future__ import annotations

from typing import Any

from lawsync.quickbooks import Customer
from tests import builders
from tests.conftest import Firm
from tests.web.browser import with_password
from tests.web.playwright_support import (
    in_quickbooks,
    look,
    ready_to_sync,
    sign_in,
    sync_now,
    with_company,
)


def _edit_in_quickbooks(firm: Firm, server_url: str, **fields: Any) -> None:
    async def edit(qb: Any, realm: str) -> None:
        [customer] = await qb.query(realm, Customer)
        change = Customer.model_validate(
            {"Id": customer.Id, "SyncToken": customer.SyncToken, **fields}
        )
        await qb.update(realm, change, sparse=True)

    with_company(firm, server_url, edit)


def test_a_conflict_is_shown_and_settled_on_the_contacts_page(
    page: Any, firm: Firm, server_url: str
) -> None:
    ready_to_sync(firm, server_url)
    client, _, _ = builders.billed_client(firm)
    sign_in(page, server_url, with_password(firm))
    sync_now(page, server_url)
    [customer] = in_quickbooks(firm, server_url, Customer)
    assert customer.FamilyName == client["last_name"]

    firm.patch(
        f"/contacts/{client['id']}",
        {"last_name": "Ours", "emails": [{"address": "ours@example.com", "primary": True}]},
    )
    _edit_in_quickbooks(
        firm,
        server_url,
        FamilyName="Theirs",
        PrimaryEmailAddr={"Address": "theirs@example.com"},
        PrimaryPhone={"FreeFormNumber": "555-0177"},
    )
    sync_now(page, server_url)

    page.goto(f"{server_url}/contacts/{client['id']}")
    section = page.inner_text("section.conflict")
    assert "Changed both here and in QuickBooks" in section
    assert "Ours" in section and "Theirs" in section
    assert "ours@example.com" in section and "theirs@example.com" in section
    assert "changed in QuickBooks" in page.inner_text("dl")  # the phone, taken quietly
    look(page, "contact-conflict")

    page.goto(f"{server_url}/settings/quickbooks/failures")
    assert "lawsync:contact-conflict" in page.inner_text("table")
    assert page.query_selector("form.conflict") is not None
    look(page, "failures-contact-conflict")

    page.goto(f"{server_url}/contacts/{client['id']}")
    page.check("input[name=choice_email][value=lawsync]")
    page.click("button:has-text('Keep the chosen values')")
    page.wait_for_selector("text=Choices kept")  # the form again, with the field left
    assert page.query_selector("input[name=choice_email]") is None
    page.check("input[name=choice_last_name][value=quickbooks]")
    page.click("button:has-text('Keep the chosen values')")
    page.wait_for_selector("text=Conflict resolved")  # the page, loaded anew
    assert page.query_selector("section.conflict") is None
    assert "failed" not in page.inner_text("h1")
    look(page, "contact-conflict-resolved")

    sync_now(page, server_url)
    [customer] = in_quickbooks(firm, server_url, Customer)
    assert customer.FamilyName == "Theirs"
    assert (customer.PrimaryEmailAddr or {}).get("Address") == "ours@example.com"
    contact = firm.get(f"/contacts/{client['id']}")
    assert contact["last_name"] == "Theirs" and contact["primary_email"] == "ours@example.com"
    page.goto(f"{server_url}/contacts/{client['id']}")
    assert page.query_selector("section.conflict") is None
