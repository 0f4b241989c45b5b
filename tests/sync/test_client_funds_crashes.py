"""Client funds under crashes and injected faults: every movement in QuickBooks exactly once.

Between passes a random mix of trust work is recorded through the JSON API: deposits,
disbursements by transfer and by cheque (cheque printing on; some cheques numbered when
written), funds applied to bills, reversals of deposits, transfers and cheques, a payment from
trust deleted, cheques printed in QuickBooks. Each pass runs against a company failing a share
of its calls (throttled, unavailable, an error or a late answer after the change was made), and
most die at a random point: after a reply (answered by QuickBooks, not yet recorded here) or
while a chunk's jobs go out. After one clean pass, each live movement has one copy, no withdrawn
cheque is left, and the trust bank and liability accounts (and each client's share of the
liability) hold what the ledger holds, to the cent.

``make test`` runs a few examples from a fixed seed; more, or another seed, with
``LAWSYNC_TRUST_CRASH_EXAMPLES=40 LAWSYNC_TRUST_CRASH_SEED=7``::

    pytest tests/sync/test_client_funds_crashes.py
"""

from __future__ import annotations

import contextlib
import os
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx
import pytest

from lawsync.quickbooks import Customer, JournalEntry, Payment, Purchase, Vendor
from lawsync.sync.kinds import Kind, marker
from tests import builders
from tests.conftest import Firm
from tests.sync.client_funds_support import TrustBooks, trust_books

EXAMPLES = int(os.environ.get("LAWSYNC_TRUST_CRASH_EXAMPLES", "3"))
SEED = int(os.environ.get("LAWSYNC_TRUST_CRASH_SEED", "20260314"))
PASSES = 6
LATE = 0.3  # seconds the client waits for an answer while faults are injected
CENT = Decimal("0.01")
PAYEES = ("Land Registry", "Court Fees Office", "Surveyor & Sons")


class Crash(Exception):
    """The process dies after QuickBooks answered and before the answer was written down."""


@dataclass
class Trust:
    """What the test recorded, to choose the next step by (the ledger stays the judge)."""

    books: TrustBooks
    rng: random.Random
    clients: list[dict[str, Any]] = field(default_factory=list)
    held: dict[int, Decimal] = field(default_factory=dict)  # client → money held
    reversible: dict[int, tuple[int, Decimal]] = field(default_factory=dict)  # txn → client, ±
    payments: dict[int, tuple[int, Decimal]] = field(default_factory=dict)  # payment → client, paid
    cheque_numbers: int = 1000
    printed: int = 0

    @property
    def firm(self) -> Firm:
        return self.books.firm

    def amount(self, most: Decimal) -> Decimal:
        cents = int(most / CENT)
        return Decimal(self.rng.randint(1, cents)) * CENT

    def rich_client(self) -> int | None:
        rich = [c for c, held in self.held.items() if held > 0]
        return self.rng.choice(rich) if rich else None

    # ---- the steps ------------------------------------------------------------------------

    def new_client(self) -> None:
        client = builders.client(self.firm)
        client["matter_id"] = builders.matter(self.firm, client["id"])["id"]
        self.clients.append(client)
        self.held[client["id"]] = Decimal(0)

    def deposit(self) -> None:
        client = self.rng.choice(self.clients)["id"]
        amount = Decimal(self.rng.randint(100, 250_000)) * CENT
        txn = builders.deposit(self.firm, self.books.account_id, client, str(amount))
        self.held[client] += amount
        self.reversible[txn["id"]] = (client, amount)

    def disburse(self, method: str) -> None:
        client = self.rich_client()
        if client is None:
            return self.deposit()
        amount = self.amount(self.held[client])
        extra: dict[str, Any] = {"method": method, "payee_name": self.rng.choice(PAYEES)}
        if method == "cheque" and self.rng.random() < 0.3:
            self.cheque_numbers += 1
            extra["cheque_number"] = str(self.cheque_numbers)  # written by hand beforehand
        txn = builders.disburse(self.firm, self.books.account_id, client, str(amount), **extra)
        self.held[client] -= amount
        self.reversible[txn["id"]] = (client, -amount)
        return None

    def pay_bill_from_trust(self) -> None:
        client = self.rich_client()
        if client is None:
            return self.deposit()
        matter = next(c["matter_id"] for c in self.clients if c["id"] == client)
        builders.time_entry(self.firm, matter, hours=str(self.rng.randint(1, 6)), rate="95")
        bill = builders.bill(self.firm, client)
        paid = min(Decimal(bill["balance"]), self.amount(self.held[client]))
        payment = self.firm.post(
            "/payments",
            {
                "client_id": client,
                "date": builders.DAY.isoformat(),
                "amount": str(paid),
                "method": "other",
                "source": "client_funds",
                "client_funds_account_id": self.books.account_id,
                "allocations": [{"bill_id": bill["id"], "amount": str(paid)}],
            },
        )
        self.held[client] -= paid
        self.payments[payment["id"]] = (client, paid)
        return None

    def reverse(self) -> None:
        # Money out can always come back; a deposit only while its client still holds it.
        choices = [
            txn
            for txn, (client, signed) in self.reversible.items()
            if signed < 0 or self.held[client] >= signed
        ]
        if not choices:
            return
        # Mostly one of the latest: likely sent by the pass that just died, its answer lost.
        latest = sorted(choices)[-3:] if self.rng.random() < 0.7 else choices
        txn = self.rng.choice(sorted(latest))
        client, signed = self.reversible.pop(txn)
        self.firm.post(f"/client-funds-transactions/{txn}/reverse", {"reason": "Recorded wrongly"})
        self.held[client] -= signed

    def delete_payment(self) -> None:
        if not self.payments:
            return
        payment = self.rng.choice(sorted(self.payments))
        client, paid = self.payments.pop(payment)
        self.firm.delete(f"/payments/{payment}", reason="Paid from the wrong funds")
        self.held[client] += paid  # the funds applied are reversed back into trust

    def print_cheques(self) -> None:
        self.printed += 1
        r = self.books.control.post(
            f"/_sandbox/companies/{self.books.realm}/print-cheques",
            json={"first_number": 7000 + 100 * self.printed, "account_id": self.books.bank},
        )
        assert r.status_code == 200, r.text

    def step(self) -> None:
        steps = [
            (self.deposit, 4),
            (lambda: self.disburse("eft"), 2),
            (lambda: self.disburse("cheque"), 3),
            (self.pay_bill_from_trust, 2),
            (self.reverse, 3),
            (self.delete_payment, 1),
            (self.print_cheques, 1),
            (self.new_client, 1),
        ]
        chosen = self.rng.choices([s for s, _ in steps], weights=[w for _, w in steps])[0]
        chosen()


def _crash_after(reply: int) -> Any:
    """A reply hook: the pass dies once QuickBooks has answered this many times."""
    seen = {"n": 0}

    def hook(jobs: object) -> None:
        seen["n"] += 1
        if seen["n"] == reply:
            raise Crash("answered, not recorded")

    return hook


def _crash_while_sending(chunk: int) -> Any:
    """A progress hook: the pass dies as this chunk's jobs go out (some sent, some not; the
    creates among them written down as in progress)."""
    seen = {"n": 0}

    def progress(kind: str, done: int, total: int) -> None:
        seen["n"] += 1
        if seen["n"] == chunk:
            raise Crash("stopped mid-send")

    return progress


def _marked(rows: list[Any], kind: Kind) -> Counter[int]:
    """How many copies each transaction has, by the marker its copies carry."""
    prefix = marker(kind, 0)[:-1]
    found: Counter[int] = Counter()
    for row in rows:
        note = row.PrivateNote or ""
        if note.startswith(prefix):
            found[int(note[len(prefix) :])] += 1
    return found


def _liability_by_customer(books: TrustBooks) -> dict[str, Decimal]:
    """Each customer's postings on the trust liability account, credits positive."""
    owed: dict[str, Decimal] = {}
    for entry in books.query(JournalEntry):
        for line in entry.Line or []:
            detail = line.JournalEntryLineDetail
            if detail is None or detail.AccountRef.value != books.liability:
                continue
            assert detail.Entity is not None and detail.Entity.EntityRef is not None
            customer = str(detail.Entity.EntityRef.value)
            sign = 1 if detail.PostingType == "Credit" else -1
            owed[customer] = owed.get(customer, Decimal(0)) + sign * Decimal(line.Amount or 0)
    for cheque in books.query(Purchase):
        for line in cheque.Line or []:
            spent = line.AccountBasedExpenseLineDetail
            if spent is None or spent.AccountRef.value != books.liability:
                continue
            assert spent.CustomerRef is not None
            customer = str(spent.CustomerRef.value)
            owed[customer] = owed.get(customer, Decimal(0)) - Decimal(line.Amount or 0)
    return owed


def _assert_in_step(trust: Trust) -> None:
    books, firm = trust.books, trust.firm
    failures = firm.get("/quickbooks/failures")["data"]
    assert failures == [], failures
    txns = firm.get("/client-funds-transactions", limit=200)["data"]
    assert len(txns) < 200
    by_id = {t["id"]: t for t in txns}
    reversed_ids = {t["reverses_id"] for t in txns if t["reverses_id"]}

    def is_cheque(t: dict[str, Any]) -> bool:
        return t["kind"] == "disbursement" and t["method"] == "cheque"

    def withdrawn(t: dict[str, Any]) -> bool:
        """A cheque reversed before it had a number: never paid out, so never posted."""
        return is_cheque(t) and t["id"] in reversed_ids and t["cheque_number"] is None

    cheques = {t["id"] for t in txns if is_cheque(t) and not withdrawn(t)}
    entries = {
        t["id"]
        for t in txns
        if not is_cheque(t) and not (t["kind"] == "reversal" and withdrawn(by_id[t["reverses_id"]]))
    }
    journal = books.query(JournalEntry)
    assert _marked(journal, Kind.TRUST_ENTRY) == Counter(entries), "one entry per movement"
    assert sorted(e.DocNumber or "" for e in journal) == sorted(f"T-{i}" for i in entries)
    printed = books.query(Purchase)
    assert _marked(printed, Kind.TRUST_CHEQUE) == Counter(cheques), "one cheque per cheque"
    for copy in [*journal, *printed]:
        txn = by_id[int((copy.PrivateNote or "").rpartition(":")[2])]
        lines = [Decimal(line.Amount or 0) for line in copy.Line or []]
        assert max(lines) == abs(Decimal(txn["amount"])), (txn, copy)

    ledger = firm.get(f"/client-funds-accounts/{books.account_id}/ledger")
    held = Decimal(ledger["account_balance"])
    assert books.balance(books.bank) == held
    assert books.balance(books.liability) == held
    customers = {c.DisplayName: str(c.Id) for c in books.query(Customer)}
    owed = _liability_by_customer(books)
    closing = {c["client_id"]: Decimal(c["closing_balance"]) for c in ledger["clients"]}
    for client in trust.clients:
        ours = closing.get(client["id"], Decimal(0))
        assert ours == trust.held[client["id"]]  # the test's own count agrees with the ledger
        if client["display_name"] in customers:
            assert owed.get(customers[client["display_name"]], Decimal(0)) == ours, client
        else:
            assert ours == 0 and not any(t["client_id"] == client["id"] for t in txns)
    assert len(customers) == len(books.query(Customer)), "one customer per client"
    vendors = Counter(v.DisplayName for v in books.query(Vendor))
    assert all(n == 1 for n in vendors.values()), vendors
    live_payments = [p for p in firm.get("/payments", limit=200)["data"] if p["state"] == "active"]
    assert len(books.query(Payment)) == len(live_payments)


@pytest.mark.parametrize("example", range(EXAMPLES))
def test_trust_work_survives_crashes_and_faults_with_every_movement_posted_once(
    firm: Firm, control: httpx.Client, server_url: str, example: int
) -> None:
    """The seed fixes the work, the share and choice of faults and where each pass dies; not
    the order in which concurrent requests reach the sandbox, so a failing example is the
    same story, not the same calls, when run again."""
    rng = random.Random(SEED * 1000 + example)
    books = trust_books(firm, control, server_url, cheque_printing=True, journal_prefix="T-")
    mappings = {k: "1" for k in ("activity:default", "expense:default", "tax1", "tax2")}
    firm.put("/quickbooks/settings", {"export_bills": True, "item_mappings": mappings})
    trust = Trust(books, rng)
    for _ in range(3):
        trust.new_client()
    spare = rng.random() < 0.5
    for _ in range(PASSES):
        for _ in range(rng.randint(2, 6)):
            trust.step()
        books.chaos(rng.choice([0.0, 0.1, 0.2]), rng.randint(0, 10**6), delay_seconds=2 * LATE)
        crash = rng.choice(("after a reply", "after a reply", "while sending", "none"))
        hooks: dict[str, Any] = {}
        if crash == "after a reply":
            hooks["after_reply"] = _crash_after(rng.randint(1, 5))
        elif crash == "while sending":
            hooks["progress"] = _crash_while_sending(rng.randint(1, 6))
        with contextlib.suppress(Crash):
            books.run(spare_requests=spare, read_timeout=LATE, **hooks)
    books.chaos(0.0)
    report = books.run()
    assert report.note == "", report.note
    _assert_in_step(trust)
