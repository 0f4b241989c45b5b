from tests import builders
from tests.conftest import Firm


def test_a_firm_bills_its_client_through_the_api(firm: Firm) -> None:
    _c, _m, b = builders.billed_client(firm, hours="2", rate="150")
    assert b["state"] == "approved"
    assert b["total"] == "300.00"
    assert b["balance"] == "300.00"
