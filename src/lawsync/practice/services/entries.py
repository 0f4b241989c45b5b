"""Activity and expense categories, and the time and expense entries recorded against matters."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lawsync.practice.billing import bounded_line_amount
from lawsync.practice.commands import (
    CategoryCreate,
    CategoryUpdate,
    ExpenseEntryCreate,
    ExpenseEntryUpdate,
    TimeEntryCreate,
    TimeEntryUpdate,
)
from lawsync.practice.errors import Duplicate, InvalidInput, RuleViolation
from lawsync.practice.models import (
    ActivityCategory,
    Bill,
    BillLine,
    BillSettings,
    BillState,
    ExpenseCategory,
    ExpenseEntry,
    Matter,
    MatterStatus,
    TimeEntry,
    User,
)
from lawsync.practice.services.context import (
    Actor,
    Ledger,
    Page,
    audit,
    diff,
    fetch,
    get,
    list_page,
    matching,
    snapshot,
)

TIME_FIELDS = (
    "user_id",
    "matter_id",
    "category_id",
    "date",
    "hours",
    "rate",
    "amount",
    "description",
)
EXPENSE_FIELDS = (
    "user_id",
    "matter_id",
    "category_id",
    "date",
    "quantity",
    "unit_price",
    "amount",
    "description",
    "cost_type",
)

Category = ActivityCategory | ExpenseCategory


def _category_model(kind: str) -> type[ActivityCategory] | type[ExpenseCategory]:
    return ActivityCategory if kind == "activity" else ExpenseCategory


def create_category(ledger: Ledger, actor: Actor, kind: str, cmd: CategoryCreate) -> Category:
    model = _category_model(kind)
    with ledger.uow(actor) as uow:
        if uow.session.execute(select(model.id).where(model.name == cmd.name)).first():
            raise Duplicate(f"A category named {cmd.name} exists.", field="name")
        row: Category
        if model is ActivityCategory:
            row = ActivityCategory(
                firm_id=actor.firm_id, name=cmd.name, default_rate=cmd.default_price
            )
        else:
            row = ExpenseCategory(
                firm_id=actor.firm_id, name=cmd.name, default_unit_price=cmd.default_price
            )
        uow.session.add(row)
        uow.flush()
        audit(uow.session, actor, f"{kind}_category", row.id, "create", {"name": row.name})
        uow.commit()
        return row


def update_category(
    ledger: Ledger, actor: Actor, kind: str, category_id: int, cmd: CategoryUpdate
) -> Category:
    model = _category_model(kind)
    with ledger.uow(actor) as uow:
        row = get(uow.session, model, category_id)
        before = {"name": row.name, "active": row.active}
        if cmd.name is not None and cmd.name != row.name:
            taken = uow.session.execute(
                select(model.id).where(model.name == cmd.name, model.id != row.id)
            ).first()
            if taken:
                raise Duplicate(f"A category named {cmd.name} exists.", field="name")
            row.name = cmd.name
        if cmd.active is not None:
            row.active = cmd.active
        if cmd.default_price is not None:
            if isinstance(row, ActivityCategory):
                row.default_rate = cmd.default_price
            else:
                row.default_unit_price = cmd.default_price
        uow.flush()
        audit(
            uow.session,
            actor,
            f"{kind}_category",
            row.id,
            "update",
            diff(before, {"name": row.name, "active": row.active}),
        )
        uow.commit()
        return row


def list_categories(
    ledger: Ledger, actor: Actor, kind: str, cursor: int | None, limit: int
) -> Page:
    return list_page(ledger, actor, _category_model(kind), cursor, limit)


def get_category(ledger: Ledger, actor: Actor, kind: str, category_id: int) -> Category:
    with ledger.uow(actor) as uow:
        return get(uow.session, _category_model(kind), category_id)


def _open_matter(session: Session, matter_id: int) -> Matter:
    matter = get(session, Matter, matter_id, field="matter_id")
    if matter.status == MatterStatus.closed:
        raise RuleViolation(
            f"Matter {matter.number} is closed; reopen it before recording work on it.",
            field="matter_id",
            code="matter_closed",
        )
    return matter


def _timekeeper(session: Session, actor: Actor, user_id: int | None) -> User:
    uid = user_id or actor.user_id
    if uid is None:
        raise InvalidInput("Name the timekeeper.", field="user_id")
    user = get(session, User, uid, field="user_id")
    if not user.active:
        raise RuleViolation(f"{user.name} is inactive.", field="user_id", code="user_inactive")
    return user


def _unbilled(entry: TimeEntry | ExpenseEntry) -> None:
    if entry.bill_id is not None:
        raise RuleViolation(
            "This entry is on a bill; edit the bill's line or void the bill first.",
            code="entry_billed",
        )


def create_time_entry(ledger: Ledger, actor: Actor, cmd: TimeEntryCreate) -> TimeEntry:
    with ledger.uow(actor) as uow:
        s = uow.session
        _open_matter(s, cmd.matter_id)
        user = _timekeeper(s, actor, cmd.user_id)
        category = (
            get(s, ActivityCategory, cmd.category_id, field="category_id")
            if cmd.category_id
            else None
        )
        rate = cmd.rate
        if rate is None:
            rate = (
                category.default_rate
                if category and category.default_rate is not None
                else user.default_rate
            )
        entry = TimeEntry(
            firm_id=actor.firm_id,
            user_id=user.id,
            matter_id=cmd.matter_id,
            category_id=cmd.category_id,
            date=cmd.date,
            hours=cmd.hours,
            rate=rate,
            amount=bounded_line_amount(cmd.hours, rate, field="hours"),
            description=cmd.description,
        )
        s.add(entry)
        s.flush()
        audit(s, actor, "time_entry", entry.id, "create", snapshot(entry, TIME_FIELDS))
        uow.commit()
        return entry


def update_time_entry(
    ledger: Ledger, actor: Actor, entry_id: int, cmd: TimeEntryUpdate
) -> TimeEntry:
    with ledger.uow(actor) as uow:
        s = uow.session
        entry = get(s, TimeEntry, entry_id)
        _unbilled(entry)
        before = snapshot(entry, TIME_FIELDS)
        if cmd.category_id is not None:
            get(s, ActivityCategory, cmd.category_id, field="category_id")
            entry.category_id = cmd.category_id
        for key in ("date", "hours", "rate", "description"):
            value = getattr(cmd, key)
            if value is not None:
                setattr(entry, key, value)
        entry.amount = bounded_line_amount(Decimal(entry.hours), Decimal(entry.rate), field="hours")
        s.flush()
        audit(
            s, actor, "time_entry", entry.id, "update", diff(before, snapshot(entry, TIME_FIELDS))
        )
        uow.commit()
        return entry


def _delete_entry(
    ledger: Ledger,
    actor: Actor,
    model: type[TimeEntry] | type[ExpenseEntry],
    entity: str,
    fields: tuple[str, ...],
    entry_id: int,
) -> None:
    """Delete an unbilled entry of either kind, recording what it was."""
    with ledger.uow(actor) as uow:
        entry = get(uow.session, model, entry_id)
        _unbilled(entry)
        released = release_from_closed_bills(uow.session, model, entry.id)
        record = {**snapshot(entry, fields), "released_bill_lines": released}
        audit(uow.session, actor, entity, entry.id, "delete", record)
        uow.session.delete(entry)
        uow.commit()


def release_from_closed_bills(
    session: Session, model: type[TimeEntry] | type[ExpenseEntry], entry_id: int
) -> list[int]:
    """A void (or deleted) bill's lines keep their own copy of the entry, so their link to it is
    cleared rather than keeping the entry undeletable; the bill reads as it was sent."""
    link = BillLine.time_entry_id if model is TimeEntry else BillLine.expense_entry_id
    closed = select(Bill.id).where(Bill.state.in_((BillState.void, BillState.deleted)))
    lines = list(
        session.execute(
            select(BillLine.id).where(link == entry_id, BillLine.bill_id.in_(closed))
        ).scalars()
    )
    if lines:
        session.execute(
            update(BillLine)
            .where(BillLine.id.in_(lines))
            .values({link.key: None})
            .execution_options(synchronize_session=False)
        )
    return lines


def delete_time_entry(ledger: Ledger, actor: Actor, entry_id: int) -> None:
    _delete_entry(ledger, actor, TimeEntry, "time_entry", TIME_FIELDS, entry_id)


def _check_cost_type(session: Session, cost_type: object) -> None:
    if cost_type is None:
        return
    enabled = session.execute(select(BillSettings.hard_soft_costs_enabled)).scalar_one_or_none()
    if not enabled:
        raise RuleViolation(
            "Hard and soft costs are turned off; enable them in the bill settings first.",
            field="cost_type",
            code="cost_types_disabled",
        )


def create_expense_entry(ledger: Ledger, actor: Actor, cmd: ExpenseEntryCreate) -> ExpenseEntry:
    with ledger.uow(actor) as uow:
        s = uow.session
        _open_matter(s, cmd.matter_id)
        user = _timekeeper(s, actor, cmd.user_id)
        if cmd.category_id:
            get(s, ExpenseCategory, cmd.category_id, field="category_id")
        _check_cost_type(s, cmd.cost_type)
        entry = ExpenseEntry(
            firm_id=actor.firm_id,
            user_id=user.id,
            matter_id=cmd.matter_id,
            category_id=cmd.category_id,
            date=cmd.date,
            quantity=cmd.quantity,
            unit_price=cmd.unit_price,
            amount=bounded_line_amount(cmd.quantity, cmd.unit_price, field="unit_price"),
            description=cmd.description,
            cost_type=cmd.cost_type,
        )
        s.add(entry)
        s.flush()
        audit(s, actor, "expense_entry", entry.id, "create", snapshot(entry, EXPENSE_FIELDS))
        uow.commit()
        return entry


def update_expense_entry(
    ledger: Ledger, actor: Actor, entry_id: int, cmd: ExpenseEntryUpdate
) -> ExpenseEntry:
    with ledger.uow(actor) as uow:
        s = uow.session
        entry = get(s, ExpenseEntry, entry_id)
        _unbilled(entry)
        before = snapshot(entry, EXPENSE_FIELDS)
        if cmd.category_id is not None:
            get(s, ExpenseCategory, cmd.category_id, field="category_id")
            entry.category_id = cmd.category_id
        if cmd.cost_type is not None:
            _check_cost_type(s, cmd.cost_type)
            entry.cost_type = cmd.cost_type
        if cmd.user_id is not None:
            entry.user_id = _timekeeper(s, actor, cmd.user_id).id
        for key in ("date", "quantity", "unit_price", "description"):
            value = getattr(cmd, key)
            if value is not None:
                setattr(entry, key, value)
        entry.amount = bounded_line_amount(
            Decimal(entry.quantity), Decimal(entry.unit_price), field="unit_price"
        )
        s.flush()
        audit(
            s,
            actor,
            "expense_entry",
            entry.id,
            "update",
            diff(before, snapshot(entry, EXPENSE_FIELDS)),
        )
        uow.commit()
        return entry


def delete_expense_entry(ledger: Ledger, actor: Actor, entry_id: int) -> None:
    _delete_entry(ledger, actor, ExpenseEntry, "expense_entry", EXPENSE_FIELDS, entry_id)


def get_time_entry(ledger: Ledger, actor: Actor, entry_id: int) -> TimeEntry:
    return fetch(ledger, actor, TimeEntry, entry_id)


def get_expense_entry(ledger: Ledger, actor: Actor, entry_id: int) -> ExpenseEntry:
    return fetch(ledger, actor, ExpenseEntry, entry_id)


def list_time_entries(
    ledger: Ledger,
    actor: Actor,
    cursor: int | None,
    limit: int,
    matter_id: int | None = None,
    unbilled: bool | None = None,
) -> Page:
    criteria = matching(TimeEntry, matter_id=matter_id)
    if unbilled is not None:
        billed = TimeEntry.bill_id
        criteria.append(billed.is_(None) if unbilled else billed.is_not(None))
    return list_page(ledger, actor, TimeEntry, cursor, limit, *criteria)


def list_expense_entries(
    ledger: Ledger,
    actor: Actor,
    cursor: int | None,
    limit: int,
    matter_id: int | None = None,
    unbilled: bool | None = None,
) -> Page:
    criteria = matching(ExpenseEntry, matter_id=matter_id)
    if unbilled is not None:
        criteria.append(
            ExpenseEntry.bill_id.is_(None) if unbilled else ExpenseEntry.bill_id.is_not(None)
        )
    return list_page(ledger, actor, ExpenseEntry, cursor, limit, *criteria)
