"""A sample company, like the one Intuit gives every developer: a small landscaping business.

Made with ``"sample_data": true``. Everything is created through the sandbox's own rules
(the same ``Operations`` a request goes through), so balances, open items and stock agree
with the transactions. Ids follow Intuit's sample where clients' tests rely on them:
account 1 Services, 42 Visa, 79 to 81 the product income, cost and stock accounts, 84 A/R,
86 Discounts given; items 1 Services to 17 Trimming (10 Pest Control, 5 Rock Fountain
the first inventory item). The people lists share one Id sequence, so customers come
first, then vendors, then employees. docs/sandbox.md lists what the company holds.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from .company import Company
from .models import MODELS
from .models.base import Ctx, Operations

# (Id, name, AccountType, AccountSubType)
SAMPLE_ACCOUNTS: list[tuple[int, str, str, str]] = [
    (1, "Services", "Income", "ServiceFeeIncome"),
    (2, "Retained Earnings", "Equity", "RetainedEarnings"),
    (3, "Checking", "Bank", "Checking"),
    (4, "Savings", "Bank", "Savings"),
    (5, "Undeposited Funds", "Other Current Asset", "UndepositedFunds"),
    (6, "Prepaid Expenses", "Other Current Asset", "PrepaidExpenses"),
    (7, "Advertising", "Expense", "AdvertisingPromotional"),
    (8, "Bank Charges", "Expense", "BankCharges"),
    (9, "Insurance", "Expense", "Insurance"),
    (10, "Legal & Professional Fees", "Expense", "LegalProfessionalFees"),
    (11, "Meals and Entertainment", "Expense", "EntertainmentMeals"),
    (12, "Office Expenses", "Expense", "OfficeGeneralAdministrativeExpenses"),
    (13, "Rent or Lease", "Expense", "RentOrLeaseOfBuildings"),
    (14, "Utilities", "Expense", "Utilities"),
    (15, "Supplies", "Expense", "SuppliesMaterials"),
    (16, "Automobile", "Expense", "Auto"),
    (17, "Repair & Maintenance", "Expense", "RepairMaintenance"),
    (18, "Opening Balance Equity", "Equity", "OpeningBalanceEquity"),
    (19, "Owner's Equity", "Equity", "OwnersEquity"),
    (20, "Truck", "Fixed Asset", "Vehicles"),
    (21, "Interest Earned", "Other Income", "InterestEarned"),
    (22, "Depreciation", "Other Expense", "Depreciation"),
    (33, "Accounts Payable (A/P)", "Accounts Payable", "AccountsPayable"),
    (41, "Mastercard", "Credit Card", "CreditCard"),
    (42, "Visa", "Credit Card", "CreditCard"),
    (43, "Notes Payable", "Long Term Liability", "NotesPayable"),
    (44, "Loan Payable", "Other Current Liability", "LoanPayable"),
    (45, "Landscaping Services", "Income", "ServiceFeeIncome"),
    (54, "Pest Control Services", "Income", "OtherPrimaryIncome"),
    (79, "Sales of Product Income", "Income", "SalesOfProductIncome"),
    (80, "Cost of Goods Sold", "Cost of Goods Sold", "SuppliesMaterialsCogs"),
    (81, "Inventory Asset", "Other Current Asset", "Inventory"),
    (84, "Accounts Receivable (A/R)", "Accounts Receivable", "AccountsReceivable"),
    (86, "Discounts given", "Income", "DiscountsRefundsGiven"),
    (89, "Board of Equalization Payable", "Other Current Liability", "SalesTaxPayable"),
]

# (name, Type, unit price, income account, purchase cost, quantity on hand)
SAMPLE_ITEMS: list[tuple[str, str, str, int, str, int]] = [
    ("Services", "Service", "0", 1, "0", 0),
    ("Hours", "Service", "0", 1, "0", 0),
    ("Concrete", "Service", "0", 45, "0", 0),
    ("Design", "Service", "75", 1, "0", 0),
    ("Rock Fountain", "Inventory", "275", 79, "125", 2),
    ("Gardening", "Service", "0", 45, "0", 0),
    ("Installation", "Service", "50", 45, "0", 0),
    ("Lighting", "Service", "0", 45, "0", 0),
    ("Maintenance & Repair", "Service", "0", 45, "0", 0),
    ("Pest Control", "Service", "35", 54, "0", 0),
    ("Pump", "Inventory", "15", 79, "10", 25),
    ("Refunds & Allowances", "NonInventory", "0", 79, "0", 0),
    ("Rocks", "NonInventory", "0", 45, "0", 0),
    ("Sod", "NonInventory", "0", 45, "0", 0),
    ("Sprinkler Heads", "Inventory", "2", 79, "0.75", 25),
    ("Sprinkler Pipes", "Inventory", "4", 79, "2.5", 31),
    ("Trimming", "Service", "35", 45, "0", 0),
]

SAMPLE_CUSTOMERS = [
    ("Amy's Bird Sanctuary", "Amy", "Lauterbach", "Birds@Intuit.com"),
    ("Bill's Windsurf Shop", "Bill", "Lucchini", "Surf@Intuit.com"),
    ("Cool Cars", "Grace", "Pariente", "Cool_Cars@intuit.com"),
    ("Diego Rodriguez", "Diego", "Rodriguez", "Diego@Rodriguez.com"),
    ("Dukes Basketball Camp", "Peter", "Dukes", "Dukes_bball@intuit.com"),
    ("Dylan Sollfrank", "Dylan", "Sollfrank", None),
    ("Freeman Sporting Goods", "Kirby", "Freeman", "Sporting_goods@intuit.com"),
    ("Geeta Kalapatapu", "Geeta", "Kalapatapu", "Geeta@Kalapatapu.com"),
    ("Jeff's Jalopies", "Jeff", "Chin", "Jalopies@intuit.com"),
    ("John Melton", "John", "Melton", "John@Melton.com"),
    ("Kookies by Kathy", "Kathy", "Kuplis", "qbwebsamplecompany@yahoo.com"),
    ("Mark Cho", "Mark", "Cho", "Mark@Cho.com"),
    ("Paulsen Medical Supplies", "Kathy", "Paulsen", "Medical@intuit.com"),
    ("Red Rock Diner", "Stephanie", "Martini", "qbwebsamplecompany@yahoo.com"),
    ("Sushi by Katsuyuki", "Kato", "Katsuyuki", "Sushi@intuit.com"),
]
SAMPLE_VENDORS = [
    "Books by Bessie",
    "Brosnahan Insurance Agency",
    "Cal Telephone",
    "Chin's Gas and Oil",
    "Computers by Jenni",
    "Hicks Hardware",
    "Norton Lumber and Building Materials",
    "PG&E",
    "Robertson & Associates",
    "Tania's Nursery",
]
SAMPLE_EMPLOYEES = [("Emily", "Platt"), ("John", "Johnson")]
SAMPLE_CURRENCIES = [("CAD", "0.73"), ("EUR", "1.08"), ("GBP", "1.27")]


class _Builder:
    """Creates records through the sandbox's rules, with Ids chosen where they matter."""

    def __init__(self, c: Company, now: float) -> None:
        self.c = c
        self.ctx = Ctx(company=c, now=now)
        self.ops = Operations(self.ctx)
        self.today = datetime.fromtimestamp(now, c.tz).date()

    def make(self, entity: str, body: dict[str, Any], ident: int | None = None) -> dict[str, Any]:
        if ident is not None:
            self.c.counters[entity] = ident - 1
        return self.ops.create(MODELS[entity], body).data

    def day(self, days_ago: int) -> str:
        return (self.today - timedelta(days=days_ago)).isoformat()


def _ref(record: dict[str, Any]) -> dict[str, str]:
    return {"value": str(record["Id"])}


def build_sample(c: Company, now: float) -> None:
    """Fill a freshly created company (settings and tax tables already made) with the sample."""
    b = _Builder(c, now)
    for ident, name, acct_type, subtype in SAMPLE_ACCOUNTS:
        body = {"Name": name, "AccountType": acct_type, "AccountSubType": subtype}
        b.make("Account", body, ident)
    c.counters["Account"] = max(i for i, *_ in SAMPLE_ACCOUNTS)
    items = _items(b)
    people = _people(b)
    if c.multicurrency:
        for code, rate in SAMPLE_CURRENCIES:
            b.make("CompanyCurrency", {"Code": code})
            b.ops.ctx.events.clear()
            MODELS["ExchangeRate"].write(
                b.ops, {"SourceCurrencyCode": code, "Rate": rate, "AsOfDate": b.day(0)}, ""
            )
    _transactions(b, items, people)
    b.ctx.events.clear()


def _items(b: _Builder) -> list[dict[str, Any]]:
    out = []
    for n, (name, kind, price, income, cost, qty) in enumerate(SAMPLE_ITEMS, start=1):
        body: dict[str, Any] = {
            "Name": name,
            "Type": kind,
            "UnitPrice": Decimal(price),
            "IncomeAccountRef": {"value": str(income)},
            "Taxable": kind != "Service",
        }
        if kind == "Inventory":
            body.update(
                {
                    "TrackQtyOnHand": True,
                    "QtyOnHand": qty,
                    "InvStartDate": b.day(400),
                    "PurchaseCost": Decimal(cost),
                    "ExpenseAccountRef": {"value": "80"},
                    "AssetAccountRef": {"value": "81"},
                    "Sku": f"SKU-{n:03d}",
                }
            )
        elif kind == "NonInventory":
            body["ExpenseAccountRef"] = {"value": "80"}
        out.append(b.make("Item", body, n))
    return out


def _people(b: _Builder) -> dict[str, list[dict[str, Any]]]:
    customers = []
    for display, given, family, email in SAMPLE_CUSTOMERS:
        body: dict[str, Any] = {
            "DisplayName": display,
            "GivenName": given,
            "FamilyName": family,
            "CompanyName": display if "'" in display or " " in display else None,
            "BillAddr": {
                "Line1": "4581 Finch St.",
                "City": "Bayshore",
                "CountrySubDivisionCode": "CA",
                "PostalCode": "94326",
            },
        }
        if email:
            body["PrimaryEmailAddr"] = {"Address": email}
        customers.append(b.make("Customer", {k: v for k, v in body.items() if v is not None}))
    vendors = [
        b.make("Vendor", {"DisplayName": name, "CompanyName": name}) for name in SAMPLE_VENDORS
    ]
    employees = [
        b.make("Employee", {"GivenName": given, "FamilyName": family})
        for given, family in SAMPLE_EMPLOYEES
    ]
    return {"customers": customers, "vendors": vendors, "employees": employees}


def _sale(item: dict[str, Any], qty: int, price: str) -> dict[str, Any]:
    amount = Decimal(price) * qty
    return {
        "DetailType": "SalesItemLineDetail",
        "Amount": amount,
        "Description": item["Name"],
        "SalesItemLineDetail": {
            "ItemRef": _ref(item),
            "Qty": qty,
            "UnitPrice": Decimal(price),
            "TaxCodeRef": {"value": "NON"},
        },
    }


def _expense(account: int, amount: str, memo: str) -> dict[str, Any]:
    return {
        "DetailType": "AccountBasedExpenseLineDetail",
        "Amount": Decimal(amount),
        "Description": memo,
        "AccountBasedExpenseLineDetail": {"AccountRef": {"value": str(account)}},
    }


def _transactions(
    b: _Builder, items: list[dict[str, Any]], people: dict[str, list[dict[str, Any]]]
) -> None:
    cust = people["customers"]
    vend = people["vendors"]
    item = {i["Name"]: i for i in items}
    # Invoices: services and stock sold on credit.
    invoices = []
    plan = [
        (0, [("Gardening", 4, "30"), ("Rock Fountain", 1, "275")], 60),
        (1, [("Design", 4, "75")], 45),
        (2, [("Pest Control", 2, "35"), ("Pump", 2, "15")], 40),
        (4, [("Installation", 3, "50"), ("Sprinkler Heads", 10, "2")], 30),
        (6, [("Trimming", 2, "35")], 21),
        (8, [("Maintenance & Repair", 1, "90"), ("Sprinkler Pipes", 5, "4")], 14),
        (10, [("Hours", 6, "45")], 7),
        (12, [("Design", 2, "75"), ("Lighting", 1, "120")], 3),
    ]
    for who, lines, ago in plan:
        invoices.append(
            b.make(
                "Invoice",
                {
                    "CustomerRef": _ref(cust[who]),
                    "TxnDate": b.day(ago),
                    "Line": [_sale(item[n], q, p) for n, q, p in lines],
                },
            )
        )
    # Payments: three invoices paid in full, two in part, and one payment left unapplied.
    payments: list[tuple[int | None, str | None]] = [
        (0, None),
        (1, None),
        (2, None),
        (3, "100"),
        (5, "25"),
        (None, "50"),
    ]
    for n, (inv, amount) in enumerate(payments):
        target = invoices[inv] if inv is not None else None
        total = Decimal(amount) if amount else Decimal(str(target["TotalAmt"] if target else 0))
        who = plan[inv][0] if inv is not None else 4
        body: dict[str, Any] = {
            "CustomerRef": _ref(cust[who]),
            "TotalAmt": total,
            "TxnDate": b.day(20 - 3 * n),
        }
        if target is not None:
            body["Line"] = [
                {"Amount": total, "LinkedTxn": [{"TxnId": target["Id"], "TxnType": "Invoice"}]}
            ]
        b.make("Payment", body)
    b.make(
        "SalesReceipt",
        {
            "CustomerRef": _ref(cust[13]),
            "TxnDate": b.day(12),
            "DepositToAccountRef": {"value": "3"},
            "Line": [_sale(item["Pest Control"], 1, "35"), _sale(item["Sprinkler Heads"], 4, "2")],
        },
    )
    b.make(
        "CreditMemo",
        {
            "CustomerRef": _ref(cust[7]),
            "TxnDate": b.day(9),
            "Line": [_sale(item["Services"], 1, "50")],
        },
    )
    b.make(
        "Estimate",
        {
            "CustomerRef": _ref(cust[9]),
            "TxnDate": b.day(5),
            "Line": [_sale(item["Rock Fountain"], 1, "275"), _sale(item["Installation"], 2, "50")],
        },
    )
    b.make(
        "RefundReceipt",
        {
            "CustomerRef": _ref(cust[1]),
            "TxnDate": b.day(4),
            "DepositToAccountRef": {"value": "3"},
            "PaymentType": "Check",
            "Line": [_sale(item["Design"], 1, "75")],
        },
    )
    # Bills: one paid, one open.
    bills = [
        b.make(
            "Bill",
            {
                "VendorRef": _ref(vend[6]),
                "TxnDate": b.day(35),
                "Line": [
                    {
                        "DetailType": "ItemBasedExpenseLineDetail",
                        "Amount": Decimal("250"),
                        "ItemBasedExpenseLineDetail": {
                            "ItemRef": _ref(item["Pump"]),
                            "Qty": 25,
                            "UnitPrice": Decimal("10"),
                        },
                    }
                ],
            },
        ),
        b.make(
            "Bill",
            {
                "VendorRef": _ref(vend[7]),
                "TxnDate": b.day(10),
                "Line": [_expense(14, "114.09", "Gas and electric")],
            },
        ),
        b.make(
            "Bill",
            {
                "VendorRef": _ref(vend[2]),
                "TxnDate": b.day(8),
                "Line": [_expense(14, "56.50", "Telephone")],
            },
        ),
    ]
    b.make(
        "BillPayment",
        {
            "VendorRef": _ref(vend[6]),
            "PayType": "Check",
            "TotalAmt": Decimal("250"),
            "TxnDate": b.day(20),
            "CheckPayment": {"BankAccountRef": {"value": "3"}},
            "Line": [
                {
                    "Amount": Decimal("250"),
                    "LinkedTxn": [{"TxnId": bills[0]["Id"], "TxnType": "Bill"}],
                }
            ],
        },
    )
    # Purchases: a cheque, a card charge and cash.
    b.make(
        "Purchase",
        {
            "PaymentType": "Check",
            "AccountRef": {"value": "3"},
            "EntityRef": {**_ref(vend[8]), "type": "Vendor"},
            "TxnDate": b.day(25),
            "DocNumber": "71",
            "Line": [_expense(10, "375", "Bookkeeping")],
        },
    )
    b.make(
        "Purchase",
        {
            "PaymentType": "CreditCard",
            "AccountRef": {"value": "42"},
            "EntityRef": {**_ref(vend[3]), "type": "Vendor"},
            "TxnDate": b.day(16),
            "Line": [_expense(16, "65", "Fuel")],
        },
    )
    b.make(
        "Purchase",
        {
            "PaymentType": "Cash",
            "AccountRef": {"value": "3"},
            "EntityRef": {**_ref(vend[5]), "type": "Vendor"},
            "TxnDate": b.day(11),
            "Line": [_expense(15, "42.40", "Hardware")],
        },
    )
    b.make(
        "PurchaseOrder",
        {
            "VendorRef": _ref(vend[6]),
            "TxnDate": b.day(3),
            "Line": [
                {
                    "DetailType": "ItemBasedExpenseLineDetail",
                    "Amount": Decimal("100"),
                    "ItemBasedExpenseLineDetail": {
                        "ItemRef": _ref(item["Pump"]),
                        "Qty": 10,
                        "UnitPrice": Decimal("10"),
                    },
                }
            ],
        },
    )
    b.make(
        "CreditCardPayment",
        {
            "CreditCardAccountRef": {"value": "42"},
            "BankAccountRef": {"value": "3"},
            "Amount": Decimal("65"),
            "TxnDate": b.day(6),
        },
    )
    b.make(
        "Deposit",
        {
            "DepositToAccountRef": {"value": "3"},
            "TxnDate": b.day(19),
            "Line": [
                {
                    "Amount": Decimal("5000"),
                    "DetailType": "DepositLineDetail",
                    "DepositLineDetail": {"AccountRef": {"value": "19"}},
                }
            ],
        },
    )
    b.make(
        "TimeActivity",
        {
            "NameOf": "Employee",
            "EmployeeRef": _ref(people["employees"][0]),
            "CustomerRef": _ref(cust[0]),
            "ItemRef": _ref(item["Gardening"]),
            "TxnDate": b.day(2),
            "Hours": 3,
            "Minutes": 30,
            "HourlyRate": Decimal("30"),
            "CostRate": Decimal("20"),
            "Description": "Garden clean-up",
        },
    )
    b.make(
        "Attachable",
        {
            "Note": "Call before the next visit.",
            "AttachableRef": [{"EntityRef": {"type": "Customer", "value": cust[0]["Id"]}}],
        },
    )
    schedule = {
        "IntervalType": "Monthly",
        "NumInterval": 1,
        "DayOfMonth": 1,
        "StartDate": date(b.today.year, b.today.month, 1).isoformat(),
    }
    MODELS["RecurringTransaction"].write(
        b.ops,
        {
            "Invoice": {
                "CustomerRef": _ref(cust[4]),
                "Line": [_sale(item["Gardening"], 2, "30")],
                "RecurringInfo": {
                    "Name": "Monthly gardening",
                    "RecurType": "Automated",
                    "Active": True,
                    "ScheduleInfo": schedule,
                },
            }
        },
        "",
    )
    MODELS["RecurringTransaction"].write(
        b.ops,
        {
            "Bill": {
                "VendorRef": _ref(vend[7]),
                "Line": [_expense(14, "110", "Gas and electric")],
                "RecurringInfo": {
                    "Name": "Monthly utilities",
                    "RecurType": "Reminded",
                    "Active": True,
                    "ScheduleInfo": {**schedule, "DaysBefore": 5},
                },
            }
        },
        "",
    )
