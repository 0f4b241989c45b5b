"""The hard-costs section of the QuickBooks settings page: the company's expense accounts to
choose from, and on Essentials the reason it cannot be turned on, beside a disabled switch."""

from __future__ import annotations

import httpx

from tests.conftest import Firm
from tests.sync.connect_support import connect, new_realm
from tests.web.browser import Browser, with_password

PATH = "/settings/quickbooks"


def test_the_section_offers_the_companys_expense_accounts(
    firm: Firm, control: httpx.Client, browser: Browser
) -> None:
    connect(firm, control, new_realm(control))
    browser.sign_in(with_password(firm))
    page = browser.page(PATH)
    assert "Hard costs from QuickBooks" in page
    section = page[page.index('id="hard_costs_account"') :]
    section = section[: section.index("</select>")]
    assert "Office Expenses" in section and "Court Filing Fees" in section
    assert "Operating Account" not in section  # a bank account is not offered
    assert 'name="import_hard_costs" role="switch">' in page  # not disabled


def test_on_essentials_the_switch_is_disabled_with_the_reason(
    firm: Firm, control: httpx.Client, browser: Browser
) -> None:
    connect(firm, control, new_realm(control, edition="essentials"))
    browser.sign_in(with_password(firm))
    page = browser.page(PATH)
    assert 'id="hard-costs-refused"' in page and "5030" in page and "Essentials" in page
    assert 'disabled aria-describedby="hard-costs-refused"' in page
