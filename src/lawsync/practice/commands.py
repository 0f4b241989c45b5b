"""The inputs of each use case, validated before any rule runs.

These are the JSON API's request bodies as well, so a bad type, a missing field or an oversized
string is refused with the field's name before the ledger is touched.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StrictBool,
    StringConstraints,
    WithJsonSchema,
    field_validator,
)

from lawsync import localization
from lawsync.money import ISO_4217, is_currency_code
from lawsync.practice import fields
from lawsync.practice.fields import MAX_AMOUNT, MAX_HOURS, MAX_QUANTITY, MAX_RATE, Date, Id
from lawsync.practice.models import (
    ContactKind,
    CostType,
    DisbursementMethod,
    DiscountKind,
    MatterStatus,
    PaymentMethod,
    PaymentSource,
    Role,
)

Name = Annotated[str, fields.name(100)]
LongName = Annotated[str, fields.name(200)]
Text = Annotated[str, fields.text(5000)]
Email = Annotated[
    str,
    fields.name(
        254,
        pattern=r"^[^@\s,;<>()\[\]]+@[^@\s,;<>()\[\]]+\.[^@\s,;<>()\[\]]+$",
        says="is not an email address (name@example.com)",
    ),
]
Label = Annotated[str, fields.name(20)]
Currency = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_upper=True, min_length=3, max_length=3),
    WithJsonSchema({"type": "string", "enum": sorted(ISO_4217)}),
]
# A CLDR locale (en_US, fr-CA…), stored as Babel spells it (fr_CA); one it does not know is refused.
LocaleCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=2, max_length=localization.LOCALE_MAX),
    AfterValidator(localization.canonical_locale),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": localization.LOCALE_PATTERN,
            "maxLength": localization.LOCALE_MAX,
            "examples": ["en_US", "en_CA", "fr_CA", "en_GB"],
            "description": "A CLDR locale: how money, numbers and dates are written.",
        }
    ),
]
# An IANA time zone (America/Toronto), stored as the time zone database spells it.
TimeZoneName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=localization.TIME_ZONE_MAX),
    AfterValidator(localization.canonical_time_zone),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": localization.TIME_ZONE_PATTERN,
            "maxLength": localization.TIME_ZONE_MAX,
            "examples": ["America/New_York", "America/Toronto", "Europe/London", "UTC"],
            "description": "An IANA time zone: where the firm's times are shown.",
        }
    ),
]
PositiveMoney = Annotated[Decimal, fields.money(gt=0)]
PriceIn = Annotated[Decimal, fields.decimal(ge=0, le=MAX_RATE, places=4)]
QuantityIn = Annotated[Decimal, fields.decimal(gt=0, le=MAX_QUANTITY, places=4)]
HoursIn = Annotated[Decimal, fields.decimal(gt=0, le=MAX_HOURS, places=4)]
PercentIn = Annotated[Decimal, fields.decimal(ge=0, le=Decimal(100), places=4)]
DiscountIn = Annotated[Decimal, fields.decimal(ge=0, le=MAX_AMOUNT, places=4)]
Reason = Annotated[str, fields.text(500)]
ChequeNumber = Annotated[
    str, fields.name(20, pattern=r"^[0-9]{1,20}$", says="a cheque number is 1 to 20 digits")
]
Count = Annotated[int, Strict()]


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=5000)


def _currency(value: str | None) -> str | None:
    if value is not None and not is_currency_code(value):
        raise ValueError(f"{value} is not an ISO 4217 currency code")
    return value


class FirmCreate(Command):
    name: LongName = Field(min_length=1)
    admin_name: LongName = Field(default="Administrator", min_length=1)
    admin_email: Email
    currency: Currency = "USD"
    locale: LocaleCode = localization.DEFAULT_LOCALE
    time_zone: TimeZoneName = localization.DEFAULT_TIME_ZONE
    _check_currency = field_validator("currency")(_currency)


TrustRules = Literal["us-aba", "ca-on"]


class FirmUpdate(Command):
    name: LongName | None = Field(default=None, min_length=1)
    currency: Currency | None = None
    locale: LocaleCode | None = None
    time_zone: TimeZoneName | None = None
    matter_number_pattern: Annotated[str, fields.name(60, min_length=3)] | None = None
    next_matter_number: Annotated[Count, Field(ge=1, lt=10**9)] | None = None
    # The trust records' report set (lawsync.reports.jurisdictions), and what the exception
    # report calls dormant (months without a movement) and uncleared (days after a deposit).
    trust_rules: TrustRules | None = None
    dormant_months: Annotated[Count, Field(ge=1, le=240)] | None = None
    deposit_hold_days: Annotated[Count, Field(ge=0, le=60)] | None = None
    stale_cheque_months: Annotated[Count, Field(ge=1, le=120)] | None = None
    _check_currency = field_validator("currency")(_currency)

    @field_validator("matter_number_pattern")
    @classmethod
    def _pattern(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            sample = value.format(n=12)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(
                "use {n} for the number, e.g. {n:05d} or LIT-{n}; no other placeholders"
            ) from exc
        if sample == value.format(n=13):
            raise ValueError("the pattern must contain {n}")
        if len(sample) > 40:
            raise ValueError("numbers made from this pattern would be too long")
        return value


class UserCreate(Command):
    name: LongName = Field(min_length=1)
    email: Email
    role: Role = Role.member
    default_rate: PriceIn = Decimal("0")


class UserUpdate(Command):
    name: LongName | None = Field(default=None, min_length=1)
    email: Email | None = None
    role: Role | None = None
    default_rate: PriceIn | None = None
    active: StrictBool | None = None
    is_primary_subscriber: StrictBool | None = None


class EmailIn(Command):
    address: Email
    kind: Label = "work"
    primary: StrictBool = False


class PhoneIn(Command):
    number: Annotated[str, fields.name(40, min_length=1)]
    kind: Label = "work"


class AddressIn(Command):
    street: Annotated[str, fields.text(500)] = ""
    city: Name = ""
    region: Name = ""
    postal_code: Annotated[str, fields.name(30)] = ""
    country: Name = ""


class ContactCreate(Command):
    kind: ContactKind
    first_name: Name = ""
    last_name: Name = ""
    company_name: LongName = ""
    emails: list[EmailIn] = Field(default_factory=list, max_length=20)
    phones: list[PhoneIn] = Field(default_factory=list, max_length=20)
    web_address: Annotated[str, fields.name(1000)] = ""
    address: AddressIn | None = None


class ContactUpdate(Command):
    first_name: Name | None = None
    last_name: Name | None = None
    company_name: LongName | None = None
    emails: list[EmailIn] | None = Field(default=None, max_length=20)
    phones: list[PhoneIn] | None = Field(default=None, max_length=20)
    web_address: Annotated[str, fields.name(1000)] | None = None
    address: AddressIn | None = None


class MatterCreate(Command):
    client_id: Id
    description: Text = ""
    status: MatterStatus = MatterStatus.open
    number: Annotated[str, fields.name(60, min_length=1)] | None = None
    open_date: Date | None = None


class MatterUpdate(Command):
    description: Text | None = None
    status: MatterStatus | None = None
    number: Annotated[str, fields.name(60, min_length=1)] | None = None


class CategoryCreate(Command):
    name: Name = Field(min_length=1)
    default_price: PriceIn | None = None


class CategoryUpdate(Command):
    name: Name | None = Field(default=None, min_length=1)
    default_price: PriceIn | None = None
    active: StrictBool | None = None


class TimeEntryCreate(Command):
    matter_id: Id
    date: Date
    hours: HoursIn
    user_id: Id | None = None
    rate: PriceIn | None = None
    category_id: Id | None = None
    description: Text = ""


class TimeEntryUpdate(Command):
    date: Date | None = None
    hours: HoursIn | None = None
    rate: PriceIn | None = None
    category_id: Id | None = None
    description: Text | None = None


class ExpenseEntryCreate(Command):
    matter_id: Id
    date: Date
    quantity: QuantityIn = Decimal("1")
    unit_price: PriceIn
    user_id: Id | None = None
    category_id: Id | None = None
    description: Text = ""
    cost_type: CostType | None = None


class ExpenseEntryUpdate(Command):
    date: Date | None = None
    user_id: Id | None = None
    quantity: QuantityIn | None = None
    unit_price: PriceIn | None = None
    category_id: Id | None = None
    description: Text | None = None
    cost_type: CostType | None = None


class BillSettingsUpdate(Command):
    primary_tax_name: Annotated[str, fields.name(60)] | None = None
    primary_tax_rate: PercentIn | None = None
    primary_tax_on_time: StrictBool | None = None
    primary_tax_on_expenses: StrictBool | None = None
    secondary_tax_name: Annotated[str, fields.name(60)] | None = None
    secondary_tax_rate: PercentIn | None = None
    secondary_tax_on_time: StrictBool | None = None
    secondary_tax_on_expenses: StrictBool | None = None
    hard_soft_costs_enabled: StrictBool | None = None
    next_bill_number: Annotated[Count, Field(ge=1, lt=10**9)] | None = None
    payment_terms_days: Annotated[Count, Field(ge=0, le=3650)] | None = None


class BillCreate(Command):
    client_id: Id
    matter_ids: list[Id] | None = Field(default=None, max_length=500)
    from_date: Date | None = None
    to_date: Date | None = None
    issue_date: Date | None = None
    due_date: Date | None = None
    currency: Currency | None = None
    discount_kind: DiscountKind = DiscountKind.none
    discount_value: DiscountIn = Decimal("0")
    memo: Text = ""
    _check_currency = field_validator("currency")(_currency)


class BillLineEdit(Command):
    id: Id
    description: Text | None = None
    quantity: QuantityIn | None = None
    price: PriceIn | None = None


BillNumber = Annotated[str, fields.name(40, min_length=1)]


class BillUpdate(Command):
    number: BillNumber | None = None
    issue_date: Date | None = None
    due_date: Date | None = None
    discount_kind: DiscountKind | None = None
    discount_value: DiscountIn | None = None
    memo: Text | None = None
    lines: list[BillLineEdit] = Field(default_factory=list, max_length=10000)
    remove_line_ids: list[Id] = Field(default_factory=list, max_length=10000)


class AllocationIn(Command):
    bill_id: Id
    amount: PositiveMoney


class PaymentCreate(Command):
    client_id: Id
    date: Date
    amount: PositiveMoney
    method: PaymentMethod = PaymentMethod.cheque
    reference: Annotated[str, fields.name(100)] = ""
    source: PaymentSource = PaymentSource.operating
    client_funds_account_id: Id | None = None
    matter_id: Id | None = None
    allocations: list[AllocationIn] = Field(min_length=1, max_length=500)


class PaymentUpdate(Command):
    date: Date | None = None
    amount: PositiveMoney | None = None
    method: PaymentMethod | None = None
    reference: Annotated[str, fields.name(100)] | None = None
    allocations: list[AllocationIn] | None = Field(default=None, min_length=1, max_length=500)
    reason: Reason = ""


class CreditNoteCreate(Command):
    bill_id: Id
    amount: PositiveMoney
    date: Date
    reason: Text = ""


class InterestChargeCreate(Command):
    bill_id: Id
    rate: Annotated[Decimal, fields.decimal(gt=0, le=Decimal(100), places=4)]
    charged_on: Date
    note: Text = ""


class ClientFundsAccountCreate(Command):
    name: Name = Field(min_length=1)
    bank_name: Name = ""
    account_number_last4: Annotated[
        str, fields.name(4, pattern=r"^[0-9]{0,4}$", says="up to 4 digits")
    ] = ""
    currency: Currency | None = None
    _check_currency = field_validator("currency")(_currency)


class TrustDeposit(Command):
    kind: Literal["deposit"]
    account_id: Id
    client_id: Id
    matter_id: Id | None = None
    amount: PositiveMoney
    date: Date
    source: LongName = ""
    description: Text = ""


class TrustDisbursement(Command):
    kind: Literal["disbursement"]
    account_id: Id
    client_id: Id
    matter_id: Id | None = None
    amount: PositiveMoney
    date: Date
    payee_name: LongName = Field(min_length=1)
    method: DisbursementMethod = DisbursementMethod.cheque
    cheque_number: ChequeNumber | None = None
    description: Text = ""


class TrustReversal(Command):
    reason: Annotated[str, fields.text(500, min_length=1, strip=True)]
    date: Date | None = None


class ChequeNumberIn(Command):
    cheque_number: ChequeNumber


class TrustTransferCreate(Command):
    """Money moved from one client ledger to another: between matters of one client, between
    clients (a reason required), or between trust accounts. Left out, the destination's account
    and client are the source's."""

    from_account_id: Id
    from_client_id: Id
    from_matter_id: Id | None = None
    to_account_id: Id | None = None
    to_client_id: Id | None = None
    to_matter_id: Id | None = None
    amount: PositiveMoney
    date: Date
    reason: Text = ""


SignedMoney = Annotated[Decimal, fields.money(ge=-float(MAX_AMOUNT))]
Month = Annotated[
    str,
    fields.name(7, pattern=r"^(19[7-9][0-9]|20[0-9]{2})-(0[1-9]|1[0-2])$", says="is not YYYY-MM"),
]
ColumnName = Annotated[str, fields.name(100)]


class BankStatementEntry(Command):
    """A statement's closing balance and date, entered by hand."""

    account_id: Id
    statement_date: Date
    closing_balance: SignedMoney


class BankStatementImport(Command):
    """A statement file's text. A CSV names its columns (one signed amount column, or a debit
    and a credit column) and gives the closing balance and date; an OFX file carries both."""

    account_id: Id
    format: Literal["csv", "ofx"]
    content: Annotated[str, StringConstraints(min_length=1, max_length=5_000_000)]
    filename: LongName = ""
    statement_date: Date | None = None
    closing_balance: SignedMoney | None = None
    date_column: ColumnName = "Date"
    date_format: Annotated[str, fields.name(20)] = "%Y-%m-%d"
    amount_column: ColumnName = ""
    debit_column: ColumnName = ""
    credit_column: ColumnName = ""
    description_column: ColumnName = ""
    cheque_column: ColumnName = ""
    reference_column: ColumnName = ""


class StatementMatch(Command):
    txn_id: Id


class ReconciliationPrepare(Command):
    account_id: Id
    month: Month
    statement_id: Id | None = None
    explanation: Text = ""


class ReconciliationReopen(Command):
    reason: Annotated[str, fields.text(500, min_length=1, strip=True)]
