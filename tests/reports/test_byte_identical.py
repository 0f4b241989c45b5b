"""A closed month's records render the same bytes every time, whatever happens afterwards: the
PDF carries no clock (its dates come from the data) and its font ships with lawsync."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from tests import builders
from tests.conftest import Firm
from tests.reports.test_trust_records import books

JANUARY = {"from": "2026-01-01", "to": "2026-01-31", "as_of": "2026-01-31"}
RECORDS = ("trust-journal", "client-trust-ledger", "client-trust-listing", "exceptions")


def _files(firm: Firm, account_id: int) -> dict[tuple[str, str], bytes]:
    out = {}
    for record in RECORDS:
        for fmt in ("pdf", "csv", "json"):
            r = firm.api.get(
                f"/reports/{record}", params={"account_id": account_id, **JANUARY, "format": fmt}
            )
            assert r.status_code == 200, (record, fmt, r.text[:300])
            out[(record, fmt)] = r.content
    return out


def test_a_closed_month_renders_the_same_bytes_after_later_entries(firm: Firm) -> None:
    b = books(firm)  # January and February
    before = _files(firm, b["account"])
    # Later months move on: new money, a refusal, a closed matter.
    builders.deposit(firm, b["account"], b["ada"]["id"], "5.00", date=dt.date(2026, 3, 2))
    builders.disburse(
        firm, b["account"], b["bob"]["id"], "9999.00", date=dt.date(2026, 3, 3), status=409
    )
    after = _files(firm, b["account"])
    changed = [key for key in before if before[key] != after[key]]
    assert changed == []


@pytest.mark.parametrize("record", RECORDS)
def test_the_pdf_carries_no_clock(firm: Firm, record: str) -> None:
    b = books(firm)
    r = firm.api.get(
        f"/reports/{record}", params={"account_id": b["account"], **JANUARY, "format": "pdf"}
    )
    pdf = r.content
    today = dt.datetime.now(dt.UTC).strftime("%Y%m%d").encode()
    assert today not in pdf  # no creation or modification time from the clock
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata is not None
    assert reader.metadata["/CreationDate"].startswith("D:20260131")
    assert reader.metadata["/Producer"] == "lawsync"
    fonts = {
        str(f["/BaseFont"])
        for page in reader.pages
        for f in page["/Resources"]["/Font"].values()  # type: ignore[index]
    }
    assert all("DejaVuSansCondensed" in f for f in fonts), fonts
