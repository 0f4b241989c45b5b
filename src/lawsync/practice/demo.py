"""A realistic demo practice, built only through the service layer (so it obeys every rule)."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import func, select

from lawsync.practice import commands as c
from lawsync.practice.errors import PracticeError, RuleViolation
from lawsync.practice.models import (
    ActivityCategory,
    ClientFundsAccount,
    Contact,
    ExpenseCategory,
    Firm,
    Matter,
    Role,
    User,
)
from lawsync.practice.services import (
    adjustments,
    bill_settings,
    bills,
    client_funds,
    contacts,
    entries,
    firms,
    payments,
    sign_in,
)
from lawsync.practice.services.context import Actor, Ledger


class Printer(Protocol):
    def print(self, *objects: Any) -> None: ...


PEOPLE = [
    ("Amelia", "Hart"),
    ("Brendan", "Okafor"),
    ("Chloe", "Nguyen"),
    ("Dmitri", "Volkov"),
    ("Elena", "Marsh"),
    ("Farid", "Haddad"),
    ("Grace", "O'Neill"),
    ("Hiroshi", "Tanaka"),
    ("Isabel", "Cortez"),
    ("Jonah", "Feld"),
    ("Keira", "Walsh"),
    ("Luis", "Ortega"),
]
COMPANIES = [
    "Bayside Marine Supply Inc.",
    "Crestline Dental Group",
    "Northwind Logistics LLC",
    "Juniper & Finch Architects",
    "Redwood Home Builders",
    "Silverline Software Ltd.",
    "Old Mill Bakery Co.",
    "Pinecrest Property Management",
]
MATTER_KINDS = [
    "Estate planning",
    "Commercial lease review",
    "Employment dispute",
    "Real estate closing",
    "Contract negotiation",
    "Incorporation",
    "Personal injury claim",
    "Trademark filing",
    "Family law: custody",
    "Debt collection",
    "Zoning appeal",
    "Shareholder agreement",
]
ACTIVITIES = [
    ("Research", "250"),
    ("Drafting", "275"),
    ("Court appearance", "350"),
    ("Client meeting", "250"),
    ("Correspondence", "200"),
]
EXPENSES = [
    ("Filing fees", None),
    ("Courier", "35"),
    ("Photocopies", "0.25"),
    ("Travel", None),
    ("Expert report", None),
]
ADMIN_RATE = Decimal("450")  # the administrator is the senior partner; the tour bills their time
TIMEKEEPERS = [
    ("Priya Raman", "priya", "425"),
    ("Tom Becker", "tom", "310"),
    ("Ana Lima", "ana", "195"),
    ("Sam Ortiz", "sam", "140"),
]


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)) / 100


class FirmNotEmpty(RuleViolation):
    code = "firm_not_empty"


def check_can_fill(ledger: Ledger, firm_id: int) -> None:
    """Demo data goes only into an existing firm that has nothing in it yet (but its admin).

    Checked before anything is written, so a refusal changes nothing.
    """
    with ledger.uow(firm_id) as uow:
        if uow.session.get(Firm, firm_id) is None:
            raise PracticeError(
                f"No firm with id {firm_id}. `lawsync firm list` shows the firms.", code="not_found"
            )
        found = {
            label: uow.session.scalar(select(func.count()).select_from(model)) or 0
            for label, model in (
                ("contacts", Contact),
                ("matters", Matter),
                ("activity categories", ActivityCategory),
                ("expense categories", ExpenseCategory),
                ("client funds accounts", ClientFundsAccount),
            )
        }
        found["other users"] = max(
            (uow.session.scalar(select(func.count()).select_from(User)) or 0) - 1, 0
        )
    held = ", ".join(f"{n} {label}" for label, n in found.items() if n)
    if held:
        raise FirmNotEmpty(
            f"Firm {firm_id} already has data ({held}); demo data goes only into a new, empty "
            "firm. Make one with `lawsync firm create --name N --admin-email E`."
        )


def fill_firm(
    ledger: Ledger, firm_id: int, *, seed: int = 7, progress: Printer | None = None
) -> dict[str, int]:
    """Fill an empty firm with a practice; refuses (no such firm, not empty) before any change."""
    rng = random.Random(seed)
    today = dt.date.today()
    start = today - dt.timedelta(days=180)
    check_can_fill(ledger, firm_id)
    admin = firms.primary_subscriber(ledger, Actor(firm_id, None))
    actor = Actor(firm_id, admin.id, Role.admin)
    counts: dict[str, int] = {}

    def say(text: str) -> None:
        if progress is not None:
            progress.print(text)

    say("Demo firm: settings and people")
    bill_settings.update_bill_settings(
        ledger,
        actor,
        c.BillSettingsUpdate(
            primary_tax_name="Sales tax",
            primary_tax_rate=Decimal("8.25"),
            primary_tax_on_expenses=True,
            hard_soft_costs_enabled=True,
            payment_terms_days=30,
            next_bill_number=1001,
        ),
    )
    if not admin.default_rate:
        firms.update_user(ledger, actor, admin.id, c.UserUpdate(default_rate=ADMIN_RATE))
    domain = "example.com"
    keepers = [admin.id] + [
        firms.create_user(
            ledger,
            actor,
            c.UserCreate(
                name=name,
                email=f"{handle}.{firm_id}@{domain}",
                default_rate=Decimal(rate),
                role=Role.member,
            ),
        ).id
        for name, handle, rate in TIMEKEEPERS
    ]
    acts = [
        entries.create_category(
            ledger, actor, "activity", c.CategoryCreate(name=n, default_price=Decimal(p))
        ).id
        for n, p in ACTIVITIES
    ]
    exps = [
        entries.create_category(
            ledger,
            actor,
            "expense",
            c.CategoryCreate(name=n, default_price=Decimal(p) if p else None),
        ).id
        for n, p in EXPENSES
    ]

    say("Demo firm: contacts and matters")
    clients: list[int] = []
    for i, (first, last) in enumerate(PEOPLE):
        clients.append(
            contacts.create_contact(
                ledger,
                actor,
                c.ContactCreate(
                    kind="person",
                    first_name=first,
                    last_name=last,
                    emails=[
                        c.EmailIn(
                            address=f"{first}.{last}".lower().replace("'", "") + f"@{domain}",
                            primary=True,
                        )
                    ],
                    phones=[c.PhoneIn(number=f"+1 415 555 {1000 + i:04d}")],
                    address=c.AddressIn(
                        street=f"{100 + 7 * i} Market Street",
                        city="San Francisco",
                        region="CA",
                        postal_code="94105",
                        country="US",
                    ),
                ),
            ).id
        )
    for i, name in enumerate(COMPANIES):
        slug = name.split()[0].lower()
        clients.append(
            contacts.create_contact(
                ledger,
                actor,
                c.ContactCreate(
                    kind="company",
                    company_name=name,
                    web_address=f"https://www.{slug}.example.com",
                    emails=[c.EmailIn(address=f"accounts@{slug}.example.com", primary=True)],
                    phones=[c.PhoneIn(number=f"+1 510 555 {2000 + i:04d}")],
                ),
            ).id
        )
    matters: dict[int, list[int]] = {cid: [] for cid in clients}
    for i in range(30):
        cid = clients[i % len(clients)]
        matters[cid].append(
            contacts.create_matter(
                ledger,
                actor,
                c.MatterCreate(
                    client_id=cid,
                    description=rng.choice(MATTER_KINDS),
                    open_date=start + dt.timedelta(days=rng.randint(0, 30)),
                ),
            ).id
        )
    all_matters = [m for ms in matters.values() for m in ms]

    say("Demo firm: time and expenses")
    n_time = n_exp = 0
    for _ in range(320):
        entries.create_time_entry(
            ledger,
            actor,
            c.TimeEntryCreate(
                matter_id=rng.choice(all_matters),
                user_id=rng.choice(keepers),
                date=start + dt.timedelta(days=rng.randint(30, 170)),
                hours=Decimal(rng.randint(1, 24)) / 4,
                category_id=rng.choice(acts),
                description=rng.choice(
                    [
                        "Reviewed file",
                        "Drafted letter",
                        "Call with client",
                        "Prepared motion",
                        "Research on precedent",
                        "Meeting",
                    ]
                ),
            ),
        )
        n_time += 1
    for _ in range(90):
        cat = rng.randrange(len(exps))
        qty = Decimal(rng.randint(20, 400)) if cat == 2 else Decimal(1)
        listed = EXPENSES[cat][1]
        price = Decimal(listed) if listed else _money(rng, 40, 900)
        entries.create_expense_entry(
            ledger,
            actor,
            c.ExpenseEntryCreate(
                matter_id=rng.choice(all_matters),
                user_id=rng.choice(keepers),
                date=start + dt.timedelta(days=rng.randint(30, 170)),
                quantity=qty,
                unit_price=price,
                category_id=exps[cat],
                description=EXPENSES[cat][0],
                cost_type="hard" if cat in (0, 3, 4) else "soft",
            ),
        )
        n_exp += 1

    say("Demo firm: client funds")
    accounts = [
        client_funds.create_account(
            ledger,
            actor,
            c.ClientFundsAccountCreate(
                name="IOLTA Trust", bank_name="First Harbor Bank", account_number_last4="4821"
            ),
        ).id,
        client_funds.create_account(
            ledger,
            actor,
            c.ClientFundsAccountCreate(
                name="Estate Trust", bank_name="Pacific Union Bank", account_number_last4="9917"
            ),
        ).id,
    ]
    deposits = disbursements = 0
    trust_clients = clients[:14]
    for i, cid in enumerate(trust_clients):
        acc = accounts[0] if i % 4 else accounts[1]
        mid = matters[cid][0] if matters[cid] else None
        client_funds.record_deposit(
            ledger,
            actor,
            c.TrustDeposit(
                kind="deposit",
                account_id=acc,
                client_id=cid,
                matter_id=mid,
                amount=_money(rng, 3000, 15000),
                date=start + dt.timedelta(days=rng.randint(20, 60)),
                source="Retainer by wire",
            ),
        )
        deposits += 1
        if i % 3 == 0:
            client_funds.record_disbursement(
                ledger,
                actor,
                c.TrustDisbursement(
                    kind="disbursement",
                    account_id=acc,
                    client_id=cid,
                    matter_id=mid,
                    amount=_money(rng, 200, 900),
                    date=start + dt.timedelta(days=rng.randint(70, 100)),
                    payee_name="County Recorder",
                    method="cheque",
                    cheque_number=str(5000 + i) if i % 2 == 0 else None,
                    description="Recording fees",
                ),
            )
            disbursements += 1

    say("Demo firm: bills and payments")
    counts_by_state = {"draft": 0, "approved": 0, "paid": 0, "void": 0}
    n_payments = trust_payments = 0
    for i, cid in enumerate(clients):
        if not matters[cid]:
            continue
        try:
            bill = bills.create_bill(
                ledger,
                actor,
                c.BillCreate(
                    client_id=cid,
                    to_date=today - dt.timedelta(days=40),
                    issue_date=today - dt.timedelta(days=35),
                ),
            )
        except PracticeError:
            continue
        plan = i % 6
        if plan == 0:
            counts_by_state["draft"] += 1
            continue
        bill = bills.approve_bill(ledger, actor, bill.id)
        if plan == 1:
            counts_by_state["approved"] += 1
            adjustments.create_interest_charge(
                ledger,
                actor,
                c.InterestChargeCreate(bill_id=bill.id, rate=Decimal("1.5"), charged_on=today),
            )
        elif plan == 2:
            payments.create_payment(
                ledger,
                actor,
                c.PaymentCreate(
                    client_id=cid,
                    date=today - dt.timedelta(days=10),
                    amount=bill.balance,
                    method="cheque",
                    reference=f"CHQ {300 + i}",
                    allocations=[c.AllocationIn(bill_id=bill.id, amount=bill.balance)],
                ),
            )
            n_payments += 1
            counts_by_state["paid"] += 1
        elif plan == 3:
            part = (bill.balance / 2).quantize(Decimal("0.01"))
            adjustments.create_credit_note(
                ledger,
                actor,
                c.CreditNoteCreate(
                    bill_id=bill.id,
                    amount=Decimal("50.00"),
                    date=today - dt.timedelta(days=20),
                    reason="Courtesy discount",
                ),
            )
            payments.create_payment(
                ledger,
                actor,
                c.PaymentCreate(
                    client_id=cid,
                    date=today - dt.timedelta(days=12),
                    amount=part,
                    method="credit_card",
                    reference="Card payment",
                    allocations=[c.AllocationIn(bill_id=bill.id, amount=part)],
                ),
            )
            n_payments += 1
            counts_by_state["approved"] += 1
        elif plan == 4 and cid in trust_clients:
            acc = accounts[0] if trust_clients.index(cid) % 4 else accounts[1]
            report_mid = matters[cid][0]
            held = client_funds.bucket_balance(ledger, actor, acc, cid, report_mid)
            amount = min(held, Decimal(bill.balance))
            if amount > 0:
                payments.create_payment(
                    ledger,
                    actor,
                    c.PaymentCreate(
                        client_id=cid,
                        date=today - dt.timedelta(days=5),
                        amount=amount,
                        source="client_funds",
                        client_funds_account_id=acc,
                        matter_id=report_mid,
                        allocations=[c.AllocationIn(bill_id=bill.id, amount=amount)],
                    ),
                )
                n_payments += 1
                trust_payments += 1
            counts_by_state["paid" if amount == bill.balance else "approved"] += 1
        else:
            bills.void_bill(ledger, actor, bill.id, "Issued in error")
            counts_by_state["void"] += 1
    counts.update(
        contacts=len(clients),
        matters=len(all_matters),
        timekeepers=len(keepers),
        time_entries=n_time,
        expense_entries=n_exp,
        client_funds_accounts=len(accounts),
        deposits=deposits,
        disbursements=disbursements,
        payments=n_payments,
        payments_from_trust=trust_payments,
        **{f"bills_{k}": v for k, v in counts_by_state.items()},
    )
    return counts


def seed_demo_firm(
    ledger: Ledger, token_file: Path, *, progress: Printer | None = None
) -> str | None:
    """Seed a demo firm into an empty database and save its administrator's API token.

    A database that already has a firm is left alone (no firm, no new token): returns None.
    """
    with ledger.uow(None) as uow:
        first = uow.session.execute(select(Firm.id).order_by(Firm.id).limit(1)).scalar_one_or_none()
    if first is not None:
        return None
    created = firms.create_firm(
        ledger,
        c.FirmCreate(
            name="Harbour & Vale LLP",
            admin_name="Morgan Vale",
            admin_email="morgan@example.com",
            # A US firm on the east coast: its pages show times in its own zone.
            time_zone="America/New_York",
        ),
    )
    fill_firm(ledger, created.firm.id, progress=progress)
    _private(token_file, created.token + "\n")
    password = secrets.token_urlsafe(12)
    admin = Actor(created.firm.id, created.admin.id, Role.admin)
    sign_in.set_password(ledger, admin, created.admin.id, password)
    _private(login_file(token_file), f"{created.admin.email}\n{password}\n")
    return created.token


def login_file(token_file: Path) -> Path:
    """Where the demo administrator's email and password are kept, beside the token."""
    return token_file.with_name("demo-login")


def saved_demo_login(token_file: Path) -> tuple[str, str] | None:
    """The demo administrator's email and password, as saved when the demo was seeded."""
    path = login_file(token_file)
    if not path.exists():
        return None
    lines = path.read_text().splitlines()
    return (lines[0], lines[1]) if len(lines) >= 2 else None


def _private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o600)


def saved_demo_token(ledger: Ledger, token_file: Path) -> str | None:
    """The token saved when the demo was seeded, if it still signs in."""
    if not token_file.exists():
        return None
    saved = token_file.read_text().strip()
    return saved if saved and firms.authenticate(ledger, saved) is not None else None
