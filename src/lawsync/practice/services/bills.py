"""Bills: built from a client's unbilled work, approved, edited, paid, voided.

State machine (each move has a `can_*` check that says why not):

    draft ──approve──▶ approved ◀──(balance > 0)──▶ paid
      │                   │
      └──delete           ├──void (no payments or credits left on it) ──▶ void
                          └──delete (idem) ──▶ deleted (tombstone for the sync)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import cast

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session, lazyload

from lawsync.money import ZERO, percent_of
from lawsync.practice import billing
from lawsync.practice.commands import BillCreate, BillUpdate
from lawsync.practice.errors import (
    Duplicate,
    InvalidInput,
    NotFound,
    PaymentError,
    RuleViolation,
)
from lawsync.practice.fields import MAX_HOURS
from lawsync.practice.models import (
    Bill,
    BillLine,
    BillSettings,
    BillState,
    Contact,
    ExpenseEntry,
    Firm,
    LineKind,
    Matter,
    TimeEntry,
)
from lawsync.practice.services import bill_settings
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

BILL_FIELDS = ("number", "state", "issue_date", "due_date", "total", "balance", "discount_total")


def recompute(bill: Bill) -> None:
    """Totals from the rounded lines, balance from what was paid and credited, and the state."""
    totals = billing.bill_totals(
        (billing.LineFigures(ln.amount, ln.primary_tax, ln.secondary_tax) for ln in bill.lines),
        bill.discount_kind,
        Decimal(bill.discount_value),
    )
    billing.check_total(max(totals.subtotal, totals.total))
    bill.subtotal = totals.subtotal
    bill.primary_tax_total = totals.primary_tax
    bill.secondary_tax_total = totals.secondary_tax
    bill.discount_total = totals.discount
    bill.total = totals.total
    bill.balance = totals.total - Decimal(bill.paid_total) - Decimal(bill.credited_total)
    if bill.total < 0:
        raise RuleViolation(
            f"The discount ({totals.discount}) is larger than the bill; a bill's total cannot be "
            "negative.",
            field="discount_value",
            code="negative_total",
        )
    if bill.balance < 0:
        raise PaymentError(
            f"Bill {bill.number} would owe {bill.balance}: payments and credits already exceed "
            "the new total. Remove a payment or credit first.",
            code="negative_balance",
        )
    bill.settle()
    bill.updated_at = utcnow()


def _next_bill_number(session: Session) -> str:
    while True:
        n = (
            session.execute(
                update(BillSettings)
                .values(next_bill_number=BillSettings.next_bill_number + 1)
                .returning(BillSettings.next_bill_number)
            ).scalar_one()
            - 1
        )
        number = str(n)
        if not session.execute(select(Bill.id).where(Bill.number == number)).first():
            return number


def _make_line(
    position: int,
    kind: LineKind,
    entry: TimeEntry | ExpenseEntry,
    rules: tuple[billing.TaxRule, billing.TaxRule],
) -> BillLine:
    quantity = entry.hours if isinstance(entry, TimeEntry) else entry.quantity
    price = entry.rate if isinstance(entry, TimeEntry) else entry.unit_price
    amount = billing.bounded_line_amount(Decimal(quantity), Decimal(price), field="lines")
    taxes = billing.line_taxes(kind, amount, *rules)
    return BillLine(
        firm_id=entry.firm_id,
        position=position,
        kind=kind,
        matter_id=entry.matter_id,
        time_entry_id=entry.id if kind == LineKind.time else None,
        expense_entry_id=entry.id if kind == LineKind.expense else None,
        user_id=entry.user_id,
        activity_category_id=entry.category_id if kind == LineKind.time else None,
        expense_category_id=entry.category_id if kind == LineKind.expense else None,
        date=entry.date,
        description=entry.description,
        quantity=quantity,
        price=price,
        amount=amount,
        primary_tax_rate=taxes.primary_rate,
        primary_tax=taxes.primary,
        secondary_tax_rate=taxes.secondary_rate,
        secondary_tax=taxes.secondary,
    )


def create_bill(ledger: Ledger, actor: Actor, cmd: BillCreate) -> Bill:
    with ledger.uow(actor) as uow:
        s = uow.session
        get(s, Contact, cmd.client_id, field="client_id")
        if cmd.matter_ids:
            matters = [get(s, Matter, mid, field="matter_ids") for mid in cmd.matter_ids]
            for m in matters:
                if m.client_id != cmd.client_id:
                    raise InvalidInput(
                        f"Matter {m.number} belongs to another client.", field="matter_ids"
                    )
        else:
            matters = list(
                s.execute(select(Matter).where(Matter.client_id == cmd.client_id)).scalars()
            )
        if cmd.from_date and cmd.to_date and cmd.from_date > cmd.to_date:
            raise InvalidInput("The period ends before it starts.", field="to_date")
        matter_ids = [m.id for m in matters]
        entries: list[tuple[LineKind, TimeEntry | ExpenseEntry]] = []
        kinds: tuple[tuple[LineKind, type[TimeEntry] | type[ExpenseEntry]], ...] = (
            (LineKind.time, TimeEntry),
            (LineKind.expense, ExpenseEntry),
        )
        for kind, model in kinds:
            stmt = select(model).where(model.matter_id.in_(matter_ids), model.bill_id.is_(None))
            if cmd.from_date:
                stmt = stmt.where(model.date >= cmd.from_date)
            if cmd.to_date:
                stmt = stmt.where(model.date <= cmd.to_date)
            rows = s.execute(stmt.order_by(model.date, model.id)).scalars()
            entries += [(kind, cast(TimeEntry | ExpenseEntry, e)) for e in rows]
        if not entries:
            raise RuleViolation(
                "This client has no unbilled time or expenses in that period.",
                code="nothing_to_bill",
            )
        settings = bill_settings.load(s)
        rules = bill_settings.tax_rules(settings)
        firm = get(s, Firm, actor.firm_id)
        issue = cmd.issue_date or dt.date.today()
        due = cmd.due_date or issue + dt.timedelta(days=settings.payment_terms_days)
        if due < issue:
            raise InvalidInput("The due date is before the issue date.", field="due_date")
        entries.sort(key=lambda ke: (ke[1].date, ke[0] != LineKind.time, ke[1].id))
        bill = Bill(
            firm_id=actor.firm_id,
            client_id=cmd.client_id,
            number=_next_bill_number(s),
            issue_date=issue,
            due_date=due,
            period_from=cmd.from_date,
            period_to=cmd.to_date,
            currency=cmd.currency or firm.currency,
            discount_kind=cmd.discount_kind,
            discount_value=cmd.discount_value,
            primary_tax_name=rules[0].name,
            secondary_tax_name=rules[1].name,
            memo=cmd.memo,
            paid_total=ZERO,
            credited_total=ZERO,
        )
        bill.lines = [_make_line(i, k, e, rules) for i, (k, e) in enumerate(entries, 1)]
        used = {e.matter_id for _, e in entries}
        bill.matters = [m for m in matters if m.id in used]
        recompute(bill)
        s.add(bill)
        s.flush()
        for _, e in entries:
            e.bill_id = bill.id
        s.flush()
        audit(s, actor, "bill", bill.id, "create", snapshot(bill, BILL_FIELDS))
        uow.commit()
        return bill


def _release_entries(session: Session, bill: Bill) -> None:
    """Entries on a voided or removed bill become unbilled again."""
    models: tuple[type[TimeEntry] | type[ExpenseEntry], ...] = (TimeEntry, ExpenseEntry)
    for model in models:
        for row in session.execute(select(model).where(model.bill_id == bill.id)).scalars():
            cast(TimeEntry | ExpenseEntry, row).bill_id = None


def approve_bill(ledger: Ledger, actor: Actor, bill_id: int) -> Bill:
    """Approve a draft. Totals are kept current by every edit, so only the state changes here;
    the returned bill carries no lines (read it again with `get_bill` to show it)."""
    with ledger.uow(actor) as uow:
        s = uow.session
        bill = s.execute(
            select(Bill)
            .where(Bill.id == bill_id)
            .options(lazyload(Bill.lines), lazyload(Bill.matters))
        ).scalar_one_or_none()
        if bill is None:
            raise NotFound("bill", bill_id)
        has_lines = s.execute(select(exists().where(BillLine.bill_id == bill.id))).scalar_one()
        bill.approve(utcnow(), has_lines=has_lines)
        audit(s, actor, "bill", bill.id, "approve", {"total": bill.total})
        uow.commit()
        return bill


def approve_and_load(ledger: Ledger, actor: Actor, bill_id: int) -> Bill:
    """Approve a draft and return it with its lines and matters, as a screen or the API shows it."""
    approve_bill(ledger, actor, bill_id)
    return get_bill(ledger, actor, bill_id)


def void_bill(ledger: Ledger, actor: Actor, bill_id: int, reason: str = "") -> Bill:
    with ledger.uow(actor) as uow:
        bill = get(uow.session, Bill, bill_id)
        bill.void(utcnow())
        _release_entries(uow.session, bill)
        uow.flush()
        audit(uow.session, actor, "bill", bill.id, "void", {"total": bill.total}, reason)
        uow.commit()
        return bill


def delete_bill(ledger: Ledger, actor: Actor, bill_id: int) -> Bill | None:
    """A draft disappears; an approved bill without payments becomes a `deleted` tombstone."""
    with ledger.uow(actor) as uow:
        s = uow.session
        bill = get(s, Bill, bill_id)
        refusal = bill.can_delete()
        if refusal:
            raise refusal
        _release_entries(s, bill)
        audit(s, actor, "bill", bill.id, "delete", snapshot(bill, BILL_FIELDS))
        if bill.delete():
            s.flush()
            s.delete(bill)
            uow.commit()
            return None
        uow.flush()
        uow.commit()
        return bill


def update_bill(ledger: Ledger, actor: Actor, bill_id: int, cmd: BillUpdate) -> Bill:
    """Edit a draft or an approved bill; on an approved bill this makes a new revision."""
    with ledger.uow(actor) as uow:
        s = uow.session
        bill = get(s, Bill, bill_id)
        refusal = bill.can_edit()
        if refusal:
            raise refusal
        before = snapshot(bill, BILL_FIELDS)
        if cmd.number is not None and cmd.number != bill.number:
            if s.execute(
                select(Bill.id).where(Bill.number == cmd.number, Bill.id != bill.id)
            ).first():
                raise Duplicate(f"Bill number {cmd.number} is already used.", field="number")
            bill.number = cmd.number
        if cmd.issue_date is not None:
            bill.issue_date = cmd.issue_date
        if cmd.due_date is not None:
            bill.due_date = cmd.due_date
        if bill.due_date < bill.issue_date:
            raise InvalidInput("The due date is before the issue date.", field="due_date")
        if cmd.discount_kind is not None:
            bill.discount_kind = cmd.discount_kind
        if cmd.discount_value is not None:
            bill.discount_value = cmd.discount_value
        if cmd.memo is not None:
            bill.memo = cmd.memo
        lines = {ln.id: ln for ln in bill.lines}
        for edit in cmd.lines:
            line = lines.get(edit.id)
            if line is None:
                raise InvalidInput(f"Line {edit.id} is not on this bill.", field="lines")
            _edit_line(s, line, edit.description, edit.quantity, edit.price)
        for line_id in cmd.remove_line_ids:
            line = lines.get(line_id)
            if line is None:
                raise InvalidInput(f"Line {line_id} is not on this bill.", field="remove_line_ids")
            _unbill_line(s, line)
            bill.lines.remove(line)
        if cmd.remove_line_ids:
            used = {ln.matter_id for ln in bill.lines}
            bill.matters = [m for m in bill.matters if m.id in used]
        recompute(bill)
        s.flush()
        changes = diff(before, snapshot(bill, BILL_FIELDS))
        if cmd.lines or cmd.remove_line_ids:
            changes["lines"] = {"edited": [e.id for e in cmd.lines], "removed": cmd.remove_line_ids}
        audit(s, actor, "bill", bill.id, "update", changes)
        uow.commit()
        return bill


def _edit_line(
    session: Session,
    line: BillLine,
    description: str | None,
    quantity: Decimal | None,
    price: Decimal | None,
) -> None:
    if description is not None:
        line.description = description
    if quantity is not None:
        if line.time_entry_id and quantity > MAX_HOURS:
            raise InvalidInput(
                f"A time line records at most {MAX_HOURS} hours.", field="lines.quantity"
            )
        line.quantity = quantity
    if price is not None:
        line.price = price
    line.amount = billing.bounded_line_amount(
        Decimal(line.quantity), Decimal(line.price), field="lines"
    )
    line.primary_tax = percent_of(line.amount, Decimal(line.primary_tax_rate))
    line.secondary_tax = percent_of(line.amount, Decimal(line.secondary_tax_rate))
    # The entry behind the line follows the edit, so the work record and the bill agree.
    if line.time_entry_id:
        t = session.get(TimeEntry, line.time_entry_id)
        if t is not None:
            t.description, t.hours, t.rate, t.amount = (
                line.description,
                line.quantity,
                line.price,
                line.amount,
            )
    elif line.expense_entry_id:
        x = session.get(ExpenseEntry, line.expense_entry_id)
        if x is not None:
            x.description, x.quantity, x.unit_price, x.amount = (
                line.description,
                line.quantity,
                line.price,
                line.amount,
            )


def _unbill_line(session: Session, line: BillLine) -> None:
    entry: TimeEntry | ExpenseEntry | None = None
    if line.time_entry_id:
        entry = session.get(TimeEntry, line.time_entry_id)
    elif line.expense_entry_id:
        entry = session.get(ExpenseEntry, line.expense_entry_id)
    if entry is not None:
        entry.bill_id = None


def get_bill(ledger: Ledger, actor: Actor, bill_id: int) -> Bill:
    return fetch(ledger, actor, Bill, bill_id)


def list_bills(
    ledger: Ledger,
    actor: Actor,
    cursor: int | None,
    limit: int,
    client_id: int | None = None,
    state: BillState | None = None,
) -> Page:
    criteria = matching(Bill, client_id=client_id, state=state)
    return list_page(ledger, actor, Bill, cursor, limit, *criteria)


def find_owing_bills(
    ledger: Ledger, actor: Actor, limit: int, client_id: int | None = None
) -> Found:
    """Approved bills that still owe (of one client when given), oldest first: the first
    ``limit``, and how many there are."""
    criteria = [*matching(Bill, client_id=client_id), Bill.state == BillState.approved]
    return first_found(ledger, actor, Bill, Bill.id, limit, *criteria, Bill.balance > 0)
