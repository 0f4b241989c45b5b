"""Inventory items: quantity on hand, the asset and cost-of-goods accounts, and stock moves.

An Inventory item carries QtyOnHand as of InvStartDate and three accounts: income (sales),
expense (cost of goods sold) and asset (the stock's value). Its starting stock is valued at
PurchaseCost and posted as QuickBooks posts an "inventory starting value": asset debited,
Opening Balance Equity credited. Afterwards sales forms take stock out (Invoice, SalesReceipt)
or put it back (CreditMemo, RefundReceipt), moving its cost from the asset account to cost of
goods sold; expense forms (Purchase, Bill) put stock in, debiting the asset account. Each
transaction's moves are kept per transaction, so an update or delete replaces them exactly.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..company import Company, Posting
from ..faults import BusinessValidation, InvalidAccountType, RequiredParamMissing
from ..ledger import _rewrite
from ..wire import money, to_decimal
from .rules import check_date, named_ref, ref_id, resolve

ZERO = Decimal("0")
# Entity -> +1 when its item lines bring stock in, -1 when they take it out.
STOCK_DIRECTION = {
    "Invoice": -1,
    "SalesReceipt": -1,
    "CreditMemo": 1,
    "RefundReceipt": 1,
    "Purchase": 1,
    "Bill": 1,
}
SALES_DETAIL = "SalesItemLineDetail"
EXPENSE_DETAIL = "ItemBasedExpenseLineDetail"


def prepare_inventory_item(
    c: Company, data: dict[str, Any], old: dict[str, Any] | None
) -> dict[str, Any]:
    """Check an Inventory item's required fields and accounts and settle its quantity."""
    if data.get("TrackQtyOnHand") is False:
        raise BusinessValidation.of(
            "An inventory item must track its quantity on hand (TrackQtyOnHand true).",
            "TrackQtyOnHand",
        )
    data["TrackQtyOnHand"] = True
    for key in ("IncomeAccountRef", "ExpenseAccountRef", "AssetAccountRef"):
        if data.get(key) is None:
            raise RequiredParamMissing.of(key)
    if old is None and data.get("QtyOnHand") is None:
        raise RequiredParamMissing.of("QtyOnHand")
    if old is None and not data.get("InvStartDate"):
        raise RequiredParamMissing.of("InvStartDate")
    if data.get("InvStartDate"):
        data["InvStartDate"] = check_date(data["InvStartDate"], "InvStartDate")
    asset = resolve(c, "Account", data["AssetAccountRef"], "AssetAccountRef")
    if asset.get("AccountType") != "Other Current Asset":
        raise InvalidAccountType(
            f"Invalid account type used : AssetAccountRef {asset['Id']} must be an Other "
            "Current Asset account (such as Inventory Asset).",
            "AssetAccountRef",
        )
    data["AssetAccountRef"] = named_ref(asset, "Name")
    cogs = resolve(c, "Account", data["ExpenseAccountRef"], "ExpenseAccountRef")
    if cogs.get("AccountType") != "Cost of Goods Sold":
        raise InvalidAccountType(
            f"Invalid account type used : ExpenseAccountRef {cogs['Id']} of an inventory item "
            "must be a Cost of Goods Sold account.",
            "ExpenseAccountRef",
        )
    if data.get("QtyOnHand") is not None:
        # Sent on create, or on update as a quantity adjustment: the item's own starting
        # quantity becomes what makes the on-hand figure come out at the value sent.
        data["QtyOnHand"] = to_decimal(data["QtyOnHand"], "QtyOnHand")
    else:
        data["QtyOnHand"] = (old or {}).get("QtyOnHand", ZERO)
    if data.get("PurchaseCost") is None:
        data["PurchaseCost"] = ZERO
    return data


def moved_by_others(c: Company, item_id: str) -> Decimal:
    """Stock moved by transactions (everything but the item's own starting quantity)."""
    own = ("Item", item_id)
    return sum(
        (moves.get(item_id, ZERO) for key, moves in c.stock_moves.items() if key != own), ZERO
    )


def start_qty(c: Company, data: dict[str, Any]) -> Decimal:
    return Decimal(str(data.get("QtyOnHand", 0))) - moved_by_others(c, str(data["Id"]))


def record_start(c: Company, data: dict[str, Any]) -> None:
    """Keep an inventory item's starting quantity as its own stock move."""
    key = ("Item", str(data["Id"]))
    if data.get("Type") == "Inventory":
        c.stock_moves[key] = {str(data["Id"]): start_qty(c, data)}
    else:
        c.stock_moves.pop(key, None)


def starting_value(data: dict[str, Any], c: Company) -> list[Posting]:
    """The starting stock's value: asset debited, Opening Balance Equity credited."""
    if data.get("Type") != "Inventory":
        return []
    value = money(start_qty(c, data) * Decimal(str(data["PurchaseCost"])))
    equity = c.account_by_subtype("OpeningBalanceEquity")
    if value == 0 or equity is None:
        return []
    day = str(data["InvStartDate"])
    return [
        Posting(data["AssetAccountRef"]["value"], value, day, memo="Inventory starting value"),
        Posting(equity.data["Id"], -value, day, memo="Inventory starting value"),
    ]


def stock_moved(c: Company, item_id: str) -> Decimal:
    return sum((moves.get(item_id, ZERO) for moves in c.stock_moves.values()), ZERO)


def _inventory_item(c: Company, detail: dict[str, Any]) -> dict[str, Any] | None:
    ref = detail.get("ItemRef")
    if not ref:
        return None
    rec = c.get("Item", ref_id(ref, "ItemRef"))
    return rec.data if rec is not None and rec.data.get("Type") == "Inventory" else None


def _qty(detail: dict[str, Any]) -> Decimal:
    qty = detail.get("Qty")
    return Decimal(str(qty)) if qty not in (None, "") else Decimal(1)


def record_moves(
    c: Company, entity: str, ident: str, data: dict[str, Any] | None, now: float
) -> None:
    """Replace one transaction's stock moves and refresh the QtyOnHand of every item touched."""
    direction = STOCK_DIRECTION.get(entity)
    if direction is None:
        return
    key = (entity, ident)
    before = c.stock_moves.pop(key, {})
    after: dict[str, Decimal] = {}
    for line in (data or {}).get("Line", []):
        detail = line.get(SALES_DETAIL) or line.get(EXPENSE_DETAIL)
        if not isinstance(detail, dict):
            continue
        item = _inventory_item(c, detail)
        if item is None:
            continue
        after[item["Id"]] = after.get(item["Id"], ZERO) + direction * _qty(detail)
    if after:
        c.stock_moves[key] = after
    for item_id in set(before) | set(after):
        rec = c.get("Item", item_id)
        if rec is not None:
            qty = stock_moved(c, item_id)
            _rewrite(c, "Item", item_id, {"QtyOnHand": qty}, now)


def cost_of_sales(c: Company, data: dict[str, Any], sign: Decimal) -> list[Posting]:
    """A sales form's inventory lines move their cost (Qty x PurchaseCost) from the asset
    account to cost of goods sold (``sign`` -1 for returns)."""
    out: list[Posting] = []
    day = data["TxnDate"]
    for line in data.get("Line", []):
        detail = line.get(SALES_DETAIL)
        if not isinstance(detail, dict):
            continue
        item = _inventory_item(c, detail)
        if item is None:
            continue
        cost = money(_qty(detail) * Decimal(str(item.get("PurchaseCost", 0))) * sign)
        if cost == 0:
            continue
        out.append(Posting(item["ExpenseAccountRef"]["value"], cost, day))
        out.append(Posting(item["AssetAccountRef"]["value"], -cost, day))
    return out
