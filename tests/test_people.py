"""Users, contacts and matters: the rules a firm relies on, through the JSON API."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from lawsync.practice.models import AuditEvent
from tests import builders
from tests.conftest import Firm


def test_a_new_firm_has_exactly_one_primary_subscriber(firm: Firm) -> None:
    users = firm.get("/users")["data"]
    assert [u["is_primary_subscriber"] for u in users] == [True]
    assert users[0]["role"] == "admin"


def test_primary_subscriber_moves_but_never_duplicates(firm: Firm) -> None:
    new = firm.post(
        "/users",
        {"name": "Bea Boss", "email": "bea@example.com", "role": "admin", "default_rate": "300"},
    )
    assert new["default_rate"] == "300"
    firm.patch(f"/users/{new['id']}", {"is_primary_subscriber": True})
    primaries = [u for u in firm.get("/users")["data"] if u["is_primary_subscriber"]]
    assert [u["id"] for u in primaries] == [new["id"]]


def test_the_primary_subscriber_cannot_be_deactivated_or_demoted(firm: Firm) -> None:
    r = firm.api.patch(f"/users/{firm.admin_id}", json={"active": False})
    assert r.status_code == 409 and r.json()["error"]["field"] == "active"
    r = firm.api.patch(f"/users/{firm.admin_id}", json={"role": "member"})
    assert r.status_code == 409


def test_a_member_cannot_add_users_or_change_bill_settings(firm: Firm, server_url: str) -> None:
    member = firm.post("/users", {"name": "Max Member", "email": "max@example.com"})
    token = firm.post(f"/users/{member['id']}/tokens", {"label": "laptop"})["token"]
    api = httpx.Client(
        base_url=f"{server_url}/api/v1", headers={"Authorization": f"Bearer {token}"}
    )
    r = api.post("/users", json={"name": "Sneaky", "email": "s@example.com"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert api.put("/bill-settings", json={"next_bill_number": 5}).status_code == 403
    assert api.get("/contacts").status_code == 200


def test_a_deactivated_users_token_stops_working(firm: Firm, server_url: str) -> None:
    member = firm.post("/users", {"name": "Leo Leaving", "email": "leo@example.com"})
    token = firm.post(f"/users/{member['id']}/tokens", {})["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{server_url}/api/v1/contacts", headers=headers).status_code == 200
    firm.patch(f"/users/{member['id']}", {"active": False})
    assert httpx.get(f"{server_url}/api/v1/contacts", headers=headers).status_code == 401


def test_user_emails_are_unique_within_a_firm(firm: Firm) -> None:
    firm.post("/users", {"name": "A", "email": "same@example.com"})
    r = firm.api.post("/users", json={"name": "B", "email": "SAME@example.com"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "duplicate"


def test_person_and_company_contacts_get_a_stable_display_name(firm: Firm) -> None:
    p = firm.post("/contacts", {"kind": "person", "first_name": " Ada ", "last_name": "Lovelace"})
    assert p["display_name"] == "Ada Lovelace"
    co = firm.post("/contacts", {"kind": "company", "company_name": "Analytical Engines Ltd"})
    assert co["display_name"] == "Analytical Engines Ltd"
    again = firm.get(f"/contacts/{p['id']}")
    assert again["display_name"] == "Ada Lovelace"


def test_contact_keeps_several_emails_with_one_primary(firm: Firm) -> None:
    c = firm.post(
        "/contacts",
        {
            "kind": "person",
            "first_name": "Bo",
            "last_name": "Chen",
            "emails": [
                {"address": "bo@work.example.com"},
                {"address": "bo@home.example.com", "kind": "home", "primary": True},
            ],
            "phones": [{"number": "+1 555 0100"}],
            "web_address": "https://bo.example.com",
            "address": {"street": "1 Main St", "city": "Springfield", "postal_code": "12345"},
        },
    )
    assert c["primary_email"] == "bo@home.example.com"
    assert [e["primary"] for e in c["emails"]] == [False, True]
    assert c["address"]["city"] == "Springfield"
    r = firm.api.post(
        "/contacts",
        json={
            "kind": "person",
            "last_name": "Two",
            "emails": [
                {"address": "a@example.com", "primary": True},
                {"address": "b@example.com", "primary": True},
            ],
        },
    )
    assert r.status_code == 422 and r.json()["error"]["field"] == "emails"


def test_a_bad_web_address_is_refused(firm: Firm) -> None:
    r = firm.api.post(
        "/contacts", json={"kind": "company", "company_name": "X", "web_address": "not a url"}
    )
    assert r.status_code == 422 and r.json()["error"]["field"] == "web_address"


def test_editing_a_contact_bumps_its_revision_and_is_audited(firm: Firm) -> None:
    c = builders.client(firm)
    edited = firm.patch(f"/contacts/{c['id']}", {"last_name": "Renamed"})
    assert edited["revision"] == c["revision"] + 1
    assert edited["display_name"] == "Client Renamed"
    only_email = firm.patch(f"/contacts/{c['id']}", {"emails": [{"address": "new@example.com"}]})
    assert only_email["revision"] == edited["revision"] + 1
    with firm.ledger.uow(firm.actor) as uow:
        events = (
            uow.session.execute(
                select(AuditEvent)
                .where(AuditEvent.entity == "contact", AuditEvent.entity_id == c["id"])
                .order_by(AuditEvent.id)
            )
            .scalars()
            .all()
        )
    assert [e.action for e in events] == ["create", "update", "update"]
    assert events[1].changes["last_name"] == [c["last_name"], "Renamed"]
    assert events[1].user_id == firm.admin_id


def test_matters_are_numbered_in_sequence_and_numbers_are_unique(firm: Firm) -> None:
    c = builders.client(firm)
    first = builders.matter(firm, c["id"])
    second = builders.matter(firm, c["id"])
    assert (first["number"], second["number"]) == ("00001", "00002")
    custom = builders.matter(firm, c["id"], number="LIT-7")
    assert custom["number"] == "LIT-7"
    r = firm.api.post("/matters", json={"client_id": c["id"], "number": "LIT-7"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "duplicate"
    assert firm.get("/matters", client_id=c["id"])["data"][-1]["number"] == "LIT-7"


def test_a_closed_matter_takes_no_new_work(firm: Firm) -> None:
    c = builders.client(firm)
    m = builders.matter(firm, c["id"])
    firm.patch(f"/matters/{m['id']}", {"status": "closed"})
    r = firm.api.post(
        "/time-entries",
        json={"matter_id": m["id"], "date": "2026-03-02", "hours": "1", "rate": "100"},
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "matter_closed"


def test_the_matter_number_pattern_is_configurable(firm: Firm) -> None:
    settings = firm.patch("/firm", {"matter_number_pattern": "M-{n:04d}", "next_matter_number": 42})
    assert settings["matter_number_pattern"] == "M-{n:04d}"
    c = builders.client(firm)
    assert builders.matter(firm, c["id"])["number"] == "M-0042"
    assert builders.matter(firm, c["id"])["number"] == "M-0043"
    for bad in ("{x}", "no placeholder", "{n:05d}{0}"):
        r = firm.api.patch("/firm", json={"matter_number_pattern": bad})
        assert r.status_code == 422 and r.json()["error"]["field"] == "matter_number_pattern", bad
    assert firm.get("/firm")["matter_number_pattern"] == "M-{n:04d}"
