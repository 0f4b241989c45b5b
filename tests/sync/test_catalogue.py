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
        ("6140", {"kind": "client_funds_entry"}, "journal"),
        ("6140", {"kind": "client_funds_cheque"}, "cheque number"),
        ("6240", {"kind": "client_funds_cheque"}, "payee"),
        (
            "610",
            {"kind": "client_funds_cheque", "detail": "Another user has deleted this"},
            "cheque",
        ),
        ("6000", {"kind": "client_funds_entry", "element": "CurrencyRef"}, "currency"),
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
        for page in re.findall(r"(/settings/[a-z/]+|/client-funds\b)", text):
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
    assert {g.code for g in named} >= {"6140", "6240", "6250", "5020", "6430", "2500", "610"}
    for guide in named:
        assert set(guide.settings) <= known, guide.code
        text = " ".join(guide.steps).lower()
        assert "/api/v1/quickbooks/settings" in text and "retries this failure" in text
    # A retry step names the route that exists.
    assert any("/failures/<its id>/retry" in s for s in guide_for("6200").steps)


# Every code a client funds transaction can meet, ours included.
CLIENT_FUNDS_CODES = [
    "610",
    "2050",
    "2500",
    "6000",
    "6140",
    "6200",
    "6201",
    "6210",
    "6430",
    "lawsync:client_funds_unmapped",
    "lawsync:journal_number_too_long",
]
CLIENT_FUNDS_KINDS = ["client_funds_entry", "client_funds_cheque"]
FUNDS_SETTINGS = "/settings/quickbooks#client-funds"


@pytest.mark.parametrize("kind", CLIENT_FUNDS_KINDS)
@pytest.mark.parametrize("code", CLIENT_FUNDS_CODES)
def test_client_funds_failures_have_their_own_cause_and_name_a_page(code: str, kind: str) -> None:
    guide = guide_for(code, kind=kind)
    words = f"{guide.title} {guide.cause}".lower()
    assert "client funds" in words or "cheque" in words or "journal" in words, words
    if not code.startswith("lawsync:"):
        assert guide != guide_for(code), "the general guide, not the client funds one"
    text = " ".join(guide.steps)
    assert re.search(r"/settings/quickbooks|/client-funds", text), guide.steps
    if guide.settings:  # a fix in the settings is made in their client funds section
        assert FUNDS_SETTINGS in text and "/api/v1/quickbooks/settings" in text
        assert set(guide.settings) <= {"journal_prefix", "client_funds_accounts"}


def test_the_duplicate_number_fixes_follow_the_copy() -> None:
    """A journal entry's number is fixed by the duplicate-number warning or the journal prefix
    (saving it retries); a cheque's by the other cheque, never by the journal prefix."""
    entry = guide_for("6140", kind="client_funds_entry")
    assert entry.settings == ("journal_prefix",)
    assert "Warn if duplicate journal number is used" in " ".join(entry.steps)
    cheque = guide_for("6140", kind="client_funds_cheque")
    assert cheque.settings == () and "journal prefix" not in " ".join(cheque.steps)
    assert guide_for("lawsync:journal_number_too_long").settings == ("journal_prefix",)


def test_a_family_variant_leaves_other_kinds_alone() -> None:
    for code in ("610", "2050", "2500", "6000", "6140", "6200", "6430"):
        assert guide_for(code, kind="bill") == guide_for(code)
    # A cheque's payee clash is the cheque's; a journal entry names no payee.
    assert guide_for("6240", kind="client_funds_entry") == guide_for("6240")
    assert guide_for("6240", kind="client_funds_cheque") != guide_for("6240")


def test_closed_books_for_client_funds_never_advise_a_new_date_or_a_reversal() -> None:
    """A client funds transaction is never redated, and reversing one that failed would post
    the reversal alone."""
    for code in ("6200", "6201", "6210"):
        guide = guide_for(code, kind="client_funds_entry")
        text = " ".join(guide.steps).lower()
        assert "change the record's date" not in text
        assert "do not reverse" in text and "close the books" in text


def test_the_settings_page_has_the_client_funds_section_guides_point_at() -> None:
    from pathlib import Path

    import lawsync.web

    template = Path(lawsync.web.__file__).parent / "templates" / "quickbooks_settings.html"
    assert 'id="client-funds"' in template.read_text()
