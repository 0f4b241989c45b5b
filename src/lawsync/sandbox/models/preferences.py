"""Preferences: the company settings that change how QBO validates transactions."""

from __future__ import annotations

from typing import Any, ClassVar

from ..company import Company
from .base import Ctx, EntityModel

WARN_KEYS = ("WarnDuplicateCheckNumber", "WarnDuplicateBillNumber", "WarnDuplicateJournalNumber")


def build_preferences(c: Company, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """Render the preference blocks, with the company's switches written into them."""
    prefs = {k: (dict(v) if isinstance(v, dict) else v) for k, v in (base or {}).items()}
    acct = prefs.setdefault("AccountingInfoPrefs", {})
    acct.update(
        {
            "TrackDepartments": acct.get("TrackDepartments", False),
            "ClassTrackingPerTxn": False,
            "ClassTrackingPerTxnLine": c.class_tracking,
            "CustomerTerminology": acct.get("CustomerTerminology", "Customers"),
            "FirstMonthOfFiscalYear": acct.get("FirstMonthOfFiscalYear", "January"),
            "TaxYearMonth": acct.get("TaxYearMonth", "January"),
            "UseAccountNumbers": acct.get("UseAccountNumbers", False),
        }
    )
    if c.book_close_date is not None:
        acct["BookCloseDate"] = c.book_close_date.isoformat()
    else:
        acct.pop("BookCloseDate", None)
    sales = prefs.setdefault("SalesFormsPrefs", {})
    sales["CustomTxnNumbers"] = c.custom_txn_numbers
    for key, value in (
        ("AllowDiscount", True),
        ("AllowDeposit", False),
        ("AllowShipping", False),
        ("AllowServiceDate", True),
        ("AutoApplyCredit", False),
        ("ETransactionEnabledStatus", "NotSet"),
    ):
        sales.setdefault(key, value)
    vendor = prefs.setdefault("VendorAndPurchasesPrefs", {})
    vendor["BillableExpenseTracking"] = c.plus_or_better
    vendor.setdefault("TrackingByCustomer", c.plus_or_better)
    prod = prefs.setdefault("ProductAndServicesPrefs", {})
    for key in ("ForSales", "ForPurchase"):
        prod.setdefault(key, True)
    prod.setdefault("QuantityOnHand", False)
    prefs["CurrencyPrefs"] = {
        "MultiCurrencyEnabled": c.multicurrency,
        "HomeCurrency": {"value": c.home_currency},
    }
    prefs["TaxPrefs"] = {"UsingSalesTax": True, "PartnerTaxEnabled": c.country == "US"}
    prefs.setdefault(
        "TimeTrackingPrefs", {"WorkWeekStartDate": "Monday", "MarkTimeEntriesBillable": False}
    )
    prefs.setdefault(
        "EmailMessagesPrefs",
        {
            "InvoiceMessage": {
                "Subject": "Invoice from {company}",
                "Message": "Your invoice is attached.",
            },
            "EstimateMessage": {"Subject": "Estimate", "Message": "Your estimate is attached."},
        },
    )
    prefs.setdefault("ReportPrefs", {"ReportBasis": "Accrual", "CalcAgingReportFromTxnDate": False})
    other = {nv["Name"]: nv["Value"] for nv in (prefs.get("OtherPrefs") or {}).get("NameValue", [])}
    other.setdefault("SalesFormsPrefs.DefaultCustomerMessage", "Thank you for your business.")
    for key in WARN_KEYS:
        other[key] = "true" if c.warn_duplicate_doc_numbers else "false"
    other["VendorAndPurchasesPrefs.UseCustomTxnNumbers"] = (
        "true" if c.custom_txn_numbers else "false"
    )
    prefs["OtherPrefs"] = {"NameValue": [{"Name": k, "Value": v} for k, v in other.items()]}
    return prefs


class Preferences(EntityModel):
    name: ClassVar[str] = "Preferences"
    kind: ClassVar[str] = "singleton"

    def prepare(self, ctx: Ctx, data: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        c = ctx.company
        merged = {
            k: v
            for k, v in (old or {}).items()
            if k not in ("Id", "SyncToken", "MetaData", "domain", "sparse")
        }
        for block, value in data.items():
            if isinstance(value, dict) and isinstance(merged.get(block), dict):
                merged[block] = {**merged[block], **value}
            else:
                merged[block] = value
        sales = merged.get("SalesFormsPrefs") or {}
        if isinstance(sales.get("CustomTxnNumbers"), bool):
            c.custom_txn_numbers = sales["CustomTxnNumbers"]
        acct = merged.get("AccountingInfoPrefs") or {}
        if isinstance(acct.get("ClassTrackingPerTxnLine"), bool) and c.plus_or_better:
            c.class_tracking = acct["ClassTrackingPerTxnLine"]
        other = {
            nv.get("Name"): nv.get("Value")
            for nv in (merged.get("OtherPrefs") or {}).get("NameValue", [])
        }
        warn = [str(other.get(k)).lower() for k in WARN_KEYS if k in other]
        if warn and len(set(warn)) == 1 and (warn[0] == "true") != c.warn_duplicate_doc_numbers:
            c.warn_duplicate_doc_numbers = warn[0] == "true"
        return build_preferences(c, merged)
