"""The settings page tells what came back from QuickBooks: notices received, the last read, how
far it reached, reads waiting; screenshotted and checked by axe-core."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import SANDBOX_CONTROL, Firm
from tests.sync.connect_support import connect, new_realm
from tests.sync.inbound_support import cloud_events, post
from tests.web.browser import with_password
from tests.web.playwright_support import look, sign_in


def test_the_settings_page_shows_changes_from_quickbooks(
    page: Any, firm: Firm, server_url: str
) -> None:
    with httpx.Client(base_url=f"{server_url}/qbo", headers=SANDBOX_CONTROL, timeout=30) as control:
        realm = new_realm(control)
        connect(firm, control, realm)
    assert post(server_url, cloud_events(realm, ["1", "2", "3"])).status_code == 200
    sign_in(page, server_url, with_password(firm))
    page.goto(server_url + "/settings/quickbooks")
    section = page.locator("section[aria-labelledby=inbound]")
    text = section.inner_text()
    assert "Changes from QuickBooks" in text
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines[lines.index("Notices received") + 1].startswith("3, the last"), lines
    assert lines[lines.index("Last read") + 1] == "not yet", lines
    assert lines[lines.index("Read up to") + 1].startswith("nothing yet"), lines
    assert lines[lines.index("Reads waiting") + 1] == "1", lines
    look(page, "quickbooks-inbound")
