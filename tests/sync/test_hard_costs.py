"""Hard costs paid in QuickBooks (expenses and cheques) come into the ledger as expense entries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lawsync.quickbooks import Customer, Item, Purchase, Ref
from lawsync.sync.imports import hard_costs
from lawsync.sync.imports.hard_costs import HardCosts
from lawsync.sync.kinds import Kind
from tests import builders
from tests.sync.changes_support import (
    DAY,
    category,
    cheque,
    client_with_customer,
    compare_all,
    edit,
    entries_of,
    item_line,
    open_failures,
    remove,
    set_up_hard_costs,
    take,
)
from tests.sync.engine_support import Connected

IMPORTER = HardCosts()


def _pull(c: Connected, *purchases: Purchase) -> int:
    return take(c, IMPORTER, Purchase, *(str(p.Id) for p in purchases))


def test_a_cheque_line_on_the_account_becomes_a_hard_cost_on_the_clients_matter(
    connected: Connected,
) -> None:
    books = set_up_hard_costs(connected)
    _client, [matter], customer = client_with_customer(connected)
    paid = cheque(books, [category(books.account, "84.50", customer, "Courier to court")])
    assert _pull(connected, paid) == 1
    [entry] = entries_of(connected, matter)
    assert Decimal(entry["amount"]) == Decimal("84.50")
    assert entry["date"] == DAY.isoformat()
    assert entry["description"] == "Courier to court"
    assert entry["payee"] == "Speedy Couriers"
    assert entry["cost_type"] == "hard" and entry["source"] == "quickbooks"
    assert entry["from_quickbooks"] is True
    owner = connected.firm.get("/users")["data"][0]
    assert entry["user_id"] == owner["id"]
    # The same change again changes nothing.
    assert _pull(connected, paid) == 0
    assert len(entries_of(connected, matter)) == 1


def test_expenses_by_card_and_cash_come_in_too(connected: Connected) -> None:
    books = set_up_hard_costs(connected)
    _, [matter], customer = client_with_customer(connected)
    card = cheque(books, [category(books.account, "12.00", customer)], payment_type="CreditCard")
    cash = cheque(books, [category(books.account, "3.25", customer)], payment_type="Cash")
    assert _pull(connected, card, cash) == 2
    assert sorted(Decimal(e["amount"]) for e in entries_of(connected, matter)) == [
        Decimal("3.25"),
        Decimal("12.00"),
    ]


def test_several_category_lines_on_one_cheque_make_one_entry_each(connected: Connected) -> None:
    books = set_up_hard_costs(connected)
    _, [matter], customer = client_with_customer(connected)
    paid = cheque(
        books,
        [
            category(books.account, "10.00", customer, "Filing"),
            category(books.account, "20.00", customer, "Copies"),
            category(books.other_account, "99.00", customer, "Not a hard cost account"),
            category(books.account, "7.00", None, "No customer"),
        ],
    )
    assert _pull(connected, paid) == 2
    got = sorted((e["description"], e["amount"]) for e in entries_of(connected, matter))
    assert got == [("Copies", "20.00"), ("Filing", "10.00")]
    assert open_failures(connected) == []


def test_nothing_before_the_start_date(connected: Connected) -> None:
    books = set_up_hard_costs(connected, start=DAY)
    _, [matter], customer = client_with_customer(connected)
    early = cheque(
        books, [category(books.account, "5.00", customer)], date=DAY - dt.timedelta(days=1)
    )
    on_the_day = cheque(books, [category(books.account, "6.00", customer)], date=DAY)
    assert _pull(connected, early, on_the_day) == 1
    assert [e["amount"] for e in entries_of(connected, matter)] == ["6.00"]


def test_edits_and_deletion_follow_while_unbilled(connected: Connected) -> None:
    books = set_up_hard_costs(connected)
    _, [matter], customer = client_with_customer(connected)
    paid = cheque(
        books,
        [
            category(books.account, "10.00", customer, "Filing"),
            category(books.account, "20.00", customer, "Copies"),
        ],
    )
    _pull(connected, paid)
    lines = list(paid.Line or [])
    lines[0] = lines[0].model_copy(update={"Amount": Decimal("15.00"), "Description": "Filing x"})
    changed = edit(connected, paid, Line=lines[:1])  # the second line removed
    assert _pull(connected, changed) == 2
    [entry] = entries_of(connected, matter)
    assert (entry["amount"], entry["description"]) == ("15.00", "Filing x")
    remove(connected, changed)
    assert _pull(connected, changed) == 1
    assert entries_of(connected, matter) == []


def test_the_revision_already_copied_seen_again_leaves_a_lawsync_edit_alone(
    connected: Connected,
) -> None:
    """Each pull asks again for the minute before its cursor: the expense at the revision its
    line was copied from, seen again, does not undo the bookkeeper's edit; a new revision of it
    in QuickBooks still follows."""
    books = set_up_hard_costs(connected)
    _, [matter], customer = client_with_customer(connected)
    paid = cheque(books, [category(books.account, "40.00", customer, "Process server")])
    assert _pull(connected, paid) == 1
    [entry] = entries_of(connected, matter)
    connected.firm.patch(
        f"/expense-entries/{entry['id']}", {"description": "Process server (2 attempts)"}
    )
    assert _pull(connected, paid) == 0
    [entry] = entries_of(connected, matter)
    assert entry["description"] == "Process server (2 attempts)"
    lines = list(paid.Line or [])
    lines[0] = lines[0].model_copy(update={"Amount": Decimal("45.00")})
    assert _pull(connected, edit(connected, paid, Line=lines)) == 1
    [entry] = entries_of(connected, matter)
    assert entry["amount"] == "45.00"


def test_a_change_once_billed_is_a_failure_saying_what_differs(connected: Connected) -> None:
    books = set_up_hard_costs(connected)
    client, [matter], customer = client_with_customer(connected)
    paid = cheque(books, [category(books.account, "40.00", customer, "Courier")])
    _pull(connected, paid)
    bill = builders.bill(connected.firm, client["id"])
    [entry] = entries_of(connected, matter)
    assert entry["bill_id"] == bill["id"]
    lines = list(paid.Line or [])
    lines[0] = lines[0].model_copy(update={"Amount": Decimal("45.00")})
    changed = edit(connected, paid, Line=lines)
    assert _pull(connected, changed) == 0
    [failure] = open_failures(connected, Kind.HARD_COST)
    assert failure.code == hard_costs.CHANGED_AFTER_BILLING
    assert "amount 40.00 in lawsync, 45.00 in QuickBooks" in failure.message
    assert bill["number"] in failure.message
    assert entries_of(connected, matter)[0]["amount"] == "40.00"
    # Put back as billed in QuickBooks: the failure closes.
    lines[0] = lines[0].model_copy(update={"Amount": Decimal("40.00")})
    back = edit(connected, changed, Line=lines)
    _pull(connected, back)
    assert open_failures(connected) == []
    # Deleted in QuickBooks while billed: the entry stays, with a failure.
    remove(connected, back)
    _pull(connected, back)
    [gone] = open_failures(connected, Kind.HARD_COST)
    assert "was removed in QuickBooks" in gone.message
    assert len(entries_of(connected, matter)) == 1


def test_an_item_line_is_a_failure_and_the_category_lines_still_come_in(
    connected: Connected,
) -> None:
    books = set_up_hard_costs(connected)
    _, [matter], customer = client_with_customer(connected)
    item = connected.call(lambda qb, realm: qb.query(realm, Item, "Name = 'Disbursements'"))[0]
    paid = cheque(
        books,
        [item_line(str(item.Id), "30.00", customer), category(books.account, "8.00", customer)],
    )
    assert _pull(connected, paid) == 1
    assert [e["amount"] for e in entries_of(connected, matter)] == ["8.00"]
    [failure] = open_failures(connected, Kind.HARD_COST_LINE)
    assert failure.code == hard_costs.ITEM_LINE
    guide = connected.firm.get("/quickbooks/failures")["data"][0]
    assert guide["title"] and any("Category details" in s for s in guide["resolution"])
    # The item line removed in QuickBooks: the failure closes.
    categories = [ln for ln in paid.Line or [] if ln.DetailType == "AccountBasedExpenseLineDetail"]
    edit(connected, paid, Line=categories)
    _pull(connected, paid)
    assert open_failures(connected) == []


def test_a_client_without_an_open_matter_is_a_failure_until_it_has_one(
    connected: Connected,
) -> None:
    books = set_up_hard_costs(connected)
    client, [matter], customer = client_with_customer(connected)
    connected.firm.patch(f"/matters/{matter}", {"status": "closed"})
    paid = cheque(books, [category(books.account, "9.99", customer)])
    assert _pull(connected, paid) == 0
    [failure] = open_failures(connected)
    assert failure.code == hard_costs.NO_MATTER
    assert client["display_name"] in failure.message
    connected.firm.patch(f"/matters/{matter}", {"status": "open"})
    retried = connected.firm.post(f"/quickbooks/failures/{failure.id}/retry", None, 200)
    assert retried["retry_requested_at"]
    assert take(connected, IMPORTER, Purchase) == 1  # a pass with no change still retries
    assert [e["amount"] for e in entries_of(connected, matter)] == ["9.99"]
    assert open_failures(connected) == []


def test_several_open_matters_ask_which_and_the_choice_imports_the_cost(
    connected: Connected,
) -> None:
    books = set_up_hard_costs(connected)
    _, [first, second], customer = client_with_customer(connected, matters=2)
    paid = cheque(books, [category(books.account, "55.00", customer, "Expert report")])
    assert _pull(connected, paid) == 0
    [failure] = open_failures(connected)
    assert failure.code == hard_costs.WHICH_MATTER
    offered = [m["id"] for m in failure.context["matters"]]
    assert offered == [first, second]
    _other_client, [elsewhere], _ = client_with_customer(connected)
    refused = connected.firm.post(
        f"/quickbooks/failures/{failure.id}/choose-matter", {"matter_id": elsewhere}, 409
    )
    assert refused["error"]["code"] == "matter_not_offered"
    chosen = connected.firm.post(
        f"/quickbooks/failures/{failure.id}/choose-matter", {"matter_id": second}, 200
    )
    assert chosen["matter_id"] == second and chosen["amount"] == "55.00"
    assert open_failures(connected) == []
    assert entries_of(connected, first) == []
    # Later edits in QuickBooks follow the entry on the chosen matter.
    lines = list(paid.Line or [])
    lines[0] = lines[0].model_copy(update={"Amount": Decimal("60.00")})
    _pull(connected, edit(connected, paid, Line=lines))
    assert [e["amount"] for e in entries_of(connected, second)] == ["60.00"]


def test_a_customer_not_linked_to_a_contact_is_a_failure(connected: Connected) -> None:
    books = set_up_hard_costs(connected)
    client_with_customer(connected)
    stranger = connected.call(
        lambda qb, realm: qb.create(realm, Customer(DisplayName="Walk-in Stranger"))
    )
    paid = cheque(books, [category(books.account, "1.00", str(stranger.Id))])
    assert _pull(connected, paid) == 0
    [failure] = open_failures(connected)
    assert failure.code == hard_costs.NO_CUSTOMER_LINK
    assert "Walk-in Stranger" in failure.message


def test_lawsyncs_own_cheques_and_costs_of_another_account_are_not_imported(
    connected: Connected,
) -> None:
    books = set_up_hard_costs(connected)
    _, [matter], customer = client_with_customer(connected)
    ours = cheque(
        books, [category(books.account, "70.00", customer)], memo="lawsync:client_funds_cheque:9"
    )
    assert _pull(connected, ours) == 0
    assert entries_of(connected, matter) == []


def test_compare_all_finds_costs_and_deletions_without_a_change_feed(
    connected: Connected,
) -> None:
    books = set_up_hard_costs(connected)
    _, [matter], customer = client_with_customer(connected)
    kept = cheque(books, [category(books.account, "11.00", customer)])
    gone = cheque(books, [category(books.account, "22.00", customer)])
    assert compare_all(connected, IMPORTER) == 2
    remove(connected, gone)
    assert compare_all(connected, IMPORTER) == 1
    assert [e["amount"] for e in entries_of(connected, matter)] == ["11.00"]
    assert str(kept.Id)


def test_with_hard_costs_on_contacts_with_an_open_matter_become_customers(
    connected: Connected,
) -> None:
    set_up_hard_costs(connected)
    connected.settings(export_bills=False)
    with_matter = builders.client(connected.firm)
    builders.matter(connected.firm, with_matter["id"])
    builders.client(connected.firm)  # no matter: stays home
    connected.run()
    names = [c.DisplayName for c in connected.customers()]
    assert names == [with_matter["display_name"]]


def test_a_pass_brings_in_cheques_written_since_the_last(connected: Connected) -> None:
    books = set_up_hard_costs(connected)
    _, [matter], customer = client_with_customer(connected)  # its pass compares everything
    first = cheque(books, [category(books.account, "31.00", customer, "Process server")])
    connected.run()  # through the change feed
    assert [e["amount"] for e in entries_of(connected, matter)] == ["31.00"]
    lines = list(first.Line or [])
    lines[0] = lines[0].model_copy(update={"Amount": Decimal("32.00")})
    edit(connected, first, Line=lines)
    cheque(books, [category(books.account, "4.00", customer, "Parking")])
    connected.run()
    got = sorted(e["amount"] for e in entries_of(connected, matter))
    assert got == ["32.00", "4.00"]
    connected.run()  # nothing new: nothing changes
    assert len(entries_of(connected, matter)) == 2


def test_retry_in_a_pass_reads_the_cheque_again(connected: Connected) -> None:
    books = set_up_hard_costs(connected)
    _, [matter], customer = client_with_customer(connected)
    connected.firm.patch(f"/matters/{matter}", {"status": "closed"})
    cheque(books, [category(books.account, "2.50", customer)])
    connected.run()
    [failure] = open_failures(connected)
    connected.firm.patch(f"/matters/{matter}", {"status": "open"})
    connected.firm.post(f"/quickbooks/failures/{failure.id}/retry", None, 200)
    connected.run()
    assert [e["amount"] for e in entries_of(connected, matter)] == ["2.50"]
    assert open_failures(connected) == []


def test_a_line_given_to_another_client_moves_to_that_clients_matter(
    connected: Connected,
) -> None:
    books = set_up_hard_costs(connected)
    _, [first], customer = client_with_customer(connected)
    _, [second], other = client_with_customer(connected)
    paid = cheque(books, [category(books.account, "18.00", customer, "Copies")])
    _pull(connected, paid)
    lines = list(paid.Line or [])
    detail = lines[0].AccountBasedExpenseLineDetail
    assert detail is not None
    moved = detail.model_copy(update={"CustomerRef": Ref(value=other)})
    lines[0] = lines[0].model_copy(update={"AccountBasedExpenseLineDetail": moved})
    assert _pull(connected, edit(connected, paid, Line=lines)) == 2  # gone here, made there
    assert entries_of(connected, first) == []
    assert [e["amount"] for e in entries_of(connected, second)] == ["18.00"]


def test_an_earlier_start_date_brings_in_the_costs_before_it(connected: Connected) -> None:
    books = set_up_hard_costs(connected, start=DAY)
    _, [matter], customer = client_with_customer(connected)
    cheque(books, [category(books.account, "3.00", customer)], date=DAY - dt.timedelta(days=9))
    connected.run()
    assert entries_of(connected, matter) == []
    earlier = (DAY - dt.timedelta(days=30)).isoformat()
    connected.firm.put("/quickbooks/settings", {"hard_costs_start_date": earlier})
    connected.run()
    assert [e["amount"] for e in entries_of(connected, matter)] == ["3.00"]
