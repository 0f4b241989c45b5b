"""What the accounting side tells the ledger: each importer pulls one kind of change, run by
the pass before the exporters (and never by a preview, which changes nothing)."""
