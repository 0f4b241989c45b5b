"""Pickers on a firm with more clients than a list shows at once: the search fragment htmx asks
for, the page narrowed without JavaScript, forms that come back with their choice, and tenancy."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from lawsync.practice.services.context import Ledger
from lawsync.web.pages.forms import CHOICES
from tests import builders
from tests.conftest import Firm, make_firm
from tests.web.browser import PASSWORD, Browser, person, with_password
from tests.web.playwright_support import look

CLIENTS = 620  # well past the first page of a picker
OPTION = re.compile(r'<option value="(\d+)"( selected)?>([^<]*)</option>')


@dataclass
class Crowd:
    firm: Firm
    clients: list[int]  # "Bulk 0001" … "Bulk 0620", in that order

    def client(self, n: int) -> int:
        """The id of "Bulk <n>"."""
        return self.clients[n - 1]


@pytest.fixture(scope="module")
def crowd(ledger: Ledger, server_url: str) -> Iterator[Crowd]:
    """One firm with 620 clients for the module (each test only adds to it what it checks)."""
    firm = make_firm(ledger, server_url, "Crowded Firm LLP")
    yield Crowd(firm, builders.many_clients(firm, CLIENTS))
    firm.api.close()


@pytest.fixture
def signed_in(crowd: Crowd, browser: Browser) -> Browser:
    browser.sign_in(with_password(crowd.firm))
    return browser


def options(html: str, select_id: str | None = None) -> list[tuple[int, bool, str]]:
    """(id, selected, words) of each option with a value, of one select when named."""
    if select_id is not None:
        start = html.index(f'<select id="{select_id}"')
        html = html[start : html.index("</select>", start)]
    return [(int(v), bool(sel), words) for v, sel, words in OPTION.findall(html)]


def chosen(html: str, select_id: str) -> list[int]:
    return [value for value, selected, _ in options(html, select_id) if selected]


def test_a_picker_lists_the_first_clients_by_name_and_says_it_is_cut(
    crowd: Crowd, signed_in: Browser
) -> None:
    html = signed_in.page("/matters/new")
    listed = options(html, "f-client_id")
    assert len(listed) == CHOICES
    assert [words for _, _, words in listed[:2]] == ["Bulk 0001", "Bulk 0002"]
    assert f"Showing {CHOICES} of {CLIENTS} — type to search." in html
    assert '<label for="f-client_id-q">Find the client by name or email</label>' in html
    search = html[html.index('id="f-client_id-q"') :]
    search = search[: search.index(">")]
    assert 'hx-get="/pick/clients?for=f-client_id&amp;blank=Choose+the+client"' in search
    assert 'hx-trigger="input changed delay:250ms, search"' in search
    assert 'form="find-client"' in search  # Enter searches; it does not send the matter form
    assert '<form id="find-client" method="get" action="/matters/new"' in html


def test_the_fragment_finds_the_600th_client_by_name(crowd: Crowd, signed_in: Browser) -> None:
    r = signed_in.get("/pick/clients", client_q="bulk 0600", blank="Choose", **{"for": "f-x"})
    assert r.status_code == 200
    assert options(r.text) == [(crowd.client(600), True, "Bulk 0600")]  # the one match, chosen
    assert '<option value="">Choose</option>' in r.text
    assert 'id="f-x-note"' in r.text and 'hx-swap-oob="true"' in r.text
    assert "1 matches “bulk 0600”." in r.text
    r = signed_in.get("/pick/clients", client_q="Bulk 06", **{"for": "f-x"})
    found = options(r.text)
    assert [words for _, _, words in found] == [f"Bulk 06{i:02d}" for i in range(21)]
    assert not any(selected for _, selected, _ in found)
    r = signed_in.get("/pick/clients", client_q="", **{"for": "f-x"})
    assert len(options(r.text)) == CHOICES and f"Showing {CHOICES} of {CLIENTS}" in r.text
    assert (
        "Nothing matches “nobody”."
        in signed_in.get("/pick/clients", client_q="nobody", **{"for": "f-x"}).text
    )


def test_without_javascript_the_page_narrows_its_list(crowd: Crowd, signed_in: Browser) -> None:
    """The search box's GET form asks the page again with ?client_q=, as the filters do."""
    html = signed_in.page("/matters/new", client_q="Bulk 0600")
    assert options(html, "f-client_id") == [(crowd.client(600), True, "Bulk 0600")]
    assert 'value="Bulk 0600"' in html  # the search stays in its box
    builders.trust_account(crowd.firm, "Report trust")  # (the report needs an account)
    for path, select_id in (
        ("/payments/new", "client_id"),
        ("/bills/new", "client_id"),
        ("/matters", "client_id"),
        ("/reports/client-funds-ledger", "client_id"),
    ):
        html = signed_in.page(path, client_q="bulk 061")
        ids = [value for value, _, _ in options(html, select_id)]
        assert ids == crowd.clients[609:619], path  # Bulk 0610 … 0619
        assert "10 match “bulk 061”." in html, path


def test_a_prefilled_form_offers_its_client_beyond_the_first_page(
    crowd: Crowd, signed_in: Browser
) -> None:
    far = crowd.client(600)
    for path in ("/matters/new", "/bills/new"):
        html = signed_in.page(path, client_id=str(far))
        select_id = "f-client_id" if path == "/matters/new" else "client_id"
        listed = options(html, select_id)
        assert listed[0] == (far, True, "Bulk 0600"), path  # first, then the first page
        assert len(listed) == CHOICES + 1 and chosen(html, select_id) == [far]
    html = signed_in.page("/matters", client_id=str(far))
    assert chosen(html, "client_id") == [far]


def test_a_refused_form_comes_back_with_its_client(crowd: Crowd, signed_in: Browser) -> None:
    far = crowd.client(611)
    crowd.firm.post("/matters", {"client_id": far, "number": "TAKEN-1"})
    r = signed_in.submit(
        "/matters/new",
        {"client_id": str(far), "number": "TAKEN-1", "description": "Again"},
        from_page="/matters/new",
    )
    assert r.status_code == 409 and "already used" in r.text
    assert chosen(r.text, "f-client_id") == [far]
    r = signed_in.submit("/bills/new", {"client_id": str(far)}, from_page="/bills/new")
    assert r.status_code >= 400  # nothing unbilled to draft from
    assert chosen(r.text, "client_id") == [far]


def test_a_matter_is_found_by_number_and_only_open_ones_take_new_work(
    crowd: Crowd, signed_in: Browser
) -> None:
    firm = crowd.firm
    for n in range(1, CHOICES + 6):  # more matters than a picker lists
        builders.matter(firm, crowd.client(n), number=f"PK-{n:03d}", description=f"Work {n}")
    far = builders.matter(firm, crowd.client(615), number="PK-ZZ-FAR", description="Far away")
    shut = builders.matter(firm, crowd.client(616), number="PK-ZZ-SHUT", status="closed")
    html = signed_in.page("/time/new", matter_q="pk-zz")
    assert options(html, "f-matter_id") == [(far["id"], True, "PK-ZZ-FAR · Bulk 0615 · Far away")]
    r = signed_in.get("/pick/matters", matter_q="PK-ZZ", open="1", **{"for": "f-matter_id"})
    assert [v for v, _, _ in options(r.text)] == [far["id"]]
    r = signed_in.get("/pick/matters", matter_q="PK-ZZ", **{"for": "f-matter_id"})
    assert [v for v, _, _ in options(r.text)] == [far["id"], shut["id"]]
    r = signed_in.get(
        "/pick/matters", matter_q="PK", client_id=str(crowd.client(615)), **{"for": "m"}
    )
    assert [v for v, _, _ in options(r.text)] == [far["id"]]  # of the client chosen beside
    # Listed again with the select's own value: kept chosen while it is that client's matter.
    again = {"for": "m", "m": str(far["id"])}
    r = signed_in.get("/pick/matters", client_id=str(crowd.client(615)), **again)
    assert [(v, sel) for v, sel, _ in options(r.text)] == [(far["id"], True)]
    r = signed_in.get("/pick/matters", client_id=str(crowd.client(616)), **again)
    assert [(v, sel) for v, sel, _ in options(r.text)] == [(shut["id"], False)]
    html = signed_in.page("/time/new", matter_id=str(far["id"]))
    assert chosen(html, "f-matter_id") == [far["id"]]
    # The list's filter shows the matter it filters by, and each row's number.
    builders.time_entry(firm, far["id"])
    html = signed_in.page("/time", matter_id=str(far["id"]))
    assert chosen(html, "matter_id") == [far["id"]] and "on matter PK-ZZ-FAR" in html


def test_another_firms_clients_never_appear(
    crowd: Crowd, signed_in: Browser, other_firm: Firm
) -> None:
    theirs = person(other_firm, "Bulk 0600 Elsewhere")
    their_matter = builders.matter(other_firm, theirs, number="PK-ZZ-THEIRS")["id"]
    r = signed_in.get("/pick/clients", client_q="Bulk 0600", **{"for": "x"})
    assert [v for v, _, _ in options(r.text)] == [crowd.client(600)]
    assert options(signed_in.page("/matters/new", client_q="Elsewhere"), "f-client_id") == []
    assert f"of {CLIENTS} —" in signed_in.page("/matters/new")  # their clients are not counted
    for path in (
        f"/matters/new?client_id={theirs}",
        f"/bills/new?client_id={theirs}",
        f"/payments/new?client_id={theirs}",
        f"/time/new?matter_id={their_matter}",
        f"/pick/matters?for=x&client_id={theirs}",
        f"/pick/bills?for=x&client_id={theirs}",
    ):
        r = signed_in.get(path)
        assert r.status_code == 404, path
    r = signed_in.get("/pick/matters", matter_q="PK-ZZ-THEIRS", **{"for": "x"})
    assert options(r.text) == []
    # Sent anyway: refused beside the field, and still not offered.
    r = signed_in.submit(
        "/matters/new", {"client_id": str(theirs), "description": "X"}, from_page="/matters/new"
    )
    assert r.status_code == 404 and 'id="client_id-error"' in r.text
    assert theirs not in [v for v, _, _ in options(r.text, "f-client_id")]
    html = signed_in.page("/payments/new", client_q="Elsewhere")
    assert options(html, "client_id") == [] and "Nothing matches “Elsewhere”." in html


def test_a_search_with_a_control_character_is_not_run(crowd: Crowd, signed_in: Browser) -> None:
    r = signed_in.get("/pick/clients?for=x&client_q=Bulk%00")
    assert r.status_code == 200 and options(r.text) == []
    assert "A search is plain text: remove the control character." in r.text
    html = signed_in.page("/matters/new?client_q=Bulk%00")
    assert "remove the control character" in html


def test_funds_are_applied_to_a_bill_of_a_client_beyond_the_first_page(
    crowd: Crowd, signed_in: Browser
) -> None:
    firm = crowd.firm
    account = builders.trust_account(firm)
    far = crowd.client(620)
    m = builders.matter(firm, far)
    builders.time_entry(firm, m["id"])
    bill = builders.bill(firm, far)
    builders.deposit(firm, account["id"], far, "500")
    page = f"/client-funds/{account['id']}"
    html = signed_in.page(page, client_q="Bulk 0620")
    for form in ("deposit", "disbursement", "apply"):
        assert options(html, f"{form}-client") == [(far, True, "Bulk 0620")], form
    r = signed_in.get("/pick/bills", client_id=str(far), **{"for": "apply-bill"})
    assert [v for v, _, _ in options(r.text)] == [bill["id"]]
    # Without JavaScript: "Show the client's bills" sends the form back with theirs.
    r = signed_in.submit(f"{page}/apply", {"client_id": str(far), "pick": "1"}, from_page=page)
    assert r.status_code == 200
    assert chosen(r.text, "apply-client") == [far]
    assert [v for v, _, _ in options(r.text, "apply-bill")] == [bill["id"]]
    form = {
        "client_id": str(far),
        "bill_id": str(bill["id"]),
        "amount": "10",
        "date": "2026-03-03",
    }
    r = signed_in.submit(f"{page}/apply", form, from_page=page)
    assert r.status_code == 303, r.text[:300]
    assert firm.get(f"/bills/{bill['id']}")["paid_total"] == "10.00"


def test_typing_in_the_search_fills_the_select_in_the_browser(
    crowd: Crowd, page: Any, server_url: str
) -> None:
    email = with_password(crowd.firm)
    page.goto(server_url + "/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(server_url + "/")
    page.goto(server_url + "/matters/new")
    page.wait_for_selector(f"text=Showing {CHOICES} of {CLIENTS} — type to search.")
    look(page, "picker-cut")
    page.fill("#f-client_id-q", "bulk 0600")
    page.wait_for_selector("#f-client_id-note:has-text('1 match')")
    assert page.eval_on_selector("#f-client_id", "s => s.options.length") == 2  # blank + match
    assert page.input_value("#f-client_id") == str(crowd.client(600))  # the one match, chosen
    look(page, "picker-found")
    with page.expect_response(lambda r: "/pick/clients" in r.url):
        page.press("#f-client_id-q", "Enter")  # searches in place: the form is not sent
    assert page.url == server_url + "/matters/new"
    page.fill("#f-description", "Found in the browser")
    page.click("button:has-text('Open matter')")
    page.wait_for_url("**/matters/*?said=*")
    assert "Found in the browser" in page.inner_text("main")
    assert "Bulk 0600" in page.inner_text("main")
    # The other pages with pickers pass axe-core too.
    account = builders.trust_account(crowd.firm, "Browser trust")
    for path, name in (
        (f"/client-funds/{account['id']}", "picker-client-funds"),
        ("/time/new", "picker-time"),
        ("/reports/client-funds-ledger", "picker-report"),
        ("/payments/new", "picker-payment"),
    ):
        page.goto(server_url + path)
        look(page, name)
    # On the apply form, the client found by its search lists their matters and the bills they owe.
    far = crowd.client(619)
    m = builders.matter(crowd.firm, far, number="PK-BROWSER")
    builders.time_entry(crowd.firm, m["id"])
    bill = builders.bill(crowd.firm, far)
    other = builders.matter(crowd.firm, crowd.client(617))  # another client's bill, listed
    builders.time_entry(crowd.firm, other["id"])  # until "Bulk 0619" is chosen
    builders.bill(crowd.firm, crowd.client(617))
    page.goto(server_url + f"/client-funds/{account['id']}")
    assert len(page.query_selector_all("#apply-bill option")) > 2
    page.fill("#apply-client-q", "bulk 0619")
    page.wait_for_selector("#apply-client-note:has-text('1 matches')")
    assert page.input_value("#apply-client") == str(far)
    values = "options => options.map(o => o.value)"
    page.wait_for_function("document.querySelector('#apply-bill').options.length === 2")
    assert page.eval_on_selector_all("#apply-bill option", values) == ["", str(bill["id"])]
    page.wait_for_function("document.querySelector('#apply-matter').options.length === 2")
    assert page.eval_on_selector_all("#apply-matter option", values) == ["", str(m["id"])]
    look(page, "picker-apply")
