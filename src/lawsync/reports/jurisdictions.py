"""Report sets: the same records under the names, columns and notes a regulator expects.

The figures never change with the jurisdiction; what changes is what a record is called, which
columns the rules require to be shown (Ontario's By-Law 9 asks for the method of every receipt and
disbursement, for example), the reconciliation's deadline, and how long the records must be kept.
A firm chooses its set in its settings (`firms.trust_rules`).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Jurisdiction:
    code: str
    name: str
    rules: str  # the rules the records answer to, as a reader would look them up
    titles: dict[str, str]
    # Extra columns the rules require in a record (record name → column keys).
    required_columns: dict[str, frozenset[str]] = field(default_factory=dict)
    comparison_due: str = ""  # when the month's reconciliation must be done
    retention: str = ""  # how long the records must be kept
    notes: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def title(self, record: str, default: str) -> str:
        return self.titles.get(record, default)

    def requires(self, record: str, column: str) -> bool:
        return column in self.required_columns.get(record, frozenset())

    def notes_for(self, record: str) -> list[str]:
        said = list(self.notes.get(record, ()))
        if self.retention:
            said.append(self.retention)
        return said


US_ABA = Jurisdiction(
    code="us-aba",
    name="United States (ABA model rules)",
    rules="ABA Model Rule 1.15 and the ABA Model Rules for Client Trust Account Records",
    titles={
        "client-trust-ledger": "Client ledger (trust)",
        "trust-journal": "Trust account journal: receipts and disbursements",
        "client-trust-listing": "Client trust listing (trial balance)",
        "transfer-journal": "Trust transfer journal",
        "three-way-reconciliation": "Three-way reconciliation",
        "exceptions": "Trust exception report",
        "audit-log": "Audit log",
    },
    required_columns={
        # Receipts name their source, disbursements their payee and purpose (Model Rules,
        # Rule 1); the method is not required.
        "trust-journal": frozenset({"party", "description"}),
    },
    comparison_due=(
        "Reconcile every trust account monthly (the model rules ask for monthly; some states, "
        "such as Alabama, ask at least quarterly)."
    ),
    retention=(
        "Keep these records for five years after the representation ends (longer in some "
        "states: Florida six, Illinois seven)."
    ),
)

ONTARIO = Jurisdiction(
    code="ca-on",
    name="Ontario (Law Society of Ontario, By-Law 9)",
    rules="Law Society of Ontario By-Law 9, section 18",
    titles={
        "client-trust-ledger": "Clients' trust ledger",
        "trust-journal": "Trust receipts and disbursements journal",
        "client-trust-listing": "Client trust listing",
        "transfer-journal": "Trust transfer journal",
        "three-way-reconciliation": "Monthly trust comparison",
        "exceptions": "Trust exception report",
        "audit-log": "Audit log",
    },
    required_columns={
        # Section 18: every receipt and disbursement shows its date, method, amount, an
        # identifier (cheque or transfer number) and its purpose or source.
        "trust-journal": frozenset({"method", "reference", "party", "description"}),
        "client-trust-ledger": frozenset({"method", "reference"}),
    },
    comparison_due=(
        "The monthly trust comparison is due by the 25th of the following month, for every "
        "trust account."
    ),
    retention=(
        "Keep trust records for ten years plus the current year (general records six years "
        "plus the current year)."
    ),
    notes={
        "three-way-reconciliation": (
            "Give the reason for any difference between the bank, the journal and the listing.",
        ),
    },
)

JURISDICTIONS: dict[str, Jurisdiction] = {j.code: j for j in (US_ABA, ONTARIO)}
DEFAULT = US_ABA.code


def jurisdiction(code: str | None) -> Jurisdiction:
    """The report set of that code; an unknown or missing code reads as the default."""
    return JURISDICTIONS.get(code or DEFAULT, JURISDICTIONS[DEFAULT])


def choices() -> list[tuple[str, str]]:
    return [(j.code, j.name) for j in JURISDICTIONS.values()]
