"""What the billing pages share: a form's fields as a command's input, its errors by field,
and the client names a list shows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from lawsync.errors import LawsyncError, NotFound
from lawsync.practice.services import contacts
from lawsync.practice.services.context import Actor, Ledger
from lawsync.web.api.errors import http_status

PAGE = 50


def filled(form: Any, *names: str) -> dict[str, Any]:
    """The named fields that were filled in (an empty field means "not given")."""
    out: dict[str, Any] = {}
    for name in names:
        value = form.get(name)
        if isinstance(value, str) and value.strip():
            out[name] = value.strip()
    return out


def ident(value: Any) -> Any:
    """A form's id (digits) as the number a command takes; anything else is left for the
    command to refuse."""
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() else value


def invalid_errors(invalid: ValidationError) -> dict[str, str]:
    """Each error of a command, by its field's dotted name ("form" for the whole form)."""
    return {
        ".".join(str(p) for p in e["loc"]) or "form": str(e["msg"]).removeprefix("Value error, ")
        for e in invalid.errors()
    }


def refused(error: LawsyncError) -> tuple[dict[str, str], int]:
    """A service's refusal: the message beside its field, and the page's status."""
    return {error.field or "form": error.message}, http_status(error)


def client_names(ledger: Ledger, actor: Actor, ids: Iterable[int]) -> dict[int, str]:
    names: dict[int, str] = {}
    for ident in set(ids):
        try:
            names[ident] = contacts.get_contact(ledger, actor, ident).display_name
        except NotFound:
            names[ident] = f"client {ident}"
    return names


def all_clients(ledger: Ledger, actor: Actor) -> list[Any]:
    return list(contacts.list_contacts(ledger, actor, None, 500).items)
