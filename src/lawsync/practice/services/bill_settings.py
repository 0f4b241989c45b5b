"""The firm's bill settings: taxes, hard and soft costs, numbering and terms."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawsync.practice.billing import TaxRule
from lawsync.practice.commands import BillSettingsUpdate
from lawsync.practice.models import BillSettings
from lawsync.practice.services.context import Actor, Ledger, audit, diff, snapshot

FIELDS = tuple(BillSettingsUpdate.model_fields)


def load(session: Session) -> BillSettings:
    return session.execute(select(BillSettings)).scalar_one()


def tax_rules(settings: BillSettings) -> tuple[TaxRule, TaxRule]:
    return (
        TaxRule(
            settings.primary_tax_name,
            settings.primary_tax_rate,
            settings.primary_tax_on_time,
            settings.primary_tax_on_expenses,
        ),
        TaxRule(
            settings.secondary_tax_name,
            settings.secondary_tax_rate,
            settings.secondary_tax_on_time,
            settings.secondary_tax_on_expenses,
        ),
    )


def get_bill_settings(ledger: Ledger, actor: Actor) -> BillSettings:
    with ledger.uow(actor) as uow:
        return load(uow.session)


def update_bill_settings(ledger: Ledger, actor: Actor, cmd: BillSettingsUpdate) -> BillSettings:
    actor.require_admin("change bill settings")
    with ledger.uow(actor) as uow:
        settings = load(uow.session)
        before = snapshot(settings, FIELDS)
        for key, value in cmd.model_dump(exclude_none=True).items():
            setattr(settings, key, value)
        uow.flush()
        audit(
            uow.session,
            actor,
            "bill_settings",
            settings.id,
            "update",
            diff(before, snapshot(settings, FIELDS)),
        )
        uow.commit()
        return settings


TaxSlot = Literal["primary", "secondary"]


def adopt_tax_rates(
    session: Session, actor: Actor, rates: Mapping[TaxSlot, tuple[str, Decimal]], reason: str
) -> bool:
    """Take these names and rates for the firm's taxes (bills made from now on use them), in
    the caller's transaction, audited with ``reason``. True if anything changed."""
    settings = load(session)
    changes: dict[str, object] = {}
    for slot, (name, rate) in rates.items():
        current = getattr(settings, f"{slot}_tax_rate")
        if current != rate:
            changes[f"{slot}_tax_rate"] = [str(current), str(rate)]
            setattr(settings, f"{slot}_tax_rate", rate)
            setattr(settings, f"{slot}_tax_name", name[:60])
    if changes:
        audit(session, actor, "bill_settings", settings.id, "company_tax_rates", changes, reason)
    return bool(changes)
