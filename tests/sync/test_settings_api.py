"""Sync settings and the failure table through the JSON API."""

from __future__ import annotations

from lawsync.sync import failures
from lawsync.sync.models import QuickBooksConnection
from tests import builders
from tests.conftest import Firm


def _connect(firm: Firm, country: str = "US", edition: str = "plus") -> int:
    """Stand-in for the OAuth connect flow: an active connection row for the firm."""
    with firm.ledger.uow(firm.actor) as uow:
        row = QuickBooksConnection(
            firm_id=firm.id, realm_id="9130", edition=edition, country=country
        )
        uow.session.add(row)
        uow.commit()
        return row.id


def test_settings_start_off_and_save(firm: Firm) -> None:
    got = firm.get("/quickbooks/settings")
    assert (got["export_bills"], got["bill_prefix"], got["tax_option"]) == (
        False,
        "",
        "separate_lines",
    )
    saved = firm.put(
        "/quickbooks/settings",
        {
            "export_bills": True,
            "bill_prefix": "LS-",
            "export_start_date": "2026-01-01",
            "tax_option": "aggregated",
        },
    )
    assert (saved["export_bills"], saved["bill_prefix"], saved["tax_option"]) == (
        True,
        "LS-",
        "aggregated",
    )
    assert firm.get("/quickbooks/settings")["export_start_date"] == "2026-01-01"
    assert got["fast_catch_up"] is False
    assert firm.put("/quickbooks/settings", {"fast_catch_up": True})["fast_catch_up"] is True
    assert firm.get("/quickbooks/settings")["fast_catch_up"] is True
    r = firm.api.put("/quickbooks/settings", json={"fast_catch_up": "sometimes"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "fast_catch_up"
    assert firm.get("/quickbooks/settings")["fast_catch_up"] is True


def test_a_prefix_that_would_overflow_document_numbers_is_refused(firm: Firm) -> None:
    firm.put("/bill-settings", {"next_bill_number": 123456})
    r = firm.api.put("/quickbooks/settings", json={"bill_prefix": "FIRM-2026-INV-XY"})
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "bill_prefix"
    assert "21" in r.json()["error"]["message"]
    r = firm.api.put("/quickbooks/settings", json={"bill_prefix": "bad:prefix"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "bill_prefix"
    assert firm.get("/quickbooks/settings")["bill_prefix"] == ""


def test_tax_codes_per_line_are_for_companies_outside_the_us(firm: Firm) -> None:
    _connect(firm, country="US")
    r = firm.api.put("/quickbooks/settings", json={"tax_option": "tax_codes"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "tax_codes_unavailable"


def test_tax_codes_per_line_for_a_canadian_company(firm: Firm) -> None:
    _connect(firm, country="CA")
    assert (
        firm.put("/quickbooks/settings", {"tax_option": "tax_codes"})["tax_option"] == "tax_codes"
    )


def test_timekeeper_classes_need_plus_or_advanced(firm: Firm) -> None:
    _connect(firm, edition="essentials")
    r = firm.api.put("/quickbooks/settings", json={"track_timekeepers": True})
    assert r.status_code == 422 and r.json()["error"]["code"] == "edition_lacks_classes"


def test_categories_map_to_products_once_connected(firm: Firm) -> None:
    cat = firm.post("/activity-categories", {"name": "Research"})
    r = firm.api.put("/quickbooks/settings", json={"item_mappings": {f"activity:{cat['id']}": "1"}})
    assert r.status_code == 422 and r.json()["error"]["code"] == "not_connected"
    _connect(firm)
    saved = firm.put(
        "/quickbooks/settings",
        {"item_mappings": {f"activity:{cat['id']}": "1", "expense:default": "2", "tax1": "3"}},
    )
    assert saved["item_mappings"] == {
        f"activity:{cat['id']}": "1",
        "expense:default": "2",
        "tax1": "3",
    }
    r = firm.api.put("/quickbooks/settings", json={"item_mappings": {"activity:999999": "1"}})
    assert r.status_code == 404
    r = firm.api.put("/quickbooks/settings", json={"item_mappings": {"bananas": "1"}})
    assert r.status_code == 422


def test_a_mapping_given_null_is_taken_back(firm: Firm) -> None:
    nothing = firm.put("/quickbooks/settings", {"item_mappings": {"tax1": None}})
    assert nothing["item_mappings"] == {}  # not connected, and nothing to take back: no refusal
    _connect(firm)
    firm.put("/quickbooks/settings", {"item_mappings": {"activity:default": "1", "tax1": "3"}})
    saved = firm.put("/quickbooks/settings", {"item_mappings": {"tax1": None, "interest": None}})
    assert saved["item_mappings"] == {"activity:default": "1"}
    assert firm.get("/quickbooks/settings")["item_mappings"] == {"activity:default": "1"}


def test_failures_show_cause_and_resolution_and_can_be_retried(firm: Firm) -> None:
    connection_id = _connect(firm)
    _, _, b = builders.billed_client(firm)
    with firm.ledger.uow(firm.actor) as uow:
        failures.record(
            uow.session,
            firm_id=firm.id,
            connection_id=connection_id,
            kind="bill",
            local_id=b["id"],
            revision=b["revision"],
            code="6140",
            message="Duplicate Document Number Error",
            detail="DocNumber=1 is assigned to TxnType=Credit Memo with TxnId=111",
            element="DocNumber",
        )
        failures.record(
            uow.session,
            firm_id=firm.id,
            connection_id=connection_id,
            kind="bill",
            local_id=b["id"],
            revision=b["revision"],
            code="6140",
            message="Duplicate Document Number Error",
        )
        uow.commit()
    listed = firm.get("/quickbooks/failures")["data"]
    assert len(listed) == 1 and listed[0]["attempts"] == 2
    row = listed[0]
    assert row["code"] == "6140" and row["record"] == {
        "kind": "bill",
        "id": b["id"],
        "revision": b["revision"],
    }
    assert row["cause"] and row["resolution"]
    retried = firm.post(f"/quickbooks/failures/{row['id']}/retry", None, 200)
    assert retried["retry_requested_at"] is not None
    with firm.ledger.uow(firm.actor) as uow:
        failures.clear(uow.session, connection_id, "bill", b["id"])
        uow.commit()
    assert firm.get("/quickbooks/failures")["data"] == []
    assert len(firm.get("/quickbooks/failures", include_resolved=True)["data"]) == 1
    r = firm.api.post(f"/quickbooks/failures/{row['id']}/retry")
    assert r.status_code == 409


def test_another_firms_failures_are_invisible(firm: Firm, other_firm: Firm) -> None:
    connection_id = _connect(firm)
    with firm.ledger.uow(firm.actor) as uow:
        row = failures.record(
            uow.session,
            firm_id=firm.id,
            connection_id=connection_id,
            kind="contact",
            local_id=1,
            revision=1,
            code="6240",
            message="x",
        )
        uow.commit()
    assert other_firm.get("/quickbooks/failures")["data"] == []
    other_firm.post(f"/quickbooks/failures/{row.id}/retry", None, 404)


def test_a_settings_change_retries_only_the_failures_it_may_resolve(firm: Firm) -> None:
    connection_id = _connect(firm)
    with firm.ledger.uow(firm.actor) as uow:
        for local_id, code in ((1, "6240"), (2, "6140"), (3, "2210")):
            failures.record(
                uow.session,
                firm_id=firm.id,
                connection_id=connection_id,
                kind="contact" if code != "6140" else "bill",
                local_id=local_id,
                revision=1,
                code=code,
                message="x",
            )
        uow.commit()

    def waiting() -> set[str]:
        rows = firm.get("/quickbooks/failures")["data"]
        return {r["code"] for r in rows if r["retry_requested_at"] is not None}

    firm.put("/quickbooks/settings", {"fast_catch_up": True})
    assert waiting() == set()
    firm.put("/quickbooks/settings", {"name_clash": "fail"})  # the value it had: no change
    assert waiting() == set()
    firm.put("/quickbooks/settings", {"name_clash": "link"})
    assert waiting() == {"6240"}
    firm.put("/quickbooks/settings", {"bill_prefix": "LS-"})
    assert waiting() == {"6240", "6140"}
