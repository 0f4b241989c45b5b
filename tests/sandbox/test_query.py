"""The query language: filters, ordering, paging, count, projection and its errors."""

from __future__ import annotations

from tests.sandbox.sandbox_support import Qbo, fault, trust_cheque, trust_deposit


def seed(qbo: Qbo) -> list[dict]:
    return [
        qbo.customer(f"Q{n:02d} {tag}", CompanyName=tag)
        for n, tag in enumerate(["alpha", "beta", "gamma", "alpha", "beta"])
    ]


def test_select_star_with_equality_and_like(qbo: Qbo) -> None:
    seed(qbo)
    rows = qbo.rows("SELECT * FROM Customer WHERE CompanyName = 'ALPHA'")
    assert [r["DisplayName"] for r in rows] == ["Q00 alpha", "Q03 alpha"]
    rows = qbo.rows("select * from Customer where DisplayName like 'Q0%beta'")
    assert len(rows) == 2


def test_in_and_comparison_operators(qbo: Qbo) -> None:
    made = seed(qbo)
    ids = [m["Id"] for m in made]
    rows = qbo.rows(f"SELECT * FROM Customer WHERE Id IN ('{ids[0]}', '{ids[2]}')")
    assert [r["Id"] for r in rows] == [ids[0], ids[2]]
    rows = qbo.rows(f"SELECT * FROM Customer WHERE Id >= '{ids[3]}' AND Id <= '{ids[4]}'")
    assert [r["Id"] for r in rows] == ids[3:]


def test_count_orderby_paging(qbo: Qbo) -> None:
    seed(qbo)
    r = qbo.query("SELECT count(*) FROM Customer WHERE CompanyName = 'beta'")
    assert r.json()["QueryResponse"] == {"totalCount": 2}
    r = qbo.query("SELECT * FROM Customer ORDERBY DisplayName DESC STARTPOSITION 2 MAXRESULTS 2")
    resp = r.json()["QueryResponse"]
    assert [c["DisplayName"] for c in resp["Customer"]] == ["Q03 alpha", "Q02 gamma"]
    assert resp["startPosition"] == 2 and resp["maxResults"] == 2


def test_projection_returns_selected_fields(qbo: Qbo) -> None:
    seed(qbo)
    rows = qbo.rows("SELECT DisplayName, CompanyName FROM Customer MAXRESULTS 1")
    assert set(rows[0]) >= {"DisplayName", "CompanyName", "Id"}
    assert "PrintOnCheckName" not in rows[0]


def test_inactive_names_are_hidden_unless_asked_for(qbo: Qbo) -> None:
    c = qbo.customer("Gone Client")
    qbo.create("Customer", {"Id": c["Id"], "SyncToken": "0", "sparse": True, "Active": False})
    assert qbo.rows("SELECT * FROM Customer WHERE DisplayName = 'Gone Client'") == []
    rows = qbo.rows(
        "SELECT * FROM Customer WHERE DisplayName = 'Gone Client' AND Active IN (true, false)"
    )
    assert len(rows) == 1


def test_filter_on_reference_and_metadata(qbo: Qbo) -> None:
    c = qbo.customer()
    inv = qbo.invoice(c["Id"], "12.00")
    rows = qbo.rows(f"SELECT * FROM Invoice WHERE CustomerRef = '{c['Id']}'")
    assert [r["Id"] for r in rows] == [inv["Id"]]
    rows = qbo.rows(
        "SELECT * FROM Invoice WHERE MetaData.LastUpdatedTime > '2000-01-01T00:00:00-08:00' "
        "AND TotalAmt = '12.00'"
    )
    assert inv["Id"] in [r["Id"] for r in rows]


def test_journal_entries_since_a_date_page_in_id_order(qbo: Qbo) -> None:
    """What a client reads to sum a client's trust lines itself: every entry since a date,
    page by page (STARTPOSITION counts from 1), in Id order across ten and more."""
    c = qbo.customer()
    made = [
        qbo.create(
            "JournalEntry", trust_deposit(qbo, c["Id"], n + 1, TxnDate=f"2026-03-{n + 1:02d}")
        )
        for n in range(12)
    ]
    since = "SELECT * FROM JournalEntry WHERE TxnDate >= '2026-03-03'"
    assert qbo.query(since.replace("*", "count(*)")).json()["QueryResponse"] == {"totalCount": 10}
    pages = [
        qbo.rows(f"{since} ORDERBY Id STARTPOSITION {start} MAXRESULTS 4") for start in (1, 5, 9)
    ]
    assert [len(p) for p in pages] == [4, 4, 2]
    ids = [je["Id"] for page in pages for je in page]
    assert ids == [je["Id"] for je in made[2:]]
    assert qbo.rows(f"{since} STARTPOSITION 9 MAXRESULTS 4") == pages[2]
    lines = [ln for page in pages for je in page for ln in je["Line"]]
    held = sum(
        ln["Amount"]
        for ln in lines
        if ln["JournalEntryLineDetail"]["AccountRef"]["value"]
        == qbo.accounts["TrustAccountsLiabilities"]
        and ln["JournalEntryLineDetail"]["Entity"]["EntityRef"]["value"] == c["Id"]
    )
    assert held == sum(range(3, 13))


def test_cheques_of_one_bank_account_since_a_date(qbo: Qbo) -> None:
    c = qbo.customer()
    payee = qbo.create("Vendor", {"DisplayName": "Query Payee"})
    early = trust_cheque(qbo, c["Id"], payee["Id"], 5, TxnDate="2026-01-01")
    late = qbo.create("Purchase", trust_cheque(qbo, c["Id"], payee["Id"], 6, TxnDate="2026-02-01"))
    qbo.create("Purchase", early)
    rows = qbo.rows(
        "SELECT * FROM Purchase WHERE PaymentType = 'Check' "
        f"AND AccountRef = '{qbo.accounts['TrustAccounts']}' AND TxnDate >= '2026-01-15'"
    )
    assert [r["Id"] for r in rows] == [late["Id"]]


def test_post_query_as_text(qbo: Qbo) -> None:
    qbo.customer("Posted Query")
    r = qbo.http.post(
        "/query",
        content="SELECT * FROM Customer WHERE DisplayName = 'Posted Query'",
        headers={"Content-Type": "application/text"},
        params={"minorversion": 75},
    )
    assert r.status_code == 200
    assert len(r.json()["QueryResponse"]["Customer"]) == 1


def test_apostrophe_escaped_with_backslash(qbo: Qbo) -> None:
    qbo.customer("O'Brien")
    assert len(qbo.rows("SELECT * FROM Customer WHERE DisplayName = 'O\\'Brien'")) == 1


def test_empty_result_is_an_empty_query_response(qbo: Qbo) -> None:
    assert qbo.query("SELECT * FROM Invoice WHERE DocNumber = 'none'").json()["QueryResponse"] == {}


def test_4000_or_is_a_parse_error(qbo: Qbo) -> None:
    r = qbo.query("SELECT * FROM Customer WHERE DisplayName = 'a' OR DisplayName = 'b'")
    err = fault(r, 400, "4000", "")
    assert err["Detail"].startswith("QueryParserError")


def test_4000_garbage(qbo: Qbo) -> None:
    fault(qbo.query("SELEKT * FROM Customer"), 400, "4000")


def test_4001_unknown_property(qbo: Qbo) -> None:
    err = fault(qbo.query("SELECT * FROM Customer WHERE Shoe = 'x'"), 400, "4001", "")
    assert err["Detail"] == "QueryValidationError: Property Shoe not found for Entity Customer"


def test_4001_nested_projection(qbo: Qbo) -> None:
    fault(qbo.query("SELECT BillAddr FROM Customer"), 400, "4001")


def test_4001_maxresults_over_1000(qbo: Qbo) -> None:
    fault(qbo.query("SELECT * FROM Customer MAXRESULTS 1001"), 400, "4001")


def test_lists_without_an_active_flag_are_listed(qbo: Qbo) -> None:
    assert len(qbo.rows("SELECT * FROM TaxAgency MAXRESULTS 1")) == 1


def test_keywords_entities_and_properties_match_in_any_case(qbo: Qbo) -> None:
    """Real clients write queries in lower case; QBO answers with its own spelling."""
    qbo.customer("Casey Lower")
    body = qbo.query(
        "select * from customer where displayname like 'casey%' orderby displayname desc "
        "startposition 1 maxresults 5"
    ).json()["QueryResponse"]
    assert [c["DisplayName"] for c in body["Customer"]] == ["Casey Lower"]
    assert body["startPosition"] == 1 and body["maxResults"] == 1
    counted = qbo.query("Select Count(*) From CUSTOMER Where DisplayName = 'Casey Lower'").json()
    assert counted["QueryResponse"] == {"totalCount": 1}
    projected = qbo.query("select displayname from Customer where DisplayName = 'Casey Lower'")
    assert projected.json()["QueryResponse"]["Customer"][0]["DisplayName"] == "Casey Lower"
    since = qbo.query(
        "select * from Customer where metadata.lastupdatedtime > '2000-01-01T00:00:00Z'"
    )
    assert since.status_code == 200


def test_booleans_may_be_quoted_and_in_lists(qbo: Qbo) -> None:
    qbo.customer("Quoted Bool")
    assert qbo.rows("SELECT * FROM Customer WHERE Active = 'true' AND DisplayName = 'Quoted Bool'")
    assert qbo.rows(
        "SELECT * FROM Customer WHERE Active IN (true, false) AND DisplayName = 'Quoted Bool'"
    )


def test_strict_where_qbo_is_strict(qbo: Qbo) -> None:
    """No NOT, no parentheses around conditions, no double-quoted strings: parse errors (4000);
    an unknown entity and too many results: validation errors (4001)."""
    for text in (
        "SELECT * FROM Customer WHERE NOT DisplayName = 'a'",
        "SELECT * FROM Customer WHERE (DisplayName = 'a')",
        'SELECT * FROM Customer WHERE DisplayName = "a"',
        "SELECT * FROM Customer WHERE DisplayName = 'a' or DisplayName = 'b'",
    ):
        fault(qbo.query(text), 400, "4000")
    fault(qbo.query("SELECT * FROM Shoe"), 400, "4001")
    err = fault(qbo.query("select * from customer maxresults 1500"), 400, "4001")
    assert "1500 is too large" in err["Detail"]
