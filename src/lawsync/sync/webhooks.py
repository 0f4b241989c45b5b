"""Change notices from QuickBooks, taken in once each: they only mark a pull as wanted.

A notice names a company and an object; it carries no data we would trust on its own, so all
it does is ask for a pull of that company (`feed.request_pull`), which reads the changes
through the API. QuickBooks repeats a delivery it thinks failed: each event's id (a CloudEvent's
`id`; for the legacy body, a digest of what it says) is remembered for `KEEP` and an event seen
before is not counted again. Companies no firm is connected to are ignored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from lawsync.practice.services.context import Ledger
from lawsync.quickbooks import WebhookEvent
from lawsync.storage import utcnow
from lawsync.sync.imports import feed
from lawsync.sync.models import WebhookEventSeen

KEEP = dt.timedelta(days=3)  # QuickBooks stops retrying a delivery well before this
IDS_PER_QUERY = 500


@dataclass
class Taken:
    received: int = 0  # events in the body
    new: int = 0  # not seen before
    firms: list[int] = field(default_factory=list)  # firms now wanting a pull
    realms: list[str] = field(default_factory=list)  # the companies they are connected to


def event_key(event: WebhookEvent) -> str:
    """The event's own id, or (legacy notices have none) a digest of what it says."""
    if event.event_id:
        return event.event_id[:200]
    said = "|".join(
        (
            event.realm_id,
            event.entity,
            event.entity_id,
            event.operation,
            event.occurred_at,
            event.deleted_id or "",
        )
    )
    return "legacy:" + hashlib.sha256(said.encode("utf-8")).hexdigest()


def _remember(ledger: Ledger, events: Sequence[WebhookEvent]) -> list[WebhookEvent]:
    """Record the events not seen before (and forget those older than `KEEP`); those events."""
    by_key: dict[str, WebhookEvent] = {}
    for event in events:
        by_key.setdefault(event_key(event), event)
    keys = list(by_key)
    now = utcnow()
    with ledger.uow(None) as uow:
        seen: set[str] = set()
        for start in range(0, len(keys), IDS_PER_QUERY):
            seen.update(
                uow.session.execute(
                    select(WebhookEventSeen.event_id).where(
                        WebhookEventSeen.event_id.in_(keys[start : start + IDS_PER_QUERY])
                    )
                ).scalars()
            )
        fresh = [k for k in keys if k not in seen]
        uow.session.add_all(
            WebhookEventSeen(event_id=k, realm_id=by_key[k].realm_id[:40], received_at=now)
            for k in fresh
        )
        old = WebhookEventSeen.received_at < now - KEEP
        uow.session.execute(delete(WebhookEventSeen).where(old))
        uow.commit()
    return [by_key[k] for k in fresh]


def take_in(ledger: Ledger, events: Sequence[WebhookEvent]) -> Taken:
    """Remember the new events and ask for a pull of each company they name."""
    taken = Taken(received=len(events))
    try:
        fresh = _remember(ledger, events)
    except IntegrityError:  # the same event in a delivery taken in at this very moment
        fresh = _remember(ledger, events)
    taken.new = len(fresh)
    firms: set[int] = set()
    for realm, count in Counter(e.realm_id for e in fresh).items():
        wanting = feed.request_pull(ledger, realm, count)
        firms.update(wanting)
        if wanting:
            taken.realms.append(realm)
    taken.firms = sorted(firms)
    return taken
