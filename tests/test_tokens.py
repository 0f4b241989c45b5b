"""API tokens expire, can be listed and revoked, and die with their user for good."""

from __future__ import annotations

import datetime as dt

import httpx
from sqlalchemy import update

from lawsync.practice.models import ApiToken
from lawsync.practice.services.firms import hash_token
from tests.conftest import Firm


def _as(server_url: str, token: str) -> httpx.Client:
    return httpx.Client(
        base_url=f"{server_url}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )


def test_a_token_lasts_90_days_unless_asked_otherwise(firm: Firm) -> None:
    before = dt.datetime.now(dt.UTC)
    default = firm.post("/tokens", {"label": "laptop"})
    short = firm.post("/tokens", {"label": "script", "expires_in_days": 7})
    assert default["token"].startswith("lsk_") and default["label"] == "laptop"
    lasts = dt.datetime.fromisoformat(default["expires_at"]) - before
    assert dt.timedelta(days=89, hours=23) < lasts <= dt.timedelta(days=90, minutes=1)
    lasts = dt.datetime.fromisoformat(short["expires_at"]) - before
    assert dt.timedelta(days=6, hours=23) < lasts <= dt.timedelta(days=7, minutes=1)
    for days in (0, 367, "30"):
        r = firm.api.post("/tokens", json={"expires_in_days": days})
        assert r.status_code == 422 and r.json()["error"]["field"] == "expires_in_days", r.text


def test_an_expired_token_is_refused_saying_it_expired(firm: Firm, server_url: str) -> None:
    issued = firm.post("/tokens", {"label": "old"})
    with _as(server_url, issued["token"]) as api:
        assert api.get("/contacts").status_code == 200
        with firm.ledger.uow(None) as uow:
            uow.session.execute(
                update(ApiToken)
                .where(ApiToken.token_hash == hash_token(issued["token"]))
                .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
            )
            uow.commit()
        r = api.get("/contacts")
    assert r.status_code == 401
    error = r.json()["error"]
    assert error["code"] == "token_expired" and "expired on" in error["message"]


def test_tokens_are_listed_without_their_secret_and_revoked_at_once(
    firm: Firm, server_url: str
) -> None:
    issued = firm.post("/tokens", {"label": "to revoke"})
    listed = firm.get("/tokens")["data"]
    assert [t["label"] for t in listed][:1] == ["to revoke"]
    assert all("token" not in t and t["user_id"] == firm.admin_id for t in listed)
    assert len(listed) == 2  # and the one made with the firm
    with _as(server_url, issued["token"]) as api:
        assert api.get("/contacts").status_code == 200
        revoked = firm.delete(f"/tokens/{issued['id']}")
        assert revoked["revoked_at"] is not None
        r = api.get("/contacts")
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    assert firm.delete(f"/tokens/{issued['id']}")["revoked_at"] == revoked["revoked_at"]
    firm.delete("/tokens/987654321", status=404)


def test_a_member_manages_only_their_own_tokens(
    firm: Firm, other_firm: Firm, server_url: str
) -> None:
    member = firm.post("/users", {"name": "Mo Member", "email": "mo-tokens@example.com"})
    given = firm.post(f"/users/{member['id']}/tokens", {"label": "given", "expires_in_days": 30})
    with _as(server_url, given["token"]) as api:
        own = api.post("/tokens", json={"label": "mine"})
        assert own.status_code == 201
        mine = api.get("/tokens").json()["data"]
        assert {t["label"] for t in mine} == {"given", "mine"}
        admins = firm.get("/tokens")["data"][0]
        assert api.delete(f"/tokens/{admins['id']}").status_code == 403
        assert api.get("/tokens", params={"user_id": firm.admin_id}).status_code == 403
        assert api.delete(f"/tokens/{own.json()['id']}").status_code == 200
    assert {t["label"] for t in firm.get("/tokens", user_id=member["id"])["data"]} == {
        "given",
        "mine",
    }
    theirs = other_firm.get("/tokens")["data"][0]
    firm.delete(f"/tokens/{theirs['id']}", status=404)


def test_a_deactivated_users_tokens_stay_dead_when_reactivated(firm: Firm, server_url: str) -> None:
    member = firm.post("/users", {"name": "Leo Leaving", "email": "leo-back@example.com"})
    token = firm.post(f"/users/{member['id']}/tokens", {})["token"]
    with _as(server_url, token) as api:
        assert api.get("/contacts").status_code == 200
        firm.patch(f"/users/{member['id']}", {"active": False})
        assert api.get("/contacts").status_code == 401
        r = firm.api.post(f"/users/{member['id']}/tokens", json={})
        assert r.status_code == 409 and r.json()["error"]["code"] == "user_inactive"
        firm.patch(f"/users/{member['id']}", {"active": True})
        assert api.get("/contacts").status_code == 401
    listed = firm.get("/tokens", user_id=member["id"])["data"]
    assert listed and all(t["revoked_at"] is not None for t in listed)
    fresh = firm.post(f"/users/{member['id']}/tokens", {})["token"]
    with _as(server_url, fresh) as api:
        assert api.get("/contacts").status_code == 200
