"""Edits to a linked customer made in QuickBooks, back to its lawsync contact.

Each edit is merged three ways (`sync.contact_fields`) against what both sides last agreed on
(`ContactSyncBase`): a field changed in QuickBooks only is written to the contact through the
contact service (its rules, its audit trail); a field changed in lawsync only is left for the
Customers exporter, which then sends the merged contact; a field changed on both sides to
different values is a conflict failure that shows both values until a person chooses
(`sync.contact_conflicts`). Nothing is overwritten silently either way.

Each customer is written in one transaction with its link: the link takes QuickBooks' SyncToken
(so the change coming round again is known as seen) and, when the contact had nothing else
waiting to be sent, the contact's new revision (so the exporter sends nothing back).

A customer made inactive (QuickBooks does not delete customers) never deletes or changes the
contact, and the link stays: a bookkeeper does that to a client who is done, not to erase its
history. Should lawsync bill the client again, the invoice's refusal says the customer is
inactive and how to fix it (or the firm's "reactivate archived customers" setting does).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from lawsync.errors import LawsyncError
from lawsync.practice.commands import AddressIn, ContactUpdate, EmailIn, PhoneIn
from lawsync.practice.models import Contact, ContactEmail
from lawsync.practice.services.contacts import change_contact
from lawsync.practice.services.context import Actor
from lawsync.quickbooks import Customer, Entity, sql
from lawsync.storage import utcnow
from lawsync.sync import failures, links
from lawsync.sync.contact_fields import (
    Fields,
    conflict_message,
    contact_fields,
    entity_fields,
    merge,
)
from lawsync.sync.context import QUIET, PassContext
from lawsync.sync.imports.contact_codes import (
    CONFLICT,
    EMAIL_TAKEN,
    IMPORT_CODES,
    REFUSED,
)
from lawsync.sync.imports.skeleton import Change
from lawsync.sync.kinds import Kind
from lawsync.sync.models import ContactSyncBase, SyncFailure, SyncLink

log = logging.getLogger(__name__)

PAGE = 500  # customer ids per query
UNKNOWN = "\x00"  # a base value no field can have: the field counts as changed on both sides
ADDRESS = ("street", "city", "region", "postal_code", "country")
REASON = "edited in QuickBooks"


class ContactEdits:
    """The importer of customer edits (see the module's docstring)."""

    kind = Kind.CONTACT
    entities: tuple[str, ...] = ("Customer",)

    def enabled(self, ctx: PassContext) -> bool:
        # Contacts are two-way wherever they are exported at all.
        return bool(ctx.settings.export_bills or ctx.settings.export_client_funds)

    async def pull(self, ctx: PassContext) -> int:
        """Nothing of its own to read: the change feed hands this importer its changes."""
        return 0

    async def take(self, ctx: PassContext, changes: Sequence[Change]) -> int:
        """Apply the customers' changes; also read again those whose failure asked for a Retry."""
        wanted = {c.qbo_id: c for c in changes if c.entity == "Customer"}
        again = self._retried(ctx, set(wanted))
        return await self._apply_all(ctx, list(wanted.values()), again)

    async def compare_all(self, ctx: PassContext) -> int:
        """Read every linked customer by query, a page of ids at a time, and merge each."""
        by_customer = self._linked(ctx)
        ids = sorted(by_customer)
        changes: list[Change] = []
        for start in range(0, len(ids), PAGE):
            page = ids[start : start + PAGE]
            listed = ", ".join(sql("?", i) for i in page)
            where = f"Id IN ({listed}) AND Active IN (true, false)"
            found = {str(r.Id): r for r in await ctx.qb.query(ctx.realm, Customer, where)}
            for qbo_id in page:
                row = found.get(qbo_id)
                token = str(row.SyncToken) if row is not None and row.SyncToken else None
                changes.append(Change("Customer", qbo_id, row, token, None))
        return await self._apply_all(ctx, changes)

    async def _apply_all(
        self, ctx: PassContext, changes: Sequence[Change], again: Sequence[str] = ()
    ) -> int:
        """Merge each changed customer; ``again``: customers to read as they are now (a Retry)."""
        if again:
            listed = ", ".join(sql("?", i) for i in again)
            where = f"Id IN ({listed}) AND Active IN (true, false)"
            found = {str(r.Id): r for r in await ctx.qb.query(ctx.realm, Customer, where)}
            changes = [*changes, *(Change("Customer", i, found.get(i), None, None) for i in again)]
        if not changes:
            return 0
        by_customer = self._linked(ctx, [c.qbo_id for c in changes])
        taken = 0
        for change in changes:
            contact_id = by_customer.get(change.qbo_id)
            if contact_id is not None:  # else not one of ours
                taken += apply_edit(ctx, contact_id, change.found)
        return taken

    def _linked(self, ctx: PassContext, qbo_ids: Sequence[str] | None = None) -> dict[str, int]:
        """Customer id → contact id, for the live links of this connection (these ids only)."""
        with ctx.ledger.uow(ctx.firm_id) as uow:
            stmt = select(SyncLink.qbo_id, SyncLink.local_id).where(
                SyncLink.connection_id == ctx.connection_id,
                SyncLink.kind == self.kind,
                SyncLink.qbo_id.is_not(None),
                SyncLink.status.not_in((links.CREATING, links.REMOVED)),
            )
            if qbo_ids is not None:
                stmt = stmt.where(SyncLink.qbo_id.in_(list(set(qbo_ids))))
            return {str(q): int(c) for q, c in uow.session.execute(stmt)}

    def _retried(self, ctx: PassContext, known: set[str]) -> list[str]:
        """Customers whose import failure a person asked to retry."""
        with ctx.ledger.uow(ctx.firm_id) as uow:
            rows = uow.session.execute(
                select(SyncLink.qbo_id)
                .join(
                    SyncFailure,
                    and_(
                        SyncFailure.connection_id == SyncLink.connection_id,
                        SyncFailure.kind == SyncLink.kind,
                        SyncFailure.local_id == SyncLink.local_id,
                    ),
                )
                .where(
                    SyncLink.connection_id == ctx.connection_id,
                    SyncLink.kind == self.kind,
                    SyncLink.qbo_id.is_not(None),
                    SyncFailure.resolved_at.is_(None),
                    SyncFailure.retry_requested_at.is_not(None),
                    SyncFailure.code.in_(IMPORT_CODES),
                )
            ).scalars()
            return [str(q) for q in rows if str(q) not in known]


@dataclass
class Outcome:
    """What one customer's edit did: the fields taken, and what is left for a person."""

    taken: Fields
    conflicts: dict[str, tuple[str, str]]
    email_taken: str | None = None
    refused: dict[str, str] | None = None


def apply_edit(ctx: PassContext, contact_id: int, found: Entity | None) -> int:
    """Merge one customer into its contact, in one transaction; 1 if the contact changed."""
    with ctx.ledger.uow(ctx.firm_id) as uow:
        s = uow.session
        s.info[QUIET] = True  # the pass that runs this sends what is left itself
        contact = s.get(Contact, contact_id)
        link = links.links_for(s, ctx.connection_id, Kind.CONTACT, [contact_id]).get(contact_id)
        if contact is None or link is None:
            return 0
        if found is None:
            return 0  # gone from QuickBooks: the contact stays as it is (see the docstring)
        outcome = _merge_into(s, ctx, contact, link, found)
        _record_failure(s, ctx, contact, outcome)
        uow.commit()
        return 1 if outcome.taken else 0


def _merge_into(
    s: Session, ctx: PassContext, contact: Contact, link: SyncLink, found: Entity
) -> Outcome:
    base_row = _base(s, ctx.connection_id, contact.id)
    dirty = contact.revision > link.synced_revision
    ours = contact_fields(contact)
    theirs = entity_fields(found, contact.kind)
    base: Mapping[str, str] | None = base_row.fields if base_row is not None else None
    if base is None and dirty:
        base = {name: UNKNOWN for name in ours}  # either side may have changed it
    merged = merge(base, ours, theirs)
    take = dict(merged.take)
    agreed = dict(merged.agreed)
    outcome = Outcome({}, merged.conflicts)
    if take.get("email") and email_of_another(s, contact.id, take["email"]):
        outcome.email_taken = take.pop("email")
        agreed.pop("email", None)
    refused: dict[str, str] = {}
    while take:
        try:
            change_contact(
                s, Actor(ctx.firm_id, None), contact.id, update_for(contact, take), REASON
            )
            break
        except (LawsyncError, ValidationError) as error:
            field = _field_of(error, take)
            if field is None:
                raise
            refused[field] = _message_of(error)
            take.pop(field)
            agreed.pop(field, None)
            s.expire(contact)
    outcome.taken, outcome.refused = take, refused or None
    if take and not dirty and not merged.conflicts:
        link.synced_revision = contact.revision  # nothing of lawsync's own waits to be sent
    link.sync_token = str(found.SyncToken) if found.SyncToken is not None else link.sync_token
    _remember(s, ctx, contact.id, base_row, agreed, take)
    return outcome


def _base(s: Session, connection_id: int, contact_id: int) -> ContactSyncBase | None:
    return s.execute(
        select(ContactSyncBase).where(
            ContactSyncBase.connection_id == connection_id,
            ContactSyncBase.contact_id == contact_id,
        )
    ).scalar_one_or_none()


def _remember(
    s: Session,
    ctx: PassContext,
    contact_id: int,
    row: ContactSyncBase | None,
    agreed: Fields,
    taken: Fields,
) -> None:
    if row is None:
        row = ContactSyncBase(firm_id=ctx.firm_id, connection_id=ctx.connection_id)
        row.contact_id, row.fields, row.from_quickbooks = contact_id, {}, {}
        s.add(row)
    kept = {k: v for k, v in (row.fields or {}).items() if k not in agreed}
    row.fields = {**kept, **agreed}
    if taken:
        at = utcnow().isoformat()
        row.from_quickbooks = {
            **(row.from_quickbooks or {}),
            **{k: {"value": v, "at": at} for k, v in taken.items()},
        }
    row.updated_at = utcnow()


def remember_copy(
    s: Session, firm_id: int, connection_id: int, contact_id: int, copy: Entity
) -> None:
    """The exporter's copy was accepted: what QuickBooks now holds is what both sides agree on."""
    contact = s.get(Contact, contact_id)
    if contact is None:
        return
    row = _base(s, connection_id, contact_id)
    if row is None:
        row = ContactSyncBase(firm_id=firm_id, connection_id=connection_id, contact_id=contact_id)
        row.from_quickbooks = {}
        s.add(row)
    row.fields = entity_fields(copy, contact.kind)
    row.updated_at = utcnow()


def agree(s: Session, connection_id: int, contact_id: int, taken: Fields) -> None:
    """Values taken from QuickBooks by a person's choice (a resolved conflict): both sides now
    hold them, and the contact says where they came from."""
    row = _base(s, connection_id, contact_id)
    if row is not None:
        row.fields = {**(row.fields or {}), **taken}
        at = utcnow().isoformat()
        row.from_quickbooks = {
            **(row.from_quickbooks or {}),
            **{k: {"value": v, "at": at} for k, v in taken.items()},
        }
        row.updated_at = utcnow()


def email_of_another(s: Session, contact_id: int, address: str) -> bool:
    return (
        s.execute(
            select(ContactEmail.id).where(
                func.lower(ContactEmail.address) == address.lower(),
                ContactEmail.contact_id != contact_id,
            )
        ).first()
        is not None
    )


def update_for(contact: Contact, take: Fields) -> ContactUpdate:
    """The contact service's update for the fields taken from QuickBooks."""
    values: dict[str, Any] = {
        k: take[k] for k in ("first_name", "last_name", "company_name") if k in take
    }
    if "web_address" in take:
        values["web_address"] = take["web_address"]
    if any(k in take for k in ADDRESS):
        values["address"] = AddressIn(**{k: take.get(k, getattr(contact, k)) for k in ADDRESS})
    if "email" in take:
        values["emails"] = _emails(contact, take["email"])
    if "phone" in take:
        values["phones"] = _phones(contact, take["phone"])
    return ContactUpdate(**values)


def _emails(contact: Contact, address: str) -> list[EmailIn]:
    """The contact's emails with ``address`` as the primary one (none: the primary removed)."""
    others = [e for e in contact.emails if not e.is_primary]
    primary = next((e for e in contact.emails if e.is_primary), None)
    if not address:
        return [EmailIn(address=e.address, kind=e.kind) for e in others]
    out = [
        EmailIn(address=e.address, kind=e.kind)
        for e in others
        if e.address.lower() != address.lower()
    ]
    kind = primary.kind if primary is not None else "work"
    return [EmailIn(address=address, kind=kind, primary=True), *out]


def _phones(contact: Contact, number: str) -> list[PhoneIn]:
    """The contact's phones with the first one's number replaced (none: the first removed)."""
    rest = [PhoneIn(number=p.number, kind=p.kind) for p in contact.phones[1:]]
    if not number:
        return rest
    kind = contact.phones[0].kind if contact.phones else "work"
    return [PhoneIn(number=number, kind=kind), *rest]


_FIELD_OF = {"emails": "email", "phones": "phone", "address": "street"}


def _field_of(error: Exception, take: Fields) -> str | None:
    """Which taken field the ledger refused (its error names the command's field)."""
    if isinstance(error, ValidationError):
        names = [str(e["loc"][0]) for e in error.errors() if e.get("loc")]
        if names and names[0] == "address":
            loc = error.errors()[0]["loc"]
            names = [str(loc[1])] if len(loc) > 1 else names
    else:
        names = [str(getattr(error, "field", None) or "")]
    for name in names:
        field = _FIELD_OF.get(name, name)
        if field in take:
            return field
    return next(iter(take), None) if names else None


def _message_of(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(str(e["msg"]) for e in error.errors())
    return str(error)


def _record_failure(s: Session, ctx: PassContext, contact: Contact, outcome: Outcome) -> None:
    """One failure row per contact: a conflict first, then a taken email, a refused value.
    None of them: the contact's open import failure, if any, is closed."""
    code, message, element = "", "", ""
    context: dict[str, Any] = {}
    if outcome.conflicts:
        code, element = CONFLICT, next(iter(outcome.conflicts))
        message = conflict_message(outcome.conflicts)
        context["conflicts"] = {
            k: {"lawsync": ours, "quickbooks": theirs}
            for k, (ours, theirs) in outcome.conflicts.items()
        }
    elif outcome.email_taken:
        code, element = EMAIL_TAKEN, "email"
        message = (
            "The change made in QuickBooks could not be taken into the contact: its new "
            f"primary email address {outcome.email_taken} is already another lawsync "
            "contact's. The other changed fields were taken."
        )
    elif outcome.refused:
        code, element = REFUSED, next(iter(outcome.refused))
        message = "Not taken from QuickBooks: " + "; ".join(
            f"{k}: {v}" for k, v in outcome.refused.items()
        )
    if outcome.email_taken:
        context["email_taken"] = outcome.email_taken
    if outcome.refused:
        context["refused"] = outcome.refused
    if code:
        failures.record(
            s,
            firm_id=ctx.firm_id,
            connection_id=ctx.connection_id,
            kind=Kind.CONTACT,
            local_id=contact.id,
            revision=contact.revision,
            code=code,
            message=message,
            element=element,
            context=context,
        )
        return
    for row in s.execute(
        select(SyncFailure).where(
            SyncFailure.connection_id == ctx.connection_id,
            SyncFailure.kind == Kind.CONTACT,
            SyncFailure.local_id == contact.id,
            SyncFailure.resolved_at.is_(None),
            SyncFailure.code.in_(IMPORT_CODES),
        )
    ).scalars():
        row.resolved_at = utcnow()
