"""Inventory items: their rules, and stock and its cost moving with sales and purchases."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.sandbox.sandbox_support import NewCompany, Qbo, fault, sales_line


def accounts(q: Qbo) -> dict[str, str]:
    """Make the product income, cost of goods sold and inventory asset accounts."""
    made = {}
    for name, acct_type, subtype in (
        ("Product Sales", "Income", "SalesOfProductIncome"),
        ("COGS", "Cost of Goods Sold", "SuppliesMaterialsCogs"),
        ("Stock", "Other Current Asset", "Inventory"),
    ):
        body = {"Name": name, "AccountType": acct_type, "AccountSubType": subtype}
        made[subtype] = q.create("Account", body)["Id"]
    return made


def item_body(acc: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {
        "Name": "Widget",
        "Type": "Inventory",
        "TrackQtyOnHand": True,
        "QtyOnHand": 10,
        "InvStartDate": "2026-01-01",
        "UnitPrice": 20,
        "PurchaseCost": 8,
        "IncomeAccountRef": {"value": acc["SalesOfProductIncome"]},
        "ExpenseAccountRef": {"value": acc["SuppliesMaterialsCogs"]},
        "AssetAccountRef": {"value": acc["Inventory"]},
        **extra,
    }


def bal(q: Qbo, ident: str) -> Decimal:
    return Decimal(str(q.read("Account", ident)["CurrentBalance"]))


def qty(q: Qbo, item: str) -> Decimal:
    return Decimal(str(q.read("Item", item)["QtyOnHand"]))


def test_starting_stock_is_valued_at_cost_against_opening_balance_equity(qbo: Qbo) -> None:
    acc = accounts(qbo)
    item = qbo.create("Item", item_body(acc, Sku="W-1"))
    assert item["Type"] == "Inventory" and item["TrackQtyOnHand"] is True
    assert Decimal(str(item["QtyOnHand"])) == 10 and item["Sku"] == "W-1"
    assert item["AssetAccountRef"]["value"] == acc["Inventory"]
    assert bal(qbo, acc["Inventory"]) == 80
    assert bal(qbo, qbo.accounts["OpeningBalanceEquity"]) == 80


def test_a_sale_takes_stock_out_and_moves_its_cost(qbo: Qbo) -> None:
    acc = accounts(qbo)
    item = qbo.create("Item", item_body(acc))["Id"]
    cust = qbo.customer()["Id"]
    line = sales_line(60, item, Qty=3, UnitPrice=20)
    inv = qbo.create("Invoice", {"CustomerRef": {"value": cust}, "Line": [line]})
    assert qty(qbo, item) == 7
    assert bal(qbo, acc["SalesOfProductIncome"]) == 60
    assert bal(qbo, acc["SuppliesMaterialsCogs"]) == 24
    assert bal(qbo, acc["Inventory"]) == 80 - 24
    # Changing the quantity sold moves the stock again; deleting the sale puts it back.
    line2 = sales_line(100, item, Qty=5, UnitPrice=20)
    inv = qbo.create(
        "Invoice",
        {
            "Id": inv["Id"],
            "SyncToken": inv["SyncToken"],
            "CustomerRef": {"value": cust},
            "Line": [line2],
        },
    )
    assert qty(qbo, item) == 5
    r = qbo.post("invoice", {"Id": inv["Id"], "SyncToken": inv["SyncToken"]}, operation="delete")
    assert r.status_code == 200, r.text
    assert qty(qbo, item) == 10
    assert bal(qbo, acc["Inventory"]) == 80
    assert bal(qbo, acc["SuppliesMaterialsCogs"]) == 0


def test_a_purchase_brings_stock_in_at_the_asset_account(qbo: Qbo) -> None:
    acc = accounts(qbo)
    item = qbo.create("Item", item_body(acc))["Id"]
    vendor = qbo.create("Vendor", {"DisplayName": "Widget Supply"})["Id"]
    line = {
        "Amount": 40,
        "DetailType": "ItemBasedExpenseLineDetail",
        "ItemBasedExpenseLineDetail": {"ItemRef": {"value": item}, "Qty": 5, "UnitPrice": 8},
    }
    qbo.create("Bill", {"VendorRef": {"value": vendor}, "Line": [line]})
    assert qty(qbo, item) == 15
    assert bal(qbo, acc["Inventory"]) == 120
    assert bal(qbo, acc["SuppliesMaterialsCogs"]) == 0


def test_returns_put_stock_back_and_voids_undo_the_sale(qbo: Qbo) -> None:
    acc = accounts(qbo)
    item = qbo.create("Item", item_body(acc))["Id"]
    cust = qbo.customer()["Id"]
    inv = qbo.create(
        "Invoice",
        {"CustomerRef": {"value": cust}, "Line": [sales_line(40, item, Qty=2, UnitPrice=20)]},
    )
    qbo.create(
        "CreditMemo",
        {"CustomerRef": {"value": cust}, "Line": [sales_line(20, item, Qty=1, UnitPrice=20)]},
    )
    assert qty(qbo, item) == 9
    assert bal(qbo, acc["SuppliesMaterialsCogs"]) == 8
    r = qbo.post("invoice", {"Id": inv["Id"], "SyncToken": inv["SyncToken"]}, operation="void")
    assert r.status_code == 200, r.text
    assert qty(qbo, item) == 11
    assert bal(qbo, acc["SuppliesMaterialsCogs"]) == -8


def test_updating_qty_on_hand_is_an_adjustment(qbo: Qbo) -> None:
    acc = accounts(qbo)
    item = qbo.create("Item", item_body(acc))
    cust = qbo.customer()["Id"]
    qbo.create(
        "Invoice",
        {"CustomerRef": {"value": cust}, "Line": [sales_line(20, item["Id"], Qty=1)]},
    )
    now = qbo.read("Item", item["Id"])
    assert Decimal(str(now["QtyOnHand"])) == 9
    updated = qbo.create(
        "Item", {**item_body(acc), "Id": item["Id"], "SyncToken": now["SyncToken"], "QtyOnHand": 4}
    )
    assert Decimal(str(updated["QtyOnHand"])) == 4
    # A later sale still counts from the adjusted figure.
    qbo.create("Invoice", {"CustomerRef": {"value": cust}, "Line": [sales_line(20, item["Id"])]})
    assert qty(qbo, item["Id"]) == 3


def test_rules(qbo: Qbo, new_company: NewCompany) -> None:
    acc = accounts(qbo)
    for missing in ("AssetAccountRef", "ExpenseAccountRef", "QtyOnHand", "InvStartDate"):
        body = item_body(acc, Name=f"No {missing}")
        del body[missing]
        fault(qbo.post("item", body), 400, "2020")
    wrong_asset = item_body(
        acc, Name="Bad asset", AssetAccountRef={"value": acc["SalesOfProductIncome"]}
    )
    fault(qbo.post("item", wrong_asset), 400, "6430", "AssetAccountRef")
    wrong_cogs = item_body(
        acc, Name="Bad cogs", ExpenseAccountRef={"value": acc["SalesOfProductIncome"]}
    )
    fault(qbo.post("item", wrong_cogs), 400, "6430", "ExpenseAccountRef")
    untracked = item_body(acc, Name="Untracked", TrackQtyOnHand=False)
    fault(qbo.post("item", untracked), 400, "6000", "TrackQtyOnHand")
    fault(qbo.post("item", item_body(acc, Name="Late", InvStartDate="soon")), 400, "2060")
    essentials = new_company(edition="essentials")
    fault(essentials.post("item", item_body(acc)), 400, "5020")
