"""Account: the chart of accounts, with types, subtypes, sub-accounts and live balances."""

from __future__ import annotations

from typing import Any, ClassVar

from ..company import claim_name, name_owner
from ..faults import (
    AccountTypeRequired,
    BusinessValidation,
    DuplicateName,
    InvalidEnumeration,
    InvalidReferenceId,
    SubLevelLimit,
)
from ..ledger import account_balance, refresh_account_balance
from .base import Ctx, EntityModel
from .names import check_currency
from .rules import check_lengths, ref_id, require

ACCOUNTS = "Account"

# AccountType -> (Classification, allowed subtypes, default subtype)
TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "Bank": (
        "Asset",
        (
            "CashOnHand",
            "Checking",
            "MoneyMarket",
            "RentsHeldInTrust",
            "Savings",
            "TrustAccounts",
            "CashAndCashEquivalents",
            "OtherEarMarkedBankAccounts",
        ),
    ),
    "Accounts Receivable": ("Asset", ("AccountsReceivable",)),
    "Other Current Asset": (
        "Asset",
        (
            "EmployeeCashAdvances",
            "AllowanceForBadDebts",
            "DevelopmentCosts",
            "OtherCurrentAssets",
            "Inventory",
            "LoansToOfficers",
            "LoansToOthers",
            "LoansToStockholders",
            "PrepaidExpenses",
            "Retainage",
            "UndepositedFunds",
        ),
    ),
    "Fixed Asset": (
        "Asset",
        (
            "OtherFixedAssets",
            "AccumulatedDepreciation",
            "Buildings",
            "FurnitureAndFixtures",
            "Land",
            "LeaseholdImprovements",
            "MachineryAndEquipment",
            "Vehicles",
            "FixedAssetComputers",
        ),
    ),
    "Other Asset": ("Asset", ("OtherLongTermAssets", "Goodwill", "Licenses", "SecurityDeposits")),
    "Accounts Payable": ("Liability", ("AccountsPayable",)),
    "Credit Card": ("Liability", ("CreditCard",)),
    "Other Current Liability": (
        "Liability",
        (
            "OtherCurrentLiabilities",
            "DirectDepositPayable",
            "LineOfCredit",
            "LoanPayable",
            "GlobalTaxPayable",
            "GlobalTaxSuspense",
            "PayrollClearing",
            "PayrollTaxPayable",
            "PrepaidExpensesPayable",
            "RentsInTrustLiability",
            "TrustAccountsLiabilities",
            "SalesTaxPayable",
            "InsurancePayable",
        ),
    ),
    "Long Term Liability": (
        "Liability",
        ("NotesPayable", "OtherLongTermLiabilities", "ShareholderNotesPayable"),
    ),
    "Equity": (
        "Equity",
        (
            "OpeningBalanceEquity",
            "PartnersEquity",
            "RetainedEarnings",
            "OwnersEquity",
            "PaidInCapitalOrSurplus",
            "PartnerContributions",
            "PartnerDistributions",
            "CommonStock",
            "PersonalIncome",
            "PersonalExpense",
        ),
    ),
    "Income": (
        "Revenue",
        (
            "OtherPrimaryIncome",
            "NonProfitIncome",
            "SalesOfProductIncome",
            "ServiceFeeIncome",
            "DiscountsRefundsGiven",
            "UnappliedCashPaymentIncome",
        ),
    ),
    "Cost of Goods Sold": (
        "Expense",
        (
            "CostOfLaborCos",
            "EquipmentRentalCos",
            "OtherCostsOfServiceCos",
            "ShippingFreightDeliveryCos",
            "SuppliesMaterialsCogs",
        ),
    ),
    "Expense": (
        "Expense",
        (
            "Travel",
            "AdvertisingPromotional",
            "BadDebts",
            "BankCharges",
            "CharitableContributions",
            "CommissionsAndFees",
            "Entertainment",
            "EntertainmentMeals",
            "EquipmentRental",
            "Insurance",
            "InterestPaid",
            "LegalProfessionalFees",
            "OfficeExpenses",
            "OfficeGeneralAdministrativeExpenses",
            "OtherBusinessExpenses",
            "OtherMiscellaneousServiceCost",
            "RentOrLeaseOfBuildings",
            "RepairMaintenance",
            "ShippingFreightDelivery",
            "SuppliesMaterials",
            "TravelMeals",
            "Utilities",
            "Auto",
            "DuesSubscriptions",
            "PayrollExpenses",
            "TaxesPaid",
        ),
    ),
    "Other Income": (
        "Revenue",
        (
            "OtherInvestmentIncome",
            "DividendIncome",
            "InterestEarned",
            "OtherMiscellaneousIncome",
            "TaxExemptInterest",
        ),
    ),
    "Other Expense": (
        "Expense",
        (
            "Depreciation",
            "ExchangeGainOrLoss",
            "OtherMiscellaneousExpense",
            "PenaltiesSettlements",
            "Amortization",
        ),
    ),
}
SUBTYPE_TO_TYPE = {sub: t for t, (_, subs) in TYPES.items() for sub in subs}
SYSTEM_SUBTYPES = (
    "UndepositedFunds",
    "AccountsReceivable",
    "AccountsPayable",
    "OpeningBalanceEquity",
    "RetainedEarnings",
)


class Account(EntityModel):
    name: ClassVar[str] = "Account"
    read_only: ClassVar[frozenset[str]] = frozenset(
        {"CurrentBalance", "CurrentBalanceWithSubAccounts", "FullyQualifiedName", "Classification"}
    )
    queryable: ClassVar[frozenset[str]] = frozenset(
        {
            "Name",
            "AccountType",
            "AccountSubType",
            "Active",
            "Classification",
            "CurrentBalance",
            "FullyQualifiedName",
            "AcctNum",
            "SubAccount",
        }
    )

    def prepare(self, ctx: Ctx, data: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        c = ctx.company
        name = require(data, "Name")
        check_lengths(data, {"Name": 100, "Description": 100, "AcctNum": 20})
        if isinstance(name, str) and (":" in name or '"' in name):
            raise BusinessValidation.of(
                "Account name can not contain a colon or double quote.", "Name"
            )
        acct_type = data.get("AccountType")
        subtype = data.get("AccountSubType")
        if acct_type is None and subtype is None:
            raise AccountTypeRequired("AccountType or AccountSubType is required", "AccountType")
        if acct_type is not None and acct_type not in TYPES:
            raise InvalidEnumeration.of(acct_type, "AccountType")
        if subtype is not None and subtype not in SUBTYPE_TO_TYPE:
            raise InvalidEnumeration.of(subtype, "AccountSubType")
        if acct_type is None:
            acct_type = SUBTYPE_TO_TYPE[str(subtype)]
        if subtype is None:
            subtype = TYPES[acct_type][1][0]
        if SUBTYPE_TO_TYPE[subtype] != acct_type:
            raise InvalidEnumeration.of(subtype, "AccountSubType")
        system = old is not None and old.get("AccountSubType") in SYSTEM_SUBTYPES
        if system and data.get("Active") is False:
            raise BusinessValidation.of("You can't make a system account inactive.", "Active")
        data["AccountType"], data["AccountSubType"] = acct_type, subtype
        data["Classification"] = TYPES[acct_type][0]
        owner = name_owner(c, ACCOUNTS, name)
        if owner is not None and (old is None or owner[1] != old["Id"]):
            raise DuplicateName(
                f"Duplicate Name Exists Error : the account name {name} is already used. "
                "Choose another name.",
                "Name",
            )
        fqn = name
        if data.get("SubAccount") or data.get("ParentRef"):
            parent_id = ref_id(data.get("ParentRef"), "ParentRef")
            parent = c.get("Account", parent_id)
            if parent is None or parent_id == (old or {}).get("Id"):
                raise InvalidReferenceId.of("Accounts", parent_id)
            if parent.data["AccountType"] != acct_type:
                raise BusinessValidation.of(
                    "A sub-account must have the same account type as its parent.", "ParentRef"
                )
            if subtype in SYSTEM_SUBTYPES:
                raise BusinessValidation.of("This account can not be a sub-account.", "ParentRef")
            data["SubAccount"] = True
            fqn = f"{parent.data['FullyQualifiedName']}:{name}"
            if fqn.count(":") > 4:
                raise SubLevelLimit.of("Accounts")
        else:
            data["SubAccount"] = False
        data["FullyQualifiedName"] = fqn
        data.setdefault("Active", True)
        check_currency(ctx, data, old)
        balance = account_balance(c, old["Id"]) if old else 0
        data["CurrentBalance"] = balance
        data["CurrentBalanceWithSubAccounts"] = (old or {}).get("CurrentBalanceWithSubAccounts", 0)
        return data

    def after_write(self, ctx: Ctx, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
        ident = (new or old or {}).get("Id", "")
        claim_name(
            ctx.company,
            ACCOUNTS,
            "Account",
            ident,
            old.get("Name") if old else None,
            new.get("Name") if new else None,
        )
        # A sub-account moved to another parent (or made a top-level account) takes its
        # balance along: both parents' CurrentBalanceWithSubAccounts follow.
        old_parent = ((old or {}).get("ParentRef") or {}).get("value")
        new_parent = ((new or {}).get("ParentRef") or {}).get("value")
        if old_parent != new_parent:
            for parent in (old_parent, new_parent):
                if parent:
                    refresh_account_balance(ctx.company, parent)
