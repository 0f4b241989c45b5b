"""Contacts → customers: clients with an exported bill (or, with hard costs imported, with an
open matter); never a silent duplicate.

Before a client's customer is made, the company's customers are searched by name. One that is
the client's own (our marker, or the same name and email) is linked instead; another customer
with the name is a clash, handled by the firm's policy (refuse, link, or add a suffix).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session

from lawsync.practice.models import (
    Bill,
    ClientFundsAccount,
    ClientFundsTransaction,
    Contact,
    Matter,
    MatterStatus,
)
from lawsync.quickbooks import Customer, Entity, sql
from lawsync.sync import mapping, preflight
from lawsync.sync.context import PassContext
from lawsync.sync.export.candidates import exportable_bill
from lawsync.sync.export.client_funds import clients_with_funds
from lawsync.sync.export.skeleton import (
    Adopt,
    Chunk,
    Decision,
    Exporter,
    Lookup,
    Send,
    field_text,
)
from lawsync.sync.imports.contact_codes import IMPORT_CODES
from lawsync.sync.kinds import Kind, marker
from lawsync.sync.models import NameClashPolicy, SyncFailure, SyncLink
from lawsync.sync.problems import Problem, combined

NAME_TAKEN = "6240"  # another customer (supplier, employee) has the name
INACTIVE = "6250"


@dataclass
class ContactChunk(Chunk[Contact]):
    clashed: set[int]  # contacts whose last attempt met a name clash
    currency: dict[int, str]  # a customer's currency, where not the company's own


class Customers(Exporter[ContactChunk]):
    kind = Kind.CONTACT
    entity = Customer
    model = Contact

    def enabled(self, ctx: PassContext) -> bool:
        s = ctx.settings
        return bool(s.export_bills or s.export_client_funds or s.import_hard_costs)

    def wanted(self, ctx: PassContext) -> ColumnElement[bool]:
        """Clients with an exported bill, or with exported client funds transactions; with hard
        costs imported, also every contact with an open matter, so a cost can name it."""
        return or_(
            Contact.id.in_(select(Bill.client_id).where(*exportable_bill(ctx))),
            clients_with_funds(ctx),
            *([with_open_matter()] if ctx.settings.import_hard_costs else []),
        )

    def pending(self, ctx: PassContext) -> Select[Any] | None:
        """As every kind's, less the contacts an edit from QuickBooks holds (a conflict, a
        taken email, a refused value): sending them would overwrite that edit."""
        ids = super().pending(ctx)
        if ids is None:
            return None
        held = select(SyncFailure.local_id).where(
            SyncFailure.connection_id == ctx.connection_id,
            SyncFailure.kind == self.kind,
            SyncFailure.resolved_at.is_(None),
            SyncFailure.code.in_(IMPORT_CODES),
        )
        return ids.where(Contact.id.not_in(held))

    async def prepare(self, ctx: PassContext) -> None:
        await customer_index(ctx)

    def load(self, ctx: PassContext, session: Session, ids: list[int]) -> ContactChunk:
        records = self.records(session, ids)
        clashed = session.execute(
            select(SyncFailure.local_id).where(
                SyncFailure.connection_id == ctx.connection_id,
                SyncFailure.kind == self.kind,
                SyncFailure.local_id.in_(ids),
                SyncFailure.resolved_at.is_(None),
                SyncFailure.code == NAME_TAKEN,
            )
        )
        return ContactChunk(records, set(clashed.scalars()), _billing_currencies(ctx, session, ids))

    def decide(
        self, ctx: PassContext, chunk: ContactChunk, record: Any, copy: SyncLink | None
    ) -> Decision:
        problems = preflight.check_contact(record)
        if problems:
            return combined(problems)
        suffixed = ctx.settings.name_clash == NameClashPolicy.suffix
        payload = mapping.customer(
            record, suffix=_suffix(record) if record.id in chunk.clashed and suffixed else ""
        )
        if copy is not None:
            return Send(payload)
        existing = (ctx.customers_by_name or {}).get(str(payload["DisplayName"]).lower())
        if existing is not None:
            if _ours(ctx, record, existing, payload):
                return _link(ctx, existing, payload)
            if not suffixed:
                return Problem(
                    NAME_TAKEN,
                    f"Another customer is already named {payload['DisplayName']!r}.",
                    "DisplayName",
                )
            payload = mapping.customer(record, suffix=_suffix(record))
        if record.id in chunk.currency:  # fixed for good when the customer is made
            payload["CurrencyRef"] = {"value": chunk.currency[record.id]}
        name = str(payload["DisplayName"])
        return Send(
            payload,
            find=Lookup(sql("DisplayName = ?", name), marker(self.kind, record.id), "Notes"),
        )


def with_open_matter() -> ColumnElement[bool]:
    return Contact.id.in_(select(Matter.client_id).where(Matter.status == MatterStatus.open))


def _suffix(contact: Contact) -> str:
    return f" ({contact.id})"


def _ours(ctx: PassContext, contact: Contact, existing: Entity, payload: dict[str, Any]) -> bool:
    """A customer with the client's name is its own: our marker, the same client by the firm's
    duplicate rule, or any one with the name when the policy says link."""
    if field_text(existing, "Notes") == marker(Kind.CONTACT, contact.id):
        return True
    return same_client(existing, payload) or ctx.settings.name_clash == NameClashPolicy.link


def _link(ctx: PassContext, existing: Entity, payload: dict[str, Any]) -> Decision:
    """Link the client's own customer; an inactive one is made active first, if allowed."""
    if getattr(existing, "Active", None) is not False:
        return Adopt(existing)
    if not ctx.settings.reactivate_archived_customers:
        return Problem(
            INACTIVE, f"The customer {payload['DisplayName']!r} is inactive.", "DisplayName"
        )
    return Send({**payload, "Active": True}, onto=existing)


async def customer_index(ctx: PassContext) -> dict[str, Entity]:
    """Every customer of the company (inactive too), by lower-cased display name."""
    if ctx.customers_by_name is None:
        rows = await ctx.qb.query(ctx.realm, Customer, "Active IN (true, false)")
        ctx.customers_by_name = {str(getattr(r, "DisplayName", "") or "").lower(): r for r in rows}
    return ctx.customers_by_name


def same_client(existing: Entity, payload: dict[str, object]) -> bool:
    """The firm's duplicate rule: same first name, last name and email (or company and email)."""
    email = str((payload.get("PrimaryEmailAddr") or {}).get("Address", "")).lower()  # type: ignore[attr-defined]
    if email != field_text(existing, "PrimaryEmailAddr"):
        return False
    if "CompanyName" in payload:
        return str(payload["CompanyName"]).lower() == field_text(existing, "CompanyName")
    return str(payload.get("GivenName", "")).lower() == field_text(existing, "GivenName") and str(
        payload.get("FamilyName", "")
    ).lower() == field_text(existing, "FamilyName")


def _billing_currencies(ctx: PassContext, session: Session, ids: list[int]) -> dict[int, str]:
    """For a company keeping several currencies: the currency of each client's first exported
    bill (or, with no bill, of the trust account of their first trust movement), where it is
    not the company's own. A customer's currency is set when it is made and never changes,
    and its invoices and the journal lines naming it must be in it."""
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
    if ctx.settings.export_client_funds:
        t = ClientFundsTransaction
        held = session.execute(
            select(t.client_id, ClientFundsAccount.currency)
            .join(ClientFundsAccount, ClientFundsAccount.id == t.account_id)
            .where(t.client_id.in_(ids))
            .order_by(t.date, t.id)
        )
        for client_id, code in held:
            first.setdefault(client_id, code)
    return {k: v for k, v in first.items() if v != ctx.home_currency}
