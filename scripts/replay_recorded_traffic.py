"""Replay recorded QuickBooks Online traffic against the sandbox and measure how alike they answer.

The recordings are VCR cassettes (YAML: each interaction a request and the real answer), such as
minimul/qbo_api's ``spec/vcr``. Fetch that repository yourself (it is not ours to commit) and
point this script at its checkout or bare git directory: every cassette path in the history is
read at its last version, so the OAuth 1 and OAuth 2 recording families both count.

For each cassette the script makes a fresh sandbox company and, before each request, seeds
what the request needs: the records a read, update, delete or void names (made from the
recorded answer, so a stale SyncToken stays stale and a missing record stays missing), the
records a query returned (so paging and counts have as much to page through), and the names
and accounts a create refers to. Recorded ids are rewritten to the sandbox's.

Each answer is compared with the recorded one on: HTTP status, fault code, the body's
top-level keys (and the keys of each batch item and of the QueryResponse), and the JSON type
of every field both answers' entities share. Usage:

    .venv/bin/python scripts/replay_recorded_traffic.py /work/.mirror/minimul+qbo_api/repo
        [--verbose] [--json report.json]
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
import yaml

CLIENT_ID = "replay"
CLIENT_SECRET = "replay-secret"
NAME_ENTITIES = ("Customer", "Vendor", "Employee")
# Reference fields and the entity they name.
REF_KINDS = {
    "CustomerRef": "Customer",
    "VendorRef": "Vendor",
    "EmployeeRef": "Employee",
    "ItemRef": "Item",
    "PaymentMethodRef": "PaymentMethod",
    "SalesTermRef": "Term",
    "ClassRef": "Class",
    "DepartmentRef": "Department",
}
# Account references by field (and by the line detail holding them): the sandbox's subtype.
ACCOUNT_FIELDS = {
    "DepositToAccountRef": "UndepositedFunds",
    "APAccountRef": "AccountsPayable",
    "ARAccountRef": "AccountsReceivable",
    "IncomeAccountRef": "ServiceFeeIncome",
    "ExpenseAccountRef": "OfficeExpenses",
    "AssetAccountRef": "UndepositedFunds",
    "BankAccountRef": "Checking",
    "CCAccountRef": "CreditCard",
    "DiscountAccountRef": "DiscountsRefundsGiven",
    "ItemAccountRef": "ServiceFeeIncome",
}
READ_ONLY = {
    "Id",
    "SyncToken",
    "MetaData",
    "domain",
    "sparse",
    "Balance",
    "BalanceWithJobs",
    "FullyQualifiedName",
    "LinkedTxn",
    "CurrencyRef",
    "HomeBalance",
    "TotalAmt",
    "TxnTaxDetail",
    "CustomField",
    "CurrentBalance",
    "CurrentBalanceWithSubAccounts",
    "Level",
    "Job",
    "PrimaryTaxIdentifier",
    "status",
    "DeliveryInfo",
    "EmailStatus",
    "PrintStatus",
    "InvoiceLink",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Sandbox:
    """A sandbox served over HTTP from a thread of this process."""

    def __init__(self) -> None:
        from lawsync.sandbox.app import create_app

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(create_app(), host="127.0.0.1", port=self.port, log_level="error")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Sandbox:
        self.thread.start()
        deadline = time.time() + 10
        while not self.server.started:
            if time.time() > deadline:
                raise RuntimeError("the sandbox did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)


# ---- reading cassettes ---------------------------------------------------------------------


@dataclass
class Interaction:
    cassette: str
    method: str
    path: list[str]  # the segments after /v3/company/{realm}/
    query: list[tuple[str, str]]
    body: str
    content_type: str
    status: int
    answer: str
    answer_type: str
    oauth1: bool = False


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "--git-dir", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


def cassettes(source: Path) -> dict[str, str]:
    """Every ``spec/vcr`` cassette path in the repository's history, at its last version."""
    repo = source / ".git" if (source / ".git").exists() else source
    if not (repo / "HEAD").exists():
        return {str(p): p.read_text() for p in sorted(source.rglob("*.yml"))}
    names = _git(repo, "log", "--all", "--name-only", "--pretty=format:").split("\n")
    out: dict[str, str] = {}
    for name in sorted({n for n in names if re.search(r"vcr/.*\.ya?ml$", n)}):
        commit = _git(
            repo, "log", "--all", "-1", "--diff-filter=AM", "--pretty=%H", "--", name
        ).strip()
        if commit:
            try:
                out[name] = _git(repo, "show", f"{commit}:{name}")
            except subprocess.CalledProcessError:
                continue
    return out


def _header(headers: dict[str, Any], name: str) -> str:
    for key, value in (headers or {}).items():
        if key.lower() == name.lower():
            return str(value[0] if isinstance(value, list) else value)
    return ""


def interactions(name: str, text: str) -> list[Interaction]:
    doc = yaml.safe_load(text) or {}
    out = []
    for item in doc.get("http_interactions") or []:
        req, resp = item["request"], item["response"]
        url = urllib.parse.urlsplit(req["uri"])
        if "quickbooks.api.intuit.com" not in url.netloc or not url.path.startswith("/v3/"):
            continue
        segments = [s for s in url.path.split("/")[2:] if s]
        if segments[:1] == ["company"]:
            segments = segments[2:]
        body = (req.get("body") or {}).get("string") or ""
        out.append(
            Interaction(
                cassette=name,
                method=req["method"].upper(),
                path=segments,
                query=urllib.parse.parse_qsl(url.query, keep_blank_values=True),
                body=body if isinstance(body, str) else "",
                content_type=_header(req.get("headers") or {}, "Content-Type"),
                status=int(resp["status"]["code"]),
                answer=(resp.get("body") or {}).get("string") or "",
                answer_type=_header(resp.get("headers") or {}, "Content-Type"),
                oauth1=_header(req.get("headers") or {}, "Authorization").startswith("OAuth "),
            )
        )
    return out


# ---- seeding a company with what a request needs -----------------------------------------


@dataclass
class Company:
    http: httpx.Client
    control: httpx.Client
    realm: str
    accounts: dict[str, str]
    ids: dict[tuple[str, str], str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    made: int = 0

    def post(self, entity: str, body: Any, **params: str) -> httpx.Response:
        return self.http.post(f"/{entity.lower()}", json=body, params=params)

    def first(self, entity: str) -> dict[str, Any] | None:
        r = self.http.get("/query", params={"query": f"SELECT * FROM {entity} MAXRESULTS 1"})
        rows = r.json().get("QueryResponse", {}).get(entity) if r.status_code == 200 else None
        return rows[0] if rows else None

    def name_for(self, kind: str, recorded: str, label: str | None) -> str:
        """The sandbox id standing for a recorded name-list id (made on first use)."""
        key = (kind, recorded)
        if key in self.ids:
            return self.ids[key]
        if kind in NAME_ENTITIES:
            self.made += 1
            body: dict[str, Any] = {"DisplayName": label or f"Replayed {kind} {self.made}"}
            if kind == "Employee":
                body = {"GivenName": "Replayed", "FamilyName": f"Employee {self.made}"}
            r = self.post(kind, body)
            if r.status_code != 200:
                body["DisplayName"] = f"{body.get('DisplayName', kind)} {self.made}"
                r = self.post(kind, body)
            ident = r.json()[kind]["Id"] if r.status_code == 200 else "999999"
        elif kind == "PaymentMethod":
            r = self.post(kind, {"Name": label or f"Method {self.made}"})
            found = r.json().get(kind) if r.status_code == 200 else self.first(kind)
            ident = found["Id"] if found else "1"
        else:
            found = self.first(kind)
            ident = found["Id"] if found else recorded
        self.ids[key] = ident
        return ident


def rewrite_refs(c: Company, value: Any, holder: str = "") -> Any:
    """The body with every reference pointing at a sandbox record of the same kind."""
    if isinstance(value, list):
        return [rewrite_refs(c, v, holder) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, inner in value.items():
        if isinstance(inner, dict) and "value" in inner and key.endswith("Ref"):
            kind = REF_KINDS.get(key)
            if kind is not None:
                out[key] = {"value": c.name_for(kind, str(inner["value"]), inner.get("name"))}
            elif key in ACCOUNT_FIELDS or key == "AccountRef":
                subtype = ACCOUNT_FIELDS.get(key) or (
                    "OfficeExpenses" if "Expense" in holder or "Journal" in holder else "Checking"
                )
                out[key] = {"value": c.accounts.get(subtype, inner["value"])}
            elif key == "EntityRef":
                kind = str(inner.get("type") or "Vendor")
                out[key] = {
                    **inner,
                    "value": c.name_for(kind, str(inner["value"]), inner.get("name")),
                }
            elif key == "TaxCodeRef":
                out[key] = inner
            else:
                out[key] = inner
        else:
            out[key] = rewrite_refs(c, inner, key)
    return out


def creatable(entity: str, data: dict[str, Any]) -> dict[str, Any]:
    body = {k: v for k, v in data.items() if k not in READ_ONLY}
    if isinstance(body.get("Line"), list):
        lines = []
        for line in body["Line"]:
            if line.get("DetailType") in ("SubTotalLineDetail", "TaxLineDetail"):
                continue
            lines.append({k: v for k, v in line.items() if k not in ("Id", "LineNum", "LinkedTxn")})
        body["Line"] = lines
    for addr in ("BillAddr", "ShipAddr"):
        if isinstance(body.get(addr), dict):
            body[addr] = {k: v for k, v in body[addr].items() if k not in ("Id", "Lat", "Long")}
    return body


def seed_record(c: Company, entity: str, recorded: dict[str, Any]) -> str | None:
    """Make a record like a recorded one; return its sandbox id."""
    key = (entity, str(recorded.get("Id")))
    if key in c.ids:
        return c.ids[key]
    body = rewrite_refs(c, creatable(entity, recorded), entity)
    active = body.pop("Active", None)
    r = c.post(entity, body)
    if r.status_code != 200 and entity in NAME_ENTITIES:
        c.made += 1
        base = str(body.get("DisplayName") or f"Replayed {c.made}")
        r = c.post(entity, {**body, "DisplayName": f"{base} ({c.made})"})
    if r.status_code != 200 and entity in ("Invoice", "SalesReceipt", "CreditMemo", "Estimate"):
        r = c.post(
            entity, rewrite_refs(c, {**default_form(c), **body, "Line": default_form(c)["Line"]})
        )
    if r.status_code != 200:
        c.notes.append(f"could not seed {entity} {recorded.get('Id')}: {r.text[:160]}")
        return None
    made = r.json()[entity]
    if active is False:
        c.post(
            entity,
            {"Id": made["Id"], "SyncToken": made["SyncToken"], "sparse": True, "Active": False},
        )
    c.ids[key] = made["Id"]
    return str(made["Id"])


def recorded_json(it: Interaction) -> Any:
    try:
        return json.loads(it.answer)
    except ValueError:
        return None


def entity_of(payload: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    for key, value in payload.items():
        if key not in ("time", "Fault", "fault") and isinstance(value, dict) and "Id" in value:
            return key, value
    return None


def bump(c: Company, entity: str, ident: str) -> None:
    """Change a record once, so the SyncToken a recorded request sends is stale."""
    r = c.http.get(f"/{entity.lower()}/{ident}")
    if r.status_code == 200:
        now = r.json()[entity]
        c.post(
            entity, {"Id": ident, "SyncToken": now["SyncToken"], "sparse": True, "PrivateNote": "x"}
        )


XML_CODE = re.compile(r'<Error code="(\d+)"')


def fault_code(payload: Any) -> str | None:
    if isinstance(payload, str):
        found = XML_CODE.search(payload)
        return found.group(1) if found else None
    if not isinstance(payload, dict):
        return None
    fault = payload.get("Fault") or payload.get("fault")
    if isinstance(fault, dict):
        errors = fault.get("Error") or fault.get("error") or []
        if errors:
            return str(errors[0].get("code"))
    return None


MISSING = "999999"


def prepare_write(
    c: Company, it: Interaction, entity: str, body: dict[str, Any], recorded: Any
) -> dict[str, Any]:
    """Seed the record an update, delete or void names; rewrite its id (and keep it stale or
    missing when the recording says so)."""
    ident = str(body.get("Id"))
    code = fault_code(recorded)
    if code == "610":
        c.ids[(entity, ident)] = MISSING
    elif (entity, ident) not in c.ids:
        source = (entity_of(recorded) or (entity, body))[1] if isinstance(recorded, dict) else body
        seed_record(c, entity, {**body, **source, "Id": ident})
    new = c.ids.get((entity, ident), MISSING)
    if code == "5010" and new != MISSING:
        bump(c, entity, new)
    else:
        r = c.http.get(f"/{entity.lower()}/{new}")
        if r.status_code == 200 and code != "5010":
            body = {**body, "SyncToken": r.json()[entity]["SyncToken"]}
    return {**rewrite_refs(c, {k: v for k, v in body.items() if k != "Id"}, entity), "Id": new}


QUERY = re.compile(r"\bfrom\s+(\w+)", re.I)


def prepare_query(c: Company, text: str, recorded: Any) -> str:
    """Seed what a query found (and as many before it as its STARTPOSITION skips); rewrite
    the ids it names."""
    match = QUERY.search(text)
    if not match or not isinstance(recorded, dict):
        return text
    entity = match.group(1)
    body = recorded.get("QueryResponse") or {}
    rows = [r for k, v in body.items() if isinstance(v, list) for r in v if isinstance(r, dict)]
    start = re.search(r"startposition\s+(\d+)", text, re.I)
    listed = re.search(r"\bId\s+IN\s*\(([^)]*)\)", text, re.I)
    if listed:
        for raw in re.findall(r"'(\d+)'", listed.group(1)):
            if (entity, raw) not in c.ids:
                named = next((r for r in rows if str(r.get("Id")) == raw), None)
                seed_record(c, entity, named or {"Id": raw, "DisplayName": f"Listed {raw}"})
        text = re.sub(
            r"'(\d+)'",
            lambda m: f"'{c.ids.get((entity, m.group(1)), m.group(1))}'",
            text,
        )
    else:
        total = int(body.get("totalCount") or 0)
        skipped = int(start.group(1)) - 1 if start else 0
        existing = c.http.get("/query", params={"query": f"SELECT COUNT(*) FROM {entity}"})
        have = (
            int(existing.json().get("QueryResponse", {}).get("totalCount", 0))
            if existing.status_code == 200
            else 0
        )
        for row in rows:
            seed_record(c, entity, row)
        wanted = max(total, skipped + len(rows))
        have += len(rows)
        for n in range(max(0, wanted - have)):
            seed_record(
                c,
                entity,
                {"Id": f"filler-{n}", "DisplayName": f"Filler {entity} {n}", "Name": f"Filler {n}"},
            )
    return text


def prepare(c: Company, it: Interaction) -> tuple[str, list[tuple[str, str]], bytes]:
    recorded = recorded_json(it)
    path = list(it.path)
    params = list(it.query)
    body_text = it.body
    head = path[0].lower() if path else ""
    if head == "query":
        params = [(k, prepare_query(c, v, recorded) if k == "query" else v) for k, v in params]
        if it.method == "POST" and body_text:
            body_text = prepare_query(c, body_text, recorded)
    elif head == "batch" and body_text:
        request = json.loads(body_text)
        answers = {str(a.get("bId")): a for a in (recorded or {}).get("BatchItemResponse", [])}
        items = []
        for item in request.get("BatchItemRequest", []):
            answer = answers.get(str(item.get("bId")), {})
            if "Query" in item:
                items.append({**item, "Query": prepare_query(c, item["Query"], answer)})
                continue
            entity = next((k for k in item if k[:1].isupper()), "")
            body = item.get(entity) or {}
            if body.get("Id") not in (None, ""):
                body = prepare_write(c, it, entity, body, answer)
            else:
                body = rewrite_refs(c, body, entity)
            items.append({**item, entity: body})
        body_text = json.dumps({"BatchItemRequest": items})
    elif len(path) >= 2 and it.method == "GET" and head not in ("reports", "cdc", "companyinfo"):
        entity = next(
            (k for k in (recorded or {}) if k[:1].isupper() and k not in ("Fault",)), None
        )
        ident = path[1]
        if fault_code(recorded) is None and entity and isinstance(recorded, dict):
            seed_record(c, entity, {**recorded[entity], "Id": ident})
            path[1] = c.ids.get((entity, ident), ident)
        elif fault_code(recorded) == "610":
            path[1] = MISSING
        elif it.answer_type.startswith("application/pdf"):
            made = seed_record(c, path[0].capitalize(), {**default_form(c), "Id": "pdf"})
            path[1] = made or ident
    elif it.method == "POST" and len(path) == 1 and body_text and "json" in it.content_type:
        body = json.loads(body_text)
        entity = next(
            (m for m in (recorded or {}) if m[:1].isupper() and m not in ("Fault",)), None
        )
        entity = entity or path[0]
        model = entity if entity[:1].isupper() else entity.capitalize()
        if fault_code(recorded) == "6240" and isinstance(body, dict):
            seed_record(c, model, {**body, "Id": "clash"})  # the name the recording clashed with
        if isinstance(body, dict) and body.get("Id") not in (None, ""):
            body = prepare_write(c, it, model, body, recorded)
        else:
            body = rewrite_refs(c, body, entity)
        body_text = json.dumps(body)
    return "/" + "/".join(path), params, body_text.encode()


def default_form(c: Company) -> dict[str, Any]:
    customer = c.name_for("Customer", "pdf", None)
    return {
        "CustomerRef": {"value": customer},
        "Line": [
            {
                "Amount": 100,
                "DetailType": "SalesItemLineDetail",
                "SalesItemLineDetail": {"ItemRef": {"value": "2"}},
            }
        ],
    }


# ---- comparing answers ----------------------------------------------------------------------


def kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def type_differences(recorded: Any, replayed: Any, where: str = "") -> list[str]:
    out: list[str] = []
    if kind(recorded) != kind(replayed):
        return [f"{where or '(body)'}: {kind(recorded)} recorded, {kind(replayed)} replayed"]
    if isinstance(recorded, dict):
        for key in recorded.keys() & replayed.keys():
            if key == "time" and kind(recorded[key]) == kind(replayed[key]):
                continue
            out.extend(type_differences(recorded[key], replayed[key], f"{where}.{key}".lstrip(".")))
    elif isinstance(recorded, list) and recorded and replayed:
        out.extend(type_differences(recorded[0], replayed[0], f"{where}[0]"))
    return out


def shape_keys(payload: Any) -> dict[str, list[str]]:
    if not isinstance(payload, dict):
        return {}
    out = {"(body)": sorted(payload)}
    query = payload.get("QueryResponse")
    if isinstance(query, dict):
        out["QueryResponse"] = sorted(query)
    for item in payload.get("BatchItemResponse") or []:
        out[f"BatchItemResponse[{item.get('bId')}]"] = sorted(item)
    return out


@dataclass
class Outcome:
    cassette: str
    request: str
    matched: bool
    differences: list[str]


def compare(it: Interaction, r: httpx.Response) -> list[str]:
    diffs = []
    if r.status_code != it.status:
        diffs.append(f"status {it.status} recorded, {r.status_code} replayed")
    if it.answer_type.startswith("application/pdf"):
        if not r.headers.get("content-type", "").startswith("application/pdf"):
            diffs.append("recorded a PDF, replayed " + r.headers.get("content-type", ""))
        return diffs
    recorded = recorded_json(it)
    try:
        replayed = r.json()
    except ValueError:
        replayed = None
    if recorded is None:
        # An XML answer (QBO's gateway sent XML to JSON clients until about 2016): compare
        # the status and the fault code only.
        if fault_code(it.answer) != fault_code(replayed):
            diffs.append(f"fault {fault_code(it.answer)} recorded, {fault_code(replayed)} replayed")
        return diffs
    if fault_code(recorded) != fault_code(replayed):
        diffs.append(f"fault {fault_code(recorded)} recorded, {fault_code(replayed)} replayed")
    rec_keys, rep_keys = shape_keys(recorded), shape_keys(replayed)
    for where, keys in rec_keys.items():
        if rep_keys.get(where) != keys:
            diffs.append(f"keys of {where}: {keys} recorded, {rep_keys.get(where)} replayed")
    if not diffs:
        diffs.extend(type_differences(recorded, replayed))
    return diffs


# Gateway faults only OAuth 1 could give (a missing consumer key, a bad signature): OAuth 1
# was retired in 2019 and the sandbox speaks OAuth 2 only, so these are not replayed.
OAUTH1_ONLY = {"3202", "3201", "3203"}
skipped: list[str] = []


def replay(source: Path, verbose: bool) -> list[Outcome]:
    outcomes: list[Outcome] = []
    with Sandbox() as sb, httpx.Client(base_url=sb.url, timeout=20) as control:
        control.post(
            "/_sandbox/apps",
            json={
                "name": "replay",
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": ["http://127.0.0.1:1/cb"],
            },
        ).raise_for_status()
        for name, text in cassettes(source).items():
            found = interactions(name, text)
            if not found:
                continue
            info = control.post(
                "/_sandbox/companies",
                json={"name": "Replay Co", "edition": "plus", "country": "US"},
            ).json()
            token = control.post(
                f"/_sandbox/companies/{info['realm_id']}/tokens", json={"client_id": CLIENT_ID}
            ).json()["access_token"]
            base = f"{sb.url}/v3/company/{info['realm_id']}"
            with httpx.Client(
                base_url=base,
                headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
                timeout=20,
            ) as http:
                company = Company(http, control, info["realm_id"], info["accounts"])
                for it in found:
                    if it.oauth1 and fault_code(it.answer) in OAUTH1_ONLY:
                        skipped.append(f"{name}: OAuth 1 signature fault {fault_code(it.answer)}")
                        continue
                    label = f"{it.method} /{'/'.join(it.path)}" + (
                        "?" + urllib.parse.urlencode(it.query)[:80] if it.query else ""
                    )
                    try:
                        path, params, body = prepare(company, it)
                        headers = {"Content-Type": it.content_type or "application/json"}
                        if it.status == 401:
                            headers["Authorization"] = "Bearer expired-or-revoked"
                        if it.answer_type.startswith("application/pdf"):
                            headers["Accept"] = "application/pdf"
                        r = http.request(
                            it.method, path, params=params, content=body or None, headers=headers
                        )
                        diffs = compare(it, r)
                    except (ValueError, KeyError, TypeError, httpx.HTTPError) as exc:
                        diffs = [f"could not replay: {type(exc).__name__}: {exc}"]
                    outcomes.append(Outcome(name, label, not diffs, diffs))
                    if verbose:
                        mark = "ok  " if not diffs else "DIFF"
                        print(f"{mark} {name} {label}")
                        for d in diffs:
                            print(f"       {d[:300]}")
                        for note in company.notes:
                            print(f"       note: {note}")
                        company.notes.clear()
    return outcomes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="checkout or git directory with VCR cassettes")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--json", type=Path, help="write every outcome to this file")
    args = parser.parse_args()
    outcomes = replay(args.source, args.verbose)
    matched = sum(o.matched for o in outcomes)
    unique = {o.request for o in outcomes}
    unique_matched = {o.request for o in outcomes if o.matched}
    print(
        f"{matched} of {len(outcomes)} recorded interactions match "
        f"({100 * matched / max(1, len(outcomes)):.0f} %); distinct requests: "
        f"{len(unique_matched)} of {len(unique)}"
    )
    if skipped:
        print(f"not replayed: {len(skipped)} (OAuth 1 signature faults)")
    if args.json:
        args.json.write_text(json.dumps([o.__dict__ for o in outcomes], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
