"""Typed QBO entities the sync uses; every unknown field is kept.

Field names are QBO's own (``DisplayName``, ``TotalAmt``), so a model reads like the wire and
needs no alias table. ``extra="allow"`` on every model, nested ones included, means a
read-modify-write (full update) sends back everything QBO gave us, even fields added after this
file was written. Money is ``Decimal``; the client decodes JSON numbers straight into Decimal.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, PrivateAttr

__all__ = [
    "Account",
    "Class",
    "CompanyInfo",
    "CreditMemo",
    "Customer",
    "Deposit",
    "Entity",
    "Invoice",
    "Item",
    "JournalEntry",
    "Line",
    "LinkedTxn",
    "MetaData",
    "Payment",
    "Preferences",
    "Purchase",
    "QBModel",
    "Ref",
    "TaxCode",
    "TaxRate",
    "Vendor",
    "entity_class",
]

VoidMode = Literal["void", "update-include-void"]


class QBModel(BaseModel):
    """Base of every model: unknown fields kept, no validation on assignment (speed)."""

    model_config = ConfigDict(extra="allow", protected_namespaces=(), coerce_numbers_to_str=True)


class Ref(QBModel):
    """A reference to another object: ``{"value": "<Id>", "name": "..."}``."""

    value: str
    name: str | None = None
    type: str | None = None


class MetaData(QBModel):
    CreateTime: str | None = None
    LastUpdatedTime: str | None = None


class LinkedTxn(QBModel):
    TxnId: str
    TxnType: str
    TxnLineId: str | None = None


class SalesItemLineDetail(QBModel):
    ItemRef: Ref | None = None
    Qty: Decimal | None = None
    UnitPrice: Decimal | None = None
    TaxCodeRef: Ref | None = None
    ClassRef: Ref | None = None
    ServiceDate: str | None = None


class JournalEntryEntity(QBModel):
    Type: str | None = None
    EntityRef: Ref | None = None


class JournalEntryLineDetail(QBModel):
    PostingType: Literal["Debit", "Credit"]
    AccountRef: Ref
    Entity: JournalEntryEntity | None = None
    ClassRef: Ref | None = None
    TaxCodeRef: Ref | None = None


class AccountBasedExpenseLineDetail(QBModel):
    AccountRef: Ref
    CustomerRef: Ref | None = None
    BillableStatus: str | None = None
    ClassRef: Ref | None = None
    TaxCodeRef: Ref | None = None


class DepositLineDetail(QBModel):
    AccountRef: Ref | None = None
    Entity: Ref | None = None
    ClassRef: Ref | None = None


_SalesItemLineDetail = SalesItemLineDetail
_JournalEntryLineDetail = JournalEntryLineDetail
_AccountBasedExpenseLineDetail = AccountBasedExpenseLineDetail
_DepositLineDetail = DepositLineDetail
_LinkedTxn = LinkedTxn
_MetaData = MetaData


class Line(QBModel):
    """A transaction line; the detail object named by ``DetailType`` holds the specifics."""

    Id: str | None = None
    LineNum: int | None = None
    Description: str | None = None
    Amount: Decimal | None = None
    DetailType: str | None = None
    SalesItemLineDetail: _SalesItemLineDetail | None = None
    JournalEntryLineDetail: _JournalEntryLineDetail | None = None
    AccountBasedExpenseLineDetail: _AccountBasedExpenseLineDetail | None = None
    DepositLineDetail: _DepositLineDetail | None = None
    LinkedTxn: list[_LinkedTxn] | None = None


_Line = Line


class Entity(QBModel):
    """An object with an Id and a SyncToken at ``/v3/company/{realm}/{path}``.

    Class attributes say what QBO allows: ``name_list`` objects are never deleted, only made
    inactive; ``void_mode`` names the request shape that voids a transaction, if any.
    """

    entity_name: ClassVar[str] = ""
    name_list: ClassVar[bool] = False
    void_mode: ClassVar[VoidMode | None] = None
    read_only: ClassVar[bool] = False

    Id: str | None = None
    SyncToken: str | None = None
    MetaData: _MetaData | None = None

    _intuit_tid: str | None = PrivateAttr(default=None)

    @property
    def intuit_tid(self) -> str | None:
        """The id QuickBooks tagged the answer carrying this object with (None when it was not
        read from an answer): what its support asks for about a write that went wrong."""
        return self._intuit_tid

    def answered(self, intuit_tid: str | None) -> None:
        self._intuit_tid = intuit_tid

    @classmethod
    def path(cls) -> str:
        return cls.entity_name.lower()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "entity_name" not in cls.__dict__:
            cls.entity_name = cls.__name__


class NameListEntity(Entity):
    name_list: ClassVar[bool] = True
    Active: bool | None = None


class Account(NameListEntity):
    Name: str | None = None
    AcctNum: str | None = None
    AccountType: str | None = None
    AccountSubType: str | None = None
    Classification: str | None = None
    SubAccount: bool | None = None
    ParentRef: Ref | None = None
    FullyQualifiedName: str | None = None
    CurrentBalance: Decimal | None = None
    CurrencyRef: Ref | None = None
    Description: str | None = None


class Item(NameListEntity):
    Name: str | None = None
    Type: str | None = None
    Description: str | None = None
    UnitPrice: Decimal | None = None
    IncomeAccountRef: Ref | None = None
    ExpenseAccountRef: Ref | None = None
    Taxable: bool | None = None
    Sku: str | None = None
    FullyQualifiedName: str | None = None


class Class(NameListEntity):
    Name: str | None = None
    SubClass: bool | None = None
    ParentRef: Ref | None = None
    FullyQualifiedName: str | None = None


class _Party(NameListEntity):
    DisplayName: str | None = None
    GivenName: str | None = None
    FamilyName: str | None = None
    CompanyName: str | None = None
    PrintOnCheckName: str | None = None
    PrimaryEmailAddr: dict[str, Any] | None = None
    PrimaryPhone: dict[str, Any] | None = None
    BillAddr: dict[str, Any] | None = None
    Balance: Decimal | None = None
    CurrencyRef: Ref | None = None
    Notes: str | None = None


class Customer(_Party):
    ParentRef: Ref | None = None
    Job: bool | None = None
    ShipAddr: dict[str, Any] | None = None
    FullyQualifiedName: str | None = None


class Vendor(_Party):
    AcctNum: str | None = None


class TaxCode(NameListEntity):
    read_only: ClassVar[bool] = True
    Name: str | None = None
    Description: str | None = None
    Taxable: bool | None = None
    TaxGroup: bool | None = None


class TaxRate(NameListEntity):
    read_only: ClassVar[bool] = True
    Name: str | None = None
    RateValue: Decimal | None = None
    AgencyRef: Ref | None = None


class Preferences(Entity):
    """Company settings; the blocks stay loosely typed because QBO adds keys often."""

    AccountingInfoPrefs: dict[str, Any] | None = None
    SalesFormsPrefs: dict[str, Any] | None = None
    VendorAndPurchasesPrefs: dict[str, Any] | None = None
    TaxPrefs: dict[str, Any] | None = None
    CurrencyPrefs: dict[str, Any] | None = None
    OtherPrefs: dict[str, Any] | None = None


class CompanyInfo(Entity):
    read_only: ClassVar[bool] = True
    CompanyName: str | None = None
    LegalName: str | None = None
    Country: str | None = None
    FiscalYearStartMonth: str | None = None
    NameValue: list[dict[str, Any]] | None = None


class Transaction(Entity):
    DocNumber: str | None = None
    TxnDate: str | None = None
    PrivateNote: str | None = None
    Line: list[_Line] | None = None
    TotalAmt: Decimal | None = None
    CurrencyRef: Ref | None = None
    ClassRef: Ref | None = None


class Invoice(Transaction):
    void_mode: ClassVar[VoidMode | None] = "void"
    CustomerRef: Ref | None = None
    DueDate: str | None = None
    Balance: Decimal | None = None
    CustomerMemo: dict[str, Any] | None = None
    BillEmail: dict[str, Any] | None = None
    TxnTaxDetail: dict[str, Any] | None = None
    SalesTermRef: Ref | None = None


class CreditMemo(Transaction):
    CustomerRef: Ref | None = None
    Balance: Decimal | None = None
    RemainingCredit: Decimal | None = None
    CustomerMemo: dict[str, Any] | None = None
    TxnTaxDetail: dict[str, Any] | None = None


class Payment(Transaction):
    void_mode: ClassVar[VoidMode | None] = "update-include-void"
    CustomerRef: Ref | None = None
    DepositToAccountRef: Ref | None = None
    PaymentMethodRef: Ref | None = None
    PaymentRefNum: str | None = None
    UnappliedAmt: Decimal | None = None


class JournalEntry(Transaction):
    Adjustment: bool | None = None


class Purchase(Transaction):
    PaymentType: Literal["Cash", "Check", "CreditCard"] | None = None
    AccountRef: Ref | None = None
    EntityRef: Ref | None = None
    Credit: bool | None = None
    PrintStatus: str | None = None


class Deposit(Transaction):
    DepositToAccountRef: Ref | None = None


_BY_NAME: dict[str, type[Entity]] = {
    cls.entity_name: cls
    for cls in (
        Account,
        Item,
        Class,
        Customer,
        Vendor,
        TaxCode,
        TaxRate,
        Preferences,
        CompanyInfo,
        Invoice,
        Payment,
        CreditMemo,
        JournalEntry,
        Purchase,
        Deposit,
    )
}


def entity_class(name: str) -> type[Entity] | None:
    """The model for an entity name as QBO writes it in responses (``"Invoice"``)."""
    return _BY_NAME.get(name)
