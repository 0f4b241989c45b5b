"""JSON shape checks: a field of the wrong JSON type is refused before any rule runs.

QBO deserialises requests into typed objects, so an object where a string belongs,
or a string where a reference object belongs, fails as an invalid property (2010)
rather than reaching business validation. Empty strings and nulls mean "absent".
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..faults import InvalidProperty

BOOLS = frozenset(
    {
        "Active",
        "SubAccount",
        "SubClass",
        "Job",
        "Taxable",
        "sparse",
        "BillWithParent",
        "Credit",
        "AllowOnlineCreditCardPayment",
        "AllowOnlineACHPayment",
        "AllowIPNPayment",
        "Adjustment",
        "ApplyTaxAfterDiscount",
        "PercentBased",
        "TrackQtyOnHand",
        "Vendor1099",
        "ProcessPayment",
        "TaxGroup",
        "Hidden",
        "IsProject",
        "FreeFormAddress",
    }
)
NUMBERS = frozenset(
    {
        "TotalAmt",
        "UnitPrice",
        "PurchaseCost",
        "DueDays",
        "Amount",
        "Qty",
        "DiscountPercent",
        "Balance",
        "ExchangeRate",
        "TaxPercent",
        "QtyOnHand",
        "DiscountDays",
        "Level",
        "LineNum",
        "Deposit",
        "HomeTotalAmt",
        "HomeBalance",
        "UnappliedAmt",
        "TotalTax",
        "RateValue",
        "CurrentBalance",
        "CurrentBalanceWithSubAccounts",
        "BalanceWithJobs",
        "OpeningBalance",
    }
)
STRINGS = frozenset(
    {
        "FileName",
        "Note",
        "ContentType",
        "DisplayName",
        "Name",
        "GivenName",
        "MiddleName",
        "FamilyName",
        "Title",
        "Suffix",
        "CompanyName",
        "PrintOnCheckName",
        "Notes",
        "ResaleNum",
        "AcctNum",
        "DocNumber",
        "TxnDate",
        "DueDate",
        "ShipDate",
        "PrivateNote",
        "PaymentType",
        "AccountType",
        "AccountSubType",
        "Type",
        "PrintStatus",
        "EmailStatus",
        "GlobalTaxCalculation",
        "PreferredDeliveryMethod",
        "PaymentRefNum",
        "Description",
        "PurchaseDesc",
        "Sku",
        "PostingType",
        "BillableStatus",
        "DetailType",
        "TxnId",
        "TxnType",
        "TxnLineId",
        "ServiceDate",
        "FullyQualifiedName",
        "Address",
        "URI",
        "FreeFormNumber",
        "Line1",
        "Line2",
        "Line3",
        "Line4",
        "Line5",
        "City",
        "Country",
        "CountrySubDivisionCode",
        "PostalCode",
        "SyncToken",
        "Id",
        "TrackingNum",
        "CheckNum",
    }
)
LISTS = frozenset(
    {"Line", "LinkedTxn", "CustomField", "TaxLine", "NameValue", "TaxRateDetail", "AttachableRef"}
)


def _bad(path: str, value: Any) -> InvalidProperty:
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return InvalidProperty(
        f"Request has invalid or unsupported property: {path} can not be {shown}", path
    )


def check_shape(value: Any, path: str = "") -> None:
    """Raise 2010 for a field of the wrong JSON type; numbers given for strings become text."""
    if not isinstance(value, dict):
        raise _bad(path or "body", value)
    for key, item in value.items():
        here = f"{path}.{key}" if path else key
        if item is None or item == "":
            continue
        if key in BOOLS:
            if not isinstance(item, bool):
                raise _bad(here, item)
        elif key in NUMBERS:
            if isinstance(item, bool) or not isinstance(item, (int, Decimal, str)):
                raise _bad(here, item)
        elif key in STRINGS:
            if isinstance(item, bool) or not isinstance(item, (str, int, Decimal)):
                raise _bad(here, item)
            value[key] = str(item)
        elif key in LISTS:
            if not isinstance(item, list):
                raise _bad(here, item)
            for element in item:
                if key in (
                    "LinkedTxn",
                    "Line",
                    "TaxLine",
                    "NameValue",
                    "TaxRateDetail",
                    "CustomField",
                    "AttachableRef",
                ):
                    check_shape(element, here)
        elif key.endswith("Ref"):
            if not isinstance(item, dict) or isinstance(item.get("value"), (dict, list, bool)):
                raise _bad(here, item)
        elif isinstance(item, dict):
            check_shape(item, here)
        elif key.endswith(("Detail", "Addr", "Email", "Phone", "Memo")) or key in (
            "MetaData",
            "Entity",
        ):
            raise _bad(here, item)
