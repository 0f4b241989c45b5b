"""Timekeepers → classes, when the firm tracks who did the work on its invoices' lines."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, exists
from sqlalchemy.orm import Session

from lawsync.practice.models import Bill, BillLine, User
from lawsync.quickbooks import Class, sql
from lawsync.sync.context import PassContext
from lawsync.sync.export.candidates import exportable_bill
from lawsync.sync.export.skeleton import Chunk, Decision, Exporter, Lookup, Send
from lawsync.sync.kinds import Kind
from lawsync.sync.mapping import clean_name
from lawsync.sync.models import SyncLink


class Timekeepers(Exporter[Chunk[User]]):
    kind = Kind.USER
    entity = Class
    model = User

    def enabled(self, ctx: PassContext) -> bool:
        return ctx.settings.export_bills and ctx.settings.track_timekeepers

    def wanted(self, ctx: PassContext) -> ColumnElement[bool]:
        """Timekeepers named on an exported bill's lines."""
        return exists().where(
            BillLine.user_id == User.id, BillLine.bill_id == Bill.id, *exportable_bill(ctx)
        )

    def load(self, ctx: PassContext, session: Session, ids: list[int]) -> Chunk[User]:
        return Chunk(self.records(session, ids))

    def decide(
        self, ctx: PassContext, chunk: Chunk[User], record: Any, copy: SyncLink | None
    ) -> Decision:
        name = clean_name(record.name)[:100]
        return Send({"Name": name}, find=Lookup(sql("Name = ?", name)))
