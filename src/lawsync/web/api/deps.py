"""What every route needs: the ledger, the signed-in actor, and list paging."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from lawsync.practice.errors import PracticeError
from lawsync.practice.services.context import Actor, Ledger
from lawsync.practice.services.firms import sign_in


class Unauthorized(PracticeError):
    http_status = 401
    code = "unauthorized"


bearer = HTTPBearer(auto_error=False, description="An API token: `Bearer lsk_...`")


def get_ledger(request: Request) -> Ledger:
    ledger: Ledger = request.app.state.ledger
    return ledger


def get_actor(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    if credentials is None:
        raise Unauthorized("Send an API token: Authorization: Bearer <token>.")
    # Refused tokens raise TokenRefused (401 `unauthorized`, or `token_expired` saying when).
    return sign_in(get_ledger(request), credentials.credentials)


@dataclass(frozen=True)
class Paging:
    cursor: int | None
    limit: int


def get_paging(
    cursor: Annotated[
        int | None, Query(ge=0, lt=2**62, description="next_cursor of the previous page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Paging:
    return Paging(cursor, limit)


LedgerDep = Annotated[Ledger, Depends(get_ledger)]
ActorDep = Annotated[Actor, Depends(get_actor)]
PagingDep = Annotated[Paging, Depends(get_paging)]
