"""`GET /reports/{record}`: the trust records a regulator asks for, as JSON, CSV or PDF."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from lawsync.practice.fields import Date
from lawsync.reports import pdf, registry, render
from lawsync.reports import records as _records  # noqa: F401 - registers the records
from lawsync.reports.record import Record, RecordParams
from lawsync.web.api.deps import ActorDep, LedgerDep, QueryId

router = APIRouter(tags=["Trust records"])

RecordName = Annotated[
    str,
    Path(
        description="Which record: " + ", ".join(registry.NAMES) + ".",
        max_length=40,
        json_schema_extra={"enum": list(registry.NAMES)},
    ),
]
Format = Literal["json", "csv", "pdf"]


def file_response(record: Record, output: Format) -> Response:
    """The record as a download (CSV or PDF), named after what it holds."""
    if output == "csv":
        body: str | bytes = render.as_csv(record)
        media = "text/csv; charset=utf-8"
    else:
        body = pdf.as_pdf(record)
        media = "application/pdf"
    name = record.filename(output)
    return Response(
        body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get(
    "/reports/{record}",
    responses={
        200: {
            "description": "The record as JSON; as a CSV or PDF file with format=csv or pdf.",
            "content": {"text/csv": {}, "application/pdf": {}},
        }
    },
)
def trust_record(
    ledger: LedgerDep,
    actor: ActorDep,
    record: RecordName,
    account_id: QueryId = None,
    client_id: QueryId = None,
    date_from: Annotated[Date | None, Query(alias="from")] = None,
    date_to: Annotated[Date | None, Query(alias="to")] = None,
    as_of: Annotated[Date | None, Query()] = None,
    output: Annotated[Format, Query(alias="format")] = "json",
) -> Any:
    """A trust record for a client funds account (and a client, a period or a date, as the
    record uses them), in the firm's report set (US/ABA or Ontario, in the firm's settings)."""
    params = RecordParams(account_id, client_id, date_from, date_to, as_of)
    built = registry.build(ledger, actor, record, params)
    if output == "json":
        return render.as_json(built)
    return file_response(built, output)
