"""A trust account's reconciliation with QuickBooks: both sides, per client, differences marked."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from lawsync.money import format_money
from lawsync.sync import trust_reconciliation
from lawsync.web.api.deps import ActorDep, LedgerDep, PathId

router = APIRouter(tags=["QuickBooks sync"])


def serialize(r: trust_reconciliation.Reconciliation) -> dict[str, Any]:
    return {
        "account_id": r.account_id,
        "account_name": r.account_name,
        "currency": r.currency,
        "balanced": r.balanced,
        "ledger_balance": format_money(r.ledger_balance),
        "quickbooks": {
            "realm_id": r.realm_id,
            "bank_account": r.bank_account,
            "bank_balance": format_money(r.bank_balance),
            "liability_account": r.liability_account,
            "liability_balance": format_money(r.liability_balance),
        },
        "clients": [
            {
                "client_id": c.client_id,
                "name": c.name,
                "ledger": format_money(c.ledger),
                "quickbooks": format_money(c.quickbooks),
                "difference": format_money(c.difference),
            }
            for c in r.clients
        ],
    }


@router.get("/client-funds-accounts/{account_id}/reconciliation")
async def reconciliation(
    request: Request, ledger: LedgerDep, actor: ActorDep, account_id: PathId
) -> dict[str, Any]:
    """The account's balance in the ledger beside its bank and liability balances in
    QuickBooks, and each client's ledger balance beside their liability postings there."""
    found = await trust_reconciliation.reconcile_now(
        ledger, actor, account_id, request.app.state.settings
    )
    return serialize(found)
