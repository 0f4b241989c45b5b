"""What the practice pages share: a form's values as a command's input, a refusal as the errors
shown beside each field (the same rules as the JSON API: the command and the service), and the
lists a form picks from.

Every page asks for its choices here, one of two ways. Clients and matters, which a firm has by
the thousand, come as `Choices`: the first `CHOICES` that match a search (by the same services
as the lists and the API), the chosen record even when it is not among them, and how many match
in all, so the page can say the list is cut. Short lists (timekeepers, accounts, categories, one
client's matters or bills) come whole, from `every`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass, replace
from typing import Any

from pydantic import ValidationError

from lawsync.errors import LawsyncError, NotFound
from lawsync.localization import Formats
from lawsync.practice.fields import control_character
from lawsync.practice.models import MatterStatus
from lawsync.practice.services import bills, contacts, entries
from lawsync.practice.services.context import Actor, Found, Ledger, Page
from lawsync.web.api.errors import http_status

PAGE = 50  # rows per page of a list
CHOICES = 50  # options a picker lists at once; a search finds any other
OPEN = (MatterStatus.open, MatterStatus.pending)  # the matters work is recorded against


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


def every(read: Callable[..., Page], ledger: Ledger, actor: Actor, *filters: Any) -> list[Any]:
    """The whole of a short list, a page at a time: ``read`` is a service's list (ledger, actor,
    cursor, limit, *filters), such as ``contacts.list_matters``."""
    out: list[Any] = []
    after: int | None = None
    while True:
        page = read(ledger, actor, after, CHOICES, *filters)
        out.extend(page.items)
        if page.next_cursor is None:
            return out
        after = page.next_cursor


def every_category(ledger: Ledger, actor: Actor, kind: str) -> list[Any]:
    """Every activity (``kind`` "activity") or expense ("expense") category of the firm."""

    def read(ledger: Ledger, actor: Actor, after: int | None, limit: int) -> Page:
        return entries.list_categories(ledger, actor, kind, after, limit)

    return every(read, ledger, actor)


@dataclass(frozen=True)
class Choices:
    """What one picker offers: ``options`` are (id, words); ``matched`` of them (the first ones
    after the chosen one, when it did not match) are the first of ``total`` matching the search
    ``q``; ``chosen`` is the id selected, as text."""

    options: list[tuple[int, str]]
    total: int
    matched: int
    q: str = ""
    chosen: str = ""
    problem: str = ""  # said instead of the counts: why the search was not run, or none found
    narrow: str = "type to search"  # how to find one that is not listed

    @property
    def note(self) -> str:
        """What to tell the bookkeeper about the list, or ""."""
        if self.problem:
            return self.problem
        if self.total > self.matched:
            cut = f"Showing {self.matched:,} of {self.total:,}"
            return f"{cut} — type more to narrow." if self.q else f"{cut} — {self.narrow}."
        if self.q and not self.total:
            return f"Nothing matches “{self.q}”."
        if self.q:
            verb = "matches" if self.total == 1 else "match"
            return f"{self.total:,} {verb} “{self.q}”."
        return ""


def _search(q: str) -> tuple[str, str]:
    """The search as the services take it, and why it cannot be run ("" if it can)."""
    q = q.strip()
    if control_character(q):  # (the request guard checks queries under /api/ only)
        return q, "A search is plain text: remove the control character."
    return q, ""


def _choices(
    found: Found,
    options: list[tuple[int, str]],
    chosen: Any,
    chosen_words: Callable[[int], str | None],
    q: str,
    problem: str,
) -> Choices:
    """The matches, with the chosen record first when it is the firm's and not among them; one
    match of a search is chosen when nothing else is."""
    wanted = query_id(str(chosen or ""))
    matched = len(options)
    if wanted is not None and all(value != wanted for value, _ in options):
        words = chosen_words(wanted)
        if words is None:
            wanted = None  # another firm's, or gone: never shown
        else:
            options = [(wanted, words), *options]
    if wanted is None and q and len(options) == 1:
        wanted = options[0][0]
    return Choices(options, found.total, matched, q, str(wanted or ""), problem)


NOTHING = Found([], 0)


def client_choices(ledger: Ledger, actor: Actor, q: str = "", chosen: Any = None) -> Choices:
    """Clients by name whose name or email contains ``q`` (as the contacts list searches)."""
    q, problem = _search(q)
    found = NOTHING if problem else contacts.find_contacts(ledger, actor, q or None, CHOICES)
    options = [(c.id, c.display_name) for c in found.items]

    def words(client_id: int) -> str | None:
        return contacts.display_names(ledger, actor, [client_id]).get(client_id)

    return _choices(found, options, chosen, words, q, problem)


def matter_choices(
    ledger: Ledger,
    actor: Actor,
    q: str = "",
    chosen: Any = None,
    *,
    client_id: int | None = None,
    open_only: bool = False,
) -> Choices:
    """Matters by number whose number or description contains ``q``, of one client when given,
    only those open to new work when ``open_only``; each shown with its client's name."""
    q, problem = _search(q)
    statuses = OPEN if open_only else None
    found = (
        NOTHING
        if problem
        else contacts.find_matters(ledger, actor, q or None, CHOICES, client_id, statuses)
    )
    names = contacts.display_names(ledger, actor, {m.client_id for m in found.items})

    def label(matter: Any, client: str | None) -> str:
        return " · ".join(p for p in (matter.number, client, matter.description[:60]) if p)

    def words(matter_id: int) -> str | None:
        with suppress(NotFound):
            m = contacts.get_matter(ledger, actor, matter_id)
            if open_only and m.status not in OPEN:
                return None
            return label(m, contacts.display_names(ledger, actor, [m.client_id]).get(m.client_id))
        return None

    options = [(m.id, label(m, names.get(m.client_id))) for m in found.items]
    return _choices(found, options, chosen, words, q, problem)


def owing_bill_choices(
    ledger: Ledger,
    actor: Actor,
    formats: Formats,
    chosen: Any = None,
    *,
    client_id: int | None = None,
) -> Choices:
    """Approved bills that still owe, oldest first, of one client when given; what each owes
    in the firm's ``formats``."""
    found = bills.find_owing_bills(ledger, actor, CHOICES, client_id)
    names = client_names(ledger, actor, {b.client_id for b in found.items})

    def label(bill: Any, client: str) -> str:
        return f"Bill {bill.number} · {client} · owes {formats.money(bill.balance, bill.currency)}"

    def words(bill_id: int) -> str | None:
        with suppress(NotFound):
            b = bills.get_bill(ledger, actor, bill_id)
            if b.balance > 0 and (client_id is None or b.client_id == client_id):
                return label(b, client_names(ledger, actor, [b.client_id])[b.client_id])
        return None

    options = [(b.id, label(b, names[b.client_id])) for b in found.items]
    none = "No approved bill of this client owes." if client_id and not found.total else ""
    choices = _choices(found, options, chosen, words, "", none)
    return replace(choices, narrow="choose the client to list the bills they owe")
