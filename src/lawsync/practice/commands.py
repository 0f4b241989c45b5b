"""The inputs of each use case, validated before any rule runs.

These are the JSON API's request bodies as well, so a bad type, a missing field or an oversized
string is refused with the field's name before the ledger is touched.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from lawsync.money import is_currency_code
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

Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
LongName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Text = Annotated[str, StringConstraints(max_length=5000)]
Email = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        max_length=254,
        pattern=r"^[^@\s,;<>()\[\]]+@[^@\s,;<>()\[\]]+\.[^@\s,;<>()\[\]]+$",
    ),
]
Currency = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, min_length=3, max_length=3)
]
PositiveMoney = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2)]
NonNegativeMoney = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
PriceIn = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=4)]
QuantityIn = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=4)]
PercentIn = Annotated[Decimal, Field(ge=0, le=100, max_digits=7, decimal_places=4)]
Id = Annotated[int, Field(gt=0, lt=2**62)]


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
    _check_currency = field_validator("currency")(_currency)


class FirmUpdate(Command):
    name: LongName | None = Field(default=None, min_length=1)
    currency: Currency | None = None
    matter_number_pattern: Annotated[str, StringConstraints(min_length=3, max_length=60)] | None = (
        None
    )
    next_matter_number: Annotated[int, Field(ge=1, lt=10**12)] | None = None
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
    active: bool | None = None
    is_primary_subscriber: bool | None = None


class EmailIn(Command):
    address: Email
    kind: Annotated[str, StringConstraints(max_length=20)] = "work"
    primary: bool = False


class PhoneIn(Command):
    number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    kind: Annotated[str, StringConstraints(max_length=20)] = "work"


class AddressIn(Command):
    street: Annotated[str, StringConstraints(max_length=500)] = ""
    city: Name = ""
    region: Name = ""
    postal_code: Annotated[str, StringConstraints(max_length=30)] = ""
    country: Name = ""


class ContactCreate(Command):
    kind: ContactKind
    first_name: Name = ""
    last_name: Name = ""
    company_name: LongName = ""
    emails: list[EmailIn] = Field(default_factory=list, max_length=20)
    phones: list[PhoneIn] = Field(default_factory=list, max_length=20)
    web_address: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] = ""
    address: AddressIn | None = None


class ContactUpdate(Command):
    first_name: Name | None = None
    last_name: Name | None = None
    company_name: LongName | None = None
    emails: list[EmailIn] | None = Field(default=None, max_length=20)
    phones: list[PhoneIn] | None = Field(default=None, max_length=20)
    web_address: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] | None
    ) = None
    address: AddressIn | None = None


class MatterCreate(Command):
    client_id: Id
    description: Text = ""
    status: MatterStatus = MatterStatus.open
    number: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)] | None
    ) = None
    open_date: dt.date | None = None


class MatterUpdate(Command):
    description: Text | None = None
    status: MatterStatus | None = None
    number: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)] | None
    ) = None


class CategoryCreate(Command):
    name: Name = Field(min_length=1)
    default_price: PriceIn | None = None


class CategoryUpdate(Command):
    name: Name | None = Field(default=None, min_length=1)
    default_price: PriceIn | None = None
    active: bool | None = None


class TimeEntryCreate(Command):
    matter_id: Id
    date: dt.date
    hours: QuantityIn
    user_id: Id | None = None
    rate: PriceIn | None = None
    category_id: Id | None = None
    description: Text = ""


class TimeEntryUpdate(Command):
    date: dt.date | None = None
    hours: QuantityIn | None = None
    rate: PriceIn | None = None
    category_id: Id | None = None
    description: Text | None = None


class ExpenseEntryCreate(Command):
    matter_id: Id
    date: dt.date
    quantity: QuantityIn = Decimal("1")
    unit_price: PriceIn
    user_id: Id | None = None
    category_id: Id | None = None
    description: Text = ""
    cost_type: CostType | None = None


class ExpenseEntryUpdate(Command):
    date: dt.date | None = None
    quantity: QuantityIn | None = None
    unit_price: PriceIn | None = None
    category_id: Id | None = None
    description: Text | None = None
    cost_type: CostType | None = None


class BillSettingsUpdate(Command):
    primary_tax_name: Annotated[str, StringConstraints(max_length=60)] | None = None
    primary_tax_rate: PercentIn | None = None
    primary_tax_on_time: bool | None = None
    primary_tax_on_expenses: bool | None = None
    secondary_tax_name: Annotated[str, StringConstraints(max_length=60)] | None = None
    secondary_tax_rate: PercentIn | None = None
    secondary_tax_on_time: bool | None = None
    secondary_tax_on_expenses: bool | None = None
    hard_soft_costs_enabled: bool | None = None
    next_bill_number: Annotated[int, Field(ge=1, lt=10**15)] | None = None
    payment_terms_days: Annotated[int, Field(ge=0, le=3650)] | None = None


class BillCreate(Command):
    client_id: Id
    matter_ids: list[Id] | None = Field(default=None, max_length=500)
    from_date: dt.date | None = None
    to_date: dt.date | None = None
    issue_date: dt.date | None = None
    due_date: dt.date | None = None
    currency: Currency | None = None
    discount_kind: DiscountKind = DiscountKind.none
    discount_value: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=4)] = Decimal("0")
    memo: Text = ""
    _check_currency = field_validator("currency")(_currency)


class BillLineEdit(Command):
    id: Id
    description: Text | None = None
    quantity: QuantityIn | None = None
    price: PriceIn | None = None


BillNumber = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class BillUpdate(Command):
    number: BillNumber | None = None
    issue_date: dt.date | None = None
    due_date: dt.date | None = None
    discount_kind: DiscountKind | None = None
    discount_value: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=4)] | None = None
    memo: Text | None = None
    lines: list[BillLineEdit] = Field(default_factory=list, max_length=10000)
    remove_line_ids: list[Id] = Field(default_factory=list, max_length=10000)


class AllocationIn(Command):
    bill_id: Id
    amount: PositiveMoney


class PaymentCreate(Command):
    client_id: Id
    date: dt.date
    amount: PositiveMoney
    method: PaymentMethod = PaymentMethod.cheque
    reference: Annotated[str, StringConstraints(max_length=100)] = ""
    source: PaymentSource = PaymentSource.operating
    client_funds_account_id: Id | None = None
    matter_id: Id | None = None
    allocations: list[AllocationIn] = Field(min_length=1, max_length=500)


class PaymentUpdate(Command):
    date: dt.date | None = None
    amount: PositiveMoney | None = None
    method: PaymentMethod | None = None
    reference: Annotated[str, StringConstraints(max_length=100)] | None = None
    allocations: list[AllocationIn] | None = Field(default=None, min_length=1, max_length=500)
    reason: Annotated[str, StringConstraints(max_length=500)] = ""


class CreditNoteCreate(Command):
    bill_id: Id
    amount: PositiveMoney
    date: dt.date
    reason: Text = ""


class InterestChargeCreate(Command):
    bill_id: Id
    rate: Annotated[Decimal, Field(gt=0, le=100, max_digits=7, decimal_places=4)]
    charged_on: dt.date
    note: Text = ""


class ClientFundsAccountCreate(Command):
    name: Name = Field(min_length=1)
    bank_name: Name = ""
    account_number_last4: Annotated[str, StringConstraints(pattern=r"^\d{0,4}$")] = ""
    currency: Currency | None = None
    _check_currency = field_validator("currency")(_currency)


class TrustDeposit(Command):
    kind: Literal["deposit"]
    account_id: Id
    client_id: Id
    matter_id: Id | None = None
    amount: PositiveMoney
    date: dt.date
    source: LongName = ""
    description: Text = ""


class TrustDisbursement(Command):
    kind: Literal["disbursement"]
    account_id: Id
    client_id: Id
    matter_id: Id | None = None
    amount: PositiveMoney
    date: dt.date
    payee_name: LongName = Field(min_length=1)
    method: DisbursementMethod = DisbursementMethod.cheque
    cheque_number: (
        Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{1,20}$")] | None
    ) = None
    description: Text = ""


class TrustReversal(Command):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    date: dt.date | None = None


class ChequeNumberIn(Command):
    cheque_number: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{1,20}$")]
