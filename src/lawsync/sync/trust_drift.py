"""After every pass: the ledger and the company compared, per trust account, per client, per bill.

A pass sends what changed; it cannot see what changed on the other side without it (a journal
entry edited or deleted in the company, a payment recorded there). So after each pass this reads
the company in a handful of requests, whatever the number of clients:

- the accounts (one query): each trust bank account's and liability account's balance, set
  against the ledger's account balance;
- one GeneralLedger report of the liability accounts (and the clients' sub-accounts): every
  posting with its customer and transaction, summed per client and set against the client's
  ledger balance;
- the invoices (one query per 1,000): each synced bill's total and balance.

A trust account kept in a foreign currency (in a multicurrency company) is compared in its own
currency. QuickBooks converts every posting to the home currency, in its balances and in the
GeneralLedger report, at the rate of the day; the amount in the account's currency stands on
the transactions themselves (a journal line's or a cheque line's Amount, in the transaction's
CurrencyRef). So for such an account the report names the transactions, and they are read (one
query per 200 of them, journal entries and cheques) for their own amounts; the bank's side is
taken from the bank account's section of the same report.

A difference becomes a row in the failure table naming the client (or the account, or the
bill), both amounts, and the transactions that explain it: in the ledger but not in the company
(missing), in the company but not from the ledger (extra), or in both with other amounts
(different). The row resolves itself on the first pass that finds the two sides equal again.
The last result per subject is kept for the dashboard (`QuickBooksComparison`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawsync.money import ZERO, to_cents
from lawsync.practice.models import (
    Bill,
    ClientFundsAccount,
    ClientFundsTransaction,
    Contact,
    Payment,
    PaymentAllocation,
)
from lawsync.quickbooks import Account, Invoice, JournalEntry, Purchase, sql
from lawsync.storage import utcnow
from lawsync.sync import failures
from lawsync.sync.context import PassContext
from lawsync.sync.kinds import Kind
from lawsync.sync.models import ClientFundsOpening, QuickBooksComparison, SyncFailure, SyncLink

CLIENT = "trust_client_balance"  # failure kind: local id = the client
ACCOUNT = "trust_account_balance"  # failure kind: local id = the ledger's trust account
INVOICE = "invoice_balance"  # failure kind: local id = the bill
CLIENT_CODE = "lawsync:trust_client_drift"
ACCOUNT_CODE = "lawsync:trust_account_drift"
INVOICE_CODE = "lawsync:invoice_drift"
GL_COLUMNS = "tx_date,txn_type,doc_num,name,subt_nat_amount"
EXPLAINED = 20  # transactions named in one failure row, at most
READ_AT_ONCE = 200  # transactions of a foreign-currency account read by one query
BEFORE_EVERYTHING = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class Posting:
    """One line of the GeneralLedger report on a trust liability account."""

    date: str
    txn_type: str
    txn_id: str
    doc_number: str
    customer: str
    amount: Decimal  # as the liability grows (a deposit is positive)


@dataclass
class Explanation:
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    unsent: int = 0  # of the missing: movements not sent yet (their failures say why)
    unsent_total: Decimal = ZERO
    gone: int = 0  # of the missing: copies no longer in QuickBooks
    different: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"Missing in QuickBooks: {t}" for t in self.missing]
        out += [f"Only in QuickBooks: {t}" for t in self.extra]
        out += [f"Different: {t}" for t in self.different]
        return out


@dataclass
class Outcome:
    """What one comparison found (for the pass's report and the tests)."""

    subjects: int = 0
    differences: int = 0
    requests: int = 0
    clients_compared: int = 0
    waiting: int = 0  # clients whose difference is only movements not sent yet
    notes: list[str] = field(default_factory=list)


def _rows(report: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every Data row of a report, however deep its sections go."""
    stack = list(reversed((report.get("Rows") or {}).get("Row") or []))
    while stack:
        row = stack.pop()
        if row.get("type") == "Section" or "Rows" in row:
            stack.extend(reversed((row.get("Rows") or {}).get("Row") or []))
        elif row.get("ColData"):
            yield row


def postings(report: dict[str, Any]) -> tuple[list[Posting], Decimal]:
    """The report's postings, and what stood on the accounts before its first date."""
    # A column names its key in MetaData (ColKey) in most reports; GeneralLedger, as QuickBooks
    # serves it, puts the key in ColType instead.
    keys = [
        next(
            (m["Value"] for m in c.get("MetaData", []) if m.get("Name") == "ColKey"),
            str(c.get("ColType") or ""),
        )
        for c in (report.get("Columns") or {}).get("Column") or []
    ]
    found: list[Posting] = []
    before = ZERO
    for row in _rows(report):
        cells = dict(zip(keys, row["ColData"], strict=False))
        amount_text = (cells.get("subt_nat_amount") or {}).get("value") or ""
        date_cell = cells.get("tx_date") or {}
        if date_cell.get("value") == "Beginning Balance":
            balance = (cells.get("rbal_nat_amount") or {}).get("value") or "0"
            before += Decimal(balance or "0")
            continue
        if not amount_text:
            continue
        txn = cells.get("txn_type") or {}
        name = cells.get("name") or {}
        found.append(
            Posting(
                date=str(date_cell.get("value") or ""),
                txn_type=str(txn.get("value") or ""),
                txn_id=str(txn.get("id") or ""),
                doc_number=str((cells.get("doc_num") or {}).get("value") or ""),
                customer=str(name.get("id") or ""),
                amount=Decimal(amount_text),
            )
        )
    return found, before


def _remember(
    session: Session,
    ctx: PassContext,
    subject: str,
    title: str,
    differences: int,
    figures: dict[str, Any],
) -> None:
    row = session.execute(
        select(QuickBooksComparison).where(
            QuickBooksComparison.connection_id == ctx.connection_id,
            QuickBooksComparison.subject == subject,
        )
    ).scalar_one_or_none()
    if row is None:
        row = QuickBooksComparison(
            firm_id=ctx.firm_id, connection_id=ctx.connection_id, subject=subject
        )
        session.add(row)
    row.title, row.checked_at = title[:200], utcnow()
    row.agrees, row.differences, row.figures = differences == 0, differences, figures


def _open_rows(session: Session, ctx: PassContext, kind: str) -> set[int]:
    return set(
        session.execute(
            select(SyncFailure.local_id).where(
                SyncFailure.connection_id == ctx.connection_id,
                SyncFailure.kind == kind,
                SyncFailure.resolved_at.is_(None),
            )
        ).scalars()
    )


def _settle(
    session: Session, ctx: PassContext, kind: str, differing: Iterable[int], checked: set[int]
) -> None:
    """Rows of subjects found equal this time are resolved (only those compared)."""
    still = set(differing)
    for local_id in _open_rows(session, ctx, kind) & checked:
        if local_id not in still:
            failures.clear(session, ctx.connection_id, kind, local_id)


def waiting(why: Explanation, difference: Decimal) -> bool:
    """Whether a client's difference is only movements the pass has not sent yet: their own
    failures (or the next pass) deal with them, so no drift is reported."""
    only_unsent = not why.extra and not why.different and why.gone == 0 and why.unsent > 0
    return only_unsent and to_cents(why.unsent_total) == to_cents(difference)


def _m(value: Decimal) -> str:
    return f"{to_cents(value):.2f}"


# ---- trust ------------------------------------------------------------------------------------


def _ledger_balances(session: Session, account_ids: list[int]) -> dict[int, dict[int, Decimal]]:
    """account → client → balance (every movement; money before the start date is posted as
    the client's opening entry, so it counts too)."""
    t = ClientFundsTransaction
    out: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for account_id, client_id, total in session.execute(
        select(t.account_id, t.client_id, func.sum(t.amount))
        .where(t.account_id.in_(account_ids))
        .group_by(t.account_id, t.client_id)
    ):
        out[account_id][client_id] = to_cents(Decimal(str(total)))
    return out


def _explain(
    session: Session,
    ctx: PassContext,
    account_id: int,
    client_id: int,
    customer: str,
    lines: list[Posting],
) -> Explanation:
    """Transaction by transaction, the client's side in the ledger against their postings."""
    t = ClientFundsTransaction
    txns = session.execute(
        select(t.id, t.date, t.amount, t.reverses_id, t.kind)
        .where(t.account_id == account_id, t.client_id == client_id)
        .order_by(t.date, t.id)
    ).all()
    start = ctx.settings.client_funds_start_date
    kinds = (Kind.TRUST_ENTRY, Kind.TRUST_CHEQUE)
    links: dict[int, str] = {}
    ids = [x.id for x in txns]
    for chunk in range(0, len(ids), 500):
        for local_id, qbo_id, kind in session.execute(
            select(SyncLink.local_id, SyncLink.qbo_id, SyncLink.kind).where(
                SyncLink.connection_id == ctx.connection_id,
                SyncLink.kind.in_(kinds),
                SyncLink.local_id.in_(ids[chunk : chunk + 500]),
                SyncLink.qbo_id.is_not(None),
            )
        ):
            prefix = "Check" if kind == Kind.TRUST_CHEQUE else "Journal Entry"
            links[local_id] = f"{prefix}:{qbo_id}"
    opening = session.execute(
        select(ClientFundsOpening.id, ClientFundsOpening.amount).where(
            ClientFundsOpening.connection_id == ctx.connection_id,
            ClientFundsOpening.account_id == account_id,
            ClientFundsOpening.client_id == client_id,
        )
    ).first()
    opening_link = None
    if opening is not None:
        opening_link = session.execute(
            select(SyncLink.qbo_id).where(
                SyncLink.connection_id == ctx.connection_id,
                SyncLink.kind == Kind.TRUST_OPENING,
                SyncLink.local_id == opening.id,
            )
        ).scalar_one_or_none()

    posted: dict[str, Decimal] = defaultdict(lambda: ZERO)
    words: dict[str, str] = {}
    for p in lines:
        if p.customer != customer:
            continue
        key = f"{'Check' if p.txn_type == 'Check' else 'Journal Entry'}:{p.txn_id}"
        posted[key] += p.amount
        words[key] = f"{p.txn_type} {p.doc_number or p.txn_id} of {p.date}"
    expected: dict[str, tuple[Decimal, str]] = {}
    unlinked: list[tuple[int, dt.date, Decimal, int | None]] = []
    for txn_id, day, amount, reverses_id, _kind in txns:
        if start is not None and day < start:
            continue  # in the opening entry
        linked = links.get(txn_id)
        if linked is None:
            unlinked.append((txn_id, day, to_cents(Decimal(amount)), reverses_id))
            continue
        before = expected.get(linked, (ZERO, ""))[0]
        expected[linked] = (before + Decimal(amount), f"entry #{txn_id} of {day.isoformat()}")
    if opening is not None and opening_link is not None:
        expected[f"Journal Entry:{opening_link}"] = (
            Decimal(opening.amount),
            f"opening balance {_m(Decimal(opening.amount))}",
        )
    out = Explanation()
    # A cheque withdrawn before it was printed and its reversal: nothing to post, nothing missing.
    reversed_ids = {r for *_, r in unlinked if r is not None}
    for txn_id, day, amount, reverses_id in unlinked:
        if txn_id in reversed_ids or reverses_id in {u[0] for u in unlinked}:
            continue
        out.missing.append(f"entry #{txn_id} of {day.isoformat()}, {_m(amount)} (not synced yet)")
        out.unsent += 1
        out.unsent_total += amount
    for key, (amount, what) in expected.items():
        got = posted.get(key)
        if got is None:
            out.missing.append(f"{what}, {_m(amount)} ({key.replace(':', ' ')} is gone)")
            out.gone += 1
        elif to_cents(got) != to_cents(amount):
            out.different.append(
                f"{words.get(key, key)} for {what}: QuickBooks {_m(got)}, ledger {_m(amount)}"
            )
    for key, amount in posted.items():
        if key not in expected and to_cents(amount) != 0:
            out.extra.append(f"{words.get(key, key)}, {_m(amount)}")
    return out


async def _trust(ctx: PassContext, outcome: Outcome) -> None:
    mapped = dict(ctx.trust_accounts)
    if not mapped or not ctx.settings.export_client_funds:
        return
    liability_ids = {a.liability for a in mapped.values()}
    balances: dict[str, Decimal] = {}
    parent: dict[str, str] = {}
    async for account in ctx.qb.iter_query(ctx.realm, Account, "Active IN (true, false)"):
        ident = str(account.Id)
        extra = account.model_extra or {}
        with_subs = extra.get("CurrentBalanceWithSubAccounts", account.CurrentBalance)
        balances[ident] = to_cents(Decimal(str(account.CurrentBalance or 0)))
        balances[f"{ident}+"] = to_cents(Decimal(str(with_subs or 0)))
        if account.ParentRef is not None and account.ParentRef.value in liability_ids:
            parent[ident] = str(account.ParentRef.value)
    with ctx.ledger.uow(ctx.firm_id) as uow:
        s = uow.session
        ledger_side = _ledger_balances(s, list(mapped))
        first = s.execute(
            select(func.min(ClientFundsTransaction.date)).where(
                ClientFundsTransaction.account_id.in_(list(mapped))
            )
        ).scalar()
        currencies = dict(
            s.execute(
                select(ClientFundsAccount.id, ClientFundsAccount.currency).where(
                    ClientFundsAccount.id.in_(list(mapped))
                )
            ).all()
        )
        customers = {
            str(qbo_id): local_id
            for local_id, qbo_id in s.execute(
                select(SyncLink.local_id, SyncLink.qbo_id).where(
                    SyncLink.connection_id == ctx.connection_id,
                    SyncLink.kind == Kind.CONTACT,
                    SyncLink.qbo_id.is_not(None),
                )
            )
        }
    start = (
        min(d for d in (first, ctx.settings.client_funds_start_date) if d)
        if (first or ctx.settings.client_funds_start_date)
        else BEFORE_EVERYTHING
    )
    end = max(dt.date.today(), start) + dt.timedelta(days=3660)
    foreign = {
        account_id: code
        for account_id, code in currencies.items()
        if ctx.multicurrency and code != ctx.home_currency
    }
    banks = {mapped[account_id].bank: account_id for account_id in foreign}
    wanted = sorted(liability_ids | set(parent) | set(banks))
    report = await ctx.qb.request(
        ctx.realm,
        "GET",
        "reports/GeneralLedger",
        params={
            "account": ",".join(wanted),
            "columns": GL_COLUMNS,
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "accounting_method": "Accrual",
        },
    )
    liability_of = {a.liability: account_id for account_id, a in mapped.items()}
    # Which trust account each posting belongs to: the report's sections are per account.
    by_account, before_start = _postings_by_account(report, liability_of, parent)
    for account_id, trust in mapped.items():
        mine = by_account.get(account_id, [])
        if account_id in foreign:
            bank_lines, _ = _postings_by_account(report, {trust.bank: account_id}, {})
            mine, own = await _in_own_currency(
                ctx, trust, parent, mine, bank_lines.get(account_id, [])
            )
            balances = balances | own
        await _compare_account(
            ctx, outcome, account_id, trust, mine, ledger_side, customers, balances
        )
    if before_start:
        outcome.notes.append(
            f"{_m(before_start)} stood on the trust liability accounts before {start.isoformat()}"
        )


async def _in_own_currency(
    ctx: PassContext,
    trust: Any,
    parent: dict[str, str],
    lines: list[Posting],
    bank_lines: list[Posting],
) -> tuple[list[Posting], dict[str, Decimal]]:
    """A foreign-currency trust account's postings in its own currency, and its bank and
    liability balances so (keyed as `balances` is). Each posting's transaction is read for its
    own amounts; a transaction of another kind than a journal entry or a cheque keeps the
    report's amount (in the home currency), which then shows as a difference."""
    liabilities = {trust.liability} | {a for a, top in parent.items() if top == trust.liability}
    wanted: dict[type[JournalEntry] | type[Purchase], set[str]] = {
        JournalEntry: set(),
        Purchase: set(),
    }
    for p in [*lines, *bank_lines]:
        entity = _ENTITIES.get(p.txn_type)
        if entity is not None and p.txn_id:
            wanted[entity].add(p.txn_id)
    read: dict[str, list[Posting]] = {}  # "type:id" → its postings in its own currency
    bank = ZERO
    for entity, idents in wanted.items():
        ordered = sorted(idents)
        for start in range(0, len(ordered), READ_AT_ONCE):
            chunk = ordered[start : start + READ_AT_ONCE]
            marks = ", ".join("?" for _ in chunk)
            found = await ctx.qb.query(ctx.realm, entity, sql(f"Id IN ({marks})", *chunk))
            for txn in found:
                own, to_bank = _own_amounts(txn, liabilities, trust.bank)
                read[f"{entity.__name__}:{txn.Id}"] = own
                bank += to_bank
    out: list[Posting] = []
    seen: set[str] = set()
    for p in lines:
        entity = _ENTITIES.get(p.txn_type)
        key = f"{entity.__name__}:{p.txn_id}" if entity is not None else ""
        if key not in read:
            out.append(p)  # not read: the report's (home-currency) amount stands
        elif key not in seen:
            seen.add(key)
            out.extend(replace(q, date=p.date, doc_number=p.doc_number) for q in read[key])
    for p in bank_lines:
        entity = _ENTITIES.get(p.txn_type)
        if entity is None or f"{entity.__name__}:{p.txn_id}" not in read:
            bank += p.amount
    liability = to_cents(sum((p.amount for p in out), ZERO))
    return out, {trust.bank: to_cents(bank), f"{trust.liability}+": liability}


_ENTITIES: dict[str, type[JournalEntry] | type[Purchase]] = {
    "Journal Entry": JournalEntry,
    "Check": Purchase,
    "Expense": Purchase,
}


def _own_amounts(
    txn: JournalEntry | Purchase, liabilities: set[str], bank: str
) -> tuple[list[Posting], Decimal]:
    """A transaction's lines on the trust liability accounts (signed as the liability grows)
    and what it moved on the bank account, in the transaction's own currency."""
    kind = "Journal Entry" if isinstance(txn, JournalEntry) else "Check"
    out: list[Posting] = []
    to_bank = ZERO
    for line in txn.Line or []:
        amount = Decimal(str(line.Amount or 0))
        je, expense = line.JournalEntryLineDetail, line.AccountBasedExpenseLineDetail
        if je is not None:
            account = je.AccountRef.value
            signed = amount if je.PostingType == "Credit" else -amount
            customer = je.Entity.EntityRef.value if je.Entity and je.Entity.EntityRef else ""
        elif expense is not None:
            account, signed = expense.AccountRef.value, -amount
            customer = expense.CustomerRef.value if expense.CustomerRef else ""
        else:
            continue
        if account in liabilities:
            out.append(Posting("", kind, str(txn.Id), "", str(customer or ""), signed))
        elif account == bank:
            to_bank -= signed  # an asset: a debit raises it
    if isinstance(txn, Purchase) and txn.AccountRef is not None and txn.AccountRef.value == bank:
        to_bank -= sum((Decimal(str(ln.Amount or 0)) for ln in txn.Line or []), ZERO)
    return out, to_bank


def _postings_by_account(
    report: dict[str, Any], liability_of: dict[str, int], parent: dict[str, str]
) -> tuple[dict[int, list[Posting]], Decimal]:
    """Each trust account's postings (its liability account's section and its clients'
    sub-accounts'), and what stood on them before the report's first date."""
    out: dict[int, list[Posting]] = defaultdict(list)
    before_all = ZERO
    for section in (report.get("Rows") or {}).get("Row") or []:
        header = ((section.get("Header") or {}).get("ColData") or [{}])[0]
        account = str(header.get("id") or "")
        top = parent.get(account, account)
        trust = liability_of.get(top)
        if trust is None:
            continue
        found, before = postings({"Columns": report.get("Columns"), "Rows": {"Row": [section]}})
        out[trust].extend(found)
        before_all += before
    return out, before_all


async def _compare_account(
    ctx: PassContext,
    outcome: Outcome,
    account_id: int,
    trust: Any,
    lines: list[Posting],
    ledger_side: dict[int, dict[int, Decimal]],
    customers: dict[str, int],
    balances: dict[str, Decimal],
) -> None:
    held = ledger_side.get(account_id, {})
    ledger_total = to_cents(sum(held.values(), ZERO))
    posted: dict[int | None, Decimal] = defaultdict(lambda: ZERO)
    customer_of: dict[int, str] = {}
    for p in lines:
        client = customers.get(p.customer)
        posted[client] += p.amount
        if client is not None:
            customer_of[client] = p.customer
    bank = balances.get(trust.bank, ZERO)
    liability = balances.get(f"{trust.liability}+", ZERO)
    differing: dict[int, tuple[Decimal, Decimal]] = {}
    for client in set(held) | {c for c in posted if c is not None}:
        mine, theirs = held.get(client, ZERO), to_cents(posted.get(client, ZERO))
        if mine != theirs:
            differing[client] = (mine, theirs)
    unnamed = to_cents(posted.get(None, ZERO))
    outcome.subjects += 1
    outcome.clients_compared += len(set(held) | set(customer_of))
    unsent: set[int] = set()
    pending = ZERO  # what the unsent movements leave the company short of the ledger
    with ctx.ledger.uow(ctx.firm_id) as uow:
        s = uow.session
        names = (
            dict(
                s.execute(
                    select(Contact.id, Contact.display_name).where(Contact.id.in_(list(differing)))
                ).all()
            )
            if differing
            else {}
        )
        account_name = _account_name(s, account_id)
        for client, (mine, theirs) in sorted(differing.items()):
            customer = customer_of.get(client) or next(
                (q for q, c in customers.items() if c == client), ""
            )
            why = _explain(s, ctx, account_id, client, customer, lines)
            if waiting(why, mine - theirs):
                unsent.add(client)
                pending += mine - theirs
                continue
            name = names.get(client, f"client {client}")
            said = why.lines()
            failures.record(
                s,
                firm_id=ctx.firm_id,
                connection_id=ctx.connection_id,
                kind=CLIENT,
                local_id=client,
                revision=0,
                code=CLIENT_CODE,
                message=(
                    f"{name}'s trust balance in {account_name} is {_m(mine)} in the ledger but "
                    f"{_m(theirs)} in QuickBooks (difference {_m(theirs - mine)})."
                ),
                detail="\n".join(said[:EXPLAINED])
                + (f"\n… and {len(said) - EXPLAINED} more" if len(said) > EXPLAINED else ""),
                context={
                    "account_id": account_id,
                    "ledger": _m(mine),
                    "quickbooks": _m(theirs),
                    "missing": why.missing[:EXPLAINED],
                    "extra": why.extra[:EXPLAINED],
                    "different": why.different[:EXPLAINED],
                },
            )
        checked = set(held) | {c for c in posted if c is not None}
        for client in unsent:
            del differing[client]
        _settle(s, ctx, CLIENT, differing, checked)
        sent_total = ledger_total - pending
        account_differs = bank != sent_total or liability != sent_total or unnamed != 0
        if account_differs:
            problems = []
            if bank != sent_total:
                problems.append(f"the trust bank account holds {_m(bank)}")
            if liability != sent_total:
                problems.append(f"the trust liability account holds {_m(liability)}")
            if unnamed:
                problems.append(f"{_m(unnamed)} of its postings name no client of the firm")
            failures.record(
                s,
                firm_id=ctx.firm_id,
                connection_id=ctx.connection_id,
                kind=ACCOUNT,
                local_id=account_id,
                revision=0,
                code=ACCOUNT_CODE,
                message=(
                    f"{account_name} holds {_m(ledger_total)} in the ledger, but in QuickBooks "
                    + "; ".join(problems)
                    + "."
                ),
                detail="",
                context={
                    "ledger": _m(ledger_total),
                    "bank": _m(bank),
                    "liability": _m(liability),
                    "unnamed": _m(unnamed),
                },
            )
        _settle(s, ctx, ACCOUNT, [account_id] if account_differs else [], {account_id})
        differences = len(differing) + (1 if account_differs else 0)
        _remember(
            s,
            ctx,
            f"trust:{account_id}",
            account_name,
            differences,
            {
                "ledger": _m(ledger_total),
                "bank": _m(bank),
                "liability": _m(liability),
                "clients": len(checked),
                "clients_differing": len(differing),
                "clients_waiting": len(unsent),
                "waiting": _m(pending),
            },
        )
        uow.commit()
    outcome.differences += differences
    outcome.waiting += len(unsent)


def _account_name(session: Session, account_id: int) -> str:
    found = session.get(ClientFundsAccount, account_id)
    return found.name if found else f"account {account_id}"


# ---- invoices ---------------------------------------------------------------------------------


def _settled_bills(session: Session, ctx: PassContext, bill_ids: list[int]) -> dict[int, bool]:
    """Bills whose copy is current and has no open failure, each with whether its balance can
    be compared too: no credit applied, and every payment allocated to it synced as it is now.
    (Whatever is not settled yet has its own failure, or goes on the next pass.)"""
    out: dict[int, bool] = {}
    for chunk in range(0, len(bill_ids), 500):
        ids = bill_ids[chunk : chunk + 500]
        failed = set(
            session.execute(
                select(SyncFailure.local_id).where(
                    SyncFailure.connection_id == ctx.connection_id,
                    SyncFailure.kind == Kind.BILL,
                    SyncFailure.local_id.in_(ids),
                    SyncFailure.resolved_at.is_(None),
                )
            ).scalars()
        )
        unsent_payment = set(
            session.execute(
                select(PaymentAllocation.bill_id)
                .join(Payment, Payment.id == PaymentAllocation.payment_id)
                .outerjoin(
                    SyncLink,
                    (SyncLink.connection_id == ctx.connection_id)
                    & (SyncLink.kind == Kind.PAYMENT)
                    & (SyncLink.local_id == Payment.id),
                )
                .where(
                    PaymentAllocation.bill_id.in_(ids),
                    (SyncLink.id.is_(None)) | (SyncLink.synced_revision < Payment.revision),
                )
            ).scalars()
        )
        for ident, revision, synced, credited in session.execute(
            select(Bill.id, Bill.revision, SyncLink.synced_revision, Bill.credited_total)
            .join(
                SyncLink,
                (SyncLink.connection_id == ctx.connection_id)
                & (SyncLink.kind == Kind.BILL)
                & (SyncLink.local_id == Bill.id),
            )
            .where(Bill.id.in_(ids))
        ):
            if ident in failed or synced < revision:
                continue
            out[ident] = ident not in unsent_payment and Decimal(credited) == 0
    return out


async def _invoices(ctx: PassContext, outcome: Outcome) -> None:
    """Each synced bill's total (and balance, when its payments are all synced) against its
    invoice. An invoice missing from the company is the export's to report (it fails there)."""
    with ctx.ledger.uow(ctx.firm_id) as uow:
        links = {
            str(qbo_id): local_id
            for local_id, qbo_id in uow.session.execute(
                select(SyncLink.local_id, SyncLink.qbo_id).where(
                    SyncLink.connection_id == ctx.connection_id,
                    SyncLink.kind == Kind.BILL,
                    SyncLink.qbo_id.is_not(None),
                    SyncLink.status == "synced",
                )
            )
        }
    if not links:
        return
    found: dict[int, tuple[Decimal, Decimal, str]] = {}
    async for invoice in ctx.qb.iter_query(ctx.realm, Invoice):
        bill_id = links.get(str(invoice.Id))
        if bill_id is not None:
            found[bill_id] = (
                to_cents(Decimal(str(invoice.TotalAmt or 0))),
                to_cents(Decimal(str(invoice.Balance or 0))),
                str(invoice.DocNumber or invoice.Id),
            )
    differing: dict[int, str] = {}
    with ctx.ledger.uow(ctx.firm_id) as uow:
        s = uow.session
        settled = _settled_bills(s, ctx, sorted(found))
        mine: dict[int, tuple[Decimal, Decimal, str]] = {}
        ids = sorted(settled)
        for chunk in range(0, len(ids), 500):
            for ident, total, balance, number in s.execute(
                select(Bill.id, Bill.total, Bill.balance, Bill.number).where(
                    Bill.id.in_(ids[chunk : chunk + 500])
                )
            ):
                mine[ident] = (to_cents(Decimal(total)), to_cents(Decimal(balance)), str(number))
        for bill_id, (total, balance, number) in mine.items():
            theirs = found[bill_id]
            same_total = theirs[0] == total
            same_balance = theirs[1] == balance or not settled[bill_id]
            if same_total and same_balance:
                continue
            problem = (
                f"Bill {number}: total {_m(total)} and balance {_m(balance)} in the ledger, "
                f"but invoice {theirs[2]} has total {_m(theirs[0])} and balance "
                f"{_m(theirs[1])} in QuickBooks."
            )
            differing[bill_id] = problem
            failures.record(
                s,
                firm_id=ctx.firm_id,
                connection_id=ctx.connection_id,
                kind=INVOICE,
                local_id=bill_id,
                revision=0,
                code=INVOICE_CODE,
                message=problem,
                context={
                    "ledger": {"total": _m(total), "balance": _m(balance)},
                    "quickbooks": {"total": _m(theirs[0]), "balance": _m(theirs[1])},
                },
            )
        _settle(s, ctx, INVOICE, differing, set(links.values()))
        _remember(
            s,
            ctx,
            "invoices",
            "Invoices",
            len(differing),
            {"invoices": len(mine), "invoices_differing": len(differing)},
        )
        uow.commit()
    outcome.subjects += 1
    outcome.differences += len(differing)


async def compare(ctx: PassContext) -> Outcome:
    """Both comparisons, after a pass; their requests are counted in `Outcome.requests`."""
    outcome = Outcome()
    before = ctx.requests
    try:
        await _trust(ctx, outcome)
        await _invoices(ctx, outcome)
    finally:
        # Reported apart: the pass's own count stays what it sent.
        outcome.requests, ctx.requests = ctx.requests - before, before
    return outcome


def latest(session: Session, connection_id: int) -> list[QuickBooksComparison]:
    """The last result of each subject, for the dashboard."""
    return list(
        session.execute(
            select(QuickBooksComparison)
            .where(QuickBooksComparison.connection_id == connection_id)
            .order_by(QuickBooksComparison.subject)
        ).scalars()
    )
