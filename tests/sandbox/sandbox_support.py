"""Helpers for the sandbox tests: a real server in a thread, a company client, fault checks.

Kept out of conftest.py so every test module imports them by one name,
`tests.sandbox.sandbox_support`.
"""

from __future__ import annotations

import itertools
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import uvicorn

CLIENT_ID = "lawsync-test"
CLIENT_SECRET = "lawsync-secret"
REDIRECT = "http://127.0.0.1:1/callback"
_names = itertools.count(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, app: Any, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> Server:
        self.thread.start()
        deadline = time.time() + 10
        while not self.server.started:
            if time.time() > deadline:
                raise RuntimeError("sandbox did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)


class Qbo:
    """A QBO company in the sandbox, with a bearer token, spoken to over HTTP."""

    def __init__(
        self, control: httpx.Client, realm: str, token: dict[str, Any], info: dict[str, Any]
    ) -> None:
        self.control = control
        self.realm = realm
        self.token = token
        self.info = info
        self.accounts: dict[str, str] = info["accounts"]
        self.http = httpx.Client(
            base_url=f"{str(control.base_url).rstrip('/')}/v3/company/{realm}",
            headers={
                "Authorization": f"Bearer {token['access_token']}",
                "Accept": "application/json",
            },
            timeout=10,
        )

    def post(self, entity: str, body: Any, **params: Any) -> httpx.Response:
        params.setdefault("minorversion", 75)
        return self.http.post(f"/{entity}", json=body, params=params)

    def get(self, path: str, **params: Any) -> httpx.Response:
        params.setdefault("minorversion", 75)
        return self.http.get(path, params=params)

    def create(self, entity: str, body: Any, **params: Any) -> dict[str, Any]:
        r = self.post(entity.lower(), body, **params)
        assert r.status_code == 200, r.text
        return dict(r.json()[entity])

    def read(self, entity: str, ident: str) -> dict[str, Any]:
        r = self.get(f"/{entity.lower()}/{ident}")
        assert r.status_code == 200, r.text
        return dict(r.json()[entity])

    def query(self, text: str) -> httpx.Response:
        return self.http.get("/query", params={"query": text, "minorversion": 75})

    def rows(self, text: str) -> list[dict[str, Any]]:
        r = self.query(text)
        assert r.status_code == 200, r.text
        resp = r.json()["QueryResponse"]
        entity = text.split()[3] if text.split()[1] == "*" else None
        if entity is None:
            lists = [v for v in resp.values() if isinstance(v, list)]
            return lists[0] if lists else []
        return list(resp.get(entity, []))

    def patch(self, **changes: Any) -> dict[str, Any]:
        r = self.control.patch(f"/_sandbox/companies/{self.realm}", json=changes)
        assert r.status_code == 200, r.text
        return dict(r.json())

    # convenience creators
    def customer(self, name: str | None = None, **extra: Any) -> dict[str, Any]:
        return self.create("Customer", {"DisplayName": name or f"Client {next(_names)}", **extra})

    def invoice(self, customer_id: str, amount: str = "100.00", **extra: Any) -> dict[str, Any]:
        line = {
            "Amount": float(amount),
            "DetailType": "SalesItemLineDetail",
            "SalesItemLineDetail": {"ItemRef": {"value": "2"}},
        }
        return self.create(
            "Invoice", {"CustomerRef": {"value": customer_id}, "Line": [line], **extra}
        )

    def payment(
        self, customer_id: str, amount: str, invoice_id: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "CustomerRef": {"value": customer_id},
            "TotalAmt": float(amount),
            **extra,
        }
        if invoice_id:
            body["Line"] = [
                {
                    "Amount": float(amount),
                    "LinkedTxn": [{"TxnId": invoice_id, "TxnType": "Invoice"}],
                }
            ]
        return self.create("Payment", body)


NewCompany = Callable[..., Qbo]
"""The type of the `new_company` fixture: a company made to a spec (edition, country, ...)."""


def make_company(control: httpx.Client, *, client_id: str = CLIENT_ID, **spec: Any) -> Qbo:
    """A new company, and a bearer token for it issued to the app ``client_id``."""
    spec.setdefault("name", f"Firm {next(_names)}")
    spec.setdefault("edition", "plus")
    spec.setdefault("country", "US")
    r = control.post("/_sandbox/companies", json=spec)
    assert r.status_code == 201, r.text
    info = r.json()
    t = control.post(
        f"/_sandbox/companies/{info['realm_id']}/tokens", json={"client_id": client_id}
    )
    assert t.status_code == 200, t.text
    return Qbo(control, info["realm_id"], t.json(), info)


def fault(
    resp: httpx.Response, status: int, code: str, element: str | None = None
) -> dict[str, Any]:
    """Assert a capitalised QBO fault and return its first error."""
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert "time" in body
    assert body["Fault"]["type"]
    err = dict(body["Fault"]["Error"][0])
    assert err["code"] == code, err
    assert err["Message"]
    if element is not None:
        assert err["element"] == element, err
    return err


# ---- request bodies: the lines and documents many tests send --------------------------------


def sales_line(amount: float, item: str | None = "2", **detail: Any) -> dict[str, Any]:
    """A sales line (invoice, credit memo, sales receipt); `item=None` leaves out its ItemRef."""
    refs = {"ItemRef": {"value": item}} if item is not None else {}
    return {
        "Amount": amount,
        "DetailType": "SalesItemLineDetail",
        "SalesItemLineDetail": {**refs, **detail},
    }


def expense_line(amount: float, account: str, **detail: Any) -> dict[str, Any]:
    """An account-based expense line (purchase, bill) charged to `account`."""
    return {
        "Amount": amount,
        "DetailType": "AccountBasedExpenseLineDetail",
        "AccountBasedExpenseLineDetail": {"AccountRef": {"value": account}, **detail},
    }


def purchase(qbo: Qbo, *lines: dict[str, Any], pay: str = "Cash", **extra: Any) -> dict[str, Any]:
    """A purchase paid from the company's checking account, unless `extra` names another."""
    return {
        "PaymentType": pay,
        "AccountRef": {"value": qbo.accounts["Checking"]},
        "Line": list(lines),
        **extra,
    }


def je_line(amount: float, posting: str, account: str, **detail: Any) -> dict[str, Any]:
    return {
        "Amount": amount,
        "DetailType": "JournalEntryLineDetail",
        "JournalEntryLineDetail": {
            "PostingType": posting,
            "AccountRef": {"value": account},
            **detail,
        },
    }


def bill_body(qbo: Qbo, vendor_id: str, amount: float = 80, **extra: Any) -> dict[str, Any]:
    return {
        "VendorRef": {"value": vendor_id},
        "Line": [expense_line(amount, qbo.accounts["LegalProfessionalFees"])],
        **extra,
    }


# ---- client funds (trust): the bodies the trust export sends ------------------------------------


def client_entity(customer_id: str) -> dict[str, Any]:
    """A journal line's name: the client (a Customer) the money is held for."""
    return {"Type": "Customer", "EntityRef": {"value": customer_id}}


def trust_deposit(qbo: Qbo, customer_id: str, amount: float, **extra: Any) -> dict[str, Any]:
    """Money received for a client: debit the trust bank, credit the trust liability."""
    return {
        "Line": [
            je_line(amount, "Debit", qbo.accounts["TrustAccounts"]),
            je_line(
                amount,
                "Credit",
                qbo.accounts["TrustAccountsLiabilities"],
                Entity=client_entity(customer_id),
            ),
        ],
        **extra,
    }


def trust_cheque(
    qbo: Qbo, customer_id: str, payee_id: str, amount: float, **extra: Any
) -> dict[str, Any]:
    """A cheque paid out of the trust bank for a client, waiting to be printed."""
    return {
        "PaymentType": "Check",
        "PrintStatus": "NeedToPrint",
        "AccountRef": {"value": qbo.accounts["TrustAccounts"]},
        "EntityRef": {"value": payee_id, "type": "Vendor"},
        "Line": [
            expense_line(
                amount,
                qbo.accounts["TrustAccountsLiabilities"],
                CustomerRef={"value": customer_id},
            )
        ],
        **extra,
    }


def balance(qbo: Qbo, subtype_or_id: str) -> float:
    """An account's CurrentBalance, by its seeded subtype or its Id."""
    ident = qbo.accounts.get(subtype_or_id, subtype_or_id)
    return float(qbo.read("Account", ident)["CurrentBalance"])


def inactivate(qbo: Qbo, entity: str, ident: str) -> None:
    """Make a name-list record inactive, as QBO 'deletes' one."""
    now = qbo.read(entity, ident)
    qbo.create(
        entity, {"Id": ident, "SyncToken": now["SyncToken"], "sparse": True, "Active": False}
    )
