"""`/quickbooks/records/{kind}/{id}`: a record's copy as QuickBooks holds it now, read-only.

For the bundled sandbox this is the only place to see the copy; for a real company the page
also links to the record in QuickBooks' own web app.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from lawsync.errors import NotFound
from lawsync.practice.fields import IdParam
from lawsync.quickbooks import QuickBooksError, ReconnectNeededError
from lawsync.sync import connection, record_copy
from lawsync.sync.kinds import Kind
from lawsync.web.pages import session
from lawsync.web.pages.records import record_path
from lawsync.web.pages.render import render

router = APIRouter(include_in_schema=False)

# Fields shown first, in this order, when the copy has them; the rest follow as read.
_LEADING = (
    "DocNumber",
    "DisplayName",
    "Name",
    "TxnDate",
    "DueDate",
    "CustomerRef",
    "TotalAmt",
    "Balance",
    "Active",
    "PrivateNote",
)
_LEFT_OUT = {"Line", "MetaData", "Id", "SyncToken", "domain", "sparse"}


def _shown(value: Any) -> str:
    """A reference as its name and id; a memo's ``{"value": ...}`` as its words."""
    if isinstance(value, dict) and "value" in value:
        named, ident = value.get("name"), str(value["value"])
        return f"{named} (id {ident})" if named and named != ident else ident
    return str(value)


_MONEY = {"TotalAmt", "Balance", "TotalTax", "HomeBalance", "UnappliedAmt", "RemainingCredit"}


def _fields(copy: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(name, value, whether it is an amount) for every field but the lines and metadata."""
    names = [n for n in _LEADING if n in copy]
    names += sorted(n for n in copy if n not in _LEFT_OUT and n not in names)
    return [(n, _shown(copy[n]), n in _MONEY) for n in names]


def _lines(copy: dict[str, Any]) -> list[dict[str, str]]:
    out = []
    for line in copy.get("Line") or []:
        detail_type = str(line.get("DetailType", ""))
        detail = line.get(detail_type) or {}
        item = detail.get("ItemRef") or detail.get("AccountRef") or {}
        out.append(
            {
                "kind": detail_type.removesuffix("LineDetail") or "line",
                "description": str(line.get("Description", "")),
                "item": _shown(item) if item else "",
                "qty": str(detail.get("Qty", "")),
                "price": str(detail.get("UnitPrice", "")),
                "amount": str(line.get("Amount", "")),
            }
        )
    return out


@router.get("/quickbooks/records/{kind}/{local_id}", response_class=HTMLResponse)
async def copy_page(
    request: Request,
    me: session.Me,
    kind: Annotated[str, Path(max_length=40)],
    local_id: IdParam,
) -> Response:
    if kind not in set(Kind):
        raise NotFound(f"No kind of record is called {kind!r}.")
    ledger, settings = request.app.state.ledger, request.app.state.settings
    where = record_copy.where_is(ledger, me.actor, Kind(kind), local_id)
    copy: dict[str, Any] = {}
    trouble: QuickBooksError | None = None
    try:
        async with connection.open_client(ledger, me.actor.firm_id, settings) as qb:
            copy = await record_copy.read_copy(qb, where)
    except QuickBooksError as error:
        trouble = error
    return render(
        request,
        "record_copy.html",
        section="",
        kind=kind,
        local_id=local_id,
        back=record_path(kind, local_id),
        where=where,
        entity=where.entity.entity_name,
        app_link=record_copy.app_link(settings.qbo_env, where.entity.entity_name, where.qbo_id),
        copy=copy,
        fields=_fields(copy),
        lines=_lines(copy),
        meta=copy.get("MetaData") or {},
        trouble=trouble,
        reconnect=isinstance(trouble, ReconnectNeededError),
    )
