"""Batch requests and change data capture."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.sandbox.sandbox_support import Qbo, fault


def test_batch_items_succeed_or_fail_independently(qbo: Qbo) -> None:
    c = qbo.customer()
    r = qbo.post(
        "batch",
        {
            "BatchItemRequest": [
                {"bId": "1", "operation": "create", "Customer": {"DisplayName": "Batch One"}},
                {
                    "bId": "2",
                    "operation": "update",
                    "Customer": {"Id": c["Id"], "SyncToken": "7", "sparse": True},
                },
                {"bId": "3", "Query": "SELECT * FROM Customer WHERE DisplayName = 'Batch One'"},
                {"bId": "4", "operation": "delete", "Invoice": {"Id": "424242", "SyncToken": "0"}},
            ]
        },
    )
    assert r.status_code == 200
    items = {i["bId"]: i for i in r.json()["BatchItemResponse"]}
    assert items["1"]["Customer"]["DisplayName"] == "Batch One"
    assert items["2"]["Fault"]["Error"][0]["code"] == "5010"
    assert items["2"]["Fault"]["type"] == "ValidationFault"
    assert len(items["3"]["QueryResponse"]["Customer"]) == 1  # items run in order
    assert items["4"]["Fault"]["Error"][0]["code"] == "610"


def test_1040_batch_over_30_items(qbo: Qbo) -> None:
    items = [
        {"bId": str(n), "operation": "create", "Customer": {"DisplayName": f"B{n}"}}
        for n in range(31)
    ]
    fault(qbo.post("batch", {"BatchItemRequest": items}), 400, "1040", "BatchItemRequest")


def test_batch_with_requestid_replays(qbo: Qbo) -> None:
    body = {
        "BatchItemRequest": [{"bId": "a", "operation": "create", "Customer": {"DisplayName": "RB"}}]
    }
    first = qbo.post("batch", body, requestid="batch-rid")
    second = qbo.post("batch", body, requestid="batch-rid")
    assert first.content == second.content
    assert len(qbo.rows("SELECT * FROM Customer WHERE DisplayName = 'RB'")) == 1


def test_cdc_returns_changes_and_deletes(qbo: Qbo) -> None:
    since = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    c = qbo.customer("CDC Client")
    inv = qbo.invoice(c["Id"])
    qbo.post("invoice", {"Id": inv["Id"], "SyncToken": inv["SyncToken"]}, operation="delete")
    r = qbo.get("/cdc", entities="Customer,Invoice,Payment", changedSince=since)
    assert r.status_code == 200, r.text
    responses = r.json()["CDCResponse"][0]["QueryResponse"]
    customers = responses[0]["Customer"]
    assert any(x["DisplayName"] == "CDC Client" for x in customers)
    invoices = responses[1]["Invoice"]
    assert invoices == [
        {"Id": inv["Id"], "status": "Deleted", "domain": "QBO", "MetaData": invoices[0]["MetaData"]}
    ]
    assert responses[2] == {}


def test_cdc_answers_a_changed_since_older_than_30_days(qbo: Qbo) -> None:
    """Documented as a 30-day window, yet recorded traffic shows QBO answering an older
    changedSince with everything changed since then; the sandbox follows the recording."""
    customer = qbo.customer("Old Change")
    since = (datetime.now(UTC) - timedelta(days=400)).isoformat()
    r = qbo.get("/cdc", entities="Customer", changedSince=since)
    assert r.status_code == 200, r.text
    rows = r.json()["CDCResponse"][0]["QueryResponse"][0]["Customer"]
    assert customer["Id"] in {row["Id"] for row in rows}


def test_a_company_keeping_the_documented_window_refuses_an_older_changed_since(qbo: Qbo) -> None:
    qbo.customer("Recent Change")
    assert qbo.patch(cdc_window_days=30)["cdc_window_days"] == 30
    old = (datetime.now(UTC) - timedelta(days=31)).isoformat()
    r = qbo.get("/cdc", entities="Customer", changedSince=old)
    assert r.status_code == 400, r.text
    (error,) = r.json()["Fault"]["Error"]
    assert (error["code"], error["element"]) == ("2190", "changedSince")
    recent = (datetime.now(UTC) - timedelta(days=29)).isoformat()
    assert qbo.get("/cdc", entities="Customer", changedSince=recent).status_code == 200


def test_cdc_caps_at_1000_objects(qbo: Qbo) -> None:
    since = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    for chunk in range(34):
        items = [
            {"bId": str(n), "operation": "create", "Customer": {"DisplayName": f"Bulk {chunk}-{n}"}}
            for n in range(30)
        ]
        assert qbo.post("batch", {"BatchItemRequest": items}).status_code == 200
    r = qbo.get("/cdc", entities="Customer", changedSince=since)
    assert len(r.json()["CDCResponse"][0]["QueryResponse"][0]["Customer"]) == 1000


def test_batch_replay_needs_the_same_bids(qbo: Qbo) -> None:
    first = {
        "BatchItemRequest": [
            {"bId": "a", "operation": "create", "Customer": {"DisplayName": "BR1"}}
        ]
    }
    other = {
        "BatchItemRequest": [
            {"bId": "b", "operation": "create", "Customer": {"DisplayName": "BR2"}}
        ]
    }
    assert qbo.post("batch", first, requestid="same-rid").status_code == 200
    second = qbo.post("batch", other, requestid="same-rid")
    assert second.json()["BatchItemResponse"][0]["Customer"]["DisplayName"] == "BR2"
