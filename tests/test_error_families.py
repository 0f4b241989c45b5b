"""Each error answers the HTTP status of its family; the sync's errors are not the ledger's."""

from __future__ import annotations

import pytest

from lawsync import errors
from lawsync.practice import errors as practice
from lawsync.practice.services.firms import TokenRefused
from lawsync.sync.connection import CompanyConnectedElsewhere, ConnectError, QuickBooksUnavailable
from lawsync.web.api.errors import http_status


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (errors.Unauthenticated("no token"), 401, "unauthorized"),
        (TokenRefused("unknown token"), 401, "unauthorized"),
        (practice.Forbidden("members may not"), 403, "forbidden"),
        (practice.NotFound("bill", 7), 404, "not_found"),
        (practice.Duplicate("taken"), 409, "duplicate"),
        (practice.InsufficientClientFunds("short"), 409, "insufficient_client_funds"),
        (practice.InvalidInput("too long"), 422, "invalid"),
        (practice.PracticeError("no such firm", code="not_found"), 400, "not_found"),
        (ConnectError("state expired"), 400, "connect_failed"),
        (CompanyConnectedElsewhere("taken"), 409, "company_connected_elsewhere"),
        (QuickBooksUnavailable("not answering"), 503, "quickbooks_unavailable"),
        (errors.RuleViolation("not connected", code="not_connected"), 409, "not_connected"),
    ],
)
def test_an_error_answers_its_familys_status(
    error: errors.LawsyncError, status: int, code: str
) -> None:
    assert (http_status(error), error.code) == (status, code)


def test_the_sync_errors_are_not_the_ledgers() -> None:
    for cls in (ConnectError, QuickBooksUnavailable, CompanyConnectedElsewhere):
        assert issubclass(cls, errors.LawsyncError) and not issubclass(cls, practice.PracticeError)


def test_no_error_carries_an_http_status() -> None:
    assert not hasattr(practice.NotFound("bill", 1), "http_status")
    assert not hasattr(ConnectError("x"), "http_status")
