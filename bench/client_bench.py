"""Throughput and client CPU per request: lawsync's QuickBooks client vs python-quickbooks.

Run: ``.venv/bin/python -m bench.client_bench [--n 400]``. The sandbox runs in a separate process
with its limits lifted, so the CPU time measured here (``time.process_time`` of this process)
is the client's own cost per request: building it, the HTTP exchange on the client side, JSON
decoding and model building. Network wait is excluded because waiting costs no CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx

from lawsync.quickbooks import (
    AsyncQuickBooks,
    Customer,
    Environment,
    MemoryTokenStore,
    Pacing,
    QuickBooksConfig,
    TokenSet,
    sql,
)

CLIENT_ID = "bench-client"
CLIENT_SECRET = "bench-secret"
REDIRECT = "http://localhost:8000/callback"
REPEAT = 3  # each row is the best (least CPU) of this many rounds; the server shares the CPUs


@dataclass
class Result:
    who: str
    call: str
    mode: str
    n: int
    wall: float
    cpu: float

    def row(self, floor: Result | None = None) -> str:
        own = f"{(self.cpu / self.n - floor.cpu / floor.n) * 1000:.3f}" if floor else "-"
        return (
            f"| {self.who} | {self.call} | {self.mode} | {self.n} | {self.n / self.wall:,.0f} | "
            f"{self.cpu / self.n * 1000:.3f} | {own} |"
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_sandbox(port: int) -> subprocess.Popen[bytes]:
    code = (
        "import uvicorn; from lawsync.sandbox.app import create_app; "
        f"uvicorn.run(create_app(), host='127.0.0.1', port={port}, log_level='warning')"
    )
    proc = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/_sandbox/openapi.json", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the sandbox did not start")


def register_app(url: str) -> None:
    with httpx.Client(base_url=url, timeout=10) as http:
        app = {
            "name": "bench",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": [REDIRECT],
        }
        http.post("/_sandbox/apps", json=app).raise_for_status()


def new_company(url: str, name: str) -> tuple[str, dict[str, Any]]:
    """A fresh company with limits lifted, so every client starts from the same data size."""
    with httpx.Client(base_url=url, timeout=10) as http:
        company = http.post("/_sandbox/companies", json={"name": name, "edition": "plus"}).json()
        realm = company["realm_id"]
        limits = {"per_window": 10**9, "concurrent": 10**6, "batches_per_window": 10**9}
        http.patch(f"/_sandbox/companies/{realm}", json={"limits": limits}).raise_for_status()
        tokens = http.post(
            f"/_sandbox/companies/{realm}/tokens", json={"client_id": CLIENT_ID}
        ).json()
        return realm, tokens


async def measure_async(
    who: str, call: str, mode: str, n: int, op: Callable[[int], Awaitable[object]], in_flight: int
) -> Result:
    for i in range(20):  # warm up: connections, caches
        await op(i)
    sem = asyncio.Semaphore(in_flight)

    async def one(i: int) -> None:
        async with sem:
            await op(i)

    rounds = []
    for _ in range(REPEAT):
        cpu, wall = time.process_time(), time.perf_counter()
        if in_flight == 1:
            for i in range(n):
                await op(i)
        else:
            await asyncio.gather(*(one(i) for i in range(n)))
        rounds.append(
            Result(who, call, mode, n, time.perf_counter() - wall, time.process_time() - cpu)
        )
    return min(rounds, key=lambda r: r.cpu)


def measure_sync(who: str, call: str, n: int, op: Callable[[int], object]) -> Result:
    for i in range(20):
        op(i)
    rounds = []
    for _ in range(REPEAT):
        cpu, wall = time.process_time(), time.perf_counter()
        for i in range(n):
            op(i)
        rounds.append(
            Result(
                who, call, "sequential", n, time.perf_counter() - wall, time.process_time() - cpu
            )
        )
    return min(rounds, key=lambda r: r.cpu)


async def lawsync_runs(url: str, realm: str, tokens: dict[str, Any], n: int) -> list[Result]:
    config = QuickBooksConfig(
        environment=Environment.LOCAL,
        base_url=url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        pacing=Pacing(enabled=False),
    )
    store = MemoryTokenStore(TokenSet.from_response(realm, tokens))
    results = []
    async with AsyncQuickBooks(config, store) as qb:
        target = await qb.create(realm, Customer(DisplayName="Bench Reader"))
        assert target.Id
        ident = target.Id
        where = sql("DisplayName = ?", "Bench Reader")
        calls: dict[str, Callable[[int], Awaitable[object]]] = {
            "read customer": lambda i: qb.read(realm, Customer, ident),
            "query": lambda i: qb.query_page(realm, f"SELECT * FROM Customer WHERE {where}"),
            "create customer": lambda i: qb.create(
                realm, Customer(DisplayName=f"Bench L{i}-{time.time_ns()}")
            ),
        }
        for call, op in calls.items():
            results.append(await measure_async("lawsync (aiohttp)", call, "sequential", n, op, 1))
            results.append(
                await measure_async("lawsync (aiohttp)", call, "10 in flight", n, op, 10)
            )
    floor_realm, floor_tokens = new_company(url, "bare transports")
    async with AsyncQuickBooks(
        config, MemoryTokenStore(TokenSet.from_response(floor_realm, floor_tokens))
    ) as qb:
        floor_target = await qb.create(floor_realm, Customer(DisplayName="Bench Reader"))
        assert floor_target.Id
    results += requests_floor_runs(url, floor_realm, floor_tokens, floor_target.Id, n)
    results += await floor_runs(url, floor_realm, floor_tokens, floor_target.Id, n)
    return results


async def floor_runs(
    url: str, realm: str, tokens: dict[str, Any], ident: str, n: int
) -> list[Result]:
    """Bare aiohttp doing the same exchange with no client around it: the transport's own cost."""
    import aiohttp

    headers = {"Authorization": f"Bearer {tokens['access_token']}", "Accept": "application/json"}
    base = f"{url}/v3/company/{realm}"
    results = []
    async with aiohttp.ClientSession() as session:

        async def read(i: int) -> object:
            async with session.get(
                f"{base}/customer/{ident}?minorversion=75", headers=headers
            ) as r:
                return json.loads(await r.read(), parse_float=Decimal)

        async def create(i: int) -> object:
            body = json.dumps({"DisplayName": f"Bench F{i}-{time.time_ns()}"})
            async with session.post(
                f"{base}/customer?minorversion=75",
                headers={**headers, "Content-Type": "application/json"},
                data=body,
            ) as r:
                return json.loads(await r.read(), parse_float=Decimal)

        for call, op in (("read customer", read), ("create customer", create)):
            results.append(
                await measure_async("bare aiohttp (floor)", call, "sequential", n, op, 1)
            )
            results.append(
                await measure_async("bare aiohttp (floor)", call, "10 in flight", n, op, 10)
            )
    return results


def requests_floor_runs(
    url: str, realm: str, tokens: dict[str, Any], ident: str, n: int
) -> list[Result]:
    """Bare requests with one session: the floor under python-quickbooks."""
    import requests

    session = requests.Session()
    headers = {"Authorization": f"Bearer {tokens['access_token']}", "Accept": "application/json"}
    base = f"{url}/v3/company/{realm}"

    def read(i: int) -> object:
        return json.loads(
            session.get(f"{base}/customer/{ident}?minorversion=75", headers=headers).text,
            parse_float=Decimal,
        )

    return [measure_sync("bare requests (floor)", "read customer", n, read)]


def python_quickbooks_runs(url: str, realm: str, tokens: dict[str, Any], n: int) -> list[Result]:
    """python-quickbooks pointed at the sandbox per qbo-ecosystem.md §3.4 (two patches)."""
    os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
    import intuitlib.config
    from intuitlib.client import AuthClient
    from quickbooks.objects.customer import Customer as PCustomer

    from quickbooks import QuickBooks as PQB

    intuitlib.config.DISCOVERY_URL["sandbox"] = f"{url}/.well-known/openid_sandbox_configuration/"
    PQB.sandbox_api_url_v3 = f"{url}/v3"
    auth = AuthClient(CLIENT_ID, CLIENT_SECRET, REDIRECT, "sandbox")
    client = PQB(
        auth_client=auth, refresh_token=tokens["refresh_token"], company_id=realm, minorversion=75
    )
    client.sandbox = True
    made = PCustomer()
    made.DisplayName = "Bench Reader PQB"
    made.PreferredDeliveryMethod = "None"  # the sandbox refuses its default "" (see README)
    made.save(qb=client)
    ident = made.Id
    calls: dict[str, Callable[[int], object]] = {
        "read customer": lambda i: PCustomer.get(ident, qb=client),
        "query": lambda i: PCustomer.query(
            "SELECT * FROM Customer WHERE DisplayName = 'Bench Reader PQB'", qb=client
        ),
        "create customer": lambda i: _pqb_create(PCustomer, client, i),
    }
    return [measure_sync("python-quickbooks (requests)", call, n, op) for call, op in calls.items()]


def _pqb_create(cls: Any, client: Any, i: int) -> object:
    c = cls()
    c.DisplayName = f"Bench P{i}-{time.time_ns()}"
    c.PreferredDeliveryMethod = "None"
    return c.save(qb=client)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=400, help="requests per measurement")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per row (best is kept)")
    args = parser.parse_args()
    global REPEAT
    REPEAT = args.repeat
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = start_sandbox(port)
    try:
        register_app(url)
        results = asyncio.run(lawsync_runs(url, *new_company(url, "lawsync client"), args.n))
        results += python_quickbooks_runs(url, *new_company(url, "python-quickbooks"), args.n)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, n={args.n} per row, "
        "sandbox in its own process\n"
    )
    print(
        "| client | call | mode | requests | requests/s | client CPU ms/req | over bare transport |"
    )
    print("|---|---|---|---|---|---|---|")
    floors = {(r.who.split()[1], r.call, r.mode): r for r in results if r.who.startswith("bare")}
    for r in results:
        transport = "aiohttp" if r.who.startswith("lawsync") else "requests"
        floor = None if r.who.startswith("bare") else floors.get((transport, r.call, r.mode))
        print(r.row(floor))


if __name__ == "__main__":
    main()
