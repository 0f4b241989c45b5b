"""Query paging and quoting, batch with per-item faults, and change data capture."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from lawsync.quickbooks import (
    BatchOperation,
    BatchResult,
    Customer,
    DuplicateError,
    Invoice,
    QuickBooks,
    StaleObjectError,
    sql,
)

from .conftest import Company, run


def test_query_pages_through_every_row_in_id_order(company: Company) -> None:
    async def scenario() -> None:
        async with company.client() as qb:
            ops = [BatchOperation.create(Customer(DisplayName=f"Paged {i:02d}")) for i in range(25)]
            assert all(r.ok for r in await qb.batch(company.realm, ops))
            rows = await qb.query(
                company.realm, Customer, sql("DisplayName LIKE ?", "Paged%"), page_size=7
            )
            assert len(rows) == 25
            ids = [int(r.Id or 0) for r in rows]
            assert ids == sorted(ids) and len(set(ids)) == 25
            assert (
                await qb.count(company.realm, Customer, sql("DisplayName LIKE ?", "Paged%")) == 25
            )

    run(scenario())
    pages = [e for e in company.events if e.path == "query"]
    assert len(pages) == 5  # 7+7+7+4 rows, then the count


@pytest.mark.parametrize(
    "name", ["O'Brien & Sons", "Back\\slash \\' trick", "Quote'; DROP", "100% sure"]
)
def test_query_literals_are_quoted_safely(company: Company, name: str) -> None:
    async def scenario() -> None:
        async with company.client() as qb:
            made = await qb.create(company.realm, Customer(DisplayName=name))
            await qb.create(company.realm, Customer(DisplayName=name + " other"))
            found = await qb.query(company.realm, Customer, sql("DisplayName = ?", name))
            assert [c.Id for c in found] == [made.Id]

    run(scenario())


def test_batch_returns_each_items_result_or_fault(company: Company) -> None:
    async def scenario() -> None:
        async with company.client() as qb:
            existing = await qb.create(company.realm, Customer(DisplayName="Batch Existing"))
            stale = Customer.model_validate({"Id": existing.Id, "SyncToken": "7", "Notes": "x"})
            results = await qb.batch(
                company.realm,
                [
                    BatchOperation.create(Customer(DisplayName="Batch New")),
                    BatchOperation.create(Customer(DisplayName="Batch Existing")),
                    BatchOperation.update(stale, sparse=True),
                    BatchOperation.query("SELECT * FROM Customer WHERE DisplayName LIKE 'Batch%'"),
                ],
            )
            assert [r.bid for r in results] == ["1", "2", "3", "4"]
            assert results[0].ok and isinstance(results[0].entity, Customer)
            assert isinstance(results[1].error, DuplicateError) and results[1].error.code == "6240"
            assert isinstance(results[2].error, StaleObjectError)
            assert {r.DisplayName for r in results[3].rows if isinstance(r, Customer)} >= {
                "Batch Existing"
            }
            with pytest.raises(ValueError):
                await qb.batch(company.realm, [BatchOperation.query("SELECT * FROM Item")] * 31)

    run(scenario())


def test_a_fault_from_a_batched_write_carries_the_batch_answers_intuit_tid(
    company: Company,
) -> None:
    async def scenario() -> list[BatchResult]:
        async with company.client() as qb:
            await qb.create(company.realm, Customer(DisplayName="Tid Existing"))
            return await qb.batch(
                company.realm,
                [
                    BatchOperation.create(Customer(DisplayName="Tid Existing")),
                    BatchOperation.create(Customer(DisplayName="Tid Existing")),
                ],
            )

    results = run(scenario())
    (batch_call,) = [e for e in company.events if e.path == "batch"]
    assert batch_call.intuit_tid  # the header of the batch's own answer
    for result in results:
        assert isinstance(result.error, DuplicateError)
        assert result.error.intuit_tid == batch_call.intuit_tid
        assert f"intuit_tid={batch_call.intuit_tid}" in str(result.error)


def test_written_objects_carry_the_intuit_tid_of_the_answer_that_gave_them(
    company: Company,
) -> None:
    async def scenario() -> tuple[Customer, list[BatchResult], Customer]:
        async with company.client() as qb:
            made = await qb.create(company.realm, Customer(DisplayName="Tid Single"))
            batched = await qb.batch(
                company.realm, [BatchOperation.create(Customer(DisplayName="Tid Batched"))]
            )
            return made, batched, Customer(DisplayName="Made here")

    made, (batched,), local = run(scenario())
    single_call = next(e for e in company.events if e.path == "customer" and e.method == "POST")
    (batch_call,) = [e for e in company.events if e.path == "batch"]
    assert made.intuit_tid and made.intuit_tid == single_call.intuit_tid
    assert batched.entity is not None and batched.entity.intuit_tid == batch_call.intuit_tid
    assert local.intuit_tid is None


def test_cdc_reports_changes_and_deletions(company: Company) -> None:
    async def scenario() -> None:
        async with company.client() as qb:
            since = datetime.now(UTC) - timedelta(seconds=5)
            customer = await qb.create(company.realm, Customer(DisplayName="CDC Client"))
            invoice = await qb.create(
                company.realm,
                Invoice.model_validate(
                    {
                        "CustomerRef": {"value": customer.Id},
                        "Line": [
                            {
                                "Amount": Decimal("5.00"),
                                "DetailType": "SalesItemLineDetail",
                                "SalesItemLineDetail": {"ItemRef": {"value": "2"}},
                            }
                        ],
                    }
                ),
            )
            await qb.delete(company.realm, invoice)
            changes = await qb.cdc(company.realm, [Customer, Invoice], since)
            assert [c.Id for c in changes["Customer"]] == [customer.Id]
            deleted = changes["Invoice"]
            assert [i.Id for i in deleted] == [invoice.Id]
            assert deleted[0].model_extra and deleted[0].model_extra.get("status") == "Deleted"
            with pytest.raises(ValueError):
                await qb.cdc(company.realm, [Customer], datetime.now())

    run(scenario())


def test_the_sync_facade_runs_the_same_client(company: Company) -> None:
    with QuickBooks(company.sandbox.config(), company.store) as qb:
        made = qb.create(company.realm, Customer(DisplayName="Blocking Caller"))
        assert made.Id
        assert qb.read(company.realm, Customer, made.Id).DisplayName == "Blocking Caller"
        assert qb.query(company.realm, Customer, sql("Id = ?", made.Id))[0].Id == made.Id
        assert qb.company_info(company.realm).CompanyName
        prefs = qb.preferences(company.realm)
        assert qb.update_preferences(company.realm, prefs).SyncToken != prefs.SyncToken
        assert "QueryResponse" in qb.request(
            company.realm, "GET", "query", params={"query": "SELECT * FROM Item"}
        )
