"""A firm's QuickBooks tokens, kept encrypted in its connection row.

The client rotates the refresh token and saves the new one before using it; that save commits in
a transaction of its own, so a pass that later rolls back cannot take the only live refresh token
with it. Tokens never reach a log line or an error message.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from lawsync.practice.services.context import Ledger
from lawsync.quickbooks import TokenCipher, TokenSet
from lawsync.sync.models import QuickBooksConnection


class ConnectionTokenStore:
    """`TokenStore` over `qbo_connections.tokens` for one firm (one row per realm)."""

    def __init__(self, ledger: Ledger, firm_id: int, cipher: TokenCipher) -> None:
        self._ledger = ledger
        self._firm_id = firm_id
        self._cipher = cipher

    def __repr__(self) -> str:
        return f"ConnectionTokenStore(firm_id={self._firm_id})"

    async def load(self, realm_id: str) -> TokenSet | None:
        return await asyncio.to_thread(self._load, realm_id)

    async def save(self, tokens: TokenSet) -> None:
        await asyncio.to_thread(self._write, tokens.realm_id, seal(self._cipher, tokens))

    async def delete(self, realm_id: str) -> None:
        await asyncio.to_thread(self._write, realm_id, "")

    def _load(self, realm_id: str) -> TokenSet | None:
        with self._ledger.uow(self._firm_id) as uow:
            sealed = uow.session.execute(
                select(QuickBooksConnection.tokens).where(QuickBooksConnection.realm_id == realm_id)
            ).scalar_one_or_none()
        return unseal(self._cipher, sealed or "")

    def _write(self, realm_id: str, sealed: str) -> None:
        with self._ledger.uow(self._firm_id) as uow:
            row = uow.session.execute(
                select(QuickBooksConnection).where(QuickBooksConnection.realm_id == realm_id)
            ).scalar_one_or_none()
            if row is None:
                if not sealed:
                    return
                raise LookupError(f"firm {self._firm_id} has no connection to company {realm_id}")
            row.tokens = sealed
            uow.commit()


def seal(cipher: TokenCipher, tokens: TokenSet) -> str:
    """The text stored in the `tokens` column."""
    return cipher.encrypt(tokens).decode()


def unseal(cipher: TokenCipher, sealed: str) -> TokenSet | None:
    return cipher.decrypt(sealed.encode()) if sealed else None
