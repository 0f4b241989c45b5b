"""The preview: what the next pass would send, worked out without sending; then what it sends."""

from __future__ import annotations

from collections.abc import Sequence

from lawsync.sync import preview
from lawsync.sync.export.skeleton import Job
from tests import builders
from tests.sync.engine_support import Connected


def _preview(connected: Connected) -> preview.Preview:
    return connected.call(  # type: ignore[no-any-return]
        lambda qb, _realm: preview.preview(connected.firm.ledger, connected.firm.id, qb)
    )


def test_the_preview_lists_what_the_next_pass_sends_and_changes_nothing(
    connected: Connected,
) -> None:
    firm = connected.firm
    for _ in range(2):
        builders.billed_client(firm)
    seen = _preview(connected)
    again = _preview(connected)  # a preview writes nothing: the same answer twice
    planned = {k.kind: {(p.local_id, p.op) for p in k.planned} for k in seen.kinds}
    assert planned == {k.kind: {(p.local_id, p.op) for p in k.planned} for k in again.kinds}
    assert connected.invoices() == []
    names = {c.DisplayName for c in connected.customers()}
    assert not any("Number" in str(n) for n in names)  # builders' clients are not made
    # The bills wait for their clients in a preview (one round); the pass makes both.
    bills = next(k for k in seen.kinds if k.kind == "bill")
    assert len(bills.waiting) == 2 and "client" in bills.waiting[0].problem.message
    contacts = next(k for k in seen.kinds if k.kind == "contact")
    assert {op for _, op in planned["contact"]} == {"create"} and len(contacts.planned) == 2

    sent: list[tuple[str, int, str]] = []

    def record(jobs: Sequence[Job]) -> None:
        sent.extend((j.kind, j.local_id, j.op) for j in jobs)

    report = connected.run(after_reply=record)
    assert report.failed == 0
    contacts_sent = {(local_id, op) for kind, local_id, op in sent if kind == "contact"}
    assert contacts_sent == planned["contact"]
    assert {local_id for kind, local_id, _ in sent if kind == "bill"} == {
        r.local_id for r in bills.waiting
    }
    assert _preview(connected).empty  # nothing left to send


def test_a_refusal_known_before_sending_is_in_the_preview(connected: Connected) -> None:
    """A bill whose categories have no product is refused before any call; after a Retry the
    preview says it would be refused again, with the code."""
    from lawsync.sync.models import ItemMapping

    firm = connected.firm
    with firm.ledger.uow(firm.id) as uow:
        uow.session.query(ItemMapping).delete()
        uow.commit()
    _, _, bill = builders.billed_client(firm)
    connected.run()
    [failure] = firm.get("/quickbooks/failures")["data"]
    assert failure["code"] == "5020"
    firm.post(f"/quickbooks/failures/{failure['id']}/retry", None, 200)
    bills = next(k for k in _preview(connected).kinds if k.kind == "bill")
    assert [(r.local_id, r.problem.code) for r in bills.refused] == [(bill["id"], "5020")]
    assert bills.planned == []
