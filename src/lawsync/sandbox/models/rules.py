"""Field-level checks shared by the entity models (lengths, formats, enums, references)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from ..company import Company
from ..faults import (
    AccountPeriodClosed,
    InvalidDateFormat,
    InvalidEmailAddress,
    InvalidEnumeration,
    InvalidReferenceId,
    InvalidStringLength,
    MalformedWebAddress,
    ObjectNotFound,
    RequiredParamMissing,
)
from ..wire import to_decimal

# One address; the domain is dot-separated labels, none of them empty (RFC 822).
_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;.]+(\.[^@\s,;.]+)+$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)

LIST_NAMES = {
    "Customer": "Names",
    "Vendor": "Names",
    "Employee": "Names",
    "Account": "Accounts",
    "Item": "Items",
    "Class": "Klasses",
    "Term": "Terms",
    "TaxCode": "TaxCodes",
    "PaymentMethod": "PaymentMethods",
}


def dig(data: dict[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def check_lengths(data: dict[str, Any], limits: dict[str, int]) -> None:
    for path, maximum in limits.items():
        value = dig(data, path)
        if isinstance(value, str) and len(value) > maximum:
            raise InvalidStringLength.of(path.split(".")[0], maximum, len(value))


def require(data: dict[str, Any], name: str) -> Any:
    value = data.get(name)
    if value is None or value == "" or value == [] or value == {}:
        raise RequiredParamMissing.of(name)
    return value


def check_email(data: dict[str, Any], field: str) -> None:
    addr = dig(data, f"{field}.Address")
    if addr is None:
        return
    if not isinstance(addr, str) or not _EMAIL.match(addr.strip()):
        raise InvalidEmailAddress(
            f"Invalid email address: give exactly one address of the form name@domain. "
            f"Supplied value:{addr}",
            field,
        )


def check_url(data: dict[str, Any], field: str = "WebAddr") -> None:
    uri = dig(data, f"{field}.URI")
    if uri is None:
        return
    if not isinstance(uri, str) or not _URL.match(uri.strip()):
        raise MalformedWebAddress(
            f"Invalid web address: it must start with http:// or https://. Supplied value:{uri}",
            field,
        )


def check_enum(data: dict[str, Any], field: str, allowed: tuple[str, ...]) -> None:
    value = dig(data, field)
    if value is not None and value not in allowed:
        raise InvalidEnumeration.of(value, field)


def check_date(value: object, element: str) -> str:
    if not isinstance(value, str):
        raise InvalidDateFormat(f"Invalid Date Format : {value}", element)
    try:
        date.fromisoformat(value[:10])
    except ValueError:
        raise InvalidDateFormat(f"Invalid Date Format : {value}", element) from None
    return value[:10]


def ref_id(ref: object, element: str) -> str:
    if isinstance(ref, dict) and ref.get("value") not in (None, ""):
        return str(ref["value"])
    if isinstance(ref, (str, int)) and str(ref):
        return str(ref)
    raise RequiredParamMissing.of(element)


def resolve(c: Company, entity: str, ref: object, element: str) -> dict[str, Any]:
    """Look up a reference; 2500 when it does not exist, 610 when it was made inactive."""
    ident = ref_id(ref, element)
    rec = c.get(entity, ident)
    if rec is None:
        raise InvalidReferenceId.of(LIST_NAMES.get(entity, entity + "s"), ident)
    if rec.data.get("Active") is False:
        raise ObjectNotFound(
            f"Object Not Found : {entity} {ident} has been made inactive. Activate it or "
            "refer to another one.",
            element,
        )
    return rec.data


def named_ref(data: dict[str, Any], name_key: str = "DisplayName") -> dict[str, Any]:
    return {"value": data["Id"], "name": data.get(name_key, data.get("Name", ""))}


def amount(value: object, element: str) -> Decimal:
    if value is None:
        raise RequiredParamMissing.of(element.split(".")[-1], element)
    return to_decimal(value, element)


def check_closed_books(c: Company, txn_date: str | None) -> None:
    if c.book_close_date is None or txn_date is None:
        return
    if date.fromisoformat(txn_date) <= c.book_close_date:
        raise AccountPeriodClosed(
            f"Account Period Closed : the books are closed up to {c.book_close_date}, so a "
            "transaction dated then or earlier can not be added, changed or removed through "
            "the API.",
            "TxnDate",
        )


def no_colon(data: dict[str, Any], fields: tuple[str, ...]) -> None:
    from ..faults import BusinessValidation

    for name in fields:
        value = data.get(name)
        if isinstance(value, str) and (":" in value or "\t" in value or "\n" in value):
            raise BusinessValidation.of(
                f"{name} can not contain a colon (:), tab or new line.", name
            )
