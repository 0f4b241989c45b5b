"""A contact and its customer compared field by field, and the three-way merge of an edit.

Both sides are read into the same flat form, in the customer's terms: a contact through the very
mapping the Customers exporter sends (`mapping.customer`), a customer as QuickBooks holds it. So
reading a customer is the exact inverse of sending a contact, and a value lawsync would send
cleaned (a colon in a name) compares equal to the cleaned value QuickBooks keeps.

The base is what both sides last agreed on: written when the exporter's copy is accepted and when
an edit from QuickBooks is applied. Against it, each field has changed on one side, on both, or on
neither; only a field changed on both sides to different values needs a person.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lawsync.practice.models import Contact, ContactKind
from lawsync.quickbooks import Entity
from lawsync.sync import mapping

Fields = dict[str, str]

NAME_FIELDS: dict[ContactKind, tuple[str, ...]] = {
    ContactKind.person: ("first_name", "last_name"),
    ContactKind.company: ("company_name",),
}
SHARED_FIELDS = (
    "email",
    "phone",
    "web_address",
    "street",
    "city",
    "region",
    "postal_code",
    "country",
)
LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "company_name": "Company name",
    "email": "Primary email",
    "phone": "Phone",
    "web_address": "Web address",
    "street": "Street",
    "city": "City",
    "region": "State or province",
    "postal_code": "Postal code",
    "country": "Country",
}
ALL_FIELDS = tuple(LABELS)


def fields_for(kind: ContactKind) -> tuple[str, ...]:
    """The fields a contact of this kind shares with its customer."""
    return NAME_FIELDS[kind] + SHARED_FIELDS


def _text(doc: Mapping[str, Any], name: str, inner: str | None = None) -> str:
    value = doc.get(name)
    if inner is not None:
        value = value.get(inner) if isinstance(value, Mapping) else None
    return str(value or "").strip()


def customer_fields(doc: Mapping[str, Any], kind: ContactKind) -> Fields:
    """A customer (or a payload for one) as the contact fields it stands for."""
    address = doc.get("BillAddr") if isinstance(doc.get("BillAddr"), Mapping) else {}
    assert isinstance(address, Mapping)
    every = {
        "first_name": _text(doc, "GivenName"),
        "last_name": _text(doc, "FamilyName"),
        "company_name": _text(doc, "CompanyName"),
        "email": _text(doc, "PrimaryEmailAddr", "Address"),
        "phone": _text(doc, "PrimaryPhone", "FreeFormNumber"),
        "web_address": _text(doc, "WebAddr", "URI"),
        "street": _text(address, "Line1"),
        "city": _text(address, "City"),
        "region": _text(address, "CountrySubDivisionCode"),
        "postal_code": _text(address, "PostalCode"),
        "country": _text(address, "Country"),
    }
    if kind == ContactKind.company and not every["company_name"]:
        every["company_name"] = _text(doc, "DisplayName")  # a company's name is its display name
    return {name: every[name] for name in fields_for(kind)}


def entity_fields(entity: Entity, kind: ContactKind) -> Fields:
    return customer_fields(entity.model_dump(mode="json", exclude_none=True), kind)


def contact_fields(contact: Contact) -> Fields:
    """The contact as the exporter would send it, in the same flat form."""
    return customer_fields(mapping.customer(contact), contact.kind)


@dataclass
class Merge:
    """What an edit from QuickBooks means against the base and the contact as it is now."""

    take: Fields = field(default_factory=dict)  # changed in QuickBooks only: apply to lawsync
    conflicts: dict[str, tuple[str, str]] = field(default_factory=dict)  # field → (ours, theirs)
    agreed: Fields = field(default_factory=dict)  # the new base of every field not in conflict

    @property
    def changes_nothing(self) -> bool:
        return not self.take and not self.conflicts


def merge(base: Mapping[str, str] | None, ours: Fields, theirs: Fields) -> Merge:
    """Three-way merge of one contact. Without a base (a link made before bases were kept),
    lawsync's side counts as the base: QuickBooks' differing values are its edits."""
    out = Merge()
    for name, mine in ours.items():
        other = theirs.get(name, "")
        was = mine if base is None else base.get(name, mine)
        if other in (was, mine):
            out.agreed[name] = other if other == mine else was
        elif mine == was:
            out.take[name] = other
            out.agreed[name] = other
        else:
            out.conflicts[name] = (mine, other)
    return out


def named(fields: Iterable[str]) -> str:
    """Fields as a person reads them: "Last name and primary email"."""
    words = [LABELS.get(f, f) for f in fields]
    words = [words[0], *(w[0].lower() + w[1:] for w in words[1:])] if words else []
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def conflict_message(fields: Iterable[str]) -> str:
    return (
        f"{named(fields)}: changed both in lawsync and in QuickBooks since the last sync, to "
        "different values. Choose which value to keep."
    )
