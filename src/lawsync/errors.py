"""The refusals lawsync raises on purpose, in families every part shares.

Each part raises its own errors in these families: the practice ledger (`lawsync.practice.errors`),
the sync engine (e.g. `lawsync.sync.connection`) and the web API's sign-in. What a family means to
the caller is the entry point's business: the HTTP status is chosen in `lawsync.web.api.errors`,
the command line prints the message and exits. Nothing here knows about HTTP.

LawsyncError          (code, message, field) a refusal in none of the families below
├── Unauthenticated   no one is signed in: no credentials, or credentials refused
├── Forbidden         the one signed in may not do this
├── NotFound          the record does not exist (in this firm)
├── InvalidInput      a value breaks a rule of its own (length, format, range)
├── RuleViolation     the request is well-formed but the state of things forbids it (a conflict)
└── Unavailable       a service lawsync depends on cannot be reached now
"""

from __future__ import annotations


class LawsyncError(Exception):
    code = "error"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code


class Unauthenticated(LawsyncError):
    code = "unauthorized"


class Forbidden(LawsyncError):
    code = "forbidden"


class NotFound(LawsyncError):
    code = "not_found"


class InvalidInput(LawsyncError):
    code = "invalid"


class RuleViolation(LawsyncError):
    code = "rule_violation"


class Unavailable(LawsyncError):
    code = "unavailable"
