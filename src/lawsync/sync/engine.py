"""One sync pass for a firm: push every dirty record, in dependency order, idempotently.

    report = await run_pass(ledger, firm_id, qb, progress=callback)
    counts = status_counts(ledger, firm_id)

`qb` is an `AsyncQuickBooks` whose token store serves the firm's active connection.

Level-triggered: the truth is the records' revisions against their links, so a pass can stop
anywhere (crash, outage, lost connection) and the next one finishes the work. A create is first
written down as `creating`; if its answer never made it into our database, the next pass looks
for the copy (by document number, name or a private marker) before creating anything, and the
batch carries a request id derived from its contents, so a replay returns the first answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawsync.practice.models import BillSettings
from lawsync.practice.services.context import Actor, Ledger, audit
from lawsync.quickbooks import (
    Account,
    AsyncQuickBooks,
    BatchResult,
    Entity,
    FaultKind,
    QuickBooksError,
    ReconnectNeededError,
    TaxCode,
    TaxRate,
    TransientError,
)
from lawsync.storage import utcnow
from lawsync.sync import failures, links
from lawsync.sync.catalogue import guide_for
from lawsync.sync.dispatch import Dispatcher
from lawsync.sync.export import customers, invoices, payments, timekeepers
from lawsync.sync.export.base import Job, PassContext, Plan, Problem
from lawsync.sync.models import (
    ConnectionStatus,
    ItemMapping,
    QuickBooksConnection,
    SyncLink,
    TaxOptionSetting,
)
from lawsync.sync.settings import load as load_settings

ProgressFn = Callable[[str, int, int], None]  # (kind, done so far, total known so far)
ReplyHook = Callable[[Sequence[Job]], Awaitable[None] | None]

Candidates = Callable[[PassContext, Session, int], list[int]]
Planner = Callable[[PassContext, Session, list[int]], Awaitable[Plan]]

EXPORTERS: tuple[tuple[str, Candidates, Planner], ...] = (
    ("user", timekeepers.candidates, timekeepers.plan),
    ("contact", customers.candidates, customers.plan),
    ("bill", invoices.bill_candidates, invoices.plan_bills),
    ("interest_charge", invoices.interest_candidates, invoices.plan_interest),
    ("credit_note", invoices.credit_candidates, invoices.plan_credits),
    ("credit_application", invoices.application_candidates, invoices.plan_credits),
    ("payment", payments.candidates, payments.plan),
)
KINDS = tuple(k for k, _, _ in EXPORTERS)
ROUNDS = 3  # e.g. a payment edit: delete the old copy, then create the new one


@dataclass
class KindReport:
    synced: int = 0
    failed: int = 0
    skipped: int = 0


@dataclass
class PassReport:
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    kinds: dict[str, KindReport] = field(default_factory=lambda: {k: KindReport() for k in KINDS})
    requests: int = 0
    reconnect_needed: bool = False
    note: str = ""

    @property
    def synced(self) -> int:
        return sum(k.synced for k in self.kinds.values())

    @property
    def failed(self) -> int:
        return sum(k.failed for k in self.kinds.values())


def _load_context(ledger: Ledger, firm_id: int, qb: AsyncQuickBooks) -> PassContext | None:
    with ledger.uow(firm_id) as uow:
        s = uow.session
        connection = s.execute(
            select(QuickBooksConnection).where(QuickBooksConnection.active.is_(True))
        ).scalar_one_or_none()
        if connection is None or connection.status != ConnectionStatus.connected:
            return None
        settings = load_settings(s, firm_id)
        items = {
            (m.kind, m.category_id): m.item_id
            for m in s.execute(
                select(ItemMapping).where(ItemMapping.connection_id == connection.id)
            ).scalars()
        }
        uow.commit()
        return PassContext(
            ledger=ledger,
            qb=qb,
            firm_id=firm_id,
            connection_id=connection.id,
            realm=connection.realm_id,
            settings=settings,
            items=items,
            home_currency=connection.home_currency,
            multicurrency=connection.multicurrency,
            country=connection.country,
        )


async def _prepare(ctx: PassContext) -> None:
    """Look up once per pass what payments need: the Undeposited Funds account."""
    rows = await ctx.qb.query(ctx.realm, Account, "AccountSubType = 'UndepositedFunds'")
    ctx.requests += 1
    active = [r for r in rows if getattr(r, "Active", True) is not False]
    ctx.undeposited_account_id = active[0].Id if active else None
    if ctx.settings.tax_option == TaxOptionSetting.tax_codes:
        await _adopt_company_tax_rates(ctx)


async def _code_rate(ctx: PassContext, code_id: str | None) -> tuple[str, Decimal] | None:
    if code_id is None:
        return None
    code = await ctx.qb.read(ctx.realm, TaxCode, code_id)
    ctx.requests += 1
    details = ((code.model_extra or {}).get("SalesTaxRateList") or {}).get("TaxRateDetail", [])
    if not details:
        return None  # no sales rate (a purchase-only code): nothing to adopt; the invoice fails
    total = Decimal(0)
    for detail in details:
        rate = await ctx.qb.read(ctx.realm, TaxRate, str(detail["TaxRateRef"]["value"]))
        ctx.requests += 1
        total += Decimal(str(rate.RateValue or 0))
    return str(code.Name or ""), total


async def _adopt_company_tax_rates(ctx: PassContext) -> None:
    """With tax codes on each line, the company's rates replace the firm's own tax settings,
    so that new bills are taxed exactly as the accounting side will tax them."""
    primary = await _code_rate(ctx, ctx.items.get(("taxcode:primary", 0)))
    secondary = await _code_rate(ctx, ctx.items.get(("taxcode:secondary", 0)))
    if primary is None and secondary is None:
        return
    with ctx.ledger.uow(ctx.firm_id) as uow:
        s = uow.session
        s.info["sync_quiet"] = True
        row = s.execute(select(BillSettings)).scalar_one()
        changes: dict[str, object] = {}
        for prefix, found in (("primary", primary), ("secondary", secondary)):
            if found is None:
                continue
            name, rate = found
            if getattr(row, f"{prefix}_tax_rate") != rate:
                changes[f"{prefix}_tax_rate"] = [str(getattr(row, f"{prefix}_tax_rate")), str(rate)]
                setattr(row, f"{prefix}_tax_rate", rate)
                setattr(row, f"{prefix}_tax_name", name[:60])
        if changes:
            audit(
                s,
                Actor(ctx.firm_id, None),
                "bill_settings",
                row.id,
                "company_tax_rates",
                changes,
                "tax codes on each line: rates come from the accounting company",
            )
            uow.commit()


def _record_problem(
    s: Session,
    ctx: PassContext,
    kind: str,
    local_id: int,
    revision: int,
    problem: Problem,
    error: QuickBooksError | None = None,
    *,
    look_again: bool = False,
) -> None:
    """A failure for the record. With ``look_again`` a create in progress stays so: after a
    Retry its copy is looked for again (and linked once right) instead of a second one made."""
    failures.record(
        s,
        firm_id=ctx.firm_id,
        connection_id=ctx.connection_id,
        kind=kind,
        local_id=local_id,
        revision=revision,
        code=problem.code,
        message=problem.message,
        element=problem.element,
        detail=error.detail if error else "",
        intuit_tid=(error.intuit_tid or "") if error else "",
    )
    if look_again:
        return
    link = links.ensure(s, ctx.firm_id, ctx.connection_id, kind, local_id)
    if link.status == links.CREATING:
        link.status = links.FAILED


def _apply(
    s: Session, ctx: PassContext, job: Job, entity: Entity | None, report: PassReport
) -> None:
    link = links.ensure(s, ctx.firm_id, ctx.connection_id, job.kind, job.local_id)
    if job.op in ("delete", "void"):
        if job.recreate:
            link.qbo_id, link.sync_token, link.status = None, None, links.PENDING
        else:
            links.mark_synced(
                link,
                link.qbo_id,
                entity.SyncToken if entity else link.sync_token,
                job.revision,
                links.REMOVED,
            )
    else:
        assert entity is not None
        links.mark_synced(link, entity.Id, entity.SyncToken, job.revision)
        problem = job.check(entity) if job.check else None
        if problem:
            _record_problem(s, ctx, job.kind, job.local_id, job.revision, problem)
            report.kinds[job.kind].failed += 1
            return
    failures.clear(s, ctx.connection_id, job.kind, job.local_id)
    report.kinds[job.kind].synced += 1


def _fault_problem(error: QuickBooksError) -> Problem:
    return Problem(
        error.code or (f"http-{error.http_status}" if error.http_status else "error"),
        error.message or str(error),
        error.element or "",
    )


def _ref_value(entity: Entity, name: str) -> str | None:
    ref = getattr(entity, name, None)
    value = getattr(ref, "value", None) if ref is not None else None
    return str(value) if value not in (None, "") else None


def _belongs_elsewhere(job: Job, found: Entity) -> Problem | None:
    """A copy found after a lost answer is only ours if it still has our customer: one moved to
    another customer on the accounting side is not linked (nor is a second one created)."""
    wanted, actual = _ref_value(job.entity, "CustomerRef"), _ref_value(found, "CustomerRef")
    if wanted is None or actual is None or wanted == actual:
        return None
    what = type(found).__name__
    number = getattr(found, "DocNumber", None) or found.Id
    return Problem(
        "620",
        f"The {what} {number} (Id {found.Id}) made for this record by an earlier attempt now "
        f"belongs to customer {actual}, not {wanted}; it was not linked.",
        "CustomerRef",
    )


def _as_update(job: Job, found: Entity) -> Job:
    """The create of a record whose copy turned up, turned into an update of that copy with
    the record as it is now (a lost answer may be several revisions old)."""
    payload = job.entity.model_dump(exclude_unset=True)
    payload.update(Id=found.Id, SyncToken=found.SyncToken, sparse=True)
    job.entity = type(job.entity).model_validate(payload)
    job.op = "update"
    return job


async def _recover(ctx: PassContext, jobs: list[Job], report: PassReport) -> list[Job]:
    """Jobs still to send, after linking the copies of creates whose answer was lost; the
    creates left are written down as in progress before they go."""
    pending: list[Job] = []
    states: dict[tuple[str, int], str] = {}
    with ctx.ledger.uow(ctx.firm_id) as uow:
        for kind in {j.kind for j in jobs}:
            ids = [j.local_id for j in jobs if j.kind == kind]
            for local_id, link in links.links_for(
                uow.session, ctx.connection_id, kind, ids
            ).items():
                states[(kind, local_id)] = link.status
            tried = failures.attempts(uow.session, ctx.connection_id, kind, ids)
            for job in jobs:
                if job.kind == kind:
                    job.attempt = tried.get(job.local_id, 0)
    for job in jobs:
        if (
            job.op == "create"
            and job.find
            and states.get((job.kind, job.local_id)) == links.CREATING
        ):
            found = await job.find(ctx)
            if found is not None:
                refused = _belongs_elsewhere(job, found)
                if refused is None:
                    # The copy holds what was sent then; the record may have changed since.
                    pending.append(_as_update(job, found))
                    continue
                with ctx.ledger.uow(ctx.firm_id) as uow:
                    _record_problem(
                        uow.session,
                        ctx,
                        job.kind,
                        job.local_id,
                        job.revision,
                        refused,
                        look_again=True,
                    )
                    report.kinds[job.kind].failed += 1
                    uow.commit()
                continue
        pending.append(job)
    creates = [j for j in pending if j.op == "create"]
    if creates:
        with ctx.ledger.uow(ctx.firm_id) as uow:
            links.prefetch(uow.session, ctx.connection_id, [(j.kind, j.local_id) for j in creates])
            for job in creates:
                link = links.ensure(
                    uow.session, ctx.firm_id, ctx.connection_id, job.kind, job.local_id
                )
                link.status, link.qbo_id = links.CREATING, None
            uow.commit()
    return pending


async def _settle(
    ctx: PassContext, chunk: list[Job], results: list[BatchResult], report: PassReport
) -> None:
    reconnect: QuickBooksError | None = None
    retry_stale: list[Job] = []
    with ctx.ledger.uow(ctx.firm_id) as uow:
        s = uow.session
        keys = [(j.kind, j.local_id) for j in chunk]
        links.prefetch(s, ctx.connection_id, keys)
        failures.prefetch_open(s, ctx.connection_id, keys)
        for job, result in zip(chunk, results, strict=True):
            error = result.error
            if error is None:
                _apply(s, ctx, job, result.entity, report)
            elif error.kind == FaultKind.RECONNECT or guide_for(error.code).reconnect:
                reconnect = error  # e.g. 120, or 6190: the company takes no changes at all
            elif error.kind == FaultKind.TRANSIENT:
                report.kinds[job.kind].skipped += 1
            elif error.code == "5010" and job.op == "update":
                retry_stale.append(job)
            elif error.code == "610" and job.op in ("delete", "void"):
                _apply(s, ctx, job, None, report)  # already gone on the other side
            else:
                _record_problem(
                    s, ctx, job.kind, job.local_id, job.revision, _fault_problem(error), error
                )
                report.kinds[job.kind].failed += 1
        uow.commit()
    if reconnect is not None:
        raise ReconnectNeededError(reconnect.message, code=reconnect.code)
    for job in retry_stale:
        await _update_fresh(ctx, job, report)


async def _update_fresh(ctx: PassContext, job: Job, report: PassReport) -> None:
    """Someone changed the copy meanwhile: take its current SyncToken and apply ours again."""
    current = await ctx.qb.read(ctx.realm, type(job.entity), str(job.entity.Id))
    job.entity.SyncToken = current.SyncToken
    try:
        updated = await ctx.qb.update(ctx.realm, job.entity, sparse=True)
        ctx.requests += 2
    except QuickBooksError as error:
        if error.kind != FaultKind.PERMANENT:
            raise
        with ctx.ledger.uow(ctx.firm_id) as uow:
            _record_problem(
                uow.session, ctx, job.kind, job.local_id, job.revision, _fault_problem(error), error
            )
            uow.commit()
        report.kinds[job.kind].failed += 1
        return
    with ctx.ledger.uow(ctx.firm_id) as uow:
        _apply(uow.session, ctx, job, updated, report)
        uow.commit()


async def _export_kind(
    ctx: PassContext,
    kind: str,
    candidates: Candidates,
    planner: Planner,
    report: PassReport,
    progress: ProgressFn | None,
    after_reply: ReplyHook | None,
) -> bool:
    """Push one kind, planning the next chunk while the last one travels; True if anything
    was sent (another round may have work)."""
    after, sent, done = 0, False, 0

    async def record(jobs: list[Job], results: list[BatchResult]) -> None:
        if after_reply is not None:
            outcome = after_reply(jobs)
            if outcome is not None:
                await outcome
        await _settle(ctx, jobs, results, report)

    async with Dispatcher(ctx, record, spare_requests=ctx.spare_requests) as dispatcher:
        while True:
            with ctx.ledger.uow(ctx.firm_id) as uow:
                ids = candidates(ctx, uow.session, after)
            if not ids:
                break
            after = ids[-1]
            if kind == "contact":
                await customers.customer_index(ctx)  # before the planning transaction opens
            with ctx.ledger.uow(ctx.firm_id) as uow:
                plan = await planner(ctx, uow.session, ids)
                for p_kind, local_id, revision, problem in plan.problems:
                    if problem.code == "lawsync:waiting":
                        report.kinds[p_kind].skipped += 1
                        continue
                    _record_problem(uow.session, ctx, p_kind, local_id, revision, problem)
                    report.kinds[p_kind].failed += 1
                for s_kind, local_id in plan.settled:
                    failures.clear(uow.session, ctx.connection_id, s_kind, local_id)
                for a_kind, local_id, revision, entity in plan.adopt:
                    _apply(
                        uow.session,
                        ctx,
                        Job(a_kind, local_id, revision, "create", entity),
                        entity,
                        report,
                    )
                uow.commit()
            report.kinds[kind].skipped += plan.skipped
            if plan.jobs:
                dispatcher.add(await _recover(ctx, plan.jobs, report))
                sent = True
                await dispatcher.room()
            done += len(ids)
            if progress is not None:
                progress(kind, done, done)
    return sent


def _mark_reconnect(ledger: Ledger, firm_id: int, connection_id: int, reason: str) -> None:
    with ledger.uow(firm_id) as uow:
        row = uow.session.get(QuickBooksConnection, connection_id)
        if row is not None:
            row.status = ConnectionStatus.reconnect_needed
            row.status_note = reason[:2000]
        uow.commit()


async def run_pass(
    ledger: Ledger,
    firm_id: int,
    qb: AsyncQuickBooks,
    *,
    progress: ProgressFn | None = None,
    after_reply: ReplyHook | None = None,
    spare_requests: bool | None = None,
) -> PassReport:
    """One pass. ``spare_requests`` also sends operations one by one with the requests batches
    leave unused: about 35 % more per window for a backfill, at ~0.3 requests per record
    instead of ~0.04, out of the 500 per minute the company shares with its other apps.
    None follows the firm's "fast catch-up" setting."""
    report = PassReport(started_at=utcnow())
    ctx = _load_context(ledger, firm_id, qb)
    if ctx is None:
        report.note = "Not connected to a QuickBooks Online company (or reconnect needed)."
        report.finished_at = utcnow()
        return report
    ctx.spare_requests = ctx.settings.fast_catch_up if spare_requests is None else spare_requests
    try:
        await _prepare(ctx)
        for kind, candidates, planner in EXPORTERS:
            for _ in range(ROUNDS):
                if not await _export_kind(
                    ctx, kind, candidates, planner, report, progress, after_reply
                ):
                    break
    except ReconnectNeededError as error:
        report.reconnect_needed = True
        guide = guide_for(error.code, detail=error.message) if error.code else None
        title = guide.title if guide and guide.reconnect else error.message
        report.note = f"Reconnect needed: {title}" + (f" ({error.code})" if error.code else "")
        _mark_reconnect(ledger, firm_id, ctx.connection_id, report.note)
    except TransientError as error:
        report.note = f"Stopped early, will continue on the next pass: {error}"
    finally:
        report.requests = ctx.requests
        report.finished_at = utcnow()
        with ledger.uow(firm_id) as uow:
            row = uow.session.get(QuickBooksConnection, ctx.connection_id)
            if row is not None:
                row.last_sync_at = report.finished_at
            uow.commit()
    return report


def status_counts(ledger: Ledger, firm_id: int) -> dict[str, dict[str, int]]:
    """Per kind: records waiting to sync, records whose copy is current, open failures."""
    from sqlalchemy import func

    from lawsync.sync.models import SyncFailure

    counts = {k: {"pending": 0, "synced": 0, "failed": 0} for k in KINDS}
    with ledger.uow(firm_id) as uow:
        s = uow.session
        connection = s.execute(
            select(QuickBooksConnection).where(QuickBooksConnection.active.is_(True))
        ).scalar_one_or_none()
        if connection is None:
            return counts
        ctx = PassContext(
            ledger=ledger,
            qb=None,  # type: ignore[arg-type]
            firm_id=firm_id,
            connection_id=connection.id,
            realm=connection.realm_id,
            settings=load_settings(s, firm_id),
            items={},
            home_currency=connection.home_currency,
            multicurrency=connection.multicurrency,
            country=connection.country,
        )
        for kind, candidates, _ in EXPORTERS:
            after = 0
            while ids := candidates(ctx, s, after):
                counts[kind]["pending"] += len(ids)
                after = ids[-1]
        for kind, status, n in s.execute(
            select(SyncLink.kind, SyncLink.status, func.count())
            .where(SyncLink.connection_id == connection.id)
            .group_by(SyncLink.kind, SyncLink.status)
        ):
            if kind in counts and status in (links.SYNCED, links.REMOVED):
                counts[kind]["synced"] += n
        for kind, n in s.execute(
            select(SyncFailure.kind, func.count())
            .where(
                SyncFailure.connection_id == connection.id,
                SyncFailure.resolved_at.is_(None),
            )
            .group_by(SyncFailure.kind)
        ):
            if kind in counts:
                counts[kind]["failed"] += n
    return counts
