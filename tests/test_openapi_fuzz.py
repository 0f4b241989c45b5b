"""Schemathesis against our own OpenAPI document: no server error, no answer it does not list.

A bounded run (a few examples per operation) is part of the suite, on each database, against a
server with the sync worker on and a firm filled with a realistic practice. A longer run is the
same command with more examples: ``LAWSYNC_FUZZ_EXAMPLES=50 pytest tests/test_openapi_fuzz.py``.

Every check schemathesis has runs, but one: ``positive_data_acceptance`` expects every request
the schema allows to succeed, and the ledger has rules no schema states (a payment's
allocations must add up to its amount, a person needs a first or a last name, a reversal is
dated after what it reverses); those refusals are 422s that the document does list.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from lawsync.config import Settings
from lawsync.practice.demo import fill_firm
from lawsync.practice.services.context import Ledger
from lawsync.web.app import create_app
from tests.conftest import make_firm
from tests.sandbox.sandbox_support import Server, free_port

EXAMPLES = int(os.environ.get("LAWSYNC_FUZZ_EXAMPLES", "4"))
SEED = os.environ.get("LAWSYNC_FUZZ_SEED", "20261201")
NOT_CHECKED = "positive_data_acceptance"


@pytest.fixture
def served_with_worker(
    ledger: Ledger, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    monkeypatch.setenv("LAWSYNC_SYNC_WORKER", "1")
    port = free_port()
    settings = Settings(database_url=database_url, sandbox_db=":memory:", port=port)
    server = Server(create_app(settings, ledger=ledger), port=port).start()
    yield server.url
    server.stop()


def test_the_api_gives_only_the_answers_its_document_lists(
    served_with_worker: str, ledger: Ledger, database_url: str, tmp_path: Path
) -> None:
    firm = make_firm(ledger, served_with_worker, "Fuzzed Firm LLP")
    fill_firm(ledger, firm.id)
    st = Path(sys.executable).with_name("st")
    run = subprocess.run(
        [
            str(st),
            "run",
            f"{served_with_worker}/openapi.json",
            "--checks",
            "all",
            "--exclude-checks",
            NOT_CHECKED,
            # Revoking the run's own token would leave every later operation a 401; the
            # revoke route has tests of its own (tests/test_tokens.py).
            "--exclude-name",
            "DELETE /api/v1/tokens/{token_id}",
            "--header",
            f"Authorization: Bearer {firm.token}",
            "--max-examples",
            str(EXAMPLES),
            "--phases",
            "examples,coverage,fuzzing",
            "--suppress-health-check",
            "filter_too_much,too_slow",
            "--seed",
            SEED,
            "--workers",
            "1",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=1200,
        cwd=tmp_path,
        env={**os.environ, "SCHEMATHESIS_HOOKS": ""},
    )
    report = run.stdout[-20000:] + run.stderr[-5000:]
    keep = os.environ.get("LAWSYNC_FUZZ_REPORT")
    if keep:  # e.g. to quote a long run's figures
        backend = database_url.split(":")[0].split("+")[0]
        Path(f"{keep}.{backend}.txt").write_text(run.stdout)
    assert run.returncode == 0, report
    assert "0 failures" in report or "passed" in report, report


def test_every_operation_documents_every_refusal_in_the_one_error_shape(server_url: str) -> None:
    import httpx

    spec = httpx.get(f"{server_url}/openapi.json").json()
    error = spec["components"]["schemas"]["Error"]
    assert error["properties"]["error"]["required"] == ["code", "message", "field"]
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    operations = [op for ops in spec["paths"].values() for op in ops.values()]
    assert len(operations) >= 70
    for op in operations:
        for status in ["400", "401", "403", "404", "409", "413", "422"]:
            content = op["responses"][status]["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/Error"}, op["operationId"]
