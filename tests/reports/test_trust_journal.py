"""The trust journal: every movement of an account by date, its running balance, its totals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tests import builders
from tests.conftest import Firm


def test_the_journal_runs_the_accounts_balance_and_totals_both_sides(firm: Firm) -> None:
    a, b = builders.client(firm), builders.client(firm)
    acct = builders.trust_account(firm)
    builders.deposit(firm, acct["id"], a["id"], "1000.00", date=dt.date(2026, 3, 1))
    builders.deposit(firm, acct["id"], b["id"], "250.50", date=dt.date(2026, 3, 2))
    builders.disburse(firm, acct["id"], a["id"], "400.25", method="eft", date=dt.date(2026, 3, 3))
    got = firm.get("/reports/trust-journal", account_id=acct["id"])
    rows = got["sections"][0]["rows"]
    assert [r["balance"] for r in rows] == ["1000.00", "1250.50", "850.25"]
    totals = {t["label"]: t["values"] for t in got["totals"]}
    assert totals["Total receipts and disbursements"] == {
        "receipts": "1250.50",
        "disbursements": "400.25",
    }
    assert totals["Closing balance"]["balance"] == "850.25"
    opening = Decimal(totals["Opening balance"]["balance"])
    assert opening + Decimal("1250.50") - Decimal("400.25") == Decimal("850.25")
