"""The exporter skeleton: what each decision becomes, the same way for every kind.

A toy exporter over contacts decides by the contact's name, so each decision can be checked on
its own against real links in a real database, without the accounting side.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, true

from lawsync.practice.models import Contact
from lawsync.quickbooks import Customer
from lawsync.sync import context, links
from lawsync.sync.export.skeleton import (
    SKIP,
    Adopt,
    Chunk,
    Decision,
    Exporter,
    Lookup,
    Remove,
    Send,
    Wait,
)
from lawsync.sync.kinds import Kind
from lawsync.sync.models import QuickBooksConnection, SyncLink, SyncSettings
from lawsync.sync.problems import Problem
from tests import builders
from tests.conftest import Firm

FOUND = Customer.model_validate({"Id": "77", "SyncToken": "4", "DisplayName": "Found"})


class ByName(Exporter[Chunk[Contact]]):
    """Decides by the contact's first name."""

    kind = Kind.CONTACT
    entity = Customer
    model = Contact

    def wanted(self, ctx: context.PassContext) -> ColumnElement[bool]:
        return true()

    def load(self, ctx: context.PassContext, session: Any, ids: list[int]) -> Chunk[Contact]:
        return Chunk(self.records(session, ids))

    def decide(self, ctx: Any, chunk: Any, record: Any, copy: SyncLink | None) -> Decision:
        return {
            "send": Send({"DisplayName": "S"}, find=Lookup("DisplayName = 'S'", "m")),
            "onto": Send({"DisplayName": "O", "Active": True}, onto=FOUND),
            "remove": Remove("delete"),
            "recreate": Remove("delete", recreate=True),
            "wait": Wait("something"),
            "refuse": Problem("6240", "taken", "DisplayName"),
            "adopt": Adopt(FOUND),
        }.get(record.first_name, SKIP)


def _setup(
    firm: Firm, names: list[str], linked: set[str]
) -> tuple[context.PassContext, dict[str, int]]:
    ids = {n: builders.client(firm, first_name=n, last_name="X")["id"] for n in names}
    with firm.ledger.uow(firm.id) as uow:
        conn = QuickBooksConnection(firm_id=firm.id, realm_id="1", edition="plus", country="US")
        conn.home_currency, conn.multicurrency = "USD", False
        uow.session.add(conn)
        uow.session.flush()
        uow.session.add(SyncSettings(firm_id=firm.id, export_bills=True))
        for name in linked:
            link = links.ensure(uow.session, firm.id, conn.id, Kind.CONTACT, ids[name])
            links.mark_synced(link, f"q{ids[name]}", "2", 1)
        ctx = context.of_connection(firm.ledger, uow.session, conn, qb=None)  # type: ignore[arg-type]
        uow.commit()
    return ctx, ids


def test_each_decision_becomes_its_job_or_record(firm: Firm) -> None:
    names = ["send", "onto", "remove", "recreate", "wait", "refuse", "adopt", "other"]
    ctx, ids = _setup(firm, names, linked={"remove", "recreate"})
    with firm.ledger.uow(firm.id) as uow:
        plan = ByName().plan(ctx, uow.session, sorted(ids.values()))
    jobs = {j.local_id: j for j in plan.jobs}

    create = jobs[ids["send"]]
    assert (create.op, create.entity.Id, create.find) == (
        "create",
        None,
        Lookup("DisplayName = 'S'", "m"),
    )
    onto = jobs[ids["onto"]]
    assert (onto.op, onto.entity.Id, onto.entity.SyncToken) == ("update", "77", "4")
    assert onto.entity.model_dump(exclude_unset=True)["Active"] is True and onto.find is None
    removed = jobs[ids["remove"]]
    assert (removed.op, removed.entity.Id, removed.entity.SyncToken, removed.recreate) == (
        "delete",
        f"q{ids['remove']}",
        "2",
        False,
    )
    assert jobs[ids["recreate"]].recreate is True
    assert set(jobs) == {ids[n] for n in ("send", "onto", "remove", "recreate")}

    [waiting] = plan.waiting
    assert waiting.local_id == ids["wait"] and "something" in waiting.problem.message
    [refusal] = plan.problems
    assert (refusal.local_id, refusal.problem.code) == (ids["refuse"], "6240")
    [adopted] = plan.adopt
    assert (adopted.local_id, adopted.entity.Id) == (ids["adopt"], "77")
    # Nothing to send for "other" (SKIP): counted, and any failure of its is closed.
    assert (plan.skipped, plan.settled) == (1, [(Kind.CONTACT, ids["other"])])


def test_a_send_updates_the_live_copy_and_a_remove_without_one_is_nothing(firm: Firm) -> None:
    ctx, ids = _setup(firm, ["send", "remove"], linked={"send"})
    with firm.ledger.uow(firm.id) as uow:
        # The copy of "send" is live: an update of it, with its token, and no look-up.
        plan = ByName().plan(ctx, uow.session, sorted(ids.values()))
    [job] = plan.jobs
    assert (job.local_id, job.op, job.entity.Id, job.entity.SyncToken, job.find) == (
        ids["send"],
        "update",
        f"q{ids['send']}",
        "2",
        None,
    )
    # "remove" never had a copy: nothing to delete, its failure (if any) is closed.
    assert plan.settled == [(Kind.CONTACT, ids["remove"])]


def test_a_copy_being_created_or_removed_is_not_live(firm: Firm) -> None:
    ctx, ids = _setup(firm, ["send", "remove"], linked={"send", "remove"})
    with firm.ledger.uow(firm.id) as uow:
        rows = links.links_for(uow.session, ctx.connection_id, Kind.CONTACT, ids.values())
        rows[ids["send"]].status = links.CREATING
        rows[ids["remove"]].status = links.REMOVED
        uow.commit()
    with firm.ledger.uow(firm.id) as uow:
        plan = ByName().plan(ctx, uow.session, sorted(ids.values()))
    [job] = plan.jobs
    assert (job.local_id, job.op) == (ids["send"], "create")  # its outcome is looked for first
    assert plan.settled == [(Kind.CONTACT, ids["remove"])]
