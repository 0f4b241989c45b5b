"""The practice ledger's tables. Importing this package registers every model."""

from lawsync.practice.models.base import Base, FirmOwned
from lawsync.practice.models.bills import (
    Bill,
    BillLine,
    BillSettings,
    BillState,
    DiscountKind,
    InterestCharge,
    InterestChargeState,
    LineKind,
    bill_matters,
)
from lawsync.practice.models.contacts import (
    Contact,
    ContactEmail,
    ContactKind,
    ContactPhone,
    Matter,
    MatterStatus,
)
from lawsync.practice.models.entries import (
    ActivityCategory,
    CostType,
    ExpenseCategory,
    ExpenseEntry,
    TimeEntry,
)
from lawsync.practice.models.firm import ApiToken, AuditEvent, Firm, Role, User
from lawsync.practice.models.payments import (
    CreditNote,
    CreditNoteState,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    PaymentSource,
    PaymentState,
)
from lawsync.practice.models.trust import (
    ClientFundsAccount,
    ClientFundsBalance,
    ClientFundsTransaction,
    DisbursementMethod,
    TrustTxnKind,
)

__all__ = [
    "ActivityCategory",
    "ApiToken",
    "AuditEvent",
    "Base",
    "Bill",
    "BillLine",
    "BillSettings",
    "BillState",
    "ClientFundsAccount",
    "ClientFundsBalance",
    "ClientFundsTransaction",
    "Contact",
    "ContactEmail",
    "ContactKind",
    "ContactPhone",
    "CostType",
    "CreditNote",
    "CreditNoteState",
    "DisbursementMethod",
    "DiscountKind",
    "ExpenseCategory",
    "ExpenseEntry",
    "Firm",
    "FirmOwned",
    "InterestCharge",
    "InterestChargeState",
    "LineKind",
    "Matter",
    "MatterStatus",
    "Payment",
    "PaymentAllocation",
    "PaymentMethod",
    "PaymentSource",
    "PaymentState",
    "Role",
    "TimeEntry",
    "TrustTxnKind",
    "User",
    "bill_matters",
]
