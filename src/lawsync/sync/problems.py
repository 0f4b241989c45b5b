"""A reason a record did not sync, in the words of its failure row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lawsync.quickbooks import QuickBooksError


@dataclass(frozen=True)
class Problem:
    """A refusal: QuickBooks' fault code (or one of ours, ``lawsync:…``), what it says, and the
    field it is about. Known before sending (a pre-flight check) or read from a fault."""

    code: str
    message: str
    element: str = ""

    @classmethod
    def of(cls, error: QuickBooksError) -> Problem:
        code = error.code or (f"http-{error.http_status}" if error.http_status else "error")
        return cls(code, error.message or str(error), error.element or "")


def combined(problems: Sequence[Problem]) -> Problem:
    """Several problems of one record as one failure: the first one's code, every message."""
    first = problems[0]
    return Problem(first.code, "; ".join(p.message for p in problems), first.element)
