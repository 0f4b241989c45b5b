"""python-quickbooks and intuit-oauth, unmodified, against the sandbox.

Only two things are pointed here, as a user would for any emulator: intuit-oauth's
sandbox discovery URL and python-quickbooks' sandbox API base URL.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

intuitlib_config = pytest.importorskip("intuitlib.config")
qb_client = pytest.importorskip("quickbooks.client")

from intuitlib.client import AuthClient  # noqa: E402
from quickbooks.batch import batch_create, batch_delete  # noqa: E402
from quickbooks.cdc import change_data_capture  # noqa: E402
from quickbooks.exceptions import (  # noqa: E402
    AuthorizationException,
    ObjectNotFoundException,
    QuickbooksException,
    ValidationException,
)
from quickbooks.objects.account import Account  # noqa: E402
from quickbooks.objects.base import Ref  # noqa: E402
from quickbooks.objects.customer import Customer  # noqa: E402
from quickbooks.objects.detailline import (  # noqa: E402
    AccountBasedExpenseLine,
    AccountBasedExpenseLineDetail,
    SalesItemLine,
    SalesItemLineDetail,
)
from quickbooks.objects.invoice import Invoice  # noqa: E402
from quickbooks.objects.journalentry import (  # noqa: E402
    JournalEntry,
    JournalEntryLine,
    JournalEntryLineDetail,
)
from quickbooks.objects.payment import Payment  # noqa: E402
from quickbooks.objects.preferences import Preferences  # noqa: E402
from quickbooks.objects.purchase import Purchase  # noqa: E402
from quickbooks.objects.vendor import Vendor  # noqa: E402

from quickbooks import QuickBooks  # noqa: E402
from tests.sandbox.sandbox_support import Server  # noqa: E402

CLIENT = "qbtest-client"
SECRET = "qbtest-secret"
REDIRECT = "http://localhost:8000/callback"


@pytest.fixture(scope="module")
def setup(sandbox: Server, control: httpx.Client) -> Iterator[dict[str, Any]]:
    control.post(
        "/_sandbox/apps",
        json={
            "name": "python-quickbooks",
            "client_id": CLIENT,
            "client_secret": SECRET,
            "redirect_uris": [REDIRECT],
        },
    )
    company = control.post(
        "/_sandbox/companies", json={"name": "PQB Firm", "edition": "plus", "country": "US"}
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
    yield {
        "realm": company["realm_id"],
        "refresh": tokens["refresh_token"],
        "accounts": company["accounts"],
    }
    mp.undo()


@pytest.fixture
def qb(setup: dict[str, Any]) -> QuickBooks:
    auth = AuthClient(
        client_id=CLIENT, client_secret=SECRET, environment="sandbox", redirect_uri=REDIRECT
    )
    return QuickBooks(
        auth_client=auth, refresh_token=setup["refresh"], company_id=setup["realm"], minorversion=75
    )


def new_customer(qb: QuickBooks, name: str | None = None) -> Customer:
    c = Customer()
    c.DisplayName = name or f"PQB {uuid.uuid4().hex[:8]}"
    c.CompanyName = "PQB"
    return c.save(qb=qb)


def sales_invoice(qb: QuickBooks, customer: Customer, amount: float = 100) -> Invoice:
    line = SalesItemLine()
    line.Amount = amount
    line.SalesItemLineDetail = SalesItemLineDetail()
    line.SalesItemLineDetail.ItemRef = Ref()
    line.SalesItemLineDetail.ItemRef.value = "2"
    inv = Invoice()
    inv.CustomerRef = customer.to_ref()
    inv.Line.append(line)
    return inv.save(qb=qb)


def test_auth_client_reads_discovery_and_refreshes(qb: QuickBooks, sandbox: Server) -> None:
    assert qb.auth_client.token_endpoint == f"{sandbox.url}/oauth2/v1/tokens/bearer"
    assert qb.auth_client.access_token
    assert qb.auth_client.expires_in == 3600


def test_create_read_update_customer(qb: QuickBooks) -> None:
    created = new_customer(qb)
    read = Customer.get(created.Id, qb=qb)
    assert read.DisplayName == created.DisplayName
    read.CompanyName = "Renamed Co"
    updated = read.save(qb=qb)
    assert updated.CompanyName == "Renamed Co" and updated.SyncToken == "1"


def test_query_filter_where_all_count(qb: QuickBooks) -> None:
    c = new_customer(qb, "Filter O'Neil")
    new_customer(qb)
    assert [x.Id for x in Customer.filter(DisplayName="Filter O'Neil", qb=qb)] == [c.Id]
    assert [x.Id for x in Customer.where(f"Id = '{c.Id}'", qb=qb)] == [c.Id]
    assert len(Customer.all(max_results=2, qb=qb)) == 2
    assert Customer.count("DisplayName = 'Filter O\\'Neil'", qb=qb) == 1
    assert Account.filter(AccountType="Bank", qb=qb)


def test_invoice_update_delete_and_void(qb: QuickBooks) -> None:
    c = new_customer(qb)
    inv = sales_invoice(qb, c)
    assert inv.TotalAmt == 100 and inv.Line[-1].DetailType == "SubTotalLineDetail"
    inv.PrivateNote = "edited"
    inv = inv.save(qb=qb)
    assert inv.SyncToken == "1" and inv.TotalAmt == 100
    inv.void(qb=qb)
    voided = Invoice.get(inv.Id, qb=qb)
    assert voided.TotalAmt == 0 and voided.Balance == 0 and "Voided" in voided.PrivateNote
    other = sales_invoice(qb, c)
    other.delete(qb=qb)
    assert Invoice.filter(Id=other.Id, qb=qb) == []
    with pytest.raises(ObjectNotFoundException):
        Invoice.get(other.Id, qb=qb)


def test_payment_applied_then_voided(qb: QuickBooks) -> None:
    c = new_customer(qb)
    inv = sales_invoice(qb, c, 50)
    payment = Payment()
    payment.CustomerRef = c.to_ref()
    payment.TotalAmt = 50
    payment.Line = [{"Amount": 50, "LinkedTxn": [{"TxnId": inv.Id, "TxnType": "Invoice"}]}]
    saved = payment.save(qb=qb)
    assert Invoice.get(inv.Id, qb=qb).Balance == 0
    saved.void(qb=qb)
    assert Payment.get(saved.Id, qb=qb).TotalAmt == 0
    assert Invoice.get(inv.Id, qb=qb).Balance == 50


def test_journal_entry_and_purchase(qb: QuickBooks, setup: dict[str, Any]) -> None:
    accounts = setup["accounts"]
    je = JournalEntry()
    for posting, account in (
        ("Debit", accounts["OfficeExpenses"]),
        ("Credit", accounts["Checking"]),
    ):
        line = JournalEntryLine()
        line.Amount = 12.5
        line.JournalEntryLineDetail = JournalEntryLineDetail()
        line.JournalEntryLineDetail.PostingType = posting
        line.JournalEntryLineDetail.AccountRef = Ref()
        line.JournalEntryLineDetail.AccountRef.value = account
        je.Line.append(line)
    assert je.save(qb=qb).TotalAmt == 12.5
    purchase = Purchase()
    purchase.PaymentType = "Check"
    purchase.AccountRef = Ref()
    purchase.AccountRef.value = accounts["Checking"]
    line = AccountBasedExpenseLine()
    line.Amount = 30
    line.AccountBasedExpenseLineDetail = AccountBasedExpenseLineDetail()
    line.AccountBasedExpenseLineDetail.AccountRef = Ref()
    line.AccountBasedExpenseLineDetail.AccountRef.value = accounts["OfficeExpenses"]
    purchase.Line.append(line)
    assert purchase.save(qb=qb).TotalAmt == 30


def test_batch_create_and_delete(qb: QuickBooks) -> None:
    customers = []
    for n in range(3):
        c = Customer()
        c.DisplayName = f"Batch PQB {uuid.uuid4().hex[:6]} {n}"
        customers.append(c)
    result = batch_create(customers, qb=qb)
    assert len(result.successes) == 3 and not result.faults
    c = new_customer(qb)
    invoices = [sales_invoice(qb, c), sales_invoice(qb, c)]
    deleted = batch_delete(invoices, qb=qb)
    assert not deleted.faults


def test_change_data_capture(qb: QuickBooks) -> None:
    since = datetime.now(UTC) - timedelta(seconds=30)
    c = new_customer(qb, f"CDC PQB {uuid.uuid4().hex[:6]}")
    result = change_data_capture([Customer, Invoice], since, qb=qb)
    assert c.DisplayName in [x.DisplayName for x in result.Customer]


def test_request_id_makes_create_idempotent(qb: QuickBooks) -> None:
    request_id = str(uuid.uuid4())
    c = Customer()
    c.DisplayName = f"Idem {request_id[:8]}"
    first = c.save(qb=qb, request_id=request_id)
    c2 = Customer()
    c2.DisplayName = f"Idem {request_id[:8]}"
    second = c2.save(qb=qb, request_id=request_id)
    assert first.Id == second.Id


def test_faults_map_to_library_exceptions(qb: QuickBooks) -> None:
    c = new_customer(qb)
    dup = Vendor()
    dup.DisplayName = c.DisplayName
    with pytest.raises(QuickbooksException) as info:
        dup.save(qb=qb)
    assert info.value.error_code == 6240
    with pytest.raises(ValidationException) as parse_error:
        qb.query("SELECT * FROM Customer WHERE DisplayName = 'a' OR Id = '1'")
    assert parse_error.value.error_code == 4000


def test_preferences_read(qb: QuickBooks) -> None:
    prefs = Preferences.get(qb=qb)
    assert prefs.SalesFormsPrefs.CustomTxnNumbers is False


def test_expired_token_raises_authorization_exception(
    qb: QuickBooks, control: httpx.Client
) -> None:
    control.post("/_sandbox/clock", json={"advance_seconds": 3700})
    try:
        with pytest.raises(AuthorizationException):
            Customer.all(max_results=1, qb=qb)
    finally:
        control.post("/_sandbox/clock", json={"advance_seconds": -3700})


def test_webhook_signature_matches_library_check(qb: QuickBooks) -> None:
    from lawsync.sandbox.webhooks import sign

    body = json.dumps([{"specversion": "1.0"}])
    assert qb.validate_webhook_signature(body, sign(body.encode(), "verifier"), "verifier")


def test_intuit_oauth_full_flow_with_discovery_url_as_environment(
    setup: dict[str, Any], sandbox: Server
) -> None:
    import re

    from intuitlib.enums import Scopes
    from intuitlib.exceptions import AuthClientError

    discovery = f"{sandbox.url}/.well-known/openid_configuration/"
    auth = AuthClient(
        client_id=CLIENT, client_secret=SECRET, environment=discovery, redirect_uri=REDIRECT
    )
    url = auth.get_authorization_url([Scopes.ACCOUNTING], state_token="st-1")
    assert url.startswith(f"{sandbox.url}/connect/oauth2?")
    page = httpx.get(url)
    assert page.status_code == 200 and "python-quickbooks" in page.text
    action = re.search(r"action='([^']+)'", page.text)
    assert action is not None
    answer = httpx.post(
        action.group(1),
        data={
            "client_id": CLIENT,
            "redirect_uri": REDIRECT,
            "scope": Scopes.ACCOUNTING.value,
            "state": "st-1",
            "realm_id": setup["realm"],
            "action": "connect",
        },
    )
    callback = httpx.URL(answer.headers["location"])
    assert callback.params["state"] == "st-1"
    auth.get_bearer_token(callback.params["code"], realm_id=callback.params["realmId"])
    assert auth.access_token and auth.refresh_token and auth.x_refresh_token_expires_in == 8640000
    qb = QuickBooks(
        auth_client=auth,
        refresh_token=auth.refresh_token,
        company_id=callback.params["realmId"],
        minorversion=75,
    )
    assert Customer.count(qb=qb) is not None
    assert auth.revoke(token=auth.refresh_token) is True
    with pytest.raises(AuthClientError) as info:
        auth.refresh()
    assert info.value.status_code == 400
