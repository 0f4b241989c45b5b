"""Storage: the tables' declarative base and shared column types, and the database sessions.

`schema` holds the base, the column types and the mixins (`FirmOwned`, `Timestamped`,
`Revisioned`); `sessions` the engine, firm-scoped sessions and the unit of work. The practice
ledger and the sync engine both build on this package; it imports neither. Only
`lawsync.bootstrap` opens the database for an entry point.
"""

from lawsync.storage.schema import (
    NAMING,
    Base,
    FirmOwned,
    IdType,
    Money,
    Revisioned,
    Timestamped,
    UtcDateTime,
    utcnow,
)
from lawsync.storage.sessions import UnitOfWork, make_engine, make_session_factory

__all__ = [
    "NAMING",
    "Base",
    "FirmOwned",
    "IdType",
    "Money",
    "Revisioned",
    "Timestamped",
    "UnitOfWork",
    "UtcDateTime",
    "make_engine",
    "make_session_factory",
    "utcnow",
]
