"""scripts/replay_recorded_traffic.py on a cassette of our own: a recorded answer the sandbox
gives alike counts as a match, and one it answers differently is reported with the reason."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import yaml


def load_script() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "scripts" / "replay_recorded_traffic.py"
    spec = importlib.util.spec_from_file_location("replay_recorded_traffic", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def interaction(
    method: str, uri: str, status: int, answer: object, body: str = ""
) -> dict[str, object]:
    return {
        "request": {
            "method": method,
            "uri": f"https://sandbox-quickbooks.api.intuit.com/v3/company/-COMPANY_ID-/{uri}",
            "body": {"encoding": "UTF-8", "string": body},
            "headers": {"Accept": ["application/json"], "Content-Type": ["application/json"]},
        },
        "response": {
            "status": {"code": status, "message": ""},
            "headers": {"Content-Type": ["application/json"]},
            "body": {"encoding": "UTF-8", "string": json.dumps(answer)},
        },
    }


CUSTOMER = {
    "Id": "58",
    "SyncToken": "0",
    "DisplayName": "Recorded Customer",
    "Balance": 0,
    "Active": True,
    "domain": "QBO",
    "sparse": False,
    "MetaData": {"CreateTime": "2020-01-01T00:00:00-08:00"},
}


def test_the_replay_matches_alike_answers_and_explains_the_others(tmp_path: Path) -> None:
    script = load_script()
    cassette = {
        "http_interactions": [
            interaction("get", "customer/58", 200, {"Customer": CUSTOMER, "time": "t"}),
            interaction(
                "get",
                "query?query=SELECT%20*%20FROM%20Customer%20WHERE%20DisplayName%20%3D%20%27Recorded%20Customer%27",
                200,
                {
                    "QueryResponse": {"Customer": [CUSTOMER], "startPosition": 1, "maxResults": 1},
                    "time": "t",
                },
            ),
            interaction(
                "get",
                "customer/77",
                400,
                {"Fault": {"Error": [{"code": "610"}], "type": "ValidationFault"}, "time": "t"},
            ),
            # An answer the sandbox does not give: a name recorded as a number.
            interaction(
                "get",
                "customer/59",
                200,
                {"Customer": {**CUSTOMER, "Id": "59", "DisplayName": 12}, "time": "t"},
            ),
        ]
    }
    (tmp_path / "recorded.yml").write_text(yaml.safe_dump(cassette))
    outcomes = script.replay(tmp_path, verbose=False)
    assert [o.matched for o in outcomes] == [True, True, True, False]
    assert outcomes[3].differences == ["Customer.DisplayName: number recorded, string replayed"]
