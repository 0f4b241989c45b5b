"""The choices on failures from QuickBooks, refused with the API's error shape when they do not
apply: nothing is imported, nothing is pushed."""

from __future__ import annotations

from lawsync.quickbooks import Purchase
from lawsync.sync.imports.hard_costs import HardCosts
from tests import builders
from tests.sync.changes_support import (
    category,
    cheque,
    client_with_customer,
    entries_of,
    open_failures,
    set_up_hard_costs,
    take,
)
from tests.sync.engine_support import Connected


def test_choices_that_do_not_apply_are_refused(connected: Connected) -> None:
    firm = connected.firm
    books = set_up_hard_costs(connected)
    _, [matter], customer = client_with_customer(connected)
    firm.patch(f"/matters/{matter}", {"status": "closed"})
    paid = cheque(books, [category(books.account, "5.00", customer)])
    take(connected, HardCosts(), Purchase, str(paid.Id))
    [failure] = open_failures(connected)  # no open matter
    url = f"/quickbooks/failures/{failure.id}"
    closed = firm.post(url + "/choose-matter", {"matter_id": matter}, 409)
    assert closed["error"]["code"] == "matter_not_offered"
    assert firm.post(url + "/choose-matter", {"matter_id": "x"}, 422)["error"]["field"]
    assert firm.post(url + "/choose-matter", {}, 422)["error"]["field"] == "matter_id"
    missing = firm.post(url + "/choose-matter", {"matter_id": 999999}, 404)
    assert missing["error"]["field"] == "matter_id"
    assert firm.post("/quickbooks/failures/999999/choose-matter", {"matter_id": 1}, 404)
    pushed = firm.post(url + "/push-again", None, 409)
    assert pushed["error"]["code"] == "nothing_to_push"
    assert entries_of(connected, matter) == []
    # Reopened, the matter can be chosen: the cost is imported and the failure closes.
    firm.patch(f"/matters/{matter}", {"status": "open"})
    made = firm.post(url + "/choose-matter", {"matter_id": matter}, 200)
    assert made["matter_id"] == matter and made["from_quickbooks"] is True
    again = firm.post(url + "/choose-matter", {"matter_id": matter}, 409)
    assert again["error"]["code"] == "no_choice"
    assert len(entries_of(connected, matter)) == 1


def test_another_firms_failure_is_not_found(connected: Connected, other_firm: object) -> None:
    books = set_up_hard_costs(connected)
    _, [first, _second], customer = client_with_customer(connected, matters=2)
    paid = cheque(books, [category(books.account, "5.00", customer)])
    take(connected, HardCosts(), Purchase, str(paid.Id))
    [failure] = open_failures(connected)
    stranger = builders.client(other_firm)  # type: ignore[arg-type]
    theirs = builders.matter(other_firm, stranger["id"])  # type: ignore[arg-type]
    other_firm.post(  # type: ignore[attr-defined]
        f"/quickbooks/failures/{failure.id}/choose-matter", {"matter_id": theirs["id"]}, 404
    )
    assert entries_of(connected, first) == []
