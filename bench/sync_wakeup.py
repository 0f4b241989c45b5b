"""Wake-up latency: from approving a bill in the API to its invoice existing in the sandbox.

    .venv/bin/python -m bench.sync_wakeup [--bills 20]

Runs `lawsync serve` as a user would (its own process, SQLite, the bundled sandbox under /qbo,
the sync worker on), connects a firm with `lawsync quickbooks connect --sandbox`, then approves
bills one at a time through the JSON API and polls the sandbox every 10 ms for the invoice.
Target: within 2 s (a wake-up, not a timer: the worker's safety pass runs every 5 minutes).
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "lawsync.cli", *args],
        env=env,
        text=True,
        capture_output=True,
        check=True,
    )
    return done.stdout


@dataclass
class Served:
    """`lawsync serve` running with a firm connected to a sandbox company of its own."""

    url: str
    env: dict[str, str]
    realm: str
    api: httpx.Client  # the firm's JSON API
    qbo: httpx.Client  # the company's QuickBooks API in the sandbox

    def control(self, method: str, path: str, body: object) -> httpx.Response:
        """The sandbox's control API (under /qbo/_sandbox)."""
        secret = {"X-Sandbox-Control-Secret": self.env["LAWSYNC_SANDBOX_CONTROL_SECRET"]}
        return httpx.request(method, f"{self.url}/qbo/_sandbox{path}", json=body, headers=secret)


@contextmanager
def served() -> Iterator[Served]:
    """Run `lawsync serve` as a user would (its own process, SQLite, the bundled sandbox, the
    worker on), make a firm and connect it with `lawsync quickbooks connect --sandbox`."""
    tmp = Path(tempfile.mkdtemp())
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "LAWSYNC_DATABASE_URL": f"sqlite:///{tmp / 'wake.db'}",
        "LAWSYNC_SANDBOX_DB": ":memory:",
        "LAWSYNC_PORT": str(port),
        "LAWSYNC_SYNC_WORKER": "1",
        "LAWSYNC_SANDBOX_CONTROL_SECRET": secrets.token_urlsafe(32),
    }
    cli(env, "migrate")
    created = cli(env, "firm", "create", "--name", "Wake LLP", "--admin-email", "w@example.com")
    fields = dict(line.split(": ", 1) for line in created.strip().splitlines())
    firm_id, token = fields["firm id"].strip(), fields["API token"].strip()
    server = subprocess.Popen(
        [sys.executable, "-m", "lawsync.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            try:
                httpx.get(f"{url}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        realm = cli(env, "quickbooks", "connect", "--firm", firm_id, "--sandbox", "--url", url)
        realm = realm.split("realm id:")[1].split()[0]
        api = httpx.Client(
            base_url=f"{url}/api/v1", timeout=30, headers={"Authorization": f"Bearer {token}"}
        )
        qbo_token = httpx.post(
            f"{url}/qbo/_sandbox/companies/{realm}/tokens",
            json={"client_id": "lawsync-local"},
            headers={"X-Sandbox-Control-Secret": env["LAWSYNC_SANDBOX_CONTROL_SECRET"]},
        ).json()["access_token"]
        qbo = httpx.Client(
            base_url=f"{url}/qbo/v3/company/{realm}",
            timeout=30,
            headers={"Authorization": f"Bearer {qbo_token}", "Accept": "application/json"},
        )
        yield Served(url, env, realm, api, qbo)
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bills", type=int, default=20)
    args = parser.parse_args()
    latencies: list[float] = []
    with served() as s:
        api, qbo = s.api, s.qbo
        mappings = {k: "1" for k in ("activity:default", "expense:default", "tax1", "tax2")}
        api.put("/quickbooks/settings", json={"export_bills": True, "item_mappings": mappings})
        client = api.post(
            "/contacts", json={"kind": "person", "first_name": "Wake", "last_name": "Test"}
        ).json()
        matter = api.post("/matters", json={"client_id": client["id"]}).json()
        for _ in range(args.bills):
            api.post(
                "/time-entries",
                json={
                    "matter_id": matter["id"],
                    "date": "2026-11-02",
                    "hours": "1.5",
                    "rate": "200",
                },
            ).raise_for_status()
            draft = api.post("/bills", json={"client_id": client["id"]}).json()
            time.sleep(0.3)  # let the pass for the draft's changes settle
            started = time.perf_counter()
            api.post(f"/bills/{draft['id']}/approve").raise_for_status()
            while True:
                found = qbo.get(
                    "/query",
                    params={
                        "query": f"SELECT * FROM Invoice WHERE DocNumber = '{draft['number']}'"
                    },
                )
                if found.json()["QueryResponse"].get("Invoice"):
                    latencies.append(time.perf_counter() - started)
                    break
                if time.perf_counter() - started > 30:
                    raise SystemExit(f"bill {draft['number']} did not arrive within 30 s")
                time.sleep(0.01)
    latencies.sort()
    table = Table(title=f"Approve → invoice in the sandbox, {len(latencies)} bills")
    table.add_column("p50")
    table.add_column("p95")
    table.add_column("max")
    table.add_column("target")
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
    table.add_row(
        f"{statistics.median(latencies) * 1000:.0f} ms",
        f"{p95 * 1000:.0f} ms",
        f"{latencies[-1] * 1000:.0f} ms",
        "< 2,000 ms",
    )
    Console().print(table)


if __name__ == "__main__":
    main()
