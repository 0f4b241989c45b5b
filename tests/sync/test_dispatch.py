"""How a pass spends the company's request limits: batches only by default, or batches plus the
requests they leave unused; either way under the limits (no 429) and every record once."""

from __future__ import annotations

import time
from collections.abc import Sequence

import pytest

from lawsync.quickbooks import Pacing, RequestEvent
from tests import builders
from tests.sync.engine_support import Connected

WINDOW = 1.0
LIMITS = {"per_window": 60, "concurrent": 10, "batches_per_window": 2, "window_seconds": WINDOW}


def _limited(connected: Connected, spare: bool, window: float = WINDOW) -> Connected:
    limits = {**LIMITS, "window_seconds": window}
    connected.company.patch(limits=limits)
    connected.spare_requests = spare
    connected.client_options = {"pacing": Pacing(**limits)}  # type: ignore[arg-type]
    return connected


def _bills_with_payments(connected: Connected, n: int) -> None:
    for _ in range(n):
        client, _, bill = builders.billed_client(connected.firm, hours="1.5", rate="210.00")
        connected.firm.post(
            "/payments",
            {
                "client_id": client["id"],
                "date": "2026-03-10",
                "amount": "50.00",
                "allocations": [{"bill_id": bill["id"], "amount": "50.00"}],
            },
        )


def _busiest_window(events: Sequence[RequestEvent], times: Sequence[float], batch: bool) -> int:
    """Most requests (or batch calls) answered within any 30-second stretch."""
    stamps = [t for t, e in zip(times, events, strict=True) if not batch or e.path == "batch"]
    return max((sum(1 for u in stamps if t - 30.0 < u <= t) for t in stamps), default=0)


def _writes(events: Sequence[RequestEvent]) -> list[str]:
    return [e.path for e in events if e.method == "POST" and e.status == 200]


class Stamped(list[RequestEvent]):
    """The company's event list, also noting when each answer arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[float] = []

    def append(self, event: RequestEvent) -> None:
        self.times.append(time.monotonic())
        super().append(event)


def test_by_default_every_write_goes_in_a_batch(connected: Connected) -> None:
    _limited(connected, spare=False)
    _bills_with_payments(connected, 12)
    report = connected.run()
    events = connected.company.events
    assert report.synced == 36 and report.failed == 0
    assert set(_writes(events)) == {"batch"}
    assert 429 not in connected.company.statuses()
    assert report.requests / report.synced <= 0.2  # 36 writes in 3 kinds: 3 batches + look-ups


def test_spare_requests_send_singles_beside_batches_and_stay_under_the_limits(
    connected: Connected,
) -> None:
    """Two batch calls per (long) window: the third kind's writes go one by one at once."""
    _limited(connected, spare=True, window=30.0)
    stamped = connected.company.events = Stamped()
    _bills_with_payments(connected, 12)
    report = connected.run()
    events = list(connected.company.events)
    assert report.synced == 36 and report.failed == 0
    writes = _writes(events)
    assert writes.count("batch") == 2 and writes.count("payment") == 12
    assert 429 not in [e.status for e in events]
    assert _busiest_window(events, stamped.times, batch=False) <= LIMITS["per_window"]
    assert _busiest_window(events, stamped.times, batch=True) <= LIMITS["batches_per_window"]
    assert len(connected.customers()) == 12
    assert len(connected.invoices()) == 12
    assert len(connected.payments()) == 12


@pytest.mark.parametrize("spare", [False, True], ids=["batches", "spare-requests"])
def test_more_work_than_one_window_waits_for_room_instead_of_being_refused(
    connected: Connected, spare: bool
) -> None:
    """Two batch calls per window carry 60 writes; 75 writes need a second window."""
    _limited(connected, spare)
    _bills_with_payments(connected, 25)
    report = connected.run()
    assert report.synced == 75 and report.failed == 0
    assert 429 not in connected.company.statuses()
    assert len(connected.payments()) == 25


def test_the_firms_fast_catch_up_setting_chooses_the_mode(connected: Connected) -> None:
    _limited(connected, spare=False, window=30.0)
    connected.spare_requests = None  # as the worker runs it: the firm's setting decides
    connected.firm.put("/quickbooks/settings", {"fast_catch_up": True})
    _bills_with_payments(connected, 4)
    report = connected.run()
    assert report.synced == 12 and report.failed == 0
    assert _writes(connected.company.events).count("payment") == 4
