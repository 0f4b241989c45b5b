"""Reports computed from a company's books, served at ``/reports/{name}``: the statements,
the ledgers, customer and vendor balances and aging, and sales and spending by name and item.
Every figure is derived from the same postings and open documents the entities carry, so a
report's totals agree with the entities (tests/sandbox/test_reports.py checks each)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..company import Company
from ..faults import UnsupportedOperation
from . import ledger_reports, parties, sales, statements

Builder = Callable[[Company, float, dict[str, str]], dict[str, Any]]

REPORTS: dict[str, Builder] = {
    "TrialBalance": ledger_reports.trial_balance,
    "GeneralLedger": ledger_reports.general_ledger,
    "TransactionList": ledger_reports.transaction_list,
    "BalanceSheet": statements.balance_sheet,
    "ProfitAndLoss": statements.profit_and_loss,
    "ProfitAndLossDetail": statements.profit_and_loss_detail,
    "CashFlow": statements.cash_flow,
    "CustomerBalance": parties.balance_summary("Customer", "CustomerBalance"),
    "CustomerBalanceDetail": parties.balance_detail("Customer", "CustomerBalanceDetail"),
    "VendorBalance": parties.balance_summary("Vendor", "VendorBalance"),
    "VendorBalanceDetail": parties.balance_detail("Vendor", "VendorBalanceDetail"),
    "AgedReceivables": parties.aging_summary("Customer", "AgedReceivables"),
    "AgedReceivableDetail": parties.aging_detail("Customer", "AgedReceivableDetail"),
    "AgedPayables": parties.aging_summary("Vendor", "AgedPayables"),
    "AgedPayableDetail": parties.aging_detail("Vendor", "AgedPayableDetail"),
    "CustomerSales": sales.customer_sales,
    "CustomerIncome": sales.customer_income,
    "ItemSales": sales.item_sales,
    "VendorExpenses": sales.vendor_expenses,
    "InventoryValuationSummary": sales.inventory_valuation,
}
BY_LOWER = {name.lower(): builder for name, builder in REPORTS.items()}


def report(c: Company, now: float, name: str, params: dict[str, str]) -> dict[str, Any]:
    """Report names match in any case (the report service's paths do)."""
    builder = BY_LOWER.get(name.lower())
    if builder is None:
        raise UnsupportedOperation(f"Report {name} is not emulated by the sandbox.", "")
    return builder(c, now, params)


__all__ = ["REPORTS", "report"]
