"""The records lawsync can produce, registered by name.

A record module defines a builder and registers it once with `register`; the API, the pages and
the CLI find every record here. Builders get the firm's report set (`Jurisdiction`), so one
builder serves every jurisdiction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lawsync.errors import InvalidInput, NotFound
from lawsync.practice.models import Firm
from lawsync.practice.services.context import Actor, Ledger
from lawsync.reports.jurisdictions import Jurisdiction, jurisdiction
from lawsync.reports.record import Record, RecordParams

Builder = Callable[[Ledger, Actor, RecordParams, Jurisdiction], Record]

PARAMETER_NAMES = ("account_id", "client_id", "from", "to", "as_of")


@dataclass(frozen=True)
class RecordKind:
    """A kind of record: its name in paths, a default title, what it is for, and which
    parameters it needs (refused when missing) and uses (the others are ignored)."""

    name: str
    title: str
    summary: str
    build: Builder
    needs: frozenset[str] = frozenset()
    uses: frozenset[str] = frozenset(PARAMETER_NAMES)


RECORDS: dict[str, RecordKind] = {}

# Every record the API promises, in the order pages list them; a name here that nothing has
# registered yet is answered with 404 until its module is installed.
NAMES = (
    "client-trust-ledger",
    "trust-journal",
    "client-trust-listing",
    "transfer-journal",
    "three-way-reconciliation",
    "exceptions",
    "audit-log",
)

_MISSING = {
    "account_id": "Choose a client funds account.",
    "client_id": "Choose a client.",
    "from": "Give the first date of the period.",
    "to": "Give the last date of the period.",
    "as_of": "Give the date of the listing.",
}


def register(kind: RecordKind) -> RecordKind:
    if kind.name in RECORDS:
        raise ValueError(f"The record {kind.name!r} is registered twice.")
    RECORDS[kind.name] = kind
    return kind


def kind_of(name: str) -> RecordKind:
    found = RECORDS.get(name)
    if found is None:
        known = ", ".join(n for n in NAMES if n in RECORDS)
        raise NotFound(f"There is no record called {name!r}. The records are: {known}.")
    return found


def available() -> list[RecordKind]:
    """The registered records, in the order of `NAMES` (others after, by name)."""
    order = {n: i for i, n in enumerate(NAMES)}
    return sorted(RECORDS.values(), key=lambda k: (order.get(k.name, len(order)), k.name))


def firm_rules(ledger: Ledger, actor: Actor) -> Jurisdiction:
    """The firm's chosen report set."""
    with ledger.uow(actor) as uow:
        firm = uow.session.get(Firm, actor.firm_id)
        code = getattr(firm, "trust_rules", None) if firm is not None else None
    return jurisdiction(code)


def check(kind: RecordKind, params: RecordParams) -> None:
    """Refuse what no record can answer: a missing parameter it needs, a period backwards."""
    given = {k for k in params.as_query()}
    for name in PARAMETER_NAMES:
        if name in kind.needs and name not in given:
            raise InvalidInput(_MISSING[name], field=name)
    if params.date_from and params.date_to and params.date_from > params.date_to:
        raise InvalidInput("The period ends before it starts.", field="to")


def build(ledger: Ledger, actor: Actor, name: str, params: RecordParams) -> Record:
    """The record `name` for these parameters, in the firm's report set."""
    kind = kind_of(name)
    check(kind, params)
    return kind.build(ledger, actor, params, firm_rules(ledger, actor))
