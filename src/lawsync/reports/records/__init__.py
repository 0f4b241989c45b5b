"""The records lawsync produces; importing this package registers every one of them."""

from lawsync.reports.records import trust_journal

__all__ = ["trust_journal"]
