"""The client funds ledger report as files: CSV (stdlib csv) and PDF (fpdf2).

Both are laid out from the one `LedgerReport` the page shows, so their figures are the page's.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal

from fpdf import FPDF

from lawsync.money import to_cents
from lawsync.practice.services.reports import LedgerReport

KIND_WORDS = {
    "deposit": "Deposit",
    "disbursement": "Disbursement",
    "payment_applied": "Applied to a bill",
    "reversal": "Reversal",
    "transfer_out": "Transfer out",
    "transfer_in": "Transfer in",
}
COLUMNS = (
    "Client",
    "Matter",
    "Date",
    "Kind",
    "Description",
    "Party",
    "Cheque",
    "Amount",
    "Balance",
)
NO_MATTER = "not for a matter"


def plain(amount: Decimal) -> str:
    """1234.5 → "1234.50": a figure a spreadsheet reads as a number."""
    return f"{to_cents(amount):.2f}"


def period(report: LedgerReport) -> str:
    start = report.date_from.isoformat() if report.date_from else "the first entry"
    end = report.date_to.isoformat() if report.date_to else "the last entry"
    return f"from {start} to {end}"


def filename(report: LedgerReport, extension: str) -> str:
    parts = ["client-funds-ledger", str(report.account_id)]
    parts += [d.isoformat() for d in (report.date_from, report.date_to) if d]
    return "-".join(parts) + f".{extension}"


def lines(report: LedgerReport) -> Iterator[tuple[str, ...]]:
    """The report's lines, in the columns of `COLUMNS`; totals last."""
    for c in report.clients:
        for m in c.matters:
            matter = m.matter_number or NO_MATTER
            yield (c.client_name, matter, "", "Opening balance", "", "", "", "", plain(m.opening))
            for r in m.rows:
                yield (
                    c.client_name,
                    matter,
                    r.date.isoformat(),
                    KIND_WORDS.get(r.kind, r.kind),
                    r.description,
                    r.party,
                    r.cheque_number or "",
                    plain(r.amount),
                    plain(r.balance),
                )
            yield (c.client_name, matter, "", "Closing balance", "", "", "", "", plain(m.closing))
    yield ("All clients", "", "", "Opening balance", "", "", "", "", plain(report.opening))
    yield ("All clients", "", "", "Closing balance", "", "", "", "", plain(report.closing))


def _cell(text: str) -> str:
    """Text a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def as_csv(report: LedgerReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for line in lines(report):
        # Figures stay figures (a negative amount starts with "-"); only text is guarded.
        writer.writerow([*(_cell(t) for t in line[:7]), *line[7:]])
    return out.getvalue()


WIDTHS = (24, 30, 88, 55, 20, 30, 30)  # date … balance, in mm on landscape A4 (277 mm of room)


def _latin(text: str) -> str:
    """The PDF's built-in font has Latin-1 only; any other letter prints as "?"."""
    return text.encode("latin-1", "replace").decode("latin-1")


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """The text, cut short with "..." if it is wider than its column (the longest prefix that
    fits, found by halving: a long description costs a few measurements, not one per letter)."""
    text = _latin(text)
    room = width - 2
    if pdf.get_string_width(text) <= room:
        return text
    short, long = 0, len(text)  # text[:short] + "..." fits; text[:long] + "..." does not
    while long - short > 1:
        middle = (short + long) // 2
        if pdf.get_string_width(text[:middle] + "...") <= room:
            short = middle
        else:
            long = middle
    return text[:short] + "..."


def _row(pdf: FPDF, cells: tuple[str, ...], bold: bool = False) -> None:
    pdf.set_font("helvetica", "B" if bold else "", 8)
    for i, (text, width) in enumerate(zip(cells, WIDTHS, strict=True)):
        pdf.cell(width, 5, _fit(pdf, text, width), border="B", align="R" if i >= 5 else "L")
    pdf.ln()


def as_pdf(report: LedgerReport) -> bytes:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.set_title(_latin(f"Client funds ledger: {report.account_name}"))
    pdf.add_page()
    pdf.set_font("helvetica", "B", 14)
    pdf.cell(0, 8, _latin(f"Client funds ledger: {report.account_name} ({report.currency})"))
    pdf.ln()
    pdf.set_font("helvetica", "", 9)
    pdf.cell(0, 6, _latin(f"{period(report).capitalize()}. {report.transaction_count} entries."))
    pdf.ln(8)
    heading = COLUMNS[2:]
    current: tuple[str, str] | None = None
    for line in lines(report):
        who = (line[0], line[1])
        if who != current:
            current = who
            pdf.set_font("helvetica", "B", 10)
            pdf.ln(2)
            title = line[0] if not line[1] else f"{line[0]}, matter {line[1]}"
            pdf.cell(0, 6, _latin(title))
            pdf.ln()
            _row(pdf, heading, bold=True)
        _row(pdf, line[2:], bold=not line[2])
    return bytes(pdf.output())
