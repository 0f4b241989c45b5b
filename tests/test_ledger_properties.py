"""Property-based test of the practice ledger: random sequences of use cases, invariants after each.

A hypothesis state machine drives the service layer (not HTTP) of a fresh firm through bills,
payments, credit notes and client funds movements, with Decimal hours, rates and tax rates of
several decimal places. After every step it checks, against the database:

* bill arithmetic: each line is quantity x price rounded half-up to cents, taxes are rounded at the
  line, total = amounts + taxes - discount, balance = total - paid - credited (never negative),
  paid/credited agree with the payments and credit notes, and a bill is `paid` iff it is approved
  with nothing owing;
* client funds: no (account, client, matter) bucket is negative and each equals the sum of its
  signed transactions;
* the ledger report: running balances end on each bucket's closing, the report closes on the
  account balance, and with a date range opening + movements = closing.

Each operation's outcome is predicted from the state before it: an operation the books allow must
succeed, one they forbid must be refused with a PracticeError, and a refused one must leave every
row of the firm exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from lawsync.practice.commands import (
    AllocationIn,
    BillCreate,
    BillLineEdit,
    BillSettingsUpdate,
    BillUpdate,
    ClientFundsAccountCreate,
    ContactCreate,
    CreditNoteCreate,
    ExpenseEntryCreate,
    FirmCreate,
    MatterCreate,
    PaymentCreate,
    PaymentUpdate,
    TimeEntryCreate,
    TrustDeposit,
    TrustDisbursement,
    TrustReversal,
)
from lawsync.practice.errors import PracticeError
from lawsync.practice.models import (
    AuditEvent,
    Bill,
    BillLine,
    BillSettings,
    BillState,
    ClientFundsBalance,
    ClientFundsTransaction,
    ContactKind,
    CreditNote,
    CreditNoteState,
    DiscountKind,
    ExpenseEntry,
    Payment,
    PaymentAllocation,
    PaymentSource,
    PaymentState,
    TimeEntry,
    TrustTxnKind,
    bill_matters,
)
from lawsync.practice.services import (
    adjustments,
    bill_settings,
    bills,
    client_funds,
    contacts,
    entries,
    payments,
    reports,
)
from lawsync.practice.services.context import Actor, Ledger
from lawsync.practice.services.firms import create_firm

D0 = dt.date(2026, 1, 5)
CENT = Decimal("0.01")
ZERO = Decimal("0")
APPROVED = (BillState.approved, BillState.paid)

days = st.integers(min_value=0, max_value=60).map(lambda n: D0 + dt.timedelta(days=n))
# Besides arbitrary values of four decimals, quantities in halves and quarters and prices in whole
# cents, so that products land exactly on half a cent and the rounding rule matters. An entry
# records at most 24 hours (lawsync.practice.fields).
quantities = st.one_of(
    st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("24"), places=4),
    st.sampled_from(["0.5", "1.5", "0.25", "2.5", "0.125", "0.1"]).map(Decimal),
)
prices = st.one_of(
    st.decimals(min_value=Decimal("0"), max_value=Decimal("1500"), places=4),
    st.decimals(min_value=Decimal("0"), max_value=Decimal("1500"), places=2),
)
percents = st.one_of(
    st.decimals(min_value=Decimal("0"), max_value=Decimal("30"), places=4),
    st.sampled_from(["5", "2.5", "12.5", "7.5", "0.5"]).map(Decimal),
)
money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("3000"), places=2)
picks = st.integers(min_value=0, max_value=10**6)
discount_kinds = st.sampled_from(DiscountKind)
pct_values = st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=4)
amt_values = st.decimals(min_value=Decimal("0"), max_value=Decimal("3000"), places=4)
Work = tuple[bool, int, Decimal, Decimal, dt.date]
work = st.lists(st.tuples(st.booleans(), picks, quantities, prices, days), min_size=1, max_size=5)
# 0: any bill; otherwise one in an approved state when there is one.
prefer = st.integers(min_value=0, max_value=3)


def cents(value: Decimal) -> Decimal:
    """The rounding rule, written out independently of lawsync.money."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def pick(items: list[Any], n: int) -> Any:
    return items[n % len(items)]


def dump(ledger: Ledger, actor: Actor) -> dict[str, list[Any]]:
    """Every row of the firm's books, to compare before and after a refused operation."""
    models = (
        Bill,
        BillLine,
        TimeEntry,
        ExpenseEntry,
        Payment,
        PaymentAllocation,
        CreditNote,
        ClientFundsTransaction,
        ClientFundsBalance,
        BillSettings,
        AuditEvent,
    )
    out: dict[str, list[Any]] = {}
    with ledger.uow(actor) as uow:
        s = uow.session
        for model in models:
            table = model.__table__  # type: ignore[attr-defined]
            out[table.name] = [
                tuple(r)
                for r in s.execute(
                    select(table).where(table.c.firm_id == actor.firm_id).order_by(table.c.id)
                )
            ]
        out["bill_matters"] = [
            tuple(r)
            for r in s.execute(
                select(bill_matters)
                .join(Bill.__table__, Bill.__table__.c.id == bill_matters.c.bill_id)
                .where(Bill.__table__.c.firm_id == actor.firm_id)
                .order_by(bill_matters.c.bill_id, bill_matters.c.matter_id)
            )
        ]
    return out


class LedgerMachine(RuleBasedStateMachine):
    ledger: Ledger

    def __init__(self) -> None:
        super().__init__()
        tag = uuid.uuid4().hex[:10]
        made = create_firm(
            self.ledger, FirmCreate(name=f"Prop {tag}", admin_email=f"a-{tag}@example.com")
        )
        self.actor = Actor(made.firm.id, made.admin.id)
        self.accounts = [
            client_funds.create_account(
                self.ledger, self.actor, ClientFundsAccountCreate(name=f"Trust {i}")
            ).id
            for i in (1, 2)
        ]
        self.clients: list[int] = []
        self.matters: dict[int, list[int]] = defaultdict(list)  # client -> matters
        self.bills: list[int] = []
        self.payments: list[int] = []
        self.credit_notes: list[int] = []
        self.txns: list[int] = []
        # What each invariant report last read: the account's transaction and balance rows.
        self.reported: dict[tuple[int, dt.date | None, dt.date | None], Any] = {}
        self._add_client()

    # -- helpers -------------------------------------------------------------------------------

    def _add_client(self) -> None:
        c = contacts.create_contact(
            self.ledger,
            self.actor,
            ContactCreate(kind=ContactKind.person, last_name=f"Client {len(self.clients) + 1}"),
        )
        self.clients.append(c.id)
        self._add_matter(c.id)

    def _add_matter(self, client_id: int) -> None:
        m = contacts.create_matter(self.ledger, self.actor, MatterCreate(client_id=client_id))
        self.matters[client_id].append(m.id)

    def attempt(self, expect_ok: bool, op: Callable[[], Any]) -> Any:
        """Run one use case; it must succeed iff expected, and a refusal must write nothing.

        The books are read beforehand only for an operation expected to be refused: refusing
        one that is allowed fails the test whatever was written.
        """
        before = None if expect_ok else dump(self.ledger, self.actor)
        try:
            result = op()
        except PracticeError as exc:
            assert not expect_ok, f"refused an allowed operation: {exc!r}"
            assert dump(self.ledger, self.actor) == before, f"refused {exc!r} but wrote rows"
            return None
        assert expect_ok, "an operation the books forbid was accepted"
        return result

    def _bill(self, bill_id: int) -> Bill:
        return bills.get_bill(self.ledger, self.actor, bill_id)

    def _choose_bill(self, n: int, pref: int) -> Bill:
        """Any bill, or (mostly) one that is approved, so payments and credits have work to do."""
        with self.ledger.uow(self.actor) as uow:
            rows = list(uow.session.execute(select(Bill).order_by(Bill.id)).scalars())
        approved = [b for b in rows if b.state in APPROVED]
        return pick(approved if pref and approved else rows, n)

    def _bucket(self, account_id: int, client_id: int, matter_id: int | None) -> Decimal:
        return client_funds.bucket_balance(
            self.ledger, self.actor, account_id, client_id, matter_id
        )

    def _matter_or_none(self, client_id: int, n: int) -> int | None:
        ms = self.matters[client_id]
        return None if n % (len(ms) + 1) == len(ms) else ms[n % (len(ms) + 1)]

    def _open_bills(self, client_id: int) -> list[Bill]:
        with self.ledger.uow(self.actor) as uow:
            return list(
                uow.session.execute(
                    select(Bill).where(Bill.client_id == client_id).order_by(Bill.id)
                ).scalars()
            )

    # -- work ----------------------------------------------------------------------------------

    @rule()
    def add_client(self) -> None:
        self._add_client()

    @rule(c=picks)
    def add_matter(self, c: int) -> None:
        self._add_matter(pick(self.clients, c))

    @rule(c=picks, m=picks, hours=quantities, rate=prices, day=days)
    def time_entry(self, c: int, m: int, hours: Decimal, rate: Decimal, day: dt.date) -> None:
        self._time_entry(pick(self.clients, c), m, hours, rate, day)

    def _time_entry(
        self, client_id: int, m: int, hours: Decimal, rate: Decimal, day: dt.date
    ) -> None:
        matter_id = pick(self.matters[client_id], m)
        e = entries.create_time_entry(
            self.ledger,
            self.actor,
            TimeEntryCreate(matter_id=matter_id, date=day, hours=hours, rate=rate),
        )
        assert e.amount == cents(hours * rate)

    @rule(c=picks, m=picks, qty=quantities, price=prices, day=days)
    def expense_entry(self, c: int, m: int, qty: Decimal, price: Decimal, day: dt.date) -> None:
        self._expense_entry(pick(self.clients, c), m, qty, price, day)

    def _expense_entry(
        self, client_id: int, m: int, qty: Decimal, price: Decimal, day: dt.date
    ) -> None:
        matter_id = pick(self.matters[client_id], m)
        e = entries.create_expense_entry(
            self.ledger,
            self.actor,
            ExpenseEntryCreate(matter_id=matter_id, date=day, quantity=qty, unit_price=price),
        )
        assert e.amount == cents(qty * price)

    @rule(
        p_rate=percents,
        s_rate=percents,
        flags=st.tuples(st.booleans(), st.booleans(), st.booleans(), st.booleans()),
    )
    def bill_settings(
        self, p_rate: Decimal, s_rate: Decimal, flags: tuple[bool, bool, bool, bool]
    ) -> None:
        bill_settings.update_bill_settings(
            self.ledger,
            self.actor,
            BillSettingsUpdate(
                primary_tax_name="GST",
                primary_tax_rate=p_rate,
                primary_tax_on_time=flags[0],
                primary_tax_on_expenses=flags[1],
                secondary_tax_name="PST",
                secondary_tax_rate=s_rate,
                secondary_tax_on_time=flags[2],
                secondary_tax_on_expenses=flags[3],
            ),
        )

    # -- bills ---------------------------------------------------------------------------------

    @rule(c=picks, kind=discount_kinds, pct=pct_values, amt=amt_values)
    def create_bill(self, c: int, kind: DiscountKind, pct: Decimal, amt: Decimal) -> None:
        self._create_bill(pick(self.clients, c), kind, pct, amt)

    @initialize(c=picks, work=work, kind=discount_kinds, pct=pct_values, amt=amt_values)
    def seed_bill(
        self, c: int, work: list[Work], kind: DiscountKind, pct: Decimal, amt: Decimal
    ) -> None:
        self.bill_work(c, work, kind, pct, amt, True)
        if self.bills:
            # ...and a first payment on it, so that editing and deleting payments start early.
            bill = self._bill(self.bills[-1])
            if bill.state == BillState.approved:
                part = max(CENT, cents(bill.balance / 2))
                cmd = PaymentCreate(
                    client_id=bill.client_id,
                    date=D0,
                    amount=part,
                    allocations=[AllocationIn(bill_id=bill.id, amount=part)],
                )
                p = self.attempt(
                    True, lambda: payments.create_payment(self.ledger, self.actor, cmd)
                )
                self.payments.append(p.id)

    @rule(
        c=picks,
        work=work,
        kind=discount_kinds,
        pct=pct_values,
        amt=amt_values,
        approve=st.booleans(),
    )
    def bill_work(
        self,
        c: int,
        work: list[Work],
        kind: DiscountKind,
        pct: Decimal,
        amt: Decimal,
        approve: bool,
    ) -> None:
        """Record some time and expenses for a client, bill them, and maybe approve the bill."""
        client_id = pick(self.clients, c)
        for is_time, m, qty, price, day in work:
            if is_time:
                self._time_entry(client_id, m, qty, price, day)
            else:
                self._expense_entry(client_id, m, qty, price, day)
        bill_id = self._create_bill(client_id, kind, pct, amt)
        if approve and bill_id is not None:
            self._approve(bill_id)

    def _create_bill(
        self, client_id: int, kind: DiscountKind, pct: Decimal, amt: Decimal
    ) -> int | None:
        value = {DiscountKind.none: ZERO, DiscountKind.percent: pct, DiscountKind.amount: amt}[kind]
        subtotal = taxes = ZERO
        count = 0
        with self.ledger.uow(self.actor) as uow:
            s = uow.session
            rules = bill_settings.tax_rules(bill_settings.load(s))
            for e in s.execute(
                select(TimeEntry).where(
                    TimeEntry.matter_id.in_(self.matters[client_id]), TimeEntry.bill_id.is_(None)
                )
            ).scalars():
                a = cents(e.hours * e.rate)
                subtotal += a
                taxes += sum((cents(a * r.rate / 100) for r in rules if r.on_time), ZERO)
                count += 1
            for x in s.execute(
                select(ExpenseEntry).where(
                    ExpenseEntry.matter_id.in_(self.matters[client_id]),
                    ExpenseEntry.bill_id.is_(None),
                )
            ).scalars():
                a = cents(x.quantity * x.unit_price)
                subtotal += a
                taxes += sum((cents(a * r.rate / 100) for r in rules if r.on_expenses), ZERO)
                count += 1
        off = {
            DiscountKind.none: ZERO,
            DiscountKind.percent: cents(subtotal * value / 100),
            DiscountKind.amount: cents(value),
        }[kind]
        total = subtotal + taxes - off
        cmd = BillCreate(
            client_id=client_id, issue_date=D0, discount_kind=kind, discount_value=value
        )
        ok = count > 0 and total >= 0
        b = self.attempt(ok, lambda: bills.create_bill(self.ledger, self.actor, cmd))
        if b is not None:
            assert len(b.lines) == count
            assert b.total == total
            self.bills.append(b.id)
            return int(b.id)
        return None

    @precondition(lambda self: self.bills)
    @rule(b=picks)
    def approve(self, b: int) -> None:
        self._approve(pick(self.bills, b))

    def _approve(self, bill_id: int) -> None:
        bill = self._bill(bill_id)
        ok = bill.state == BillState.draft and bool(bill.lines) and bill.total >= 0
        self.attempt(ok, lambda: bills.approve_bill(self.ledger, self.actor, bill.id))

    @precondition(lambda self: self.bills)
    @rule(
        b=picks,
        pref=prefer,
        edits=st.lists(st.tuples(picks, st.none() | quantities, st.none() | prices), max_size=3),
        removes=st.lists(picks, max_size=2),
        discount=st.none()
        | st.tuples(
            st.sampled_from(DiscountKind),
            st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=4),
        ),
    )
    def edit_bill(
        self,
        b: int,
        pref: int,
        edits: list[tuple[int, Decimal | None, Decimal | None]],
        removes: list[int],
        discount: tuple[DiscountKind, Decimal] | None,
    ) -> None:
        bill = self._choose_bill(b, pref)
        lines = {ln.id: ln for ln in bill.lines}
        ids = sorted(lines)
        line_edits: dict[int, BillLineEdit] = {}
        removed: set[int] = set()
        if ids:
            for n, q, p in edits:
                lid = pick(ids, n)
                line_edits[lid] = BillLineEdit(id=lid, quantity=q, price=p)
            removed = {pick(ids, n) for n in removes}
        kind, value = discount or (bill.discount_kind, Decimal(bill.discount_value))
        # The expected outcome, by this test's own arithmetic.
        subtotal = taxes = ZERO
        for lid, ln in lines.items():
            if lid in removed:
                continue
            ed = line_edits.get(lid)
            q = ed.quantity if ed and ed.quantity is not None else ln.quantity
            p = ed.price if ed and ed.price is not None else ln.price
            a = cents(q * p)
            subtotal += a
            taxes += cents(a * ln.primary_tax_rate / 100) + cents(a * ln.secondary_tax_rate / 100)
        off = (
            cents(subtotal * value / 100)
            if kind == DiscountKind.percent
            else cents(value)
            if kind == DiscountKind.amount
            else ZERO
        )
        total = subtotal + taxes - off
        ok = (
            bill.state not in (BillState.void, BillState.deleted)
            and total >= 0
            and total - bill.paid_total - bill.credited_total >= 0
        )
        cmd = BillUpdate(
            lines=list(line_edits.values()),
            remove_line_ids=sorted(removed),
            discount_kind=discount[0] if discount else None,
            discount_value=discount[1] if discount else None,
        )
        after = self.attempt(ok, lambda: bills.update_bill(self.ledger, self.actor, bill.id, cmd))
        if after is not None:
            assert after.total == total

    @precondition(lambda self: self.bills)
    @rule(b=picks, pref=prefer)
    def void(self, b: int, pref: int) -> None:
        bill = self._choose_bill(b, pref)
        ok = bill.state in APPROVED and bill.paid_total == 0 and bill.credited_total == 0
        self.attempt(ok, lambda: bills.void_bill(self.ledger, self.actor, bill.id, "test"))

    @precondition(lambda self: self.bills)
    @rule(b=picks)
    def delete_bill(self, b: int) -> None:
        bill = self._bill(pick(self.bills, b))
        ok = (
            bill.state not in (BillState.void, BillState.deleted)
            and bill.paid_total == 0
            and bill.credited_total == 0
        )
        self.attempt(ok, lambda: bills.delete_bill(self.ledger, self.actor, bill.id))
        if ok and bill.state == BillState.draft:
            self.bills.remove(bill.id)

    # -- payments and credit notes -------------------------------------------------------------

    def _allocations(
        self,
        client_id: int,
        shares: list[tuple[int, Decimal, str]],
        pref: int,
        old: dict[int, Decimal],
    ) -> list[tuple[Bill, Decimal]]:
        """Allocations to distinct bills of the client: an amount, part or exactly what is owed."""
        candidates = self._open_bills(client_id)
        payable = [b for b in candidates if b.state == BillState.approved or b.id in old]
        if pref and payable:
            candidates = payable
        chosen: dict[int, tuple[Bill, Decimal]] = {}
        for n, amount, how in shares:
            if not candidates:
                break
            bill = pick(candidates, n)
            owing = Decimal(bill.balance) + old.get(bill.id, ZERO)
            if how == "whole" and owing > 0:
                amount = owing
            elif how == "part" and owing > CENT:
                amount = max(CENT, cents(owing * amount / 3000))
            if bill.id not in chosen:
                chosen[bill.id] = (bill, amount)
        return list(chosen.values())

    def _funded_bucket(
        self, client_id: int | None, n: int, m: int, pref: int
    ) -> tuple[int, int, int | None]:
        """An (account, client, matter); mostly one that holds money when there is one."""
        with self.ledger.uow(self.actor) as uow:
            stmt = select(ClientFundsBalance).where(ClientFundsBalance.balance > 0)
            if client_id is not None:
                stmt = stmt.where(ClientFundsBalance.client_id == client_id)
            funded = [
                (b.account_id, b.client_id, b.matter_key or None)
                for b in uow.session.execute(stmt.order_by(ClientFundsBalance.id)).scalars()
            ]
        if pref and funded:
            return pick(funded, n)
        cid = pick(self.clients, n) if client_id is None else client_id
        return pick(self.accounts, n), cid, self._matter_or_none(cid, m)

    allocation_shares = st.lists(
        st.tuples(picks, money, st.sampled_from(["given", "part", "whole", "whole"])),
        min_size=1,
        max_size=3,
    )

    @precondition(lambda self: self.bills)
    @rule(
        b=picks,
        pref=prefer,
        shares=allocation_shares,
        trust=st.booleans(),
        acct=picks,
        m=picks,
        day=days,
    )
    def pay(
        self,
        b: int,
        pref: int,
        shares: list[tuple[int, Decimal, str]],
        trust: bool,
        acct: int,
        m: int,
        day: dt.date,
    ) -> None:
        client_id = self._choose_bill(b, pref).client_id
        allocs = self._allocations(client_id, shares, pref, {})
        if not allocs:
            return
        amount = sum((a for _, a in allocs), ZERO)
        ok = all(b.state == BillState.approved and a <= b.balance for b, a in allocs)
        account_id: int | None = None
        matter_id: int | None = None
        if trust:
            account_id, _, matter_id = self._funded_bucket(client_id, acct, m, pref)
        if account_id is not None:
            held = self._bucket(account_id, client_id, matter_id)
            if pref > 1 and ok and amount > held:
                # Mostly, the retainer that the payment will draw on comes in first.
                self._deposit(account_id, client_id, matter_id, amount - held, day)
                held = amount
            ok = ok and amount <= held
        cmd = PaymentCreate(
            client_id=client_id,
            date=day,
            amount=amount,
            source=PaymentSource.client_funds if trust else PaymentSource.operating,
            client_funds_account_id=account_id,
            matter_id=matter_id,
            allocations=[AllocationIn(bill_id=b.id, amount=a) for b, a in allocs],
        )
        p = self.attempt(ok, lambda: payments.create_payment(self.ledger, self.actor, cmd))
        if p is not None:
            self.payments.append(p.id)

    @precondition(lambda self: self.payments)
    @rule(p=picks, pref=prefer, shares=allocation_shares, day=days)
    def edit_payment(
        self, p: int, pref: int, shares: list[tuple[int, Decimal, str]], day: dt.date
    ) -> None:
        payment = payments.get_payment(self.ledger, self.actor, pick(self.payments, p))
        old = {a.bill_id: Decimal(a.amount) for a in payment.allocations}
        allocs = self._allocations(payment.client_id, shares, pref, old)
        if not allocs:
            return
        amount = sum((a for _, a in allocs), ZERO)
        ok = payment.state == PaymentState.active
        for b, a in allocs:
            owing = Decimal(b.balance) + old.get(b.id, ZERO)
            ok = ok and b.state in APPROVED and owing > 0 and a <= owing
        if payment.source == PaymentSource.client_funds and ok:
            assert payment.client_funds_account_id is not None
            held = self._bucket(
                payment.client_funds_account_id, payment.client_id, payment.matter_id
            )
            ok = amount <= held + Decimal(payment.amount)
        cmd = PaymentUpdate(
            date=day,
            amount=amount,
            allocations=[AllocationIn(bill_id=b.id, amount=a) for b, a in allocs],
            reason="edited",
        )
        self.attempt(ok, lambda: payments.update_payment(self.ledger, self.actor, payment.id, cmd))

    @precondition(lambda self: self.payments)
    @rule(p=picks)
    def delete_payment(self, p: int) -> None:
        payment = payments.get_payment(self.ledger, self.actor, pick(self.payments, p))
        ok = payment.state == PaymentState.active
        self.attempt(ok, lambda: payments.delete_payment(self.ledger, self.actor, payment.id))

    @precondition(lambda self: self.bills)
    @rule(b=picks, pref=prefer, amount=money, whole=st.booleans(), day=days)
    def credit_note(self, b: int, pref: int, amount: Decimal, whole: bool, day: dt.date) -> None:
        bill = self._choose_bill(b, pref)
        if whole and bill.balance > 0:
            amount = Decimal(bill.balance)
        ok = bill.state == BillState.approved and amount <= bill.balance
        cmd = CreditNoteCreate(bill_id=bill.id, amount=amount, date=day, reason="goodwill")
        note = self.attempt(
            ok, lambda: adjustments.create_credit_note(self.ledger, self.actor, cmd)
        )
        if note is not None:
            self.credit_notes.append(note.id)

    @precondition(lambda self: self.credit_notes)
    @rule(n=picks)
    def void_credit_note(self, n: int) -> None:
        note = adjustments.get_credit_note(self.ledger, self.actor, pick(self.credit_notes, n))
        ok = note.state == CreditNoteState.active
        self.attempt(
            ok, lambda: adjustments.void_credit_note(self.ledger, self.actor, note.id, "oops")
        )

    # -- client funds --------------------------------------------------------------------------

    @initialize(acct=picks, c=picks, m=picks, amount=money, day=days)
    def seed_deposit(self, acct: int, c: int, m: int, amount: Decimal, day: dt.date) -> None:
        self.deposit(acct, c, m, amount, day)

    @rule(acct=picks, c=picks, m=picks, amount=money, day=days)
    def deposit(self, acct: int, c: int, m: int, amount: Decimal, day: dt.date) -> None:
        client_id = pick(self.clients, c)
        matter_id = self._matter_or_none(client_id, m)
        self._deposit(pick(self.accounts, acct), client_id, matter_id, amount, day)

    def _deposit(
        self, account_id: int, client_id: int, matter_id: int | None, amount: Decimal, day: dt.date
    ) -> None:
        cmd = TrustDeposit(
            kind="deposit",
            account_id=account_id,
            client_id=client_id,
            matter_id=matter_id,
            amount=amount,
            date=day,
            source="Retainer",
        )
        t = self.attempt(True, lambda: client_funds.record_deposit(self.ledger, self.actor, cmd))
        self.txns.append(t.id)

    @rule(
        acct=picks,
        m=picks,
        pref=prefer,
        cheques=st.lists(
            st.tuples(money, st.sampled_from(["given", "part", "part", "whole", "whole", "over"])),
            min_size=1,
            max_size=4,
        ),
        day=days,
    )
    def disburse(
        self, acct: int, m: int, pref: int, cheques: list[tuple[Decimal, str]], day: dt.date
    ) -> None:
        """One to three payments out of the same bucket: some amount, part, all of it, or more."""
        account_id, client_id, matter_id = self._funded_bucket(None, acct, m, pref)
        for amount, how in cheques:
            held = self._bucket(account_id, client_id, matter_id)
            if how == "whole" and held > 0:
                amount = held
            elif how == "part" and held > CENT:
                amount = max(CENT, cents(held * amount / 3000))
            elif how == "over":
                amount = held + CENT
            cmd = TrustDisbursement(
                kind="disbursement",
                account_id=account_id,
                client_id=client_id,
                matter_id=matter_id,
                amount=amount,
                date=day,
                payee_name="Registry",
            )
            t = self.attempt(
                amount <= held,
                lambda cmd=cmd: client_funds.record_disbursement(self.ledger, self.actor, cmd),
            )
            if t is not None:
                self.txns.append(t.id)

    @precondition(lambda self: self.txns)
    @rule(t=picks)
    def reverse(self, t: int) -> None:
        txn = client_funds.get_transaction(self.ledger, self.actor, pick(self.txns, t))
        with self.ledger.uow(self.actor) as uow:
            already = uow.session.execute(
                select(ClientFundsTransaction.id).where(
                    ClientFundsTransaction.reverses_id == txn.id
                )
            ).first()
        held = self._bucket(txn.account_id, txn.client_id, txn.matter_id)
        ok = (
            txn.kind in (TrustTxnKind.deposit, TrustTxnKind.disbursement)
            and not already
            and held - Decimal(txn.amount) >= 0
        )
        r = self.attempt(
            ok,
            lambda: client_funds.reverse_transaction(
                self.ledger, self.actor, txn.id, TrustReversal(reason="mistake")
            ),
        )
        if r is not None:
            self.txns.append(r.id)

    @rule(acct=picks, a=days, b=days)
    def report_for_a_period(self, acct: int, a: dt.date, b: dt.date) -> None:
        self._check_report(pick(self.accounts, acct), min(a, b), max(a, b))

    # -- invariants ----------------------------------------------------------------------------

    @invariant()
    def bills_add_up(self) -> None:
        with self.ledger.uow(self.actor) as uow:
            s = uow.session
            paid: dict[int, Decimal] = defaultdict(lambda: ZERO)
            for bill_id, amount in s.execute(
                select(PaymentAllocation.bill_id, PaymentAllocation.amount)
                .join(Payment, Payment.id == PaymentAllocation.payment_id)
                .where(Payment.state == PaymentState.active)
            ):
                paid[bill_id] += amount
            credited: dict[int, Decimal] = defaultdict(lambda: ZERO)
            for bill_id, amount in s.execute(
                select(CreditNote.bill_id, CreditNote.amount).where(
                    CreditNote.state == CreditNoteState.active
                )
            ):
                credited[bill_id] += amount
            for bill in s.execute(select(Bill)).scalars():
                self._check_bill(bill, paid[bill.id], credited[bill.id])

    def _check_bill(self, bill: Bill, paid: Decimal, credited: Decimal) -> None:
        where = f"bill {bill.number} ({bill.state.value})"
        subtotal = taxes = ZERO
        for ln in bill.lines:
            assert ln.amount == cents(ln.quantity * ln.price), where
            assert ln.primary_tax == cents(ln.amount * ln.primary_tax_rate / 100), where
            assert ln.secondary_tax == cents(ln.amount * ln.secondary_tax_rate / 100), where
            subtotal += ln.amount
            taxes += ln.primary_tax + ln.secondary_tax
        value = Decimal(bill.discount_value)
        off = {
            DiscountKind.none: ZERO,
            DiscountKind.percent: cents(subtotal * value / 100),
            DiscountKind.amount: cents(value),
        }[bill.discount_kind]
        assert bill.discount_total == off, where
        assert bill.subtotal == subtotal, where
        assert bill.primary_tax_total + bill.secondary_tax_total == taxes, where
        assert bill.total == subtotal + taxes - bill.discount_total, where
        assert bill.total >= 0, where
        assert bill.paid_total == paid, where
        assert bill.credited_total == credited, where
        if bill.state in (BillState.void, BillState.deleted):
            assert bill.paid_total == 0 and bill.credited_total == 0, where
            assert bill.balance == 0, where
            return
        assert bill.balance == bill.total - bill.paid_total - bill.credited_total, where
        assert bill.balance >= 0, where
        if bill.state == BillState.draft:
            assert bill.paid_total == 0 and bill.credited_total == 0, where
        assert (bill.state == BillState.paid) == (bill.state in APPROVED and bill.balance == 0)

    @invariant()
    def client_funds_balance(self) -> None:
        with self.ledger.uow(self.actor) as uow:
            s = uow.session
            sums: dict[tuple[int, int, int], Decimal] = defaultdict(lambda: ZERO)
            for acct, client, matter, amount in s.execute(
                select(
                    ClientFundsTransaction.account_id,
                    ClientFundsTransaction.client_id,
                    ClientFundsTransaction.matter_id,
                    ClientFundsTransaction.amount,
                )
            ):
                sums[(acct, client, matter or 0)] += amount
            stored = {
                (b.account_id, b.client_id, b.matter_key): b.balance
                for b in s.execute(select(ClientFundsBalance)).scalars()
            }
        for key, balance in stored.items():
            assert balance >= 0, key
            assert balance == sums.get(key, ZERO), key
        assert set(sums) <= set(stored)

    @invariant()
    def trust_payments_match_their_transactions(self) -> None:
        """An active payment from trust took exactly its amount out; a deleted one gave it back."""
        with self.ledger.uow(self.actor) as uow:
            s = uow.session
            net: dict[int, Decimal] = defaultdict(lambda: ZERO)
            for payment_id, amount in s.execute(
                select(ClientFundsTransaction.payment_id, ClientFundsTransaction.amount).where(
                    ClientFundsTransaction.payment_id.is_not(None)
                )
            ):
                net[payment_id] += amount
            for p in s.execute(select(Payment)).scalars():
                if p.source == PaymentSource.client_funds and p.state == PaymentState.active:
                    assert net[p.id] == -p.amount, p.id
                    assert sum((a.amount for a in p.allocations), ZERO) == p.amount, p.id
                else:
                    assert net[p.id] == 0, p.id

    @invariant()
    def ledger_report(self) -> None:
        for account_id in self.accounts:
            self._check_report(account_id, None, None, again=False)
            self._check_report(
                account_id,
                D0 + dt.timedelta(days=20),
                D0 + dt.timedelta(days=40),
                again=False,
            )

    def _check_report(
        self, account_id: int, start: dt.date | None, end: dt.date | None, *, again: bool = True
    ) -> None:
        """The report against the account's rows; unless `again`, only when they changed.

        The report is held here to the account's transactions and the balances kept beside them,
        and to nothing else: on the very rows it was checked on before it answers the same.
        """
        t, b = ClientFundsTransaction.__table__, ClientFundsBalance.__table__
        with self.ledger.uow(self.actor) as uow:
            txns = uow.session.execute(select(t).where(t.c.account_id == account_id)).all()
            balances = uow.session.execute(
                select(b).where(b.c.account_id == account_id).order_by(b.c.id)
            ).all()
        read = ([tuple(r) for r in txns], [tuple(r) for r in balances])
        if not again and self.reported.get((account_id, start, end)) == read:
            return
        self.reported[(account_id, start, end)] = read
        report = reports.client_funds_ledger(self.ledger, self.actor, account_id, start, end)
        opening: dict[tuple[int, int | None], Decimal] = defaultdict(lambda: ZERO)
        in_period: dict[tuple[int, int | None], list[int]] = defaultdict(list)
        for t in txns:
            if start is not None and t.date < start:
                opening[(t.client_id, t.matter_id)] += t.amount
            elif end is None or t.date <= end:
                in_period[(t.client_id, t.matter_id)].append(t.id)
        seen = 0
        for c in report.clients:
            assert c.closing == sum((m.closing for m in c.matters), ZERO)
            assert c.opening == sum((m.opening for m in c.matters), ZERO)
            for m in c.matters:
                key = (c.client_id, m.matter_id)
                assert m.opening == opening.get(key, ZERO), key
                assert m.opening + sum((r.amount for r in m.rows), ZERO) == m.closing, key
                if m.rows:
                    assert m.rows[-1].balance == m.closing, key
                assert sorted(r.id for r in m.rows) == sorted(in_period.get(key, [])), key
                seen += len(m.rows)
        assert seen == report.transaction_count == sum(len(v) for v in in_period.values())
        movements = sum((t.amount for k in in_period for t in txns if t.id in in_period[k]), ZERO)
        assert report.opening + movements == report.closing
        if end is None:
            assert report.closing == report.account_balance


@pytest.mark.slow
def test_ledger_invariants_hold_under_random_operations(ledger: Ledger) -> None:
    machine = type("Machine", (LedgerMachine,), {"ledger": ledger})
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=25,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
