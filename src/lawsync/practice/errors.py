"""Named errors the practice ledger raises, each in one of the families of `lawsync.errors`.

Entry points turn the families into HTTP statuses, pages or exit codes.

PracticeError                 (code, message, field)
├── NotFound                  the record does not exist in this firm
├── Forbidden                 the user's role may not do this
├── InvalidInput              a value breaks a rule of its own (length, format, range)
└── RuleViolation             the request is well-formed but the books forbid it
    ├── Duplicate                  a name or number that must be unique is taken
    ├── BillStateError             e.g. approving an empty bill, editing a void bill
    ├── PaymentError               e.g. paying more than a bill's balance
    └── InsufficientClientFunds    a client's or matter's trust balance would go below zero
"""

from __future__ import annotations

from lawsync import errors


class PracticeError(errors.LawsyncError):
    """Raised by the practice ledger; the family comes first in each one's bases, so its code and
    its status are the family's."""

    code = "practice_error"


class NotFound(errors.NotFound, PracticeError):
    def __init__(self, kind: str, ident: object, *, field: str | None = None) -> None:
        super().__init__(f"No {kind} with id {ident} in this firm.", field=field)
        self.kind = kind


class Forbidden(errors.Forbidden, PracticeError):
    pass


class InvalidInput(errors.InvalidInput, PracticeError):
    pass


class RuleViolation(errors.RuleViolation, PracticeError):
    pass


class Duplicate(RuleViolation):
    code = "duplicate"


class BillStateError(RuleViolation):
    code = "bill_state"


class PaymentError(RuleViolation):
    code = "payment_rejected"


class InsufficientClientFunds(RuleViolation):
    code = "insufficient_client_funds"
    # What the refused movement asked for (`trust_refusals.Refused`), for the exception report.
    refused: object | None = None
