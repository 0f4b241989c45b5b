"""The trust records through the API: each one's figures, their agreement with one another to the
cent, running balances, and the refusals of what no record can answer."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest

from tests import builders
from tests.conftest import Firm

D = dt.date


def money(value: str) -> Decimal:
    return Decimal(value)


def totals(record: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {t["label"]: t["values"] for t in record["totals"]}


def books(firm: Firm) -> dict[str, Any]:
    """Two clients, three matters, deposits, disbursements and a reversal across two months."""
    ada = builders.client(firm, first_name="Adélaïde", last_name="Zoë-Müller")
    bob = builders.client(firm)
    m1, m2 = builders.matter(firm, ada["id"]), builders.matter(firm, ada["id"])
    m3 = builders.matter(firm, bob["id"])
    acct = builders.trust_account(firm)
    a = acct["id"]
    builders.deposit(firm, a, ada["id"], "1000.00", matter_id=m1["id"], date=D(2026, 1, 5))
    builders.deposit(firm, a, ada["id"], "200.10", matter_id=m2["id"], date=D(2026, 1, 9))
    builders.deposit(firm, a, bob["id"], "333.33", matter_id=m3["id"], date=D(2026, 1, 12))
    builders.deposit(firm, a, bob["id"], "50.00", date=D(2026, 1, 20))
    builders.disburse(
        firm, a, ada["id"], "120.05", matter_id=m1["id"], date=D(2026, 1, 25), method="eft"
    )
    wrong = builders.disburse(
        firm,
        a,
        bob["id"],
        "33.33",
        matter_id=m3["id"],
        date=D(2026, 2, 2),
        method="cheque",
        cheque_number="1001",
    )
    firm.post(
        f"/client-funds-transactions/{wrong['id']}/reverse",
        {"reason": "wrong payee", "date": "2026-02-03"},
    )
    builders.disburse(
        firm, a, ada["id"], "0.05", matter_id=m2["id"], date=D(2026, 2, 10), method="eft"
    )
    return {"account": a, "ada": ada, "bob": bob, "matters": (m1, m2, m3)}


def test_every_record_agrees_with_the_others_to_the_cent(firm: Firm) -> None:
    b = books(firm)
    a = b["account"]
    journal = firm.get("/reports/trust-journal", account_id=a, to="2026-01-31")
    ledger = firm.get("/reports/client-trust-ledger", account_id=a, to="2026-01-31")
    listing = firm.get("/reports/client-trust-listing", account_id=a, as_of="2026-01-31")
    end_of_january = money("1463.38")  # 1000 + 200.10 + 333.33 + 50 - 120.05
    assert money(totals(journal)["Closing balance"]["balance"]) == end_of_january
    assert money(totals(ledger)["Closing balance, all ledgers"]["balance"]) == end_of_january
    assert money(totals(listing)["Total held for clients"]["balance"]) == end_of_january
    # The listing's lines are the ledgers' closing balances, one per client and matter.
    closings = {
        s["heading"]: money(
            next(t for t in s["totals"] if t["label"] == "Closing balance")["values"]["balance"]
        )
        for s in ledger["sections"]
    }
    assert sum(closings.values()) == end_of_january
    listed = sorted(money(r["balance"]) for r in listing["sections"][0]["rows"])
    assert listed == sorted(closings.values())

    # February, from an opening balance: the same agreement.
    feb = {"account_id": a, "from": "2026-02-01", "to": "2026-02-28"}
    journal = firm.get("/reports/trust-journal", **feb)
    ledger = firm.get("/reports/client-trust-ledger", **feb)
    listing = firm.get("/reports/client-trust-listing", account_id=a, as_of="2026-02-28")
    assert money(totals(journal)["Opening balance"]["balance"]) == end_of_january
    assert money(totals(ledger)["Opening balance, all ledgers"]["balance"]) == end_of_january
    end_of_february = end_of_january - money("0.05")
    for closing in (
        totals(journal)["Closing balance"]["balance"],
        totals(ledger)["Closing balance, all ledgers"]["balance"],
        totals(listing)["Total held for clients"]["balance"],
    ):
        assert money(closing) == end_of_february
    moved = totals(journal)["Total receipts and disbursements"]
    assert (moved["receipts"], moved["disbursements"]) == ("33.33", "33.38")


def test_running_balances_follow_every_entry(firm: Firm) -> None:
    b = books(firm)
    journal = firm.get("/reports/trust-journal", account_id=b["account"])
    rows = journal["sections"][0]["rows"]
    running = Decimal("0")
    for row in rows:
        running += money(row["receipts"] or "0") - money(row["disbursements"] or "0")
        assert money(row["balance"]) == running
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    ledger = firm.get("/reports/client-trust-ledger", account_id=b["account"])
    for section in ledger["sections"]:
        running = Decimal("0")
        for row in section["rows"]:
            running += money(row["received"] or "0") - money(row["paid"] or "0")
            assert money(row["balance"]) == running
            assert running >= 0


def test_a_client_ledger_shows_only_that_client(firm: Firm) -> None:
    b = books(firm)
    ledger = firm.get(
        "/reports/client-trust-ledger", account_id=b["account"], client_id=b["bob"]["id"]
    )
    assert len(ledger["sections"]) == 2  # a matter and money held for no matter
    assert all(s["heading"].startswith(b["bob"]["display_name"]) for s in ledger["sections"])
    assert money(totals(ledger)["Closing balance, all ledgers"]["balance"]) == money("383.33")


def test_csv_holds_the_same_figures_as_json(firm: Firm) -> None:
    b = books(firm)
    r = firm.api.get(
        "/reports/client-trust-ledger", params={"account_id": b["account"], "format": "csv"}
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    lines = list(csv.reader(io.StringIO(r.text)))
    assert lines[0][:3] == ["Section", "Date", "Entry"]
    closing = [line for line in lines if "Closing balance, all ledgers" in line]
    assert closing and closing[0][-1] == "1463.33"
    assert any("Adélaïde" in line[0] for line in lines[1:])


def test_the_pdf_is_a_pdf_that_names_the_clients(firm: Firm) -> None:
    from pypdf import PdfReader

    b = books(firm)
    r = firm.api.get("/reports/trust-journal", params={"account_id": b["account"], "format": "pdf"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert "Zoë-Müller" in text and "1,463.33" in text and "Page 1 of 1" in text


def test_the_ontario_set_names_and_columns_its_records(firm: Firm) -> None:
    b = books(firm)
    us = firm.get("/reports/trust-journal", account_id=b["account"])
    assert us["jurisdiction"] == "us-aba" and "method" not in [c["key"] for c in us["columns"]]
    firm.patch("/firm", {"trust_rules": "ca-on"})
    on = firm.get("/reports/trust-journal", account_id=b["account"])
    assert on["jurisdiction"] == "ca-on"
    assert on["title"] == "Trust receipts and disbursements journal"
    keys = [c["key"] for c in on["columns"]]
    assert {"method", "reference"} <= set(keys)
    cheque = next(r for r in on["sections"][0]["rows"] if r["reference"] == "Cheque 1001")
    assert cheque["method"] == "Cheque"
    assert any("ten years" in n for n in on["notes"])
    # The figures are the same in every set.
    assert totals(on) == totals(us)


def test_exceptions_list_refused_overdrafts_dormant_uncleared_and_closed(firm: Firm) -> None:
    c = builders.client(firm)
    m = builders.matter(firm, c["id"])
    acct = builders.trust_account(firm)
    a = acct["id"]
    builders.deposit(firm, a, c["id"], "100.00", matter_id=m["id"], date=D(2025, 1, 2))
    builders.disburse(firm, a, c["id"], "100.01", matter_id=m["id"], date=D(2025, 1, 3), status=409)
    # A deposit on the 10th paid out on the 11th: not cleared yet (five days' hold).
    builders.deposit(firm, a, c["id"], "500.00", date=D(2026, 3, 10))
    builders.disburse(firm, a, c["id"], "450.00", date=D(2026, 3, 11), method="eft")
    firm.patch(f"/matters/{m['id']}", {"status": "closed"})
    report = firm.get("/reports/exceptions", account_id=a, as_of="2026-03-31")
    sections = {s["heading"].rsplit(" (", 1)[0]: s["rows"] for s in report["sections"]}
    refused = sections["Refused overdrafts"]
    assert [(r["date"], r["amount"], r["balance"]) for r in refused] == [
        ("2025-01-03", "100.01", "100.00")
    ]
    assert refused[0]["by"] == "Ada Admin"
    assert sections["Balances below zero"] == []
    dormant = sections["Dormant balances"]
    assert [(r["matter"], r["balance"]) for r in dormant] == [(m["number"], "100.00")]
    uncleared = sections["Disbursements against uncleared deposits"]
    assert [(r["date"], r["amount"]) for r in uncleared] == [("2026-03-11", "450.00")]
    closed = sections["Closed matters holding money"]
    assert [(r["matter"], r["balance"]) for r in closed] == [(m["number"], "100.00")]


def _uncleared(firm: Firm, account_id: int, as_of: str) -> list[dict[str, Any]]:
    report = firm.get("/reports/exceptions", account_id=account_id, as_of=as_of)
    sections = {s["heading"].rsplit(" (", 1)[0]: s["rows"] for s in report["sections"]}
    rows: list[dict[str, Any]] = sections["Disbursements against uncleared deposits"]
    return rows


def _import_lines(
    firm: Firm, account_id: int, day: str, lines: list[tuple[str, str]], cheques: str = ""
) -> dict[str, Any]:
    """Import a statement of (date, amount) lines; `cheques` gives each line's cheque number
    (one character a line, "-" for none)."""
    numbers = [("" if n == "-" else f"20{n}") for n in cheques or "-" * len(lines)]
    content = "Date,Amount,Cheque\n" + "".join(
        f"{d},{a},{n}\n" for (d, a), n in zip(lines, numbers, strict=True)
    )
    done: dict[str, Any] = firm.post(
        "/client-funds/statement-imports",
        {
            "account_id": account_id,
            "format": "csv",
            "content": content,
            "statement_date": day,
            "closing_balance": "0.00",
            "amount_column": "Amount",
            "cheque_column": "Cheque",
        },
    )
    return done


def test_a_deposit_clears_when_a_statement_line_matches_it(firm: Firm) -> None:
    c = builders.client(firm)
    a = builders.trust_account(firm)["id"]
    # Deposited on the 2nd, shown by the bank on the 3rd, paid out on the 4th: within the
    # five days' hold, but the bank has shown it, so it is no exception.
    builders.deposit(firm, a, c["id"], "500.00", date=D(2026, 3, 2))
    builders.disburse(firm, a, c["id"], "400.00", date=D(2026, 3, 4), method="eft")
    # Deposited on the 12th, not shown by the bank by the statement of the 31st, paid out
    # on the 20th (past the hold): uncleared by the matching.
    late = builders.deposit(firm, a, c["id"], "300.00", date=D(2026, 3, 12))
    builders.disburse(firm, a, c["id"], "350.00", date=D(2026, 3, 20), method="eft")
    # Before any statement is imported, the hold days decide: only the payment of the 4th.
    rows = _uncleared(firm, a, "2026-04-30")
    assert [(r["date"], r["amount"]) for r in rows] == [("2026-03-04", "400.00")]
    assert rows[0]["detail"].startswith("5 days' hold (no imported statement): Disbursement")
    _import_lines(firm, a, "2026-03-31", [("2026-03-03", "500.00"), ("2026-03-04", "-400.00")])
    rows = _uncleared(firm, a, "2026-04-30")
    assert [(r["date"], r["amount"], r["balance"]) for r in rows] == [
        ("2026-03-20", "350.00", "100.00")
    ]
    assert rows[0]["detail"].startswith("Statement matching: Disbursement")
    assert "not yet matched to a bank statement line" in rows[0]["detail"]
    # A payment after the last imported statement falls back on the hold days, and the row
    # says so; a deposit the bank has shown by then is cleared whatever its age.
    builders.deposit(firm, a, c["id"], "50.00", date=D(2026, 4, 2))
    builders.disburse(firm, a, c["id"], "60.00", date=D(2026, 4, 3), method="eft")
    rows = _uncleared(firm, a, "2026-04-30")
    assert [(r["date"], r["amount"]) for r in rows] == [
        ("2026-03-20", "350.00"),
        ("2026-04-03", "60.00"),
    ]
    assert rows[1]["detail"].startswith("5 days' hold (after the statement of 2026-03-31):")
    # The bank shows the deposit of the 12th on the 21st: paid out the day before, still an
    # exception; the matching of a later line does not clear it retroactively.
    april = _import_lines(firm, a, "2026-04-30", [("2026-03-21", "300.00")])
    lines = firm.get(f"/client-funds/statements/{april['id']}")["lines"]
    assert [line["matched_txn_id"] for line in lines] == [late["id"]]
    rows = _uncleared(firm, a, "2026-04-30")
    assert [(r["date"], r["amount"]) for r in rows] == [
        ("2026-03-20", "350.00"),
        ("2026-04-03", "60.00"),
    ]
    # A statement entered by hand has no lines to match: it leaves the hold days in force.
    b = builders.trust_account(firm, name="Second trust")["id"]
    builders.deposit(firm, b, c["id"], "80.00", date=D(2026, 3, 2))
    builders.disburse(firm, b, c["id"], "70.00", date=D(2026, 3, 20), method="eft")
    firm.post(
        "/client-funds/statements",
        {"account_id": b, "statement_date": "2026-03-31", "closing_balance": "10.00"},
    )
    assert _uncleared(firm, b, "2026-03-31") == []


def _stale(firm: Firm, account_id: int, as_of: str) -> list[tuple[str, str]]:
    report = firm.get("/reports/exceptions", account_id=account_id, as_of=as_of)
    sections = {s["heading"].rsplit(" (", 1)[0]: s["rows"] for s in report["sections"]}
    return [(r["date"], r["amount"]) for r in sections["Stale cheques"]]


def test_cheques_no_statement_line_matched_for_months_are_stale(firm: Firm) -> None:
    c = builders.client(firm)
    a = builders.trust_account(firm)["id"]
    builders.deposit(firm, a, c["id"], "1000.00", date=D(2025, 9, 1))
    paid = builders.disburse(
        firm, a, c["id"], "100.00", date=D(2025, 9, 2), cheque_number="201", payee_name="Paid"
    )
    lost = builders.disburse(
        firm, a, c["id"], "200.00", date=D(2025, 9, 3), cheque_number="202", payee_name="Lost"
    )
    wrong = builders.disburse(firm, a, c["id"], "300.00", date=D(2025, 9, 4), cheque_number="203")
    firm.post(
        f"/client-funds-transactions/{wrong['id']}/reverse",
        {"reason": "void", "date": "2025-09-05"},
    )
    recent = builders.disburse(firm, a, c["id"], "50.00", date=D(2026, 2, 1), method="eft")
    # Without an imported statement nothing was ever matched: nothing is called stale.
    assert _stale(firm, a, "2026-03-31") == []
    _import_lines(
        firm, a, "2025-09-30", [("2025-09-01", "1000.00"), ("2025-09-10", "-100.00")], "-1"
    )
    # Cheque 202 waits more than six months (the default) at the end of March; cheque 201 was
    # paid, 203 was voided (reversed), and the payment of February is too young.
    assert _stale(firm, a, "2026-03-31") == [("2025-09-03", "200.00")]
    assert _stale(firm, a, "2026-03-03") == []  # six months to the day: not more than six yet
    report = firm.get("/reports/exceptions", account_id=a, as_of="2026-03-31")
    row = next(s for s in report["sections"] if s["heading"].startswith("Stale"))["rows"][0]
    assert "Cheque 202" in row["detail"] and "Lost" in row["detail"]
    assert f"#{lost['id']}" in row["detail"] and f"#{paid['id']}" not in row["detail"]
    # The firm's setting decides how many months.
    assert firm.get("/firm")["stale_cheque_months"] == 6
    firm.patch("/firm", {"stale_cheque_months": 1})
    assert _stale(firm, a, "2026-03-31") == [("2025-09-03", "200.00"), ("2026-02-01", "50.00")]
    r = firm.api.patch("/firm", json={"stale_cheque_months": 0})
    assert r.status_code == 422 and r.json()["error"]["field"] == "stale_cheque_months"
    # Once the bank shows it, it is no longer stale from that day on.
    _import_lines(
        firm, a, "2026-04-30", [("2026-04-02", "-200.00"), ("2026-02-03", "-50.00")], "2-"
    )
    assert _stale(firm, a, "2026-04-30") == []
    assert _stale(firm, a, "2026-03-31") == [("2025-09-03", "200.00")]
    assert recent["id"]


def test_the_audit_log_names_who_changed_what(firm: Firm) -> None:
    c = builders.client(firm)
    firm.patch(f"/contacts/{c['id']}", {"last_name": "Renamed"})
    acct = builders.trust_account(firm)
    builders.deposit(firm, acct["id"], c["id"], "10.00")
    log = firm.get("/reports/audit-log", client_id=c["id"])
    rows = log["sections"][0]["rows"]
    assert [r["action"] for r in rows] == ["create", "update", "post"]
    assert all(r["by"] == "Ada Admin" for r in rows)
    assert "Renamed" in rows[1]["changes"] and "→" in rows[1]["changes"]
    only_trust = firm.get("/reports/audit-log", account_id=acct["id"])
    assert [r["action"] for r in only_trust["sections"][0]["rows"]] == ["post"]


@pytest.mark.parametrize(
    ("path", "params", "status", "code", "field"),
    [
        ("/reports/no-such-record", {}, 404, "not_found", None),
        ("/reports/trust-journal", {}, 422, "invalid", "account_id"),
        ("/reports/trust-journal", {"account_id": "abc"}, 422, "invalid", "account_id"),
        ("/reports/trust-journal", {"account_id": 999999999}, 404, "not_found", "account_id"),
        (
            "/reports/client-trust-listing",
            {"account_id": 1, "as_of": "2026-02-30"},
            422,
            "invalid",
            "as_of",
        ),
        ("/reports/trust-journal", {"account_id": 1, "format": "xlsx"}, 422, "invalid", "format"),
    ],
)
def test_bad_requests_are_refused_in_the_error_shape(
    firm: Firm, path: str, params: dict[str, Any], status: int, code: str, field: str | None
) -> None:
    r = firm.api.get(path, params=params)
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert (error["code"], error["field"]) == (code, field)


def test_a_period_that_ends_before_it_starts_is_refused(firm: Firm) -> None:
    acct = builders.trust_account(firm)
    r = firm.api.get(
        "/reports/trust-journal",
        params={"account_id": acct["id"], "from": "2026-02-01", "to": "2026-01-01"},
    )
    assert r.status_code == 422 and r.json()["error"]["field"] == "to"


def test_another_firms_account_is_not_found(firm: Firm, other_firm: Firm) -> None:
    theirs = builders.trust_account(other_firm)
    for record in ("trust-journal", "client-trust-ledger", "client-trust-listing", "exceptions"):
        r = firm.api.get(f"/reports/{record}", params={"account_id": theirs["id"]})
        assert r.status_code == 404, (record, r.text)
