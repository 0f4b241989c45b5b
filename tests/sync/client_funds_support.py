"""A firm whose trust account posts to a sandbox company of its own, through the JSON API."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

import httpx

from lawsync.config import Settings
from lawsync.quickbooks import Account, Entity, RetryPolicy, Timeouts
from lawsync.sync import connection
from lawsync.sync.engine import PassReport, ProgressFn, ReplyHook, run_pass
from tests import builders
from tests.conftest import SANDBOX_CONTROL_SECRET, Firm
from tests.sync.connect_support import connect, new_realm

E = TypeVar("E", bound=Entity)


@dataclass
class TrustBooks:
    firm: Firm
    control: httpx.Client
    server_url: str
    realm: str
    account_id: int  # the ledger's trust account
    bank: str  # its bank account in the company
    liability: str  # its liability account in the company

    def call(self, fn: Any, **overrides: Any) -> Any:
        settings = Settings(database_url="unused", sandbox_control_secret=SANDBOX_CONTROL_SECRET)

        async def go() -> Any:
            async with connection.open_client(
                self.firm.ledger, self.firm.id, settings, self.server_url, **overrides
            ) as qb:
                return await fn(qb)

        return asyncio.run(go())

    def run(
        self,
        after_reply: ReplyHook | None = None,
        spare_requests: bool | None = None,
        progress: ProgressFn | None = None,
        read_timeout: float = 30.0,
    ) -> PassReport:
        """One pass in this process (not through the API), so a test can stop it after any
        reply or chunk. The client retries at once; with a short ``read_timeout`` it gives up
        on the sandbox's injected late answers (`chaos`), which take longer."""
        fast = RetryPolicy(
            base_seconds=0.02, cap_seconds=0.2, budget_seconds=20, throttle_seconds=0.05
        )

        async def go(qb: Any) -> PassReport:
            return await run_pass(
                self.firm.ledger,
                self.firm.id,
                qb,
                after_reply=after_reply,
                spare_requests=spare_requests,
                progress=progress,
            )

        report: PassReport = self.call(go, retry=fast, timeouts=Timeouts(read=read_timeout))
        return report

    def chaos(self, rate: float, seed: int = 0, delay_seconds: float = 0.6) -> None:
        """Fail this share of the company's API calls (see lawsync.sandbox.chaos); a late
        answer comes after ``delay_seconds``."""
        body = {"rate": rate, "seed": seed, "delay_seconds": delay_seconds}
        r = self.control.patch(f"/_sandbox/companies/{self.realm}", json={"chaos": body})
        assert r.status_code == 200, r.text

    def query(self, entity: type[E], where: str = "") -> list[E]:
        return self.call(lambda qb: qb.query(self.realm, entity, where))  # type: ignore[no-any-return]

    def balance(self, account_id: str) -> Decimal:
        found = self.call(lambda qb: qb.read(self.realm, Account, account_id))
        return Decimal(found.CurrentBalance or 0)

    def sync(self) -> dict[str, Any]:
        report: dict[str, Any] = self.firm.post("/quickbooks/sync", None, 200)
        return report

    def ledger_balance(self) -> Decimal:
        return Decimal(self.firm.get(f"/client-funds-accounts/{self.account_id}")["balance"])


def trust_books(firm: Firm, control: httpx.Client, server_url: str, **settings: Any) -> TrustBooks:
    """Connected to a new company with a trust bank and a trust liability account, the firm's
    trust account mapped to them and the client funds export on (with ``settings`` on top)."""
    realm = new_realm(control)
    connect(firm, control, realm)
    books = TrustBooks(firm, control, server_url, realm, 0, "", "")

    async def accounts(qb: Any) -> tuple[str, str]:
        bank = await qb.create(realm, Account(Name="IOLTA Bank", AccountType="Bank"))
        owed = await qb.create(
            realm, Account(Name="IOLTA Owed to Clients", AccountType="Other Current Liability")
        )
        return str(bank.Id), str(owed.Id)

    books.bank, books.liability = books.call(accounts)
    books.account_id = builders.trust_account(firm)["id"]
    body = {
        "export_client_funds": True,
        "client_funds_accounts": [
            {
                "account_id": books.account_id,
                "bank_account": books.bank,
                "liability_account": books.liability,
            }
        ],
        **settings,
    }
    firm.put("/quickbooks/settings", body)
    return books
