"""Limits, outages, timeouts and idempotent retries, against the sandbox over HTTP."""

from __future__ import annotations

import asyncio
import threading
import time

import aiohttp
import pytest
from aiohttp import web

from lawsync.quickbooks import (
    BatchOperation,
    Customer,
    NetworkError,
    Pacer,
    Pacing,
    RetryPolicy,
    ServerError,
    Timeouts,
    TransientError,
    sql,
)
from tests.sandbox.sandbox_support import free_port

from .conftest import Company, run

SCALED = {"per_window": 30, "concurrent": 3, "batches_per_window": 2, "window_seconds": 1.5}


def _names(prefix: str, n: int) -> list[str]:
    return [f"{prefix} {i:03d}" for i in range(n)]


async def _count(company: Company, prefix: str) -> int:
    async with company.client() as qb:
        return await qb.count(company.realm, Customer, sql("DisplayName LIKE ?", f"{prefix}%"))


def test_a_client_told_the_limits_never_sees_a_429(company: Company) -> None:
    company.patch(limits=SCALED)
    pacing = Pacing(per_window=30, concurrent=3, batches_per_window=2, window_seconds=1.5)

    async def scenario() -> None:
        async with company.client(pacing=pacing) as qb:
            await asyncio.gather(
                *(
                    qb.create(company.realm, Customer(DisplayName=name))
                    for name in _names("Paced", 40)
                )
            )
            batches = [
                [BatchOperation.query("SELECT * FROM Customer MAXRESULTS 1")] for _ in range(4)
            ]
            results = await asyncio.gather(*(qb.batch(company.realm, ops) for ops in batches))
            assert all(r[0].ok for r in results)

    started = time.monotonic()
    run(scenario())
    assert 429 not in company.statuses()
    assert time.monotonic() - started >= 1.5  # 44 requests cannot fit in one 1.5 s window of 30
    company.patch(
        limits={"per_window": 500, "concurrent": 10, "batches_per_window": 40, "window_seconds": 60}
    )
    assert run(_count(company, "Paced")) == 40


def test_clients_given_one_pacer_keep_to_the_limits_together(company: Company) -> None:
    """Pass after pass a worker opens a new client; sharing the pacer, the second client
    waits for what the first one spent instead of meeting a 429."""
    company.patch(limits=SCALED)
    pacing = Pacing(per_window=30, concurrent=3, batches_per_window=2, window_seconds=1.5)
    shared = Pacer(pacing)

    async def one_client(n: int) -> None:
        async with company.client(pacing=pacing, pacer=shared) as qb:
            assert qb.pacer is shared
            await asyncio.gather(
                *(qb.create(company.realm, Customer(DisplayName=x)) for x in _names(f"S{n}-", 20))
            )

    async def scenario() -> None:
        await one_client(1)
        await one_client(2)  # 20 more: only 10 fit in what is left of the window

    run(scenario())
    assert 429 not in company.statuses()
    company.patch(
        limits={"per_window": 500, "concurrent": 10, "batches_per_window": 40, "window_seconds": 60}
    )
    assert run(_count(company, "S")) == 40


def test_a_client_not_told_the_limits_recovers_without_losing_or_duplicating_writes(
    company: Company,
) -> None:
    company.patch(limits=SCALED)
    retry = RetryPolicy(base_seconds=0.05, cap_seconds=0.5, budget_seconds=30, throttle_seconds=0.3)

    async def scenario() -> None:
        async with company.client(retry=retry) as qb:  # default pacing: 500/min, 10 in flight
            created = await asyncio.gather(
                *(
                    qb.create(company.realm, Customer(DisplayName=name))
                    for name in _names("Unpaced", 40)
                )
            )
            assert len({c.Id for c in created}) == 40

    run(scenario())
    assert company.statuses().count(429) > 0
    company.patch(
        limits={"per_window": 500, "concurrent": 10, "batches_per_window": 40, "window_seconds": 60}
    )
    assert run(_count(company, "Unpaced")) == 40


def _end_outage_after(company: Company, seconds: float) -> threading.Timer:
    timer = threading.Timer(seconds, lambda: company.patch(outage="none"))
    timer.start()
    return timer


@pytest.mark.parametrize("outage", ["http_503", "gateway_500"])
def test_an_outage_of_a_few_seconds_is_ridden_out(company: Company, outage: str) -> None:
    company.patch(outage=outage)
    timer = _end_outage_after(company, 3.0)
    retry = RetryPolicy(base_seconds=0.2, cap_seconds=1.0, budget_seconds=20, max_attempts=30)

    async def scenario() -> None:
        async with company.client(retry=retry) as qb:
            read, made = await asyncio.gather(
                qb.company_info(company.realm),
                qb.create(company.realm, Customer(DisplayName=f"Outage survivor {outage}")),
            )
            assert read.CompanyName and made.Id

    run(scenario())
    timer.join()
    statuses = company.statuses()
    assert statuses.count(503 if outage == "http_503" else 500) >= 2
    assert statuses[-2:] == [200, 200]
    assert run(_count(company, f"Outage survivor {outage}")) == 1


def test_the_time_budget_ends_a_call_during_a_long_outage(company: Company) -> None:
    company.patch(outage="http_503")
    retry = RetryPolicy(base_seconds=0.1, cap_seconds=0.4, budget_seconds=1.5, max_attempts=100)

    async def scenario() -> None:
        async with company.client(retry=retry) as qb:
            with pytest.raises(ServerError) as caught:
                await qb.company_info(company.realm)
            assert caught.value.http_status == 503
            assert isinstance(caught.value, TransientError)
            assert "503" in caught.value.message

    started = time.monotonic()
    try:
        run(scenario())
    finally:
        company.patch(outage="none")
    assert 1.0 <= time.monotonic() - started < 4.0  # gave up at its budget, not before


class SlowFirstWrite:
    """A loopback proxy to the sandbox that answers the first POST only after a delay."""

    def __init__(self, upstream: str, delay: float) -> None:
        self.upstream = upstream
        self.delay = delay
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.posts = 0

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        async with (
            aiohttp.ClientSession() as session,
            session.request(
                request.method,
                self.upstream + request.path_qs,
                headers={k: v for k, v in request.headers.items() if k.lower() != "host"},
                data=body,
            ) as upstream,
        ):
            payload = await upstream.read()
            status = upstream.status
        if request.method == "POST" and "/customer" in request.path:
            self.posts += 1
            if self.posts == 1:
                await asyncio.sleep(self.delay)  # the write is done upstream; the answer is late
        return web.Response(body=payload, status=status, content_type="application/json")

    async def start(self) -> web.AppRunner:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.port).start()
        return runner


def test_a_write_retried_after_a_timeout_with_the_same_requestid_creates_one_entity(
    company: Company,
) -> None:
    async def scenario() -> None:
        proxy = SlowFirstWrite(company.sandbox.url, delay=1.5)
        runner = await proxy.start()
        try:
            async with company.client(
                base_url=proxy.url, timeouts=Timeouts(connect=2, read=0.5)
            ) as qb:
                made = await qb.create(
                    company.realm,
                    Customer(DisplayName="Timed Out Once LLP"),
                    requestid="engine-customer-42-r1",
                )
                assert made.Id
        finally:
            await runner.cleanup()
        assert proxy.posts == 2

    run(scenario())
    assert type(company.events[0].error).__name__ == "RequestTimeoutError"
    assert company.events[-1].status == 200
    assert run(_count(company, "Timed Out Once LLP")) == 1


def test_the_same_requestid_replays_the_first_answer(company: Company) -> None:
    async def scenario() -> None:
        async with company.client() as qb:
            first = await qb.create(
                company.realm, Customer(DisplayName="Replay Ltd"), requestid="r-1"
            )
            second = await qb.create(
                company.realm, Customer(DisplayName="Replay Ltd"), requestid="r-1"
            )
            assert first.Id == second.Id
            with pytest.raises(ValueError):
                await qb.create(company.realm, Customer(DisplayName="x"), requestid="r" * 51)

    run(scenario())


def test_an_unreachable_server_is_a_network_error_within_the_budget(company: Company) -> None:
    retry = RetryPolicy(base_seconds=0.05, cap_seconds=0.2, budget_seconds=0.8, max_attempts=50)

    async def scenario() -> None:
        dead = f"http://127.0.0.1:{free_port()}"
        async with company.client(base_url=dead, retry=retry) as qb:
            with pytest.raises(NetworkError) as caught:
                await qb.create(company.realm, Customer(DisplayName="Nowhere"), requestid="n-1")
            assert caught.value.sent is False
            assert isinstance(caught.value, TransientError)

    run(scenario())
    assert len(company.events) > 2


def test_default_policy_outlasts_a_twenty_second_outage() -> None:
    """The least total wait of the default policy's retries exceeds 20 s (jitter at its lowest)."""
    from lawsync.quickbooks._retry import backoff_seconds

    policy = RetryPolicy()
    least = sum(
        backoff_seconds(a, base=policy.base_seconds, cap=policy.cap_seconds) / 2
        for a in range(1, policy.max_attempts)
    )
    assert least > 20
    assert policy.budget_seconds > 20
