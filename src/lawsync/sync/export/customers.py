"""Contacts → customers: only clients with an exported bill; never a silent duplicate."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from lawsync.practice.models import Bill, BillState, Contact
from lawsync.quickbooks import Customer, Entity, sql
from lawsync.sync import mapping, preflight
from lawsync.sync.export.base import Job, PassContext, Plan, Problem
from lawsync.sync.export.base_queries import dirty_ids
from lawsync.sync.links import CREATING, links_for
from lawsync.sync.models import NameClashPolicy, SyncFailure

KIND = "contact"


def exportable_bill(ctx: PassContext) -> list[Any]:
    clause: list[Any] = [Bill.state.in_((BillState.approved, BillState.paid))]
    if ctx.settings.export_start_date is not None:
        clause.append(Bill.issue_date >= ctx.settings.export_start_date)
    return clause


def candidates(ctx: PassContext, session: Session, after_id: int) -> list[int]:
    if not ctx.settings.export_bills:
        return []
    billed = exists().where(Bill.client_id == Contact.id, *exportable_bill(ctx))
    return dirty_ids(
        session, Contact, KIND, ctx.connection_id, wanted_new=billed, after_id=after_id
    )


async def customer_index(ctx: PassContext) -> dict[str, Entity]:
    """Every customer of the company (inactive too), by lower-cased display name."""
    if ctx.customers_by_name is None:
        rows = await ctx.qb.query(ctx.realm, Customer, "Active IN (true, false)")
        ctx.requests += 1 + len(rows) // 1000
        ctx.customers_by_name = {str(getattr(r, "DisplayName", "") or "").lower(): r for r in rows}
    return ctx.customers_by_name


def _field(entity: Entity, name: str) -> str:
    value = getattr(entity, name, None)
    if value is None and entity.model_extra:
        value = entity.model_extra.get(name)
    if isinstance(value, dict):
        value = value.get("Address")
    return str(value or "").strip().lower()


def same_client(existing: Entity, payload: dict[str, object]) -> bool:
    """The firm's duplicate rule: same first name, last name and email (or company and email)."""
    email = str((payload.get("PrimaryEmailAddr") or {}).get("Address", "")).lower()  # type: ignore[attr-defined]
    if email != _field(existing, "PrimaryEmailAddr"):
        return False
    if "CompanyName" in payload:
        return str(payload["CompanyName"]).lower() == _field(existing, "CompanyName")
    return str(payload.get("GivenName", "")).lower() == _field(existing, "GivenName") and str(
        payload.get("FamilyName", "")
    ).lower() == _field(existing, "FamilyName")


async def plan(ctx: PassContext, session: Session, ids: list[int]) -> Plan:
    out = Plan()
    contacts = session.execute(select(Contact).where(Contact.id.in_(ids))).scalars().all()
    links = links_for(session, ctx.connection_id, KIND, ids)
    clashes = set(
        session.execute(
            select(SyncFailure.local_id).where(
                SyncFailure.connection_id == ctx.connection_id,
                SyncFailure.kind == KIND,
                SyncFailure.local_id.in_(ids),
                SyncFailure.resolved_at.is_(None),
                SyncFailure.code == "6240",
            )
        ).scalars()
    )
    currency = _billing_currencies(ctx, session, ids)
    for contact in contacts:
        rev = contact.revision
        problems = preflight.check_contact(contact)
        if problems:
            p = problems[0]
            out.fail(
                KIND,
                contact.id,
                rev,
                Problem(p.code, "; ".join(x.message for x in problems), p.element),
            )
            continue
        link = links.get(contact.id)
        suffix = (
            f" ({contact.id})"
            if (contact.id in clashes and ctx.settings.name_clash == NameClashPolicy.suffix)
            else ""
        )
        payload = mapping.customer(contact, suffix=suffix)
        if link is not None and link.qbo_id and link.status != CREATING:
            out.jobs.append(
                Job(
                    KIND,
                    contact.id,
                    rev,
                    "update",
                    Customer.model_validate(
                        {**payload, "Id": link.qbo_id, "SyncToken": link.sync_token, "sparse": True}
                    ),
                )
            )
            continue
        index = await customer_index(ctx)
        existing = index.get(str(payload["DisplayName"]).lower())
        if existing is not None:
            mine = _field(existing, "Notes") == mapping.marker(KIND, contact.id)
            if (
                mine
                or same_client(existing, payload)
                or (ctx.settings.name_clash == NameClashPolicy.link)
            ):
                if getattr(existing, "Active", None) is False:
                    if not ctx.settings.reactivate_archived_customers:
                        out.fail(
                            KIND,
                            contact.id,
                            rev,
                            Problem(
                                "6250",
                                f"The customer {payload['DisplayName']!r} is inactive.",
                                "DisplayName",
                            ),
                        )
                        continue
                    out.jobs.append(
                        Job(
                            KIND,
                            contact.id,
                            rev,
                            "update",
                            Customer.model_validate(
                                {
                                    **payload,
                                    "Id": existing.Id,
                                    "SyncToken": existing.SyncToken,
                                    "Active": True,
                                    "sparse": True,
                                }
                            ),
                        )
                    )
                    continue
                out.adopt.append((KIND, contact.id, rev, existing))
                continue
            if ctx.settings.name_clash != NameClashPolicy.suffix:
                out.fail(
                    KIND,
                    contact.id,
                    rev,
                    Problem(
                        "6240",
                        f"Another customer is already named {payload['DisplayName']!r}.",
                        "DisplayName",
                    ),
                )
                continue
            payload = mapping.customer(contact, suffix=f" ({contact.id})")
        if contact.id in currency:  # fixed for good when the customer is made
            payload["CurrencyRef"] = {"value": currency[contact.id]}
        out.jobs.append(
            Job(
                KIND,
                contact.id,
                rev,
                "create",
                Customer.model_validate(payload),
                find=_finder(str(payload["DisplayName"]), contact.id),
            )
        )
    return out


def _billing_currencies(ctx: PassContext, session: Session, ids: list[int]) -> dict[int, str]:
    """For a company keeping several currencies: the currency of each client's first exported
    bill, where it is not the company's own. A customer's currency is set when it is made and
    never changes, and its invoices must be in it."""
    if not ctx.multicurrency:
        return {}
    first: dict[int, str] = {}
    rows = session.execute(
        select(Bill.client_id, Bill.currency)
        .where(Bill.client_id.in_(ids), *exportable_bill(ctx))
        .order_by(Bill.issue_date, Bill.id)
    )
    for client_id, code in rows:
        first.setdefault(client_id, code)
    return {k: v for k, v in first.items() if v != ctx.home_currency}


def _finder(name: str, contact_id: int):  # type: ignore[no-untyped-def]
    async def find(ctx: PassContext) -> Entity | None:
        rows = await ctx.qb.query(ctx.realm, Customer, sql("DisplayName = ?", name))
        ctx.requests += 1
        marker = mapping.marker(KIND, contact_id)
        return next((r for r in rows if _field(r, "Notes") == marker), None)

    return find
