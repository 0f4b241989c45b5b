"""Hard costs paid in QuickBooks (expenses and cheques) → expense entries on the client's matter.

A Purchase of any payment type (cash or credit card: an expense; a cheque) dated on or after the
firm's start date is read line by line. Each category line on the firm's hard-costs account that
names a customer is one cost: several such lines on one cheque make one entry each, linked line
by line (the link's accounting-side id is ``<purchase>/<line>``). The customer must be a lawsync
contact's, and the contact must have one open matter; otherwise, and for a product/service line
naming a customer, the line becomes a failure saying what to do, and a choice of matter where
there are several.

While an entry is unbilled it follows its line: a changed amount, date, memo or payee is copied,
a removed line or a deleted Purchase deletes it. Once it is on a bill the bill is the book of
record, so a change becomes a failure naming each field that differs. lawsync's own cheques
(client funds disbursements) are never costs.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawsync.errors import RuleViolation
from lawsync.practice.models import Bill, Contact, ExpenseEntry, Matter
from lawsync.practice.services import imported_costs
from lawsync.practice.services.context import Actor, Ledger, get
from lawsync.practice.services.imported_costs import Cost
from lawsync.quickbooks import Entity, Purchase, QuickBooksError, sql
from lawsync.storage import utcnow
from lawsync.sync import links
from lawsync.sync.context import QUIET, PassContext
from lawsync.sync.imports import reasons
from lawsync.sync.imports.skeleton import Change
from lawsync.sync.kinds import Kind
from lawsync.sync.models import SyncFailure, SyncLink
from lawsync.sync.settings import active_connection

log = logging.getLogger(__name__)

ITEM_LINE = "lawsync:item-lines"
NO_CUSTOMER_LINK = "lawsync:hard-cost-customer-not-linked"
NO_MATTER = "lawsync:hard-cost-no-matter"
WHICH_MATTER = "lawsync:hard-cost-which-matter"
CHANGED_AFTER_BILLING = "lawsync:hard-cost-changed-after-billing"
CODES = (ITEM_LINE, NO_CUSTOMER_LINK, NO_MATTER, WHICH_MATTER, CHANGED_AFTER_BILLING)
OWN_MARKER = "lawsync:"  # the private note of every copy lawsync makes
PAGE = 500


@dataclass(frozen=True)
class Line:
    """One line of a Purchase that may be a hard cost."""

    purchase_id: str
    line_id: str
    customer_id: str
    customer_name: str
    cost: Cost
    item: bool = False  # a product/service line: refused

    @property
    def key(self) -> str:
        return f"{self.purchase_id}/{self.line_id}"

    @property
    def number(self) -> int:
        return reasons.line_number(self.purchase_id, self.line_id)

    def context(self, **more: Any) -> dict[str, Any]:
        return {
            "qbo_id": self.purchase_id,
            "line_id": self.line_id,
            "customer": self.customer_name,
            "customer_id": self.customer_id,
            **self.cost.shown(),
            **more,
        }


@dataclass
class Outcome:
    changed: int = 0
    failed_lines: set[int] = field(default_factory=set)


def _text(value: object) -> str:
    return str(value or "").strip()


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def cost_lines(found: Entity, account_id: str, start: dt.date | None) -> list[Line]:
    """The lines of a Purchase that are hard costs (category lines on the account) or refused
    ones (product/service lines), each naming a customer; none before the start date, for a
    credit card credit, or for lawsync's own cheques."""
    if not isinstance(found, Purchase) or found.Credit:
        return []
    if _text(found.PrivateNote).lower().startswith(OWN_MARKER):
        return []
    day = _date(found.TxnDate)
    if day is None or (start is not None and day < start):
        return []
    payee = _text(found.EntityRef.name if found.EntityRef else "")
    memo = _text(found.PrivateNote)
    out: list[Line] = []
    for index, line in enumerate(found.Line or [], start=1):
        amount = Decimal(str(line.Amount or 0))
        if amount <= 0:  # a voided cheque keeps its lines at zero
            continue
        extra = line.model_extra or {}
        item = extra.get("ItemBasedExpenseLineDetail") if line.DetailType else None
        description = _text(line.Description) or memo
        cost = Cost(day, amount, description, payee)
        line_id = _text(line.Id) or str(index)
        if line.DetailType == "ItemBasedExpenseLineDetail" and isinstance(item, dict):
            customer = item.get("CustomerRef") or {}
            if customer.get("value"):
                out.append(
                    Line(
                        str(found.Id),
                        line_id,
                        str(customer["value"]),
                        _text(customer.get("name")),
                        cost,
                        item=True,
                    )
                )
            continue
        detail = line.AccountBasedExpenseLineDetail
        if line.DetailType != "AccountBasedExpenseLineDetail" or detail is None:
            continue
        if detail.AccountRef.value != account_id or detail.CustomerRef is None:
            continue
        customer_ref = detail.CustomerRef
        out.append(Line(str(found.Id), line_id, customer_ref.value, _text(customer_ref.name), cost))
    return out


class HardCosts:
    """The importer of hard costs (see the module's docstring)."""

    kind = Kind.HARD_COST
    entities: tuple[str, ...] = ("Purchase",)

    def enabled(self, ctx: PassContext) -> bool:
        s = ctx.settings
        return bool(s.import_hard_costs and s.hard_costs_account)

    async def take(self, ctx: PassContext, changes: Sequence[Change]) -> int:
        changed = 0
        seen: set[str] = set()
        for change in changes:
            if change.entity in self.entities:
                seen.add(change.qbo_id)
                changed += self.apply(ctx, change.qbo_id, change.found)
        changed += await self.retry(ctx, skip=seen)
        return changed

    async def retry(self, ctx: PassContext, skip: set[str] | None = None) -> int:
        """Read again each Purchase whose failure a person asked to retry."""
        wanted = {
            qbo_id
            for _, _, qbo_id in reasons.retried(ctx, (Kind.HARD_COST_LINE, Kind.HARD_COST))
            if qbo_id not in (skip or set())
        }
        changed = 0
        for found_id, found in (await _read_many(ctx, sorted(wanted))).items():
            changed += self.apply(ctx, found_id, found)
        return changed

    async def compare_all(self, ctx: PassContext) -> int:
        """Every Purchase since the start date, and every one an entry came from."""
        start = ctx.settings.hard_costs_start_date
        where = sql("TxnDate >= ?", start.isoformat()) if start else ""
        found: dict[str, Entity | None] = {
            str(p.Id): p for p in await ctx.qb.query(ctx.realm, Purchase, where)
        }
        with ctx.ledger.uow(ctx.firm_id) as uow:
            linked = {
                str(q).split("/")[0]
                for q in uow.session.execute(
                    select(SyncLink.qbo_id).where(
                        SyncLink.connection_id == ctx.connection_id,
                        SyncLink.kind == self.kind,
                        SyncLink.status != links.REMOVED,
                    )
                ).scalars()
            }
        missing = sorted(linked - set(found))
        found.update(await _read_many(ctx, missing))
        changed = 0
        for purchase_id in sorted(set(found) | set(missing), key=_numeric):
            changed += self.apply(ctx, purchase_id, found.get(purchase_id))
        return changed

    def apply(self, ctx: PassContext, purchase_id: str, found: Entity | None) -> int:
        """Bring the ledger in line with one Purchase (None: deleted); how many entries changed.
        One transaction per Purchase, so one refused line never holds back another cheque."""
        with ctx.ledger.uow(ctx.firm_id) as uow:
            s = uow.session
            s.info[QUIET] = True
            if _lawsyncs_own(s, ctx, purchase_id):
                return 0
            account = ctx.settings.hard_costs_account or ""
            wanted = cost_lines(found, account, ctx.settings.hard_costs_start_date) if found else []
            token = found.SyncToken if found is not None else None
            outcome = Outcome()
            existing = _links_of(s, ctx, purchase_id)
            for line in wanted:
                link = existing.pop(line.key, None)
                if line.item:
                    _refuse_item_line(s, ctx, line, outcome)
                elif link is None:
                    _import(s, ctx, line, token, outcome)
                elif _moved_to_another_client(s, ctx, line, link):
                    _gone(s, ctx, link, False, outcome)
                    if _entry(s, link) is None:  # it went: the line comes in for its new client
                        _import(s, ctx, line, token, outcome)
                else:
                    _follow(s, ctx, line, link, token, outcome)
            for link in existing.values():
                _gone(s, ctx, link, found is None, outcome)
            _settle_other_lines(s, ctx, purchase_id, outcome.failed_lines)
            uow.commit()
            return outcome.changed


def _numeric(text: str) -> tuple[int, str]:
    return (int(text), "") if text.isdigit() else (0, text)


async def _read_many(ctx: PassContext, ids: Sequence[str]) -> dict[str, Entity | None]:
    """These Purchases as they are now; a deleted one is None."""
    out: dict[str, Entity | None] = dict.fromkeys(ids)
    for start in range(0, len(ids), PAGE):
        chunk = ids[start : start + PAGE]
        wanted = ", ".join(sql("?", i) for i in chunk)
        try:
            rows = await ctx.qb.query(ctx.realm, Purchase, f"Id IN ({wanted})")
        except QuickBooksError as error:  # pragma: no cover - a refused query: try again later
            log.warning("purchases %s not read: %s", chunk, error)
            for i in chunk:
                out.pop(i, None)
            continue
        for row in rows:
            out[str(row.Id)] = row
    return out


def _lawsyncs_own(session: Session, ctx: PassContext, purchase_id: str) -> bool:
    """A client funds cheque lawsync wrote (its number comes back through its own importer)."""
    return (
        session.execute(
            select(SyncLink.id).where(
                SyncLink.connection_id == ctx.connection_id,
                SyncLink.kind == Kind.TRUST_CHEQUE,
                SyncLink.qbo_id == purchase_id,
            )
        ).first()
        is not None
    )


def _links_of(session: Session, ctx: PassContext, purchase_id: str) -> dict[str, SyncLink]:
    rows = session.execute(
        select(SyncLink).where(
            SyncLink.connection_id == ctx.connection_id,
            SyncLink.kind == Kind.HARD_COST,
            SyncLink.qbo_id.like(f"{purchase_id}/%"),
            SyncLink.status != links.REMOVED,
        )
    ).scalars()
    return {str(r.qbo_id): r for r in rows}


def _actor(ctx: PassContext) -> Actor:
    return Actor(ctx.firm_id, None)


def _client_of(session: Session, ctx: PassContext, customer_id: str) -> Contact | None:
    local = session.execute(
        select(SyncLink.local_id).where(
            SyncLink.connection_id == ctx.connection_id,
            SyncLink.kind == Kind.CONTACT,
            SyncLink.qbo_id == customer_id,
        )
    ).scalar()
    if local is None:
        return None
    return session.execute(select(Contact).where(Contact.id == local)).scalar_one_or_none()


def _refuse_item_line(session: Session, ctx: PassContext, line: Line, outcome: Outcome) -> None:
    reasons.fail(
        session,
        ctx,
        Kind.HARD_COST_LINE,
        line.number,
        ITEM_LINE,
        f"Line {line.line_id} of expense {line.purchase_id} ({line.cost.payee or 'no payee'}, "
        f"{line.cost.amount:.2f} for {line.customer_name or 'a customer'}) is a product/service "
        "line; only category lines are imported as hard costs.",
        line.context(),
    )
    outcome.failed_lines.add(line.number)


def _import(
    session: Session, ctx: PassContext, line: Line, token: str | None, outcome: Outcome
) -> None:
    """A line not seen before: an entry on the client's one open matter, or why not."""
    client = _client_of(session, ctx, line.customer_id)
    where = f"line {line.line_id} of expense {line.purchase_id}"
    if client is None:
        reasons.fail(
            session,
            ctx,
            Kind.HARD_COST_LINE,
            line.number,
            NO_CUSTOMER_LINK,
            f"The customer {line.customer_name or line.customer_id!r} of {where} is not a "
            "lawsync contact's customer, so the cost has no client.",
            line.context(),
        )
        outcome.failed_lines.add(line.number)
        return
    matters = imported_costs.open_matters(session, client.id)
    if not matters:
        reasons.fail(
            session,
            ctx,
            Kind.HARD_COST_LINE,
            line.number,
            NO_MATTER,
            f"{client.display_name} has no open matter, so the cost on {where} "
            f"({line.cost.amount:.2f}) has nowhere to go.",
            line.context(client_id=client.id),
        )
        outcome.failed_lines.add(line.number)
        return
    if len(matters) > 1:
        choices = [{"id": m.id, "number": m.number, "description": m.description} for m in matters]
        reasons.fail(
            session,
            ctx,
            Kind.HARD_COST_LINE,
            line.number,
            WHICH_MATTER,
            f"{client.display_name} has {len(matters)} open matters: choose the one the cost on "
            f"{where} ({line.cost.amount:.2f}) belongs to.",
            line.context(client_id=client.id, matters=choices),
        )
        outcome.failed_lines.add(line.number)
        return
    record_line(session, ctx.firm_id, ctx.connection_id, line, matters[0], token)
    outcome.changed += 1


def record_line(
    session: Session,
    firm_id: int,
    connection_id: int,
    line: Line,
    matter: Matter,
    token: str | None,
) -> ExpenseEntry:
    """The entry for a line, its link, and its failure resolved, in the caller's transaction."""
    entry = imported_costs.record(session, Actor(firm_id, None), matter, line.cost, line.key)
    link = links.ensure(session, firm_id, connection_id, Kind.HARD_COST, entry.id)
    links.mark_synced(link, line.key, token, entry.revision)
    reasons.resolve(session, connection_id, Kind.HARD_COST_LINE, line.number)
    return entry


def _moved_to_another_client(
    session: Session, ctx: PassContext, line: Line, link: SyncLink
) -> bool:
    """The line now names another customer than the client whose matter the entry is on."""
    entry = _entry(session, link)
    if entry is None:
        return False
    client = _client_of(session, ctx, line.customer_id)
    owner = session.execute(select(Matter.client_id).where(Matter.id == entry.matter_id)).scalar()
    return client is None or client.id != owner


def _entry(session: Session, link: SyncLink) -> ExpenseEntry | None:
    return session.execute(
        select(ExpenseEntry).where(ExpenseEntry.id == link.local_id)
    ).scalar_one_or_none()


def _follow(
    session: Session,
    ctx: PassContext,
    line: Line,
    link: SyncLink,
    token: str | None,
    outcome: Outcome,
) -> None:
    """A line already imported: copy its change while unbilled; a failure once billed. The
    revision of the expense it was copied from, seen again, changes nothing."""
    if token is not None and link.sync_token == token:
        return
    entry = _entry(session, link)
    if entry is None:  # deleted in lawsync on purpose: not brought back
        link.status = links.REMOVED
        return
    differs = line.cost.differs_from(entry)
    if entry.bill_id is not None:
        if differs:
            _billed_differs(session, ctx, entry, line.purchase_id, differs)
        else:
            reasons.resolve(session, ctx.connection_id, Kind.HARD_COST, entry.id)
        return
    if imported_costs.revise(session, _actor(ctx), entry, line.cost):
        outcome.changed += 1
    links.mark_synced(link, line.key, token, entry.revision)
    reasons.resolve(session, ctx.connection_id, Kind.HARD_COST, entry.id)


def _bill_number(session: Session, bill_id: int) -> str:
    return str(session.execute(select(Bill.number).where(Bill.id == bill_id)).scalar() or bill_id)


def _billed_differs(
    session: Session,
    ctx: PassContext,
    entry: ExpenseEntry,
    purchase_id: str,
    differs: dict[str, tuple[str, str]],
    *,
    deleted: bool = False,
) -> None:
    number = _bill_number(session, entry.bill_id or 0)
    if deleted:
        what = "was removed in QuickBooks"
    else:
        what = "was changed in QuickBooks: " + "; ".join(
            f"{name} {mine or '(empty)'} in lawsync, {theirs or '(empty)'} in QuickBooks"
            for name, (mine, theirs) in differs.items()
        )
    reasons.fail(
        session,
        ctx,
        Kind.HARD_COST,
        entry.id,
        CHANGED_AFTER_BILLING,
        f"The hard cost on bill {number} (expense entry {entry.id}, from expense {purchase_id}) "
        f"{what}. The bill keeps what it was billed with.",
        {
            "qbo_id": purchase_id,
            "bill_id": entry.bill_id,
            "bill_number": number,
            "deleted": deleted,
            "differences": {k: {"lawsync": a, "quickbooks": b} for k, (a, b) in differs.items()},
        },
        revision=entry.revision,
    )


def _gone(
    session: Session, ctx: PassContext, link: SyncLink, deleted: bool, outcome: Outcome
) -> None:
    """The line is no longer a hard cost (removed, moved to another account or customer, or
    the Purchase deleted): the unbilled entry goes; a billed one stays, with a failure."""
    entry = _entry(session, link)
    purchase_id = str(link.qbo_id).split("/")[0]
    if entry is None:
        link.status = links.REMOVED
        return
    if entry.bill_id is not None:
        _billed_differs(session, ctx, entry, purchase_id, {}, deleted=True)
        return
    why = "its expense was deleted in QuickBooks" if deleted else "its line left QuickBooks"
    imported_costs.remove(session, _actor(ctx), entry, why)
    link.status, link.synced_at = links.REMOVED, utcnow()
    reasons.resolve(session, ctx.connection_id, Kind.HARD_COST, link.local_id)
    outcome.changed += 1


def _settle_other_lines(
    session: Session, ctx: PassContext, purchase_id: str, failing: set[int]
) -> None:
    """Lines of this Purchase that failed before and are no longer refused: resolved."""
    span = reasons.lines_of(purchase_id)
    if span is None:
        return
    for row in session.execute(
        select(SyncFailure).where(
            SyncFailure.connection_id == ctx.connection_id,
            SyncFailure.kind == Kind.HARD_COST_LINE,
            SyncFailure.local_id.between(*span),
            SyncFailure.resolved_at.is_(None),
        )
    ).scalars():
        if row.local_id not in failing:
            row.resolved_at = utcnow()


# ---- a person's choice -------------------------------------------------------------------------


class ChoiceRefused(RuleViolation):
    pass


def choose_matter(ledger: Ledger, actor: Actor, failure_id: int, matter_id: int) -> ExpenseEntry:
    """Import the line of a "which matter" failure onto the matter chosen (one of those it
    offered, or any open matter of the client): the entry is made now and the failure closes."""
    actor.require_admin("choose the matter of an imported hard cost")
    with ledger.uow(actor) as uow:
        s = uow.session
        row = get(s, SyncFailure, failure_id)
        if row.resolved_at is not None or row.code not in (WHICH_MATTER, NO_MATTER):
            raise ChoiceRefused(
                "This failure does not ask for a matter (or is resolved already).",
                code="no_choice",
                field="matter_id",
            )
        matter = get(s, Matter, matter_id, field="matter_id")
        context = dict(row.context)
        if matter.client_id != context.get("client_id") or matter.status.value != "open":
            raise ChoiceRefused(
                "Choose an open matter of the cost's client.",
                code="matter_not_offered",
                field="matter_id",
            )
        connection = active_connection(s)
        if connection is None or connection.id != row.connection_id:
            raise ChoiceRefused(
                "This failure belongs to a QuickBooks company that is no longer connected.",
                code="not_connected",
            )
        line = Line(
            str(context["qbo_id"]),
            str(context["line_id"]),
            str(context.get("customer_id", "")),
            str(context.get("customer", "")),
            Cost(
                dt.date.fromisoformat(str(context["date"])),
                Decimal(str(context["amount"])),
                str(context.get("description", "")),
                str(context.get("payee", "")),
            ),
        )
        entry = record_line(s, actor.firm_id, row.connection_id, line, matter, None)
        row.context = {**context, "chosen_matter_id": matter.id}
        uow.commit()
        return entry
