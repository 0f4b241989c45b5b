"""The README as a newcomer uses it: its commands run as pasted, and it matches the code."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.sandbox.sandbox_support import free_port

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def _blocks(kind: str = "sh") -> list[str]:
    return re.findall(rf"^```{kind}\n(.*?)^```", README, flags=re.S | re.M)


def _tour() -> str:
    """Every shell block after the set-up one: what a newcomer pastes into a second terminal."""
    return "\n".join(_blocks()[1:])


def test_paste_blocks_use_the_virtualenv_command_and_quote_query_strings() -> None:
    for line in _tour().splitlines():
        stripped = line.strip()
        assert not stripped.startswith("lawsync "), f"`lawsync` is not on the PATH: {line}"
        assert not stripped.startswith("#"), f"zsh runs a pasted comment line: {line}"
        assert " # " not in stripped, f"zsh passes a pasted comment as arguments: {line}"
        for url in re.findall(r"\S*http://\S+", stripped):
            if "?" in url:
                assert url[0] in "'\"", f"an unquoted ? is a glob in zsh: {url}"


def test_readme_documents_every_setting() -> None:
    from lawsync.sync.worker import ENV_FLAG

    config = (ROOT / "src" / "lawsync" / "config.py").read_text()
    variables = set(re.findall(r'"(LAWSYNC_[A-Z_]+)"', config)) | {ENV_FLAG}
    table = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    assert {"LAWSYNC_SANDBOX_DB", "LAWSYNC_SYNC_WORKER", "LAWSYNC_DATABASE_URL"} <= variables
    for name in variables:
        assert f"`{name}`" in table, name


def test_readme_layout_names_every_package() -> None:
    layout = README.split("- Layout:", 1)[1].split("\n- ", 1)[0]
    packages = [
        p.name for p in (ROOT / "src" / "lawsync").iterdir() if (p / "__init__.py").exists()
    ]
    assert len(packages) >= 6
    for name in packages:
        assert f"`src/lawsync/{name}`" in layout, name


def test_readme_lists_every_command() -> None:
    from typer.main import get_command

    from lawsync.cli import app

    group = get_command(app)
    table = README.split("## Command line", 1)[1].split("\n## ", 1)[0]
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        if subcommands and name != "sandbox":
            for sub in subcommands:
                assert re.search(rf"`lawsync {name} [^`]*\b{sub}\b", table), f"{name} {sub}"
        else:
            assert f"`lawsync {name}" in table, name


def test_make_bench_runs_every_benchmark() -> None:
    if shutil.which("make") is None:
        pytest.skip("no make")
    dry = subprocess.run(
        ["make", "-n", "bench"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    benches = [p.stem for p in (ROOT / "bench").glob("*.py") if p.stem != "__init__"]
    assert len(benches) >= 5
    for bench in benches:
        assert re.search(rf"(bench\.{bench}\b|bench/{bench}\.py)", dry), bench


def test_docs_list_only_error_codes_the_code_still_has() -> None:
    sources = "\n".join(p.read_text() for p in (ROOT / "src" / "lawsync").rglob("*.py"))
    for doc in (ROOT / "docs").glob("*.md"):
        for code in re.findall(r"^\| `([a-z_]+)` \| \d{3} \|", doc.read_text(), flags=re.M):
            assert f'"{code}"' in sources, f"{doc.name} lists {code}, which nothing returns"


# ---- the tour, pasted into bash and zsh against `lawsync serve` -------------------------------


def _shim(path: Path, *command: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\nexec " + " ".join(command) + ' "$@"\n')
    path.chmod(0o755)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, int, dict[str, str]]]:
    """`make run` in a fresh folder: a seeded demo firm, the server on a free port."""
    folder = tmp_path_factory.mktemp("newcomer")
    port = free_port()
    env = {**os.environ, "LAWSYNC_PORT": str(port)}
    env.pop("LAWSYNC_DATABASE_URL", None)
    # The folder looks like a checkout after `make run`: .venv/bin/lawsync and .venv/bin/python.
    _shim(folder / ".venv" / "bin" / "python", sys.executable)
    _shim(folder / ".venv" / "bin" / "lawsync", sys.executable, "-m", "lawsync.cli")
    proc = subprocess.Popen(
        [sys.executable, "-m", "lawsync.cli", "serve", "--seed-demo"],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if "serving on" in line:
            break
    for _ in range(100):
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz")
            break
        except httpx.ConnectError:
            time.sleep(0.1)
    yield folder, port, env
    proc.terminate()
    proc.wait(10)


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_the_tour_runs_as_pasted(served: tuple[Path, int, dict[str, str]], shell: str) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"no {shell} here")
    folder, port, env = served
    script = _tour().replace("127.0.0.1:8000", f"127.0.0.1:{port}")
    # Interactive, without the user's start-up files: as if pasted into a new terminal.
    argv = ["bash", "--norc", "--noprofile", "-i"] if shell == "bash" else ["zsh", "-f", "-i"]
    run = subprocess.run(
        argv, input=script, cwd=folder, env=env, capture_output=True, text=True, timeout=300
    )
    answers = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    errors = [a for a in answers if "error" in a]
    # The only refusal is the one the tour shows on purpose.
    assert [e["error"]["code"] for e in errors] == ["insufficient_client_funds"], errors
    entry = next(a for a in answers if "hours" in a)
    assert (entry["hours"], entry["rate"], entry["amount"]) == ("1.25", "450", "562.50")
    draft, approved = [a for a in answers if "lines" in a and a.get("matter_ids") == [1]][-2:]
    assert draft["state"] == "draft" and approved["state"] == "approved"
    assert [line["time_entry_id"] for line in draft["lines"]] == [entry["id"]]
    assert draft["total"] == approved["balance"] == "562.50"
    assert "realm id:" in run.stdout and "Sync pass" in run.stdout
    assert {"data": [], "next_cursor": None} in answers  # no failures after the sync
    assert "command not found" not in run.stderr and "no matches found" not in run.stderr
