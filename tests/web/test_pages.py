"""The dashboard, the QuickBooks settings and the Sync Failures table, as a browser uses them."""

from __future__ import annotations

import time

from lawsync.sync.models import SyncFailure
from tests.conftest import Firm
from tests.web.browser import Browser, connected, member, refused, with_password


def test_the_dashboard_says_what_to_do_when_notconnected(firm: Firm, browser: Browser) -> None:
    browser.sign_in(with_password(firm))
    html = browser.page("/")
    assert "Not connected to QuickBooks Online" in html
    assert 'href="/settings/quickbooks"' in html


def test_the_dashboard_shows_the_company_counts_and_latest_failures(
    firm: Firm, browser: Browser
) -> None:
    connection_id = connected(firm)
    failure_id = refused(firm, connection_id, 41)
    browser.sign_in(with_password(firm))
    html = browser.page("/")
    assert "Smith Books Inc" in html and 'class="badge connected"' in html
    assert "Sync now" in html
    assert f"#failure-{failure_id}" in html and "Contact 41" in html
    assert 'href="/settings/quickbooks/failures?kind=contact">1</a>' in html


def test_a_failure_is_retried_from_its_row_and_by_its_code(firm: Firm, browser: Browser) -> None:
    connection_id = connected(firm)
    first = refused(firm, connection_id, 41)
    second = refused(firm, connection_id, 42)
    other_code = refused(firm, connection_id, 43, code="6000")
    browser.sign_in(with_password(firm))
    html = browser.page("/settings/quickbooks/failures")
    assert "Another customer, supplier or employee already has this name" in html  # our guide
    r = browser.submit(
        f"/settings/quickbooks/failures/{first}/retry",
        {},
        from_page="/settings/quickbooks/failures",
    )
    assert r.status_code == 303
    assert "Retry asked for contact 41" in browser.page(r.headers["location"])
    r = browser.submit(
        "/settings/quickbooks/failures/retry-code",
        {"code": "6240"},
        from_page="/settings/quickbooks/failures",
    )
    assert r.status_code == 303
    with firm.ledger.uow(firm.id) as uow:
        asked = {
            row.id: row.retry_requested_at is not None
            for row in uow.session.query(SyncFailure).all()
        }
    assert asked == {first: True, second: True, other_code: False}
    only = browser.page("/settings/quickbooks/failures", code="6000")
    assert "Contact 43" in only and "Contact 42" not in only


def test_another_firms_failure_is_not_found(firm: Firm, other_firm: Firm, browser: Browser) -> None:
    theirs = refused(other_firm, connected(other_firm), 7)
    browser.sign_in(with_password(firm))
    r = browser.submit(
        f"/settings/quickbooks/failures/{theirs}/retry",
        {},
        from_page="/settings/quickbooks/failures",
    )
    assert r.status_code == 404 and "Not found" in r.text
    with other_firm.ledger.uow(other_firm.id) as uow:
        row = uow.session.get(SyncFailure, theirs)
        assert row is not None and row.retry_requested_at is None


def test_settings_are_saved_through_the_same_rules_as_the_api(firm: Firm, browser: Browser) -> None:
    connected(firm)
    firm.put("/bill-settings", {"next_bill_number": 100000})  # 6 digits
    browser.sign_in(with_password(firm))
    page = "/settings/quickbooks"
    r = browser.submit(
        page,
        {"bill_prefix": "A-PREFIX-TOO-LONG-", "tax_option": "separate_lines", "name_clash": "fail"},
        from_page=page,
    )
    assert r.status_code == 422
    assert 'id="bill_prefix-error"' in r.text and "21 characters" in r.text
    assert firm.get("/quickbooks/settings")["bill_prefix"] == ""  # nothing half-saved
    r = browser.submit(
        page,
        {
            "bill_prefix": "LS-",
            "export_bills": "on",
            "tax_option": "aggregated",
            "name_clash": "suffix",
        },
        from_page=page,
    )
    assert r.status_code == 303 and "Settings+saved" in r.headers["location"]
    saved = firm.get("/quickbooks/settings")
    assert (
        saved["bill_prefix"],
        saved["export_bills"],
        saved["tax_option"],
        saved["name_clash"],
    ) == ("LS-", True, "aggregated", "suffix")
    assert saved["fast_catch_up"] is False  # an unticked box is off


def test_the_prefix_is_checked_as_it_is_typed(firm: Firm, browser: Browser) -> None:
    browser.sign_in(with_password(firm))
    ok = browser.page("/settings/quickbooks/check-prefix", bill_prefix="LS-")
    assert "LS-" in ok and "field-error" not in ok
    firm.put("/bill-settings", {"next_bill_number": 100000})
    bad = browser.page("/settings/quickbooks/check-prefix", bill_prefix="X" * 18)
    assert "field-error" in bad and "21 characters" in bad


def test_a_member_sees_the_settings_but_cannot_change_them(firm: Firm, browser: Browser) -> None:
    connected(firm)
    browser.sign_in(member(firm))
    html = browser.page("/settings/quickbooks")
    assert "Only an administrator" in html and "<fieldset disabled>" in html
    r = browser.submit(
        "/settings/quickbooks",
        {"bill_prefix": "M-", "tax_option": "aggregated", "name_clash": "fail"},
        from_page="/settings/quickbooks",
    )
    assert r.status_code == 403 and "Only an administrator" in r.text
    assert firm.get("/quickbooks/settings")["bill_prefix"] == ""


def test_sync_now_reports_that_the_firm_is_notconnected(firm: Firm, browser: Browser) -> None:
    browser.sign_in(with_password(firm))
    r = browser.http.post(
        "/sync-now", headers={"X-CSRF-Token": browser.csrf("/"), "HX-Request": "true"}
    )
    assert r.status_code == 200

    def finished() -> str:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            html = browser.page("/sync-now")
            if "hx-trigger" not in html:  # the fragment stops polling once the run has ended
                return html
            time.sleep(0.05)
        raise AssertionError("the pass did not end")

    assert "not connected to QuickBooks Online" in finished()


def test_the_preview_page_says_why_there_is_nothing_to_preview(
    firm: Firm, browser: Browser
) -> None:
    browser.sign_in(with_password(firm))
    html = browser.page("/preview")
    assert "not connected to QuickBooks Online" in html and 'href="/settings/quickbooks"' in html
    r = browser.http.post("/sync-now", data={"csrf_token": browser.csrf("/preview")})
    assert (r.status_code, r.headers["location"]) == (303, "/")  # a plain form: the dashboard
