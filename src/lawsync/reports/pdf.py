"""A record as a PDF a regulator can file: numbered pages, every row, the same bytes every time.

fpdf2 writes it (pure Python, already a dependency, fast enough for 50,000 rows in seconds). The
font is DejaVu Sans Condensed, shipped inside the package (`fonts/`, with its licence), so any
name prints (accents, other scripts) and the file does not depend on the machine's fonts. Nothing
in the file comes from the clock: its creation date is the date the record describes, and the
file's id is derived from its content.

Pages are numbered "page n of N" because the rules want pages that cannot be removed unnoticed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from fpdf import FPDF

from lawsync.money import to_cents
from lawsync.reports.record import Cell, Column, ColumnType, Record, Total

FONTS = Path(__file__).parent / "fonts"
FAMILY = "DejaVuSansCondensed"
ROOM = 277.0  # mm of width on landscape A4 inside 10 mm margins
LINE = 4.6  # mm per table line
SIZE = 7.5  # points, table text


def money(value: Decimal) -> str:
    """-1234.5 → "-1,234.50": grouped for reading, one form in every jurisdiction."""
    return f"{to_cents(value):,.2f}"


def shown(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class _Document(FPDF):
    """Landscape A4 with the record's title on every page and its page number at the foot."""

    def __init__(self, record: Record) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.record = record
        self.widths = _widths(record.columns)
        self.right = [c.type in (ColumnType.money, ColumnType.number) for c in record.columns]
        self.in_table = False
        self.add_font(FAMILY, "", str(FONTS / "DejaVuSansCondensed.ttf"))
        self.add_font(FAMILY, "B", str(FONTS / "DejaVuSansCondensed-Bold.ttf"))
        self.set_margins(10, 10, 10)
        self.set_auto_page_break(auto=True, margin=14)
        self.alias_nb_pages()

    def header(self) -> None:
        self.set_font(FAMILY, "B", 9)
        self.cell(0, 5, self.record.title, new_x="LMARGIN", new_y="NEXT")
        if self.page_no() > 1 and self.in_table:
            self.column_heads()

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FAMILY, "", 7)
        query = ", ".join(f"{k}={v}" for k, v in self.record.params.as_query().items())
        where = f"{self.record.name}" + (f" ({query})" if query else "")
        self.cell(ROOM / 2, 5, where)
        self.cell(ROOM / 2, 5, f"Page {self.page_no()} of {{nb}}", align="R")

    def column_heads(self) -> None:
        self.set_font(FAMILY, "B", SIZE)
        for column, width, right in zip(self.record.columns, self.widths, self.right, strict=True):
            self.cell(width, LINE, self.fit(column.title, width), border="B", align=_align(right))
        self.ln()
        self.set_font(FAMILY, "", SIZE)

    def fit(self, text: str, width: float) -> str:
        """The text, cut short with "…" if it is wider than its column (the longest prefix that
        fits, found by halving: a long description costs a few measurements, not one per letter)."""
        room = width - 1.5
        if len(text) * 1.2 < room or self.get_string_width(text) <= room:
            return text
        short, long = 0, len(text)
        while long - short > 1:
            middle = (short + long) // 2
            if self.get_string_width(text[:middle] + "…") <= room:
                short = middle
            else:
                long = middle
        return text[:short] + "…"

    def row(self, cells: tuple[Cell, ...]) -> None:
        for value, width, right in zip(cells, self.widths, self.right, strict=True):
            self.cell(width, LINE, self.fit(shown(value), width), align=_align(right))
        self.ln()

    def total(self, total: Total) -> None:
        self.set_font(FAMILY, "B", SIZE)
        values = [shown(total.values.get(c.key)) for c in self.record.columns]
        label_at = next(
            (
                i
                for i, c in enumerate(self.record.columns)
                if c.type is ColumnType.text and not values[i]
            ),
            0,
        )
        values[label_at] = total.label
        for i, (text, width, right) in enumerate(zip(values, self.widths, self.right, strict=True)):
            self.cell(
                width,
                LINE,
                self.fit(text, width),
                border="T",
                align=_align(right and i != label_at),
            )
        self.ln()
        self.set_font(FAMILY, "", SIZE)


def _align(right: bool) -> str:
    return "R" if right else "L"


def _widths(columns: tuple[Column, ...]) -> list[float]:
    share = sum(c.width for c in columns) or 1.0
    return [ROOM * c.width / share for c in columns]


def as_pdf(record: Record) -> bytes:
    pdf = _Document(record)
    moment = dt.datetime.combine(record.as_at, dt.time(), tzinfo=dt.UTC)
    pdf.set_creation_date(moment)
    pdf.set_title(record.title)
    pdf.set_subject(record.name)
    pdf.set_creator("lawsync")
    pdf.set_producer("lawsync")
    pdf.add_page()
    pdf.set_font(FAMILY, "", 8.5)
    for label, value in record.facts:
        pdf.cell(0, 4.5, f"{label}: {value}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for section in record.sections:
        if section.heading:
            if pdf.will_page_break(LINE * 3):
                pdf.add_page()
            pdf.set_font(FAMILY, "B", 8.5)
            pdf.ln(1.5)
            pdf.cell(0, 5, section.heading, new_x="LMARGIN", new_y="NEXT")
        pdf.in_table = True
        pdf.column_heads()
        for row in section.rows:
            pdf.row(row)
        for total in section.totals:
            pdf.total(total)
        pdf.in_table = False
    if not record.sections:
        pdf.set_font(FAMILY, "", 8.5)
        pdf.cell(0, 5, "Nothing to show for these parameters.", new_x="LMARGIN", new_y="NEXT")
    if record.totals:
        pdf.ln(2)
        pdf.in_table = True
        pdf.column_heads()
        for total in record.totals:
            pdf.total(total)
        pdf.in_table = False
    if record.notes:
        pdf.ln(3)
        pdf.set_font(FAMILY, "", 7.5)
        for note in record.notes:
            pdf.multi_cell(0, 4, note, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
