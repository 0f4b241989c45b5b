"""A record's standing (its badge) and its sync history: each answer kept, newest first."""

from __future__ import annotations

from lawsync.sync import record_status
from lawsync.sync.kinds import Kind
from tests import builders
from tests.sync.engine_support import Connected


def test_each_answer_is_kept_in_the_records_sync_history(connected: Connected) -> None:
    firm = connected.firm
    _, _, bill = builders.billed_client(firm)
    connected.run()
    firm.post(f"/bills/{bill['id']}/void", {"reason": "wrong client"}, 200)
    connected.run()
    events = record_status.history(firm.ledger, firm.actor, Kind.BILL, bill["id"])
    assert [(e.op, e.outcome) for e in events] == [("void", "done"), ("create", "done")]
    created = events[1]
    assert created.qbo_id and created.sent["DocNumber"] == bill["number"]
    assert (
        record_status.of_records(firm.ledger, firm.actor, Kind.BILL, [bill["id"]])[bill["id"]].state
        == "removed"
    )
