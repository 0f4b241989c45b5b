"""Optional persistence: the whole sandbox state saved to one SQLite file.

Writes are debounced: a change marks the state dirty and a background thread
saves a snapshot at most every ``interval`` seconds (and on shutdown).  This keeps
request latency independent of the database.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import sqlite3
import threading
from typing import Any

from .backend import Sandbox
from .company import Change

SCHEMA = "CREATE TABLE IF NOT EXISTS snapshot (id INTEGER PRIMARY KEY CHECK (id = 1), state BLOB)"


def keep_private(path: str) -> None:
    """The save file holds every refresh token in plain text: only its owner may read it.

    Created with mode 0600 before SQLite opens it (SQLite gives its journal the same mode), and
    narrowed to 0600 if it already existed with wider permissions.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def backfill(obj: Any) -> None:
    """Give an object unpickled from an older file the fields added since (with their default
    factories), so a file saved before e.g. bank-feed matches existed still loads."""
    for f in dataclasses.fields(obj):
        if f.name not in vars(obj) and f.default_factory is not dataclasses.MISSING:
            setattr(obj, f.name, f.default_factory())


class Persistence:
    def __init__(self, path: str, sandbox: Sandbox, interval: float = 0.5) -> None:
        self.path = path
        self.sandbox = sandbox
        self.interval = interval
        self.enabled = path not in ("", ":memory:")
        self._dirty = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _state(self) -> dict[str, Any]:
        sb = self.sandbox
        return {
            "apps": sb.apps,
            "companies": sb.companies,
            "tokens": sb.tokens,
            "next_realm": sb.next_realm,
            "clock_offset": sb.clock._offset,
        }

    def load(self) -> None:
        if not self.enabled:
            return
        keep_private(self.path)
        with sqlite3.connect(self.path) as conn:
            conn.execute(SCHEMA)
            row = conn.execute("SELECT state FROM snapshot WHERE id = 1").fetchone()
        if row is not None:
            state = pickle.loads(row[0])  # our own file, written by save()
            sb = self.sandbox
            sb.apps, sb.companies, sb.tokens = state["apps"], state["companies"], state["tokens"]
            sb.next_realm = state["next_realm"]
            sb.clock._offset = state["clock_offset"]
            for company in sb.companies.values():
                backfill(company)
        self._thread = threading.Thread(target=self._run, name="sandbox-persist", daemon=True)
        self._thread.start()

    def mark(self, realm: str, events: list[Change]) -> None:
        if self.enabled:
            self._dirty.set()

    def save(self) -> None:
        with self.sandbox.lock:
            blob = pickle.dumps(self._state(), protocol=pickle.HIGHEST_PROTOCOL)
        keep_private(self.path)
        with sqlite3.connect(self.path) as conn:
            conn.execute(SCHEMA)
            conn.execute("INSERT OR REPLACE INTO snapshot (id, state) VALUES (1, ?)", (blob,))

    def _run(self) -> None:
        while not self._stop.is_set():
            if self._dirty.wait(self.interval):
                self._dirty.clear()
                self.save()
                self._stop.wait(self.interval)

    def close(self) -> None:
        if not self.enabled:
            return
        self._stop.set()
        self._dirty.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.save()
