"""Merging one customer (or vendor) into another.

QBO's UI merges names when one is renamed to the other's name; its API has no merge
call. The sandbox offers ``operation=merge`` with ``{"Id", "SyncToken",
"MergeIntoRef": {"value": <target>}}`` so that tests can produce what a merge leaves
behind: transactions moved to the target, the source gone (a Deleted entry in CDC),
and a ``Merge`` webhook event carrying the deleted id.
"""

from __future__ import annotations

from typing import Any

from ..company import Change, Record, claim_name
from ..faults import BusinessValidation, InvalidReferenceId, UnsupportedOperation
from ..ledger import set_open_item
from ..wire import qbo_time
from .base import EntityModel, Operations
from .names import PEOPLE
from .rules import ref_id

MERGEABLE = ("Customer", "Vendor")
OWN_REFS = {"Customer": "CustomerRef", "Vendor": "VendorRef"}


def _moved(value: Any, kind: str, source: str, target: dict[str, str]) -> Any:
    """A copy of ``value`` with references to the source replaced; the same object if none."""
    if isinstance(value, list):
        items = [_moved(v, kind, source, target) for v in value]
        return items if any(a is not b for a, b in zip(items, value, strict=True)) else value
    if not isinstance(value, dict):
        return value
    changed: dict[str, Any] = {}
    for key, item in value.items():
        if (
            isinstance(item, dict)
            and item.get("value") == source
            and (
                key == OWN_REFS[kind]
                or (key == "EntityRef" and kind in (item.get("type"), value.get("Type")))
            )
        ):
            changed[key] = {**item, **target}
        else:
            moved = _moved(item, kind, source, target)
            if moved is not item:
                changed[key] = moved
    return {**value, **changed} if changed else value


def merge(ops: Operations, model: EntityModel, body: dict[str, Any]) -> Record:
    if model.name not in MERGEABLE:
        raise UnsupportedOperation(f"Operation merge is not supported for {model.name}.", "")
    c, ctx = ops.c, ops.ctx
    ops._writable()
    source = ops._existing(model, body)
    ops._check_sync(model, source, body)
    source_id = source.data["Id"]
    target_id = ref_id(body.get("MergeIntoRef"), "MergeIntoRef")
    target = c.get(model.name, target_id)
    if target is None or target_id == source_id:
        raise InvalidReferenceId.of("Names", target_id)
    children = [
        r
        for r in c.table(model.name).values()
        if (r.data.get("ParentRef") or {}).get("value") == source_id
    ]
    if children:
        raise BusinessValidation.of("A name with sub-customers can not be merged.", "Id")
    if (source.data.get("CurrencyRef") or {}).get("value") != (
        target.data.get("CurrencyRef") or {}
    ).get("value"):
        raise BusinessValidation.of(
            "Names in different currencies can not be merged.", "MergeIntoRef"
        )
    now = ctx.now
    replacement = {"value": target_id, "name": target.data["DisplayName"]}
    for table in c.records.values():
        for ident, rec in list(table.items()):
            moved = _moved(rec.data, model.name, source_id, replacement)
            if moved is not rec.data:
                meta = {**moved["MetaData"], "LastUpdatedTime": qbo_time(now, c.tz)}
                data = {**moved, "SyncToken": str(int(moved["SyncToken"]) + 1), "MetaData": meta}
                table[ident] = Record.of(data, rec.created, now)
    for key, (cust, amount) in list(c.open_items.items()):
        if model.name == "Customer" and cust == source_id:
            set_open_item(c, key, target_id, amount)
    del c.table(model.name)[source_id]
    claim_name(c, PEOPLE, model.name, source_id, source.data.get("DisplayName"), None)
    stone = {
        "Id": source_id,
        "status": "Deleted",
        "domain": "QBO",
        "MetaData": {"LastUpdatedTime": qbo_time(now, c.tz)},
    }
    c.tombstones.setdefault(model.name, {})[source_id] = Record.of(stone, source.created, now)
    ctx.events.append(Change(model.name, target_id, "Merge", source_id))
    merged = c.get(model.name, target_id)
    assert merged is not None
    return merged
