"""Random sequences of deposits, disbursements, transfers, reversals and bank clearings keep the
three sides of the reconciliation equal, and no client or matter below zero.

A model predicts every bucket's balance, so each operation must succeed exactly when the model
says the money is there, and a refusal must leave the books as they were. After every step, for
each account: the adjusted bank balance (a statement of what cleared, plus what is outstanding)
= the trust journal balance = the sum of the client ledgers, to the cent.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from lawsync.practice.commands import (
    BankStatementImport,
    ClientFundsAccountCreate,
    ContactCreate,
    FirmCreate,
    MatterCreate,
    StatementMatch,
    TrustDeposit,
    TrustDisbursement,
    TrustReversal,
    TrustTransferCreate,
)
from lawsync.practice.errors import InsufficientClientFunds, PracticeError
from lawsync.practice.models import (
    BankStatement,
    BankStatementLine,
    ClientFundsBalance,
    ClientFundsTransaction,
    ContactKind,
    StatementSource,
    TrustTxnKind,
)
from lawsync.practice.services import (
    bank_statements,
    client_funds,
    contacts,
    trust_month_end,
    trust_transfers,
)
from lawsync.practice.services.context import Actor, Ledger
from lawsync.practice.services.firms import create_firm

MONTH = dt.date(2026, 3, 1)
ZERO = Decimal("0.00")
amounts = st.decimals(min_value="0.01", max_value="500.00", places=2)
days = st.integers(min_value=1, max_value=28)
Key = tuple[int, int, int]  # account, client, matter (0: none)


class TrustMachine(RuleBasedStateMachine):
    ledger: Ledger

    def __init__(self) -> None:
        super().__init__()
        tag = uuid.uuid4().hex[:10]
        made = create_firm(
            self.ledger, FirmCreate(name=f"Trust {tag}", admin_email=f"t-{tag}@example.com")
        )
        self.actor = Actor(made.firm.id, made.admin.id)
        self.accounts = [
            client_funds.create_account(
                self.ledger, self.actor, ClientFundsAccountCreate(name=f"Trust {i}")
            ).id
            for i in (1, 2)
        ]
        self.sides: list[tuple[int, int | None]] = []  # (client, matter or None)
        for n in (1, 2, 3):
            client = contacts.create_contact(
                self.ledger,
                self.actor,
                ContactCreate(kind=ContactKind.person, last_name=f"Client {n}"),
            ).id
            matter = contacts.create_matter(
                self.ledger, self.actor, MatterCreate(client_id=client)
            ).id
            self.sides += [(client, None), (client, matter)]
        self.model: dict[Key, Decimal] = defaultdict(lambda: ZERO)
        self.transfers: list[int] = []

    def key(self, account: int, side: int) -> Key:
        client, matter = self.sides[side % len(self.sides)]
        return (self.accounts[account % 2], client, matter or 0)

    # -- operations ------------------------------------------------------------------------

    @rule(account=st.integers(0, 1), side=st.integers(0, 5), amount=amounts, day=days)
    def deposit(self, account: int, side: int, amount: Decimal, day: int) -> None:
        a, c, m = self.key(account, side)
        client_funds.record_deposit(
            self.ledger,
            self.actor,
            TrustDeposit(
                kind="deposit",
                account_id=a,
                client_id=c,
                matter_id=m or None,
                amount=amount,
                date=MONTH.replace(day=day),
            ),
        )
        self.model[a, c, m] += amount

    @rule(account=st.integers(0, 1), side=st.integers(0, 5), amount=amounts, day=days)
    def disburse(self, account: int, side: int, amount: Decimal, day: int) -> None:
        a, c, m = self.key(account, side)
        cmd = TrustDisbursement(
            kind="disbursement",
            account_id=a,
            client_id=c,
            matter_id=m or None,
            amount=amount,
            date=MONTH.replace(day=day),
            payee_name="Payee",
        )
        allowed = self.model[a, c, m] >= amount
        if self.attempt(
            allowed, lambda: client_funds.record_disbursement(self.ledger, self.actor, cmd)
        ):
            self.model[a, c, m] -= amount

    @rule(
        source=st.tuples(st.integers(0, 1), st.integers(0, 5)),
        into=st.tuples(st.integers(0, 1), st.integers(0, 5)),
        amount=amounts,
        day=days,
    )
    def transfer(
        self, source: tuple[int, int], into: tuple[int, int], amount: Decimal, day: int
    ) -> None:
        fa, fc, fm = self.key(*source)
        ta, tc, tm = self.key(*into)
        if (fa, fc, fm) == (ta, tc, tm):
            return
        cmd = TrustTransferCreate(
            from_account_id=fa,
            from_client_id=fc,
            from_matter_id=fm or None,
            to_account_id=ta,
            to_client_id=tc,
            to_matter_id=tm or None,
            amount=amount,
            date=MONTH.replace(day=day),
            reason="Agreed",
        )
        allowed = self.model[fa, fc, fm] >= amount
        done = self.attempt(
            allowed, lambda: trust_transfers.record_transfer(self.ledger, self.actor, cmd)
        )
        if done is not None:
            self.model[fa, fc, fm] -= amount
            self.model[ta, tc, tm] += amount
            self.transfers.append(done.id)

    @rule(pick=st.integers(0, 10_000), day=days)
    def reverse_transaction(self, pick: int, day: int) -> None:
        with self.ledger.uow(self.actor) as uow:
            candidates = list(
                uow.session.execute(
                    select(ClientFundsTransaction)
                    .where(
                        ClientFundsTransaction.kind.in_(
                            [TrustTxnKind.deposit, TrustTxnKind.disbursement]
                        ),
                        ClientFundsTransaction.reversed.is_(False),
                    )
                    .order_by(ClientFundsTransaction.id)
                ).scalars()
            )
        if not candidates:
            return
        txn = candidates[pick % len(candidates)]
        key = (txn.account_id, txn.client_id, txn.matter_id or 0)
        allowed = self.model[key] - Decimal(txn.amount) >= 0
        date = max(txn.date, MONTH.replace(day=day))
        done = self.attempt(
            allowed,
            lambda: client_funds.reverse_transaction(
                self.ledger, self.actor, txn.id, TrustReversal(reason="mistake", date=date)
            ),
        )
        if done is not None:
            self.model[key] -= Decimal(txn.amount)

    @rule(pick=st.integers(0, 10_000))
    def reverse_transfer(self, pick: int) -> None:
        if not self.transfers:
            return
        ident = self.transfers[pick % len(self.transfers)]
        t = trust_transfers.get_transfer(self.ledger, self.actor, ident)
        source = (t.from_account_id, t.from_client_id, t.from_matter_id or 0)
        target = (t.to_account_id, t.to_client_id, t.to_matter_id or 0)
        allowed = self.model[target] >= Decimal(t.amount)
        done = self.attempt(
            allowed,
            lambda: trust_transfers.reverse_transfer(
                self.ledger, self.actor, ident, TrustReversal(reason="undo", date=t.date)
            ),
        )
        self.transfers.remove(ident)
        if done is not None:
            self.model[target] -= Decimal(t.amount)
            self.model[source] += Decimal(t.amount)

    @rule(account=st.integers(0, 1), pick=st.integers(0, 10_000))
    def bank_clears(self, account: int, pick: int) -> None:
        """The bank shows one transaction not yet cleared: imported as a one-line statement,
        matched automatically or else by hand."""
        a = self.accounts[account]
        waiting = bank_statements.unmatched_transactions(
            self.ledger, self.actor, a, trust_month_end.closed_months.month_end(MONTH)
        )
        if not waiting:
            return
        txn = waiting[pick % len(waiting)]
        done = bank_statements.import_statement(
            self.ledger,
            self.actor,
            BankStatementImport(
                account_id=a,
                format="csv",
                content=f"Date,Amount\n{txn.date.isoformat()},{Decimal(txn.amount):.2f}\n",
                statement_date=trust_month_end.closed_months.month_end(MONTH),
                closing_balance=ZERO,  # the invariant states the bank's own balance
                amount_column="Amount",
            ),
        )
        if done.matched == 0:
            _, lines = bank_statements.statement_with_lines(
                self.ledger, self.actor, done.statement.id
            )
            bank_statements.match_line(
                self.ledger, self.actor, lines[0].id, StatementMatch(txn_id=txn.id)
            )

    # -- checks ------------------------------------------------------------------------------

    def attempt(self, expect_ok: bool, op: Any) -> Any:
        # Read beforehand only when a refusal is expected: refusing an allowed one fails anyway.
        before = None if expect_ok else self.books()
        try:
            result = op()
        except InsufficientClientFunds:
            assert not expect_ok, "refused an allowed operation"
            assert self.books() == before, "a refused operation wrote"
            return None
        except PracticeError as other:
            raise AssertionError(f"unexpected refusal {other!r}") from other
        assert expect_ok, "an overdraft was accepted"
        return result

    def books(self) -> tuple[int, Decimal]:
        with self.ledger.uow(self.actor) as uow:
            count, total = uow.session.execute(
                select(func.count(), func.coalesce(func.sum(ClientFundsTransaction.amount), 0))
            ).one()
        return int(count), Decimal(total)

    @invariant()
    def no_bucket_below_zero_and_the_balances_agree(self) -> None:
        with self.ledger.uow(self.actor) as uow:
            s = uow.session
            stored = {
                (b.account_id, b.client_id, b.matter_key): Decimal(b.balance).quantize(
                    Decimal("0.01")
                )
                for b in s.execute(select(ClientFundsBalance)).scalars()
            }
            summed = {
                (a, c, m or 0): Decimal(t).quantize(Decimal("0.01"))
                for a, c, m, t in s.execute(
                    select(
                        ClientFundsTransaction.account_id,
                        ClientFundsTransaction.client_id,
                        ClientFundsTransaction.matter_id,
                        func.sum(ClientFundsTransaction.amount),
                    ).group_by(
                        ClientFundsTransaction.account_id,
                        ClientFundsTransaction.client_id,
                        ClientFundsTransaction.matter_id,
                    )
                )
            }
        assert all(v >= 0 for v in stored.values()), stored
        assert {k: v for k, v in stored.items() if v} == {k: v for k, v in summed.items() if v}
        assert {k: v for k, v in self.model.items() if v} == {k: v for k, v in stored.items() if v}

    @invariant()
    def the_three_sides_agree(self) -> None:
        for a in self.accounts:
            with self.ledger.uow(self.actor) as uow:
                s = uow.session
                cleared = s.execute(
                    select(func.coalesce(func.sum(BankStatementLine.amount), 0)).where(
                        BankStatementLine.account_id == a
                    )
                ).scalar_one()
                statement = BankStatement(
                    firm_id=self.actor.firm_id,
                    account_id=a,
                    statement_date=dt.date(2026, 3, 31),
                    closing_balance=Decimal(cleared),
                    source=StatementSource.entered,
                )
                s.add(statement)
                s.flush()
                three = trust_month_end.compute(s, a, MONTH, statement.id)
                # Never committed: the unit of work rolls the statement back.
            assert three.adjusted_bank_balance == three.journal_balance, three
            assert three.journal_balance == three.client_ledgers_total, three
            assert three.negative_clients == []
            assert three.bank_only == []
            held = sum((v for k, v in self.model.items() if k[0] == a), ZERO)
            assert three.journal_balance == held


@pytest.mark.slow
def test_random_trust_operations_keep_the_three_way_reconciliation_equal(ledger: Ledger) -> None:
    machine = type("Machine", (TrustMachine,), {"ledger": ledger})
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=15,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
