"""Bank statement files → statement lines: pure parsing, no database.

CSV files differ from bank to bank, so the caller names the columns: a date column and its
format, either one signed amount column or a debit and a credit column, and optionally the
description, cheque number and bank reference. OFX files (1.x SGML or 2.x XML) are read with
ofxtools, which also gives the statement's closing (ledger) balance and its date.

Every problem is reported with the line it is on, so a bookkeeper can fix the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from lawsync.practice.errors import InvalidInput

CENT = Decimal("0.01")
MAX_LINES = 20_000


@dataclass(frozen=True)
class ParsedLine:
    date: dt.date
    amount: Decimal  # signed: money into the account positive
    description: str = ""
    cheque_number: str | None = None
    bank_reference: str = ""


@dataclass
class ParsedStatement:
    lines: list[ParsedLine] = field(default_factory=list)
    closing_balance: Decimal | None = None
    statement_date: dt.date | None = None


@dataclass(frozen=True)
class CsvColumns:
    date: str
    date_format: str = "%Y-%m-%d"
    amount: str = ""
    debit: str = ""
    credit: str = ""
    description: str = ""
    cheque: str = ""
    reference: str = ""


def _money(text: str, where: str) -> Decimal:
    cleaned = text.strip().replace(",", "").replace("$", "").replace(" ", "")
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    cleaned = cleaned.strip("()")
    if not cleaned:
        return Decimal(0)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidInput(f"{where}: {text!r} is not an amount.", field="content") from None
    if not value.is_finite() or abs(value) >= Decimal("1e12"):
        raise InvalidInput(f"{where}: {text!r} is not an amount.", field="content")
    value = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return -value if negative else value


def _cheque(text: str) -> str | None:
    digits = text.strip().lstrip("#")
    return digits if digits.isdigit() and len(digits) <= 20 else None


def parse_csv(text: str, columns: CsvColumns) -> ParsedStatement:
    if not columns.amount and not (columns.debit or columns.credit):
        raise InvalidInput(
            "Name the amount column, or the debit and credit columns.", field="amount_column"
        )
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    heading = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = heading
    wanted = {
        "date_column": columns.date,
        "amount_column": columns.amount,
        "debit_column": columns.debit,
        "credit_column": columns.credit,
        "description_column": columns.description,
        "cheque_column": columns.cheque,
        "reference_column": columns.reference,
    }
    for name, column in wanted.items():
        if column and column not in heading:
            raise InvalidInput(
                f"The file has no column {column!r} (its columns: {', '.join(heading) or 'none'}).",
                field=name,
            )
    parsed = ParsedStatement()
    for number, row in enumerate(reader, start=2):
        if len(parsed.lines) >= MAX_LINES:
            raise InvalidInput(f"A statement holds at most {MAX_LINES} lines.", field="content")
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue  # a blank line
        where = f"Line {number}"
        raw_date = (row.get(columns.date) or "").strip()
        try:
            date = dt.datetime.strptime(raw_date, columns.date_format).date()
        except ValueError:
            raise InvalidInput(
                f"{where}: {raw_date!r} is not a date in the format {columns.date_format}.",
                field="content",
            ) from None
        if columns.amount:
            amount = _money(row.get(columns.amount) or "", where)
        else:
            credit = _money(row.get(columns.credit) or "", where) if columns.credit else Decimal(0)
            debit = _money(row.get(columns.debit) or "", where) if columns.debit else Decimal(0)
            amount = abs(credit) - abs(debit)
        parsed.lines.append(
            ParsedLine(
                date=date,
                amount=amount,
                description=(row.get(columns.description) or "").strip()[:5000]
                if columns.description
                else "",
                cheque_number=_cheque(row.get(columns.cheque) or "") if columns.cheque else None,
                bank_reference=(row.get(columns.reference) or "").strip()[:255]
                if columns.reference
                else "",
            )
        )
    return parsed


def parse_ofx(text: str) -> ParsedStatement:
    """The first bank statement in an OFX file: its transactions and ledger balance."""
    from ofxtools.Parser import OFXTree  # imported when used: a heavy module

    tree = OFXTree()
    try:
        tree.parse(io.BytesIO(text.encode("utf-8")))
        ofx = tree.convert()
        statements = list(ofx.statements)
    except Exception as error:  # ofxtools raises many kinds of error for a bad file
        raise InvalidInput(
            f"This is not an OFX bank statement that can be read ({type(error).__name__}).",
            field="content",
        ) from None
    if not statements:
        raise InvalidInput("The OFX file holds no bank statement.", field="content")
    stmt = statements[0]
    parsed = ParsedStatement()
    for txn in stmt.banktranlist or []:
        if len(parsed.lines) >= MAX_LINES:
            raise InvalidInput(f"A statement holds at most {MAX_LINES} lines.", field="content")
        words = " ".join(w for w in (txn.name or "", txn.memo or "") if w).strip()
        parsed.lines.append(
            ParsedLine(
                date=txn.dtposted.date(),
                amount=Decimal(txn.trnamt).quantize(CENT, rounding=ROUND_HALF_UP),
                description=words[:5000],
                cheque_number=_cheque(str(txn.checknum or "")),
                bank_reference=str(txn.fitid or "")[:255],
            )
        )
    if stmt.ledgerbal is not None:
        parsed.closing_balance = Decimal(stmt.ledgerbal.balamt).quantize(CENT)
        parsed.statement_date = stmt.ledgerbal.dtasof.date()
    return parsed
