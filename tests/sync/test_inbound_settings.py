"""The inbound direction's settings: the verifier token (kept secret), the poll period."""

from __future__ import annotations

import pytest

from lawsync.config import Settings
from lawsync.sync import connection


def test_the_webhook_token_and_the_poll_period_come_from_the_environment() -> None:
    found = Settings.from_env(
        {"LAWSYNC_QBO_WEBHOOK_TOKEN": "verifier-123", "LAWSYNC_CDC_POLL_SECONDS": "60"}
    )
    assert found.qbo_webhook_token == "verifier-123" and found.cdc_poll_seconds == 60.0
    assert found.masked()["qbo_webhook_token"] == "********"
    assert "verifier-123" not in repr(found)
    assert Settings.from_env({}).cdc_poll_seconds == 300.0


@pytest.mark.parametrize("bad", ["0", "-5", "soon", "nan"])
def test_a_poll_period_that_is_not_a_positive_number_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="LAWSYNC_CDC_POLL_SECONDS"):
        Settings.from_env({"LAWSYNC_CDC_POLL_SECONDS": bad})


def test_the_configured_token_wins_and_an_intuit_app_without_one_checks_nothing_in() -> None:
    configured = Settings(qbo_webhook_token="from-the-portal", sandbox_control_secret="s")
    assert connection.webhook_token(configured) == "from-the-portal"
    local = Settings(sandbox_control_secret="s")
    assert connection.webhook_token(local) not in ("", "s")  # derived, not the secret itself
    intuit = Settings(qbo_env="production", qbo_client_id="app", sandbox_control_secret="s")
    assert connection.webhook_token(intuit) == ""  # every notice refused until it is set
