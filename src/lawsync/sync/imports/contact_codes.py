"""The failure codes of contact edits taken from QuickBooks (`imports.contacts`).

A contact with one of these open is held back from the Customers exporter: sending it would
overwrite the edit made in QuickBooks that the failure is about.
"""

from __future__ import annotations

CONFLICT = "lawsync:contact-conflict"  # a field changed on both sides to different values
EMAIL_TAKEN = "lawsync:email-conflict"  # the new primary email is another contact's
REFUSED = "lawsync:contact-import-refused"  # the ledger's rules refuse a value
IMPORT_CODES = (CONFLICT, EMAIL_TAKEN, REFUSED)
