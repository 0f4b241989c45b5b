"""Sales and spending by name and by item: CustomerSales, CustomerIncome, ItemSales,
VendorExpenses and InventoryValuationSummary, over a period (start_date/end_date/date_macro).

Sales by customer are the income-account postings of the period carrying the customer
(invoices, sales receipts, credit memos, journal lines naming them); expenses by vendor are
the expense-side postings carrying the vendor (bills, cheques and expenses, vendor credits).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..company import Company
from . import books
from .frame import ZERO, basis, cell, columns, data_row, header, ids, period, report, section, text

INCOME_TYPES = ("Income", "Other Income")
EXPENSE_TYPES = ("Cost of Goods Sold", "Expense", "Other Expense")
# Sales forms and the sign their item lines count with on the ItemSales report.
SALES_FORMS = {"Invoice": 1, "SalesReceipt": 1, "CreditMemo": -1, "RefundReceipt": -1}


def _totals_by_name(
    c: Company, now: float, params: dict[str, str], kind: str, types: tuple[str, ...]
) -> dict[str, Decimal]:
    span = period(c, now, params)
    method = basis(c, params)
    only = ids(params, kind.lower())
    out: dict[str, Decimal] = {}
    for e in books.entries(c, method):
        p = e.posting
        if not (span.start <= p.txn_date <= span.end):
            continue
        if books.account_type(c, p.account_id) not in types:
            continue
        who = books.party(e)
        if not who or not who.startswith(f"{kind}:"):
            continue
        ident = who.partition(":")[2]
        if only is not None and ident not in only:
            continue
        out[ident] = out.get(ident, ZERO) + p.amount
    return out


def _named_rows(
    c: Company, kind: str, values: dict[str, list[Decimal]]
) -> tuple[list[dict[str, Any]], list[Decimal]]:
    rows = []
    width = len(next(iter(values.values()))) if values else 0
    grand = [ZERO] * width
    named = []
    for ident, vals in values.items():
        rec = c.get(kind, ident)
        label = str(
            (rec.data.get("FullyQualifiedName") or rec.data.get("DisplayName")) if rec else ""
        )
        named.append((label, ident, vals))
    for label, ident, vals in sorted(named, key=lambda t: t[0].casefold()):
        if all(v == 0 for v in vals):
            continue
        grand = [a + b for a, b in zip(grand, vals, strict=True)]
        rows.append(data_row([cell(label, ident), *(cell(text(v)) for v in vals)]))
    return rows, grand


def _build(
    c: Company,
    now: float,
    params: dict[str, str],
    name: str,
    kind: str,
    spec: list[tuple[str, str]],
    values: dict[str, list[Decimal]],
) -> dict[str, Any]:
    span = period(c, now, params)
    rows, grand = _named_rows(c, kind, values)
    no_data = not rows
    if not grand:
        grand = [ZERO] * (len(spec) - 1)
    rows.append(section(None, [], [cell("TOTAL"), *(cell(text(v)) for v in grand)], "GrandTotal"))
    head = header(
        c,
        now,
        name,
        params,
        span,
        no_data=no_data,
        report_basis=basis(c, params),
        summarize="Total",
    )
    return report(head, columns(spec), rows)


def customer_sales(c: Company, now: float, params: dict[str, str]) -> dict[str, Any]:
    sales = _totals_by_name(c, now, params, "Customer", INCOME_TYPES)
    values = {k: [-v] for k, v in sales.items()}
    return _build(
        c, now, params, "CustomerSales", "Customer", [("", "Customer"), ("Total", "Money")], values
    )


def customer_income(c: Company, now: float, params: dict[str, str]) -> dict[str, Any]:
    income = _totals_by_name(c, now, params, "Customer", INCOME_TYPES)
    spent = _totals_by_name(c, now, params, "Customer", EXPENSE_TYPES)
    values = {}
    for ident in income.keys() | spent.keys():
        earned, cost = -income.get(ident, ZERO), spent.get(ident, ZERO)
        values[ident] = [earned, cost, earned - cost]
    spec = [("", "Customer"), ("Income", "Money"), ("Expenses", "Money"), ("Net Income", "Money")]
    return _build(c, now, params, "CustomerIncome", "Customer", spec, values)


def vendor_expenses(c: Company, now: float, params: dict[str, str]) -> dict[str, Any]:
    spent = _totals_by_name(c, now, params, "Vendor", EXPENSE_TYPES)
    values = {k: [v] for k, v in spent.items()}
    return _build(
        c, now, params, "VendorExpenses", "Vendor", [("", "Vendor"), ("Total", "Money")], values
    )


def item_sales(c: Company, now: float, params: dict[str, str]) -> dict[str, Any]:
    """Quantity and amount sold per item on the period's sales forms (credit memos and refunds
    count against), with each item's share of sales and its average price."""
    span = period(c, now, params)
    only_items = ids(params, "item")
    only_customers = ids(params, "customer")
    qty: dict[str, Decimal] = {}
    amount: dict[str, Decimal] = {}
    for entity, sign in SALES_FORMS.items():
        for rec in c.table(entity).values():
            data = rec.data
            if not (span.start <= str(data.get("TxnDate") or "") <= span.end):
                continue
            customer = str((data.get("CustomerRef") or {}).get("value") or "")
            if only_customers is not None and customer not in only_customers:
                continue
            for line in data.get("Line") or []:
                if line.get("DetailType") != "SalesItemLineDetail":
                    continue
                detail = line.get("SalesItemLineDetail") or {}
                item = str((detail.get("ItemRef") or {}).get("value") or "")
                if not item or (only_items is not None and item not in only_items):
                    continue
                qty[item] = qty.get(item, ZERO) + sign * Decimal(str(detail.get("Qty") or 0))
                amount[item] = amount.get(item, ZERO) + sign * Decimal(str(line.get("Amount") or 0))
    total = sum(amount.values(), ZERO)
    rows = []
    named = []
    for item in amount:
        found = c.get("Item", item)
        named.append(
            (
                str(found.data.get("FullyQualifiedName") or found.data.get("Name"))
                if found
                else "",
                item,
            )
        )
    total_qty = ZERO
    for label, item in sorted(named, key=lambda t: t[0].casefold()):
        value, count = amount[item], qty.get(item, ZERO)
        total_qty += count
        share = f"{(value / total * 100):.2f} %" if total else ""
        average = text(value / count) if count else ""
        rows.append(
            data_row(
                [
                    cell(label, item),
                    cell(_qty(count)),
                    cell(text(value)),
                    cell(share),
                    cell(average),
                ]
            )
        )
    rows.append(
        section(
            None,
            [],
            [
                cell("TOTAL"),
                cell(_qty(total_qty)),
                cell(text(total)),
                cell("100.00 %" if total else ""),
                cell(text(total / total_qty) if total_qty else ""),
            ],
            "GrandTotal",
        )
    )
    spec = [
        ("", "ProductsAndService"),
        ("Quantity", "Money"),
        ("Amount", "Money"),
        ("% of Sales", "Money"),
        ("Avg Price", "Money"),
    ]
    head = header(
        c,
        now,
        "ItemSales",
        params,
        span,
        no_data=not amount,
        report_basis=basis(c, params),
        summarize="Total",
    )
    return report(head, columns(spec), rows)


def _qty(value: Decimal) -> str:
    return f"{value.normalize():f}" if value != value.to_integral() else f"{int(value)}"


def inventory_valuation(c: Company, now: float, params: dict[str, str]) -> dict[str, Any]:
    """Inventory items with their quantity on hand and its value: the item's own asset value
    when the company keeps one (``AssetValue``), else quantity at the average or purchase
    cost."""
    span = period(c, now, params)
    rows = []
    total_qty = total_value = ZERO
    items = [r for r in c.table("Item").values() if r.data.get("Type") == "Inventory"]
    for rec in sorted(
        items, key=lambda r: str(r.data.get("FullyQualifiedName") or r.data.get("Name")).casefold()
    ):
        data = rec.data
        count = Decimal(str(data.get("QtyOnHand") or 0))
        if "AssetValue" in data:
            value = Decimal(str(data["AssetValue"]))
        else:
            cost = Decimal(str(data.get("AvgCost") or data.get("PurchaseCost") or 0))
            value = count * cost
        total_qty += count
        total_value += value
        rows.append(
            data_row(
                [
                    cell(str(data.get("FullyQualifiedName") or data.get("Name")), data["Id"]),
                    cell(str(data.get("Sku") or "")),
                    cell(_qty(count)),
                    cell(text(value)),
                    cell(text(value / count) if count else ""),
                ]
            )
        )
    rows.append(
        section(
            None,
            [],
            [cell("TOTAL"), cell(""), cell(_qty(total_qty)), cell(text(total_value)), cell("")],
            "GrandTotal",
        )
    )
    spec = [
        ("", "ProductsAndService"),
        ("SKU", "String"),
        ("Qty", "Money"),
        ("Asset Value", "Money"),
        ("Calc. Avg", "Money"),
    ]
    head = header(
        c, now, "InventoryValuationSummary", params, span, no_data=not items, summarize="Total"
    )
    return report(head, columns(spec), rows)
