"""API tokens: issue one (shown once), list them, revoke one.

Every token expires (90 days unless asked otherwise, at most 366); a revoked token, or one of a
deactivated user, stays dead, even if the user is reactivated.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body

from lawsync.practice.models import ApiToken
from lawsync.practice.services import firms
from lawsync.practice.token_commands import TokenCreate
from lawsync.web.api.deps import ActorDep, LedgerDep, PathId, QueryId

router = APIRouter(tags=["API tokens"])
NEW_TOKEN = Body(default_factory=TokenCreate)


def token(row: ApiToken) -> dict[str, Any]:
    """A token as listed: never the secret itself, which only its creation shows."""
    return {
        "id": row.id,
        "user_id": row.user_id,
        "prefix": row.prefix,
        "label": row.label,
        "created_at": row.created_at.isoformat(),
        "expires_at": row.expires_at.isoformat(),
        "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None,
    }


def _issued(issued: firms.IssuedToken) -> dict[str, Any]:
    return {"token": issued.token, **token(issued.row)}


@router.get("/tokens")
def list_tokens(
    ledger: LedgerDep,
    actor: ActorDep,
    user_id: QueryId = None,
) -> dict[str, Any]:
    """The signed-in user's tokens (an administrator may name another user)."""
    return {"data": [token(r) for r in firms.list_tokens(ledger, actor, user_id)]}


@router.post("/tokens", status_code=201)
def create_token(
    ledger: LedgerDep, actor: ActorDep, cmd: Annotated[TokenCreate, NEW_TOKEN]
) -> dict[str, Any]:
    """A new token for the signed-in user; the `token` is shown in this answer only."""
    assert actor.user_id is not None
    return _issued(firms.create_token(ledger, actor, actor.user_id, cmd))


@router.post("/users/{user_id}/tokens", status_code=201)
def issue_token(
    ledger: LedgerDep, actor: ActorDep, user_id: PathId, cmd: Annotated[TokenCreate, NEW_TOKEN]
) -> dict[str, Any]:
    """A new token for a user (an administrator's for others); shown in this answer only."""
    return _issued(firms.create_token(ledger, actor, user_id, cmd))


@router.delete("/tokens/{token_id}")
def revoke_token(ledger: LedgerDep, actor: ActorDep, token_id: PathId) -> dict[str, Any]:
    """Revoke a token at once (one's own; an administrator may revoke anyone's)."""
    return token(firms.revoke_token(ledger, actor, token_id))
