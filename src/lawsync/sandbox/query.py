"""QBO's query language: a small SQL subset over one entity, with QBO's errors (4000, 4001).

Supported: ``SELECT * | count(*) | f1, f2 FROM Entity [WHERE c AND c ...]
[ORDERBY f [ASC|DESC], ...] [STARTPOSITION n] [MAXRESULTS n]`` where a condition is
``f op value`` (=, !=, <, >, <=, >=), ``f IN (...)`` or ``f LIKE '...%'``.  ``OR``,
``NOT`` and parentheses around conditions are parse errors, as in QBO.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from .company import Company, Record
from .faults import QueryParseError, QueryValidationError
from .models import MODELS
from .wire import parse_instant

_BY_LOWER = {name.lower(): model for name, model in MODELS.items()}
MAX_RESULTS = 1000
DEFAULT_RESULTS = 100
_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:\\.|[^'\\])*')|(?P<op><=|>=|!=|<>|=|<|>)|(?P<punct>[(),*])"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_.]*)|(?P<num>-?\d+(?:\.\d+)?))"
)
KEYWORDS = {
    "SELECT",
    "FROM",
    "WHERE",
    "AND",
    "OR",
    "NOT",
    "IN",
    "LIKE",
    "ORDERBY",
    "ORDER",
    "BY",
    "ASC",
    "DESC",
    "STARTPOSITION",
    "MAXRESULTS",
    "COUNT",
}


@dataclass
class Token:
    kind: str
    text: str
    col: int

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


@dataclass
class Condition:
    field: str
    op: str
    values: list[Any]


@dataclass
class Query:
    entity: str
    count: bool = False
    fields: list[str] | None = None  # None means *
    conditions: list[Condition] = field(default_factory=list)
    order: list[tuple[str, bool]] = field(default_factory=list)
    start: int = 1
    max_results: int = DEFAULT_RESULTS
    named: list[str] = field(default_factory=list)


def _tokens(text: str) -> list[Token]:
    out: list[Token] = []
    pos = 0
    text = text.rstrip().rstrip(";")
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None:
            bad = text[pos:].strip()[:1]
            raise QueryParseError(
                f'QueryParserError: Encountered " "{bad}" "{bad} "" at line 1, column {pos + 1}.',
                "",
            )
        kind = m.lastgroup or "word"
        out.append(Token(kind, m.group(kind), m.start(kind) + 1))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = _tokens(text)
        self.i = 0

    def peek(self) -> Token | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def fail(self, expecting: str) -> QueryParseError:
        tok = self.peek()
        if tok is None:
            return QueryParseError(
                f'QueryParserError: Encountered "<EOF>" at line 1. Was expecting: {expecting}', ""
            )
        return QueryParseError(
            f'QueryParserError: Encountered " <{tok.kind.upper()}> "{tok.text} "" at line 1, '
            f"column {tok.col}. Was expecting: {expecting}",
            "",
        )

    def take(self) -> Token:
        tok = self.peek()
        if tok is None:
            raise self.fail("more input")
        self.i += 1
        return tok

    def keyword(self, *words: str) -> bool:
        tok = self.peek()
        if tok is not None and tok.upper in words:
            self.i += 1
            return True
        return False

    def expect(self, word: str) -> None:
        if not self.keyword(word):
            raise self.fail(f'"{word}"')

    def punct(self, char: str) -> bool:
        tok = self.peek()
        if tok is not None and tok.kind == "punct" and tok.text == char:
            self.i += 1
            return True
        return False

    def ident(self) -> str:
        tok = self.peek()
        if tok is None or tok.kind != "word" or tok.upper in KEYWORDS - {"COUNT"}:
            raise self.fail("<IDENTIFIER>")
        self.i += 1
        return tok.text

    def value(self) -> Any:
        tok = self.take()
        if tok.kind == "str":
            return tok.text[1:-1].replace("\\'", "'").replace("\\\\", "\\")
        if tok.kind == "num":
            return Decimal(tok.text)
        if tok.kind == "word" and tok.text.lower() in ("true", "false"):
            return tok.text.lower() == "true"
        self.i -= 1
        raise self.fail("<STRING> | <NUMBER> | true | false")

    def integer(self) -> int:
        tok = self.take()
        if tok.kind != "num" or "." in tok.text:
            self.i -= 1
            raise self.fail("<INTEGER>")
        return int(tok.text)

    def parse(self) -> Query:
        self.expect("SELECT")
        count = False
        star = False
        names: list[str] = []
        if self.keyword("COUNT"):
            if not (self.punct("(") and self.punct("*") and self.punct(")")):
                raise self.fail("count(*)")
            count = True
        else:
            while True:
                if self.punct("*"):
                    star = True
                else:
                    names.append(self.ident())
                if not self.punct(","):
                    break
        self.expect("FROM")
        q = Query(entity=self.ident(), count=count, fields=None if star or count else names)
        q.named = names
        if self.keyword("WHERE"):
            q.conditions.append(self.condition())
            while True:
                if self.keyword("AND"):
                    q.conditions.append(self.condition())
                    continue
                tok = self.peek()
                if tok is not None and tok.upper in ("OR", "NOT"):
                    raise self.fail('"AND" | "ORDERBY" | "STARTPOSITION" | "MAXRESULTS"')
                break
        ordered = self.keyword("ORDERBY")
        if not ordered and self.keyword("ORDER"):
            self.expect("BY")
            ordered = True
        if ordered:
            while True:
                name = self.ident()
                desc = self.keyword("DESC")
                if not desc:
                    self.keyword("ASC")
                q.order.append((name, desc))
                if not self.punct(","):
                    break
        for _ in range(2):
            if self.keyword("STARTPOSITION"):
                q.start = max(1, self.integer())
            elif self.keyword("MAXRESULTS"):
                q.max_results = self.integer()
        if self.peek() is not None:
            raise self.fail('"AND" | "ORDERBY" | "STARTPOSITION" | "MAXRESULTS" | <EOF>')
        return q

    def condition(self) -> Condition:
        if self.punct("("):
            raise self.fail("<IDENTIFIER>")
        name = self.ident()
        if self.keyword("IN"):
            if not self.punct("("):
                raise self.fail('"("')
            values = [self.value()]
            while self.punct(","):
                values.append(self.value())
            if not self.punct(")"):
                raise self.fail('")"')
            return Condition(name, "IN", values)
        if self.keyword("LIKE"):
            return Condition(name, "LIKE", [self.value()])
        tok = self.peek()
        if tok is None or tok.kind != "op":
            raise self.fail('"=" | "<" | ">" | "<=" | ">=" | "IN" | "LIKE"')
        self.i += 1
        op = "!=" if tok.text == "<>" else tok.text
        return Condition(name, op, [self.value()])


def parse(text: str) -> Query:
    """Parse and check a query. Entity and property names match in any case, as QBO's do in
    practice (clients write ``select * from customer where displayname = 'x'``); the answer
    uses the canonical names."""
    q = _Parser(text).parse()
    model = MODELS.get(q.entity) or _BY_LOWER.get(q.entity.lower())
    if model is None:
        raise QueryValidationError(f"QueryValidationError: Entity {q.entity} not found", "")
    q.entity = model.name
    allowed = model.all_queryable() | {"Active", "SyncToken"}
    by_lower = {name.lower(): name for name in allowed}

    def canonical(name: str) -> str:
        found = name if name in allowed else by_lower.get(name.lower())
        if found is None:
            raise QueryValidationError(
                f"QueryValidationError: Property {name} not found for Entity {q.entity}", ""
            )
        return found

    for cond in q.conditions:
        cond.field = canonical(cond.field)
    q.order = [(canonical(name), desc) for name, desc in q.order]
    q.named = [canonical(name) for name in q.named]
    if q.fields is not None:
        q.fields = list(q.named)
    if q.max_results > MAX_RESULTS:
        raise QueryValidationError(
            f"QueryValidationError: value {q.max_results} is too large. Max allowed value is "
            f"{MAX_RESULTS}",
            "",
        )
    if q.max_results < 0:
        raise QueryValidationError(
            f"QueryValidationError: value {q.max_results} is too small. Min allowed value is 0",
            "",
        )
    return q


def _field(rec: Record, name: str) -> Any:
    if name == "MetaData.CreateTime":
        return rec.created
    if name == "MetaData.LastUpdatedTime":
        return rec.updated
    value: Any
    if "." not in name:
        value = rec.data.get(name)
    else:
        value = rec.data
        for part in name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, dict):
        value = value.get("value", value.get("Address"))
    if name == "Id" and isinstance(value, str) and value.isdigit():
        return int(value)
    return value


def _coerce(literal: Any, sample: Any, name: str) -> Any:
    if name.startswith("MetaData.") and isinstance(literal, str):
        instant = parse_instant(literal)
        if instant is None:
            raise QueryValidationError(f"QueryValidationError: invalid date value '{literal}'", "")
        return instant
    quoted_bool = isinstance(literal, str) and literal.lower() in ("true", "false")
    if isinstance(sample, bool) and quoted_bool:
        return str(literal).lower() == "true"
    if isinstance(sample, bool) or isinstance(literal, bool):
        return literal
    if isinstance(sample, (int, float, Decimal)) and not isinstance(literal, (int, float, Decimal)):
        try:
            return Decimal(str(literal))
        except InvalidOperation:
            return literal
    if isinstance(literal, str):
        return literal.casefold()
    return literal


def _matches(rec: Record, cond: Condition) -> bool:
    actual = _field(rec, cond.field)
    if actual is None:
        return False
    if isinstance(actual, str):
        actual = actual.casefold()
    if isinstance(actual, float):
        actual = Decimal(str(actual))
    values = [_coerce(v, actual, cond.field) for v in cond.values]
    if isinstance(actual, int) and not isinstance(actual, bool):
        values = [
            int(v) if isinstance(v, Decimal) or (isinstance(v, str) and v.isdigit()) else v
            for v in values
        ]
    if cond.op == "IN":
        return actual in values
    target = values[0]
    if cond.op == "LIKE":
        pattern = "^" + ".*".join(re.escape(part) for part in str(target).split("%")) + "$"
        return re.match(pattern, str(actual), re.DOTALL) is not None
    try:
        if cond.op == "=":
            return bool(actual == target)
        if cond.op == "!=":
            return bool(actual != target)
        if cond.op == "<":
            return bool(actual < target)
        if cond.op == ">":
            return bool(actual > target)
        if cond.op == "<=":
            return bool(actual <= target)
        if cond.op == ">=":
            return bool(actual >= target)
    except TypeError:
        return False
    return False


def run(c: Company, q: Query) -> tuple[list[Record], int]:
    """Return the page of matching records and the total number of matches."""
    model = MODELS[q.entity]
    conds = list(q.conditions)
    hide_inactive = model.kind == "name" and not any(cd.field == "Active" for cd in conds)
    rows = list(c.table(q.entity).values())
    if hide_inactive:
        rows = [r for r in rows if r.data.get("Active") is not False]
    if conds:
        rows = [r for r in rows if all(_matches(r, cd) for cd in conds)]
    if q.order:
        for name, desc in reversed(q.order):

            def key(rec: Record, field_name: str = name) -> tuple[int, Any]:
                return _sort_key(_field(rec, field_name))

            rows.sort(key=key, reverse=desc)
    else:
        rows.sort(key=lambda r: (model.list_rank(r.data), _id_order(r)))
    total = len(rows)
    start = q.start - 1
    return rows[start : start + q.max_results], total


def _id_order(rec: Record) -> tuple[int, Any]:
    """``_sort_key(_field(rec, "Id"))``, with a short way for the usual numeric Id (a query
    without ORDERBY computes it for every row)."""
    ident = rec.data.get("Id")
    if isinstance(ident, str) and ident.isdigit():
        return (1, int(ident))
    return _sort_key(_field(rec, "Id"))


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, 0)
    if isinstance(value, str):
        return (2, value.casefold())
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, (int, float, Decimal)):
        return (1, value)
    return (3, str(value))


def project(rec: Record, fields: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in fields:
        if name in rec.data:
            out[name] = rec.data[name]
    out.update(
        {"domain": "QBO", "sparse": True, "Id": rec.data["Id"], "SyncToken": rec.data["SyncToken"]}
    )
    return out
