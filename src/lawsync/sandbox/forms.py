"""Sales forms as documents: ``GET /{form}/{id}/pdf`` renders one as a small real PDF, and
``POST /{form}/{id}/send?sendTo=`` e-mails it. The sandbox mails nothing: it marks the form
sent (EmailStatus, DeliveryInfo, the new address in BillEmail) and keeps the message in the
company's outbox, which the control API lists (``GET /_sandbox/companies/{realm}/mail``).

Which forms: the entities QBO offers these for, wherever this sandbox has the entity.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from .company import Company
from .faults import EmailRequired, InvalidEmailAddress
from .models import MODELS, EntityModel
from .models.base import SYSTEM_FIELDS, Ctx, Operations
from .service import read
from .wire import qbo_time

SENDABLE = ("Invoice", "SalesReceipt", "Estimate", "CreditMemo", "RefundReceipt", "PurchaseOrder")
TITLES = {
    "Invoice": "INVOICE",
    "SalesReceipt": "SALES RECEIPT",
    "Estimate": "ESTIMATE",
    "CreditMemo": "CREDIT MEMO",
    "RefundReceipt": "REFUND RECEIPT",
    "PurchaseOrder": "PURCHASE ORDER",
}
# Where a form keeps the address it is mailed to (a purchase order goes to the vendor).
EMAIL_FIELD = {"PurchaseOrder": "POEmail"}
# One address: a local part, an @, a domain with a dot; no blanks, one address only.
EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")


def document_model(segment: str) -> EntityModel | None:
    for name in SENDABLE:
        if name.lower() == segment.lower() and name in MODELS:
            return MODELS[name]
    return None


def pdf(c: Company, model: EntityModel, ident: str) -> bytes:
    read(c, model, ident)  # 610 when it does not exist
    rec = c.get(model.name, ident)
    assert rec is not None
    return render(c, model.name, rec.data)


def _party_name(c: Company, data: dict[str, Any]) -> str:
    for field, kind in (("CustomerRef", "Customer"), ("VendorRef", "Vendor")):
        ref = data.get(field)
        if isinstance(ref, dict) and ref.get("value"):
            rec = c.get(kind, str(ref["value"]))
            if rec is not None:
                return str(rec.data.get("DisplayName") or "")
            return str(ref.get("name") or "")
    return ""


def _lines(c: Company, entity: str, data: dict[str, Any]) -> list[str]:
    out = [
        c.name,
        "",
        f"{TITLES.get(entity, entity.upper())} {data.get('DocNumber') or data['Id']}",
        f"Date: {data.get('TxnDate', '')}",
    ]
    if data.get("DueDate"):
        out.append(f"Due: {data['DueDate']}")
    out.append(f"To: {_party_name(c, data)}")
    out.append("")
    for line in data.get("Line") or []:
        if line.get("DetailType") == "SubTotalLineDetail":
            continue
        text = str(line.get("Description") or line.get("DetailType") or "")
        out.append(f"{text[:60]:<60} {Decimal(str(line.get('Amount', 0))):>12.2f}")
    out.append("")
    out.append(f"{'Total':<60} {Decimal(str(data.get('TotalAmt', 0))):>12.2f}")
    if "Balance" in data:
        out.append(f"{'Balance due':<60} {Decimal(str(data['Balance'])):>12.2f}")
    return out


def _escape(text: str) -> str:
    safe = text.encode("latin-1", "replace").decode("latin-1")
    return safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def render(c: Company, entity: str, data: dict[str, Any]) -> bytes:
    """A one-page PDF 1.4 in a monospaced font: company, form title and number, dates, the
    customer, each line's description and amount, the total (and balance due)."""
    commands = ["BT", "/F1 10 Tf", "12 TL", "50 780 Td"]
    for line in _lines(c, entity, data)[:60]:
        commands.append(f"({_escape(line)}) Tj T*")
    commands.append("ET")
    stream = "\n".join(commands).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def send(ctx: Ctx, model: EntityModel, ident: str, send_to: str | None) -> str:
    """Mark the form e-mailed to ``send_to`` (which becomes its BillEmail, a purchase order's
    POEmail), else to its own; no address at all is 6420, a malformed one 2210."""
    c = ctx.company
    read(c, model, ident)
    rec = c.get(model.name, ident)
    assert rec is not None
    field = EMAIL_FIELD.get(model.name, "BillEmail")
    address = (send_to or "").strip()
    if send_to is not None and not EMAIL.match(address):
        raise InvalidEmailAddress(
            f"Invalid Email Address Format : {send_to} is not a valid e-mail address.", "sendTo"
        )
    if not address:
        address = str((rec.data.get(field) or {}).get("Address") or "")
        if not address:
            raise EmailRequired(
                f"Email address is required : give sendTo or set the form's {field}.", field
            )
    data = {k: v for k, v in rec.data.items() if k not in SYSTEM_FIELDS}
    data[field] = {"Address": address}
    data["EmailStatus"] = "EmailSent"
    data["DeliveryInfo"] = {"DeliveryType": "Email", "DeliveryTime": qbo_time(ctx.now, c.tz)}
    stored = Operations(ctx).store(model, ident, data, rec, "Update")
    number = stored.data.get("DocNumber") or ident
    c.outbox.append(
        {
            "entity": model.name,
            "id": ident,
            "to": address,
            "subject": f"{TITLES.get(model.name, model.name).title()} {number} from {c.name}",
            "sent_at": qbo_time(ctx.now, c.tz),
            "attachment": f"{model.name}_{number}.pdf",
            "attachment_bytes": len(render(c, model.name, stored.data)),
        }
    )
    return stored.json
