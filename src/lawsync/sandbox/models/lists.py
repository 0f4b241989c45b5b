"""Item, Class and Term: simple name lists."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from ..company import Company, Posting, claim_name, name_owner
from ..faults import (
    BusinessValidation,
    DuplicateName,
    FeatureNotSupported,
    InvalidReferenceId,
    PermissionDenied,
    SubLevelLimit,
    UnsupportedOperation,
)
from ..wire import to_decimal
from .base import Ctx, EntityModel
from .inventory import prepare_inventory_item, record_start, starting_value
from .rules import check_enum, check_lengths, named_ref, ref_id, require, resolve


def _unique(ctx: Ctx, group: str, name: str, old: dict[str, Any] | None, what: str) -> None:
    owner = name_owner(ctx.company, group, name)
    if owner is not None and (old is None or owner[1] != old["Id"]):
        raise DuplicateName(
            f"Duplicate Name Exists Error : the {what} name {name} is already used. "
            "Choose another name.",
            "Name",
        )


class _Named(EntityModel):
    group: ClassVar[str] = ""
    what: ClassVar[str] = ""

    def after_write(self, ctx: Ctx, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
        ident = (new or old or {}).get("Id", "")
        claim_name(
            ctx.company,
            self.group,
            self.name,
            ident,
            old.get("Name") if old else None,
            new.get("Name") if new else None,
        )


class Item(_Named):
    name: ClassVar[str] = "Item"
    group: ClassVar[str] = "Item"
    what: ClassVar[str] = "Item"
    read_only: ClassVar[frozenset[str]] = frozenset({"FullyQualifiedName"})
    queryable: ClassVar[frozenset[str]] = frozenset(
        {
            "Name",
            "Type",
            "Active",
            "Sku",
            "FullyQualifiedName",
            "UnitPrice",
            "Taxable",
            "QtyOnHand",
            "TrackQtyOnHand",
        }
    )

    def prepare(self, ctx: Ctx, data: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        c = ctx.company
        name = require(data, "Name")
        check_lengths(data, {"Name": 100, "Description": 4000, "PurchaseDesc": 1000, "Sku": 100})
        data.setdefault("Type", "Service")
        check_enum(data, "Type", ("Service", "NonInventory", "Inventory", "Category", "Group"))
        if data["Type"] == "Inventory":
            require_plus(c.edition, "Inventory tracking")
        if data["Type"] in ("Group", "Category"):
            raise UnsupportedOperation(
                f"Item Type={data['Type']} is not emulated by the sandbox.", "Type"
            )
        _unique(ctx, "Item", str(name), old, "product or service")
        if data.get("IncomeAccountRef") is None and data["Type"] == "Service":
            from ..faults import RequiredParamMissing

            raise RequiredParamMissing.of("IncomeAccountRef")
        for key in ("IncomeAccountRef", "ExpenseAccountRef", "AssetAccountRef"):
            if data.get(key) is not None:
                acct = resolve(c, "Account", data[key], key)
                data[key] = named_ref(acct, "Name")
        for key in ("UnitPrice", "PurchaseCost"):
            if key in data and data[key] is not None:
                data[key] = to_decimal(data[key], key)
        data.setdefault("UnitPrice", Decimal("0"))
        data.setdefault("Active", True)
        data.setdefault("Taxable", False)
        data["FullyQualifiedName"] = name
        if data["Type"] == "Inventory":
            prepare_inventory_item(c, data, old)
        else:
            data.setdefault("TrackQtyOnHand", False)
        return data

    def postings(self, c: Company, data: dict[str, Any]) -> list[Posting]:
        return starting_value(data, c)

    def after_write(self, ctx: Ctx, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
        super().after_write(ctx, old, new)
        if new is not None:
            record_start(ctx.company, new)


class Class(_Named):
    name: ClassVar[str] = "Class"
    group: ClassVar[str] = "Class"
    what: ClassVar[str] = "class"
    read_only: ClassVar[frozenset[str]] = frozenset({"FullyQualifiedName"})
    queryable: ClassVar[frozenset[str]] = frozenset(
        {"Name", "Active", "FullyQualifiedName", "SubClass"}
    )

    def prepare(self, ctx: Ctx, data: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        c = ctx.company
        require_plus(c.edition, "Class tracking")
        name = require(data, "Name")
        check_lengths(data, {"Name": 100})
        if ":" in str(name):
            raise BusinessValidation.of("Name can not contain a colon (:).", "Name")
        _unique(ctx, "Class", str(name), old, "class")
        fqn = str(name)
        if data.get("SubClass") or data.get("ParentRef"):
            parent_id = ref_id(data.get("ParentRef"), "ParentRef")
            parent = c.get("Class", parent_id)
            if parent is None or parent_id == (old or {}).get("Id"):
                raise InvalidReferenceId.of("Klasses", parent_id)
            data["SubClass"] = True
            fqn = f"{parent.data['FullyQualifiedName']}:{name}"
            if fqn.count(":") > 4:
                raise SubLevelLimit.of("Classes")
        else:
            data["SubClass"] = False
        data["FullyQualifiedName"] = fqn
        data.setdefault("Active", True)
        return data


class Term(_Named):
    name: ClassVar[str] = "Term"
    group: ClassVar[str] = "Term"
    what: ClassVar[str] = "term"
    queryable: ClassVar[frozenset[str]] = frozenset({"Name", "Active", "DueDays", "Type"})

    def prepare(self, ctx: Ctx, data: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        name = require(data, "Name")
        check_lengths(data, {"Name": 31})
        _unique(ctx, "Term", str(name), old, "term")
        data.setdefault("Type", "STANDARD")
        check_enum(data, "Type", ("STANDARD", "DATE_DRIVEN"))
        data.setdefault("Active", True)
        return data


def require_plus(edition: str, feature: str, element: str = "") -> None:
    """An entity of a missing feature: 5020, as for PurchaseOrder below Plus."""
    if edition not in ("plus", "advanced"):
        raise PermissionDenied(
            f"Permission Denied : {feature} needs QuickBooks Online Plus or Advanced.",
            element,
        )


def require_plus_feature(edition: str, feature: str, element: str) -> None:
    """A field of a missing feature inside a supported transaction: 5030."""
    if edition not in ("plus", "advanced"):
        raise FeatureNotSupported(
            f"Feature Not Supported : {feature} needs QuickBooks Online Plus or Advanced.",
            element,
        )


class TaxCode(EntityModel):
    name: ClassVar[str] = "TaxCode"
    kind: ClassVar[str] = "readonly"
    queryable: ClassVar[frozenset[str]] = frozenset({"Name", "Active", "Taxable", "TaxGroup"})

    def list_rank(self, data: dict[str, Any]) -> int:
        """A US company's system codes TAX and NON are listed before its own tax codes."""
        return 0 if data.get("Id") in ("TAX", "NON") else 1


class TaxRate(EntityModel):
    name: ClassVar[str] = "TaxRate"
    kind: ClassVar[str] = "readonly"
    queryable: ClassVar[frozenset[str]] = frozenset({"Name", "Active", "RateValue"})


class CompanyInfo(EntityModel):
    name: ClassVar[str] = "CompanyInfo"
    kind: ClassVar[str] = "readonly"
    queryable: ClassVar[frozenset[str]] = frozenset({"CompanyName", "Country"})


class PaymentMethod(_Named):
    name: ClassVar[str] = "PaymentMethod"
    group: ClassVar[str] = "PaymentMethod"
    what: ClassVar[str] = "payment method"
    queryable: ClassVar[frozenset[str]] = frozenset({"Name", "Active", "Type"})

    def prepare(self, ctx: Ctx, data: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        name = require(data, "Name")
        check_lengths(data, {"Name": 31})
        _unique(ctx, "PaymentMethod", str(name), old, "payment method")
        data.setdefault("Type", "NON_CREDIT_CARD")
        check_enum(data, "Type", ("CREDIT_CARD", "NON_CREDIT_CARD"))
        data.setdefault("Active", True)
        return data


class Department(_Named):
    """Locations: a Plus/Advanced list."""

    name: ClassVar[str] = "Department"
    group: ClassVar[str] = "Department"
    what: ClassVar[str] = "location"
    read_only: ClassVar[frozenset[str]] = frozenset({"FullyQualifiedName"})
    queryable: ClassVar[frozenset[str]] = frozenset(
        {"Name", "Active", "FullyQualifiedName", "SubDepartment"}
    )

    def prepare(self, ctx: Ctx, data: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        c = ctx.company
        require_plus(c.edition, "Location tracking")
        name = require(data, "Name")
        check_lengths(data, {"Name": 100})
        _unique(ctx, "Department", str(name), old, "location")
        fqn = str(name)
        if data.get("SubDepartment") or data.get("ParentRef"):
            parent = resolve(c, "Department", data.get("ParentRef"), "ParentRef")
            data["SubDepartment"] = True
            fqn = f"{parent['FullyQualifiedName']}:{name}"
        else:
            data["SubDepartment"] = False
        data["FullyQualifiedName"] = fqn
        data.setdefault("Active", True)
        return data


class TaxAgency(EntityModel):
    name: ClassVar[str] = "TaxAgency"
    queryable: ClassVar[frozenset[str]] = frozenset({"DisplayName"})

    def prepare(self, ctx: Ctx, data: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        name = require(data, "DisplayName")
        check_lengths(data, {"DisplayName": 100})
        owner = name_owner(ctx.company, "TaxAgency", str(name))
        if owner is not None and (old is None or owner[1] != old["Id"]):
            raise DuplicateName(
                f"Duplicate Name Exists Error : the tax agency name {name} is already used. "
                "Choose another name.",
                "DisplayName",
            )
        data.setdefault("TaxTrackedOnSales", True)
        data.setdefault("TaxTrackedOnPurchases", False)
        return data

    def after_write(self, ctx: Ctx, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
        ident = (new or old or {}).get("Id", "")
        claim_name(
            ctx.company,
            "TaxAgency",
            self.name,
            ident,
            old.get("DisplayName") if old else None,
            new.get("DisplayName") if new else None,
        )
