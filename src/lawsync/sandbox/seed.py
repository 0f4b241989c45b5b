"""A new company's starting data: a law-firm chart of accounts, items, terms and tax codes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from .company import EDITION_SKU, Company, Record
from .models import MODELS
from .models.base import Ctx, Operations
from .models.preferences import build_preferences
from .wire import qbo_time

# (name, AccountType, AccountSubType)
ACCOUNTS: list[tuple[str, str, str]] = [
    ("Undeposited Funds", "Other Current Asset", "UndepositedFunds"),
    ("Accounts Receivable (A/R)", "Accounts Receivable", "AccountsReceivable"),
    ("Operating Account", "Bank", "Checking"),
    ("Client Trust Account", "Bank", "TrustAccounts"),
    ("Client Trust Liability", "Other Current Liability", "TrustAccountsLiabilities"),
    ("Accounts Payable (A/P)", "Accounts Payable", "AccountsPayable"),
    ("Legal Fee Income", "Income", "ServiceFeeIncome"),
    ("Reimbursed Expense Income", "Income", "OtherPrimaryIncome"),
    ("Discounts given", "Income", "DiscountsRefundsGiven"),
    ("Office Expenses", "Expense", "OfficeExpenses"),
    ("Court Filing Fees", "Expense", "LegalProfessionalFees"),
    ("Bank Charges", "Expense", "BankCharges"),
    ("Opening Balance Equity", "Equity", "OpeningBalanceEquity"),
    ("Retained Earnings", "Equity", "RetainedEarnings"),
    ("Visa Credit Card", "Credit Card", "CreditCard"),
    ("Interest Earned", "Other Income", "InterestEarned"),
]


def put(c: Company, entity: str, ident: str, data: dict[str, Any], now: float) -> None:
    """Insert a system record directly (tax tables, company info) with version 0."""
    full = {
        **data,
        "domain": "QBO",
        "sparse": False,
        "Id": ident,
        "SyncToken": "0",
        "MetaData": {"CreateTime": qbo_time(now, c.tz), "LastUpdatedTime": qbo_time(now, c.tz)},
    }
    c.table(entity)[ident] = Record.of(full, now, now)


def company_info(c: Company) -> dict[str, Any]:
    status = "CANCELLED" if c.subscription_status == "cancelled" else "SUBSCRIBED"
    addr_country = "USA" if c.country == "US" else "CAN"
    return {
        "CompanyName": c.name,
        "LegalName": c.name,
        "CompanyAddr": {
            "Line1": "100 Main Street",
            "City": "Springfield",
            "Country": addr_country,
            "PostalCode": "00000",
        },
        "Country": c.country,
        "Email": {"Address": "office@example.com"},
        "CompanyStartDate": datetime.fromtimestamp(c.created, c.tz).date().isoformat(),
        "FiscalYearStartMonth": "January",
        "SupportedLanguages": "en",
        "NameValue": [
            {"Name": "NeoEnabled", "Value": "true"},
            {"Name": "IndustryType", "Value": "Legal Services"},
            {"Name": "SubscriptionStatus", "Value": status},
            {"Name": "OfferingSku", "Value": EDITION_SKU[c.edition]},
            {"Name": "PayrollFeature", "Value": "false"},
            {"Name": "AccountantFeature", "Value": "false"},
            {"Name": "ItemCategoriesFeature", "Value": "false"},
        ],
    }


def refresh_settings_records(c: Company, now: float, bump: bool) -> None:
    """Rewrite CompanyInfo and Preferences after the company's switches changed."""
    for entity, build in (
        ("CompanyInfo", lambda old: company_info(c)),
        ("Preferences", lambda old: build_preferences(c, old)),
    ):
        rec = c.get(entity, "1")
        base = {
            k: v
            for k, v in (rec.data if rec else {}).items()
            if k not in ("Id", "SyncToken", "MetaData", "domain", "sparse")
        }
        data = build(base)
        if rec is None:
            put(c, entity, "1", data, now)
            continue
        if data == base:
            continue
        sync = int(rec.data["SyncToken"]) + (1 if bump else 0)
        full = {
            **data,
            "domain": "QBO",
            "sparse": False,
            "Id": "1",
            "SyncToken": str(sync),
            "MetaData": {
                "CreateTime": rec.data["MetaData"]["CreateTime"],
                "LastUpdatedTime": qbo_time(now, c.tz),
            },
        }
        c.table(entity)["1"] = Record.of(full, rec.created, now)


def _tax_tables(c: Company, now: float) -> None:
    def rate(ident: str, name: str, value: str) -> None:
        put(
            c,
            "TaxRate",
            ident,
            {
                "Name": name,
                "Description": name,
                "RateValue": Decimal(value),
                "AgencyRef": {"value": "1"},
                "Active": True,
                "SpecialTaxType": "NONE",
                "DisplayType": "ReadOnly",
            },
            now,
        )

    def code(
        ident: str, name: str, sales: list[str], purchase: list[str], group: bool = False
    ) -> None:
        def rl(ids: list[str]) -> dict[str, Any]:
            return {
                "TaxRateDetail": [
                    {
                        "TaxRateRef": {"value": i, "name": c.table("TaxRate")[i].data["Name"]},
                        "TaxTypeApplicable": "TaxOnAmount",
                        "TaxOrder": n,
                    }
                    for n, i in enumerate(ids)
                ]
            }

        put(
            c,
            "TaxCode",
            ident,
            {
                "Name": name,
                "Description": name,
                "Active": True,
                "Hidden": False,
                "Taxable": bool(sales or purchase),
                "TaxGroup": group,
                "SalesTaxRateList": rl(sales),
                "PurchaseTaxRateList": rl(purchase),
                "TaxCodeConfigType": "USER_DEFINED",
            },
            now,
        )

    if c.country == "US":
        rate("1", "State Sales Tax", "7.25")
        code("TAX", "TAX", [], [])
        code("NON", "NON", [], [])
        code("2", "State Sales Tax", ["1"], [])
        c.table("TaxCode")["TAX"].data["Taxable"] = True
    else:
        rate("1", "GST", "5")
        rate("2", "HST ON", "13")
        rate("3", "PST BC", "7")
        rate("4", "Exempt", "0")
        code("1", "GST", ["1"], ["1"])
        code("2", "HST ON", ["2"], ["2"])
        code("3", "PST BC", ["3"], [])
        code("4", "GST/PST BC", ["1", "3"], ["1"], group=True)
        code("5", "Exempt", ["4"], ["4"])
        code("6", "Out of Scope", [], [])
        # Recoverable GST on purchases only: it has no sales rate, so a sales line can't use it.
        code("7", "GST on purchases", [], ["1"])


def seed_company(c: Company, now: float, sample_data: bool = False) -> None:
    """Seed a new company: the law-firm starting data, or Intuit-like sample data."""
    if sample_data:
        from .sample import build_sample

        ctx = Ctx(company=c, now=now)
        ops = Operations(ctx)
        for name in ("Arizona Dept. of Revenue", "Board of Equalization"):
            ops.create(MODELS["TaxAgency"], {"DisplayName": name})
        for name in ("Net 30", "Net 15", "Due on receipt", "Net 10", "Net 60"):
            days = 0 if name == "Due on receipt" else int(name.split()[1])
            ops.create(MODELS["Term"], {"Name": name, "DueDays": days})
        for method in ("Cash", "Check", "Visa", "MasterCard", "American Express", "Discover"):
            card = method not in ("Cash", "Check")
            ops.create(
                MODELS["PaymentMethod"],
                {"Name": method, "Type": "CREDIT_CARD" if card else "NON_CREDIT_CARD"},
            )
        _tax_tables(c, now)
        refresh_settings_records(c, now, bump=False)
        build_sample(c, now)
        return
    ctx = Ctx(company=c, now=now)
    ops = Operations(ctx)
    accounts = list(ACCOUNTS)
    if c.country == "US":
        accounts.append(("Sales Tax Payable", "Other Current Liability", "SalesTaxPayable"))
    else:
        accounts.append(("GST/HST Payable", "Other Current Liability", "GlobalTaxPayable"))
    ids: dict[str, str] = {}
    for name, acct_type, subtype in accounts:
        rec = ops.create(
            MODELS["Account"], {"Name": name, "AccountType": acct_type, "AccountSubType": subtype}
        )
        ids[subtype] = rec.data["Id"]
    item = MODELS["Item"]
    ops.create(
        item,
        {
            "Name": "Services",
            "Type": "Service",
            "IncomeAccountRef": {"value": ids["ServiceFeeIncome"]},
        },
    )
    ops.create(
        item,
        {
            "Name": "Legal Services",
            "Type": "Service",
            "UnitPrice": Decimal("250"),
            "Description": "Professional legal services",
            "IncomeAccountRef": {"value": ids["ServiceFeeIncome"]},
        },
    )
    ops.create(
        item,
        {
            "Name": "Disbursements",
            "Type": "NonInventory",
            "Description": "Costs recovered from clients",
            "IncomeAccountRef": {"value": ids["OtherPrimaryIncome"]},
            "ExpenseAccountRef": {"value": ids["LegalProfessionalFees"]},
        },
    )
    ops.create(MODELS["Term"], {"Name": "Net 30", "DueDays": 30})
    ops.create(MODELS["Term"], {"Name": "Due on receipt", "DueDays": 0})
    for method in ("Cash", "Check", "Credit Card"):
        ops.create(
            MODELS["PaymentMethod"],
            {
                "Name": method,
                "Type": "CREDIT_CARD" if method == "Credit Card" else "NON_CREDIT_CARD",
            },
        )
    agency = "State Department of Revenue" if c.country == "US" else "Canada Revenue Agency"
    ops.create(MODELS["TaxAgency"], {"DisplayName": agency})
    _tax_tables(c, now)
    refresh_settings_records(c, now, bump=False)
    ctx.events.clear()
