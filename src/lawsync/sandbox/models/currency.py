"""CompanyCurrency and ExchangeRate: the currencies a multicurrency company keeps, and rates.

A multicurrency company lists the foreign currencies it deals in (CompanyCurrency; the home
currency is never listed) and a rate per currency and date (ExchangeRate: how many home
units one foreign unit buys). A currency is removed by making it inactive. ExchangeRate has
no Id: it is read by currency and date, queried, and set by posting the rate for a date.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from ..company import Company, Record
from ..faults import (
    BusinessValidation,
    DuplicateName,
    ObjectNotFound,
    RequiredParamMissing,
    UnsupportedOperation,
)
from ..wire import to_decimal
from .base import Ctx, EntityModel, Operations
from .rules import check_date

CURRENCY_NAMES = {
    "USD": "United States Dollar",
    "CAD": "Canadian Dollar",
    "EUR": "Euro",
    "GBP": "British Pound Sterling",
    "AUD": "Australian Dollar",
    "MXN": "Mexican Peso",
    "INR": "Indian Rupee",
    "JPY": "Japanese Yen",
}


def _multicurrency(c: Company) -> None:
    if not c.multicurrency:
        raise BusinessValidation.of(
            "Multicurrency is not turned on for this company.", "SourceCurrencyCode"
        )


def active_currency(c: Company, code: str) -> Record | None:
    for rec in c.table("CompanyCurrency").values():
        if rec.data.get("Code") == code and rec.data.get("Active") is not False:
            return rec
    return None


class CompanyCurrency(EntityModel):
    name: ClassVar[str] = "CompanyCurrency"
    kind: ClassVar[str] = "name"
    read_only: ClassVar[frozenset[str]] = frozenset({"Name"})
    queryable: ClassVar[frozenset[str]] = frozenset({"Code", "Name", "Active"})

    def prepare(self, ctx: Ctx, data: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        c = ctx.company
        _multicurrency(c)
        code = str(data.get("Code") or (old or {}).get("Code") or "")
        if not code:
            raise RequiredParamMissing.of("Code")
        if old is not None and code != old.get("Code"):
            raise BusinessValidation.of("A company currency's code can not be changed.", "Code")
        if code not in CURRENCY_NAMES:
            from ..faults import InvalidCurrency

            raise InvalidCurrency(f"Invalid Currency Type : {code}", "Code")
        if code == c.home_currency:
            raise BusinessValidation.of(
                f"{code} is the home currency; it is not listed as a company currency.", "Code"
            )
        for rec in c.table(self.name).values():
            if rec.data.get("Code") == code and (old is None or rec.data["Id"] != old["Id"]):
                raise DuplicateName(
                    f"Duplicate Name Exists Error : the currency {code} is already in the list.",
                    "Code",
                )
        data["Code"] = code
        data["Name"] = CURRENCY_NAMES[code]
        data.setdefault("Active", True)
        return data


def _rate_key(code: str, as_of: str) -> str:
    return f"{code}:{as_of}"


def rate_on(c: Company, code: str, as_of: str) -> Record | None:
    """The rate set for ``code`` on ``as_of`` or else the latest one before it."""
    best: Record | None = None
    for rec in c.table("ExchangeRate").values():
        d = rec.data
        later = best is None or d["AsOfDate"] > best.data["AsOfDate"]
        if d["SourceCurrencyCode"] == code and d["AsOfDate"] <= as_of and later:
            best = rec
    return best


class ExchangeRate(EntityModel):
    name: ClassVar[str] = "ExchangeRate"
    kind: ClassVar[str] = "singleton"
    queryable: ClassVar[frozenset[str]] = frozenset(
        {"SourceCurrencyCode", "TargetCurrencyCode", "AsOfDate", "Rate"}
    )

    def wire(self, data: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in data.items() if k not in ("Id", "domain", "sparse")}

    def prepare(self, ctx: Ctx, data: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        c = ctx.company
        _multicurrency(c)
        code = data.get("SourceCurrencyCode")
        if not code:
            raise RequiredParamMissing.of("SourceCurrencyCode")
        if active_currency(c, str(code)) is None:
            raise BusinessValidation.of(
                f"{code} is not one of this company's currencies; add it (CompanyCurrency) first.",
                "SourceCurrencyCode",
            )
        target = data.get("TargetCurrencyCode") or c.home_currency
        if target != c.home_currency:
            raise BusinessValidation.of(
                f"Rates are set against the home currency ({c.home_currency}).",
                "TargetCurrencyCode",
            )
        data["TargetCurrencyCode"] = target
        if data.get("Rate") is None:
            raise RequiredParamMissing.of("Rate")
        rate = to_decimal(data["Rate"], "Rate")
        if rate <= 0:
            raise BusinessValidation.of("The exchange rate must be more than zero.", "Rate")
        data["Rate"] = rate
        if data.get("AsOfDate"):
            data["AsOfDate"] = check_date(data["AsOfDate"], "AsOfDate")
        else:
            data["AsOfDate"] = datetime.fromtimestamp(ctx.now, c.tz).date().isoformat()
        return data

    def write(self, ops: Operations, body: dict[str, Any], operation: str) -> str | None:
        """Setting a rate: create or replace the row of that currency and date."""
        if operation not in ("", "create", "update"):
            raise UnsupportedOperation(f"Operation {operation} is not supported for ExchangeRate.")
        ops._writable()
        clean = {
            k: v
            for k, v in body.items()
            if k not in ("Id", "SyncToken", "MetaData", "domain", "sparse")
            and v is not None
            and v != ""
        }
        data = self.prepare(ops.ctx, clean, None)
        key = _rate_key(str(data["SourceCurrencyCode"]), str(data["AsOfDate"]))
        old = ops.c.get(self.name, key)
        if old is not None and body.get("SyncToken") not in (None, ""):
            ops._check_sync(self, old, body)
        rec = ops.store(self, key, data, old, "Update" if old else "Create")
        ops.ctx.events.pop()  # rates are not announced by webhooks or change data capture
        return rec.json


def read_rate(c: Company, code: str | None, as_of: str | None, today: str) -> Record:
    if not code:
        raise RequiredParamMissing.of("sourcecurrencycode")
    day = check_date(as_of, "asofdate") if as_of else today
    rec = rate_on(c, code.upper(), day)
    if rec is None:
        raise ObjectNotFound(f"Object Not Found : no exchange rate for {code} on {day}.", "")
    return rec
