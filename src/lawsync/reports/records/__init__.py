"""The records lawsync produces; importing this package registers every one of them."""

from lawsync.reports.records import (
    audit_log,
    client_trust_ledger,
    client_trust_listing,
    exceptions,
    three_way_reconciliation,
    transfer_journal,
    trust_journal,
)

__all__ = [
    "audit_log",
    "client_trust_ledger",
    "client_trust_listing",
    "exceptions",
    "three_way_reconciliation",
    "transfer_journal",
    "trust_journal",
]
