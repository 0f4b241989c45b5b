"""What every route needs: the ledger, the signed-in actor, and list paging."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from lawsync.errors import Unauthenticated
from lawsync.practice.fields import TEXT_PATTERN, IdParam
from lawsync.practice.services.context import Actor, Ledger
from lawsync.practice.services.firms import sign_in

bearer = HTTPBearer(auto_error=False, description="An API token: `Bearer lsk_...`")


def get_ledger(request: Request) -> Ledger:
    ledger: Ledger = request.app.state.ledger
    return ledger


def get_actor(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    if credentials is None:
        raise Unauthenticated("Send an API token: Authorization: Bearer <token>.")
    # Refused tokens raise TokenRefused (401 `unauthorized`, or `token_expired` saying when).
    return sign_in(get_ledger(request), credentials.credentials)


@dataclass(frozen=True)
class Paging:
    cursor: int | None
    limit: int


def get_paging(
    cursor: Annotated[IdParam | None, Query(description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Paging:
    return Paging(cursor, limit)


# A record's id in a path: past the column's range (or not a number) it names no record: 404.
PathId = Annotated[IdParam, Path(description="The record's id.")]
# An id in a query string: one that cannot exist is a mistake: 422.
QueryId = Annotated[IdParam | None, Query()]


def query_text(max_length: int) -> Any:
    """A free-text query parameter (its characters are checked by the request guard)."""
    return Query(max_length=max_length, json_schema_extra={"pattern": TEXT_PATTERN})


LedgerDep = Annotated[Ledger, Depends(get_ledger)]
ActorDep = Annotated[Actor, Depends(get_actor)]
PagingDep = Annotated[Paging, Depends(get_paging)]
