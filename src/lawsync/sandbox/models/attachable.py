"""Attachable: a note or a file attached to transactions and names.

A note is created like any entity; a file comes through the multipart ``/upload`` endpoint
(a JSON part describing it and a content part, base64 or raw), and its answer is wrapped in
``AttachableResponse``. The file is then downloadable: ``/download/{id}`` answers a temporary
link (as QuickBooks answers a pre-signed one), served without a token. Every AttachableRef
must name an existing record; an Attachable needs a note or a file name.
"""

from __future__ import annotations

import binascii
import secrets
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any, ClassVar

from ..company import Record
from ..faults import BusinessValidation, InvalidReferenceId, RequiredParamMissing
from ..wire import loads
from .base import Ctx, EntityModel, Operations
from .rules import check_lengths, ref_id
from .shape import check_shape

MAX_FILE = 100 * 1024 * 1024
REFERABLE = (
    "Customer",
    "Vendor",
    "Employee",
    "Item",
    "Account",
    "Invoice",
    "Estimate",
    "CreditMemo",
    "SalesReceipt",
    "RefundReceipt",
    "Payment",
    "Bill",
    "BillPayment",
    "Purchase",
    "PurchaseOrder",
    "JournalEntry",
    "Deposit",
    "Transfer",
    "TimeActivity",
    "CreditCardPayment",
)


class Attachable(EntityModel):
    name: ClassVar[str] = "Attachable"
    kind: ClassVar[str] = "txn"  # deleted (not made inactive), as QuickBooks does
    read_only: ClassVar[frozenset[str]] = frozenset(
        {"Size", "FileAccessUri", "TempDownloadUri", "ThumbnailFileAccessUri"}
    )
    queryable: ClassVar[frozenset[str]] = frozenset(
        {
            "FileName",
            "Note",
            "ContentType",
            "Category",
            "AttachableRef.EntityRef.Type",
            "AttachableRef.EntityRef.value",
        }
    )

    def prepare(self, ctx: Ctx, data: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        c = ctx.company
        if not data.get("Note") and not data.get("FileName"):
            raise RequiredParamMissing.of("Note")
        check_lengths(data, {"Note": 4000, "FileName": 1000, "Description": 4000})
        refs = data.get("AttachableRef") or []
        if not isinstance(refs, list):
            raise BusinessValidation.of("AttachableRef must be a list.", "AttachableRef")
        out = []
        for raw in refs:
            ref = dict(raw)
            entity = dict(ref.get("EntityRef") or {})
            kind = entity.get("type")
            if not kind:
                raise RequiredParamMissing.of("EntityRef.type", "AttachableRef.EntityRef.type")
            ident = ref_id(entity, "AttachableRef.EntityRef")
            model = next((m for m in REFERABLE if m.lower() == str(kind).lower()), None)
            if model is None or c.get(model, ident) is None:
                raise InvalidReferenceId.of(str(kind), ident)
            ref["EntityRef"] = {"type": model, "value": ident}
            ref.setdefault("IncludeOnSend", False)
            out.append(ref)
        data["AttachableRef"] = out
        return data

    def before_delete(self, ctx: Ctx, data: dict[str, Any]) -> None:
        """Deleting an attachable deletes its file too."""
        forget_file(ctx, data)


def split_upload(raw: bytes) -> list[tuple[Any, str, bytes]]:
    """Pair each ``file_metadata_NN`` part with its ``file_content_NN`` part."""
    first = raw.lstrip().split(b"\n", 1)[0].strip()
    if not first.startswith(b"--"):
        raise BusinessValidation.of("The upload is not a multipart body.", "")
    boundary = first[2:].decode("latin-1")
    head = f'Content-Type: multipart/form-data; boundary="{boundary}"\r\n\r\n'.encode()
    message = BytesParser(policy=HTTP).parsebytes(head + raw.lstrip())
    meta: dict[str, Any] = {}
    files: dict[str, tuple[str, bytes]] = {}
    for part in message.iter_parts():
        field = str(part.get_param("name", header="content-disposition") or "")
        suffix = field.rsplit("_", 1)[-1]
        try:
            # Undoes a base64 Content-Transfer-Encoding; raw parts come back as they were.
            payload = part.get_payload(decode=True)
        except (ValueError, binascii.Error):
            raise BusinessValidation.of("The file part can not be decoded.", field) from None
        data = payload if isinstance(payload, bytes) else b""
        if field.startswith("file_metadata"):
            try:
                meta[suffix] = loads(data.decode("utf-8").strip())
            except (ValueError, UnicodeDecodeError):
                raise BusinessValidation.of("The file's metadata is not JSON.", field) from None
        elif field.startswith("file_content"):
            files[suffix] = (part.get_content_type(), data)
    if not files:
        raise RequiredParamMissing.of("file_content_01")
    out = []
    for suffix, (ctype, content) in sorted(files.items()):
        out.append((meta.get(suffix, {}), ctype, content))
    return out


def upload(ops: Operations, raw: bytes, base: str) -> list[Record]:
    """Store every uploaded file as an Attachable, with its size and links."""
    model = Attachable()
    made = []
    for meta, ctype, content in split_upload(raw):
        if not isinstance(meta, dict):
            raise BusinessValidation.of("The file's metadata must be a JSON object.", "")
        check_shape(meta)
        if len(content) > MAX_FILE:
            raise BusinessValidation.of("A file can be at most 100 MB.", "file_content")
        body = {**meta, "ContentType": meta.get("ContentType") or ctype}
        body.setdefault("FileName", "attachment")
        body.pop("Id", None)
        ops._writable()
        data = model.prepare(ops.ctx, ops._clean(model, body), None)
        ident = ops.c.next_id(model.name)
        key = secrets.token_urlsafe(16)
        ops.c.files[ident] = (key, str(data["ContentType"]), content)
        data.update(
            {
                "Size": len(content),
                "FileAccessUri": f"/v3/company/{ops.c.realm_id}/download/{ident}",
                "TempDownloadUri": f"{base}/_files/{ops.c.realm_id}/{ident}/{key}",
            }
        )
        made.append(ops.store(model, ident, data, None, "Create"))
    return made


def forget_file(ctx: Ctx, data: dict[str, Any]) -> None:
    ctx.company.files.pop(str(data["Id"]), None)
