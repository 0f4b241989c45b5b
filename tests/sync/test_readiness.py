"""The readiness check against a sandbox company: each check finds what it says, and its fix."""

from __future__ import annotations

from lawsync.quickbooks import Invoice
from lawsync.sync import company_lists, readiness
from tests import builders
from tests.sync.engine_support import Connected


def _checks(connected: Connected) -> dict[str, readiness.Check]:
    async def run(qb: object, realm: str) -> object:
        items = [company_lists.CompanyItem(i, f"item {i}", True) for i in connected.items]
        return await readiness.readiness(connected.firm.ledger, connected.firm.id, qb, items)  # type: ignore[arg-type]

    found = connected.call(run)
    assert isinstance(found, list)
    return {c.title: c for c in found}


def test_a_ready_company_passes_every_check(connected: Connected) -> None:
    connected.company.patch(custom_txn_numbers=True)
    checks = _checks(connected)
    assert all(c.ok is not False for c in checks.values()), checks
    assert checks["Duplicate-number warning"].ok is None  # information only


def test_each_problem_is_found_with_its_fix(connected: Connected) -> None:
    connected.company.patch(custom_txn_numbers=False)
    builders.billed_client(connected.firm)
    connected.run()  # invoice 1 exists now; the next bill is number 2
    customer = connected.customers()[0].Id
    line = {
        "Amount": "5.00",
        "DetailType": "SalesItemLineDetail",
        "SalesItemLineDetail": {"ItemRef": {"value": connected.items[0]}},
    }
    connected.call(
        lambda qb, realm: qb.create(
            realm,
            Invoice.model_validate(
                {"DocNumber": "40", "CustomerRef": {"value": customer}, "Line": [line]}
            ),
        )
    )
    checks = _checks(connected)
    numbers = checks["Invoice numbers"]
    assert numbers.ok is False and "Custom transaction numbers" in numbers.fix
    clash = checks["Numbering"]
    assert clash.ok is False and "invoice 40" in clash.found and "prefix" in clash.fix
    connected.settings(bill_prefix="LS-")
    assert _checks(connected)["Numbering"].ok is True


def test_a_mapping_to_an_inactive_product_is_flagged(connected: Connected) -> None:
    async def run(qb: object, realm: str) -> object:
        items = [company_lists.CompanyItem(connected.items[0], "Old service", False)]
        return await readiness.readiness(connected.firm.ledger, connected.firm.id, qb, items)  # type: ignore[arg-type]

    found = connected.call(run)
    assert isinstance(found, list)
    mappings = next(c for c in found if c.title == "Products and services")
    assert mappings.ok is False and "inactive" in mappings.found
