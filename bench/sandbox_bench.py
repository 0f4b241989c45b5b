"""Benchmark of the QBO sandbox over real HTTP (loopback), server in its own process.

Run:  .venv/bin/python bench/sandbox_bench.py [--rows 1000] [--samples 300]

Measures single-entity create and read latency (p50/p95), a 1,000-row query, and
10 concurrent clients: once with limits raised (expect no errors at all) and once
with QBO's default limits (expect only 429 ThrottleExceeded beyond the limit).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from typing import Any

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


def timed(fn: Any) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def bench_single(url: str, samples: int) -> dict[str, tuple[float, float]]:
    with httpx.Client(base_url=url, timeout=30) as root:
        realm, headers = company(root, per_window=10**9)
        api = httpx.Client(base_url=f"{url}/v3/company/{realm}", headers=headers, timeout=30)
        params = {"minorversion": "75"}
        cust = api.post("/customer", json={"DisplayName": "Warmup"}, params=params).json()[
            "Customer"
        ]
        creates, reads, inv_creates = [], [], []
        for n in range(samples):
            dt, r = timed(
                lambda n=n: api.post("/customer", json={"DisplayName": f"C{n}"}, params=params)
            )
            assert r.status_code == 200, r.text
            creates.append(dt)
            dt, r = timed(lambda: api.get(f"/customer/{cust['Id']}", params=params))
            assert r.status_code == 200
            reads.append(dt)
            body = {
                "CustomerRef": {"value": cust["Id"]},
                "Line": [
                    {
                        "Amount": 250,
                        "DetailType": "SalesItemLineDetail",
                        "SalesItemLineDetail": {
                            "ItemRef": {"value": "2"},
                            "Qty": 1,
                            "UnitPrice": 250,
                        },
                    }
                ],
            }
            dt, r = timed(lambda body=body: api.post("/invoice", json=body, params=params))
            assert r.status_code == 200, r.text
            inv_creates.append(dt)
        api.close()
        return {
            "create Customer": ms(creates),
            "read Customer": ms(reads),
            "create Invoice": ms(inv_creates),
        }


def bench_query(url: str, rows: int) -> dict[str, tuple[float, float]]:
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
        out = {}
        for entity in ("Customer", "Invoice"):
            q = {"query": f"SELECT * FROM {entity} STARTPOSITION 1 MAXRESULTS 1000"}
            samples = []
            for _ in range(20):
                dt, r = timed(lambda q=q: api.get("/query", params=q))
                assert len(r.json()["QueryResponse"][entity]) == 1000
                samples.append(dt)
            out[f"query 1,000 {entity} rows"] = ms(samples)
        api.close()
        return out


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
        results = bench_single(url, args.samples)
        results.update(bench_query(url, args.rows))
        print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
        print("| operation | p50 ms | p95 ms |")
        print("|---|---|---|")
        for name, (p50, p95) in results.items():
            print(f"| {name} | {p50:.2f} | {p95:.2f} |")
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
