"""JSON in and out with money kept exact: numbers decode to Decimal and encode as numbers.

The standard encoder cannot write a Decimal as a JSON number, and QBO expects numbers, not
strings. Decimals are therefore written as a marker string carrying a per-process nonce and the
markers are unquoted in one pass afterwards; the C encoder still does all the work.
"""

from __future__ import annotations

import json
import re
import secrets
from decimal import Decimal
from typing import Any

__all__ = ["dumps", "loads"]

_NONCE = secrets.token_hex(4)
_MARK = f"\x00{_NONCE}"
_MARKED = re.compile(r'"\\u0000' + _NONCE + r'(-?[0-9][0-9.eE+-]*)"')


def _default(value: object) -> str:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a number QBO accepts")
        return _MARK + str(value)
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def dumps(document: Any) -> str:
    """Compact JSON with every Decimal written as a plain JSON number."""
    text = json.dumps(document, default=_default, separators=(",", ":"))
    return _MARKED.sub(r"\1", text) if "\\u0000" in text else text


def loads(data: bytes | str) -> Any:
    """Decode with every non-integer number as Decimal (never float)."""
    return json.loads(data, parse_float=Decimal)
