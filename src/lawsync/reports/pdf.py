"""A record as a PDF a regulator can file: numbered pages, every row, the same bytes every time.

fpdf2 writes the file (pure Python, already a dependency; see docs/trust-records.md for why not
reportlab or WeasyPrint). The font is DejaVu Sans Condensed, shipped inside the package
(`fonts/`, with its licence), so any name prints (accents, other scripts) and the file does not
depend on the machine's fonts. Nothing in the file comes from the clock: its creation date is the
date the record describes, and fpdf2 derives the file's id from its content.

A record can have 50,000 rows, so table rows are not laid out by `FPDF.cell` (about a third of a
millisecond a cell): `_Table` writes each row as one text object, with glyphs and widths looked
up once per character (`_Glyphs`, `_Widths`) and each distinct cell of a column placed once. The
title at the top of every page and the foot of every page are written the same way (a record of
50,000 rows has 1,200 pages: three fpdf2 cells a page were a third of the time). Section
headings, the facts and the notes use fpdf2's own layout.

Pages are numbered "page n of N": the rules want pages that cannot be removed unnoticed. The
feet are written once the last page is known, going back to each page (so no page-count alias
is substituted in the text).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import PDFResourceType
from fpdf.fonts import TTFFont
from fpdf.util import escape_parens

from lawsync.money import to_cents
from lawsync.reports.record import Cell, Column, ColumnType, Record, Total

FONTS = Path(__file__).parent / "fonts"
FAMILY = "DejaVuSansCondensed"
MARGIN = 10.0
ROOM = 277.0  # mm of width on landscape A4 inside the margins
LINE = 4.2  # mm per table line
SIZE = 7.5  # points, table text
PAD = 0.8  # mm between a cell's edge and its text
ELLIPSIS = "…"
TITLE_SIZE = 9.0  # points, the title at the top of every page
HEADING_SIZE = 8.5  # points, a section's heading
FOOT_SIZE = 7.0  # points, the foot of every page
MEMO_LIMIT = 200_000  # distinct cells placed once and kept, per style


def money(value: Decimal) -> str:
    """-1234.5 → "-1,234.50": grouped for reading, one form in every jurisdiction."""
    return f"{to_cents(value):,.2f}"


def _moment(value: dt.datetime) -> str:
    return value.isoformat(sep=" ", timespec="seconds")[:19]


# How each type of cell is written, looked up by its exact type (the cells of 50,000 rows).
_SHOWN: dict[type, Any] = {
    str: str,
    int: str,
    Decimal: money,
    dt.date: dt.date.isoformat,
    dt.datetime: _moment,
}


def shown(value: Cell) -> str:
    if value is None:
        return ""
    write = _SHOWN.get(type(value))
    return str(write(value)) if write is not None else str(value)


class _Glyphs(dict[int, str | None]):
    """Character → what the page's content stream says for it: the font subset's code for its
    glyph, as two escaped bytes (None: the font has no glyph; the character is dropped).

    `str.translate` looks characters up here, so each character reaches the subset only once
    and a whole cell is encoded by one call."""

    def __init__(self, font: TTFFont) -> None:
        super().__init__()
        self.font = font

    def __missing__(self, char: int) -> str | None:
        code = self.font.subset.pick(char)
        mapped = (
            escape_parens(chr(code).encode("utf-16-be").decode("latin-1"))
            if code is not None
            else None
        )
        self[char] = mapped
        return mapped


class _Widths(dict[str, float]):
    """Character → its width in mm at the table's size, measured once."""

    def __init__(self, pdf: FPDF) -> None:
        super().__init__()
        self.pdf = pdf

    def __missing__(self, char: str) -> float:
        width = float(self.pdf.get_string_width(char))
        self[char] = width
        return width

    def of(self, text: str) -> float:
        return sum(map(self.__getitem__, text))


class _Document(FPDF):
    """Landscape A4 with the record's title on every page and its page number at the foot."""

    def __init__(self, record: Record) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.record = record
        self.add_font(FAMILY, "", str(FONTS / "DejaVuSansCondensed.ttf"))
        self.add_font(FAMILY, "B", str(FONTS / "DejaVuSansCondensed-Bold.ttf"))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=14)
        self.str_alias_nb_pages = ""  # no alias: the feet are written with the count known
        self.writer: _Table | None = None  # the writer of the title and the feet
        self.open_table: _Table | None = None  # the table whose heads repeat on a new page

    def header(self) -> None:
        assert self.writer is not None
        top = self.t_margin
        self.writer.text(MARGIN + self.c_margin, top + 3.45, self.record.title, "B", TITLE_SIZE)
        self.set_y(self.t_margin + 5)
        if self.open_table is not None:
            self.open_table.heads()

    def footer(self) -> None:
        """Nothing yet: see `feet`."""

    def feet(self) -> None:
        """The foot of every page: where the record came from, and "Page n of N"."""
        assert self.writer is not None
        query = ", ".join(f"{k}={v}" for k, v in self.record.params.as_query().items())
        where = f"{self.record.name}" + (f" ({query})" if query else "")
        last = self.pages_count
        baseline = self.h - 10 + 3.24
        for number in range(1, last + 1):
            self.page = number
            self.writer.text(MARGIN + self.c_margin, baseline, where, "", FOOT_SIZE)
            self.writer.text(
                MARGIN + ROOM - self.c_margin,
                baseline,
                f"Page {number} of {last}",
                "",
                FOOT_SIZE,
                right=True,
            )
        self.page = last


class _Table:
    """The record's columns on the page: rows written as text objects, totals in bold."""

    def __init__(self, pdf: _Document, columns: tuple[Column, ...]) -> None:
        self.pdf = pdf
        self.columns = columns
        share = sum(c.width for c in columns) or 1.0
        self.widths = [ROOM * c.width / share for c in columns]
        self.lefts = [MARGIN + sum(self.widths[:i]) for i in range(len(columns))]
        self.right = [c.type in (ColumnType.money, ColumnType.number) for c in columns]
        self.fonts: dict[str, tuple[TTFFont, _Glyphs, _Widths]] = {}
        for style in ("", "B"):
            pdf.set_font(FAMILY, style, SIZE)
            font = pdf.current_font
            assert isinstance(font, TTFFont)
            self.fonts[style] = (font, _Glyphs(font), _Widths(pdf))
            self.fonts[style][2]["x"]  # measured while this style is set
        pdf.set_font(FAMILY, "", SIZE)
        # Cells repeat (names, dates, kinds, amounts): each distinct one is placed once.
        self.memo: dict[str, list[dict[Any, tuple[str, str]]]] = {
            style: [{} for _ in columns] for style in ("", "B")
        }
        self.memo_size = {"": 0, "B": 0}
        self.begin = {style: f"BT /F{f[0].i} {SIZE:.2f} Tf" for style, f in self.fonts.items()}
        self.on_page: set[tuple[int, str]] = set()
        self.em = SIZE / pdf.k  # mm: no character of the font is wider than this
        self.bottom = pdf.h - 14

    def _font_on_page(self, style: str) -> TTFFont:
        """The style's font, named in the current page's resources."""
        font = self.fonts[style][0]
        pdf = self.pdf
        if (pdf.page, style) not in self.on_page:
            self.on_page.add((pdf.page, style))
            pdf._resource_catalog.add(PDFResourceType.FONT, font.i, pdf.page)
        # fpdf2's own text must set its font again after ours.
        pdf.current_font_is_set_on_page = False
        return font

    def text(
        self, x: float, baseline: float, text: str, style: str, size: float, right: bool = False
    ) -> None:
        """One line of text with its baseline at `baseline` mm (ending at `x` when `right`)."""
        pdf = self.pdf
        font = self._font_on_page(style)
        _, glyphs, widths = self.fonts[style]
        if right:
            x -= widths.of(text) * size / SIZE
        pdf._out(
            f"BT /F{font.i} {size:.2f} Tf 1 0 0 1 {x * pdf.k:.2f} "
            f"{(pdf.h - baseline) * pdf.k:.2f} Tm ({text.translate(glyphs)}) Tj ET"
        )

    def _fit(self, text: str, room: float, widths: _Widths) -> tuple[str, float]:
        """The text cut short with "…" to fit `room`, and its width."""
        if len(text) * self.em <= room:
            return text, -1.0  # fits; width measured only where it is needed
        width = widths.of(text)
        if width <= room:
            return text, width
        room -= widths[ELLIPSIS]
        kept = 0.0
        for i, char in enumerate(text):
            kept += widths[char]
            if kept > room:
                cut = text[:i] + ELLIPSIS
                return cut, widths.of(cut)
        return text, width

    def _placed(self, column: int, text: str, widths: _Widths, glyphs: _Glyphs) -> tuple[str, str]:
        """The cell's text as content-stream operators: where it starts, and its glyphs."""
        room = self.widths[column] - 2 * PAD
        text, used = self._fit(text, room, widths)
        x = self.lefts[column] + PAD
        if self.right[column]:
            x += room - (used if used >= 0 else widths.of(text))
        return f"{x * self.pdf.k:.2f}", text.translate(glyphs)

    def line(self, values: list[str], style: str = "", rule: str = "") -> None:
        pdf = self.pdf
        if pdf.y + LINE > self.bottom:
            pdf.add_page()  # the header repeats the column heads
        _, glyphs, widths = self.fonts[style]
        memos = self.memo[style]
        top = pdf.y
        # Each cell: "1 0 0 1 <x> <baseline> Tm (<glyphs>) Tj", its x and glyphs placed once
        # (kept as the text before the baseline and after it).
        baseline = f" {(pdf.h - top - LINE * 0.72) * pdf.k:.2f} Tm ("
        parts = [self.begin[style]]
        for column, text in enumerate(values):
            if not text:
                continue
            memo = memos[column]
            placed = memo.get(text)
            if placed is None:
                x, shape = self._placed(column, text, widths, glyphs)
                placed = (f"1 0 0 1 {x}", f"{shape}) Tj")
                if self.memo_size[style] < MEMO_LIMIT:
                    memo[text] = placed
                    self.memo_size[style] += 1
            parts.append(baseline.join(placed))
        parts.append("ET")
        self._font_on_page(style)
        pdf._out(" ".join(parts))
        if rule == "above":
            pdf.line(MARGIN, top, MARGIN + ROOM, top)
        elif rule == "below":
            pdf.line(MARGIN, top + LINE, MARGIN + ROOM, top + LINE)
        pdf.x, pdf.y = pdf.l_margin, top + LINE

    def rows(self, rows: Iterable[tuple[Cell, ...]]) -> None:
        """The body of a table, as `line` writes a line, with what it does once per cell and
        row brought down to a dictionary look-up: a cell's placing is remembered by its value
        (before it is written as text), and a page's rows go out in one piece."""
        pdf = self.pdf
        _, glyphs, widths = self.fonts[""]
        memos = self.memo[""]
        begin, bottom, to_pt, height = self.begin[""], self.bottom, pdf.k, pdf.h
        pending: list[str] = []

        def flush() -> None:
            if pending:
                self._font_on_page("")
                pdf._out("\n".join(pending))
                pending.clear()

        top = pdf.y
        for cells in rows:
            if top + LINE > bottom:
                flush()
                pdf.add_page()  # the header repeats the column heads
                top = pdf.y
            baseline = f" {(height - top - LINE * 0.72) * to_pt:.2f} Tm ("
            parts = [begin]
            for column, value in enumerate(cells):
                memo = memos[column]
                placed = memo.get(value)
                if placed is None:
                    text = value if type(value) is str else shown(value)
                    if not text:
                        continue
                    x, shape = self._placed(column, text, widths, glyphs)
                    placed = (f"1 0 0 1 {x}", f"{shape}) Tj")
                    if self.memo_size[""] < MEMO_LIMIT:
                        memo[value] = placed
                        self.memo_size[""] += 1
                parts.append(baseline.join(placed))
            parts.append("ET")
            pending.append(" ".join(parts))
            top += LINE
        flush()
        pdf.x, pdf.y = pdf.l_margin, top

    def heads(self) -> None:
        self.line([c.title for c in self.columns], "B", rule="below")

    def total(self, total: Total) -> None:
        values = [shown(total.values.get(c.key)) for c in self.columns]
        label_at = next(
            (i for i, c in enumerate(self.columns) if c.type is ColumnType.text and not values[i]),
            0,
        )
        values[label_at] = total.label
        self.line(values, "B", rule="above")


def as_pdf(record: Record) -> bytes:
    pdf = _Document(record)
    moment = dt.datetime.combine(record.as_at, dt.time(), tzinfo=dt.UTC)
    pdf.set_creation_date(moment)
    pdf.set_title(record.title)
    pdf.set_subject(record.name)
    pdf.set_creator("lawsync")
    pdf.set_producer("lawsync")
    table = pdf.writer = _Table(pdf, record.columns)
    pdf.add_page()
    pdf.set_font(FAMILY, "", 8.5)
    for label, value in record.facts:
        pdf.cell(0, 4.5, f"{label}: {value}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)

    def start(heading: str) -> None:
        if pdf.get_y() + LINE * 4 > table.bottom:
            pdf.add_page()
        if heading:  # one per client in a ledger: written as the rows are, not by a cell
            top = pdf.y + 1.5
            table.text(MARGIN + pdf.c_margin, top + 3.4, heading, "B", HEADING_SIZE)
            pdf.x, pdf.y = pdf.l_margin, top + 5
        table.heads()
        pdf.open_table = table

    for section in record.sections:
        start(section.heading)
        for total in section.before:
            table.total(total)
        table.rows(section.rows)
        for total in section.totals:
            table.total(total)
        pdf.open_table = None
    if not record.sections:
        pdf.set_font(FAMILY, "", 8.5)
        pdf.cell(0, 5, "Nothing to show for these parameters.", new_x="LMARGIN", new_y="NEXT")
    if record.totals:
        pdf.ln(2)
        start("Totals")
        for total in record.totals:
            table.total(total)
        pdf.open_table = None
    if record.notes:
        pdf.ln(3)
        pdf.set_font(FAMILY, "", 7.5)
        for note in record.notes:
            pdf.multi_cell(0, 4, note, new_x="LMARGIN", new_y="NEXT")
    pdf.feet()
    return bytes(pdf.output())
