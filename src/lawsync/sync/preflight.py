"""Failures that can be known before spending an API call, with the code QuickBooks would give.

Each check is a pure function returning a list of problems (never raising), so the exporter can
record all of them at once and a test can hold each rule to a failing example.

Not every limit is a refusal: a client funds line's description over QuickBooks' 4,000
characters is shortened by the mapping instead (`client_funds_mapping.shortened`), since a trust
transaction cannot be edited to fit. The company's closed-books date is not checked here:
lawsync does not keep it (QuickBooks refuses such a transaction with 6200/6210).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lawsync.money import is_currency_code
from lawsync.practice.models import Bill, BillState, ClientFundsTransaction, Contact
from lawsync.sync.client_funds_mapping import journal_number
from lawsync.sync.mapping import (
    DOC_NUMBER_LIMIT,
    MEMO_LIMIT,
    NAME_LIMIT,
    PHONE_LIMIT,
    clean_name,
    doc_number,
    matter_memo,
)
from lawsync.sync.problems import Problem

JOURNAL_NUMBER_TOO_LONG = "lawsync:journal_number_too_long"
EMAIL = re.compile(r"^[^@\s,;<>()\[\]]+@[^@\s,;<>()\[\].]+(\.[^@\s,;<>()\[\].]+)+$")
WEB = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def too_long(element: str, value: str, limit: int) -> Problem | None:
    if len(value) <= limit:
        return None
    return Problem("2050", f"{element} has {len(value)} characters; at most {limit} fit.", element)


def check_contact(contact: Contact) -> list[Problem]:
    problems: list[Problem] = []
    name = clean_name(contact.display_name)
    if not name:
        problems.append(Problem("6080", "The contact has no name.", "DisplayName"))
    for p in (
        too_long("DisplayName", name, NAME_LIMIT),
        too_long("GivenName", contact.first_name, 100),
        too_long("FamilyName", contact.last_name, 100),
        too_long("CompanyName", contact.company_name, 100),
    ):
        if p:
            problems.append(p)
    if contact.phones:
        p = too_long("PrimaryPhone.FreeFormNumber", contact.phones[0].number, PHONE_LIMIT)
        if p:
            problems.append(p)
    email = contact.primary_email
    if email is not None:
        if len(email) > 100:
            problems.append(
                Problem(
                    "2050",
                    f"The email address has {len(email)} characters; at most 100 fit.",
                    "PrimaryEmailAddr.Address",
                )
            )
        elif not EMAIL.match(email):
            problems.append(
                Problem("2210", f"{email!r} is not one valid email address.", "PrimaryEmailAddr")
            )
    if contact.web_address and not WEB.match(contact.web_address):
        problems.append(
            Problem(
                "2200", f"{contact.web_address!r} must start with http:// or https://.", "WebAddr"
            )
        )
    return problems


def check_bill(
    bill: Bill,
    *,
    prefix: str,
    matter_numbers: Sequence[str],
    home_currency: str,
    multicurrency: bool,
) -> list[Problem]:
    problems: list[Problem] = []
    if bill.state == BillState.draft:
        problems.append(Problem("lawsync:draft", "Draft bills are never exported.", ""))
    if not bill.lines:
        problems.append(Problem("lawsync:no-lines", "The bill has no lines.", "Line"))
    if bill.total < 0 or bill.balance < 0:
        problems.append(Problem("6000", "The bill has a negative total or balance.", "TotalAmt"))
    p = too_long("DocNumber", doc_number(prefix, bill.number), DOC_NUMBER_LIMIT)
    if p:
        problems.append(p)
    p = too_long("CustomerMemo", matter_memo(matter_numbers), MEMO_LIMIT)
    if p:
        problems.append(p)
    if not is_currency_code(bill.currency):
        problems.append(Problem("2220", f"{bill.currency} is not a currency code.", "CurrencyRef"))
    elif bill.currency != home_currency and not multicurrency:
        problems.append(
            Problem(
                "6000",
                f"The bill is in {bill.currency} but the "
                f"company keeps its books in {home_currency} only.",
                "CurrencyRef",
            )
        )
    return problems


def check_prefix(prefix: str, longest_number: int) -> Problem | None:
    """A settings check: prefix plus the longest bill number must fit in a document number."""
    if len(prefix) + longest_number <= DOC_NUMBER_LIMIT:
        return None
    return Problem(
        "2050",
        f"With this prefix, bill numbers of {longest_number} "
        f"digits would exceed {DOC_NUMBER_LIMIT} characters.",
        "DocNumber",
    )


def check_client_funds(
    txn: ClientFundsTransaction,
    *,
    currency: str,
    home_currency: str,
    multicurrency: bool,
    journal_prefix: str | None,
) -> list[Problem]:
    """A client funds transaction of an account kept in ``currency``, about to be posted as a
    journal entry numbered with ``journal_prefix`` or, with None, as a cheque."""
    problems: list[Problem] = []
    if journal_prefix is not None:
        number = journal_number(journal_prefix, txn.id)
        if len(number) > DOC_NUMBER_LIMIT:
            problems.append(
                Problem(
                    JOURNAL_NUMBER_TOO_LONG,
                    f"The journal number {number} has {len(number)} characters; QuickBooks takes "
                    f"at most {DOC_NUMBER_LIMIT}. Shorten the journal prefix.",
                    "DocNumber",
                )
            )
    if currency != home_currency and not multicurrency:
        problems.append(
            Problem(
                "6000",
                f"The client funds account's currency is {currency}, but the company keeps its "
                f"books in {home_currency} only.",
                "CurrencyRef",
            )
        )
    return problems
