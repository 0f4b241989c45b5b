"""Benchmark of the QBO sandbox over real HTTP (loopback), server in its own process.

Run:  .venv/bin/python bench/sandbox_bench.py [--rows 1000] [--samples 300]

Measures single-entity create and read latency (p50/p95), a 1,000-row query, and
10 concurrent clients: once with limits raised (expect no errors at all) and once
with QBO's default limits (expect only 429 ThrottleExceeded beyond the limit).

Each latency is measured with two clients on the same server, in alternation: httpx (what
the project's tools use; its own CPU is a large part of a sub-millisecond call) and a lean
keep-alive ``http.client`` connection (closer to the server's own latency). Where Linux
shows it (``/proc/PID/task/*/schedstat``), the server process's CPU time per request is
reported too; unlike wall time, other load on the machine barely moves it.
"""

from __future__ import annotations

import argparse
import glob
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

CLIENT = {"name": "bench", "client_id": "bench", "client_secret": "bench", "redirect_uris": []}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "lawsync.sandbox", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/_sandbox/openapi.json", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("sandbox did not start")


def company(root: httpx.Client, **limits: Any) -> tuple[str, dict[str, str]]:
    realm = root.post("/_sandbox/companies", json={"name": "Bench Firm"}).json()["realm_id"]
    if limits:
        root.patch(f"/_sandbox/companies/{realm}", json={"limits": limits}).raise_for_status()
    token = root.post(f"/_sandbox/companies/{realm}/tokens", json={"client_id": "bench"}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}", "Accept": "application/json"}
    return realm, headers


def ms(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return statistics.median(ordered) * 1000, p95 * 1000


def server_cpu(pid: int) -> float | None:
    """CPU seconds the server process has used, all threads; None where Linux does not say."""
    files = glob.glob(f"/proc/{pid}/task/*/schedstat")
    if not files:
        return None
    total = 0
    for name in files:
        try:
            with open(name) as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return total / 1e9


class Lean:
    """The same calls as the httpx client, over one keep-alive ``http.client`` connection."""

    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        parts = urlsplit(base_url)
        self.conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port)
        self.prefix = parts.path.rstrip("/")
        self.headers = headers

    def call(
        self, method: str, path: str, params: dict[str, str], body: Any = None
    ) -> tuple[int, bytes]:
        url = f"{self.prefix}{path}?{urlencode(params)}" if params else f"{self.prefix}{path}"
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.conn.request(method, url, body=data, headers=headers)
        response = self.conn.getresponse()
        return response.status, response.read()

    def close(self) -> None:
        self.conn.close()


class Httpx:
    """The bench's httpx client, answering as ``Lean`` does."""

    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        self.client = httpx.Client(base_url=base_url, headers=headers, timeout=60)

    def call(
        self, method: str, path: str, params: dict[str, str], body: Any = None
    ) -> tuple[int, bytes]:
        response = self.client.request(method, path, params=params, json=body)
        return response.status_code, response.content

    def close(self) -> None:
        self.client.close()


CLIENTS = ("httpx", "http.client")


class Probe:
    """Wall time of each call, and the server's CPU time over the same calls."""

    def __init__(self, pid: int | None) -> None:
        self.pid = pid
        self.walls: dict[str, list[float]] = {}
        self.cpu: dict[str, list[float]] = {}

    def call(
        self,
        key: str,
        client: Lean | Httpx,
        method: str,
        path: str,
        params: dict[str, str],
        body: Any = None,
    ) -> bytes:
        before = server_cpu(self.pid) if self.pid else None
        t0 = time.perf_counter()
        status, content = client.call(method, path, params, body)
        wall = time.perf_counter() - t0
        after = server_cpu(self.pid) if self.pid else None
        self.walls.setdefault(key, []).append(wall)
        if before is not None and after is not None:
            self.cpu.setdefault(key, []).append(after - before)
        assert status == 200, content
        return content

    def row(self, name: str) -> list[float | None]:
        out: list[float | None] = []
        for client in CLIENTS:
            out.extend(ms(self.walls[f"{name}|{client}"]))
        cpu = [x for client in CLIENTS for x in self.cpu.get(f"{name}|{client}", [])]
        out.append(statistics.median(cpu) * 1000 if cpu else None)
        return out


def bench_single(url: str, samples: int, probe: Probe) -> list[str]:
    with httpx.Client(base_url=url, timeout=30) as root:
        realm, headers = company(root, per_window=10**9)
    api_url = f"{url}/v3/company/{realm}"
    clients: dict[str, Lean | Httpx] = {
        "httpx": Httpx(api_url, headers),
        "http.client": Lean(api_url, headers),
    }
    params = {"minorversion": "75"}
    warmup = clients["httpx"].call("POST", "/customer", params, {"DisplayName": "Warmup"})[1]
    cust = json.loads(warmup)["Customer"]
    body = {
        "CustomerRef": {"value": cust["Id"]},
        "Line": [
            {
                "Amount": 250,
                "DetailType": "SalesItemLineDetail",
                "SalesItemLineDetail": {"ItemRef": {"value": "2"}, "Qty": 1, "UnitPrice": 250},
            }
        ],
    }
    for n in range(samples):
        # The two clients take turns, so that a change of load on the machine hits both alike.
        for kind in CLIENTS if n % 2 == 0 else reversed(CLIENTS):
            client = clients[kind]
            name = {"DisplayName": f"C{n}-{kind}"}
            probe.call(f"create Customer|{kind}", client, "POST", "/customer", params, name)
            probe.call(f"read Customer|{kind}", client, "GET", f"/customer/{cust['Id']}", params)
            probe.call(f"create Invoice|{kind}", client, "POST", "/invoice", params, body)
    for client in clients.values():
        client.close()
    return ["create Customer", "read Customer", "create Invoice"]


def bench_query(url: str, rows: int, probe: Probe) -> list[str]:
    with httpx.Client(base_url=url, timeout=60) as root:
        realm, headers = company(root, per_window=10**9, batches_per_window=10**9)
        api = httpx.Client(base_url=f"{url}/v3/company/{realm}", headers=headers, timeout=60)
        cust = api.post("/customer", json={"DisplayName": "Query Owner"}).json()["Customer"]
        for start in range(0, rows, 30):
            items = []
            for n in range(start, min(rows, start + 30)):
                items.append(
                    {
                        "bId": f"c{n}",
                        "operation": "create",
                        "Customer": {"DisplayName": f"Q{n:05d}"},
                    }
                )
            api.post("/batch", json={"BatchItemRequest": items}).raise_for_status()
            inv_items = [
                {
                    "bId": f"i{n}",
                    "operation": "create",
                    "Invoice": {
                        "CustomerRef": {"value": cust["Id"]},
                        "Line": [
                            {
                                "Amount": 100,
                                "DetailType": "SalesItemLineDetail",
                                "SalesItemLineDetail": {},
                            }
                        ],
                    },
                }
                for n in range(start, min(rows, start + 30))
            ]
            api.post("/batch", json={"BatchItemRequest": inv_items}).raise_for_status()
        api.close()
    api_url = f"{url}/v3/company/{realm}"
    clients: dict[str, Lean | Httpx] = {
        "httpx": Httpx(api_url, headers),
        "http.client": Lean(api_url, headers),
    }
    names = []
    for entity in ("Customer", "Invoice"):
        q = {"query": f"SELECT * FROM {entity} STARTPOSITION 1 MAXRESULTS 1000"}
        name = f"query 1,000 {entity} rows"
        for n in range(40):
            kind = CLIENTS[n % 2]
            content = probe.call(f"{name}|{kind}", clients[kind], "GET", "/query", q)
            assert len(json.loads(content)["QueryResponse"][entity]) == 1000
        names.append(name)
    for client in clients.values():
        client.close()
    return names


def bench_concurrent(url: str, raised: bool, per_client: int = 60) -> tuple[Counter[int], float]:
    with httpx.Client(base_url=url, timeout=30) as root:
        limits = {"per_window": 10**9} if raised else {}
        realm, headers = company(root, **limits)
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def client(n: int) -> None:
        with httpx.Client(base_url=f"{url}/v3/company/{realm}", headers=headers, timeout=30) as api:
            for i in range(per_client):
                if i % 3 == 0:
                    r = api.post("/customer", json={"DisplayName": f"T{n}-{i}"})
                elif i % 3 == 1:
                    r = api.get("/query", params={"query": "SELECT * FROM Customer MAXRESULTS 20"})
                else:
                    r = api.get("/preferences")
                with lock:
                    statuses[r.status_code] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(10)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses, time.perf_counter() - t0


def server_stack() -> str:
    """Which event loop and HTTP parser uvicorn picks here (it takes uvloop and httptools when
    they are installed)."""
    import importlib.util

    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    parser = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return f"server: uvicorn + {loop} + {parser}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()
    port = free_port()
    proc = start_server(port)
    url = f"http://127.0.0.1:{port}"
    try:
        httpx.post(f"{url}/_sandbox/apps", json=CLIENT).raise_for_status()
        probe = Probe(proc.pid)
        names = bench_single(url, args.samples, probe)
        names += bench_query(url, args.rows, probe)
        print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {server_stack()}")
        print(
            "| operation | httpx p50 ms | httpx p95 ms | http.client p50 ms | http.client p95 ms "
            "| server CPU ms/request (p50) |"
        )
        print("|---|---|---|---|---|---|")
        for name in names:
            cells = [f"{x:.2f}" if x is not None else "n/a" for x in probe.row(name)]
            print(f"| {name} | {' | '.join(cells)} |")
        for raised in (True, False):
            statuses, elapsed = bench_concurrent(url, raised)
            label = "limits raised" if raised else "default limits (500/min, 10 concurrent)"
            total = sum(statuses.values())
            print(
                f"10 concurrent clients, {label}: {total} requests in {elapsed:.2f} s, "
                f"statuses {dict(sorted(statuses.items()))}"
            )
            unexpected = {s: c for s, c in statuses.items() if s not in (200, 429)}
            if unexpected or (raised and statuses.get(429)):
                raise SystemExit(f"unexpected statuses: {dict(statuses)}")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
