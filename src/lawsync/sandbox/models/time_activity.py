"""TimeActivity: time an employee or vendor spent, optionally for a customer and billable.

It posts nothing (time becomes money only when billed on an invoice). QuickBooks needs the
worker named by NameOf (EmployeeRef or VendorRef) and the time either as Hours/Minutes or as
StartTime and EndTime, the end after the start.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..faults import BusinessValidation, InvalidEnumeration, RequiredParamMissing
from ..wire import money, parse_instant, to_decimal
from .base import Ctx, EntityModel
from .lists import require_plus_feature
from .rules import check_enum, check_lengths, named_ref, resolve
from .txn import class_ref, txn_date

BILLABLE = ("Billable", "NotBillable", "HasBeenBilled")


class TimeActivity(EntityModel):
    name: ClassVar[str] = "TimeActivity"
    kind: ClassVar[str] = "txn"
    queryable: ClassVar[frozenset[str]] = frozenset(
        {"TxnDate", "NameOf", "EmployeeRef", "VendorRef", "CustomerRef", "BillableStatus"}
    )

    def prepare(self, ctx: Ctx, data: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        c = ctx.company
        name_of = data.get("NameOf")
        if not name_of:
            raise RequiredParamMissing.of("NameOf")
        if name_of not in ("Employee", "Vendor"):
            raise InvalidEnumeration.of(name_of, "NameOf")
        ref_key = f"{name_of}Ref"
        if not data.get(ref_key):
            raise RequiredParamMissing.of(ref_key)
        data[ref_key] = named_ref(resolve(c, name_of, data[ref_key], ref_key))
        data.pop("VendorRef" if name_of == "Employee" else "EmployeeRef", None)
        if data.get("CustomerRef"):
            data["CustomerRef"] = named_ref(
                resolve(c, "Customer", data["CustomerRef"], "CustomerRef")
            )
        if data.get("ItemRef"):
            data["ItemRef"] = named_ref(resolve(c, "Item", data["ItemRef"], "ItemRef"), "Name")
        class_ref(ctx, data, "ClassRef")
        check_enum(data, "BillableStatus", BILLABLE)
        data.setdefault("BillableStatus", "NotBillable")
        if data["BillableStatus"] == "Billable":
            require_plus_feature(c.edition, "Billable time", "BillableStatus")
            if not data.get("CustomerRef"):
                raise RequiredParamMissing.of("CustomerRef")
        check_lengths(data, {"Description": 4000})
        self._duration(data)
        for key in ("HourlyRate", "CostRate"):
            if data.get(key) is not None:
                data[key] = money(to_decimal(data[key], key))
        data.setdefault("Taxable", False)
        txn_date(ctx, data)
        return data

    def _duration(self, data: dict[str, Any]) -> None:
        if data.get("StartTime") or data.get("EndTime"):
            if not data.get("StartTime"):
                raise RequiredParamMissing.of("StartTime")
            if not data.get("EndTime"):
                raise RequiredParamMissing.of("EndTime")
            start = parse_instant(str(data["StartTime"]))
            end = parse_instant(str(data["EndTime"]))
            if start is None or end is None:
                from ..faults import InvalidDateFormat

                bad = "StartTime" if start is None else "EndTime"
                raise InvalidDateFormat(f"Invalid Date Format : {data[bad]}", bad)
            if end <= start:
                raise BusinessValidation.of("The end time must be after the start time.", "EndTime")
            if not data.get("TxnDate"):
                data["TxnDate"] = str(data["StartTime"])[:10]
            return
        hours = data.get("Hours")
        minutes = data.get("Minutes")
        if hours is None and minutes is None:
            raise RequiredParamMissing.of("Hours")
        for key, top in (("Hours", None), ("Minutes", 59)):
            if data.get(key) is None:
                continue
            value = to_decimal(data[key], key)
            if value < 0 or value != int(value) or (top is not None and value > top):
                raise BusinessValidation.of(f"{key} must be a whole number in range.", key)
            data[key] = int(value)
