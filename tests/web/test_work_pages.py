"""Time and expense pages, as a browser uses them, checked against the JSON API."""

from __future__ import annotations

from tests import builders
from tests.conftest import Firm
from tests.web.browser import Browser, member, person, with_password


def _matter(firm: Firm, status: str = "open") -> int:
    client = person(firm)
    return int(firm.post("/matters", {"client_id": client, "status": status})["id"])


def test_the_time_and_expense_pages_say_what_to_do_first(firm: Firm, browser: Browser) -> None:
    browser.sign_in(with_password(firm))
    assert "open a matter</a> first" in browser.page("/time")
    assert "open a matter</a> first" in browser.page("/expenses")
    html = browser.page("/time/new")
    assert "There is no open matter to record against." in html


def test_time_recorded_on_its_page_is_the_apis(firm: Firm, browser: Browser) -> None:
    matter = _matter(firm)
    browser.sign_in(with_password(firm))
    new = f"/time/new?matter_id={matter}"
    form = {
        "matter_id": str(matter),
        "user_id": "",
        "date": "2026-03-02",
        "hours": "1.5",
        "rate": "200",
        "category_id": "",
        "description": "Drafting",
    }
    r = browser.submit("/time/new", form, from_page=new)
    assert r.status_code == 303 and r.headers["location"].startswith(f"/matters/{matter}?")
    assert "The time entry is saved ($300.00)." in browser.page(r.headers["location"])
    [entry] = firm.get("/time-entries")["data"]
    assert entry["user_id"] == firm.admin_id and entry["description"] == "Drafting"
    assert entry["amount"] == "300.00"
    html = browser.page(f"/matters/{matter}")
    assert "Drafting" in html and "300.00" in html and "1.5" in html
    listing = browser.page("/time")
    assert "Drafting" in listing and 'href="/time" aria-current="page"' in listing


def test_a_time_entry_is_edited_and_a_bad_value_shown_beside_its_field(
    firm: Firm, browser: Browser
) -> None:
    matter = _matter(firm)
    entry = firm.post(
        "/time-entries", {"matter_id": matter, "date": "2026-03-02", "hours": "2", "rate": "100"}
    )["id"]
    browser.sign_in(with_password(firm))
    edit = f"/time/{entry}/edit"
    assert 'value="2026-03-02"' in browser.page(edit)
    r = browser.submit(edit, {"date": "2026-03-03", "hours": "-1", "rate": "100"}, from_page=edit)
    assert r.status_code == 422 and 'id="hours-error"' in r.text and 'value="-1"' in r.text
    assert firm.get(f"/time-entries/{entry}")["date"] == "2026-03-02"
    r = browser.submit(edit, {"date": "2026-03-03", "hours": "3", "rate": "100"}, from_page=edit)
    assert r.status_code == 303
    found = firm.get(f"/time-entries/{entry}")
    assert (found["date"], found["amount"]) == ("2026-03-03", "300.00")


def test_time_on_a_closed_matter_is_refused_beside_the_matter(firm: Firm, browser: Browser) -> None:
    open_one, closed = _matter(firm), _matter(firm, "closed")
    browser.sign_in(with_password(firm))
    html = browser.page("/time/new")
    matters = html[html.index('id="f-matter_id"') : html.index('id="f-user_id"')]
    assert f'<option value="{open_one}"' in matters and f'<option value="{closed}"' not in matters
    form = {"matter_id": str(closed), "date": "2026-03-02", "hours": "1"}
    r = browser.submit("/time/new", form, from_page="/time/new")
    assert r.status_code == 409 and 'id="matter_id-error"' in r.text and "is closed" in r.text
    assert firm.get("/time-entries")["data"] == []


def test_an_expense_is_recorded_edited_and_deleted_after_a_confirmation(
    firm: Firm, browser: Browser
) -> None:
    matter = _matter(firm)
    browser.sign_in(with_password(firm))
    form = {"matter_id": str(matter), "date": "2026-03-02", "unit_price": "12.5", "quantity": ""}
    r = browser.submit("/expenses/new", form, from_page="/expenses/new")
    assert r.status_code == 303
    [expense] = firm.get("/expense-entries")["data"]
    assert (expense["quantity"], expense["amount"]) == ("1", "12.50")
    edit = f"/expenses/{expense['id']}/edit"
    r = browser.submit(edit, {"quantity": "2", "description": "Couriers"}, from_page=edit)
    assert r.status_code == 303
    assert firm.get(f"/expense-entries/{expense['id']}")["amount"] == "25.00"
    ask = f"/expenses/{expense['id']}/delete"
    html = browser.page(ask)
    assert "Delete this expense entry?" in html and "25.00" in html
    assert firm.get(f"/expense-entries/{expense['id']}")["amount"] == "25.00"  # not yet
    r = browser.submit(ask, {}, from_page=ask)
    assert r.status_code == 303
    firm.get(f"/expense-entries/{expense['id']}", status=404)


def test_a_cost_type_needs_the_bill_setting_shown_beside_it(firm: Firm, browser: Browser) -> None:
    matter = _matter(firm)
    browser.sign_in(with_password(firm))
    form = {"matter_id": str(matter), "date": "2026-03-02", "unit_price": "5", "cost_type": "hard"}
    r = browser.submit("/expenses/new", form, from_page="/expenses/new")
    assert r.status_code == 409 and 'id="cost_type-error"' in r.text
    assert firm.get("/expense-entries")["data"] == []


def test_a_time_entry_is_deleted_only_after_the_confirmation(firm: Firm, browser: Browser) -> None:
    matter = _matter(firm)
    entry = firm.post("/time-entries", {"matter_id": matter, "date": "2026-03-02", "hours": "1"})
    browser.sign_in(with_password(firm))
    ask = f"/time/{entry['id']}/delete"
    assert "Delete this time entry?" in browser.page(ask)
    firm.get(f"/time-entries/{entry['id']}")
    assert browser.submit(ask, {}, from_page=ask).status_code == 303
    firm.get(f"/time-entries/{entry['id']}", status=404)


def test_another_firms_entries_are_not_found(
    firm: Firm, other_firm: Firm, browser: Browser
) -> None:
    matter = _matter(other_firm)
    body = {"matter_id": matter, "date": "2026-03-02"}
    time = other_firm.post("/time-entries", body | {"hours": "1"})["id"]
    cost = other_firm.post("/expense-entries", body | {"unit_price": "1"})["id"]
    _matter(firm)  # so that the firm's own form is offered
    browser.sign_in(with_password(firm))
    for path in (f"/time/{time}/edit", f"/time/{time}/delete", f"/expenses/{cost}/edit"):
        r = browser.get(path)
        assert r.status_code == 404 and "Not found" in r.text, path
    r = browser.submit(f"/time/{time}/delete", {}, from_page="/time")
    assert r.status_code == 404
    other_firm.get(f"/time-entries/{time}")
    r = browser.submit(
        "/time/new", body | {"matter_id": str(matter), "hours": "1"}, from_page="/time"
    )
    assert r.status_code == 404 and 'id="matter_id-error"' in r.text


def test_a_member_records_their_own_time_by_default(firm: Firm, browser: Browser) -> None:
    matter = _matter(firm)
    email = member(firm)
    member_id = next(u["id"] for u in firm.get("/users")["data"] if u["email"] == email)
    browser.sign_in(email)
    html = browser.page("/time/new")
    assert f'<option value="{member_id}" selected>' in html
    form = {"matter_id": str(matter), "user_id": str(member_id), "date": "2026-03-02", "hours": "1"}
    assert browser.submit("/time/new", form, from_page="/time/new").status_code == 303
    assert firm.get("/time-entries")["data"][0]["user_id"] == member_id


def test_a_billed_entry_is_neither_edited_nor_deleted(firm: Firm, browser: Browser) -> None:
    _, matter, _ = builders.billed_client(firm)
    [entry] = firm.get("/time-entries", matter_id=matter["id"])["data"]
    browser.sign_in(with_password(firm))
    html = browser.page(f"/matters/{entry['matter_id']}")
    assert "on bill" in html and f'href="/time/{entry["id"]}/delete"' not in html
    ask = f"/time/{entry['id']}/delete"
    assert "cannot be deleted" in browser.page(ask)
    r = browser.submit(ask, {}, from_page="/time")
    assert r.status_code == 409 and "This entry is on a bill" in r.text
    edit = f"/time/{entry['id']}/edit"
    r = browser.submit(edit, {"hours": "9"}, from_page=edit)
    assert r.status_code == 409 and "This entry is on a bill" in r.text
    assert firm.get(f"/time-entries/{entry['id']}")["hours"] == entry["hours"]


def test_the_lists_are_filtered_by_matter_and_by_client(firm: Firm, browser: Browser) -> None:
    first, second = _matter(firm), _matter(firm, "pending")
    for matter, words in ((first, "First call"), (second, "Second call")):
        body = {"matter_id": matter, "date": "2026-03-02", "hours": "1", "description": words}
        firm.post("/time-entries", body)
    client = firm.get(f"/matters/{first}")["client_id"]
    browser.sign_in(with_password(firm))
    every = browser.page("/time", matter_id="")
    assert "First call" in every and "Second call" in every
    one = browser.page("/time", matter_id=str(second))
    assert "Second call" in one and "First call" not in one
    assert f'<option value="{second}" selected>' in one
    matters = browser.page("/matters", client_id=str(client), status="")
    assert f'href="/matters/{first}"' in matters and f'href="/matters/{second}"' not in matters
    pending = browser.page("/matters", client_id="", status="pending")
    assert f'href="/matters/{second}"' in pending and f'href="/matters/{first}"' not in pending


def test_hours_and_rates_read_as_typed(firm: Firm, browser: Browser) -> None:
    matter = _matter(firm)
    body = {"matter_id": matter, "date": "2026-03-02", "hours": "10", "rate": "80.125"}
    entry = firm.post("/time-entries", body)["id"]
    browser.sign_in(with_password(firm))
    html = browser.page(f"/matters/{matter}")
    assert "<td>10</td>" in html and "<td>80.125</td>" in html and "801.25" in html
    form = browser.page(f"/time/{entry}/edit")
    assert 'value="10"' in form and 'value="80.125"' in form


def test_a_category_gives_its_rate_when_none_is_typed(firm: Firm, browser: Browser) -> None:
    matter = _matter(firm)
    category = firm.post("/activity-categories", {"name": "Court", "default_price": "250"})["id"]
    browser.sign_in(with_password(firm))
    assert f'<option value="{category}">Court</option>' in browser.page("/time/new")
    form = {"matter_id": str(matter), "date": "2026-03-02", "hours": "2", "rate": ""}
    form["category_id"] = str(category)
    assert browser.submit("/time/new", form, from_page="/time/new").status_code == 303
    [entry] = firm.get("/time-entries")["data"]
    assert (entry["category_id"], entry["amount"]) == (category, "500.00")
