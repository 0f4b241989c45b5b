"""Timekeepers → classes, when the firm tracks who did the work on its invoices' lines."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from lawsync.practice.models import Bill, BillLine, User
from lawsync.quickbooks import Class, sql
from lawsync.sync.context import PassContext
from lawsync.sync.export.candidates import dirty_ids, exportable_bill
from lawsync.sync.export.skeleton import Chunk, Decision, Exporter, Lookup, Send
from lawsync.sync.kinds import Kind
from lawsync.sync.mapping import clean_name
from lawsync.sync.models import SyncLink


class Timekeepers(Exporter[Chunk[User]]):
    kind = Kind.USER
    entity = Class

    def candidates(self, ctx: PassContext, session: Session, after_id: int) -> list[int]:
        if not (ctx.settings.export_bills and ctx.settings.track_timekeepers):
            return []
        billed = exists().where(
            BillLine.user_id == User.id, BillLine.bill_id == Bill.id, and_(*exportable_bill(ctx))
        )
        return dirty_ids(
            session, User, self.kind, ctx.connection_id, wanted_new=billed, after_id=after_id
        )

    def load(self, ctx: PassContext, session: Session, ids: list[int]) -> Chunk[User]:
        return Chunk(session.execute(select(User).where(User.id.in_(ids))).scalars().all())

    def decide(
        self, ctx: PassContext, chunk: Chunk[User], record: Any, copy: SyncLink | None
    ) -> Decision:
        name = clean_name(record.name)[:100]
        return Send({"Name": name}, find=Lookup(sql("Name = ?", name)))
