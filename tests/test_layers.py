"""The parts stay apart: storage and the error families know no part built on them, and only the
composition root builds the ledger."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "lawsync"


@pytest.mark.parametrize("module", ["lawsync.storage", "lawsync.errors"])
def test_a_base_module_imports_no_part_of_lawsync_built_on_it(module: str) -> None:
    program = f"import sys, {module}; print(*(m for m in sys.modules if m.startswith('lawsync')))"
    loaded = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert module in loaded
    assert [m for m in loaded if m.startswith(("lawsync.practice", "lawsync.sync"))] == []


def test_only_bootstrap_builds_the_ledger_and_its_sessions() -> None:
    builders = re.compile(r"(?<![\w.])(?<!def )(Ledger|make_session_factory)\(")
    found = sorted(
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if builders.search(path.read_text(encoding="utf-8"))
    )
    assert found == ["bootstrap.py"]
