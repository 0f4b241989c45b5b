"""Who gets in, and what they may do, in a real browser: signing in and out, a forged form
refused, and a member beside an administrator."""

from __future__ import annotations

from typing import Any

from lawsync.sync.models import SyncFailure
from tests import builders
from tests.conftest import Firm
from tests.web.browser import PASSWORD, member, refused, with_password
from tests.web.playwright_support import look, ready_to_sync, sign_in

COOKIE = "lawsync_session"


def _session_cookie(page: Any) -> dict[str, Any] | None:
    return next((c for c in page.context.cookies() if c["name"] == COOKIE), None)


def test_a_wrong_password_is_refused_the_right_one_signs_in_and_sign_out_ends_it(
    page: Any, firm: Firm, server_url: str
) -> None:
    email = with_password(firm)
    page.goto(server_url + "/")
    page.wait_for_url(server_url + "/login")  # a page asks for sign-in first
    page.fill("#email", email)
    page.fill("#password", "not the password")
    page.click("button:has-text('Sign in')")
    error = page.wait_for_selector("#login-error")
    assert "do not match an account" in error.inner_text()
    assert page.get_attribute("#email", "aria-invalid") == "true"
    assert page.input_value("#email") == email  # kept, so only the password is typed again
    look(page, "login-refused")
    assert _session_cookie(page) is None
    page.goto(server_url + "/contacts")
    page.wait_for_url(server_url + "/login?next=/contacts")

    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(server_url + "/contacts")  # back where the sign-in was asked for
    page.goto(server_url + "/")
    page.wait_for_selector("h1:has-text('Test Firm LLP')")
    assert "Not connected to QuickBooks Online" in page.inner_text("main")
    cookie = _session_cookie(page)
    assert cookie is not None and cookie["httpOnly"]

    page.click("button:has-text('Sign out')")
    page.wait_for_url(server_url + "/login")
    assert _session_cookie(page) is None
    page.goto(server_url + "/")
    page.wait_for_url(server_url + "/login")
    # The session is ended on the server too: the old cookie no longer opens a page.
    page.context.add_cookies([cookie])
    page.goto(server_url + "/")
    page.wait_for_url(server_url + "/login")
    page.wait_for_selector("h1:has-text('Sign in')")


def test_a_settings_form_with_a_tampered_csrf_token_is_refused_and_saves_nothing(
    page: Any, firm: Firm, server_url: str
) -> None:
    sign_in(page, server_url, with_password(firm))
    page.goto(server_url + "/settings/quickbooks")
    form = "form[action='/settings/quickbooks']"
    page.fill("#bill_prefix", "LS-")
    page.check("input[name=export_bills]")
    page.evaluate(
        """(form) => { document.querySelector(form + " input[name=csrf_token]").value =
                       "forged-" + Math.random(); }""",
        form,
    )
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("button:has-text('Save the settings')")
    assert answer.value.status == 403
    page.wait_for_selector("h1:has-text('Not allowed')")
    message = page.inner_text("main [role=alert]")
    assert "did not come from lawsync" in message and "reload the page" in message
    look(page, "error-csrf-refused")
    saved = firm.get("/quickbooks/settings")
    assert (saved["bill_prefix"], saved["export_bills"]) == ("", False)

    # The same form, as the page gave it, is saved: the refusal was the token's.
    page.goto(server_url + "/settings/quickbooks")
    page.fill("#bill_prefix", "LS-")
    page.click("button:has-text('Save the settings')")
    page.wait_for_selector("text=Settings saved.")
    assert firm.get("/quickbooks/settings")["bill_prefix"] == "LS-"


def test_a_member_sees_status_and_failures_and_retries_but_changes_no_setting(
    page: Any, firm: Firm, server_url: str
) -> None:
    ready_to_sync(firm, server_url)
    client = builders.client(firm)
    connection_id = firm.get("/quickbooks/status")["connection"]["id"]
    failure = refused(firm, connection_id, client["id"])
    before = firm.get("/quickbooks/settings")
    sign_in(page, server_url, member(firm))

    page.wait_for_selector("#standing")  # the company's counts
    assert "plus US LLP" in page.inner_text("main h2")
    assert page.is_visible("button:has-text('Sync now')")
    latest = page.inner_text("main ul")
    assert f"Contact {client['id']}" in latest and "6240" in latest
    look(page, "dashboard-member")

    page.click("a:has-text('All failures')")
    page.wait_for_url("**/settings/quickbooks/failures")
    page.click(f"#failure-{failure} button:has-text('Retry')")
    page.wait_for_selector(f"text=Retry asked for contact {client['id']}")
    page.wait_for_selector(f"#failure-{failure} :text('Retry asked')")
    with firm.ledger.uow(firm.id) as uow:
        row = uow.session.get(SyncFailure, failure)
        assert row is not None and row.retry_requested_at is not None

    page.goto(server_url + "/settings/quickbooks")
    page.wait_for_selector("text=Only an administrator can connect, disconnect or change")
    for button in ("Connect to QuickBooks", "Reconnect to QuickBooks", "Disconnect…"):
        assert page.query_selector(f":text-is('{button}')") is None, button
    assert page.is_disabled("button:has-text('Save the settings')")
    assert page.is_disabled("#bill_prefix")
    assert all(s.is_disabled() for s in page.query_selector_all("select[name^='map:']"))
    look(page, "quickbooks-settings-member")

    # Past the disabled form (its fieldset enabled by hand): the server refuses, saves nothing.
    page.evaluate("document.querySelector('fieldset[disabled]').disabled = false")
    page.fill("#bill_prefix", "M-")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("button:has-text('Save the settings')")
    assert answer.value.status == 403
    page.wait_for_selector("text=Only an administrator may change the sync settings.")
    assert firm.get("/quickbooks/settings") == before

    # Nor may a member disconnect or connect, even by the address.
    page.goto(server_url + "/settings/quickbooks/disconnect")
    page.wait_for_selector("text=Only an administrator can disconnect")
    assert page.query_selector("button:has-text('Yes, disconnect')") is None
    token = page.get_attribute("input[name=csrf_token]", "value")
    for action in ("disconnect", "connect"):
        status = page.evaluate(
            """async ([path, token]) => (await fetch(path, {method: "POST",
                 body: new URLSearchParams({csrf_token: token}), redirect: "manual"})).status""",
            [f"/settings/quickbooks/{action}", token],
        )
        assert status == 403, action
    assert firm.get("/quickbooks/status")["connection"]["status"] == "connected"
