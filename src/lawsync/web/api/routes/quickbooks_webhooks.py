"""QuickBooks' change notices: `POST /api/v1/quickbooks/webhooks`.

Signed by QuickBooks, not by a user: the `intuit-signature` header must be the HMAC of the body
with the app's verifier token (`LAWSYNC_QBO_WEBHOOK_TOKEN`; with the bundled sandbox, the token
lawsync registers there). Either body QuickBooks sends is read (a JSON array of CloudEvents, or
the legacy `eventNotifications` object). The answer comes at once: the notice only marks a pull
as wanted and wakes the worker, which reads the changes afterwards.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from lawsync.config import Settings
from lawsync.errors import InvalidInput, Unauthenticated
from lawsync.quickbooks import WebhookError, parse_webhook, verify_signature
from lawsync.sync import jobs, webhooks
from lawsync.sync.connection import webhook_token
from lawsync.web.api.deps import LedgerDep

router = APIRouter(prefix="/quickbooks", tags=["QuickBooks sync"])


@router.post(
    "/webhooks",
    summary="Take in QuickBooks' change notices (signed with the app's verifier token)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": ["array", "object"]}}},
        }
    },
)
async def receive(request: Request, ledger: LedgerDep) -> dict[str, Any]:
    settings: Settings = request.app.state.settings
    body = await request.body()
    token = webhook_token(settings)
    if not verify_signature(body, request.headers.get("intuit-signature"), token):
        raise Unauthenticated(
            "The intuit-signature header does not sign this body with the app's verifier token.",
            field="intuit-signature",
        )
    try:
        events = parse_webhook(body)
    except WebhookError as error:
        raise InvalidInput(error.message) from None
    taken = await run_in_threadpool(webhooks.take_in, ledger, events)
    if settings.sync_mode == "queue":  # a worker pulls; should this process stop first, the
        for realm in taken.realms:  # pull stays wanted and the next poll makes it
            await run_in_threadpool(jobs.enqueue_pull, ledger, realm)
    worker = getattr(request.app.state, "sync_worker", None)
    if worker is not None:
        for firm_id in taken.firms:
            worker.wake_pull(firm_id)
    return {"received": taken.received, "new": taken.new}
