"""Which bank and liability accounts of the company each trust account posts to.

A mapping is refused when it cannot post the way trust money must: the bank side must be a Bank
account and the other a liability account, both in the trust account's currency, and no company
account may stand for two trust accounts (their balances would mix) or for both sides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lawsync.errors import InvalidInput
from lawsync.practice import fields
from lawsync.practice.commands import Command
from lawsync.practice.fields import Id
from lawsync.practice.models import ClientFundsAccount
from lawsync.sync.models import ClientFundsMapping, QuickBooksConnection

FIELD = "client_funds_accounts"
BANK = "Bank"
LIABILITY_TYPES = ("Other Current Liability", "Long Term Liability")


@dataclass(frozen=True)
class CompanyAccount:
    """A bank or liability account of the company, as the settings offer and check it."""

    id: str
    name: str
    type: str  # QuickBooks' AccountType: Bank, Other Current Liability, ...
    currency: str  # "" when the company does not say (its home currency)
    active: bool


AccountId = Annotated[str, fields.name(40, min_length=1)]


class ClientFundsAccountMap(Command):
    account_id: Id  # the ledger's trust account
    bank_account: AccountId  # the company's Bank account it is kept in
    liability_account: AccountId  # the company's liability account for what is owed to clients


def _refuse(index: int, name: str, message: str, code: str = "invalid_mapping") -> InvalidInput:
    return InvalidInput(message, field=f"{FIELD}.{index}.{name}", code=code)


def _check_side(
    index: int,
    name: str,
    wanted: str,
    found: CompanyAccount | None,
    currency: str,
    home_currency: str,
) -> None:
    if found is None:
        raise _refuse(index, name, f"The company has no account with id {wanted}.")
    types = (BANK,) if name == "bank_account" else LIABILITY_TYPES
    if found.type not in types:
        allowed = " or ".join(types)
        raise _refuse(index, name, f"{found.name} is a {found.type} account, not {allowed}.")
    if not found.active:
        raise _refuse(index, name, f"{found.name} is inactive in QuickBooks; make it active.")
    in_currency = found.currency or home_currency
    if in_currency != currency:
        raise _refuse(
            index,
            name,
            f"{found.name} is kept in {in_currency}, but the trust account is in {currency}.",
        )


def save(
    session: Session,
    firm_id: int,
    connection: QuickBooksConnection | None,
    maps: Sequence[ClientFundsAccountMap],
    company_accounts: Sequence[CompanyAccount] | None,
) -> None:
    """Replace the connection's mappings by these (``company_accounts``: the company's bank and
    liability accounts, to check types and currencies against; None when they could not be
    read, and then only the ledger's side is checked)."""
    if connection is None:
        raise InvalidInput(
            "Connect a QuickBooks Online company before mapping client funds accounts.",
            field=FIELD,
            code="not_connected",
        )
    by_id = {a.id: a for a in company_accounts or ()}
    seen_trust: set[int] = set()
    seen_company: dict[str, int] = {}
    for i, m in enumerate(maps):
        account = session.get(ClientFundsAccount, m.account_id)
        if account is None or account.firm_id != firm_id:
            raise _refuse(i, "account_id", f"No client funds account has id {m.account_id}.")
        if m.account_id in seen_trust:
            raise _refuse(i, "account_id", f"{account.name} is mapped twice.")
        seen_trust.add(m.account_id)
        if m.bank_account == m.liability_account:
            raise _refuse(
                i, "liability_account", "The bank and the liability account must be two accounts."
            )
        for name in ("bank_account", "liability_account"):
            wanted = str(getattr(m, name))
            if wanted in seen_company:
                raise _refuse(
                    i,
                    name,
                    f"Account {wanted} already stands for another trust account; each trust "
                    "account needs its own, or their balances mix.",
                )
            seen_company[wanted] = i
            if company_accounts is not None:
                _check_side(
                    i, name, wanted, by_id.get(wanted), account.currency, connection.home_currency
                )
    session.execute(
        delete(ClientFundsMapping).where(ClientFundsMapping.connection_id == connection.id)
    )
    for m in maps:
        session.add(
            ClientFundsMapping(
                firm_id=firm_id,
                connection_id=connection.id,
                account_id=m.account_id,
                bank_account=m.bank_account,
                liability_account=m.liability_account,
            )
        )


def mapped(session: Session, connection_id: int) -> dict[int, ClientFundsMapping]:
    """The connection's mappings, by trust account id."""
    rows = session.execute(
        select(ClientFundsMapping).where(ClientFundsMapping.connection_id == connection_id)
    ).scalars()
    return {r.account_id: r for r in rows}
