"""The queued mode under test: the shared ledger deferring passes, `lawsync worker` processes
running them against the test sandbox, and what the job table holds.

The queued mode exists on PostgreSQL only; on SQLite its tests are skipped with that reason
(CI sets LAWSYNC_TEST_POSTGRES_URL, so they run there).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from lawsync.cli import app
from lawsync.practice.services.context import Ledger
from lawsync.sync import enqueue
from tests.quickbooks.conftest import Sandbox

ROOT = Path(__file__).resolve().parents[2]
PASS_LINE = re.compile(r"pass firm=(\d+) company=(\S+) records=(\d+) failed=(\d+) requests=(\d+)")


def needs_postgresql(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the queued sync mode runs on PostgreSQL only (its jobs live there)")


@contextmanager
def deferring(ledger: Ledger, engine: Engine) -> Iterator[None]:
    """The shared ledger's commits defer passes (as `LAWSYNC_SYNC_MODE=queue` makes them),
    starting from an empty job table. Firms connected by earlier tests in this database are
    set aside while it runs (their connections inactive): a worker's periodic jobs visit every
    connected company, and theirs are not this test's to sync."""
    with engine.begin() as conn:
        earlier = list(conn.execute(text("SELECT id FROM qbo_connections WHERE active")).scalars())
        conn.execute(text("UPDATE qbo_connections SET active = FALSE WHERE active"))
    clear_jobs(engine)
    enqueue.install(ledger)
    try:
        yield
    finally:
        enqueue.uninstall(ledger)
        clear_jobs(engine)
        with engine.begin() as conn:
            for ident in earlier:
                conn.execute(
                    text("UPDATE qbo_connections SET active = TRUE WHERE id = :id"), {"id": ident}
                )


def clear_jobs(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM procrastinate_jobs"))
        conn.execute(text("DELETE FROM procrastinate_periodic_defers"))
        conn.execute(text("DELETE FROM procrastinate_workers"))


def jobs(engine: Engine, where: str = "TRUE", **params: object) -> list[dict[str, object]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT id, task_name, status::text AS status, lock, queueing_lock, args"
                f" FROM procrastinate_jobs WHERE {where} ORDER BY id"
            ),
            params,
        )
        return [dict(r._mapping) for r in rows]


def pass_jobs(engine: Engine, firm_id: int, status: str | None = None) -> list[dict[str, object]]:
    found = jobs(engine, "queueing_lock = :lock", lock=f"firm:{firm_id}")
    return [j for j in found if status is None or j["status"] == status]


def env_for(database_url: str, sandbox: Sandbox) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("LAWSYNC_") or k.endswith("_URL")
    }
    env.update(
        LAWSYNC_DATABASE_URL=database_url,
        LAWSYNC_QBO_BASE_URL=sandbox.url,
        LAWSYNC_SYNC_MODE="queue",
        PYTHONPATH=str(ROOT / "src"),
    )
    return env


def connect_firm(firm_id: int, database_url: str, sandbox: Sandbox) -> str:
    """Connect the firm to a new company of the test sandbox as a user would; its realm id."""
    env = {"LAWSYNC_DATABASE_URL": database_url, "LAWSYNC_QBO_BASE_URL": sandbox.url}
    done = CliRunner().invoke(
        app, ["quickbooks", "connect", "--firm", str(firm_id), "--sandbox"], env=env
    )
    assert done.exit_code == 0, done.output
    found = re.search(r"realm id: (\S+)", done.output)
    assert found, done.output
    return found.group(1)


def slow(sandbox: Sandbox, realm: str, latency_ms: int) -> None:
    """A company that answers each request after ``latency_ms``, so a pass takes a while."""
    sandbox.control.patch(
        f"/_sandbox/companies/{realm}", json={"latency_ms": latency_ms}
    ).raise_for_status()


@dataclass
class Worker:
    """A `lawsync worker` process; its log is kept in a file."""

    process: subprocess.Popen[bytes]
    log_path: Path
    name: str
    _log: object = field(repr=False, default=None)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def passes(self) -> list[tuple[int, str, int, int]]:
        """(firm, company, records, requests) of each pass it logged."""
        return [(int(m[1]), m[2], int(m[3]), int(m[5])) for m in PASS_LINE.finditer(self.log())]

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(10)

    def terminate(self, timeout: float = 30) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout)

    def alive(self) -> bool:
        return self.process.poll() is None


def start_worker(env: dict[str, str], name: str, *extra: str, concurrency: int = 10) -> Worker:
    log_path = Path(tempfile.mkstemp(prefix=f"worker-{name}-", suffix=".log")[1])
    out = log_path.open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lawsync.cli",
            "worker",
            "--concurrency",
            str(concurrency),
            "--name",
            name,
            "--stalled-after",
            "6",
            "--lease-seconds",
            "3",
            *extra,
        ],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    worker = Worker(process, log_path, name, out)
    wait_for(lambda: "up to" in worker.log() or not worker.alive(), 120, "the worker to start")
    assert worker.alive(), worker.log()
    return worker


@contextmanager
def workers(env: dict[str, str], *names: str, **kw: object) -> Iterator[list[Worker]]:
    started: list[Worker] = []
    try:
        for name in names:
            started.append(start_worker(env, name, **kw))  # type: ignore[arg-type]
        yield started
    finally:
        for w in started:
            if w.alive():
                w.kill()


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)
