"""The three-way merge of a contact and its customer, and the reading of a customer: pure."""

from __future__ import annotations

from lawsync.practice.models import ContactKind
from lawsync.sync.contact_fields import conflict_message, customer_fields, merge


def test_a_field_changed_on_one_side_only_merges_and_both_sides_agree_on_the_rest() -> None:
    base = {"email": "a@x.example", "phone": "1", "city": "Oslo"}
    ours = {"email": "a@x.example", "phone": "2", "city": "Oslo"}
    theirs = {"email": "b@x.example", "phone": "1", "city": "Oslo"}
    m = merge(base, ours, theirs)
    assert m.take == {"email": "b@x.example"}
    assert m.conflicts == {}
    # lawsync's phone is not agreed yet: the exporter sends it, then the base moves.
    assert m.agreed == {"email": "b@x.example", "phone": "1", "city": "Oslo"}


def test_the_same_field_changed_to_different_values_is_a_conflict_the_same_value_is_not() -> None:
    base = {"email": "a@x.example", "phone": "1"}
    m = merge(base, {"email": "o@x.example", "phone": "9"}, {"email": "t@x.example", "phone": "9"})
    assert m.conflicts == {"email": ("o@x.example", "t@x.example")}
    assert m.take == {} and m.agreed == {"phone": "9"}


def test_without_a_base_what_quickbooks_holds_differently_is_its_edit() -> None:
    m = merge(None, {"phone": "1", "city": ""}, {"phone": "1", "city": "Rome"})
    assert m.take == {"city": "Rome"} and m.changes_nothing is False
    assert merge(None, {"phone": "1"}, {"phone": "1"}).changes_nothing


def test_reading_a_customer_is_the_inverse_of_the_mapping_per_kind() -> None:
    doc = {
        "DisplayName": "Acme",
        "GivenName": "Jo",
        "FamilyName": "Doe",
        "PrimaryEmailAddr": {"Address": " jo@x.example "},
        "PrimaryPhone": {"FreeFormNumber": "555"},
        "WebAddr": {"URI": "https://x.example"},
        "BillAddr": {"Line1": "1 Main", "City": "Oslo", "CountrySubDivisionCode": "OS"},
    }
    person = customer_fields(doc, ContactKind.person)
    assert person["first_name"] == "Jo" and person["last_name"] == "Doe"
    assert "company_name" not in person
    assert person["email"] == "jo@x.example" and person["region"] == "OS"
    assert person["postal_code"] == "" and person["country"] == ""
    company = customer_fields(doc, ContactKind.company)
    assert company["company_name"] == "Acme" and "first_name" not in company


def test_a_conflict_names_its_fields_in_words() -> None:
    assert conflict_message(["last_name", "email"]).startswith("Last name and primary email:")
    assert conflict_message(["phone"]).startswith("Phone:")
