"""Contacts and matters pages, as a browser uses them, checked against the JSON API."""

from __future__ import annotations

from tests.conftest import Firm
from tests.web.browser import Browser, connected, member, person, refused, with_password


def test_the_contacts_page_says_what_to_do_first(firm: Firm, browser: Browser) -> None:
    browser.sign_in(with_password(firm))
    html = browser.page("/contacts")
    assert "No contacts yet" in html and 'href="/contacts/new"' in html
    assert 'href="/contacts" aria-current="page"' in html


def test_a_contact_made_on_its_page_is_the_apis(firm: Firm, browser: Browser) -> None:
    browser.sign_in(with_password(firm))
    form = {
        "kind": "company",
        "company_name": "Acme Widgets Ltd",
        "email_address_0": "",
        "email_kind_0": "",
        "email_address_1": "billing@acme.example",
        "email_kind_1": "billing",
        "email_primary": "1",
        "phone_number_0": "555-0100",
        "phone_kind_0": "",
        "city": "Toronto",
    }
    r = browser.submit("/contacts/new", form, from_page="/contacts/new")
    assert r.status_code == 303
    contact_id = int(r.headers["location"].split("/")[2].split("?")[0])
    found = firm.get(f"/contacts/{contact_id}")
    assert found["display_name"] == "Acme Widgets Ltd" and found["kind"] == "company"
    assert [e["address"] for e in found["emails"]] == ["billing@acme.example"]
    html = browser.page(r.headers["location"])
    assert "Acme Widgets Ltd" in html and "Contact saved." in html
    assert "billing@acme.example (billing, primary)" in html and "555-0100 (work)" in html
    assert "not connected" in html  # its sync badge, with no company connected
    listing = browser.page("/contacts", q="acme")
    assert f'href="/contacts/{contact_id}"' in listing
    assert f'href="/contacts/{contact_id}"' not in browser.page("/contacts", q="zzz")


def test_a_contact_is_edited_with_the_fields_of_its_kind(firm: Firm, browser: Browser) -> None:
    contact_id = person(firm)
    browser.sign_in(with_password(firm))
    edit = f"/contacts/{contact_id}/edit"
    html = browser.page(edit)
    assert 'name="first_name"' in html and 'name="company_name"' not in html
    assert 'name="kind"' not in html  # a contact's kind stays as made
    form = {"first_name": "Ada", "last_name": "Lovelace", "email_address_0": "ada@x.example"}
    r = browser.submit(edit, form, from_page=edit)
    assert r.status_code == 303
    found = firm.get(f"/contacts/{contact_id}")
    assert found["display_name"] == "Ada Lovelace"
    assert found["emails"][0]["address"] == "ada@x.example"


def test_a_bad_email_is_shown_beside_its_field_and_nothing_is_saved(
    firm: Firm, browser: Browser
) -> None:
    contact_id = person(firm)
    browser.sign_in(with_password(firm))
    edit = f"/contacts/{contact_id}/edit"
    form = {"first_name": "Ada", "last_name": "Byron", "email_address_0": "not-an-email"}
    r = browser.submit(edit, form, from_page=edit)
    assert r.status_code == 422
    assert 'id="emails-0-address-error"' in r.text and "is not an email address" in r.text
    assert 'value="not-an-email"' in r.text and 'value="Byron"' in r.text
    assert firm.get(f"/contacts/{contact_id}")["display_name"] == "Ada Okafor"


def test_a_person_without_a_name_is_refused_beside_the_last_name(
    firm: Firm, browser: Browser
) -> None:
    browser.sign_in(with_password(firm))
    r = browser.submit("/contacts/new", {"kind": "person"}, from_page="/contacts/new")
    assert r.status_code == 422
    assert 'id="last_name-error"' in r.text and "needs a first or last name" in r.text
    assert firm.get("/contacts")["data"] == []


def test_another_firms_contact_and_matter_are_not_found(
    firm: Firm, other_firm: Firm, browser: Browser
) -> None:
    theirs = person(other_firm)
    matter = other_firm.post("/matters", {"client_id": theirs})["id"]
    browser.sign_in(with_password(firm))
    for path in (f"/contacts/{theirs}", f"/contacts/{theirs}/edit", f"/matters/{matter}"):
        r = browser.get(path)
        assert r.status_code == 404 and "Not found" in r.text, path
    r = browser.submit(f"/contacts/{theirs}/edit", {"last_name": "X"}, from_page="/contacts")
    assert r.status_code == 404
    r = browser.submit(f"/matters/{matter}", {"number": "X-1"}, from_page="/contacts")
    assert r.status_code == 404
    assert other_firm.get(f"/matters/{matter}")["number"] != "X-1"
    assert other_firm.get(f"/contacts/{theirs}")["last_name"] == "Okafor"


def test_the_badge_waits_to_sync_or_shows_therefused(firm: Firm, browser: Browser) -> None:
    waiting, failing = person(firm, "Waits"), person(firm, "Fails")
    failure_id = refused(firm, connected(firm), failing)
    browser.sign_in(with_password(firm))
    assert "waiting to sync" in browser.page(f"/contacts/{waiting}")
    html = browser.page(f"/contacts/{failing}")
    assert "failed · 6240" in html and "Duplicate Name Exists Error" in html
    assert f"#failure-{failure_id}" in html
    listing = browser.page("/contacts")
    assert "waiting to sync" in listing and "failed · 6240" in listing


def test_a_matter_is_opened_and_edited_from_its_pages(firm: Firm, browser: Browser) -> None:
    client = person(firm)
    browser.sign_in(with_password(firm))
    new = f"/matters/new?client_id={client}"
    assert f'<option value="{client}" selected>' in browser.page(new)
    r = browser.submit(
        "/matters/new", {"client_id": str(client), "description": "Estate"}, from_page=new
    )
    assert r.status_code == 303
    matter_id = int(r.headers["location"].split("/")[2].split("?")[0])
    assert firm.get(f"/matters/{matter_id}")["description"] == "Estate"
    html = browser.page(f"/matters/{matter_id}")
    assert "No time recorded on this matter yet." in html and "Ada Okafor" in html
    assert f'href="/matters/{matter_id}"' in browser.page(f"/contacts/{client}")
    assert f'href="/matters/{matter_id}"' in browser.page("/matters", client_id=str(client))
    page = f"/matters/{matter_id}"
    r = browser.submit(
        page, {"number": "M-9", "description": "Wills", "status": "closed"}, from_page=page
    )
    assert r.status_code == 303
    found = firm.get(f"/matters/{matter_id}")
    assert (found["number"], found["description"], found["status"]) == ("M-9", "Wills", "closed")


def test_a_matter_without_a_client_is_refused_beside_the_client(
    firm: Firm, browser: Browser
) -> None:
    person(firm)
    browser.sign_in(with_password(firm))
    r = browser.submit("/matters/new", {"client_id": ""}, from_page="/matters/new")
    assert r.status_code == 422 and 'id="client_id-error"' in r.text
    assert firm.get("/matters")["data"] == []


def test_a_taken_matter_number_is_refused_beside_the_number(firm: Firm, browser: Browser) -> None:
    client = person(firm)
    firm.post("/matters", {"client_id": client, "number": "M-1"})
    other = firm.post("/matters", {"client_id": client, "number": "M-2"})["id"]
    browser.sign_in(with_password(firm))
    page = f"/matters/{other}"
    r = browser.submit(page, {"number": "M-1"}, from_page=page)
    assert r.status_code == 409 and 'id="number-error"' in r.text and "already used" in r.text
    assert firm.get(f"/matters/{other}")["number"] == "M-2"


def test_a_member_works_with_contacts_and_matters(firm: Firm, browser: Browser) -> None:
    browser.sign_in(member(firm))
    r = browser.submit(
        "/contacts/new", {"kind": "person", "last_name": "Member-made"}, from_page="/contacts"
    )
    assert r.status_code == 303
    assert firm.get("/contacts")["data"][0]["display_name"] == "Member-made"


def test_contacts_are_found_by_name_or_email_as_in_the_api(firm: Firm, browser: Browser) -> None:
    body = {"kind": "person", "last_name": "Quill", "emails": [{"address": "pen@ink.example"}]}
    found = firm.post("/contacts", body)["id"]
    person(firm, "Other")
    assert [c["id"] for c in firm.get("/contacts", q="INK.ex")["data"]] == [found]
    browser.sign_in(with_password(firm))
    html = browser.page("/contacts", q="ink.ex")
    assert f'href="/contacts/{found}"' in html and "Okafor" not in html and "Other" not in html
    assert "No contact’s name or email contains" in browser.page("/contacts", q="nobody")


def test_a_search_with_a_control_character_is_refused_beside_the_box(
    firm: Firm, browser: Browser
) -> None:
    person(firm)
    browser.sign_in(with_password(firm))
    r = browser.get("/contacts?q=Ro%00")
    assert r.status_code == 422 and 'id="q-error"' in r.text and "Okafor" not in r.text


def test_an_error_names_the_row_shown_when_rows_were_left_empty(
    firm: Firm, browser: Browser
) -> None:
    browser.sign_in(with_password(firm))
    form = {
        "kind": "person",
        "last_name": "Rows",
        "email_address_0": "",
        "email_address_1": "fine@x.example",
        "email_address_2": "broken",
        "email_primary": "2",
    }
    r = browser.submit("/contacts/new", form, from_page="/contacts/new")
    assert r.status_code == 422
    shown = r.text[r.text.index('id="f-email_address_1"') :]
    assert shown.startswith(
        'id="f-email_address_1" name="email_address_1" type="email" value="broken"'
    )
    assert 'id="emails-1-address-error"' in r.text
    assert '<input type="radio" name="email_primary" value="1" checked>' in r.text
    assert firm.get("/contacts")["data"] == []


def test_the_search_box_searches_as_it_is_typed(firm: Firm, browser: Browser) -> None:
    browser.sign_in(with_password(firm))
    html = browser.page("/contacts")
    assert 'hx-get="/contacts"' in html and 'hx-select="#contact-rows"' in html
    assert '<label for="q">Search by name or email</label>' in html
