"""A browser's side of the web app over real HTTP: cookies, forms and their CSRF tokens."""

from __future__ import annotations

import re
from typing import Any

import httpx

from lawsync.practice.services import sign_in
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
