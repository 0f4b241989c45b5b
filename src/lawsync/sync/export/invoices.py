"""Approved bills and interest charges → invoices; credit notes → credit memos applied to them."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from lawsync.practice.models import (
    Bill,
    BillState,
    CreditNote,
    CreditNoteState,
    InterestCharge,
    InterestChargeState,
    LineKind,
    Matter,
    bill_matters,
)
from lawsync.quickbooks import CreditMemo, Entity, Invoice, Payment, sql
from lawsync.sync import mapping, preflight
from lawsync.sync.export.base import Job, Op, PassContext, Plan, Problem, copy_of
from lawsync.sync.export.base_queries import dirty_ids
from lawsync.sync.links import CREATING, REMOVED, links_for, qbo_ids
from lawsync.sync.mapping import InvoiceRefs, TaxOption
from lawsync.sync.models import SyncLink

BILL, INTEREST, CREDIT, APPLICATION = "bill", "interest_charge", "credit_note", "credit_application"
LIVE = (BillState.approved, BillState.paid)


def _since(ctx: PassContext, column: Any) -> list[Any]:
    start = ctx.settings.export_start_date
    return [column >= start] if start is not None else []


def bill_candidates(ctx: PassContext, session: Session, after_id: int) -> list[int]:
    if not ctx.settings.export_bills:
        return []
    return dirty_ids(
        session,
        Bill,
        BILL,
        ctx.connection_id,
        after_id=after_id,
        wanted_new=and_(Bill.state.in_(LIVE), *_since(ctx, Bill.issue_date)),
        settle_failures=Bill.state.not_in(LIVE),
    )


def _not_ready(kind: str, local_id: int, rev: int, what: str) -> tuple[str, int, int, Problem]:
    return kind, local_id, rev, Problem("lawsync:waiting", f"Waiting for {what} to sync first.")


def _refs(
    ctx: PassContext, customer_id: str, bill: Bill, classes: dict[int, str] | None
) -> tuple[InvoiceRefs | None, str]:
    """Items for each category on the bill; a missing mapping blocks the bill (code 5020)."""
    acts = {ln.activity_category_id for ln in bill.lines if ln.kind == LineKind.time}
    exps = {ln.expense_category_id for ln in bill.lines if ln.kind == LineKind.expense}
    for_act: dict[int | None, str] = {}
    for_exp: dict[int | None, str] = {}
    missing: list[str] = []
    for kind, cats, target in (("activity", acts, for_act), ("expense", exps, for_exp)):
        default = ctx.items.get((kind, 0))
        if default:
            target[None] = default
        for cat in cats:
            item = ctx.items.get((kind, cat or 0)) or default
            if item is None:
                missing.append(f"{kind} category {cat or '(none)'}")
            else:
                target[cat] = item
    option = TaxOption(ctx.settings.tax_option.value)
    taxed = [
        any(ln.primary_tax > 0 for ln in bill.lines),
        any(ln.secondary_tax > 0 for ln in bill.lines),
    ]
    tax_items = (ctx.items.get(("tax1", 0)), ctx.items.get(("tax2", 0)))
    if option != TaxOption.tax_codes:
        for i, name in ((0, bill.primary_tax_name), (1, bill.secondary_tax_name)):
            if taxed[i] and tax_items[i] is None:
                missing.append(f"tax {name or i + 1}")
    if missing:
        return None, ", ".join(missing)
    return InvoiceRefs(
        customer_id=customer_id,
        item_for_activity=for_act,
        item_for_expense=for_exp,
        tax_items=tax_items,
        currency=bill.currency if ctx.multicurrency else None,
        class_for_user=classes,
    ), ""


SLOT_OF = {
    (True, True): "both",
    (True, False): "primary",
    (False, True): "secondary",
    (False, False): "none",
}
SLOT_WORDS = {
    "both": "both taxes",
    "primary": "the first tax only",
    "secondary": "the second tax only",
    "none": "no tax",
}


def tax_codes_for(ctx: PassContext, bill: Bill) -> tuple[dict[tuple[bool, bool], str], str]:
    """The company tax code for each kind of line on the bill, or what is missing."""
    codes: dict[tuple[bool, bool], str] = {}
    for line in bill.lines:
        key = (line.primary_tax > 0, line.secondary_tax > 0)
        code = ctx.items.get((f"taxcode:{SLOT_OF[key]}", 0))
        if code is None:
            return {}, SLOT_WORDS[SLOT_OF[key]]
        codes[key] = code
    return codes, ""


def _find_doc(cls: type[Invoice] | type[CreditMemo], doc_number: str, marker: str):  # type: ignore[no-untyped-def]
    async def find(ctx: PassContext) -> Entity | None:
        rows = await ctx.qb.query(ctx.realm, cls, sql("DocNumber = ?", doc_number))
        ctx.requests += 1
        return next((r for r in rows if r.PrivateNote == marker), None)

    return find


def _total_check(expected: Decimal):  # type: ignore[no-untyped-def]
    def check(entity: Entity) -> Problem | None:
        total = getattr(entity, "TotalAmt", None)
        if total is not None and Decimal(str(total)) != expected:
            return Problem(
                "lawsync:total-mismatch",
                f"The invoice total is {total} but the bill's is {expected}.",
                "TotalAmt",
            )
        return None

    return check


async def plan_bills(ctx: PassContext, session: Session, ids: list[int]) -> Plan:
    out = Plan()
    bills = session.execute(select(Bill).where(Bill.id.in_(ids))).scalars().all()
    links = links_for(session, ctx.connection_id, BILL, ids)
    customers = qbo_ids(session, ctx.connection_id, "contact", {b.client_id for b in bills})
    numbers: dict[int, list[str]] = {}
    for bill_id, number in session.execute(
        select(bill_matters.c.bill_id, Matter.number)
        .join(Matter, Matter.id == bill_matters.c.matter_id)
        .where(bill_matters.c.bill_id.in_(ids))
        .order_by(Matter.number)
    ):
        numbers.setdefault(bill_id, []).append(number)
    timekeeper_classes: dict[int, str] = {}
    if ctx.settings.track_timekeepers:
        keepers = {ln.user_id for b in bills for ln in b.lines if ln.user_id}
        timekeeper_classes = qbo_ids(session, ctx.connection_id, "user", keepers)
    for bill in bills:
        rev, link = bill.revision, links.get(bill.id)
        copy = link.qbo_id if link is not None and link.status != CREATING else None
        if bill.state in (BillState.void, BillState.deleted):
            if copy:
                op: Op = "void" if bill.state == BillState.void else "delete"
                out.jobs.append(
                    Job(
                        BILL,
                        bill.id,
                        rev,
                        op,
                        copy_of(Invoice, link),
                    )
                )
            else:
                out.skip(BILL, bill.id)
            continue
        if bill.state not in LIVE and not copy:
            out.skip(BILL, bill.id)  # back to draft before it ever synced
            continue
        customer = customers.get(bill.client_id)
        if customer is None:
            out.problems.append(_not_ready(BILL, bill.id, rev, "the client"))
            continue
        problems = preflight.check_bill(
            bill,
            prefix=ctx.settings.bill_prefix,
            matter_numbers=numbers.get(bill.id, []),
            home_currency=ctx.home_currency,
            multicurrency=ctx.multicurrency,
        )
        if problems:
            p = problems[0]
            out.fail(
                BILL,
                bill.id,
                rev,
                Problem(p.code, "; ".join(x.message for x in problems), p.element),
            )
            continue
        classes = None
        if ctx.settings.track_timekeepers:
            keepers = {ln.user_id for ln in bill.lines if ln.user_id}
            classes = {k: v for k, v in timekeeper_classes.items() if k in keepers}
            if len(classes) < len(keepers):
                out.problems.append(_not_ready(BILL, bill.id, rev, "its timekeepers' classes"))
                continue
        refs, missing = _refs(ctx, customer, bill, classes)
        if refs is None:
            out.fail(
                BILL,
                bill.id,
                rev,
                Problem("5020", f"Not matched to a product or service: {missing}.", "ItemRef"),
            )
            continue
        option = TaxOption(ctx.settings.tax_option.value)
        since = ctx.settings.tax_codes_since
        if option == TaxOption.tax_codes and (since is None or bill.created_at < since):
            option = TaxOption.separate_lines  # tax codes apply to bills created afterwards only
        if option == TaxOption.tax_codes:
            codes, missing_code = tax_codes_for(ctx, bill)
            if missing_code:
                out.fail(
                    BILL,
                    bill.id,
                    rev,
                    Problem(
                        "6000",
                        "Make sure all your transactions have a tax code: no company tax "
                        f"code is chosen for lines with {missing_code}.",
                        "TaxCodeRef",
                    ),
                )
                continue
            refs = replace(refs, tax_code_for=codes)
        elif ctx.country != "US":
            exempt = ctx.items.get(("taxcode:none", 0))
            if exempt is None:
                out.fail(
                    BILL,
                    bill.id,
                    rev,
                    Problem(
                        "6000",
                        "Make sure all your transactions have a tax code: companies outside "
                        "the US need one on every line; choose the code for lines with no tax "
                        "(taxcode:none).",
                        "TaxCodeRef",
                    ),
                )
                continue
            refs = replace(refs, exempt_code=exempt)
        payload = mapping.invoice(
            bill,
            refs,
            prefix=ctx.settings.bill_prefix,
            option=option,
            matter_numbers=numbers.get(bill.id, []),
        )
        check = _total_check(Decimal(bill.total))
        if copy:
            out.jobs.append(
                Job(
                    BILL,
                    bill.id,
                    rev,
                    "update",
                    Invoice.model_validate(
                        {
                            **payload,
                            "Id": copy,
                            "SyncToken": link.sync_token if link else None,
                            "sparse": True,
                        }
                    ),
                    check=check,
                )
            )
        else:
            out.jobs.append(
                Job(
                    BILL,
                    bill.id,
                    rev,
                    "create",
                    Invoice.model_validate(payload),
                    find=_find_doc(Invoice, payload["DocNumber"], mapping.marker(BILL, bill.id)),
                    check=check,
                )
            )
    return out


def interest_candidates(ctx: PassContext, session: Session, after_id: int) -> list[int]:
    if not ctx.settings.export_bills:
        return []
    return dirty_ids(
        session,
        InterestCharge,
        INTEREST,
        ctx.connection_id,
        after_id=after_id,
        wanted_new=and_(
            InterestCharge.state == InterestChargeState.active,
            *_since(ctx, InterestCharge.charged_on),
        ),
        settle_failures=InterestCharge.state != InterestChargeState.active,
    )


async def plan_interest(ctx: PassContext, session: Session, ids: list[int]) -> Plan:
    out = Plan()
    charges = (
        session.execute(select(InterestCharge).where(InterestCharge.id.in_(ids))).scalars().all()
    )
    links = links_for(session, ctx.connection_id, INTEREST, ids)
    customers = qbo_ids(session, ctx.connection_id, "contact", {c.client_id for c in charges})
    bills = {
        b.id: b
        for b in session.execute(
            select(Bill).where(Bill.id.in_({c.bill_id for c in charges}))
        ).scalars()
    }
    item = ctx.items.get(("interest", 0)) or ctx.items.get(("activity", 0))
    for charge in charges:
        rev, link = charge.revision, links.get(charge.id)
        copy = link.qbo_id if link is not None and link.status != CREATING else None
        if charge.state == InterestChargeState.void:
            if copy:
                out.jobs.append(
                    Job(
                        INTEREST,
                        charge.id,
                        rev,
                        "void",
                        copy_of(Invoice, link),
                    )
                )
            else:
                out.skip(INTEREST, charge.id)
            continue
        customer = customers.get(charge.client_id)
        if customer is None:
            out.problems.append(_not_ready(INTEREST, charge.id, rev, "the client"))
            continue
        if item is None:
            out.fail(
                INTEREST,
                charge.id,
                rev,
                Problem(
                    "5020", "Interest charges are not matched to a product or service.", "ItemRef"
                ),
            )
            continue
        bill = bills[charge.bill_id]
        payload = mapping.interest_invoice(
            charge,
            bill.number,
            customer,
            item,
            prefix=ctx.settings.bill_prefix,
            due_date=charge.charged_on.isoformat(),
        )
        p = preflight._too_long("DocNumber", payload["DocNumber"], mapping.DOC_NUMBER_LIMIT)
        if p:
            out.fail(INTEREST, charge.id, rev, Problem(p.code, p.message, p.element))
            continue
        if copy:
            out.jobs.append(
                Job(
                    INTEREST,
                    charge.id,
                    rev,
                    "update",
                    Invoice.model_validate(
                        {
                            **payload,
                            "Id": copy,
                            "SyncToken": link.sync_token if link else None,
                            "sparse": True,
                        }
                    ),
                )
            )
        else:
            out.jobs.append(
                Job(
                    INTEREST,
                    charge.id,
                    rev,
                    "create",
                    Invoice.model_validate(payload),
                    find=_find_doc(
                        Invoice, payload["DocNumber"], mapping.marker(INTEREST, charge.id)
                    ),
                )
            )
    return out


def credit_candidates(ctx: PassContext, session: Session, after_id: int) -> list[int]:
    if not ctx.settings.export_bills:
        return []
    return dirty_ids(
        session,
        CreditNote,
        CREDIT,
        ctx.connection_id,
        after_id=after_id,
        wanted_new=and_(CreditNote.state == CreditNoteState.active, *_since(ctx, CreditNote.date)),
        settle_failures=CreditNote.state != CreditNoteState.active,
    )


async def plan_credits(ctx: PassContext, session: Session, ids: list[int]) -> Plan:
    """A credit memo, then a zero payment that applies it to the bill's invoice.

    Voiding the credit note removes the application first, then the credit memo.
    """
    out = Plan()
    notes = session.execute(select(CreditNote).where(CreditNote.id.in_(ids))).scalars().all()
    links = links_for(session, ctx.connection_id, CREDIT, ids)
    applied = links_for(session, ctx.connection_id, APPLICATION, ids)
    customers = qbo_ids(session, ctx.connection_id, "contact", {n.client_id for n in notes})
    invoices = qbo_ids(session, ctx.connection_id, BILL, {n.bill_id for n in notes})
    bills = {
        b.id: b
        for b in session.execute(
            select(Bill).where(Bill.id.in_({n.bill_id for n in notes}))
        ).scalars()
    }
    item = ctx.items.get(("credit", 0)) or ctx.items.get(("activity", 0))
    for note in notes:
        rev, link, app = note.revision, links.get(note.id), applied.get(note.id)
        copy = link.qbo_id if link is not None and link.status != CREATING else None
        app_copy = app.qbo_id if app is not None and app.status not in (CREATING, REMOVED) else None
        if note.state == CreditNoteState.void:
            if app_copy:
                out.jobs.append(
                    Job(
                        APPLICATION,
                        note.id,
                        rev,
                        "delete",
                        copy_of(Payment, app),
                    )
                )
            elif copy:
                out.jobs.append(
                    Job(
                        CREDIT,
                        note.id,
                        rev,
                        "delete",
                        copy_of(CreditMemo, link),
                    )
                )
            else:
                out.skip(CREDIT, note.id)
            continue
        customer, invoice = customers.get(note.client_id), invoices.get(note.bill_id)
        if customer is None or invoice is None:
            out.problems.append(_not_ready(CREDIT, note.id, rev, "the bill"))
            continue
        if item is None:
            out.fail(
                CREDIT,
                note.id,
                rev,
                Problem("5020", "Credit notes are not matched to a product or service.", "ItemRef"),
            )
            continue
        if copy is None:
            payload = mapping.credit_memo(
                note,
                customer,
                item,
                prefix=ctx.settings.bill_prefix,
                bill_number=bills[note.bill_id].number,
            )
            out.jobs.append(
                Job(
                    CREDIT,
                    note.id,
                    rev,
                    "create",
                    CreditMemo.model_validate(payload),
                    find=_find_doc(
                        CreditMemo, payload["DocNumber"], mapping.marker(CREDIT, note.id)
                    ),
                    tags={"then": APPLICATION},
                )
            )
            continue
        amount = mapping.format_money(note.amount)
        out.jobs.append(
            Job(
                APPLICATION,
                note.id,
                rev,
                "create",
                Payment.model_validate(
                    {
                        "CustomerRef": {"value": customer},
                        "TotalAmt": "0.00",
                        "TxnDate": note.date.isoformat(),
                        "PrivateNote": mapping.marker(APPLICATION, note.id),
                        "Line": [
                            {
                                "Amount": amount,
                                "LinkedTxn": [{"TxnId": invoice, "TxnType": "Invoice"}],
                            },
                            {
                                "Amount": amount,
                                "LinkedTxn": [{"TxnId": copy, "TxnType": "CreditMemo"}],
                            },
                        ],
                    }
                ),
            )
        )
    return out


def application_candidates(ctx: PassContext, session: Session, after_id: int) -> list[int]:
    """Credit memos synced but not yet applied, or voided notes whose memo is still there."""
    if not ctx.settings.export_bills:
        return []
    memo = SyncLink.__table__.alias("m")
    app = SyncLink.__table__.alias("a")
    unapplied = or_(app.c.id.is_(None), app.c.qbo_id.is_(None), app.c.status == CREATING)
    stmt = (
        select(CreditNote.id)
        .join(
            memo,
            and_(
                memo.c.connection_id == ctx.connection_id,
                memo.c.kind == CREDIT,
                memo.c.local_id == CreditNote.id,
                memo.c.qbo_id.is_not(None),
                memo.c.status != CREATING,
            ),
        )
        .outerjoin(
            app,
            and_(
                app.c.connection_id == ctx.connection_id,
                app.c.kind == APPLICATION,
                app.c.local_id == CreditNote.id,
            ),
        )
        .where(
            CreditNote.id > after_id,
            or_(
                and_(CreditNote.state == CreditNoteState.active, unapplied),
                and_(CreditNote.state == CreditNoteState.void, memo.c.status != REMOVED),
            ),
        )
        .order_by(CreditNote.id)
        .limit(200)
    )
    return list(session.execute(stmt).scalars())
