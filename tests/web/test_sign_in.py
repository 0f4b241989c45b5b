"""Signing in and out of the web app: passwords, the session cookie, CSRF, the rate limit."""

from __future__ import annotations

import pytest

from lawsync.errors import InvalidInput
from lawsync.practice.services import sign_in
from tests.conftest import Firm
from tests.web.browser import PASSWORD, Browser, with_password


def test_a_page_asks_to_sign_in_and_comes_back_after(firm: Firm, browser: Browser) -> None:
    email = with_password(firm)
    r = browser.get("/settings/quickbooks/failures", kind="bill")
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=/settings/quickbooks/failures%3Fkind%3Dbill"
    r = browser.http.post(
        "/login",
        data={"email": email, "password": PASSWORD, "next": "/settings/quickbooks/failures"},
    )
    assert (r.status_code, r.headers["location"]) == (303, "/settings/quickbooks/failures")
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "Sync failures" in browser.page("/settings/quickbooks/failures")


def test_a_wrong_password_is_refused_without_saying_which_part(
    firm: Firm, browser: Browser
) -> None:
    email = with_password(firm)
    for wrong in ({"email": email, "password": "not it at all"}, {"email": "nobody@x.example"}):
        r = browser.http.post("/login", data={"password": PASSWORD, "next": "/", **wrong})
        assert r.status_code == 401
        assert "do not match an account" in r.text
        assert browser.get("/").status_code == 303  # still signed out


def test_next_never_leads_to_another_site(firm: Firm, browser: Browser) -> None:
    email = with_password(firm)
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        r = browser.http.post("/login", data={"email": email, "password": PASSWORD, "next": target})
        assert r.headers["location"] == "/", target


def test_sign_out_ends_the_session_and_needs_the_csrf_token(firm: Firm, browser: Browser) -> None:
    browser.sign_in(with_password(firm))
    stolen = browser.http.cookies.get("lawsync_session")
    r = browser.http.post("/logout", data={})
    assert r.status_code == 403 and "did not come from lawsync" in r.text
    assert browser.get("/").status_code == 200  # a forged sign-out did nothing
    r = browser.submit("/logout", {})
    assert (r.status_code, r.headers["location"]) == (303, "/login")
    browser.http.cookies.set("lawsync_session", stolen or "")
    assert browser.get("/").status_code == 303  # the old cookie no longer signs in


def test_a_new_password_ends_every_open_session(firm: Firm, browser: Browser) -> None:
    browser.sign_in(with_password(firm))
    assert browser.get("/").status_code == 200
    sign_in.set_password(firm.ledger, firm.actor, firm.admin_id, "another long password")
    assert browser.get("/").status_code == 303


def test_passwords_have_a_minimum_length_and_are_stored_hashed(firm: Firm) -> None:
    with pytest.raises(InvalidInput) as short:
        sign_in.set_password(firm.ledger, firm.actor, firm.admin_id, "short")
    assert short.value.field == "password"
    with_password(firm)
    from lawsync.practice.models import Credential

    with firm.ledger.uow(firm.id) as uow:
        stored = uow.session.get(Credential, firm.admin_id)
        assert stored is not None
        assert (
            stored.password_hash.startswith("$argon2id$") and PASSWORD not in stored.password_hash
        )


def test_a_ledger_given_no_hasher_uses_argon2s_recommended_parameters_and_upgrades_a_hash(
    firm: Firm,
) -> None:
    """The tests' ledger hashes cheaply (tests/conftest.py); a ledger as `lawsync serve` makes
    it signs in with a cheap hash, then keeps the password hashed at the recommended cost."""
    from argon2 import PasswordHasher
    from argon2.profiles import RFC_9106_LOW_MEMORY

    from lawsync.practice.models import Credential
    from lawsync.practice.services.context import Ledger

    served = Ledger(firm.ledger.factory)
    recommended = PasswordHasher()
    assert (
        served.password_hasher.time_cost == recommended.time_cost == RFC_9106_LOW_MEMORY.time_cost
    )
    assert served.password_hasher.memory_cost == recommended.memory_cost
    email = with_password(firm)
    opened = sign_in.open_session(served, email, PASSWORD)
    assert opened.signed_in.actor.firm_id == firm.id
    with firm.ledger.uow(firm.id) as uow:
        stored = uow.session.get(Credential, firm.admin_id)
        assert stored is not None
        assert f"m={recommended.memory_cost},t={recommended.time_cost}," in stored.password_hash
    with pytest.raises(sign_in.SignInRefused):
        sign_in.open_session(served, email, "not the password at all")


def test_sign_in_is_refused_for_a_while_after_five_failures(firm: Firm, browser: Browser) -> None:
    email = with_password(firm)
    for _ in range(5):
        assert browser.sign_in(email, "wrong wrong wrong").status_code == 401
    r = browser.sign_in(email)  # even the right password waits now
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    assert "Too many failed sign-ins" in r.text


def test_one_email_in_two_firms_asks_which_firm(
    firm: Firm, other_firm: Firm, browser: Browser
) -> None:
    email = with_password(firm)
    twin = other_firm.post("/users", {"name": "Ada Twin", "email": email, "role": "member"})
    sign_in.set_password(other_firm.ledger, other_firm.actor, twin["id"], PASSWORD)
    r = browser.sign_in(email)
    assert r.status_code == 200 and "several firms" in r.text
    assert f'value="{other_firm.id}"' in r.text and f'value="{firm.id}"' in r.text
    r = browser.http.post(
        "/login", data={"email": email, "password": PASSWORD, "firm": other_firm.id, "next": "/"}
    )
    assert r.status_code == 303
    assert "Other Firm LLP" in browser.page("/")
