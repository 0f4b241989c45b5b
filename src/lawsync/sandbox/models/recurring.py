"""RecurringTransaction: a template QuickBooks turns into a transaction on a schedule.

On the wire a template is its transaction wrapped in the transaction's name
(``{"Invoice": {..., "RecurringInfo": {...}}}``); Id, SyncToken and MetaData sit inside. The
transaction part is checked by that transaction's own rules, but a template posts nothing,
takes no document number and has no date of its own. RecurringInfo names the template
(unique among templates), its kind (Automated, Reminded, UnScheduled) and, unless
unscheduled, its schedule: an interval (Daily, Weekly, Monthly, Yearly) every NumInterval
units from StartDate, until EndDate or MaxOccurrences.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from ..company import name_key
from ..faults import (
    BusinessValidation,
    DuplicateName,
    InvalidEnumeration,
    RequiredParamMissing,
    UnsupportedOperation,
)
from ..wire import dumps, to_decimal
from .base import Ctx, EntityModel, Operations
from .rules import check_date, check_enum, check_lengths

TEMPLATE_TYPES = (
    "Invoice",
    "Bill",
    "Purchase",
    "Estimate",
    "CreditMemo",
    "SalesReceipt",
    "RefundReceipt",
    "JournalEntry",
    "Deposit",
    "Transfer",
    "PurchaseOrder",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKS = ("First", "Second", "Third", "Fourth", "Last")
# Filled in by the template's own transaction rules but meaningless on a template.
NOT_ON_TEMPLATES = ("TxnDate", "DueDate", "DocNumber", "Balance", "HomeBalance", "Deposit")
PLACEHOLDER_NUMBER = "template"


class RecurringTransaction(EntityModel):
    name: ClassVar[str] = "RecurringTransaction"
    kind: ClassVar[str] = "txn"
    read_only: ClassVar[frozenset[str]] = frozenset(
        {"TotalAmt", "Balance", "HomeTotalAmt", "HomeBalance", "RemainingCredit", "LinkedTxn"}
    )
    queryable: ClassVar[frozenset[str]] = frozenset({"Type", "RecurringInfo.Name"})

    def wire(self, data: dict[str, Any]) -> dict[str, Any]:
        inner = {k: v for k, v in data.items() if k != "Type"}
        return {str(data["Type"]): inner}

    def write(self, ops: Operations, body: dict[str, Any], operation: str) -> str | None:
        kinds = [k for k in body if k in TEMPLATE_TYPES or k in ("VendorCredit",)]
        if len(kinds) != 1 or not isinstance(body[kinds[0]], dict):
            raise RequiredParamMissing.of("Invoice", "RecurringTransaction")
        kind = kinds[0]
        if kind not in TEMPLATE_TYPES:
            raise UnsupportedOperation(f"Recurring {kind} templates are not emulated.", kind)
        inner = {**body[kind], "Type": kind}
        if operation == "delete":
            rec = ops._existing(self, inner)
            if rec.data["Type"] != kind:
                from ..faults import ObjectNotFound

                raise ObjectNotFound(f"Object Not Found : no recurring {kind} {inner['Id']}.", "")
            return dumps({kind: ops.delete(self, inner)})
        if operation not in ("", "create", "update"):
            raise UnsupportedOperation(f"Operation {operation} is not supported.", "")
        if operation == "update" or inner.get("Id") not in (None, ""):
            rec = ops._existing(self, inner)
            if rec.data["Type"] != kind:
                raise BusinessValidation.of(
                    f"Template {inner['Id']} is a {rec.data['Type']}, not a {kind}.", kind
                )
            return ops.update(self, inner, sparse=inner.get("sparse") is True).json
        return ops.create(self, inner).json

    def prepare(self, ctx: Ctx, data: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        from . import MODELS

        kind = str(data.pop("Type"))
        info = data.pop("RecurringInfo", None)
        if not isinstance(info, dict) or not info:
            raise RequiredParamMissing.of("RecurringInfo", f"{kind}.RecurringInfo")
        info = self._info(ctx, dict(info), old)
        model = MODELS[kind]
        for key in NOT_ON_TEMPLATES:
            data.pop(key, None)
        # The transaction's rules run with a stand-in number so that no number is used up.
        data["DocNumber"] = PLACEHOLDER_NUMBER
        checked = model.prepare(ctx, data, None)
        for key in NOT_ON_TEMPLATES:
            checked.pop(key, None)
        checked["RecurringInfo"] = info
        checked["Type"] = kind
        return checked

    def _info(self, ctx: Ctx, info: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        name = info.get("Name")
        if not name:
            raise RequiredParamMissing.of("Name", "RecurringInfo.Name")
        check_lengths(info, {"Name": 100})
        for rec in ctx.company.table(self.name).values():
            other = (rec.data.get("RecurringInfo") or {}).get("Name")
            if (
                other
                and name_key(str(other)) == name_key(str(name))
                and (old is None or rec.data["Id"] != old["Id"])
            ):
                raise DuplicateName(
                    f"Duplicate Name Exists Error : a recurring template named {name} exists.",
                    "RecurringInfo.Name",
                )
        check_enum(info, "RecurType", ("Automated", "Reminded", "UnScheduled"))
        info.setdefault("RecurType", "Automated")
        info.setdefault("Active", True)
        if info["RecurType"] == "UnScheduled":
            info.pop("ScheduleInfo", None)
            return info
        schedule = info.get("ScheduleInfo")
        if not isinstance(schedule, dict) or not schedule:
            raise RequiredParamMissing.of("ScheduleInfo", "RecurringInfo.ScheduleInfo")
        info["ScheduleInfo"] = self._schedule(ctx, dict(schedule))
        return info

    def _schedule(self, ctx: Ctx, s: dict[str, Any]) -> dict[str, Any]:
        where = "RecurringInfo.ScheduleInfo"
        interval = s.get("IntervalType")
        if not interval:
            raise RequiredParamMissing.of("IntervalType", f"{where}.IntervalType")
        if interval not in ("Daily", "Weekly", "Monthly", "Yearly"):
            raise InvalidEnumeration.of(interval, f"{where}.IntervalType")
        for key in ("NumInterval", "MaxOccurrences", "DaysBefore", "RemindDays", "DayOfMonth"):
            if s.get(key) is not None:
                value = to_decimal(s[key], f"{where}.{key}")
                if value != int(value):
                    raise BusinessValidation.of(f"{key} must be a whole number.", f"{where}.{key}")
                s[key] = int(value)
        s.setdefault("NumInterval", 1)
        if s["NumInterval"] < 1:
            raise BusinessValidation.of("NumInterval must be 1 or more.", f"{where}.NumInterval")
        if s.get("MaxOccurrences") is not None and s["MaxOccurrences"] < 1:
            raise BusinessValidation.of(
                "MaxOccurrences must be 1 or more.", f"{where}.MaxOccurrences"
            )
        if s.get("DayOfMonth") is not None and not 1 <= s["DayOfMonth"] <= 31:
            raise BusinessValidation.of("DayOfMonth is between 1 and 31.", f"{where}.DayOfMonth")
        check_enum(s, "DayOfWeek", WEEKDAYS)
        check_enum(s, "WeekOfMonth", WEEKS)
        if interval == "Weekly" and not s.get("DayOfWeek"):
            raise RequiredParamMissing.of("DayOfWeek", f"{where}.DayOfWeek")
        if interval == "Monthly" and not (
            s.get("DayOfMonth") or (s.get("WeekOfMonth") and s.get("DayOfWeek"))
        ):
            raise RequiredParamMissing.of("DayOfMonth", f"{where}.DayOfMonth")
        if s.get("StartDate"):
            s["StartDate"] = check_date(s["StartDate"], f"{where}.StartDate")
        else:
            from datetime import datetime

            s["StartDate"] = datetime.fromtimestamp(ctx.now, ctx.company.tz).date().isoformat()
        if s.get("EndDate"):
            s["EndDate"] = check_date(s["EndDate"], f"{where}.EndDate")
            if date.fromisoformat(s["EndDate"]) < date.fromisoformat(s["StartDate"]):
                raise BusinessValidation.of(
                    "The end date can not be before the start date.", f"{where}.EndDate"
                )
        s.setdefault("NextDate", s["StartDate"])
        return s


__all__ = ["RecurringTransaction"]
