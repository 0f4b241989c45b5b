"""What the practice pages share: a form's values as a command's input, a refusal as the errors
shown beside each field (the same rules as the JSON API: the command and the service), and the
lists a form picks from."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from lawsync.errors import LawsyncError
from lawsync.practice.services import contacts
from lawsync.practice.services.context import Actor, Ledger
from lawsync.web.api.errors import http_status

PAGE = 50  # rows per page of a list
CHOICES = 500  # at most this many options in a select (contacts, matters, timekeepers)


def text(form: Any, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def optional(form: Any, name: str) -> str | None:
    """A field left empty is not sent (the command's default, or no change)."""
    return text(form, name) or None


def filled(form: Any, *names: str) -> dict[str, Any]:
    """The named fields that were filled in (an empty field means "not given")."""
    return {name: text(form, name) for name in names if text(form, name)}


def ident(value: Any) -> Any:
    """An id as the number a command takes; anything but digits is left for it to refuse."""
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() else value


def an_id(form: Any, name: str) -> int | str | None:
    """An id picked from a select: a whole number, or the text as typed so the command says why."""
    return ident(text(form, name)) or None


def drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def errors_of(refused: ValidationError | LawsyncError) -> tuple[dict[str, str], int]:
    """Each problem keyed by its field's dotted path (``emails.0.address``), and the status."""
    if isinstance(refused, ValidationError):
        errors: dict[str, str] = {}
        for e in refused.errors():
            key = ".".join(str(p) for p in e["loc"]) or "form"
            errors.setdefault(key, str(e["msg"]).removeprefix("Value error, "))
        return errors, 422
    return {refused.field or "form": refused.message}, http_status(refused)


def by_id(rows: Iterable[Any]) -> dict[int, Any]:
    return {row.id: row for row in rows}


def typed(form: Any) -> dict[str, str]:
    """Every field as typed, to show the form again beside its errors."""
    return {key: text(form, key) for key in form}


def query_id(value: str) -> int | None:
    """An id from a filter's select; "" (every one) or anything but digits filters nothing."""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


def client_names(ledger: Ledger, actor: Actor, ids: Iterable[int]) -> dict[int, str]:
    """The display names of these clients, in one query (an unknown id shows as its number)."""
    wanted = set(ids)
    found = contacts.display_names(ledger, actor, wanted)
    return {i: found.get(i, f"client {i}") for i in wanted}


def all_clients(ledger: Ledger, actor: Actor) -> list[Any]:
    return list(contacts.list_contacts(ledger, actor, None, CHOICES).items)
