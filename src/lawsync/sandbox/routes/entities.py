"""The /v3 paths that are not plain entity reads and writes: file upload and download,
exchange-rate reads and TaxService's tax code creation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response

from ..backend import Sandbox
from ..faults import ObjectNotFound
from ..models.attachable import upload
from ..models.base import Ctx, Operations
from ..models.currency import read_rate
from ..models.tax_service import create_tax_code
from ..wire import dumps, loads

router = APIRouter(include_in_schema=False)


def entity_routes(
    ctx: Ctx, method: str, segments: list[str], params: Any, raw: bytes, stamp: str
) -> str | None:
    """Answer the special paths; None for every other path."""
    c = ctx.company
    head = segments[0].lower() if segments else ""
    if head == "upload" and method == "POST" and len(segments) == 1:
        made = upload(Operations(ctx), raw, ctx.base_url.rstrip("/"))
        rows = ",".join(f'{{"Attachable":{rec.json}}}' for rec in made)
        return f'{{"AttachableResponse":[{rows}],"time":"{stamp}"}}'
    if head == "download" and method == "GET" and len(segments) == 2:
        rec = c.get("Attachable", segments[1])
        if rec is None or segments[1] not in c.files:
            raise ObjectNotFound(f"Object Not Found : no file for attachable {segments[1]}.", "")
        return str(rec.data["TempDownloadUri"])
    if head == "exchangerate" and method == "GET" and len(segments) == 1:
        today = datetime.fromtimestamp(ctx.now, c.tz).date().isoformat()
        rec = read_rate(c, params.get("sourcecurrencycode"), params.get("asofdate"), today)
        return f'{{"ExchangeRate":{rec.json},"time":"{stamp}"}}'
    if head == "taxservice" and len(segments) == 2 and segments[1].lower() == "taxcode":
        if method != "POST":
            return None
        try:
            body = loads(raw.decode("utf-8")) if raw.strip() else {}
        except (ValueError, UnicodeDecodeError):
            body = None
        return dumps(create_tax_code(ctx, body))
    return None


@router.get("/_files/{realm}/{ident}/{key}")
def download_file(realm: str, ident: str, key: str, request: Request) -> Response:
    """A file's temporary link: the unguessable key stands in for a token, as a pre-signed
    link does."""
    sb: Sandbox = request.app.state.sandbox
    with sb.lock:
        company = sb.companies.get(realm)
        stored = company.files.get(ident) if company is not None else None
    if stored is None or stored[0] != key:
        return Response("Not Found", 404, media_type="text/plain")
    return Response(stored[2], 200, media_type=stored[1])
