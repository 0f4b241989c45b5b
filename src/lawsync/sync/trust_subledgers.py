"""One sub-account of the trust liability account per client (the firm's choice), so that
QuickBooks' own reports show what each client holds.

A client's sub-account is found by its name under the mapped liability account, and made when
missing: a pass that made one and lost the answer finds it by name the next time. A preview
makes nothing and plans against the parent account.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from lawsync.practice.models import Contact
from lawsync.quickbooks import Account, QuickBooksError, Ref, sql
from lawsync.sync.client_funds_mapping import TrustAccounts
from lawsync.sync.context import PassContext
from lawsync.sync.mapping import clean_name
from lawsync.sync.problems import Problem

NAME_LIMIT = 100


def subledger_name(client_name: str, client_id: int) -> str:
    """The client's name and number: two clients of one name keep two sub-accounts."""
    suffix = f" ({client_id})"
    return clean_name(client_name)[: NAME_LIMIT - len(suffix)] + suffix


async def prepare(ctx: PassContext, pairs: Iterable[tuple[int, int]]) -> None:
    """Find or make the sub-account of each (trust account, client) not looked up yet."""
    wanted = [p for p in set(pairs) if p not in ctx.subledgers and p[0] in ctx.trust_accounts]
    if not wanted:
        return
    with ctx.ledger.uow(ctx.firm_id) as uow:
        names = dict(
            uow.session.execute(
                select(Contact.id, Contact.display_name).where(
                    Contact.id.in_({client for _, client in wanted})
                )
            ).all()
        )
    for account_id, client_id in sorted(wanted):
        parent = ctx.trust_accounts[account_id].liability
        name = subledger_name(names.get(client_id, "Client"), client_id)
        ctx.subledgers[account_id, client_id] = await _find_or_make(ctx, parent, name)


async def _find_or_make(ctx: PassContext, parent: str, name: str) -> str | Problem:
    found = await ctx.qb.query(ctx.realm, Account, sql("Name = ?", name))
    for account in found:
        if account.ParentRef is not None and account.ParentRef.value == parent:
            return str(account.Id)
    if ctx.looking_only:
        return parent
    try:
        above = await ctx.qb.read(ctx.realm, Account, parent)
        made = await ctx.qb.create(
            ctx.realm,
            Account(
                Name=name,
                AccountType=above.AccountType,
                SubAccount=True,
                ParentRef=Ref(value=parent),
            ),
        )
    except QuickBooksError as error:
        return Problem.of(error)
    return str(made.Id)


def accounts_for(
    ctx: PassContext, accounts: TrustAccounts, account_id: int, client_id: int
) -> TrustAccounts | Problem | None:
    """The accounts a client's money posts to: the mapped pair, with the client's own
    sub-account for the liability when the firm keeps them (None: not looked up yet)."""
    if not ctx.settings.trust_subledgers:
        return accounts
    found = ctx.subledgers.get((account_id, client_id))
    if found is None or isinstance(found, Problem):
        return found
    return TrustAccounts(accounts.bank, found)
