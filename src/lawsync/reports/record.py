"""A record: what a regulator asks to see, laid out once and rendered as a page, JSON, CSV or PDF.

A record is plain data (columns, sections of rows, totals, the parameters it was made for), so that
every rendering shows the same figures and a closed month renders the same bytes every time: a
record carries no clock of its own, only the date it describes (`as_at`).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from decimal import Decimal


class ColumnType(enum.StrEnum):
    text = "text"
    money = "money"
    date = "date"
    moment = "datetime"
    number = "number"


# What one cell may hold; None is an empty cell.
Cell = str | Decimal | dt.date | dt.datetime | int | None


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    type: ColumnType = ColumnType.text
    width: float = 1.0  # share of the page's width in the PDF, relative to the other columns


@dataclass(frozen=True)
class Total:
    """A labelled line of figures under a section or the whole record (column key → value)."""

    label: str
    values: dict[str, Cell]


@dataclass
class Section:
    """A run of rows under one heading (a client's matter, an account), with its own totals:
    `before` the rows (an opening balance) and after them."""

    heading: str
    rows: list[tuple[Cell, ...]] = field(default_factory=list)
    totals: list[Total] = field(default_factory=list)
    before: list[Total] = field(default_factory=list)


@dataclass(frozen=True)
class RecordParams:
    """What a record is asked for; each record uses some of these and says which it needs."""

    account_id: int | None = None
    client_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    as_of: dt.date | None = None

    def as_query(self) -> dict[str, str]:
        """The parameters as the API's query string spells them (set ones only)."""
        values = {
            "account_id": self.account_id,
            "client_id": self.client_id,
            "from": self.date_from,
            "to": self.date_to,
            "as_of": self.as_of,
        }
        return {
            k: (v.isoformat() if isinstance(v, dt.date) else str(v))
            for k, v in values.items()
            if v is not None
        }


@dataclass
class Record:
    """One record, ready to render.

    `facts` are the lines under the title (account, period, jurisdiction); `notes` are what the
    rules ask the reader to know (a deadline, how long to keep the record). `as_at` is the date
    the record describes: the PDF's creation date is taken from it, never from the clock.
    """

    name: str
    title: str
    params: RecordParams
    columns: tuple[Column, ...]
    as_at: dt.date
    currency: str = ""
    facts: list[tuple[str, str]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    totals: list[Total] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    jurisdiction: str = ""

    @property
    def row_count(self) -> int:
        return sum(len(s.rows) for s in self.sections)

    def column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def filename(self, extension: str) -> str:
        """A name that says what the file holds: record, account, client, dates."""
        parts = [self.name]
        parts += [f"{k}-{v}" for k, v in self.params.as_query().items()]
        return "_".join(parts) + f".{extension}"
