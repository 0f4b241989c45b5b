"""Every entity the sync uses, through the client, against the sandbox over HTTP."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lawsync.quickbooks import (
    Account,
    Class,
    CreditMemo,
    Customer,
    Deposit,
    Entity,
    Invoice,
    Item,
    JournalEntry,
    ObjectNotFoundError,
    Payment,
    PermanentError,
    Purchase,
    StaleObjectError,
    TaxCode,
    TaxRate,
    Vendor,
    sql,
)

from .conftest import Company, run


def _line(amount: str, item: str = "2") -> dict[str, object]:
    return {
        "Amount": Decimal(amount),
        "DetailType": "SalesItemLineDetail",
        "SalesItemLineDetail": {
            "ItemRef": {"value": item},
            "Qty": Decimal("2"),
            "UnitPrice": Decimal(amount) / 2,
        },
    }


def new_entities(c: Company, customer_id: str) -> list[Entity]:
    """One valid new object of each writable type, for this company's seeded accounts."""
    return [
        Account(Name="Client test expenses", AccountType="Expense"),
        Item(
            Name="Research hours",
            Type="Service",
            IncomeAccountRef={"value": c.account("ServiceFeeIncome")},
        ),
        Class(Name="Litigation"),
        Customer(DisplayName="Acme Widgets"),
        Vendor(DisplayName="Court Reporters Ltd"),
        Invoice.model_validate({"CustomerRef": {"value": customer_id}, "Line": [_line("150.50")]}),
        CreditMemo.model_validate(
            {"CustomerRef": {"value": customer_id}, "Line": [_line("20.00")]}
        ),
        Payment.model_validate(
            {"CustomerRef": {"value": customer_id}, "TotalAmt": Decimal("10.00")}
        ),
        JournalEntry.model_validate(
            {
                "Line": [
                    {
                        "Amount": Decimal("12.34"),
                        "DetailType": "JournalEntryLineDetail",
                        "JournalEntryLineDetail": {
                            "PostingType": "Debit",
                            "AccountRef": {"value": c.account("OfficeExpenses")},
                        },
                    },
                    {
                        "Amount": Decimal("12.34"),
                        "DetailType": "JournalEntryLineDetail",
                        "JournalEntryLineDetail": {
                            "PostingType": "Credit",
                            "AccountRef": {"value": c.account("Checking")},
                        },
                    },
                ]
            }
        ),
        Purchase.model_validate(
            {
                "PaymentType": "Cash",
                "AccountRef": {"value": c.account("Checking")},
                "Line": [
                    {
                        "Amount": Decimal("45.00"),
                        "DetailType": "AccountBasedExpenseLineDetail",
                        "AccountBasedExpenseLineDetail": {
                            "AccountRef": {"value": c.account("OfficeExpenses")}
                        },
                    }
                ],
            }
        ),
        Deposit.model_validate(
            {
                "DepositToAccountRef": {"value": c.account("Checking")},
                "Line": [
                    {
                        "Amount": Decimal("99.99"),
                        "DetailType": "DepositLineDetail",
                        "DepositLineDetail": {"AccountRef": {"value": c.account("InterestEarned")}},
                    }
                ],
            }
        ),
    ]


def test_create_read_full_and_sparse_update_of_every_entity(company: Company) -> None:
    company.patch(class_tracking=True)

    async def scenario() -> None:
        async with company.client() as qb:
            customer = await qb.create(company.realm, Customer(DisplayName="Holder & Co"))
            assert customer.Id
            for entity in new_entities(company, customer.Id):
                created = await qb.create(company.realm, entity)
                assert created.Id and created.SyncToken == "0", type(entity).__name__
                read = await qb.read(company.realm, type(entity), created.Id)
                assert read.model_dump() == created.model_dump()

                read.PrivateNote = "full update"  # type: ignore[attr-defined]
                full = await qb.update(company.realm, read)
                assert full.SyncToken == "1"
                assert getattr(full, "PrivateNote", None) == "full update"

                sparse = type(entity).model_validate({"Id": full.Id, "SyncToken": full.SyncToken})
                if isinstance(sparse, Customer | Vendor):
                    sparse.Notes = "sparse"
                else:
                    sparse.PrivateNote = "sparse"  # type: ignore[attr-defined]
                after = await qb.update(company.realm, sparse, sparse=True)
                assert after.SyncToken == "2"
                again = await qb.read(company.realm, type(entity), created.Id)
                assert again.model_dump() == after.model_dump()

    run(scenario())


def test_full_update_keeps_fields_the_model_does_not_know(company: Company) -> None:
    async def scenario() -> None:
        async with company.client() as qb:
            created = await qb.create(
                company.realm,
                Customer.model_validate(
                    {
                        "DisplayName": "Unknown Fields Ltd",
                        "Title": "Ms",
                        "Suffix": "QC",
                        "AlternatePhone": {"FreeFormNumber": "555-0100"},
                    }
                ),
            )
            assert created.model_extra is not None
            assert created.model_extra["AlternatePhone"] == {"FreeFormNumber": "555-0100"}
            created.CompanyName = "Renamed"
            updated = await qb.update(company.realm, created)
            assert updated.model_extra is not None
            assert updated.model_extra["Title"] == "Ms"
            assert updated.model_extra["AlternatePhone"] == {"FreeFormNumber": "555-0100"}
            assert updated.CompanyName == "Renamed"

    run(scenario())


def test_money_is_decimal_both_ways(company: Company) -> None:
    async def scenario() -> None:
        async with company.client() as qb:
            customer = await qb.create(company.realm, Customer(DisplayName="Decimal Partners"))
            assert customer.Id
            invoice = await qb.create(
                company.realm,
                Invoice.model_validate(
                    {"CustomerRef": {"value": customer.Id}, "Line": [_line("0.30"), _line("0.10")]}
                ),
            )
            assert invoice.TotalAmt == Decimal("0.40")
            assert isinstance(invoice.TotalAmt, Decimal)
            assert invoice.Line and isinstance(invoice.Line[0].Amount, Decimal)

    run(scenario())


def test_stale_sync_token_is_a_stale_object_error(company: Company) -> None:
    async def scenario() -> None:
        async with company.client() as qb:
            first = await qb.create(company.realm, Customer(DisplayName="Stale Ltd"))
            first.Notes = "one"
            await qb.update(company.realm, first)
            first.Notes = "two"
            with pytest.raises(StaleObjectError) as caught:
                await qb.update(company.realm, first)
            assert caught.value.code == "5010"
            assert isinstance(caught.value, PermanentError)
            assert caught.value.http_status == 400

    run(scenario())


def test_delete_and_void_transactions_and_deactivate_names(company: Company) -> None:
    async def scenario() -> None:
        async with company.client() as qb:
            customer = await qb.create(company.realm, Customer(DisplayName="Void Me Inc"))
            assert customer.Id
            cid = customer.Id
            invoice = await qb.create(
                company.realm,
                Invoice.model_validate({"CustomerRef": {"value": cid}, "Line": [_line("80.00")]}),
            )
            voided = await qb.void(company.realm, invoice)
            assert voided.TotalAmt == Decimal("0")
            assert "Voided" in (getattr(voided, "PrivateNote", None) or "")

            payment = await qb.create(
                company.realm,
                Payment.model_validate(
                    {"CustomerRef": {"value": cid}, "TotalAmt": Decimal("25.00")}
                ),
            )
            voided_payment = await qb.void(company.realm, payment)
            assert voided_payment.TotalAmt == Decimal("0")

            doomed = await qb.create(
                company.realm,
                Invoice.model_validate({"CustomerRef": {"value": cid}, "Line": [_line("10.00")]}),
            )
            deleted = await qb.delete(company.realm, doomed)
            assert deleted.model_extra and deleted.model_extra.get("status") == "Deleted"
            assert doomed.Id
            with pytest.raises(ObjectNotFoundError) as caught:
                await qb.read(company.realm, Invoice, doomed.Id)
            assert caught.value.code == "610"

            vendor = await qb.create(company.realm, Vendor(DisplayName="Inactive Supplies"))
            gone = await qb.delete(company.realm, vendor)
            assert gone.Active is False
            assert (
                await qb.query(company.realm, Vendor, sql("DisplayName = ?", "Inactive Supplies"))
                == []
            )

            with pytest.raises(ValueError):
                await qb.void(company.realm, customer)

    run(scenario())


def test_reference_data_company_info_and_preferences(company: Company) -> None:
    async def scenario() -> None:
        async with company.client() as qb:
            info = await qb.company_info(company.realm)
            assert info.CompanyName == company.info["name"]
            prefs = await qb.preferences(company.realm)
            assert prefs.SalesFormsPrefs is not None
            codes = await qb.query(company.realm, TaxCode)
            assert {"TAX", "NON"} <= {c.Id for c in codes}
            rates = await qb.query(company.realm, TaxRate)
            assert rates and all(
                isinstance(r.RateValue, Decimal) for r in rates if r.RateValue is not None
            )
            accounts = await qb.query(company.realm, Account, sql("AccountType = ?", "Bank"))
            assert company.account("Checking") in {a.Id for a in accounts}

    run(scenario())
