"""Named errors the practice ledger raises. Entry points turn them into HTTP, pages or exit codes.

PracticeError                 (code, message, field)
├── NotFound                  404  the record does not exist in this firm
├── Forbidden                 403  the user's role may not do this
├── InvalidInput              422  a value breaks a rule of its own (length, format, range)
└── RuleViolation             409  the request is well-formed but the books forbid it
    ├── Duplicate                  a name or number that must be unique is taken
    ├── BillStateError             e.g. approving an empty bill, editing a void bill
    ├── PaymentError               e.g. paying more than a bill's balance
    └── InsufficientClientFunds    a client's or matter's trust balance would go below zero
"""

from __future__ import annotations


class PracticeError(Exception):
    http_status = 400
    code = "practice_error"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code


class NotFound(PracticeError):
    http_status = 404
    code = "not_found"

    def __init__(self, kind: str, ident: object, *, field: str | None = None) -> None:
        super().__init__(f"No {kind} with id {ident} in this firm.", field=field)
        self.kind = kind


class Forbidden(PracticeError):
    http_status = 403
    code = "forbidden"


class InvalidInput(PracticeError):
    http_status = 422
    code = "invalid"


class RuleViolation(PracticeError):
    http_status = 409
    code = "rule_violation"


class Duplicate(RuleViolation):
    code = "duplicate"


class BillStateError(RuleViolation):
    code = "bill_state"


class PaymentError(RuleViolation):
    code = "payment_rejected"


class InsufficientClientFunds(RuleViolation):
    code = "insufficient_client_funds"
