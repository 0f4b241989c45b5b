"""TaxService: creating a tax code, with new or existing tax rates, in one call.

``POST /taxservice/taxcode`` takes a code name and its rate details. A detail naming
``TaxRateId`` reuses that rate; one naming ``TaxRateName``, ``RateValue`` and ``TaxAgencyId``
creates the rate, filed with that agency, applicable on sales or purchases. The answer is the
request with the new ids filled in (``TaxCodeId``, each ``TaxRateId``), not wrapped in an
entity name. The code and rates are then read and queried as TaxCode and TaxRate, which the
API itself keeps read-only.
"""

from __future__ import annotations

from typing import Any

from ..company import Company, name_key
from ..faults import BusinessValidation, DuplicateName, InvalidReferenceId, RequiredParamMissing
from ..wire import to_decimal
from .base import Ctx


def _next_numeric(c: Company, entity: str) -> str:
    """Seeded tax codes have ids such as TAX and NON; new ones count after the numeric ids."""
    numbers = [int(i) for i in c.table(entity) if i.isdigit()]
    return str(max(numbers, default=0) + 1)


def _name_taken(c: Company, entity: str, name: str) -> bool:
    return any(
        name_key(str(r.data.get("Name", ""))) == name_key(name) for r in c.table(entity).values()
    )


def create_tax_code(ctx: Ctx, body: Any) -> dict[str, Any]:
    from ..seed import put

    c = ctx.company
    if not isinstance(body, dict):
        raise BusinessValidation.of("The request must be a JSON object.", "")
    code_name = body.get("TaxCode")
    if not code_name or not isinstance(code_name, str):
        raise RequiredParamMissing.of("TaxCode")
    if _name_taken(c, "TaxCode", code_name):
        raise DuplicateName(
            f"Duplicate Name Exists Error : the tax code name {code_name} is already used.",
            "TaxCode",
        )
    details = body.get("TaxRateDetails")
    if not isinstance(details, list) or not details:
        raise RequiredParamMissing.of("TaxRateDetails")
    planned: list[dict[str, Any]] = []
    new_names: set[str] = set()
    for raw in details:
        if not isinstance(raw, dict):
            raise BusinessValidation.of("Each tax rate detail must be an object.", "TaxRateDetails")
        on = raw.get("TaxApplicableOn") or "Sales"
        if on not in ("Sales", "Purchase"):
            from ..faults import InvalidEnumeration

            raise InvalidEnumeration.of(on, "TaxRateDetails.TaxApplicableOn")
        if raw.get("TaxRateId") not in (None, "", 0, "0"):
            rate_id = str(raw["TaxRateId"])
            rate = c.get("TaxRate", rate_id)
            if rate is None:
                raise InvalidReferenceId.of("TaxRates", rate_id)
            planned.append(
                {
                    "TaxRateId": rate_id,
                    "TaxRateName": rate.data["Name"],
                    "RateValue": rate.data["RateValue"],
                    "TaxApplicableOn": on,
                    "TaxAgencyId": rate.data["AgencyRef"]["value"],
                    "new": False,
                }
            )
            continue
        name = raw.get("TaxRateName")
        if not name:
            raise RequiredParamMissing.of("TaxRateName", "TaxRateDetails.TaxRateName")
        if raw.get("RateValue") in (None, ""):
            raise RequiredParamMissing.of("RateValue", "TaxRateDetails.RateValue")
        value = to_decimal(raw["RateValue"], "TaxRateDetails.RateValue")
        if value < 0 or value > 100:
            raise BusinessValidation.of("A tax rate is between 0 and 100 percent.", "RateValue")
        agency = str(raw.get("TaxAgencyId") or "")
        if not agency:
            raise RequiredParamMissing.of("TaxAgencyId", "TaxRateDetails.TaxAgencyId")
        if c.get("TaxAgency", agency) is None:
            raise InvalidReferenceId.of("TaxAgencies", agency)
        if _name_taken(c, "TaxRate", str(name)) or name_key(str(name)) in new_names:
            raise DuplicateName(
                f"Duplicate Name Exists Error : the tax rate name {name} is already used.",
                "TaxRateName",
            )
        new_names.add(name_key(str(name)))
        planned.append(
            {
                "TaxRateName": str(name),
                "RateValue": value,
                "TaxAgencyId": agency,
                "TaxApplicableOn": on,
                "new": True,
            }
        )
    # Everything is checked: now write the rates, then the code.
    sales: list[dict[str, Any]] = []
    purchase: list[dict[str, Any]] = []
    out_details = []
    for plan in planned:
        if plan.pop("new"):
            rate_id = _next_numeric(c, "TaxRate")
            put(
                c,
                "TaxRate",
                rate_id,
                {
                    "Name": plan["TaxRateName"],
                    "Description": plan["TaxRateName"],
                    "RateValue": plan["RateValue"],
                    "AgencyRef": {"value": plan["TaxAgencyId"]},
                    "Active": True,
                    "SpecialTaxType": "NONE",
                    "DisplayType": "ReadOnly",
                },
                ctx.now,
            )
            plan["TaxRateId"] = rate_id
        side = sales if plan["TaxApplicableOn"] == "Sales" else purchase
        side.append(
            {
                "TaxRateRef": {"value": plan["TaxRateId"], "name": plan["TaxRateName"]},
                "TaxTypeApplicable": "TaxOnAmount",
                "TaxOrder": len(side),
            }
        )
        out_details.append(plan)
    code_id = _next_numeric(c, "TaxCode")
    put(
        c,
        "TaxCode",
        code_id,
        {
            "Name": code_name,
            "Description": code_name,
            "Active": True,
            "Hidden": False,
            "Taxable": True,
            "TaxGroup": len(planned) > 1,
            "SalesTaxRateList": {"TaxRateDetail": sales},
            "PurchaseTaxRateList": {"TaxRateDetail": purchase},
            "TaxCodeConfigType": "USER_DEFINED",
        },
        ctx.now,
    )
    return {"TaxCode": code_name, "TaxCodeId": code_id, "TaxRateDetails": out_details}
