"""A person settles a contact conflict: per field (or all at once), lawsync's value or QuickBooks'.

The conflict failure (`imports.contacts`) holds both values of each field changed on both sides.
Choosing QuickBooks' value writes it to the contact through the contact service (its rules, its
audit trail); choosing lawsync's leaves the contact as it is and lets the Customers exporter send
it (the contact is held back from the exporter only while a conflict is open). Fields not chosen
yet stay in the failure; once none is left the failure is closed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawsync.errors import InvalidInput, RuleViolation
from lawsync.practice.errors import Duplicate
from lawsync.practice.models import Contact
from lawsync.practice.services.contacts import change_contact
from lawsync.practice.services.context import Actor, Ledger, get
from lawsync.storage import utcnow
from lawsync.sync import links
from lawsync.sync.contact_fields import LABELS, conflict_message, contact_fields
from lawsync.sync.imports.contact_codes import CONFLICT
from lawsync.sync.imports.contacts import REASON, agree, email_of_another, update_for
from lawsync.sync.kinds import Kind
from lawsync.sync.models import ContactSyncBase, QuickBooksConnection, SyncFailure


class Side(StrEnum):
    lawsync = "lawsync"
    quickbooks = "quickbooks"


def conflicts_of(row: SyncFailure) -> dict[str, dict[str, str]]:
    """Field → {"lawsync": value, "quickbooks": value}, for a conflict failure (else empty)."""
    if row.code != CONFLICT or row.resolved_at is not None:
        return {}
    found = (row.context or {}).get("conflicts") or {}
    return {
        str(k): {"lawsync": str(v["lawsync"]), "quickbooks": str(v["quickbooks"])}
        for k, v in found.items()
    }


def read_choices(raw: Any, fields: dict[str, Any]) -> dict[str, Side]:
    """The person's choices, checked against the failure's fields: a mapping of field to side,
    or one side for all (the string ``"lawsync"`` or ``"quickbooks"``)."""
    if isinstance(raw, str):
        try:
            side = Side(raw)
        except ValueError:
            raise InvalidInput("Choose lawsync or quickbooks.", field="all") from None
        return {name: side for name in fields}
    if not isinstance(raw, dict) or not raw:
        raise InvalidInput("Choose a side for at least one field.", field="choices")
    out: dict[str, Side] = {}
    for name, value in raw.items():
        if name not in fields:
            known = ", ".join(fields)
            raise InvalidInput(
                f"{name!r} is not in conflict here (the fields are: {known}).",
                field=f"choices.{name}",
            )
        try:
            out[str(name)] = Side(value)
        except ValueError:
            raise InvalidInput(
                f"Choose lawsync or quickbooks for {name!r}.", field=f"choices.{name}"
            ) from None
    return out


def resolve(ledger: Ledger, actor: Actor, failure_id: int, raw: Any) -> SyncFailure:
    """Apply the choices; the failure, closed once no field is left in conflict."""
    with ledger.uow(actor) as uow:
        s = uow.session
        row = get(s, SyncFailure, failure_id)
        if row.resolved_at is not None:
            raise RuleViolation("This failure is already resolved.", code="failure_resolved")
        fields = conflicts_of(row)
        if not fields:
            raise RuleViolation(
                "This failure is not a conflict between lawsync and QuickBooks; use Retry.",
                code="not_a_conflict",
            )
        choices = read_choices(raw, fields)
        theirs = {
            k: fields[k]["quickbooks"] for k, side in choices.items() if side == Side.quickbooks
        }
        _take(s, actor, row, theirs)
        left = {k: v for k, v in fields.items() if k not in choices}
        row.context = {**(row.context or {}), "conflicts": left}
        if left:
            row.message = conflict_message(left)
            row.element = next(iter(left))
        else:
            row.resolved_at = utcnow()
        row.retry_requested_at = utcnow()  # wakes the sync: the merged contact goes out
        uow.flush()
        uow.commit()
        return row


def _take(s: Session, actor: Actor, row: SyncFailure, theirs: dict[str, str]) -> None:
    """QuickBooks' values into the contact; the contact is sent again afterwards either way
    (a field kept as lawsync's must reach QuickBooks, one taken needs nothing but is harmless)."""
    contact = get(s, Contact, row.local_id)
    if theirs:
        if theirs.get("email") and email_of_another(s, contact.id, theirs["email"]):
            raise Duplicate(
                f"{theirs['email']} is already another contact's email address.",
                field="choices.email",
            )
        try:
            command = update_for(contact, theirs)
        except ValidationError as error:
            raise InvalidInput(
                "; ".join(str(e["msg"]) for e in error.errors()), field="choices"
            ) from None
        change_contact(s, actor, contact.id, command, f"conflict resolved: {REASON}")
        agree(s, row.connection_id, contact.id, theirs)
    link = links.links_for(s, row.connection_id, Kind.CONTACT, [contact.id]).get(contact.id)
    if link is not None and link.synced_revision >= contact.revision:
        link.synced_revision = contact.revision - 1  # sent again by the next pass


# ---- what the contact's page and the failures page show ----------------------------------


@dataclass(frozen=True)
class FieldConflict:
    name: str
    label: str
    lawsync: str
    quickbooks: str


def rows_of(row: SyncFailure) -> list[FieldConflict]:
    """The conflict's fields, labelled, in the order the contact shows them."""
    found = conflicts_of(row)
    return [
        FieldConflict(name, LABELS[name], found[name]["lawsync"], found[name]["quickbooks"])
        for name in LABELS
        if name in found
    ]


def open_conflict(ledger: Ledger, actor: Actor, contact_id: int) -> SyncFailure | None:
    """The contact's open conflict with its customer (the firm's active connection), if any."""
    with ledger.uow(actor) as uow:
        return uow.session.execute(
            select(SyncFailure)
            .join(QuickBooksConnection, QuickBooksConnection.id == SyncFailure.connection_id)
            .where(
                QuickBooksConnection.active.is_(True),
                SyncFailure.kind == Kind.CONTACT,
                SyncFailure.local_id == contact_id,
                SyncFailure.code == CONFLICT,
                SyncFailure.resolved_at.is_(None),
            )
        ).scalar_one_or_none()


def changed_in_quickbooks(ledger: Ledger, actor: Actor, contact_id: int) -> dict[str, dt.datetime]:
    """The contact's fields whose value is still the one last taken from QuickBooks, and when
    it was taken."""
    with ledger.uow(actor) as uow:
        s = uow.session
        contact = s.get(Contact, contact_id)
        base = s.execute(
            select(ContactSyncBase)
            .join(QuickBooksConnection, QuickBooksConnection.id == ContactSyncBase.connection_id)
            .where(QuickBooksConnection.active.is_(True), ContactSyncBase.contact_id == contact_id)
        ).scalar_one_or_none()
        if contact is None or base is None:
            return {}
        now = contact_fields(contact)
        out: dict[str, dt.datetime] = {}
        for name, taken in (base.from_quickbooks or {}).items():
            if name in now and now[name] == taken.get("value"):
                out[name] = dt.datetime.fromisoformat(str(taken["at"]))
        return out
