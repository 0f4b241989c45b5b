"""A browser's side of the web app over real HTTP: cookies, forms and their CSRF tokens."""

from __future__ import annotations

import re
from typing import Any

import httpx

from lawsync.practice.services import sign_in
from lawsync.sync import failures
from lawsync.sync.kinds import Kind
from lawsync.sync.models import QuickBooksConnection
from tests.conftest import Firm

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    def __init__(self, server_url: str) -> None:
        self.http = httpx.Client(base_url=server_url, headers={"Accept": "text/html"}, timeout=30)

    def get(self, path: str, **params: Any) -> httpx.Response:
        # (an empty `params` would drop a query already in `path`)
        return self.http.get(path, params=params) if params else self.http.get(path)

    def page(self, path: str, **params: Any) -> str:
        response = self.get(path, **params)
        assert response.status_code == 200, (path, response.status_code, response.text[:500])
        return response.text

    def csrf(self, path: str = "/") -> str:
        found = CSRF.search(self.page(path))
        assert found, f"no form with a CSRF token on {path}"
        return found.group(1)

    def submit(self, path: str, data: dict[str, Any], *, from_page: str = "/") -> httpx.Response:
        return self.http.post(path, data={"csrf_token": self.csrf(from_page), **data})

    def sign_in(self, email: str, password: str = PASSWORD) -> httpx.Response:
        return self.http.post("/login", data={"email": email, "password": password, "next": "/"})

    def close(self) -> None:
        self.http.close()


def with_password(firm: Firm, password: str = PASSWORD) -> str:
    """The firm's administrator, given a password; their email."""
    sign_in.set_password(firm.ledger, firm.actor, firm.admin_id, password)
    return str(firm.get(f"/users/{firm.admin_id}")["email"])


def member(firm: Firm) -> str:
    """A member (not an administrator) of the firm, given a password; their email."""
    user = firm.post(
        "/users", {"name": "Mo Member", "email": f"mo-{firm.id}@x.example", "role": "member"}
    )
    sign_in.set_password(firm.ledger, firm.actor, user["id"], PASSWORD)
    return str(user["email"])


def connected(firm: Firm) -> int:
    """A connection row as a connect leaves it (no tokens: nothing here calls QuickBooks)."""
    with firm.ledger.uow(firm.id) as uow:
        row = QuickBooksConnection(
            firm_id=firm.id,
            realm_id=f"9{firm.id:08d}",
            company_name="Smith Books Inc",
            edition="plus",
            country="US",
            home_currency="USD",
            multicurrency=False,
        )
        uow.session.add(row)
        uow.commit()
        return row.id


def refused(
    firm: Firm,
    connection_id: int,
    local_id: int,
    *,
    kind: Kind = Kind.CONTACT,
    code: str = "6240",
    message: str = "Duplicate Name Exists Error",
    element: str = "DisplayName",
) -> int:
    """An open failure for one record; its id."""
    with firm.ledger.uow(firm.id) as uow:
        row = failures.record(
            uow.session,
            firm_id=firm.id,
            connection_id=connection_id,
            kind=kind,
            local_id=local_id,
            revision=1,
            code=code,
            message=message,
            element=element,
        )
        uow.commit()
        return row.id


def person(firm: Firm, last: str = "Okafor") -> int:
    """A person contact of the firm; its id."""
    body = {"kind": "person", "first_name": "Ada", "last_name": last}
    return int(firm.post("/contacts", body)["id"])
