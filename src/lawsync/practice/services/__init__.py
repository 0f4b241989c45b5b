"""The service layer: the only way to change the practice ledger. One function per use case."""
