"""One cheque, one number: within a client funds account a number is on one live cheque only.

A reversed cheque gives its number back, so a cheque recorded with the wrong amount is corrected
by reversing it and recording it again under its own number; a reversal carries no number. The
rule is a partial unique index, so two requests racing with one number cannot both win; books
kept before the index existed may hold duplicates, which `lawsync check` lists.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

INDEX_NAME = "uq_cft_cheque_number"
TABLE = "client_funds_transactions"
LIVE_NUMBERED = "cheque_number IS NOT NULL AND NOT reversed"

log = logging.getLogger("lawsync.practice")


@dataclass(frozen=True)
class NumberedCheque:
    id: int
    account_id: int
    cheque_number: str


def clashes(cheques: Iterable[NumberedCheque]) -> dict[tuple[int, str], list[int]]:
    """Each (account, number) held by more than one live cheque, with their transaction ids."""
    seen: dict[tuple[int, str], list[int]] = defaultdict(list)
    for c in cheques:
        seen[(c.account_id, c.cheque_number)].append(c.id)
    return {key: sorted(ids) for key, ids in sorted(seen.items()) if len(ids) > 1}


def ensure_unique_index(conn: Connection) -> bool:
    """Build the index unless it exists; leave it out (and say so) while duplicates remain."""
    if any(ix["name"] == INDEX_NAME for ix in inspect(conn).get_indexes(TABLE)):
        return True
    found = conn.execute(
        text(
            f"SELECT firm_id, account_id, cheque_number, COUNT(*) FROM {TABLE} "
            f"WHERE {LIVE_NUMBERED} GROUP BY firm_id, account_id, cheque_number "
            "HAVING COUNT(*) > 1"
        )
    ).all()
    if found:
        log.warning(
            "%d cheque numbers are used twice in a client funds account; lawsync check lists "
            "them. Reverse the wrong cheque of each and run lawsync migrate again to guard "
            "cheque numbers.",
            len(found),
        )
        return False
    conn.execute(
        text(
            f"CREATE UNIQUE INDEX IF NOT EXISTS {INDEX_NAME} ON {TABLE} "
            f"(firm_id, account_id, cheque_number) WHERE {LIVE_NUMBERED}"
        )
    )
    return True
