"""The key data flows a bookkeeper works through, in a real browser, each checked in the
sandbox company through its API right after the sync that carries it.

The flows, in the order a matter lives them: add a contact; add client funds; record time;
draft a bill; approve it; edit the approved bill; pay it from the client funds; disburse what
is left by a cheque printed in QuickBooks, whose number comes back. A contact reaches QuickBooks
with its first approved bill or its first money in trust; drafts never do. After each step the
trust bank and liability balances in QuickBooks equal the ledger's.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import httpx

from lawsync.quickbooks import Account, Customer, Invoice, JournalEntry, Payment, Purchase
from lawsync.sync import connection
from tests.conftest import Firm
from tests.sync.connect_support import connect, new_realm
from tests.web.browser import with_password
from tests.web.playwright_support import in_quickbooks, look, sign_in, sync_now, with_company

MAPPINGS = {k: "1" for k in ("activity:default", "expense:default", "tax1", "tax2")}
TODAY = dt.date.today().isoformat()


def _sync_now(page: Any, server_url: str) -> str:
    """Sync now, and nothing refused."""
    text = sync_now(page, server_url)
    assert ", 0 failed" in text, text
    return text


def _money(page: Any, selector: str) -> Decimal:
    words = page.inner_text(selector)
    found = re.search(r"-?[\d,]+\.\d\d", words)
    assert found, words
    return Decimal(found.group(0).replace(",", ""))


def _balance(firm: Firm, server_url: str, name: str) -> Decimal:
    (found,) = in_quickbooks(firm, server_url, Account, f"Name = '{name}'")
    return Decimal(found.CurrentBalance or 0)


def _trust_agrees(page: Any, firm: Firm, server_url: str, account_url: str) -> Decimal:
    """The trust account's balance, the same in the ledger and on both sides in QuickBooks."""
    page.goto(account_url)
    held = _money(page, "#account-balance")
    assert _balance(firm, server_url, "IOLTA Bank") == held
    assert _balance(firm, server_url, "IOLTA Owed to Clients") == held
    return held


def _invoice(firm: Firm, server_url: str, number: str) -> Invoice | None:
    found = in_quickbooks(firm, server_url, Invoice, f"DocNumber = '{number}'")
    return found[0] if found else None


def _make_account(firm: Firm, server_url: str, name: str, kind: str) -> None:
    async def make(qb: Any, realm: str) -> None:
        await qb.create(realm, Account(Name=name, AccountType=kind))

    with_company(firm, server_url, make)


def connected_realm(firm: Firm) -> str:
    realm = connection.connected_realm(firm.ledger, firm.id)
    assert realm is not None
    return realm


def test_the_key_flows_in_the_browser_each_checked_in_quickbooks(
    page: Any, firm: Firm, control: httpx.Client, server_url: str
) -> None:
    page.set_default_timeout(15_000)
    connect(firm, control, new_realm(control))
    firm.put("/quickbooks/settings", {"export_bills": True, "item_mappings": MAPPINGS})
    sign_in(page, server_url, with_password(firm))

    # The company's trust bank and liability accounts, as its accountant keeps them.
    for name, kind in (
        ("IOLTA Bank", "Bank"),
        ("IOLTA Owed to Clients", "Other Current Liability"),
    ):
        _make_account(firm, server_url, name, kind)

    # 1. Add a contact: it waits for an approved bill or money in trust.
    page.goto(server_url + "/contacts/new")
    page.fill("[name=first_name]", "Imogen")
    page.fill("[name=last_name]", "Achterberg")
    page.fill("[name=email_address_0]", "imogen@achterberg.example")
    page.click("button:has-text('Save contact')")
    page.wait_for_selector("h1:has-text('Imogen Achterberg')")
    contact_id = int(page.url.rstrip("/").split("/")[-1].split("?")[0])
    look(page, "flow-1-contact")
    _sync_now(page, server_url)
    named = "DisplayName = 'Imogen Achterberg'"
    assert in_quickbooks(firm, server_url, Customer, named) == []

    page.goto(f"{server_url}/matters/new?client_id={contact_id}")
    page.fill("[name=description]", "Estate of Achterberg")
    page.click("button:has-text('Open matter')")
    page.wait_for_selector("h1:has-text('Matter')")
    matter_id = page.url.rstrip("/").split("/")[-1].split("?")[0]

    # 2. Add client funds: a trust account, and $1,000.00 received for the matter.
    page.goto(server_url + "/client-funds")
    page.fill("#name", "IOLTA Trust")
    page.click("button:has-text('Open the account')")
    page.wait_for_selector("h1:has-text('IOLTA Trust')")
    account_url = page.url.split("?")[0]
    account_id = account_url.rstrip("/").split("/")[-1]
    # Its postings go to the company's trust bank and liability accounts, cheques printed there.
    page.goto(server_url + "/settings/quickbooks?refresh=1")
    page.check("input[name=export_client_funds]")
    page.check("input[name=cheque_printing]")
    page.select_option(f"[name='trust:{account_id}:bank_account']", label="IOLTA Bank (USD)")
    page.select_option(
        f"[name='trust:{account_id}:liability_account']", label="IOLTA Owed to Clients (USD)"
    )
    look(page, "quickbooks-settings-client-funds")
    page.click("button:has-text('Save the settings')")
    page.wait_for_selector("text=Settings saved.")
    page.goto(account_url)
    with page.expect_response(lambda r: "/pick/matters" in r.url):  # its matters follow
        page.select_option("#deposit-client", str(contact_id))
    page.select_option("#deposit-matter", matter_id)
    page.fill("#deposit-amount", "1000.00")
    page.fill("#deposit-source", "Imogen Achterberg")
    page.fill("#deposit-description", "Retainer")
    page.click("button:has-text('Record the deposit')")
    page.wait_for_selector("text=Retainer")
    assert _money(page, "#account-balance") == Decimal("1000.00")
    look(page, "flow-2-client-funds")
    _sync_now(page, server_url)
    (deposit,) = in_quickbooks(firm, server_url, JournalEntry)
    assert deposit.TotalAmt == Decimal("1000.00")
    # Money in trust makes the client a customer, before any bill.
    assert len(in_quickbooks(firm, server_url, Customer, "DisplayName = 'Imogen Achterberg'")) == 1
    assert _trust_agrees(page, firm, server_url, account_url) == Decimal("1000.00")

    # Time on the matter: 2 hours at $250.00.
    page.goto(server_url + "/time/new")
    page.select_option("[name=matter_id]", matter_id)
    page.fill("[name=date]", TODAY)
    page.fill("[name=hours]", "2")
    page.fill("[name=rate]", "250")
    page.fill("[name=description]", "Review of the will")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=Review of the will")

    # 3. Draft a bill: nothing goes to QuickBooks while it is a draft.
    page.goto(server_url + "/bills/new")
    page.select_option("[name=client_id]", str(contact_id))
    page.click('button:has-text("Show the client\'s matters")')
    page.check(f"[name=matter_ids][value='{matter_id}']")
    page.click("button:has-text('Draft the bill')")
    page.wait_for_selector("button:has-text('Approve')")
    bill_url = page.url.split("?")[0]
    number = page.inner_text("h1").split()[1]
    look(page, "flow-3-draft-bill")
    _sync_now(page, server_url)
    assert _invoice(firm, server_url, number) is None

    # 4. Approve it: the client becomes a customer and the bill an invoice of $500.00.
    page.goto(bill_url)
    page.click("button:has-text('Approve')")
    page.wait_for_selector("text=approved")
    _sync_now(page, server_url)
    invoice = _invoice(firm, server_url, number)
    assert invoice is not None and invoice.TotalAmt == Decimal("500.00")
    customers = in_quickbooks(firm, server_url, Customer, named)
    assert (
        len(customers) == 1 and invoice.CustomerRef and invoice.CustomerRef.value == customers[0].Id
    )
    page.goto(bill_url)
    page.wait_for_selector(f"a.badge.synced:has-text('{invoice.Id}')")
    look(page, "flow-4-approved-bill")
    page.click("a.badge.synced")
    page.wait_for_selector(f"dd:has-text('{number}')")
    look(page, "record-copy")

    # 5. Edit the approved bill: 2.5 hours instead of 2; the invoice follows, $625.00.
    page.goto(bill_url + "/edit")
    page.fill("[aria-label='Quantity of line 1']", "2.5")
    page.click("button:has-text('Save the bill')")
    page.wait_for_url(bill_url + "**")
    _sync_now(page, server_url)
    edited = _invoice(firm, server_url, number)
    assert edited is not None and edited.TotalAmt == Decimal("625.00")
    assert edited.Id == invoice.Id and edited.SyncToken != invoice.SyncToken

    # 6. Pay the bill from the client funds held for it.
    page.goto(f"{server_url}/payments/new?client_id={contact_id}")
    page.fill("[name=date]", TODAY)
    page.fill("[name=amount]", "625.00")
    page.select_option("[name=source]", "client_funds")
    page.select_option("[name=client_funds_account_id]", label="IOLTA Trust")
    page.select_option("[name=matter_id]", matter_id)
    page.fill(f"[aria-label='Amount applied to bill {number}']", "625.00")
    page.click("button:has-text('Record the payment')")
    page.wait_for_selector("h1:has-text('Payment of')")
    look(page, "flow-6-payment")
    _sync_now(page, server_url)
    paid = _invoice(firm, server_url, number)
    assert paid is not None and paid.Balance == Decimal("0")
    payments = in_quickbooks(firm, server_url, Payment)
    assert [p.TotalAmt for p in payments] == [Decimal("625.00")]
    # The money left trust as a journal entry beside the payment.
    assert len(in_quickbooks(firm, server_url, JournalEntry)) == 2
    assert _trust_agrees(page, firm, server_url, account_url) == Decimal("375.00")
    page.click("a:has-text('Reconcile with QuickBooks')")
    page.wait_for_selector("text=in agreement")
    look(page, "client-funds-reconciliation")
    page.goto(account_url)

    # 7. Disburse what is left to the client by cheque: the account comes to zero.
    with page.expect_response(lambda r: "/pick/matters" in r.url):  # its matters follow
        page.select_option("#disbursement-client", str(contact_id))
    page.select_option("#disbursement-matter", matter_id)
    page.fill("#disbursement-amount", "375.00")
    page.fill("#disbursement-payee", "Imogen Achterberg")
    page.check("[name=method][value=cheque]")
    page.fill("#disbursement-description", "Balance returned")
    page.click("button:has-text('Record the disbursement')")
    page.wait_for_selector("text=Balance returned")
    assert _money(page, "#account-balance") == Decimal("0.00")
    look(page, "flow-7-disbursement")
    _sync_now(page, server_url)
    (cheque,) = in_quickbooks(firm, server_url, Purchase)
    assert cheque.PrintStatus == "NeedToPrint" and cheque.TotalAmt == Decimal("375.00")
    assert _trust_agrees(page, firm, server_url, account_url) == Decimal("0.00")
    # The cheque is printed in QuickBooks; its number comes back to the disbursement.
    printed = control.post(
        f"/_sandbox/companies/{connected_realm(firm)}/print-cheques", json={"first_number": 3301}
    )
    assert printed.status_code == 200, printed.text
    _sync_now(page, server_url)
    page.goto(account_url)
    page.wait_for_selector("td:has-text('3301')")
    look(page, "flow-8-cheque-printed")
