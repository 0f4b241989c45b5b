"""The sandbox's whole state (apps, companies, tokens) and the control operations on it."""

from __future__ import annotations

import hmac
import threading
from datetime import date
from typing import Any

from .auth import ACCOUNTING_SCOPE, App, Grant, TokenError, Tokens
from .chaos import configure
from .clock import Clock
from .company import EDITIONS, Change, Company, Limits, Record
from .faults import (
    GeneralAuthenticationError,
    authentication_failed,
    authorization_failed,
)
from .models import MODELS
from .models.base import Ctx, Operations
from .seed import refresh_settings_records, seed_company

FIRST_REALM = 9130000000000001


class ControlError(Exception):
    """A bad control-API request (HTTP 400/404 with a plain JSON message)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _last_cheque_number(c: Company, account_id: str) -> int:
    """Cheques are numbered consecutively per bank account."""
    numbers = [
        int(r.data["DocNumber"])
        for r in c.table("Purchase").values()
        if r.data.get("PaymentType") == "Check"
        and r.data.get("AccountRef", {}).get("value") == account_id
        and str(r.data.get("DocNumber", "")).isdigit()
    ]
    return max(numbers, default=0)


class Sandbox:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.clock = Clock()
        self.apps: dict[str, App] = {}
        self.companies: dict[str, Company] = {}
        self.tokens = Tokens()
        self.next_realm = FIRST_REALM
        self.listeners: list[Any] = []  # callables(realm, events)

    # ---- apps, companies, tokens -------------------------------------------------------------

    def register_app(self, app: App) -> App:
        with self.lock:
            self.apps[app.client_id] = app
            return app

    def create_company(
        self,
        name: str,
        edition: str,
        country: str,
        home_currency: str | None = None,
        multicurrency: bool = False,
        realm_id: str | None = None,
        sample_data: bool = False,
    ) -> Company:
        if edition not in EDITIONS:
            raise ControlError(400, f"edition must be one of {', '.join(EDITIONS)}")
        if country not in ("US", "CA"):
            raise ControlError(400, "country must be US or CA")
        if multicurrency and edition == "simple_start":
            raise ControlError(400, "multicurrency is not available in Simple Start")
        with self.lock:
            if realm_id is None:
                realm_id = str(self.next_realm)
                self.next_realm += 1
            elif realm_id in self.companies:
                raise ControlError(400, f"realm {realm_id} already exists")
            now = self.clock.now()
            company = Company(
                realm_id=realm_id,
                name=name,
                edition=edition,
                country=country,
                home_currency=home_currency or ("USD" if country == "US" else "CAD"),
                multicurrency=multicurrency,
                created=now,
            )
            seed_company(company, now, sample_data)
            self.companies[realm_id] = company
            return company

    def company(self, realm_id: str) -> Company:
        company = self.companies.get(realm_id)
        if company is None:
            raise ControlError(404, f"no company with realm id {realm_id}")
        return company

    def mint(
        self, realm_id: str, client_id: str, scope: str = ACCOUNTING_SCOPE
    ) -> dict[str, object]:
        with self.lock:
            self.company(realm_id)
            if client_id not in self.apps:
                raise ControlError(404, f"no app with client_id {client_id}")
            now = self.clock.now()
            grant = self.tokens.grant(client_id, realm_id, scope, now)
            body = self.tokens.issue(grant, now)
            body["realmId"] = realm_id
            return body

    def check_client(self, client_id: str, secret: str) -> App:
        app = self.apps.get(client_id)
        # Constant time, so the answer's timing does not tell how much of a guess was right.
        if app is None or not hmac.compare_digest(app.client_secret.encode(), secret.encode()):
            raise TokenError(401, "invalid_client")
        return app

    def refresh(self, app: App, refresh_token: str, hard_expiry: bool) -> dict[str, object]:
        with self.lock:
            now = self.clock.now()
            grant = self.tokens.refresh(app.client_id, refresh_token, now, app.refresh_rotation)
            return self.tokens.issue(grant, now, hard_expiry)

    def authenticate(self, bearer: str | None, realm_id: str) -> tuple[Company, Grant]:
        """Check a bearer token for a realm; raise the gateway or auth fault QBO would send."""
        if not bearer:
            raise authentication_failed(None)
        if len(bearer) < 20 or len(bearer) > 4096:
            raise authentication_failed("Malformed bearer token: too short or too long")
        with self.lock:
            token = self.tokens.access.get(bearer)
            if token is None:
                raise authentication_failed(None)
            if self.clock.now() >= token.expires:
                raise authentication_failed(f"Token expired: {bearer[:20]}")
            if ACCOUNTING_SCOPE not in token.grant.scope.split():
                raise authorization_failed("The access token does not have sufficient scope")
            if token.grant.realm_id != realm_id:
                raise GeneralAuthenticationError(
                    "AuthenticationErrorGeneral: SRV-110-Authentication Failure , statusCode: 401"
                )
            company = self.companies.get(realm_id)
            if company is None:
                raise authentication_failed(None)
            return company, token.grant

    # ---- company controls ----------------------------------------------------------------------

    def patch_company(self, realm_id: str, changes: dict[str, Any]) -> Company:
        with self.lock:
            c = self.company(realm_id)
            now = self.clock.now()
            if "book_close_date" in changes:
                value = changes["book_close_date"]
                c.book_close_date = date.fromisoformat(value) if value else None
            if "subscription_status" in changes:
                if changes["subscription_status"] not in ("active", "cancelled"):
                    raise ControlError(400, "subscription_status must be active or cancelled")
                c.subscription_status = changes["subscription_status"]
            if "authorizing_user_disabled" in changes:
                c.authorizing_user_disabled = bool(changes["authorizing_user_disabled"])
            if "outage" in changes:
                if changes["outage"] not in ("none", "http_503", "gateway_500"):
                    raise ControlError(400, "outage must be none, http_503 or gateway_500")
                c.outage = changes["outage"]
            if "chaos" in changes:
                try:
                    c.chaos = configure(changes["chaos"] or {})
                except (ValueError, TypeError) as exc:
                    raise ControlError(400, str(exc)) from None
            if "latency_ms" in changes:
                c.latency_ms = max(0, int(changes["latency_ms"] or 0))
            if "cdc_window_days" in changes:
                days = changes["cdc_window_days"]
                c.cdc_window_days = max(1, int(days)) if days else None
            if "gateway_fault_format" in changes:
                if changes["gateway_fault_format"] not in ("json", "xml"):
                    raise ControlError(400, "gateway_fault_format must be json or xml")
                c.gateway_fault_format = changes["gateway_fault_format"]
            for key in ("custom_txn_numbers", "warn_duplicate_doc_numbers", "class_tracking"):
                if key in changes:
                    setattr(c, key, bool(changes[key]))
            if c.class_tracking and not c.plus_or_better:
                c.class_tracking = False
                raise ControlError(400, "class tracking needs the plus or advanced edition")
            if "limits" in changes:
                limits = changes["limits"] or {}
                c.limits = Limits(
                    per_window=int(limits.get("per_window", c.limits.per_window)),
                    concurrent=int(limits.get("concurrent", c.limits.concurrent)),
                    batches_per_window=int(
                        limits.get("batches_per_window", c.limits.batches_per_window)
                    ),
                    window_seconds=float(limits.get("window_seconds", c.limits.window_seconds)),
                )
            refresh_settings_records(c, now, bump=True)
            return c

    def deposit(self, realm_id: str, payment_ids: list[str], account_id: str | None) -> Record:
        with self.lock:
            c = self.company(realm_id)
            ctx = Ctx(company=c, now=self.clock.now())
            if account_id is None:
                bank = c.account_by_subtype("Checking")
                account_id = bank.data["Id"] if bank else None
            lines = [
                {"LinkedTxn": [{"TxnId": str(pid), "TxnType": "Payment", "TxnLineId": "0"}]}
                for pid in payment_ids
            ]
            rec = Operations(ctx).create(
                MODELS["Deposit"], {"DepositToAccountRef": {"value": account_id}, "Line": lines}
            )
            self.emit(realm_id, ctx.events)
            return rec

    def match_bank_line(self, realm_id: str, entity: str, ident: str) -> dict[str, str]:
        """Mark a transaction as matched to a (made-up) downloaded bank line, as the bank feed
        does when the firm accepts a match; QBO then refuses to delete it (6480)."""
        with self.lock:
            c = self.company(realm_id)
            model = MODELS.get(entity)
            if model is None or model.kind != "txn":
                raise ControlError(400, f"{entity} is not a transaction entity")
            if c.get(entity, ident) is None:
                raise ControlError(404, f"no {entity} with Id {ident}")
            key = f"{entity}:{ident}"
            if key not in c.bank_matches:
                c.bank_matches[key] = f"FEED-{c.next_id('BankFeedLine')}"
            return {"entity": entity, "id": ident, "bank_line_id": c.bank_matches[key]}

    def unmatch_bank_line(self, realm_id: str, entity: str, ident: str) -> dict[str, str]:
        with self.lock:
            c = self.company(realm_id)
            line = c.bank_matches.pop(f"{entity}:{ident}", None)
            if line is None:
                raise ControlError(404, f"{entity} {ident} is not matched to a bank-feed line")
            return {"entity": entity, "id": ident, "bank_line_id": line}

    def print_cheques(
        self, realm_id: str, first_number: int | None, account_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Print what waits to be printed, as a user does in QuickBooks (Print checks): every
        cheque with PrintStatus NeedToPrint, of one bank account when ``account_id`` is given,
        gets its number and PrintComplete."""
        with self.lock:
            c = self.company(realm_id)
            if account_id is not None:
                acct = c.get("Account", account_id)
                if acct is None or acct.data.get("AccountType") != "Bank":
                    raise ControlError(404, f"no bank account with Id {account_id}")
            ctx = Ctx(company=c, now=self.clock.now())
            ops = Operations(ctx)
            model = MODELS["Purchase"]
            printed = []
            waiting = sorted(
                (
                    r
                    for r in c.table("Purchase").values()
                    if r.data.get("PaymentType") == "Check"
                    and r.data.get("PrintStatus") == "NeedToPrint"
                    and account_id in (None, r.data.get("AccountRef", {}).get("value"))
                ),
                key=lambda r: int(r.data["Id"]),
            )
            for rec in waiting:
                if first_number is not None:
                    number = str(first_number)
                    first_number += 1
                else:
                    number = str(_last_cheque_number(c, rec.data["AccountRef"]["value"]) + 1)
                body = {
                    **rec.data,
                    "DocNumber": number,
                    "PrintStatus": "PrintComplete",
                    "sparse": True,
                }
                ctx.include = frozenset({"allowduplicatedocnum"})
                stored = ops.update(model, body, sparse=True)
                printed.append({"Id": stored.data["Id"], "DocNumber": number})
            self.emit(realm_id, ctx.events)
            return printed

    def void_cheque(self, realm_id: str, ident: str) -> Record:
        """Void a cheque as a user does in QuickBooks' screens; the API can't void a Purchase.
        It stays, with its number, its amounts zero and "Voided" in its memo."""
        with self.lock:
            c = self.company(realm_id)
            rec = c.get("Purchase", ident)
            if rec is None:
                raise ControlError(404, f"no Purchase with Id {ident}")
            if rec.data.get("PaymentType") != "Check":
                raise ControlError(400, f"Purchase {ident} is not a cheque (PaymentType Check)")
            ctx = Ctx(company=c, now=self.clock.now())
            body = {"Id": ident, "SyncToken": rec.data["SyncToken"]}
            stored = Operations(ctx).void(MODELS["Purchase"], body, in_ui=True)
            self.emit(realm_id, ctx.events)
            return stored

    def purge(self, realm_id: str) -> None:
        with self.lock:
            c = self.company(realm_id)
            keep = {k: c.records.get(k, {}) for k in ("CompanyInfo", "Preferences")}
            c.records = keep
            c.tombstones = {}
            c.postings.clear()
            c.balances.clear()
            c.applied.clear()
            c.open_items.clear()
            c.customer_open.clear()
            c.vendor_items.clear()
            c.vendor_open.clear()
            c.outbox.clear()
            c.deposited.clear()
            c.bank_matches.clear()
            c.name_index.clear()
            c.requests.clear()

    def emit(self, realm_id: str, events: list[Change]) -> None:
        if events:
            for listener in self.listeners:
                listener(realm_id, list(events))
            events.clear()


__all__ = ["ControlError", "Sandbox"]
