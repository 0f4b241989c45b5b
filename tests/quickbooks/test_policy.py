"""Pure parts: retry policy, query quoting, configuration, token encryption, public surface."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email.utils import format_datetime
from pathlib import Path

import pytest

import lawsync.quickbooks as qbo
from lawsync.quickbooks import (
    ConfigurationError,
    EncryptedFileTokenStore,
    Endpoints,
    Environment,
    NetworkError,
    QuickBooksConfig,
    RequestTimeoutError,
    RetryPolicy,
    ServerError,
    StaleObjectError,
    ThrottledError,
    TokenCipher,
    TokenSet,
    ValidationError,
    backoff_seconds,
    quote,
    should_retry,
    sql,
    token_cipher_for,
)
from lawsync.quickbooks._json import dumps
from lawsync.quickbooks._pacing import RollingWindow
from lawsync.quickbooks._query import page_statement
from lawsync.quickbooks._retry import add_jitter, parse_retry_after, retry_delay


def test_public_names_are_exactly_the_sorted_all() -> None:
    public = {n for n in dir(qbo) if not n.startswith("_")}

    def isort_order(name: str) -> tuple[int, str]:  # constants, classes, functions (ruff RUF022)
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    assert qbo.__all__ == sorted(qbo.__all__, key=isort_order)
    assert set(qbo.__all__) == public


def _unsent() -> NetworkError:
    error = NetworkError("refused")
    error.sent = False
    return error


@pytest.mark.parametrize(
    ("error", "replay_safe", "expected"),
    [
        (ThrottledError("429", http_status=429, code="3001"), False, True),
        (ServerError("503", http_status=503), True, True),
        (ServerError("503", http_status=503), False, False),
        (ServerError("500", http_status=500), True, True),
        (ServerError("504", http_status=504), True, True),
        (ServerError("200 system fault", http_status=200, code="10000"), True, True),
        (RequestTimeoutError("slow"), True, True),
        (RequestTimeoutError("slow"), False, False),
        (_unsent(), False, True),
        (ValidationError("bad", http_status=400, code="6000"), True, False),
        (StaleObjectError("stale", http_status=400, code="5010"), True, False),
    ],
)
def test_should_retry(error: qbo.QuickBooksError, replay_safe: bool, expected: bool) -> None:
    assert should_retry(error, 1, replay_safe=replay_safe, max_attempts=5) is expected
    assert should_retry(error, 5, replay_safe=replay_safe, max_attempts=5) is False


def test_backoff_doubles_up_to_the_cap_and_jitter_stays_in_the_upper_half() -> None:
    assert [backoff_seconds(a, base=0.5, cap=5) for a in range(1, 7)] == [0.5, 1, 2, 4, 5, 5]
    assert add_jitter(4.0, lambda: 0.0) == 2.0
    assert add_jitter(4.0, lambda: 1.0) == 4.0


def test_retry_delay_prefers_retry_after_then_the_throttle_floor() -> None:
    policy = RetryPolicy(base_seconds=0.1, throttle_seconds=60)
    assert retry_delay(ThrottledError("x", retry_after=3.0), 1, policy) == 3.0
    assert retry_delay(ThrottledError("x"), 1, policy, lambda: 0.5) == 60
    assert retry_delay(ServerError("x"), 2, policy, lambda: 1.0) == pytest.approx(0.2)


def test_retry_after_as_seconds_or_http_date() -> None:
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("O'Brien", r"'O\'Brien'"),
        ("a\\b", r"'a\\b'"),
        ("\\'", r"'\\\''"),
        (True, "true"),
        (Decimal("10.50"), "10.50"),
        (7, "7"),
        (date(2026, 1, 2), "'2026-01-02'"),
        (datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "'2026-01-02T03:04:05+00:00'"),
        (["1", "2"], "('1', '2')"),
    ],
)
def test_quote(value: qbo._query.Literal, expected: str) -> None:
    assert quote(value) == expected


def test_quote_refuses_floats_naive_datetimes_and_empty_lists() -> None:
    bad: object
    for bad in (1.5, datetime(2026, 1, 1), []):
        with pytest.raises((TypeError, ValueError)):
            quote(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        sql("Id = ? AND Name = ?", "1")


def test_page_statement_orders_by_id_and_refuses_manual_paging() -> None:
    assert page_statement("SELECT * FROM Item", 1001, 1000) == (
        "SELECT * FROM Item ORDERBY Id STARTPOSITION 1001 MAXRESULTS 1000"
    )
    assert "ORDERBY Id" not in page_statement("SELECT * FROM Item ORDER BY Name", 1, 10)
    with pytest.raises(ValueError):
        page_statement("SELECT * FROM Item MAXRESULTS 5", 1, 10)


def test_decimals_are_written_as_json_numbers() -> None:
    assert dumps({"Amount": Decimal("1.10"), "Note": "\x00 stays a string"}) == (
        '{"Amount":1.10,"Note":"\\u0000 stays a string"}'
    )


def test_environments_map_to_hosts() -> None:
    prod = Endpoints.for_environment(Environment.PRODUCTION)
    assert prod.api == "https://quickbooks.api.intuit.com/v3"
    assert prod.token == "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"
    assert prod.revoke == "https://developer.api.intuit.com/v2/oauth2/tokens/revoke"
    assert prod.authorize == "https://appcenter.intuit.com/connect/oauth2"
    assert (
        Endpoints.for_environment(Environment.INTUIT_SANDBOX).api
        == "https://sandbox-quickbooks.api.intuit.com/v3"
    )
    local = Endpoints.for_environment(Environment.LOCAL, "http://127.0.0.1:8765/")
    assert local.api == "http://127.0.0.1:8765/v3"
    assert local.token == "http://127.0.0.1:8765/oauth2/v1/tokens/bearer"
    with pytest.raises(ConfigurationError):
        Endpoints.for_environment(Environment.LOCAL)


def test_configuration_from_environment() -> None:
    env = {
        "LAWSYNC_QBO_ENV": "production",
        "LAWSYNC_QBO_CLIENT_ID": "id",
        "LAWSYNC_QBO_CLIENT_SECRET": "s",
    }
    config = QuickBooksConfig.from_env(env)
    assert config.environment is Environment.PRODUCTION and config.minor_version == 75
    assert "client_secret" not in repr(config)
    with pytest.raises(ConfigurationError):
        QuickBooksConfig.from_env({**env, "LAWSYNC_QBO_MINOR_VERSION": "70"})
    with pytest.raises(ConfigurationError) as caught:
        token_cipher_for(config.environment, config.secret_key)
    assert "LAWSYNC_SECRET_KEY" in str(caught.value)
    assert isinstance(token_cipher_for("local", None), TokenCipher)


def test_encrypted_store_round_trips_and_hides_tokens(tmp_path: Path) -> None:
    tokens = TokenSet(
        realm_id="9130000000000001",
        access_token="access-SECRET",
        refresh_token="refresh-SECRET",
        expires_at=time.time() + 3600,
        hard_expires_at=1.0,
    )
    store = EncryptedFileTokenStore(tmp_path, TokenCipher("a long random operator secret"))
    asyncio.run(store.save(tokens))
    raw = (tmp_path / "9130000000000001.token").read_bytes()
    assert b"SECRET" not in raw
    assert asyncio.run(store.load("9130000000000001")) == tokens
    other = EncryptedFileTokenStore(tmp_path, TokenCipher("another secret"))
    with pytest.raises(ConfigurationError):
        asyncio.run(other.load("9130000000000001"))
    asyncio.run(store.delete("9130000000000001"))
    assert asyncio.run(store.load("9130000000000001")) is None


def test_rolling_window_counts_uses_in_progress_and_spaces_the_rest() -> None:
    async def scenario() -> list[float]:
        window = RollingWindow(cap=3, seconds=0.3)
        started = time.monotonic()
        times = []

        async def use() -> None:
            await window.acquire()
            times.append(time.monotonic() - started)
            await asyncio.sleep(0.05)
            window.release()

        await asyncio.gather(*(use() for _ in range(7)))
        return sorted(times)

    times = asyncio.run(scenario())
    assert max(times[:3]) < 0.05
    assert min(times[3:6]) >= 0.3  # the 4th waits until the 1st leaves the window
    assert times[6] >= 0.6
