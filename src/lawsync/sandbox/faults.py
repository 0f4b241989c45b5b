"""QBO faults: one class per wire code, rendered by a single handler in ``app.py``.

Two families exist on the wire.  Entity-layer faults use the capitalised
``{"Fault": {"Error": [...], "type": ...}, "time": ...}`` body.  Gateway faults
(authentication, scope, throttling, some 5xx) use a lowercase body whose
``message`` is ``message=<Name>; errorCode=00NNNN; statusCode=NNN``.
"""

from __future__ import annotations

from typing import Any, ClassVar
from xml.sax.saxutils import escape


class QboFault(Exception):
    """An entity-layer fault; subclasses fix the code, message and HTTP status."""

    code: ClassVar[str] = "10000"
    message: ClassVar[str] = "Application Error"
    fault_type: ClassVar[str] = "ValidationFault"
    status: ClassVar[int] = 400
    default_detail: ClassVar[str] = ""  # the detail when the raiser gives none
    timed: ClassVar[bool] = True  # whether the body carries "time" (a few faults come without)

    def __init__(self, detail: str = "", element: str = "") -> None:
        detail = detail or self.default_detail
        super().__init__(f"{self.code}: {detail}")
        self.detail = detail
        self.element = element

    def error(self) -> dict[str, Any]:
        return {
            "Message": self.message,
            "Detail": self.detail,
            "code": self.code,
            "element": self.element,
        }

    def body(self) -> dict[str, Any]:
        return {"Fault": {"Error": [self.error()], "type": self.fault_type}}


class GeneralAuthenticationError(QboFault):
    code = "100"
    message = "General Authentication Error"
    fault_type = "AuthenticationFault"
    status = 401


class AuthorizationFailure(QboFault):
    code = "120"
    message = "Authorization Failure"
    fault_type = "AuthorizationFault"
    status = 401


class UnsupportedOperation(QboFault):
    code = "500"
    message = "Unsupported Operation"


class ObjectNotFound(QboFault):
    code = "610"
    message = "Object Not Found"


class TxnCannotBeLinked(QboFault):
    code = "620"
    message = "Transaction Cannot Be Linked"


class BatchSizeExceeded(QboFault):
    code = "1040"
    message = "Batch size exceeds allowed limit"


class InvalidId(QboFault):
    code = "2030"
    message = "Invalid ID"
    timed = False


class InvalidProperty(QboFault):
    code = "2010"
    message = "Request has invalid or unsupported property"


class RequiredParamMissing(QboFault):
    code = "2020"
    message = "Required Param Missing"

    @classmethod
    def of(cls, name: str, element: str | None = None) -> RequiredParamMissing:
        return cls(f"Required parameter {name} is missing in the request", element or name)


class InvalidRequestIdFormat(QboFault):
    code = "2130"
    message = "Invalid Request Id Format"


class InvalidStringLength(QboFault):
    code = "2050"
    message = "Invalid String Length"

    @classmethod
    def of(cls, element: str, maximum: int, supplied: int) -> InvalidStringLength:
        return cls(
            f"String length out of range for {element}. "
            f"Min:0 Max:{maximum} supported. Supplied length:{supplied}",
            element,
        )


class InvalidDateFormat(QboFault):
    code = "2060"
    message = "Invalid Date Format"


class InvalidNumber(QboFault):
    code = "2090"
    message = "Invalid Number"


class InvalidEnumeration(QboFault):
    code = "2170"
    message = "Invalid Enumeration"

    @classmethod
    def of(cls, value: object, element: str) -> InvalidEnumeration:
        return cls(f"Invalid Enumeration : {value}", element)


class InvalidDateRange(QboFault):
    code = "2190"
    message = "Invalid Date Range"


class MalformedWebAddress(QboFault):
    code = "2200"
    message = "Malformed Web Site Address Format"


class InvalidEmailAddress(QboFault):
    code = "2210"
    message = "Invalid Email Address Format"


class InvalidCurrency(QboFault):
    code = "2220"
    message = "Invalid Currency Type"


class MissingPostingType(QboFault):
    code = "2260"
    message = "MissingPostingType"


class NegativeAmount(QboFault):
    code = "2290"
    message = "NegativeAmount"


class DebitsNotEqualCredits(QboFault):
    code = "2300"
    message = "Amount on debits not equal to credits"


class InvalidReferenceId(QboFault):
    code = "2500"
    message = "Invalid Reference Id"

    @classmethod
    def of(cls, list_name: str, ref: object) -> InvalidReferenceId:
        return cls(f"Invalid Reference Id : {list_name} element id {ref} not found", "Reference Id")


class QueryParseError(QboFault):
    code = "4000"
    message = "Error parsing query"


class QueryValidationError(QboFault):
    code = "4001"
    message = "Invalid query"


class StaleObject(QboFault):
    code = "5010"
    message = "Stale Object Error"


class PermissionDenied(QboFault):
    code = "5020"
    message = "Permission Denied Error"


class FeatureNotSupported(QboFault):
    code = "5030"
    message = "Feature Not Supported Error"


class BusinessValidation(QboFault):
    code = "6000"
    message = "Business Validation Error"

    @classmethod
    def of(cls, text: str, element: str = "") -> BusinessValidation:
        return cls(f"Business Validation Error: {text}", element)


class AccountTypeRequired(QboFault):
    code = "6010"
    message = "AccountType or AccountSubType required"


class DiscountInfoMissing(QboFault):
    code = "6090"
    message = "Discount Line missing required info"


class AmountCalculationIncorrect(QboFault):
    code = "6070"
    message = "Amount calculation incorrect in the request"


class NoNameProvided(QboFault):
    code = "6080"
    message = "No Name Provided"


class InvalidLineTaxCode(QboFault):
    code = "6100"
    message = "Invalid Line TaxCode in the request"


class DuplicateDocNumber(QboFault):
    code = "6140"
    message = "Duplicate Document Number Error"


class SubLevelLimit(QboFault):
    code = "6180"
    message = "Sub Level Limit"

    @classmethod
    def of(cls, what: str) -> SubLevelLimit:
        return cls(
            f"Sub Level Limit : {what} can be nested at most 4 levels below a top level.",
            "ParentRef",
        )


class InvalidCompanyStatus(QboFault):
    code = "6190"
    message = "Invalid Company Status"


class AccountPeriodClosed(QboFault):
    code = "6210"
    message = "Account Period Closed"


class DuplicateName(QboFault):
    code = "6240"
    message = "Duplicate Name Exists Error"


class InvalidSalesCustomer(QboFault):
    code = "6250"
    message = "Invalid Sales Customer"


class MissingBillableCustomer(QboFault):
    code = "6310"
    message = "Missing Customer For Billable Line"


class EmailRequired(QboFault):
    code = "6420"
    message = "Email address is required"


class InvalidAccountType(QboFault):
    code = "6430"
    message = "Invalid account type used"


class MissingLineDetail(QboFault):
    code = "6440"
    message = "Transaction Detail Information Required"


class TaxRateError(QboFault):
    code = "6470"
    message = "TaxLiabilityAccount or TaxRateError"


class MatchedTransactionDelete(QboFault):
    code = "6480"
    message = "Matched Transaction Delete Error"
    default_detail = (
        "Matched Transaction : this transaction is matched to a line of the bank feed. "
        "Undo the match in the bank feed before deleting it."
    )


class DepositedTransaction(QboFault):
    code = "6540"
    message = "Deposited Transaction cannot be changed"
    default_detail = (
        "Deposited Transaction : this transaction is part of a deposit. Take it out of "
        "the deposit before changing, voiding or deleting it."
    )


class SystemFault(QboFault):
    code = "10000"
    message = "Application Error"
    fault_type = "SystemFault"
    status = 500


class GatewayFault(Exception):
    """A fault produced by the API gateway (lowercase body, epoch-millisecond time)."""

    def __init__(
        self, status: int, name: str, code: str, detail: str | None, fault_type: str
    ) -> None:
        super().__init__(f"{status} {name}")
        self.status = status
        self.name = name
        self.code = code
        self.detail = detail
        self.fault_type = fault_type

    def body(self, epoch_ms: int) -> dict[str, Any]:
        return {
            "warnings": None,
            "intuitObject": None,
            "fault": {
                "error": [
                    {
                        "message": f"message={self.name}; errorCode={int(self.code):06d}; "
                        f"statusCode={self.status}",
                        "detail": self.detail,
                        "code": self.code,
                        "element": None,
                    }
                ],
                "type": self.fault_type,
            },
            "report": None,
            "queryResponse": None,
            "batchItemResponse": [],
            "attachableResponse": [],
            "syncErrorResponse": None,
            "requestId": None,
            "time": epoch_ms,
            "status": None,
            "cdcresponse": [],
        }

    def xml(self, stamp: str) -> str:
        """The XML body the gateway sometimes sends even to JSON clients."""
        message = escape(
            f"message={self.name}; errorCode={int(self.code):06d}; statusCode={self.status}"
        )
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="{stamp}">'
            f'<Fault type="{self.fault_type}"><Error code="{self.code}">'
            f"<Message>{message}</Message><Detail>{escape(self.detail or '')}</Detail>"
            "</Error></Fault></IntuitResponse>"
        )


def authentication_failed(detail: str | None) -> GatewayFault:
    return GatewayFault(401, "AuthenticationFailed", "3200", detail, "AUTHENTICATION")


def authorization_failed(detail: str) -> GatewayFault:
    return GatewayFault(403, "ApplicationAuthorizationFailed", "3100", detail, "SERVICE")


def throttle_exceeded() -> GatewayFault:
    return GatewayFault(
        429,
        "ThrottleExceeded",
        "3001",
        "The request limit was reached.  Try again later",
        "SERVICE",
    )


def internal_server_error() -> GatewayFault:
    return GatewayFault(500, "InternalServerError", "3100", None, "SERVICE")


class ServiceUnavailable(Exception):
    """An infrastructure outage: HTTP 503 with an HTML page, not JSON."""
