"""Entity models, one module per QBO entity family; ``MODELS`` maps entity names to them."""

from __future__ import annotations

from .account import Account
from .base import EntityModel
from .bill import Bill, BillPayment
from .deposit import Deposit
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
from .receipt import SalesReceipt, Transfer
from .sales import CreditMemo, Invoice

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
    )
}
BY_PATH: dict[str, EntityModel] = {name.lower(): model for name, model in MODELS.items()}

__all__ = ["BY_PATH", "MODELS", "EntityModel"]
