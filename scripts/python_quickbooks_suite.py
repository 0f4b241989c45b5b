"""Run python-quickbooks' own integration suite, unchanged, against a sample sandbox company.

python-quickbooks (ej2/python-quickbooks) ships ``tests/integration``, written against the
sample company Intuit gives every developer. This script:

1. finds the suite: ``--repo DIR`` (a checkout), else ``--git-dir DIR`` (a bare clone or
   mirror, whose ``tests/`` is extracted with ``git archive``), else the cache directory
   ``$LAWSYNC_PQB_CACHE`` (default ``~/.cache/lawsync/python-quickbooks``);
2. starts a sandbox on a free loopback port, registers an app and makes a company with
   ``"sample_data": true``, multicurrency on (the suite's CompanyCurrency and ExchangeRate
   tests need it) and class tracking on;
3. runs ``pytest tests/integration`` in that checkout with the suite's own environment
   variables (``CLIENT_ID``, ``CLIENT_SECRET``, ``COMPANY_ID``, ``REFRESH_TOKEN``),
   ``OAUTHLIB_INSECURE_TRANSPORT=1`` for loopback, and a one-module pytest plugin that points
   intuit-oauth's sandbox discovery URL and python-quickbooks' API base at the sandbox —
   nothing else of the suite or the client is touched;
4. prints ``passed/total`` and each failing test, and exits 0 when at least ``--min`` passed.

Its code is never copied into this repository: it is read from the checkout at run time.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import httpx

CLIENT_ID = "pqb-suite"
CLIENT_SECRET = "pqb-suite-secret"
REDIRECT = "http://localhost:8000/callback"
DEFAULT_CACHE = Path(
    os.environ.get("LAWSYNC_PQB_CACHE", Path.home() / ".cache" / "lawsync" / "python-quickbooks")
)

PLUGIN = textwrap.dedent(
    '''
    """Point intuit-oauth and python-quickbooks at the sandbox (written by our runner)."""
    import os

    import intuitlib.config
    import quickbooks.client

    _ROOT = os.environ["LAWSYNC_SANDBOX_URL"]
    intuitlib.config.DISCOVERY_URL["sandbox"] = _ROOT + "/.well-known/openid_sandbox_configuration/"
    quickbooks.client.QuickBooks.sandbox_api_url_v3 = _ROOT + "/v3"
    quickbooks.client.QuickBooks.api_url_v3 = _ROOT + "/v3"
    '''
)


@dataclass
class Outcome:
    total: int = 0
    passed: int = 0
    failures: dict[str, str] = field(default_factory=dict)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def suite_checkout(repo: Path | None, git_dir: Path | None, cache: Path) -> Path:
    """A directory holding the suite's ``tests/``; extracted from a git dir when needed."""
    if repo is not None:
        return repo
    if git_dir is not None:
        cache.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "--git-dir", str(git_dir), "archive", "HEAD", "tests"],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(cache)], input=archive, check=True)
    if not (cache / "tests" / "integration").is_dir():
        raise SystemExit(
            f"no python-quickbooks checkout in {cache}: pass --repo or --git-dir "
            "(git clone https://github.com/ej2/python-quickbooks)"
        )
    return cache


def start_sandbox(port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "lawsync.sandbox", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/.well-known/openid_sandbox_configuration/")
            return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit("the sandbox did not start")


def sample_company(url: str) -> dict[str, str]:
    with httpx.Client(base_url=url, timeout=30) as http:
        http.post(
            "/_sandbox/apps",
            json={
                "name": "python-quickbooks suite",
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [REDIRECT],
            },
        ).raise_for_status()
        company = http.post(
            "/_sandbox/companies",
            json={
                "name": "Sandbox Company_US_1",
                "edition": "plus",
                "country": "US",
                "multicurrency": True,
                "sample_data": True,
            },
        )
        company.raise_for_status()
        realm = company.json()["realm_id"]
        http.patch(f"/_sandbox/companies/{realm}", json={"class_tracking": True}).raise_for_status()
        tokens = http.post(f"/_sandbox/companies/{realm}/tokens", json={"client_id": CLIENT_ID})
        tokens.raise_for_status()
        return {"realm": realm, "refresh": tokens.json()["refresh_token"]}


def read_junit(path: Path) -> Outcome:
    out = Outcome()
    for case in ET.parse(path).getroot().iter("testcase"):
        name = f"{case.get('classname')}::{case.get('name')}"
        out.total += 1
        bad = case.find("failure")
        if bad is None:
            bad = case.find("error")
        if bad is None and case.find("skipped") is not None:
            out.failures[name] = "skipped"
        elif bad is None:
            out.passed += 1
        else:
            message = (bad.get("message") or "").strip().splitlines()
            out.failures[name] = message[0][:200] if message else bad.tag
    return out


def run_suite(checkout: Path, select: list[str], timeout: float) -> Outcome:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = start_sandbox(port)
    try:
        company = sample_company(url)
        with tempfile.TemporaryDirectory() as tmp:
            Path(tmp, "lawsync_pqb_plugin.py").write_text(PLUGIN)
            junit = Path(tmp, "junit.xml")
            env = {
                **os.environ,
                "PYTHONPATH": os.pathsep.join([tmp, str(checkout)]),
                "LAWSYNC_SANDBOX_URL": url,
                "OAUTHLIB_INSECURE_TRANSPORT": "1",
                "CLIENT_ID": CLIENT_ID,
                "CLIENT_SECRET": CLIENT_SECRET,
                "COMPANY_ID": company["realm"],
                "REFRESH_TOKEN": company["refresh"],
            }
            targets = select or ["tests/integration"]
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pytest",
                    "-p",
                    "lawsync_pqb_plugin",
                    "-p",
                    "no:cacheprovider",
                    "-q",
                    "--rootdir",
                    str(checkout),
                    f"--junitxml={junit}",
                    *targets,
                ],
                cwd=checkout,
                env=env,
                timeout=timeout,
                stdout=subprocess.DEVNULL,
                check=False,
            )
            return read_junit(junit)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, help="a checkout of python-quickbooks")
    parser.add_argument("--git-dir", type=Path, help="a bare clone or mirror of it")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--min", type=int, default=0, help="fail unless this many pass")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("select", nargs="*", help="test ids within the checkout")
    args = parser.parse_args(argv)
    checkout = suite_checkout(args.repo, args.git_dir, args.cache)
    outcome = run_suite(checkout, args.select, args.timeout)
    for name, why in sorted(outcome.failures.items()):
        print(f"FAIL {name}: {why}")
    print(f"python-quickbooks integration suite: {outcome.passed}/{outcome.total} passed")
    return 0 if outcome.total and outcome.passed >= args.min else 1


if __name__ == "__main__":
    raise SystemExit(main())
