"""Edits made to a linked customer in QuickBooks come back to its contact, merged three ways."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from lawsync.practice.models import AuditEvent
from lawsync.sync.imports.contact_codes import CONFLICT, EMAIL_TAKEN, REFUSED
from lawsync.sync.models import ContactSyncBase
from tests import builders
from tests.sync.contact_edits_support import Synced, synced_client, writes
from tests.sync.engine_support import Connected
from tests.web.browser import Browser, with_password


@pytest.fixture
def synced(connected: Connected) -> Synced:
    return synced_client(connected, phones=[{"number": "555-0100"}])


def _failures(s: Synced, **params: Any) -> list[dict[str, Any]]:
    return s.c.firm.get("/quickbooks/failures", **params)["data"]  # type: ignore[no-any-return]


def test_an_edit_in_quickbooks_reaches_the_contact_and_nothing_goes_back(synced: Synced) -> None:
    edited = synced.edit(
        GivenName="Jo",
        PrimaryEmailAddr={"Address": "jo@new.example"},
        PrimaryPhone={"FreeFormNumber": "555-0199"},
        WebAddr={"URI": "https://jo.example"},
        BillAddr={"Line1": "1 Main St", "City": "Springfield", "PostalCode": "12345"},
    )
    assert synced.pull() == 1
    contact = synced.contact()
    assert contact["first_name"] == "Jo"
    assert contact["display_name"].startswith("Jo ")
    assert [e["address"] for e in contact["emails"] if e["primary"]] == ["jo@new.example"]
    assert [p["number"] for p in contact["phones"]] == ["555-0199"]
    assert contact["web_address"] == "https://jo.example"
    address = contact["address"]
    assert (address["street"], address["city"], address["postal_code"]) == (
        "1 Main St",
        "Springfield",
        "12345",
    )
    # No ping-pong: the link holds QuickBooks' token and the contact's new revision.
    link = synced.link(synced.client["id"])
    assert link.sync_token == edited["SyncToken"]
    assert link.synced_revision == contact["revision"]
    report, events = synced.run_counting()
    assert report.failed == 0 and writes(events) == []
    assert synced.customer()["SyncToken"] == edited["SyncToken"]
    # The change went through the contact service: its audit trail names where it came from.
    with synced.c.firm.ledger.uow(synced.c.firm.actor) as uow:
        reasons = uow.session.scalars(
            select(AuditEvent.reason).where(
                AuditEvent.entity == "contact", AuditEvent.entity_id == synced.client["id"]
            )
        ).all()
    assert "edited in QuickBooks" in reasons


def test_the_same_change_twice_changes_nothing_the_second_time(synced: Synced) -> None:
    synced.edit(FamilyName="Again")
    assert synced.pull() == 1
    revision = synced.contact()["revision"]
    assert synced.pull() == 0  # the feed dropped it: the link holds its SyncToken
    # Even handed over again (a crash before the cursor moved), it changes nothing.
    assert synced.compare_all()[0] == 0
    assert synced.contact()["revision"] == revision
    assert _failures(synced) == []


def test_different_fields_changed_on_each_side_merge_both_ways(synced: Synced) -> None:
    firm = synced.c.firm
    firm.patch(f"/contacts/{synced.client['id']}", {"phones": [{"number": "555-0142"}]})
    synced.edit(FamilyName="Merged")
    assert synced.pull() == 1
    contact = synced.contact()
    assert contact["last_name"] == "Merged"
    assert [p["number"] for p in contact["phones"]] == ["555-0142"]
    report, events = synced.run_counting()
    assert report.failed == 0 and len(writes(events)) == 1  # the merged contact goes out
    customer = synced.customer()
    assert customer["FamilyName"] == "Merged"  # QuickBooks' edit was not sent over
    assert customer["PrimaryPhone"]["FreeFormNumber"] == "555-0142"
    # Both sides now agree: another pass and another pull do nothing.
    assert synced.pull() == 0
    assert writes(synced.run_counting()[1]) == []


def test_an_export_that_meets_a_newer_edit_leaves_it_for_the_merge(synced: Synced) -> None:
    firm = synced.c.firm
    synced.pull()
    firm.patch(f"/contacts/{synced.client['id']}", {"phones": [{"number": "555-0143"}]})
    synced.edit(FamilyName="Newer")
    synced.skip_feed_past_now()  # as if the edit landed after the pass's pull
    report = synced.c.run()
    assert report.failed == 0
    assert synced.customer()["FamilyName"] == "Newer"  # the stale update was not forced
    assert synced.compare_all()[0] == 1
    synced.c.run()
    customer = synced.customer()
    assert (customer["FamilyName"], customer["PrimaryPhone"]["FreeFormNumber"]) == (
        "Newer",
        "555-0143",
    )
    assert synced.contact()["last_name"] == "Newer"


def _conflict(synced: Synced) -> dict[str, Any]:
    firm = synced.c.firm
    firm.patch(
        f"/contacts/{synced.client['id']}",
        {"emails": [{"address": "ours@example.com", "primary": True}], "last_name": "Ours"},
    )
    synced.edit(PrimaryEmailAddr={"Address": "theirs@example.com"}, FamilyName="Theirs")
    synced.pull()
    [failure] = _failures(synced)
    return failure


def test_the_same_field_changed_on_both_sides_is_a_conflict_showing_both(synced: Synced) -> None:
    failure = _conflict(synced)
    assert failure["code"] == CONFLICT
    assert failure["conflicts"] == {
        "last_name": {"lawsync": "Ours", "quickbooks": "Theirs"},
        "email": {"lawsync": "ours@example.com", "quickbooks": "theirs@example.com"},
    }
    assert failure["title"] and failure["resolution"]
    # Neither side is overwritten while it waits.
    contact = synced.contact()
    assert contact["last_name"] == "Ours"
    _report, events = synced.run_counting()
    assert writes(events) == []
    assert synced.customer()["FamilyName"] == "Theirs"
    assert synced.pull() == 0  # pulling again keeps the one failure
    assert [f["id"] for f in _failures(synced)] == [failure["id"]]


def test_a_conflict_resolved_for_quickbooks_per_field_then_the_rest(synced: Synced) -> None:
    failure = _conflict(synced)
    firm = synced.c.firm
    url = f"/quickbooks/failures/{failure['id']}/resolve"
    half = firm.post(url, {"choices": {"email": "quickbooks"}}, status=200)
    assert half["resolved_at"] is None and list(half["conflicts"]) == ["last_name"]
    assert [e["address"] for e in synced.contact()["emails"]] == ["theirs@example.com"]
    done = firm.post(url, {"choices": {"last_name": "lawsync"}}, status=200)
    assert done["resolved_at"] is not None
    synced.c.run()
    customer = synced.customer()
    assert customer["FamilyName"] == "Ours"
    assert customer["PrimaryEmailAddr"]["Address"] == "theirs@example.com"
    contact = synced.contact()
    assert (contact["last_name"], contact["emails"][0]["address"]) == ("Ours", "theirs@example.com")
    assert synced.pull() == 0 and _failures(synced) == []
    assert writes(synced.run_counting()[1]) == []


def test_a_conflict_resolved_all_at_once_for_lawsync(synced: Synced) -> None:
    failure = _conflict(synced)
    synced.c.firm.post(f"/quickbooks/failures/{failure['id']}/resolve", {"all": "lawsync"}, 200)
    synced.c.run()
    customer = synced.customer()
    assert customer["FamilyName"] == "Ours"
    assert customer["PrimaryEmailAddr"]["Address"] == "ours@example.com"
    assert synced.pull() == 0 and _failures(synced) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"choices": {"phone": "quickbooks"}}, "choices.phone"),
        ({"choices": {"email": "both"}}, "choices.email"),
        ({"choices": {}}, "choices"),
        ({}, "choices"),
        ({"choices": {"email": "lawsync"}, "all": "lawsync"}, "choices"),
        ({"all": "mine"}, "all"),
    ],
)
def test_bad_choices_are_refused_and_change_nothing(
    synced: Synced, body: dict[str, Any], field: str
) -> None:
    failure = _conflict(synced)
    error = synced.c.firm.post(f"/quickbooks/failures/{failure['id']}/resolve", body, status=422)
    assert error["error"]["code"] and error["error"]["message"]
    assert str(error["error"]["field"]).startswith(field.split(".")[0])
    assert [f["conflicts"] for f in _failures(synced)] == [failure["conflicts"]]
    assert synced.contact()["last_name"] == "Ours"


def test_resolving_what_is_not_an_open_conflict_is_refused(synced: Synced) -> None:
    failure = _conflict(synced)
    firm = synced.c.firm
    url = f"/quickbooks/failures/{failure['id']}/resolve"
    firm.post(url, {"all": "quickbooks"}, status=200)
    assert firm.post(url, {"all": "quickbooks"}, status=409)["error"]["code"] == "failure_resolved"
    assert firm.post("/quickbooks/failures/999999/resolve", {"all": "lawsync"}, status=404)


def test_a_primary_email_of_another_contact_is_refused_while_the_rest_imports(
    synced: Synced,
) -> None:
    c = synced.c
    other = builders.client(c.firm, emails=[{"address": "taken@example.com", "primary": True}])
    synced.edit(PrimaryEmailAddr={"Address": "TAKEN@example.com"}, FamilyName="Renamed")
    assert synced.pull() == 1
    contact = synced.contact()
    assert contact["last_name"] == "Renamed"
    assert "taken@example.com" not in [e["address"].lower() for e in contact["emails"]]
    [failure] = _failures(synced)
    assert failure["code"] == EMAIL_TAKEN and "TAKEN@example.com" in failure["message"]
    assert "another lawsync contact" in failure["message"]
    # Other syncs go on: a bill of another client syncs in the next pass.
    matter = builders.matter(c.firm, other["id"])
    builders.time_entry(c.firm, matter["id"])
    builders.bill(c.firm, other["id"])
    report = c.run()
    assert report.kinds["bill"].synced == 1 and report.failed == 0
    assert synced.customer()["PrimaryEmailAddr"]["Address"] == "TAKEN@example.com"
    # Fixed in lawsync, then Retry: the customer is read again and its email taken.
    c.firm.patch(f"/contacts/{other['id']}", {"emails": [{"address": "else@example.com"}]})
    c.firm.post(f"/quickbooks/failures/{failure['id']}/retry", None, status=200)
    assert synced.pull() == 1  # nothing new in the feed: the retried customer is read again
    assert _failures(synced) == []
    assert [e["address"] for e in synced.contact()["emails"]] == ["TAKEN@example.com"]


def test_compare_all_reads_linked_customers_in_pages_and_merges_each(connected: Connected) -> None:
    first = synced_client(connected)
    second = synced_client(connected)
    first.edit(GivenName="First")
    second.edit(first.link(second.client["id"]).qbo_id, FamilyName="Second")
    taken, events = first.compare_all()
    assert taken == 2
    assert len(events) == 1  # one query for both
    assert first.contact()["first_name"] == "First"
    assert second.contact()["last_name"] == "Second"
    assert first.compare_all()[0] == 0
    assert writes(first.run_counting()[1]) == []


def test_a_customer_made_inactive_keeps_its_contact_untouched(synced: Synced) -> None:
    before = synced.contact()
    synced.edit(Active=False)
    assert synced.pull() == 0
    assert synced.contact() == before  # never deleted, never changed
    assert _failures(synced) == []  # billing the client again is what reports it (6250)
    assert synced.link(synced.client["id"]).qbo_id == synced.customer_id
    synced.edit(Active=True, FamilyName="Back")
    assert synced.pull() == 1
    assert synced.contact()["last_name"] == "Back"


def test_the_exporter_writes_the_base_it_agreed_on(synced: Synced) -> None:
    with synced.c.firm.ledger.uow(synced.c.firm.actor) as uow:
        base = uow.session.execute(select(ContactSyncBase)).scalar_one()
    assert base.fields["phone"] == "555-0100"
    assert base.fields["first_name"] == synced.client["first_name"]


def test_the_failures_page_settles_a_conflict_without_javascript(
    synced: Synced, server_url: str
) -> None:
    failure = _conflict(synced)
    browser = Browser(server_url)
    try:
        browser.sign_in(with_password(synced.c.firm))
        table = browser.page("/settings/quickbooks/failures")
        assert f'id="conflict-{failure["id"]}"' in table
        assert "theirs@example.com" in table and "ours@example.com" in table
        url = f"/settings/quickbooks/failures/{failure['id']}/resolve"
        page = "/settings/quickbooks/failures"
        bad = browser.submit(url, {"choice_phone": "quickbooks"}, from_page=page)
        assert bad.status_code == 422 and "not in conflict" in bad.text
        assert [f["id"] for f in _failures(synced)] == [failure["id"]]
        done = browser.submit(url, {"all": "quickbooks", "back": "contact"}, from_page=page)
        assert done.status_code == 303
        assert done.headers["location"].startswith(f"/contacts/{synced.client['id']}?said=")
    finally:
        browser.close()
    assert _failures(synced) == []
    contact = synced.contact()
    assert (contact["last_name"], contact["primary_email"]) == ("Theirs", "theirs@example.com")
    synced.c.run()
    assert synced.customer()["FamilyName"] == "Theirs"
    assert synced.pull() == 0 and _failures(synced) == []


def test_a_value_the_contact_rules_refuse_is_left_out_and_the_rest_imports(
    synced: Synced,
) -> None:
    synced.edit(WebAddr={"URI": "https://intranet"}, FamilyName="Kept")
    assert synced.pull() == 1
    contact = synced.contact()
    assert contact["last_name"] == "Kept" and contact["web_address"] == ""
    [failure] = _failures(synced)
    assert failure["code"] == REFUSED and failure["element"] == "web_address"
    assert "intranet" in failure["message"]
    # Fixed in QuickBooks: the change comes back, the failure closes, the address is taken.
    synced.edit(WebAddr={"URI": "https://intranet.example"})
    assert synced.pull() == 1
    assert _failures(synced) == []
    assert synced.contact()["web_address"] == "https://intranet.example"
