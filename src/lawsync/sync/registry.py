"""Every flow of the sync, in the order a pass runs them: the one table to add a kind to.

A record is sent after the records it points at (a bill after its client's customer, a
payment after the invoices it pays), so the order here is the dependency order. To add a kind:
write its module under `lawsync/sync/export/` (an `Exporter`, see `export/skeleton.py`), add
its `Kind`, and put it here after what it needs.

The inbound direction (changes made on the accounting side) has its importers under
`lawsync/sync/imports/` (an `Importer`, see `imports/skeleton.py`), listed in `IMPORTERS`, keyed
by the same `Kind`s and links, and fed by the change feed (`imports/feed.py`) at the start of
each pass, before the exporters.
"""

from __future__ import annotations

from typing import Any

from lawsync.sync.export.bills import Bills
from lawsync.sync.export.client_funds import TrustCheques, TrustEntries, TrustOpenings
from lawsync.sync.export.credit_applications import CreditApplications
from lawsync.sync.export.credit_notes import CreditNotes
from lawsync.sync.export.customers import Customers
from lawsync.sync.export.interest import InterestCharges
from lawsync.sync.export.payments import Payments
from lawsync.sync.export.skeleton import Exporter
from lawsync.sync.export.timekeepers import Timekeepers
from lawsync.sync.imports.cheque_numbers import ChequeNumbers
from lawsync.sync.imports.contacts import ContactEdits
from lawsync.sync.imports.hard_costs import HardCosts
from lawsync.sync.imports.invoices import InvoiceChanges
from lawsync.sync.imports.payments import ReceivedPayments
from lawsync.sync.imports.skeleton import Importer
from lawsync.sync.kinds import Kind

EXPORTERS: tuple[Exporter[Any], ...] = (
    Timekeepers(),  # classes, named on bill lines
    Customers(),  # customers, which every transaction names
    Bills(),
    InterestCharges(),
    CreditNotes(),  # credit memos, after the invoices they credit
    CreditApplications(),  # after the memo; removed before it
    Payments(),  # after the invoices they pay
    TrustOpenings(),  # what clients held before the client funds start date
    TrustEntries(),  # client funds as journal entries, after the customers they name
    TrustCheques(),  # disbursements by cheque to print
)

IMPORTERS: tuple[Importer, ...] = (
    ChequeNumbers(),  # numbers of cheques printed in QuickBooks, back to their disbursements
    ContactEdits(),  # edits to linked customers, merged into their contacts
    HardCosts(),  # expenses and cheques on the hard-costs account → expense entries
    ReceivedPayments(),  # payments recorded in QuickBooks → payments on their bills
    InvoiceChanges(),  # invoices whose amounts were changed there → failures to decide
)

KINDS: tuple[Kind, ...] = tuple(e.kind for e in EXPORTERS)
