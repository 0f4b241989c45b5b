"""Contacts (clients and other people or companies) and their matters."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from lawsync.practice.commands import (
    ContactCreate,
    ContactUpdate,
    EmailIn,
    MatterCreate,
    MatterUpdate,
    PhoneIn,
)
from lawsync.practice.errors import Duplicate, InvalidInput
from lawsync.practice.models import (
    Contact,
    ContactEmail,
    ContactKind,
    ContactPhone,
    Firm,
    Matter,
    MatterStatus,
)
from lawsync.practice.services.context import (
    Actor,
    Found,
    Ledger,
    Page,
    audit,
    diff,
    fetch,
    first_found,
    get,
    list_page,
    matching,
    snapshot,
)
from lawsync.storage import utcnow

CONTACT_FIELDS = (
    "first_name",
    "last_name",
    "company_name",
    "display_name",
    "web_address",
    "street",
    "city",
    "region",
    "postal_code",
    "country",
)
MATTER_FIELDS = ("number", "description", "status", "client_id")


def display_name(kind: ContactKind, first: str, last: str, company: str) -> str:
    """The name a contact is known by everywhere, derived only from its own name fields."""
    if kind == ContactKind.company:
        return company.strip()
    return " ".join(part for part in (first.strip(), last.strip()) if part)


def _apply_names(contact: Contact) -> None:
    name = display_name(contact.kind, contact.first_name, contact.last_name, contact.company_name)
    if not name:
        field = "company_name" if contact.kind == ContactKind.company else "last_name"
        raise InvalidInput(
            "A person needs a first or last name; a company needs a company name.", field=field
        )
    contact.display_name = name


def _set_emails(contact: Contact, emails: list[EmailIn]) -> None:
    primaries = [e for e in emails if e.primary]
    if len(primaries) > 1:
        raise InvalidInput("Only one email address can be the primary one.", field="emails")
    seen: set[str] = set()
    for e in emails:
        key = e.address.lower()
        if key in seen:
            raise InvalidInput(f"{e.address} is listed twice.", field="emails")
        seen.add(key)
    first_is_primary = not primaries
    contact.emails = [
        ContactEmail(
            firm_id=contact.firm_id,
            address=e.address,
            kind=e.kind,
            is_primary=e.primary or (first_is_primary and i == 0),
        )
        for i, e in enumerate(emails)
    ]


def _set_phones(contact: Contact, phones: list[PhoneIn]) -> None:
    contact.phones = [
        ContactPhone(firm_id=contact.firm_id, number=p.number, kind=p.kind) for p in phones
    ]


def _set_web(contact: Contact, web: str) -> None:
    if web and (" " in web or "." not in web):
        raise InvalidInput(
            f"{web!r} is not a web address (e.g. https://example.com).", field="web_address"
        )
    contact.web_address = web


def create_contact(ledger: Ledger, actor: Actor, cmd: ContactCreate) -> Contact:
    with ledger.uow(actor) as uow:
        contact = Contact(
            firm_id=actor.firm_id,
            kind=cmd.kind,
            first_name=cmd.first_name,
            last_name=cmd.last_name,
            company_name=cmd.company_name,
        )
        _apply_names(contact)
        _set_web(contact, cmd.web_address)
        if cmd.address:
            for key, value in cmd.address.model_dump().items():
                setattr(contact, key, value)
        _set_emails(contact, cmd.emails)
        _set_phones(contact, cmd.phones)
        uow.session.add(contact)
        uow.flush()
        audit(
            uow.session, actor, "contact", contact.id, "create", snapshot(contact, CONTACT_FIELDS)
        )
        uow.commit()
        return contact


def update_contact(ledger: Ledger, actor: Actor, contact_id: int, cmd: ContactUpdate) -> Contact:
    with ledger.uow(actor) as uow:
        contact = change_contact(uow.session, actor, contact_id, cmd)
        uow.commit()
        return contact


def change_contact(
    session: Session, actor: Actor, contact_id: int, cmd: ContactUpdate, reason: str = ""
) -> Contact:
    """The update inside a caller's transaction (an edit taken from the accounting side is
    written with its link in one transaction); the same rules and audit trail."""
    contact = get(session, Contact, contact_id)
    before = snapshot(contact, CONTACT_FIELDS)
    before_emails = [e.address for e in contact.emails]
    for key in ("first_name", "last_name", "company_name"):
        value = getattr(cmd, key)
        if value is not None:
            setattr(contact, key, value)
    _apply_names(contact)
    if cmd.web_address is not None:
        _set_web(contact, cmd.web_address)
    if cmd.address is not None:
        for key, value in cmd.address.model_dump().items():
            setattr(contact, key, value)
    if cmd.emails is not None:
        _set_emails(contact, cmd.emails)
    if cmd.phones is not None:
        _set_phones(contact, cmd.phones)
    changes = diff(before, snapshot(contact, CONTACT_FIELDS))
    if cmd.emails is not None:
        changes["emails"] = [before_emails, [e.address for e in contact.emails]]
    # A change to the emails or phones alone must still count as a change of the contact.
    contact.updated_at = utcnow()
    session.flush()
    audit(session, actor, "contact", contact.id, "update", changes, reason)
    session.flush()
    return contact


def get_contact(ledger: Ledger, actor: Actor, contact_id: int) -> Contact:
    return fetch(ledger, actor, Contact, contact_id)


def _contacts_matching(query: str | None) -> list[Any]:
    """Those whose name or one of whose email addresses contains ``query`` (any case)."""
    if not query:
        return []
    pattern = f"%{query.lower()}%"
    # An IN over the matching addresses, read once: as a correlated EXISTS, SQLite looked each
    # contact's emails up by firm (every address of the firm per contact), not by contact.
    emailed = select(ContactEmail.contact_id).where(ContactEmail.address.ilike(pattern))
    return [or_(Contact.display_name.ilike(pattern), Contact.id.in_(emailed))]


def list_contacts(
    ledger: Ledger, actor: Actor, cursor: int | None, limit: int, query: str | None = None
) -> Page:
    """Those whose name or one of whose email addresses contains ``query`` (any case)."""
    return list_page(ledger, actor, Contact, cursor, limit, *_contacts_matching(query))


def find_contacts(ledger: Ledger, actor: Actor, query: str | None, limit: int) -> Found:
    """The same search as `list_contacts`, by name: the first ``limit``, and how many match."""
    criteria = _contacts_matching(query)
    return first_found(ledger, actor, Contact, Contact.display_name, limit, *criteria)


def _next_matter_number(session: Session, firm_id: int) -> str:
    firm = session.execute(
        update(Firm)
        .where(Firm.id == firm_id)
        .values(next_matter_number=Firm.next_matter_number + 1)
        .returning(Firm.next_matter_number, Firm.matter_number_pattern)
    ).one()
    n = firm.next_matter_number - 1
    return str(firm.matter_number_pattern.format(n=n))


def _check_matter_number_free(session: Session, number: str, matter_id: int | None) -> None:
    taken = session.execute(
        select(Matter.id).where(Matter.number == number, Matter.id != (matter_id or 0))
    ).first()
    if taken:
        raise Duplicate(f"Matter number {number} is already used.", field="number")


def create_matter(ledger: Ledger, actor: Actor, cmd: MatterCreate) -> Matter:
    with ledger.uow(actor) as uow:
        get(uow.session, Contact, cmd.client_id, field="client_id")
        if cmd.number:
            _check_matter_number_free(uow.session, cmd.number, None)
            number = cmd.number
        else:
            number = _next_matter_number(uow.session, actor.firm_id)
            while uow.session.execute(select(Matter.id).where(Matter.number == number)).first():
                number = _next_matter_number(uow.session, actor.firm_id)
        matter = Matter(
            firm_id=actor.firm_id,
            client_id=cmd.client_id,
            number=number,
            description=cmd.description,
            status=cmd.status,
            open_date=cmd.open_date,
        )
        uow.session.add(matter)
        uow.flush()
        audit(uow.session, actor, "matter", matter.id, "create", snapshot(matter, MATTER_FIELDS))
        uow.commit()
        return matter


def update_matter(ledger: Ledger, actor: Actor, matter_id: int, cmd: MatterUpdate) -> Matter:
    with ledger.uow(actor) as uow:
        matter = get(uow.session, Matter, matter_id)
        before = snapshot(matter, MATTER_FIELDS)
        if cmd.number is not None and cmd.number != matter.number:
            _check_matter_number_free(uow.session, cmd.number, matter.id)
            matter.number = cmd.number
        if cmd.description is not None:
            matter.description = cmd.description
        if cmd.status is not None:
            matter.status = cmd.status
        uow.flush()
        audit(
            uow.session,
            actor,
            "matter",
            matter.id,
            "update",
            diff(before, snapshot(matter, MATTER_FIELDS)),
        )
        uow.commit()
        return matter


def get_matter(ledger: Ledger, actor: Actor, matter_id: int) -> Matter:
    return fetch(ledger, actor, Matter, matter_id)


def list_matters(
    ledger: Ledger,
    actor: Actor,
    cursor: int | None,
    limit: int,
    client_id: int | None = None,
    status: MatterStatus | None = None,
) -> Page:
    criteria = matching(Matter, client_id=client_id, status=status)
    return list_page(ledger, actor, Matter, cursor, limit, *criteria)


def find_matters(
    ledger: Ledger,
    actor: Actor,
    query: str | None,
    limit: int,
    client_id: int | None = None,
    statuses: Collection[MatterStatus] | None = None,
) -> Found:
    """Matters whose number or description contains ``query`` (any case), of one client and in
    these statuses when given, by number: the first ``limit``, and how many match."""
    criteria = matching(Matter, client_id=client_id)
    if statuses is not None:
        criteria.append(Matter.status.in_(list(statuses)))
    if query:
        pattern = f"%{query.lower()}%"
        criteria.append(or_(Matter.number.ilike(pattern), Matter.description.ilike(pattern)))
    return first_found(ledger, actor, Matter, Matter.number, limit, *criteria)


def display_names(ledger: Ledger, actor: Actor, ids: Iterable[int]) -> dict[int, str]:
    """The display names of these contacts of the firm, by id, in one query."""
    wanted = list(ids)
    if not wanted:
        return {}
    with ledger.uow(actor) as uow:
        rows = uow.session.execute(
            select(Contact.id, Contact.display_name).where(Contact.id.in_(wanted))
        )
        return {contact_id: name for contact_id, name in rows}


def matter_numbers(ledger: Ledger, actor: Actor, ids: Iterable[int]) -> dict[int, str]:
    """The numbers of these matters of the firm, by id, in one query."""
    wanted = list(ids)
    if not wanted:
        return {}
    with ledger.uow(actor) as uow:
        rows = uow.session.execute(select(Matter.id, Matter.number).where(Matter.id.in_(wanted)))
        return {matter_id: number for matter_id, number in rows}
