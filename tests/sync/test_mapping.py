"""Bills mapped to invoices keep their totals to the cent, as the accounting side computes them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lawsync.money import line_amount
from lawsync.practice.models import (
    Bill,
    BillLine,
    BillState,
    Contact,
    ContactEmail,
    ContactKind,
    ContactPhone,
    DiscountKind,
    LineKind,
)
from lawsync.practice.services.bills import get_bill
from lawsync.sync import mapping, preflight
from lawsync.sync.mapping import InvoiceRefs, TaxOption
from tests import builders
from tests.conftest import Firm
from tests.sandbox.sandbox_support import Qbo


def _contact(**kw: Any) -> Contact:
    c = Contact(
        id=7,
        firm_id=1,
        kind=kw.pop("kind", ContactKind.person),
        first_name="Ada",
        last_name="Lovelace",
        company_name="",
        display_name="Ada Lovelace",
        web_address="",
        street="",
        city="",
        region="",
        postal_code="",
        country="",
    )
    c.emails = [ContactEmail(address="ada@example.com", is_primary=True)]
    c.phones = []
    for key, value in kw.items():
        setattr(c, key, value)
    return c


def test_a_person_becomes_a_customer_with_a_marker() -> None:
    payload = mapping.customer(_contact(web_address="https://ada.example.com"))
    assert payload["DisplayName"] == "Ada Lovelace"
    assert (payload["GivenName"], payload["FamilyName"]) == ("Ada", "Lovelace")
    assert payload["PrimaryEmailAddr"] == {"Address": "ada@example.com"}
    assert payload["WebAddr"] == {"URI": "https://ada.example.com"}
    assert payload["Notes"] == "lawsync:contact:7"


def test_colons_never_reach_a_name() -> None:
    assert mapping.customer(_contact(display_name="A: B"))["DisplayName"] == "A- B"


@pytest.mark.parametrize(
    ("change", "code", "element"),
    [
        ({"web_address": "example.com"}, "2200", "WebAddr"),
        (
            {"emails": [ContactEmail(address="a@b.com, c@d.com", is_primary=True)]},
            "2210",
            "PrimaryEmailAddr",
        ),
        (
            {"phones": [ContactPhone(number="+1 555 0100 0100 0100 0100 0100 01")]},
            "2050",
            "PrimaryPhone.FreeFormNumber",
        ),
        ({"display_name": "x" * 501}, "2050", "DisplayName"),
        ({"display_name": "", "first_name": "", "last_name": ""}, "6080", "DisplayName"),
    ],
)
def test_contact_preflight_gives_the_accounting_sides_code(
    change: dict[str, Any], code: str, element: str
) -> None:
    problems = preflight.check_contact(_contact(**change))
    assert (code, element) in [(p.code, p.element) for p in problems]


def _bill(**kw: Any) -> Bill:
    b = Bill(
        id=3,
        firm_id=1,
        client_id=7,
        number="1042",
        state=BillState.approved,
        issue_date=dt.date(2026, 3, 2),
        due_date=dt.date(2026, 4, 1),
        currency="USD",
        total=Decimal("10.00"),
        balance=Decimal("10.00"),
        discount_total=Decimal("0"),
        primary_tax_name="GST",
        secondary_tax_name="PST",
    )
    b.lines = [
        BillLine(
            kind=LineKind.time,
            date=dt.date(2026, 3, 1),
            description="Work",
            quantity=Decimal(1),
            price=Decimal(10),
            amount=Decimal("10.00"),
            primary_tax=Decimal(0),
            secondary_tax=Decimal(0),
            user_id=1,
        )
    ]
    for key, value in kw.items():
        setattr(b, key, value)
    return b


@pytest.mark.parametrize(
    ("kw", "prefix", "matters", "code"),
    [
        ({"lines": []}, "", ["00001"], "lawsync:no-lines"),
        ({}, "LAWSYNC-FIRM-2026-", ["00001"], "2050"),
        ({}, "", ["M" * 60] * 20, "2050"),
        ({"currency": "EUR"}, "", ["1"], "6000"),
        ({"currency": "ZZZ"}, "", ["1"], "2220"),
        ({"state": BillState.draft}, "", ["1"], "lawsync:draft"),
        ({"total": Decimal("-1")}, "", ["1"], "6000"),
    ],
)
def test_bill_preflight(kw: dict[str, Any], prefix: str, matters: list[str], code: str) -> None:
    problems = preflight.check_bill(
        _bill(**kw), prefix=prefix, matter_numbers=matters, home_currency="USD", multicurrency=False
    )
    assert code in [p.code for p in problems]


def test_a_clean_bill_passes_preflight() -> None:
    assert (
        preflight.check_bill(
            _bill(),
            prefix="LS-",
            matter_numbers=["00001"],
            home_currency="USD",
            multicurrency=False,
        )
        == []
    )
    assert preflight.check_prefix("LAWSYNC-", 14) is not None
    assert preflight.check_prefix("LS-", 6) is None


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.decimals("0.0001", "999.9999", places=4), st.decimals("0.0001", "9999.9999", places=4))
def test_every_line_passes_the_quantity_times_price_check(qty: Decimal, price: Decimal) -> None:
    """The accounting side requires Amount = round(Qty × UnitPrice, 2); ours always matches."""
    amount = line_amount(qty, price)
    line = mapping._sales_line("1", "x", qty, price, amount)
    sent_qty = Decimal(line["SalesItemLineDetail"]["Qty"])
    sent_price = Decimal(line["SalesItemLineDetail"]["UnitPrice"])
    assert Decimal(line["Amount"]) == line_amount(sent_qty, sent_price)


def _items(qbo: Qbo) -> list[str]:
    rows = qbo.rows("SELECT * FROM Item")
    return [r["Id"] for r in rows if r.get("Type") in ("Service", "NonInventory")]


@pytest.mark.parametrize("option", [TaxOption.separate_lines, TaxOption.aggregated])
def test_invoice_totals_equal_the_bill_to_the_cent(firm: Firm, qbo: Qbo, option: TaxOption) -> None:
    builders.two_taxes(firm)
    c = builders.client(firm)
    m = builders.matter(firm, c["id"])
    for hours, rate in (("0.3333", "187.50"), ("1.1", "333.33"), ("2.75", "99.99")):
        builders.time_entry(firm, m["id"], hours=hours, rate=rate)
    builders.expense(firm, m["id"], quantity="137", unit_price="0.15")
    created = builders.bill(firm, c["id"], discount_kind="percent", discount_value="7.5")
    bill = get_bill(firm.ledger, firm.actor, created["id"])
    assert bill.discount_kind == DiscountKind.percent

    items = _items(qbo)
    customer = qbo.create("Customer", {"DisplayName": f"Client {c['id']} {option}"})
    refs = InvoiceRefs(
        customer_id=customer["Id"],
        item_for_activity={None: items[0]},
        item_for_expense={None: items[-1]},
        tax_items=(items[0], items[-1]),
    )
    payload = mapping.invoice(bill, refs, prefix="T-", option=option, matter_numbers=[m["number"]])
    invoice = qbo.create("Invoice", payload)
    assert Decimal(str(invoice["TotalAmt"])) == Decimal(created["total"])
    assert Decimal(str(invoice["Balance"])) == Decimal(created["balance"])
    assert invoice["DocNumber"] == f"T-{created['number']}"
