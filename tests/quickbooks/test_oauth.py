"""OAuth 2.0 through the client against the sandbox's own authorize, token and revoke endpoints."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from lawsync.quickbooks import (
    CompanyInfo,
    Customer,
    MemoryTokenStore,
    ReconnectNeededError,
    StateMismatchError,
    TokenSet,
)

from .conftest import CLIENT_ID, CLIENT_SECRET, Company, Sandbox, run


def test_authorize_url_carries_a_fresh_state_and_the_app(company: Company) -> None:
    async def scenario() -> tuple[str, str, str]:
        async with company.client() as qb:
            first = qb.oauth.authorization_url()
            second = qb.oauth.authorization_url()
            return first.url, first.state, second.state

    url, state, other = run(scenario())
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert url.startswith(f"{company.sandbox.url}/connect/oauth2?")
    assert query["client_id"] == CLIENT_ID
    assert query["response_type"] == "code"
    assert query["scope"] == "com.intuit.quickbooks.accounting"
    assert query["state"] == state and len(state) >= 32 and state != other


def test_code_exchange_connects_a_company_after_the_user_consents(client_sandbox: Sandbox) -> None:
    target = client_sandbox.company()

    async def scenario() -> None:
        store = MemoryTokenStore()
        async with target.client(store=store) as qb:  # no minted tokens: connect fills the store
            request = qb.oauth.authorization_url()
            query = {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}
            consent = httpx.post(
                f"{client_sandbox.url}/connect/oauth2",
                data={**query, "realm_id": target.realm, "action": "connect"},
            )
            assert consent.status_code == 302
            callback = consent.headers["location"]
            with pytest.raises(StateMismatchError):
                await qb.oauth.connect(callback, "a-state-we-never-issued")
            tokens = await qb.oauth.connect(callback, request.state)
            assert tokens.realm_id == target.realm
            assert await store.load(target.realm) == tokens
            info = await qb.company_info(target.realm)
            assert info.CompanyName == target.info["name"]

    run(scenario())


def test_denied_consent_is_reconnect_needed(company: Company) -> None:
    async def scenario() -> None:
        async with company.client() as qb:
            request = qb.oauth.authorization_url()
            with pytest.raises(ReconnectNeededError):
                await qb.oauth.connect(
                    {"error": "access_denied", "state": request.state}, request.state
                )

    run(scenario())


def test_a_token_that_expires_mid_run_is_refreshed_and_the_call_succeeds(
    own_sandbox: Sandbox,
) -> None:
    company = own_sandbox.company()
    original = company.tokens

    async def scenario() -> None:
        async with company.client() as qb:
            await qb.company_info(company.realm)
            own_sandbox.clock(3700)  # the access token dies on the server; the client cannot know
            info = await qb.company_info(company.realm)
            assert info.CompanyName

    run(scenario())
    assert company.statuses() == [200, 401, 200]
    stored = run(company.store.load(company.realm))
    assert stored is not None
    assert stored.access_token != original.access_token
    assert stored.refresh_token != original.refresh_token  # rotated, and the new one was kept


def test_rotated_refresh_token_is_stored_and_the_old_one_is_dead(company: Company) -> None:
    original = company.tokens

    async def scenario() -> None:
        async with company.client() as qb:
            first = await qb.oauth.refresh(company.realm)
            second = await qb.oauth.refresh(company.realm)
            assert original.refresh_token != first.refresh_token != second.refresh_token
            assert await company.store.load(company.realm) == second
            await qb.read(company.realm, CompanyInfo, company.realm)
        async with company.client(store=MemoryTokenStore(original)) as stale:
            with pytest.raises(ReconnectNeededError) as caught:
                await stale.oauth.refresh(company.realm)
            assert caught.value.code == "invalid_grant"

    run(scenario())


def test_token_near_expiry_is_refreshed_before_the_call(company: Company) -> None:
    run(
        company.store.save(
            company.tokens.with_access(company.tokens.access_token, time.time() + 30)
        )
    )

    async def scenario() -> None:
        async with company.client() as qb:
            await qb.company_info(company.realm)

    run(scenario())
    assert company.statuses() == [200]
    stored = run(company.store.load(company.realm))
    assert stored is not None and stored.access_token != company.tokens.access_token


def test_many_callers_share_one_refresh_per_company(own_sandbox: Sandbox) -> None:
    company = own_sandbox.company()

    async def scenario() -> None:
        async with company.client() as qb:
            own_sandbox.clock(3700)
            results = await asyncio.gather(*(qb.company_info(company.realm) for _ in range(8)))
            assert len(results) == 8

    run(scenario())  # with every-use rotation a second refresh of one token would be invalid_grant
    assert company.statuses().count(200) == 8


def test_revoked_consent_surfaces_as_reconnect_needed_without_endless_retries(
    company: Company,
) -> None:
    r = httpx.post(
        f"{company.sandbox.url}/v2/oauth2/tokens/revoke",
        json={"token": company.tokens.refresh_token},
        auth=(CLIENT_ID, CLIENT_SECRET),
    )
    assert r.status_code == 200

    async def scenario() -> None:
        async with company.client() as qb:
            with pytest.raises(ReconnectNeededError) as caught:
                await qb.read(company.realm, Customer, "1")
            assert caught.value.code == "invalid_grant"

    run(scenario())
    assert company.statuses() == [401]


def test_disabled_authorizing_user_is_reconnect_needed_at_once(company: Company) -> None:
    company.patch(authorizing_user_disabled=True)

    async def scenario() -> None:
        async with company.client() as qb:
            with pytest.raises(ReconnectNeededError) as caught:
                await qb.company_info(company.realm)
            assert caught.value.code == "120"
            assert caught.value.http_status == 401

    run(scenario())
    assert company.statuses() == [401]


def test_revoke_disconnects_and_forgets_the_tokens(company: Company) -> None:
    async def scenario() -> None:
        async with company.client() as qb:
            await qb.oauth.revoke(company.realm)
            assert await company.store.load(company.realm) is None
            with pytest.raises(ReconnectNeededError):
                await qb.company_info(company.realm)
        async with company.client(store=MemoryTokenStore(company.tokens)) as other:
            with pytest.raises(ReconnectNeededError):
                await other.oauth.refresh(company.realm)

    run(scenario())


def test_token_set_never_shows_its_secrets() -> None:
    tokens = TokenSet(
        realm_id="1", access_token="secret-access", refresh_token="secret-refresh", expires_at=0.0
    )
    assert "secret" not in repr(tokens)
