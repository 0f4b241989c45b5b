"""What the request guard costs a request: the JSON checks and the route match, per body size.

    python -m bench.request_guard

Each figure is the median of many runs of the guard's own work on one body (the route then
parses the same bytes again, as it did before the guard existed).
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable

from lawsync.config import Settings
from lawsync.web.app import create_app
from lawsync.web.request_guard import check_query, parse_body


def _median_us(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def _contact(n_emails: int) -> bytes:
    return json.dumps(
        {
            "kind": "person",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "emails": [{"address": f"ada{i}@example.com"} for i in range(n_emails)],
            "address": {"street": "12 Analytical Row\nFloor 2", "city": "London"},
        }
    ).encode()


def main() -> None:
    app = create_app(Settings(database_url="sqlite:///:memory:"), mount_sandbox=False)
    routes = app.router.routes
    scope = {"type": "http", "path": "/api/v1/contacts", "method": "POST", "root_path": ""}
    bill_edit = json.dumps(
        {"lines": [{"id": i + 1, "description": "Research " * 20} for i in range(5000)]}
    ).encode()
    bodies = {
        "contact (0.2 KB)": _contact(1),
        "contact, 20 emails (1 KB)": _contact(20),
        f"bill edit, 5,000 lines ({len(bill_edit) // 1024} KB)": bill_edit,
    }
    print("| body | guard's checks, median | plain json.loads, median |")
    print("|---|---|---|")
    for label, body in bodies.items():
        runs = 2000 if len(body) < 10_000 else 30
        checked = _median_us(lambda b=body: parse_body(b), runs)
        plain = _median_us(lambda b=body: json.loads(b), runs)
        print(f"| {label} | {checked:,.1f} µs | {plain:,.1f} µs |")
    matched = _median_us(lambda: any(r.matches(scope)[0].name == "FULL" for r in routes), 2000)
    query = _median_us(lambda: check_query(b"client_id=12&cursor=40&limit=50"), 2000)
    print(f"| route match | {matched:,.1f} µs | |")
    print(f"| query string (3 params) | {query:,.1f} µs | |")


if __name__ == "__main__":
    main()
