"""Money, numbers, dates and times on the pages as the signed-in firm writes them (its locale,
currency and time zone), set through the API or the firm's settings page; what machines read
(form values, CSV files, the JSON API) stays ISO dates and plain decimals."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lawsync.practice.services.context import Ledger
from lawsync.sync.models import QuickBooksConnection
from tests import builders
from tests.conftest import Firm, make_firm
from tests.web.browser import PASSWORD, Browser, connected, member, with_password
from tests.web.playwright_support import look

DAY = dt.date(2026, 12, 6)
# 7 pm on DAY in New York and Toronto; already the 7th in UTC.
MOMENT = dt.datetime(2026, 12, 7, 0, 0, tzinfo=dt.UTC)
NNBSP, NBSP = "\u202f", "\xa0"  # CLDR's narrow space before AM/PM, and French grouping space


@pytest.fixture
def firms() -> Iterator[list[Firm]]:
    """The extra firms a test makes (each with its own locale), closed after it."""
    made: list[Firm] = []
    yield made
    for firm in made:
        firm.api.close()


def _firm_as(firms: list[Firm], ledger: Ledger, server_url: str, **settings: str) -> Firm:
    firm = make_firm(ledger, server_url, f"{settings['locale']} Firm")
    firms.append(firm)
    saved = firm.patch("/firm", settings)
    assert {k: saved[k] for k in settings} == settings
    return firm


def _bill_of_1234_50(firm: Firm, currency: str) -> dict[str, object]:
    """A draft bill issued on DAY for one line of 1,234.50 in ``currency``."""
    c = builders.client(firm)
    m = builders.matter(firm, c["id"])
    builders.time_entry(firm, m["id"], hours="1", rate="1234.50", date=DAY)
    bill = builders.bill(
        firm, c["id"], approve=False, issue_date=DAY.isoformat(), currency=currency
    )
    assert (bill["total"], bill["issue_date"]) == ("1234.50", "2026-12-06")  # the API: plain
    return bill


def _last_sync_at(firm: Firm, moment: dt.datetime) -> None:
    connection_id = connected(firm)
    with firm.ledger.uow(firm.id) as uow:
        row = uow.session.get(QuickBooksConnection, connection_id)
        assert row is not None
        row.last_sync_at = moment
        uow.commit()


def _text(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">([^<]*)<', html)
    assert found, f"no #{element_id} on the page"
    return found.group(1)


@pytest.mark.parametrize(
    ("settings", "bill_currency", "total", "line", "date", "moment"),
    [
        (
            {"currency": "USD", "locale": "en_US", "time_zone": "America/New_York"},
            "USD",
            "$1,234.50",
            "1,234.50",
            "Dec 6, 2026",
            f"Dec 6, 2026, 7:00{NNBSP}PM EST",
        ),
        (
            {"currency": "CAD", "locale": "en_CA", "time_zone": "America/Toronto"},
            "USD",
            "US$1,234.50",
            "1,234.50",
            "Dec 6, 2026",
            f"Dec 6, 2026, 7:00{NNBSP}p.m. EST",
        ),
        (
            {"currency": "CAD", "locale": "en_CA", "time_zone": "America/Toronto"},
            "CAD",
            "$1,234.50",
            "1,234.50",
            "Dec 6, 2026",
            f"Dec 6, 2026, 7:00{NNBSP}p.m. EST",
        ),
        (
            {"currency": "CAD", "locale": "fr_CA", "time_zone": "America/Toronto"},
            "CAD",
            f"1{NBSP}234,50{NBSP}$",
            f"1{NBSP}234,50",
            "6 déc. 2026",
            "6 déc. 2026, 19 h 00 HNE",
        ),
        (
            {"currency": "USD", "locale": "en_GB", "time_zone": "Europe/London"},
            "USD",
            "US$1,234.50",
            "1,234.50",
            "6 Dec 2026",
            "7 Dec 2026, 00:00 GMT",
        ),
    ],
    ids=["usd-en_US", "cad-en_CA-usd-bill", "cad-en_CA", "cad-fr_CA", "usd-en_GB"],
)
def test_the_same_bill_reads_as_each_firm_writes_money_and_dates(
    firms: list[Firm],
    ledger: Ledger,
    server_url: str,
    browser: Browser,
    settings: dict[str, str],
    bill_currency: str,
    total: str,
    line: str,
    date: str,
    moment: str,
) -> None:
    firm = _firm_as(firms, ledger, server_url, **settings)
    bill = _bill_of_1234_50(firm, bill_currency)
    _last_sync_at(firm, MOMENT)
    browser.sign_in(with_password(firm))

    page = browser.page(f"/bills/{bill['id']}")
    assert _text(page, "bill-total") == total and _text(page, "bill-balance") == total
    assert f"<dt>Issued</dt><dd>{date}</dd>" in page
    assert f"<td>{line}</td>" in page  # a line's amount: the bill's currency is said below
    listed = browser.page("/bills")
    assert f"<td>{total}</td>" in listed and f"<td>{date}</td>" in listed
    assert f"Last sync: {moment}</p>" in browser.page("/")

    # What a machine (or the browser's date picker) reads back stays plain.
    edit = browser.page(f"/bills/{bill['id']}/edit")
    assert re.search(r'name="issue_date"[^>]*value="2026-12-06"', edit)
    assert re.search(r'name="line-[0-9]+-price"[^>]*value="1234.5', edit)


def test_three_firms_show_one_amount_and_date_three_ways(
    firms: list[Firm], ledger: Ledger, server_url: str, browser: Browser
) -> None:
    shown = []
    for settings, currency in (
        ({"currency": "USD", "locale": "en_US", "time_zone": "America/New_York"}, "USD"),
        ({"currency": "CAD", "locale": "en_CA", "time_zone": "America/Toronto"}, "USD"),
        ({"currency": "CAD", "locale": "fr_CA", "time_zone": "America/Toronto"}, "CAD"),
    ):
        firm = _firm_as(firms, ledger, server_url, **settings)
        bill = _bill_of_1234_50(firm, currency)
        browser.sign_in(with_password(firm))
        page = browser.page(f"/bills/{bill['id']}")
        issued = re.search(r"<dt>Issued</dt><dd>([^<]*)</dd>", page)
        assert issued
        shown.append((_text(page, "bill-total"), issued.group(1)))
        browser.http.cookies.clear()
    assert shown == [
        ("$1,234.50", "Dec 6, 2026"),
        ("US$1,234.50", "Dec 6, 2026"),
        (f"1{NBSP}234,50{NBSP}$", "6 déc. 2026"),
    ]


def test_the_locale_and_time_zone_are_read_and_set_through_the_api(
    firm: Firm, browser: Browser
) -> None:
    settings = firm.get("/firm")
    assert (settings["locale"], settings["time_zone"]) == ("en_US", "UTC")  # the defaults
    _last_sync_at(firm, MOMENT)
    browser.sign_in(with_password(firm))
    assert f"Last sync: Dec 7, 2026, 12:00{NNBSP}AM UTC</p>" in browser.page("/")

    saved = firm.patch("/firm", {"locale": " fr-ca ", "time_zone": "america/toronto"})
    assert (saved["locale"], saved["time_zone"]) == ("fr_CA", "America/Toronto")  # as stored
    assert firm.get("/firm")["locale"] == "fr_CA"
    # The next page the signed-in browser asks for is in the firm's new formats.
    assert "Last sync: 6 déc. 2026, 19 h 00 HNE</p>" in browser.page("/")
    audit = firm.get("/audit-events", entity="firm")["data"]
    assert audit[-1]["changes"]["locale"] == ["en_US", "fr_CA"]


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"locale": "xx_YY"}, "locale", "xx_YY is not a locale lawsync knows"),
        ({"locale": "en_US.UTF-8"}, "locale", "is not a locale lawsync knows"),
        ({"locale": "C"}, "locale", ""),
        ({"locale": "x" * 40}, "locale", ""),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "is not an IANA time zone"),
        ({"time_zone": "localtime"}, "time_zone", "is not an IANA time zone"),
        ({"time_zone": ""}, "time_zone", ""),
        ({"locale": 12}, "locale", ""),
    ],
)
def test_an_unknown_locale_or_time_zone_is_refused_naming_its_field(
    firm: Firm, body: dict[str, object], field: str, says: str
) -> None:
    r = firm.api.patch("/firm", json={**body, "name": "Renamed LLP"})
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert (error["code"], error["field"]) == ("invalid", field)
    assert error["message"].startswith(f"{field}: ") and says in error["message"]
    unchanged = firm.get("/firm")
    assert (unchanged["name"], unchanged["locale"], unchanged["time_zone"]) == (
        "Test Firm LLP",
        "en_US",
        "UTC",
    )


def test_only_an_administrator_changes_them_through_the_api(firm: Firm) -> None:
    user = firm.post("/users", {"name": "Mo", "email": f"mo-{firm.id}@x.example"})
    made = firm.post(f"/users/{user['id']}/tokens", {"label": "mo"})
    r = firm.api.patch(
        "/firm",
        json={"locale": "fr_CA"},
        headers={"Authorization": f"Bearer {made['token']}"},
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert firm.get("/firm")["locale"] == "en_US"


def test_an_administrator_sets_them_on_the_firm_settings_page(firm: Firm, browser: Browser) -> None:
    browser.sign_in(with_password(firm))
    page = browser.page("/settings/firm")
    assert 'href="/settings/firm" aria-current="page"' in page
    assert 'name="locale" type="text" value="en_US"' in page
    assert 'name="time_zone" type="text" value="UTC"' in page
    assert '<option value="fr_CA">' in page and '<option value="America/Toronto">' in page
    assert "<dd>-$1,234.50</dd>" in page  # the sample: the firm's currency, a negative amount

    r = browser.submit(
        "/settings/firm",
        {"locale": "fr_CA", "time_zone": "America/Toronto"},
        from_page="/settings/firm",
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/settings/firm?said=")
    assert (firm.get("/firm")["locale"], firm.get("/firm")["time_zone"]) == (
        "fr_CA",
        "America/Toronto",
    )
    page = browser.page(r.headers["location"])
    assert "Firm settings saved." in page and 'value="fr_CA"' in page
    assert f"<dd>-1{NBSP}234,50{NBSP}${NBSP}US</dd>" in page  # a USD firm, written in fr_CA
    assert re.search(
        r"<dd>[0-9]{1,2} [a-zéû]+\.? 20[0-9]{2}, [0-9]{2} h [0-9]{2} H[NA]E</dd>", page
    )


def test_the_firm_settings_page_in_a_real_browser(page: Any, firm: Firm, server_url: str) -> None:
    """Sign in, open the page from the navigation, type a locale and time zone, save; the page
    and a bill read the French-Canadian way. Screenshotted and checked by axe-core."""
    *_, bill = builders.billed_client(firm)  # 2 h at 150: 300.00
    page.goto(server_url + "/")
    page.fill("#email", with_password(firm))
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(server_url + "/")
    page.click("nav[aria-label=Main] a:has-text('Firm')")
    page.wait_for_url(server_url + "/settings/firm")
    page.fill("#f-locale", "fr_CA")
    page.fill("#f-time_zone", "Mars/Olympus_Mons")
    page.click("button:has-text('Save')")
    page.wait_for_selector("#time_zone-error")
    look(page, "firm-settings-refused")
    page.fill("#f-time_zone", "America/Toronto")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=Firm settings saved.")
    look(page, "firm-settings")
    assert page.inner_text("#firm-sample dd >> nth=0") == f"-1{NBSP}234,50{NBSP}${NBSP}US"
    page.goto(f"{server_url}/bills/{bill['id']}")
    assert page.inner_text("#bill-total") == f"300,00{NBSP}${NBSP}US"


def test_the_page_refuses_an_unknown_locale_or_time_zone_beside_its_field(
    firm: Firm, browser: Browser
) -> None:
    browser.sign_in(with_password(firm))
    r = browser.submit(
        "/settings/firm",
        {"locale": "klingon", "time_zone": "Mars/Olympus_Mons"},
        from_page="/settings/firm",
    )
    assert r.status_code == 422
    page = r.text
    locale_error = re.search(r'id="locale-error" role="alert">([^<]*)<', page)
    zone_error = re.search(r'id="time_zone-error" role="alert">([^<]*)<', page)
    assert locale_error and "klingon is not a locale lawsync knows" in locale_error.group(1)
    assert zone_error and "Mars/Olympus_Mons is not an IANA time zone" in zone_error.group(1)
    assert 'value="klingon" aria-invalid="true" aria-describedby="locale-error"' in page
    assert 'value="Mars/Olympus_Mons" aria-invalid="true"' in page  # as typed, to correct
    assert (firm.get("/firm")["locale"], firm.get("/firm")["time_zone"]) == ("en_US", "UTC")

    r = browser.submit(
        "/settings/firm", {"locale": "en_CA", "time_zone": "Nowhere"}, from_page="/settings/firm"
    )
    assert r.status_code == 422 and 'id="time_zone-error"' in r.text
    assert 'id="locale-error"' not in r.text
    assert firm.get("/firm")["locale"] == "en_US"  # nothing of a refused form is saved


def test_a_member_sees_the_settings_but_cannot_change_them(
    firm: Firm, other_browser: Browser
) -> None:
    other_browser.sign_in(member(firm))
    page = other_browser.page("/settings/firm")
    assert "<fieldset disabled>" in page and "Only an administrator" in page
    r = other_browser.submit(
        "/settings/firm",
        {"locale": "fr_CA", "time_zone": "America/Toronto"},
        from_page="/settings/firm",
    )
    assert r.status_code == 403 and "change the firm" in r.text
    assert 'name="locale" type="text" value="en_US"' in r.text  # the settings as they are
    assert firm.get("/firm")["locale"] == "en_US"


def test_csv_files_and_form_values_stay_plain_in_any_locale(firm: Firm, browser: Browser) -> None:
    firm.patch("/firm", {"locale": "fr_CA", "time_zone": "America/Toronto", "currency": "CAD"})
    account = builders.trust_account(firm)
    c = builders.client(firm)
    m = builders.matter(firm, c["id"])
    builders.deposit(firm, account["id"], c["id"], "1234.50", matter_id=m["id"], date=DAY)
    builders.disburse(firm, account["id"], c["id"], "120.25", matter_id=m["id"], date=DAY)
    entry = builders.time_entry(firm, m["id"], hours="1.5", rate="1234.5678", date=DAY)
    browser.sign_in(with_password(firm))

    path = "/reports/client-funds-ledger"
    params = {"account_id": account["id"], "from": "2026-01-01", "to": "2026-12-31"}
    html = browser.page(path, **params)
    assert "<td>-120,25</td>" in html and "<td>6 déc. 2026</td>" in html  # people read these
    assert f'data-total="closing">1{NBSP}114,25<' in html

    r = browser.get(path, **params, format="csv")
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.text)))
    moves = [(row["Date"], row["Amount"], row["Balance"]) for row in rows if row["Date"]]
    assert moves == [("2026-12-06", "1234.50", "1234.50"), ("2026-12-06", "-120.25", "1114.25")]
    assert rows[-1]["Balance"] == "1114.25"

    # The account's page: its balance in words for people; the forms' dates stay ISO.
    account_page = browser.page(f"/client-funds/{account['id']}")
    assert _text(account_page, "account-balance") == f"1{NBSP}114,25{NBSP}$"
    assert re.search(r'type="date"[^>]*value="20[0-9]{2}-[0-9]{2}-[0-9]{2}"', account_page)

    # A time entry: its hours, rate and amount read the French way, its edit form as typed.
    matter_page = browser.page(f"/matters/{m['id']}")
    assert f"<td>1,5</td>\n    <td>1{NBSP}234,5678</td><td>1{NBSP}851,85</td>" in matter_page
    edit = browser.page(f"/time/{entry['id']}/edit")
    assert 'value="2026-12-06"' in edit and 'value="1.5"' in edit and 'value="1234.5678"' in edit


TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "lawsync" / "web" / "templates"
LOCALE_FILTERS = re.compile(r"\|\s*(money|when|number)\b")
IMPORT = re.compile(r'{%-?\s*(?:from|import)\s+"([^"]+)"[^%]*?%}')


def test_macros_that_write_money_or_dates_are_imported_with_the_page_context() -> None:
    """A macro imported without context sees no ``formats``: it would write en_US and UTC."""
    uses_filters = {
        p.name for p in TEMPLATES.glob("*.html") if LOCALE_FILTERS.search(p.read_text())
    }
    for page in TEMPLATES.glob("*.html"):
        for statement in IMPORT.finditer(page.read_text()):
            if statement.group(1) in uses_filters:
                assert "with context" in statement.group(0), (page.name, statement.group(0))
