"""Every failure the accounting side can report comes with a cause and a fix in plain words."""

from __future__ import annotations

import json
import re

import pytest

from lawsync.quickbooks import (
    CompanyInactiveError,
    PermanentError,
    QuickBooksError,
    ReconnectNeededError,
    TransientError,
    parse_fault,
)
from lawsync.sync.catalogue import Guide, guide_for, known_codes, knows

# Every code in the troubleshooting catalogue the product is modelled on, plus the ones the
# sync itself produces before spending an API call.
SEED_CODES = [
    "120",
    "http-403",
    "http-503",
    "610",
    "620",
    "2020",
    "2050",
    "2200",
    "2210",
    "2220",
    "2500",
    "3100",
    "5020",
    "5030",
    "6000",
    "6070",
    "6140",
    "6190",
    "6200",
    "6201",
    "6210",
    "6240",
    "6250",
    "6470",
    "6480",
    "6540",
    "lawsync:no-lines",
    "lawsync:item-lines",
    "lawsync:email-conflict",
]


@pytest.mark.parametrize("code", SEED_CODES)
def test_each_code_has_a_cause_and_steps(code: str) -> None:
    guide = guide_for(code)
    assert guide.title and guide.cause and guide.steps
    assert guide.title != "QuickBooks refused the change"


def test_closed_books_codes_share_one_guide() -> None:
    assert guide_for("6201").title == guide_for("6210").title == guide_for("6200").title


@pytest.mark.parametrize(
    ("code", "kwargs", "expect"),
    [
        ("2020", {"element": "Line"}, "no lines"),
        ("2020", {"element": "DepositToAccountRef"}, "Undeposited Funds"),
        ("2050", {"element": "DocNumber"}, "bill number"),
        ("2050", {"element": "CustomerMemo"}, "matter numbers"),
        ("2500", {"detail": "Invalid Reference Id : Klasses element id 9 not found"}, "class"),
        ("6140", {"kind": "credit_note"}, "credit memo"),
        ("6140", {"kind": "interest_charge"}, "interest charge"),
        ("6140", {"kind": "client_funds_transaction"}, "journal"),
        ("6240", {"kind": "user"}, "class"),
        ("620", {"kind": "payment", "element": "Line.LinkedTxn"}, "another customer"),
        ("620", {"kind": "credit_application"}, "another customer"),
        ("6470", {"element": "TaxCodeRef"}, "no sales rate"),
        ("6470", {}, "calculate tax"),
        ("6480", {"kind": "payment"}, "matched to a bank transaction"),
        ("620", {"kind": "bill", "element": "CustomerRef"}, "found in QuickBooks"),
        (
            "6000",
            {"detail": "Business Validation Error: You must set a transaction amount."},
            "no amount",
        ),
    ],
)
def test_variants_follow_the_field_the_text_or_the_record(
    code: str, kwargs: dict[str, str], expect: str
) -> None:
    assert expect.lower() in guide_for(code, **kwargs).title.lower()


def test_unknown_codes_still_say_what_to_do() -> None:
    guide = guide_for("9999")
    assert guide.code == "9999" and guide.steps


def _fault(status: int, code: str) -> QuickBooksError:
    body = {"Fault": {"Error": [{"Message": "m", "code": code}], "type": "ValidationFault"}}
    return parse_fault(status, {}, json.dumps(body).encode())


def test_what_a_code_means_is_the_clients_class_and_the_catalogue_only_explains_it() -> None:
    """Reconnect (120, 3200 after a refresh, 6190), transient (503, 3100 from a 5xx) and
    permanent (6140) are told apart by the client's classes; each still has its guide."""
    assert isinstance(_fault(401, "120"), ReconnectNeededError)
    assert isinstance(_fault(401, "3200"), ReconnectNeededError)
    assert isinstance(_fault(400, "6190"), CompanyInactiveError)
    assert isinstance(_fault(503, ""), TransientError)
    assert isinstance(_fault(500, "3100"), TransientError)
    assert isinstance(_fault(403, "3100"), ReconnectNeededError)
    assert isinstance(_fault(400, "6140"), PermanentError)
    for code in ("120", "3200", "6190", "http-503", "3100", "6140"):
        assert knows(code) and guide_for(code).steps
    assert not knows("9999")
    assert set(SEED_CODES) - {"6201", "6210"} <= set(known_codes())


def _every_guide() -> list[Guide]:
    from lawsync.sync.catalogue import _CATALOGUE

    return [g for e in _CATALOGUE.values() for g in (e.default, *(v[3] for v in e.variants))]


def test_guides_point_at_pages_that_exist_and_never_say_wait(server_url: str) -> None:
    """A step that says where to act names a page of the web app by its path."""
    import httpx

    pages: set[str] = set()
    pointed = 0
    for guide in _every_guide():
        text = " ".join(guide.steps)
        for phrase in (
            "Accounting sync",
            "wait for the next sync",
            "Retry here",
            "Settings screen",
        ):
            assert phrase not in text, (guide.code, phrase)
        for page in re.findall(r"(/settings/[a-z/]+)", text):
            pages.add(page.rstrip("/"))
            pointed += 1
        if "Retry" in text and "press Retry" in text:
            assert "/settings/quickbooks/failures" in text, guide.code
    assert pointed > 10
    for page in pages:  # signed out, each page leads to the sign-in and back to itself
        r = httpx.get(server_url + page, headers={"Accept": "text/html"})
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), page


def test_guides_that_name_a_setting_say_saving_it_retries_and_name_real_settings() -> None:
    from lawsync.sync.settings import SyncSettingsUpdate

    known = set(SyncSettingsUpdate.model_fields)
    named = [g for g in _every_guide() if g.settings]
    assert {g.code for g in named} >= {"6140", "6240", "6250", "5020", "6430"}
    for guide in named:
        assert set(guide.settings) <= known, guide.code
        text = " ".join(guide.steps).lower()
        assert "/api/v1/quickbooks/settings" in text and "retries this failure" in text
    # A retry step names the route that exists.
    assert any("/failures/<its id>/retry" in s for s in guide_for("6200").steps)
