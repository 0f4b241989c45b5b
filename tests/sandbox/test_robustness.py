"""Whatever JSON a client sends, the sandbox answers 200 or a 4xx QBO fault, never a crash."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sandbox.sandbox_support import Qbo

FIELDS = [
    "CustomerRef",
    "Line",
    "TotalAmt",
    "TxnDate",
    "DocNumber",
    "DisplayName",
    "Name",
    "AccountRef",
    "PaymentType",
    "DepositToAccountRef",
    "CurrencyRef",
    "ParentRef",
    "AccountType",
    "PrimaryEmailAddr",
    "WebAddr",
    "Active",
    "sparse",
    "Id",
    "SyncToken",
    "Amount",
    "DetailType",
    "SalesItemLineDetail",
    "LinkedTxn",
    "JournalEntryLineDetail",
    "PostingType",
    "Qty",
    "UnitPrice",
    "ItemRef",
    "value",
    "TxnId",
    "TxnType",
    "Type",
]
ENTITIES = [
    "customer",
    "invoice",
    "payment",
    "journalentry",
    "purchase",
    "deposit",
    "account",
    "item",
    "creditmemo",
    "vendor",
    "term",
]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.sampled_from(["", "1", "x", "2026-01-01"])
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(FIELDS), inner, max_size=4)
    ),
    max_leaves=12,
)
bodies = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6)


def unthrottled(qbo: Qbo) -> None:
    """Many examples share one company; keep the per-minute limit out of the way."""
    if not getattr(qbo, "unthrottled", False):
        qbo.patch(limits={"per_window": 10**9})
        qbo.unthrottled = True  # type: ignore[attr-defined]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    entity=st.sampled_from(ENTITIES),
    body=bodies,
    operation=st.sampled_from([None, "update", "delete", "void"]),
)
def test_random_bodies_get_qbo_answers(
    qbo: Qbo, entity: str, body: dict[str, Any], operation: str | None
) -> None:
    unthrottled(qbo)
    params = {"operation": operation} if operation else {}
    r = qbo.post(entity, body, **params)
    assert r.status_code in (200, 400), r.text
    if r.status_code == 400:
        error = r.json()["Fault"]["Error"][0]
        assert error["code"].isdigit() and int(error["code"]) < 10000


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(
        alphabet=st.sampled_from(list("SELECT*FROMInvoiceWHERE=<>'(),% 0123AND")), max_size=40
    )
)
def test_random_queries_parse_or_fault(qbo: Qbo, text: str) -> None:
    unthrottled(qbo)
    r = qbo.query("SELECT * FROM Invoice WHERE " + text)
    assert r.status_code in (200, 400), r.text
    if r.status_code == 400:
        assert r.json()["Fault"]["Error"][0]["code"] in ("4000", "4001", "2020")
