"""python-quickbooks, unmodified, against a sample company: the calls its integration suite
makes for the entities beyond the basics.

Two parts. The first always runs (CI has no GitHub access, so it can not fetch the suite):
our own tests, modelled on the suite's calls for each wider entity (an inventory item, an
estimate with a discount, a refund, a purchase order, a credit card payment, time, company
currencies and exchange rates, notes and uploaded files, recurring invoices and bills, and a
tax code made through TaxService), driving python-quickbooks' own objects and methods.

The second runs the suite itself through ``scripts/python_quickbooks_suite.py`` when a checkout
of it sits in the cache directory (``LAWSYNC_PQB_CACHE``, default
``~/.cache/lawsync/python-quickbooks``), and needs at least 59 of its tests to pass. Without
a checkout it is skipped, unless ``LAWSYNC_PQB_SUITE=required``, which turns the missing
checkout into a failure (for machines that are meant to have it).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

intuitlib_config = pytest.importorskip("intuitlib.config")
qb_client = pytest.importorskip("quickbooks.client")

from intuitlib.client import AuthClient  # noqa: E402
from quickbooks.objects.account import Account  # noqa: E402
from quickbooks.objects.attachable import Attachable, AttachableRef  # noqa: E402
from quickbooks.objects.base import Ref  # noqa: E402
from quickbooks.objects.bill import Bill  # noqa: E402
from quickbooks.objects.companycurrency import CompanyCurrency  # noqa: E402
from quickbooks.objects.creditcardpayment_entity import CreditCardPayment  # noqa: E402
from quickbooks.objects.customer import Customer  # noqa: E402
from quickbooks.objects.detailline import (  # noqa: E402
    AccountBasedExpenseLine,
    AccountBasedExpenseLineDetail,
    DiscountLine,
    DiscountLineDetail,
    ItemBasedExpenseLine,
    ItemBasedExpenseLineDetail,
    SalesItemLine,
    SalesItemLineDetail,
)
from quickbooks.objects.employee import Employee  # noqa: E402
from quickbooks.objects.estimate import Estimate  # noqa: E402
from quickbooks.objects.exchangerate import ExchangeRate  # noqa: E402
from quickbooks.objects.invoice import Invoice  # noqa: E402
from quickbooks.objects.item import Item  # noqa: E402
from quickbooks.objects.purchaseorder import PurchaseOrder  # noqa: E402
from quickbooks.objects.recurringtransaction import (  # noqa: E402
    RecurringBill,
    RecurringInfo,
    RecurringInvoice,
    RecurringTransaction,
    ScheduleInfo,
)
from quickbooks.objects.refundreceipt import RefundReceipt  # noqa: E402
from quickbooks.objects.taxcode import TaxCode  # noqa: E402
from quickbooks.objects.taxservice import TaxRateDetails, TaxService  # noqa: E402
from quickbooks.objects.timeactivity import TimeActivity  # noqa: E402
from quickbooks.objects.vendor import Vendor  # noqa: E402

from quickbooks import QuickBooks  # noqa: E402
from tests.sandbox.sandbox_support import Server  # noqa: E402

CLIENT = "pqb-breadth"
SECRET = "pqb-breadth-secret"
REDIRECT = "http://localhost:8000/callback"
ROOT = Path(__file__).resolve().parents[2]
SUITE_CACHE = Path(
    os.environ.get("LAWSYNC_PQB_CACHE", Path.home() / ".cache" / "lawsync" / "python-quickbooks")
)


@pytest.fixture(scope="module")
def setup(sandbox: Server, control: httpx.Client) -> Iterator[dict[str, Any]]:
    control.post(
        "/_sandbox/apps",
        json={
            "name": "python-quickbooks breadth",
            "client_id": CLIENT,
            "client_secret": SECRET,
            "redirect_uris": [REDIRECT],
        },
    )
    company = control.post(
        "/_sandbox/companies",
        json={"name": "PQB Sample", "multicurrency": True, "sample_data": True},
    ).json()
    tokens = control.post(
        f"/_sandbox/companies/{company['realm_id']}/tokens", json={"client_id": CLIENT}
    ).json()
    mp = pytest.MonkeyPatch()
    mp.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    mp.setitem(
        intuitlib_config.DISCOVERY_URL,
        "sandbox",
        f"{sandbox.url}/.well-known/openid_sandbox_configuration/",
    )
    mp.setattr(qb_client.QuickBooks, "sandbox_api_url_v3", f"{sandbox.url}/v3")
    mp.setattr(qb_client.QuickBooks, "api_url_v3", f"{sandbox.url}/v3")
    yield {"realm": company["realm_id"], "refresh": tokens["refresh_token"]}
    mp.undo()


@pytest.fixture
def qb(setup: dict[str, Any]) -> QuickBooks:
    auth = AuthClient(
        client_id=CLIENT, client_secret=SECRET, environment="sandbox", redirect_uri=REDIRECT
    )
    return QuickBooks(
        auth_client=auth, refresh_token=setup["refresh"], company_id=setup["realm"], minorversion=75
    )


def test_inventory_item_and_a_purchase_of_it(qb: QuickBooks) -> None:
    income = Account.where("AccountSubType = 'SalesOfProductIncome'", max_results=1, qb=qb)[0]
    cogs = Account.where("AccountSubType = 'SuppliesMaterialsCogs'", max_results=1, qb=qb)[0]
    asset = Account.where("AccountSubType = 'Inventory'", max_results=1, qb=qb)[0]
    item = Item()
    item.Name = "Breadth widget"
    item.Type = "Inventory"
    item.TrackQtyOnHand = True
    item.QtyOnHand = 10
    item.InvStartDate = "2015-01-01"
    item.IncomeAccountRef = income.to_ref()
    item.ExpenseAccountRef = cogs.to_ref()
    item.AssetAccountRef = asset.to_ref()
    item.save(qb=qb)
    read = Item.get(item.Id, qb=qb)
    assert (read.Type, read.QtyOnHand, read.AssetAccountRef.value) == ("Inventory", 10, asset.Id)
    first = Item.filter(Type="Inventory", max_results=1, qb=qb)[0]
    taxcode = TaxCode.all(max_results=1, qb=qb)[0]
    assert taxcode.Id == taxcode.Name == "NON"
    order = PurchaseOrder()
    line = ItemBasedExpenseLine()
    line.Amount = 100
    line.ItemBasedExpenseLineDetail = ItemBasedExpenseLineDetail()
    line.ItemBasedExpenseLineDetail.UnitPrice = 100
    line.ItemBasedExpenseLineDetail.Qty = 1
    line.ItemBasedExpenseLineDetail.TaxCodeRef = taxcode.to_ref()
    line.ItemBasedExpenseLineDetail.ItemRef = first.to_ref()
    order.Line.append(line)
    order.VendorRef = Vendor.all(max_results=1, qb=qb)[0].to_ref()
    order.save(qb=qb)
    assert PurchaseOrder.get(order.Id, qb=qb).TotalAmt == 100
    assert Item.get(first.Id, qb=qb).QtyOnHand == first.QtyOnHand  # an order moves no stock


def test_estimate_with_a_percent_discount(qb: QuickBooks) -> None:
    customer = Customer.all(max_results=1, qb=qb)[0]
    estimate = Estimate()
    estimate.CustomerRef = customer.to_ref()
    line = SalesItemLine()
    line.Amount = 35.0
    line.SalesItemLineDetail = SalesItemLineDetail()
    line.SalesItemLineDetail.UnitPrice = 35
    line.SalesItemLineDetail.Qty = 1
    line.SalesItemLineDetail.ItemRef = Item.get(10, qb=qb).to_ref()
    estimate.Line.append(line)
    discount = DiscountLine()
    discount.Amount = 3.5
    discount.DiscountLineDetail = DiscountLineDetail()
    discount.DiscountLineDetail.PercentBased = True
    discount.DiscountLineDetail.DiscountPercent = 10
    estimate.Line.append(discount)
    estimate.save(qb=qb)
    read = Estimate.get(estimate.Id, qb=qb)
    assert read.TotalAmt == 31.5 and read.Line[2].DiscountLineDetail.DiscountPercent == 10


def test_refund_receipt_and_credit_card_payment(qb: QuickBooks) -> None:
    refund = RefundReceipt()
    line = SalesItemLine()
    line.Amount = 200
    line.SalesItemLineDetail = SalesItemLineDetail()
    line.SalesItemLineDetail.ItemRef = Item.all(max_results=1, qb=qb)[0].to_ref()
    refund.Line.append(line)
    checking = Account.where("Name = 'checking'", max_results=1, qb=qb)[0]
    refund.DepositToAccountRef = checking.to_ref()
    refund.save(qb=qb)
    assert RefundReceipt.get(refund.Id, qb=qb).Line[0].Amount == 200
    payment = CreditCardPayment.all(max_results=1, qb=qb)[0]
    payment.Amount += 1
    payment.save(qb=qb)
    assert CreditCardPayment.get(payment.Id, qb=qb).Amount == payment.Amount


def test_time_activity(qb: QuickBooks) -> None:
    activity = TimeActivity()
    activity.NameOf = "Employee"
    activity.EmployeeRef = Employee.all(max_results=1, qb=qb)[0].to_ref()
    activity.StartTime = "2016-07-22T10:00:00-07:00"
    activity.EndTime = "2016-07-22T11:00:00-07:00"
    activity.CostRate = 50.0
    activity.save(qb=qb)
    assert TimeActivity.get(activity.Id, qb=qb).CostRate == 50.0


def test_currencies_and_exchange_rates(qb: QuickBooks) -> None:
    assert CompanyCurrency.get(id=1, qb=qb).Name == "Canadian Dollar"
    rate = ExchangeRate.where("SourceCurrencyCode = 'EUR'", qb=qb)[0]
    assert rate.TargetCurrencyCode == "USD"
    rate.Rate = rate.Rate + 1
    rate.save(qb=qb)
    assert ExchangeRate.where("SourceCurrencyCode = 'EUR'", qb=qb)[0].Rate == rate.Rate


def test_note_and_file_attachments(qb: QuickBooks) -> None:
    vendor = Vendor.all(max_results=1, qb=qb)[0]
    for payload in (None, b"File contents in bytes"):
        attachable = Attachable()
        ref = AttachableRef()
        ref.EntityRef = vendor.to_ref()
        attachable.AttachableRef.append(ref)
        attachable.Note = "Breadth note"
        if payload is not None:
            attachable.FileName = "test.txt"
            attachable._FileBytes = payload
            attachable.ContentType = "text/plain"
        attachable.save(qb=qb)
        read = Attachable.get(attachable.Id, qb=qb)
        assert read.AttachableRef[0].EntityRef.value == vendor.Id and read.Note == "Breadth note"
        if payload is not None:
            assert httpx.get(read.TempDownloadUri).content == payload


def test_recurring_invoice_and_bill(qb: QuickBooks) -> None:
    line = SalesItemLine()
    line.Amount = 100
    line.SalesItemLineDetail = SalesItemLineDetail()
    line.SalesItemLineDetail.ItemRef = Item.all(max_results=1, qb=qb)[0].to_ref()
    invoice = RecurringInvoice()
    invoice.Line.append(line)
    invoice.CustomerRef = Customer.all(max_results=1, qb=qb)[0].to_ref()
    info = RecurringInfo()
    info.Active = True
    info.Name = "Breadth monthly"
    info.ScheduleInfo = ScheduleInfo()
    info.ScheduleInfo.StartDate = datetime.now().strftime("%Y-%m-%d")
    info.ScheduleInfo.IntervalType = "Monthly"
    info.ScheduleInfo.DayOfMonth = 1
    info.ScheduleInfo.NumInterval = 1
    invoice.RecurringInfo = info
    template = RecurringTransaction()
    template.Invoice = invoice
    saved = template.save(qb=qb)
    read = RecurringTransaction.get(saved.Invoice.Id, qb=qb)
    read.Invoice.RecurringInfo.ScheduleInfo.DayOfMonth = 15
    read.Invoice.Deposit = None
    read.save(qb=qb)
    again = RecurringTransaction.get(saved.Invoice.Id, qb=qb)
    assert again.Invoice.RecurringInfo.ScheduleInfo.DayOfMonth == 15
    again.delete(qb=qb)
    bill = RecurringBill()
    expense = AccountBasedExpenseLine()
    expense.Amount = 500
    expense.AccountBasedExpenseLineDetail = AccountBasedExpenseLineDetail()
    expense.AccountBasedExpenseLineDetail.AccountRef = Ref()
    expense.AccountBasedExpenseLineDetail.AccountRef.value = 1
    bill.Line.append(expense)
    bill.VendorRef = Vendor.all(max_results=1, qb=qb)[0].to_ref()
    bill_info = RecurringInfo()
    bill_info.Name = "Breadth weekly bill"
    bill_info.ScheduleInfo = ScheduleInfo()
    bill_info.ScheduleInfo.IntervalType = "Weekly"
    bill_info.ScheduleInfo.DayOfWeek = "Friday"
    bill_info.ScheduleInfo.NumInterval = 1
    bill.RecurringInfo = bill_info
    bill_template = RecurringTransaction()
    bill_template.Bill = bill
    bill_template.save(qb=qb)
    kinds = {"Bill" if hasattr(t, "Bill") else "Invoice" for t in RecurringTransaction.all(qb=qb)}
    assert kinds == {"Bill", "Invoice"}
    assert all(hasattr(t, "Bill") for t in RecurringTransaction.where("Type = 'Bill'", qb=qb))
    assert Bill.all(qb=qb)  # the sample's bills are still there; templates are not bills


def test_tax_service_tax_code(qb: QuickBooks) -> None:
    service = TaxService()
    service.TaxCode = "Breadth tax"
    detail = TaxRateDetails()
    detail.TaxRateName = "Breadth rate"
    detail.RateValue = 10
    detail.TaxAgencyId = 1
    detail.TaxApplicableOn = "Sales"
    service.TaxRateDetails.append(detail)
    created = service.save(qb=qb)
    assert created.TaxCode == "Breadth tax"
    assert created.TaxRateDetails[0].TaxAgencyId == "1"
    assert TaxCode.get(created.TaxCodeId, qb=qb).Name == "Breadth tax"


def test_sample_invoices_and_payments_are_listed(qb: QuickBooks) -> None:
    from quickbooks.objects.payment import Payment

    assert len(Payment.all(max_results=5, qb=qb)) == 5
    assert Invoice.all(max_results=100, qb=qb)


# ---- the suite itself, when a checkout of it is at hand -----------------------------------


def test_python_quickbooks_integration_suite_passes_59_of_65() -> None:
    if not (SUITE_CACHE / "tests" / "integration").is_dir():
        if os.environ.get("LAWSYNC_PQB_SUITE") == "required":
            pytest.fail(f"no python-quickbooks checkout in {SUITE_CACHE}")
        pytest.skip(f"no python-quickbooks checkout in {SUITE_CACHE} (see docs/sandbox.md)")
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "python_quickbooks_suite.py"),
            "--cache",
            str(SUITE_CACHE),
            "--min",
            "59",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "passed" in done.stdout.splitlines()[-1]
