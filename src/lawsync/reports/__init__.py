"""Trust records a regulator asks for: built from the ledger, rendered as JSON, CSV and PDF.

`record` is the shape every record takes, `registry` finds a record by name, `render` and `pdf`
write it out, `jurisdictions` holds the report sets, `records` the records themselves.
"""
