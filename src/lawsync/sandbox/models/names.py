"""Customer, Vendor and Employee: the people lists that share one DisplayName space."""

from __future__ import annotations

from typing import Any, ClassVar

from ..company import claim_name, name_owner
from ..faults import (
    BusinessValidation,
    DuplicateName,
    EmailRequired,
    InvalidCurrency,
    InvalidReferenceId,
    NoNameProvided,
    SubLevelLimit,
)
from .base import Ctx, EntityModel
from .rules import check_email, check_enum, check_lengths, check_url, no_colon, ref_id

PEOPLE = "people"
KNOWN_CURRENCIES = ("USD", "CAD", "EUR", "GBP", "AUD", "MXN", "INR", "JPY")

_PERSON_LIMITS = {
    "DisplayName": 500,
    "Title": 16,
    "GivenName": 100,
    "MiddleName": 100,
    "FamilyName": 100,
    "Suffix": 16,
    "CompanyName": 100,
    "PrintOnCheckName": 110,
    "PrimaryEmailAddr.Address": 100,
    "PrimaryPhone.FreeFormNumber": 30,
    "AlternatePhone.FreeFormNumber": 30,
    "Mobile.FreeFormNumber": 30,
    "Fax.FreeFormNumber": 30,
    "WebAddr.URI": 1000,
    "Notes": 2000,
    "ResaleNum": 16,
    "AcctNum": 100,
    "BillAddr.Line1": 500,
    "BillAddr.Line2": 500,
    "BillAddr.City": 255,
    "BillAddr.PostalCode": 30,
    "BillAddr.Country": 255,
    "ShipAddr.Line1": 500,
    "ShipAddr.City": 255,
    "ShipAddr.PostalCode": 30,
}
_NAME_PARTS = ("Title", "GivenName", "MiddleName", "FamilyName", "Suffix")


def check_currency(ctx: Ctx, data: dict[str, Any], old: dict[str, Any] | None) -> None:
    c = ctx.company
    code = (data.get("CurrencyRef") or {}).get("value") if data.get("CurrencyRef") else None
    if code is None:
        data["CurrencyRef"] = (old or {}).get("CurrencyRef") or {
            "value": c.home_currency,
            "name": c.home_currency,
        }
        return
    if code not in KNOWN_CURRENCIES or (not c.multicurrency and code != c.home_currency):
        raise InvalidCurrency(f"Invalid Currency Type : {code}", "CurrencyRef")
    if old is not None and (old.get("CurrencyRef") or {}).get("value") not in (None, code):
        raise BusinessValidation.of(
            "You can't change the currency of a customer, vendor or account once it is set.",
            "CurrencyRef",
        )


class Person(EntityModel):
    kind: ClassVar[str] = "name"
    read_only: ClassVar[frozenset[str]] = frozenset(
        {"Balance", "BalanceWithJobs", "FullyQualifiedName"}
    )
    queryable: ClassVar[frozenset[str]] = frozenset(
        {
            "DisplayName",
            "GivenName",
            "FamilyName",
            "MiddleName",
            "CompanyName",
            "PrimaryEmailAddr",
            "Active",
            "Balance",
            "FullyQualifiedName",
            "PrintOnCheckName",
        }
    )

    def prepare(self, ctx: Ctx, data: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        c = ctx.company
        if not data.get("DisplayName"):
            parts = [str(data[p]) for p in _NAME_PARTS if data.get(p)]
            if not parts:
                if old is not None and old.get("DisplayName"):
                    data["DisplayName"] = old["DisplayName"]
                else:
                    raise NoNameProvided(
                        "Please provide a name: DisplayName, Title, GivenName, MiddleName, "
                        "FamilyName or Suffix.",
                        "DisplayName",
                    )
            else:
                data["DisplayName"] = " ".join(parts)
        check_lengths(data, _PERSON_LIMITS)
        no_colon(data, ("DisplayName", "GivenName", "MiddleName", "FamilyName"))
        check_email(data, "PrimaryEmailAddr")
        check_url(data)
        owner = name_owner(c, PEOPLE, data["DisplayName"])
        if owner is not None and (old is None or owner != (self.name, old["Id"])):
            raise DuplicateName(
                f"Duplicate Name Exists Error : the name {data['DisplayName']} is already used by "
                "a customer, vendor or employee (active or not). Choose another name.",
                "",
            )
        data.setdefault("Active", True)
        data["PrintOnCheckName"] = data.get("PrintOnCheckName") or data["DisplayName"]
        return self.extra(ctx, data, old)

    def extra(self, ctx: Ctx, data: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        return data

    def after_write(self, ctx: Ctx, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
        ident = (new or old or {}).get("Id", "")
        claim_name(
            ctx.company,
            PEOPLE,
            self.name,
            ident,
            old.get("DisplayName") if old else None,
            new.get("DisplayName") if new else None,
        )


class Customer(Person):
    name: ClassVar[str] = "Customer"

    def extra(self, ctx: Ctx, data: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        c = ctx.company
        check_enum(data, "PreferredDeliveryMethod", ("Print", "Email", "None"))
        if data.get("PreferredDeliveryMethod") == "Email" and not (
            data.get("PrimaryEmailAddr") or {}
        ).get("Address"):
            raise EmailRequired("Email address is required", "PrimaryEmailAddr")
        check_currency(ctx, data, old)
        name = data["DisplayName"]
        if data.get("ParentRef"):
            parent_id = ref_id(data["ParentRef"], "ParentRef")
            parent = c.get("Customer", parent_id)
            if parent is None or parent_id == (old or {}).get("Id"):
                raise InvalidReferenceId.of("Names", parent_id)
            data["Job"] = True
            data["Level"] = int(parent.data.get("Level", 0)) + 1
            if data["Level"] > 4:
                raise SubLevelLimit.of("Customers")
            data["FullyQualifiedName"] = f"{parent.data['FullyQualifiedName']}:{name}"
        else:
            data["Job"] = False
            data.pop("Level", None)
            data["FullyQualifiedName"] = name
        data.setdefault("Taxable", False)
        data.setdefault("BillWithParent", False)
        for key in ("Balance", "BalanceWithJobs"):
            data[key] = (old or {}).get(key, 0)
        return data


class Vendor(Person):
    name: ClassVar[str] = "Vendor"

    def extra(self, ctx: Ctx, data: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        check_currency(ctx, data, old)
        data.setdefault("Vendor1099", False)
        data["Balance"] = (old or {}).get("Balance", 0)
        return data


class Employee(Person):
    name: ClassVar[str] = "Employee"
    read_only: ClassVar[frozenset[str]] = frozenset()

    def extra(self, ctx: Ctx, data: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        return data
