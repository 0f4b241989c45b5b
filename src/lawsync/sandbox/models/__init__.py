"""Entity models, one module per QBO entity family; ``MODELS`` maps entity names to them."""

from __future__ import annotations

from .account import Account
from .attachable import Attachable
from .base import EntityModel
from .bill import Bill, BillPayment
from .card_payment import CreditCardPayment
from .currency import CompanyCurrency, ExchangeRate
from .deposit import Deposit
from .estimate import Estimate
from .journal import JournalEntry
from .lists import (
    Class,
    CompanyInfo,
    Department,
    Item,
    PaymentMethod,
    TaxAgency,
    TaxCode,
    TaxRate,
    Term,
)
from .names import Customer, Employee, Vendor
from .payment import Payment
from .preferences import Preferences
from .purchase import Purchase
from .purchase_order import PurchaseOrder
from .receipt import SalesReceipt, Transfer
from .recurring import RecurringTransaction
from .refund import RefundReceipt
from .sales import CreditMemo, Invoice
from .time_activity import TimeActivity

MODELS: dict[str, EntityModel] = {
    m.name: m
    for m in (
        Account(),
        Item(),
        Class(),
        Term(),
        PaymentMethod(),
        TaxCode(),
        TaxRate(),
        CompanyInfo(),
        Customer(),
        Vendor(),
        Employee(),
        Invoice(),
        CreditMemo(),
        Payment(),
        JournalEntry(),
        Purchase(),
        Deposit(),
        Preferences(),
        SalesReceipt(),
        Transfer(),
        Department(),
        TaxAgency(),
        Bill(),
        BillPayment(),
        Estimate(),
        RefundReceipt(),
        PurchaseOrder(),
        CreditCardPayment(),
        TimeActivity(),
        CompanyCurrency(),
        ExchangeRate(),
        Attachable(),
        RecurringTransaction(),
    )
}
BY_PATH: dict[str, EntityModel] = {name.lower(): model for name, model in MODELS.items()}

__all__ = ["BY_PATH", "MODELS", "EntityModel"]
