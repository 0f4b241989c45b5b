"""The audit log: every change to the firm's books, who made it and when, with what changed.

ABA "complete records" (an auditor must follow them without the lawyer) and the Australian
uniform rules r.39 (a log of every change to a client's name or address, a matter's reference
or description) ask for it. Rows come from `audit_events`, written in the same transaction as
each change and never updated. A client narrows it to the client's own record, matters and
trust movements; an account to its trust movements.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import and_, or_, select

from lawsync.practice.models import (
    AuditEvent,
    ClientFundsTransaction,
    Contact,
    Matter,
    User,
)
from lawsync.practice.services.context import Actor, Ledger, get
from lawsync.reports import trust_movements as tm
from lawsync.reports.jurisdictions import Jurisdiction
from lawsync.reports.record import Cell, Column, ColumnType, Record, RecordParams, Section
from lawsync.reports.registry import RecordKind, register

NAME = "audit-log"

COLUMNS = (
    Column("at", "When (UTC)", ColumnType.moment, 1.7),
    Column("event", "Event", ColumnType.number, 0.8),
    Column("by", "By", width=1.6),
    Column("record", "Record", width=2.0),
    Column("action", "Action", width=1.2),
    Column("changes", "What changed", width=5.4),
    Column("reason", "Reason", width=2.0),
)

TXN = "client_funds_transaction"


def _value(v: Any) -> str:
    return v if isinstance(v, str) else json.dumps(v, sort_keys=True, ensure_ascii=False)


def changes_text(changes: dict[str, Any]) -> str:
    """{"name": ["Old", "New"], "amount": "12.00"} → "name: Old → New; amount: 12.00"."""
    parts = []
    for key in sorted(changes):
        value = changes[key]
        if isinstance(value, list) and len(value) == 2:
            parts.append(f"{key}: {_value(value[0])} → {_value(value[1])}")
        else:
            parts.append(f"{key}: {_value(value)}")
    return "; ".join(parts)


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def build(ledger: Ledger, actor: Actor, params: RecordParams, rules: Jurisdiction) -> Record:
    a = AuditEvent
    with ledger.uow(actor) as uow:
        s = uow.session
        criteria: list[Any] = [a.firm_id == actor.firm_id]
        facts = [("Period", tm.period(params))]
        if params.date_from is not None:
            criteria.append(a.at >= _day_start(params.date_from))
        if params.date_to is not None:
            criteria.append(a.at < _day_start(params.date_to + dt.timedelta(days=1)))
        txns = select(ClientFundsTransaction.id).where(
            ClientFundsTransaction.firm_id == actor.firm_id
        )
        if params.account_id is not None:
            account = tm.account_of(s, actor, params.account_id)
            txns = txns.where(ClientFundsTransaction.account_id == account.id)
            facts.append(("Account", f"{account.name} ({account.currency})"))
        if params.client_id is not None:
            client = get(s, Contact, params.client_id, field="client_id")
            facts.append(("Client", client.display_name))
            txns = txns.where(ClientFundsTransaction.client_id == client.id)
            matters = select(Matter.id).where(Matter.client_id == client.id)
            wanted = [
                and_(a.entity == "contact", a.entity_id == client.id),
                and_(a.entity == "matter", a.entity_id.in_(matters)),
                and_(a.entity == TXN, a.entity_id.in_(txns)),
            ]
            if params.account_id is not None:
                wanted = wanted[2:]
            criteria.append(or_(*wanted))
        elif params.account_id is not None:
            criteria.append(and_(a.entity == TXN, a.entity_id.in_(txns)))
        events = s.execute(
            select(a.at, a.id, a.user_id, a.entity, a.entity_id, a.action, a.changes, a.reason)
            .where(*criteria)
            .order_by(a.at, a.id)
        ).all()
        users = dict(s.execute(select(User.id, User.name)).all())

    section = Section(heading="")
    for at, event_id, user_id, entity, entity_id, action, changes, reason in events:
        values: dict[str, Cell] = {
            "at": at,
            "event": event_id,
            "by": users.get(user_id, f"user {user_id}") if user_id else "lawsync",
            "record": f"{entity.replace('_', ' ')} #{entity_id}",
            "action": action,
            "changes": changes_text(changes or {}),
            "reason": reason,
        }
        section.rows.append(tuple(values[c.key] for c in COLUMNS))
    last = max((e[0].date() for e in events), default=dt.date(1970, 1, 1))
    facts.append(("Events", str(len(events))))
    return Record(
        name=NAME,
        title=rules.title(NAME, "Audit log"),
        params=params,
        columns=COLUMNS,
        as_at=params.date_to or last,
        jurisdiction=rules.code,
        facts=facts,
        sections=[section],
        notes=[
            "Every change is written in the same transaction as the change itself and is "
            "never edited; times are in UTC.",
            *rules.notes_for(NAME),
        ],
    )


register(
    RecordKind(
        name=NAME,
        title="Audit log",
        summary="Every change to the books, who made it and when.",
        build=build,
        uses=frozenset({"account_id", "client_id", "from", "to"}),
    )
)
