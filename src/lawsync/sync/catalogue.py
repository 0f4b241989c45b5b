"""What each accounting-side failure means for a firm, and how to fix it, in plain words.

A failure row shows QuickBooks Online's code and message next to our cause and resolution. Some
codes mean different things depending on the field or the record involved (2020 on the lines of an
invoice versus on a payment's deposit account), so a guide can have variants picked by the fault's
element, a fragment of its detail text, or the kind of record being synced. A variant's kind may
also name a family of kinds: `CLIENT_FUNDS` stands for both copies of a client funds transaction
(its journal entry and its cheque), so advice true of either is written once.

The steps name the page of the web app where the fix is made (the QuickBooks settings, the Sync
failures table), with the JSON API route or `lawsync` command beside it. A guide also names the
sync settings whose change can resolve it (`settings`): saving one of them retries the failure
by itself.

The catalogue is help text only, keyed by code. What a fault means for the sync (wait and go on,
pause the connection, park the record) is decided by the client's exception classes
(`lawsync.quickbooks`), never here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lawsync.sync.kinds import Kind

SETTINGS_PAGE = "/settings/quickbooks"
FAILURES_PAGE = "/settings/quickbooks/failures"
SETTINGS = f"the QuickBooks settings ({SETTINGS_PAGE}, or PUT /api/v1/quickbooks/settings)"
RECONNECT = (
    f"Connect again: press Reconnect on {SETTINGS_PAGE} (or run `lawsync quickbooks connect "
    "--firm ID`)"
)
DISCONNECT = (
    f"press Disconnect on {SETTINGS_PAGE} (or run `lawsync quickbooks disconnect --firm ID`)"
)
# After a fix in QuickBooks, nothing changed in lawsync: the failure waits for a retry.
RETRY = (
    f"Then press Retry on this failure's row in {FAILURES_PAGE} (or POST "
    "/api/v1/quickbooks/failures/<its id>/retry). The next pass sends the record again (at "
    "once while `lawsync serve` runs, or run `lawsync sync --firm ID`)."
)
# After an edit in lawsync, the record's new revision is sent by itself.
RESENT = (
    "Once the change is saved, the next pass sends the record again (at once while "
    "`lawsync serve` runs, or run `lawsync sync --firm ID`)."
)
SAVING_RETRIES = "saving it retries this failure"
QBO_ADVANCED = (
    "In QuickBooks: Settings (gear) → Account and settings → Advanced → Other preferences"
)
CLIENT_FUNDS_PAGE = "/client-funds"
FUNDS_SETTINGS = (
    f"the client funds section of the QuickBooks settings ({SETTINGS_PAGE}#client-funds, or PUT "
    "/api/v1/quickbooks/settings)"
)

# A variant's kind: one kind of record, or a family of them.
CLIENT_FUNDS = "client_funds"
_FAMILIES: dict[str, frozenset[str]] = {
    CLIENT_FUNDS: frozenset({Kind.TRUST_ENTRY, Kind.TRUST_CHEQUE}),
}


@dataclass(frozen=True)
class Guide:
    code: str
    title: str
    cause: str
    steps: tuple[str, ...]
    # Sync settings (SyncSettingsUpdate fields) whose change may resolve this failure.
    settings: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Entry:
    default: Guide
    # (element, detail fragment, record kind) → guide; None matches anything.
    variants: tuple[tuple[str | None, str | None, str | None, Guide], ...] = field(default=())


def _g(
    code: str,
    title: str,
    cause: str,
    *steps: str,
    settings: tuple[str, ...] = (),
) -> Guide:
    return Guide(code, title, cause, tuple(steps), settings)


_NO_TAX_CODE = _g(
    "6000",
    "A taxed line has no tax code",
    "Companies outside the US need a tax code on every line that carries tax.",
    f"In {SETTINGS}, check the tax option and its tax codes (tax_option, item_mappings); "
    f"{SAVING_RETRIES}.",
    settings=("tax_option", "item_mappings"),
)

# ---- client funds -------------------------------------------------------------------------------
# A client funds transaction is never edited or redated in lawsync, and every one must reach
# QuickBooks: the fix is made in QuickBooks or in the settings, and the same record is sent again.

_KEEP_THE_ORIGINAL = (
    "Do not reverse the transaction in lawsync to clear this failure: the reversal would be "
    "posted on its own while the original still is not, and QuickBooks would still differ from "
    "the ledger by the amount."
)
_REACTIVATE_ACCOUNT = (
    "If it is the trust bank or liability account: make it active again in QuickBooks (Chart of "
    "accounts, include inactive, Make active), or, if it was retired on purpose, map this client "
    f"funds account to its replacement in {FUNDS_SETTINGS}; {SAVING_RETRIES}. Entries already "
    "posted stay on the old account: ask the accountant to move its balance."
)
_REACTIVATE_NAME = (
    "If it is the client or the cheque's payee: make the customer or supplier active again in "
    "QuickBooks (Customers or Suppliers, include inactive, Make active)."
)


def _funds_reference_gone(code: str) -> Guide:
    """2500 and 610 for client funds: something the transaction names is deleted or inactive."""
    return _g(
        code,
        "Something this client funds transaction posts to was deleted in QuickBooks",
        "QuickBooks cannot use an account or a name the transaction refers to: the trust bank or "
        "liability account mapped for its client funds account, the client's customer or, for "
        "a cheque, its payee. It was deleted there (which makes it inactive), or the company was "
        "purged. The message names the list (Accounts, Names) and the id.",
        _REACTIVATE_ACCOUNT,
        _REACTIVATE_NAME,
        f"If the whole company was purged, {DISCONNECT}, connect again and map the client funds "
        "accounts anew.",
        RETRY,
        settings=("client_funds_accounts",),
    )


_FUNDS_JOURNAL_NUMBER_TAKEN = _g(
    "6140",
    "The journal entry's number is already used in QuickBooks",
    "A client funds journal entry is numbered with the journal prefix and the transaction's "
    "number. This company warns about duplicate journal numbers, and another journal entry "
    "already has this one (the message gives its DocNumber, TxnType and TxnId).",
    f'{QBO_ADVANCED}: untick "Warn if duplicate journal number is used". lawsync never posts a '
    "transaction twice: each entry carries the transaction's own marker.",
    RETRY,
    "Or change the journal prefix in "
    f"{FUNDS_SETTINGS}, so lawsync's numbers differ from those typed in QuickBooks; "
    f"{SAVING_RETRIES}. Entries already posted keep their numbers.",
    settings=("journal_prefix",),
)
_FUNDS_CHEQUE_NUMBER_TAKEN = _g(
    "6140",
    "The cheque number is already used in QuickBooks",
    "A disbursement whose cheque number is known in lawsync goes to QuickBooks as a cheque with "
    "that number. This company warns about duplicate cheque numbers, and another cheque there "
    "already has it (the message gives its TxnId).",
    "In QuickBooks, open the cheque the message names. If it is this same payment entered there "
    "by hand, delete that copy: lawsync's cheque carries the client on the trust liability "
    "account, and the trust bank account would otherwise pay it twice.",
    "If it is another cheque on the trust bank account, one number is wrong: find out which "
    "with whoever wrote them and correct the other cheque's number in QuickBooks (a cheque "
    f"number is used once per bank account; this one's is on {CLIENT_FUNDS_PAGE}).",
    RETRY,
)
_FUNDS_CHEQUE_DELETED = _g(
    "610",
    "The cheque was deleted in QuickBooks",
    "lawsync made this cheque in QuickBooks and someone has since deleted it there, so the "
    "number recorded in lawsync cannot be written onto it. The money left trust in the ledger "
    "but not in QuickBooks: the trust bank and liability balances there are higher by the "
    "cheque's amount.",
    "Do not reverse the disbursement to clear this failure: the reversal would put the money "
    "back in QuickBooks a second time.",
    "Ask the accountant to enter the cheque again in QuickBooks as the ledger has it (its date, "
    f"amount, payee and number are on {CLIENT_FUNDS_PAGE}): drawn on the trust bank account, "
    "with one line on the trust liability account naming the client.",
    "This failure then stays listed as the trace of it: lawsync does not make a cheque it "
    "already made once.",
)
_FUNDS_CURRENCY = _g(
    "6000",
    "The client funds account's currency does not fit the company",
    "A client funds transaction is posted in its client funds account's currency. Either this "
    "company keeps its books in one currency only and the client funds account is in another, "
    "or a mapped bank or liability account, the client's customer or the cheque's payee is kept "
    "in another currency (QuickBooks fixes a customer's currency when it is made).",
    f"Compare the client funds account's currency ({CLIENT_FUNDS_PAGE}) with the company's and "
    f"with the mapped accounts' in {FUNDS_SETTINGS}; map accounts kept in the client funds "
    f"account's currency; {SAVING_RETRIES}.",
    "A client funds account in another currency than a one-currency company's cannot be posted "
    "there: remove its mapping, so its transactions are no longer sent, and ask the accountant "
    "how to show that money in QuickBooks.",
    settings=("client_funds_accounts",),
)
_FUNDS_BUSINESS_RULE = _g(
    "6000",
    "QuickBooks refused this client funds transaction by one of its rules",
    "QuickBooks' own checks refused the journal entry or cheque: its message says which rule. "
    "For client funds it is usually an inactive customer (the client) or supplier (the payee), "
    "or a currency that differs between the client funds account, the mapped accounts and the "
    "client's customer.",
    "If the message says a customer or supplier is inactive, make it active again in QuickBooks.",
    f"If it is about a currency or an account, check the mapping in {FUNDS_SETTINGS}; "
    f"{SAVING_RETRIES}.",
    RETRY,
    settings=("client_funds_accounts",),
)
_FUNDS_BOOKS_CLOSED = _g(
    "6200",
    "The books are closed for this client funds transaction's date",
    "The company's books are closed up to a date on or after this transaction's date (usually by "
    "the accountant, after reconciling), so QuickBooks refuses to add it or, for a cheque, to "
    "write its number onto it or remove it. A client funds transaction keeps its date: it is "
    "never redated or edited in lawsync, and lawsync does not read the closing date beforehand.",
    "Ask whoever closed the books. To post it in its own period they reopen it (in QuickBooks: "
    "Settings (gear) → Account and settings → Advanced → Accounting → Close the books), and "
    "close it again once the transaction is posted.",
    RETRY,
    _KEEP_THE_ORIGINAL,
)
_FUNDS_TOO_LONG = _g(
    "2050",
    "A value of this client funds transaction is longer than QuickBooks takes",
    "One value sent for this transaction has more characters than its QuickBooks field accepts; "
    "the message names the field and its limit. lawsync already keeps journal numbers within 21 "
    "characters and shortens line descriptions to 4,000 (ending them with a note that the full "
    "text is in lawsync), so this field's limit is lower than documented.",
    f"If the field is the journal entry's DocNumber, shorten the journal prefix in "
    f"{FUNDS_SETTINGS}; {SAVING_RETRIES}.",
    "Otherwise the value cannot be shortened in lawsync (its transactions are never edited): "
    "contact support with the message, so the limit is applied before sending.",
    _KEEP_THE_ORIGINAL,
    settings=("journal_prefix",),
)
_FUNDS_ACCOUNT_TYPE = _g(
    "6430",
    "A client funds account is mapped to a QuickBooks account of the wrong type",
    "Client funds post to a Bank account (a cheque can only be drawn on one) and a liability "
    "account. An account mapped for this client funds account is not of that type in "
    "QuickBooks: its type may have been changed there after it was mapped.",
    f"In {FUNDS_SETTINGS}, map this client funds account to a Bank account and a liability "
    f"account (the lists offer only those); {SAVING_RETRIES}.",
    f"Or change the account's type back in QuickBooks. {RETRY}",
    settings=("client_funds_accounts",),
)
_FUNDS_PAYEE_NAME_TAKEN = _g(
    "6240",
    "The cheque's payee cannot be made a supplier: the name is taken",
    "A cheque is written to the supplier (or else the customer) with the payee's name, and "
    "lawsync makes a supplier when there is none. Here QuickBooks refused a new supplier: an "
    "employee, or an inactive supplier or customer, already has the name.",
    "If an inactive supplier or customer has the name, make it active again in QuickBooks "
    "(Suppliers or Customers, include inactive, Make active): the cheque is written to it.",
    "If an employee has it, rename the employee in QuickBooks (a middle initial is enough).",
    RETRY,
)

_CATALOGUE: dict[str, _Entry] = {
    "120": _Entry(
        _g(
            "120",
            "The person who connected QuickBooks can no longer sign in to it",
            "The QuickBooks user who authorised lawsync has been disabled or lost administrator "
            "rights in the company, so every request is refused.",
            f"Disconnect QuickBooks Online: {DISCONNECT}.",
            f"{RECONNECT}, signing in as a QuickBooks administrator who is active.",
            "Nothing is lost: links to records already synced are kept and reused.",
        )
    ),
    "3200": _Entry(
        _g(
            "3200",
            "QuickBooks no longer accepts lawsync's authorisation",
            "The access granted to lawsync expired or was revoked, and it could not be renewed "
            "(the refresh token is no longer valid).",
            f"{RECONNECT}, signing in with an administrator's account.",
            "Syncing resumes where it stopped; nothing is duplicated.",
        )
    ),
    "http-403": _Entry(
        _g(
            "http-403",
            "Access refused before reaching QuickBooks",
            "The request was refused with HTTP 403: the app is not authorised for this company, or "
            "a proxy or network filter between lawsync and QuickBooks blocked it.",
            "If lawsync runs behind a proxy, make sure it lets traffic to *.intuit.com through.",
            "Otherwise connect QuickBooks Online again: `lawsync quickbooks connect --firm ID`.",
            RETRY,
        )
    ),
    "http-503": _Entry(
        _g(
            "http-503",
            "QuickBooks Online is unavailable",
            "QuickBooks answered that the service is unavailable (maintenance or an outage). "
            "lawsync retries on its own with growing pauses.",
            "Nothing to do unless another error appears; it clears once QuickBooks is back.",
            "If it lasts for hours, check Intuit's status page.",
        )
    ),
    "3100": _Entry(
        _g(
            "3100",
            "QuickBooks Online is unreachable for lawsync",
            "QuickBooks refused or could not serve lawsync's requests during an outage or an "
            "authorisation problem on its side.",
            "Wait: lawsync keeps retrying and the failure clears itself when QuickBooks recovers.",
            "If it persists after the service is back, connect again: "
            "`lawsync quickbooks connect --firm ID`.",
        ),
        (
            (
                None,
                "AuthorizationFailed",
                None,
                _g(
                    "3100",
                    "lawsync is not authorised to use this company's accounting data",
                    "QuickBooks refused every request with HTTP 403: the authorisation lawsync "
                    "holds does not include access to the accounting data (the accounting "
                    "permission was not granted, or the app's access to the company was "
                    "withdrawn). Syncing is paused until someone connects again.",
                    f"{RECONNECT}, signing in as an administrator of the company, and allow "
                    "every permission lawsync asks for (the accounting data in particular).",
                    "If the firm's IT restricts which apps may connect to QuickBooks, ask them "
                    "to allow lawsync first.",
                    "Syncing resumes where it stopped; records already synced are not sent twice.",
                ),
            ),
        ),
    ),
    "http-429": _Entry(
        _g(
            "http-429",
            "Too many requests for this company",
            "QuickBooks limits how fast one company can be changed. lawsync slowed down and will "
            "finish the work automatically.",
            "Nothing to do.",
        )
    ),
    "610": _Entry(
        _g(
            "610",
            "Something this record uses was deleted or made inactive",
            "The record points to a customer, product or account that was deleted or made inactive "
            "in QuickBooks, or the synced copy itself was deleted there.",
            "Void the bill in lawsync.",
            "Create a new bill for the same work and apply the payment to it again.",
            "Wait for the new bill to sync.",
        ),
        (
            (None, "deleted", Kind.TRUST_CHEQUE, _FUNDS_CHEQUE_DELETED),
            (None, None, CLIENT_FUNDS, _funds_reference_gone("610")),
            (
                None,
                "deleted",
                "bill",
                _g(
                    "610",
                    "The bill's invoice was deleted in QuickBooks",
                    "lawsync tried to update the invoice it made for this bill, but someone "
                    "deleted that invoice in QuickBooks, so there is nothing left to update. "
                    "A deleted invoice cannot be brought back.",
                    "Void the bill in lawsync; since its invoice is already gone, the void "
                    "counts as done and this failure clears.",
                    "Bill the same work again: the new bill syncs as a new invoice.",
                    "If the old bill had payments, remove them from it before voiding and "
                    "record them again on the new bill.",
                ),
            ),
            (
                "Line.LinkedTxn",
                None,
                "payment",
                _g(
                    "610",
                    "The invoice this payment pays was deleted in QuickBooks",
                    "The payment is applied to a bill whose invoice someone deleted in "
                    "QuickBooks, so QuickBooks has nothing to apply it to.",
                    "In lawsync, delete this payment, then void the bill (its invoice is "
                    "already gone, so the void counts as done).",
                    "Bill the same work again and record the payment on the new bill; both "
                    "sync as new records.",
                ),
            ),
        ),
    ),
    "620": _Entry(
        _g(
            "620",
            "The invoice in QuickBooks cannot be linked to this record",
            "The QuickBooks invoice this record has to be attached to belongs to another "
            "customer, or is not the bill's invoice any more, so QuickBooks refuses the link.",
            "If the client or matter changed after the bill was synced, change it back.",
            "Otherwise give the bill a new, unique number in lawsync (it is sent again).",
            "Or void the bill and issue a new one, so it syncs as a new invoice.",
        ),
        (
            (
                "CustomerRef",
                None,
                None,
                _g(
                    "620",
                    "The invoice found in QuickBooks for this bill belongs to another customer",
                    "An earlier attempt created this invoice, but its answer never reached "
                    "lawsync. The invoice has since been given another customer in QuickBooks, "
                    "so lawsync neither links the bill to it nor creates a second one.",
                    "In QuickBooks, open the invoice with the bill's number (see the message) "
                    "and set its customer back to the bill's client, then retry: lawsync "
                    "links it.",
                    "If that invoice now really belongs to the other customer, give the bill a "
                    f"new number (it is sent again), or add a bill prefix in {SETTINGS} "
                    f"({SAVING_RETRIES}).",
                    settings=("bill_prefix",),
                ),
            ),
            (
                None,
                None,
                "payment",
                _g(
                    "620",
                    "The bill's invoice belongs to another customer in QuickBooks",
                    "This payment is the client's, but in QuickBooks the invoice of the bill it "
                    "pays now belongs to another customer (someone changed the invoice's "
                    "customer there after the bill synced), so QuickBooks will not attach the "
                    "payment to it.",
                    "In QuickBooks, open the invoice with the bill's number and set its "
                    "customer back to the bill's client.",
                    "If the client was meant to change, change it on the bill in lawsync "
                    "instead, so the invoice is sent again with the right customer.",
                    RETRY,
                ),
            ),
            (
                None,
                None,
                "credit_application",
                _g(
                    "620",
                    "The credit cannot be applied: the invoice belongs to another customer",
                    "The credit note is the client's, but in QuickBooks the invoice of its bill "
                    "(or the credit memo) now belongs to another customer, so QuickBooks will "
                    "not apply the credit to it.",
                    "In QuickBooks, set the customer of the invoice and of the credit memo back "
                    "to the bill's client.",
                    RETRY,
                ),
            ),
        ),
    ),
    "2020": _Entry(
        _g(
            "2020",
            "A required field is missing",
            "QuickBooks needs a value lawsync did not have: see the field named in the message.",
            "Fill in the missing value on the record in lawsync.",
            RESENT,
        ),
        (
            (
                "Line",
                None,
                None,
                _g(
                    "2020",
                    "The bill has no lines with an amount",
                    "An invoice needs at least one line; this bill has none worth sending.",
                    "Add time or expenses to the bill, or delete the bill if it is not needed.",
                    RESENT,
                ),
            ),
            (
                "DepositToAccountRef",
                None,
                None,
                _g(
                    "2020",
                    "QuickBooks has no Undeposited Funds account to receive payments",
                    "Payments are recorded into Undeposited Funds, and that account is missing or "
                    "not set up as expected in QuickBooks.",
                    "In QuickBooks, open the Chart of Accounts and check there is an account named "
                    "Undeposited Funds, of type Other Current Assets with detail type Undeposited "
                    "Funds, and that it is not a sub-account.",
                    f"In {SETTINGS}, set export_bills to false, save, set it to true again and "
                    f"save, so lawsync looks the account up again ({SAVING_RETRIES}).",
                    settings=("export_bills",),
                ),
            ),
        ),
    ),
    "2050": _Entry(
        _g(
            "2050",
            "A value is longer than QuickBooks allows",
            "One of the record's values has more characters than the QuickBooks field accepts "
            "(for example a phone number over 30 characters). The message gives the field and "
            "its limit.",
            "Shorten the value in lawsync.",
            RESENT,
        ),
        (
            (None, None, CLIENT_FUNDS, _FUNDS_TOO_LONG),
            (
                "DocNumber",
                None,
                None,
                _g(
                    "2050",
                    "The bill number is too long",
                    "QuickBooks invoice numbers are at most 21 characters, including the prefix "
                    "lawsync adds.",
                    "Shorten the bill number in lawsync (it is sent again), or the bill prefix "
                    f"in {SETTINGS} ({SAVING_RETRIES}).",
                    settings=("bill_prefix",),
                ),
            ),
            (
                "CustomerMemo",
                None,
                None,
                _g(
                    "2050",
                    "The matter numbers on the bill are too long together",
                    "lawsync lists every matter number of the bill in the invoice memo, which "
                    "holds "
                    "at most 1,000 characters.",
                    "Split the bill across fewer matters, or shorten the matter numbering pattern.",
                    RETRY,
                ),
            ),
        ),
    ),
    "2170": _Entry(
        _g(
            "2170",
            "A value is not one QuickBooks accepts",
            "A field was given a value outside the list QuickBooks allows.",
            "This usually means lawsync sent something it should not; contact support with the "
            "message.",
        )
    ),
    "2200": _Entry(
        _g(
            "2200",
            "The contact's web address is not valid",
            "QuickBooks needs a full web address starting with http:// or https://, and the web "
            "address on this contact is not in that form.",
            "Edit the contact's web address in lawsync (or clear it).",
            RESENT,
        )
    ),
    "2210": _Entry(
        _g(
            "2210",
            "The contact's email address is not valid",
            "The email address has extra text, several addresses, or characters an address cannot "
            "have.",
            "Correct the email address on the contact in lawsync.",
            RESENT,
        )
    ),
    "2220": _Entry(
        _g(
            "2220",
            "QuickBooks does not accept this currency",
            "The bill's currency is not a three-letter currency code QuickBooks supports, or is "
            "not "
            "turned on in the company.",
            "Use a supported currency on the bill, or turn on multicurrency and add the "
            "currency in "
            "QuickBooks.",
            RETRY,
        )
    ),
    "2500": _Entry(
        _g(
            "2500",
            "Something this record refers to no longer exists in QuickBooks",
            "A customer, class, product or account that lawsync linked to was deleted in "
            "QuickBooks (or the company file was purged).",
            "If the company file was purged, disconnect and reconnect QuickBooks so lawsync "
            "forgets the old links.",
            "If a duplicate contact was deleted in QuickBooks, rename the remaining contact "
            "there, retry, then merge the old contact into the new one.",
            RETRY,
        ),
        (
            (None, None, CLIENT_FUNDS, _funds_reference_gone("2500")),
            (
                None,
                "Klasses",
                None,
                _g(
                    "2500",
                    "The class for a timekeeper was deleted",
                    "Timekeepers are tracked as classes and the class for this user was deleted or "
                    "made inactive in QuickBooks.",
                    "In QuickBooks, make the class active again (Lists → Classes → include "
                    "inactive). Do not create a new class with the same name: lawsync keeps "
                    "using the one it made.",
                    RETRY,
                ),
            ),
        ),
    ),
    "5010": _Entry(
        _g(
            "5010",
            "The record was changed in QuickBooks at the same time",
            "Someone edited the record in QuickBooks while lawsync was updating it.",
            "Nothing to do: lawsync reads the latest version and applies its change again.",
        )
    ),
    "5020": _Entry(
        _g(
            "5020",
            "Categories are not matched to QuickBooks products and services",
            "Every activity and expense category on a bill must be matched to a product or service "
            "of the connected company, and this one is not (or the company changed).",
            f"In {SETTINGS}, match each category to a product or service (item_mappings); "
            f"{SAVING_RETRIES}.",
            "If the wrong company is connected, disconnect and connect the right one.",
            settings=("item_mappings",),
        )
    ),
    "5030": _Entry(
        _g(
            "5030",
            "Your QuickBooks plan does not include this feature",
            "Tracking timekeepers as classes and importing hard costs need QuickBooks Online "
            "Plus or "
            "Advanced; this company's plan does not offer them.",
            f"Turn the feature off in {SETTINGS} (track_timekeepers; {SAVING_RETRIES}),",
            "or upgrade the QuickBooks plan.",
            RETRY,
            settings=("track_timekeepers",),
        )
    ),
    "6000": _Entry(
        _g(
            "6000",
            "QuickBooks refused a business rule",
            "QuickBooks' own checks refused the record: see its message. Common reasons: a "
            "payment of 0.00 on part of a multi-matter bill, an inactive customer, a payment "
            "applied before its bill or credit note synced, a bill in another currency, or a "
            "bill with a negative balance.",
            "Make sure every payment and credit has an amount.",
            "Reactivate the customer in QuickBooks if it is inactive.",
            "For another currency, enter that invoice in QuickBooks by hand.",
            "Make sure each taxed line has a tax code (companies outside the US).",
            RETRY,
        ),
        (
            ("CurrencyRef", None, CLIENT_FUNDS, _FUNDS_CURRENCY),
            (None, "currency", CLIENT_FUNDS, _FUNDS_CURRENCY),
            (None, None, CLIENT_FUNDS, _FUNDS_BUSINESS_RULE),
            (
                None,
                "transaction amount",
                None,
                _g(
                    "6000",
                    "A payment has no amount",
                    "A payment or credit with an amount of 0.00 cannot be recorded in QuickBooks.",
                    "Enter an amount on the payment in lawsync, or delete it.",
                    RESENT,
                ),
            ),
            (
                None,
                "inactive",
                None,
                _g(
                    "6000",
                    "The customer is inactive in QuickBooks",
                    "The bill's client is marked inactive in QuickBooks.",
                    "Make the customer active in QuickBooks.",
                    RETRY,
                ),
            ),
            (
                None,
                "currency",
                None,
                _g(
                    "6000",
                    "The bill's currency does not match the customer's",
                    "QuickBooks keeps one currency per customer, fixed when the customer is made "
                    "(lawsync uses the currency of the client's first bill); this bill uses "
                    "another.",
                    "Bill this client in the customer's currency (void this bill and make it "
                    "again in that currency),",
                    "or enter this bill in QuickBooks by hand, for a customer in its currency.",
                ),
            ),
            (
                None,
                "rate before you save",
                None,
                _NO_TAX_CODE,
            ),
            (
                "TaxCodeRef",
                None,
                None,
                _NO_TAX_CODE,
            ),
        ),
    ),
    "6070": _Entry(
        _g(
            "6070",
            "Line amount does not equal quantity times rate",
            "QuickBooks checks that each line's amount is its quantity times its rate to the cent. "
            "lawsync sends lines that always pass this check; this can only come from a line "
            "edited "
            "in QuickBooks or an unusual rate.",
            "Adjust the line's quantity or rate slightly so both sides agree.",
            RETRY,
        )
    ),
    "6140": _Entry(
        _g(
            "6140",
            "This number is already used in QuickBooks",
            "QuickBooks requires document numbers to be unique for each kind of transaction, and "
            "another transaction there already has this number. The message names it "
            "(DocNumber, TxnType and TxnId).",
            f"Add a bill prefix in {SETTINGS} ({SAVING_RETRIES}), or",
            "change the bill's number in lawsync (it is sent again), or",
            "change the other transaction's number in QuickBooks.",
            RETRY,
            settings=("bill_prefix",),
        ),
        (
            (None, None, Kind.TRUST_ENTRY, _FUNDS_JOURNAL_NUMBER_TAKEN),
            (None, None, Kind.TRUST_CHEQUE, _FUNDS_CHEQUE_NUMBER_TAKEN),
            (
                None,
                None,
                "interest_charge",
                _g(
                    "6140",
                    "The interest charge's number is already used in QuickBooks",
                    "Interest charges sync as invoices numbered after their bill, and QuickBooks "
                    "already has a transaction with that number.",
                    f"Add a bill prefix in {SETTINGS} ({SAVING_RETRIES}), or",
                    "change the other transaction's number in QuickBooks.",
                    RETRY,
                    settings=("bill_prefix",),
                ),
            ),
            (
                None,
                None,
                "credit_note",
                _g(
                    "6140",
                    "The credit memo number is already used in QuickBooks",
                    "A credit memo in QuickBooks already has this number.",
                    "In QuickBooks, change the number of the existing credit memo.",
                    RETRY,
                ),
            ),
        ),
    ),
    "6190": _Entry(
        _g(
            "6190",
            "The QuickBooks company is not active",
            "The QuickBooks subscription of the connected company ended, was cancelled, or has a "
            "billing problem, so it accepts no changes.",
            "Reactivate the QuickBooks subscription, or connect lawsync to an active company.",
        )
    ),
    "6200": _Entry(
        _g(
            "6200",
            "The books are closed for this date",
            "Someone (usually the accountant) closed the books in QuickBooks up to a date after "
            "this record's date, so it cannot be added or changed.",
            "Ask whoever closed the books; they can reopen the period or agree on a new date.",
            "Or change the record's date in lawsync to after the closing date.",
            RETRY,
        ),
        ((None, None, CLIENT_FUNDS, _FUNDS_BOOKS_CLOSED),),
    ),
    "6240": _Entry(
        _g(
            "6240",
            "Another customer, supplier or employee already has this name",
            "QuickBooks needs names to be unique across customers, suppliers and employees "
            "(inactive ones included), and this contact's display name is taken.",
            f'Choose how name clashes are handled in {SETTINGS}: name_clash "link" (link to '
            f'the existing customer) or "suffix" (add a distinguishing suffix); '
            f"{SAVING_RETRIES}. Or",
            "rename the contact in lawsync (it is sent again), or",
            "merge the two records in QuickBooks, or rename the other one there.",
            RETRY,
            settings=("name_clash",),
        ),
        (
            (None, None, Kind.TRUST_CHEQUE, _FUNDS_PAYEE_NAME_TAKEN),
            (
                None,
                None,
                "user",
                _g(
                    "6240",
                    "A class with this timekeeper's name already exists",
                    "Timekeepers are tracked as classes and a class with this name is already "
                    "used.",
                    "Rename the timekeeper in lawsync (it is sent again), then merge the two "
                    "classes in QuickBooks and rename the timekeeper back.",
                ),
            ),
        ),
    ),
    "6250": _Entry(
        _g(
            "6250",
            "A customer with this name is archived in QuickBooks",
            "The matching customer in QuickBooks is inactive, so it cannot be used.",
            "Make the customer active in QuickBooks (Customers → include inactive → Make "
            "active), or "
            f"let lawsync reactivate it: reactivate_archived_customers in {SETTINGS} "
            f"({SAVING_RETRIES}).",
            RETRY,
            settings=("reactivate_archived_customers",),
        ),
        (
            (
                "CustomerRef",
                None,
                None,
                _g(
                    "6250",
                    "The client's customer was deleted (made inactive) in QuickBooks",
                    "This client was synced to a customer that someone has since deleted in "
                    "QuickBooks, which makes it inactive. QuickBooks accepts no new "
                    "transactions for an inactive customer.",
                    "In QuickBooks, open Customers, show inactive customers and make this "
                    "one active again (the message gives its number).",
                    "Changing the contact in lawsync does not help: the bill must go to the "
                    "customer the client is linked to.",
                    RETRY,
                ),
            ),
        ),
    ),
    "6430": _Entry(
        _g(
            "6430",
            "An account of the wrong type was chosen",
            "A mapped account is not of the type QuickBooks needs here (payments go to a bank or "
            "other current asset account, for instance).",
            f"Pick another account or product in {SETTINGS} (item_mappings); {SAVING_RETRIES}.",
            settings=("item_mappings",),
        ),
        ((None, None, CLIENT_FUNDS, _FUNDS_ACCOUNT_TYPE),),
    ),
    "6470": _Entry(
        _g(
            "6470",
            "QuickBooks tried to calculate tax on the bill",
            "The company applies a tax code to every transaction, so QuickBooks adds its own "
            "tax to "
            "bills lawsync already taxed.",
            "Remove the company-wide default tax code in QuickBooks' tax settings.",
            RETRY,
        ),
        (
            (
                "TaxCodeRef",
                None,
                None,
                _g(
                    "6470",
                    "The tax code chosen for these lines has no sales rate",
                    "With a tax code on each line, lawsync gives every line the company tax code "
                    "chosen for its taxes in the sync settings. The code chosen here has no rate "
                    "for sales (it is meant for purchases only, or is out of scope), so "
                    "QuickBooks cannot tax an invoice line with it.",
                    f"In {SETTINGS}, under the tax codes (item_mappings), choose for these "
                    "lines a code that has a sales rate (for instance GST, HST, or a GST/PST "
                    "group code for lines with both taxes); the message names the code that was "
                    "refused.",
                    "Saving the new code retries this failure. If no suitable code exists, add "
                    "or edit it in QuickBooks' sales tax settings so it has a sales rate, then "
                    "choose it.",
                    settings=("item_mappings", "tax_option"),
                ),
            ),
        ),
    ),
    "6480": _Entry(
        _g(
            "6480",
            "The QuickBooks copy is matched to a bank transaction",
            "In QuickBooks this transaction was matched to a line downloaded from the bank (the "
            "bank feed), and QuickBooks will not delete a matched transaction. lawsync deletes "
            "the copy when a payment is edited (it is then created again with the new values) "
            "and when a bill or payment is deleted.",
            "In QuickBooks, open Banking, find the bank line matched to this transaction (on "
            "the Categorised or Reviewed tab) and undo the match.",
            f"Then press Retry on this failure's row in {FAILURES_PAGE}: the next "
            "pass replaces or removes the copy. Afterwards match the bank line again, to the new "
            "copy if there is one.",
            "If the match must stay, make the same change by hand in QuickBooks instead, "
            "before reconciling that account.",
        )
    ),
    "6540": _Entry(
        _g(
            "6540",
            "The payment has already been deposited in QuickBooks",
            "A deposited payment cannot be changed. lawsync changes a payment by deleting and "
            "re-creating it, which QuickBooks refuses once the payment is part of a deposit.",
            "In QuickBooks, open the deposit that holds this payment and remove the payment "
            "from it "
            "(it goes back to Undeposited Funds).",
            f"Then press Retry on this failure's row in {FAILURES_PAGE}; "
            "afterwards you can deposit it again.",
        )
    ),
    "lawsync:no-lines": _Entry(
        _g(
            "lawsync:no-lines",
            "The bill has no lines",
            "Every line was removed from the bill; QuickBooks needs at least one.",
            "Ignore this failure (the bill will not sync), or void the bill and create a new one "
            "with at least one line.",
        )
    ),
    "lawsync:item-lines": _Entry(
        _g(
            "lawsync:item-lines",
            "The expense uses product lines, which cannot be imported",
            "Only lines entered as categories (Category details) are imported as hard costs.",
            "In QuickBooks, remove the line from Item details and create a new expense with the "
            "line "
            "under Category details. Moving the same line does not help.",
        )
    ),
    "lawsync:client_funds_unmapped": _Entry(
        _g(
            "lawsync:client_funds_unmapped",
            "This client funds account is not mapped to QuickBooks accounts",
            "Client funds post to the bank account and the liability account of the company "
            "chosen for each client funds account, and none are chosen for this one (the mapping "
            "was removed after the transaction was first sent).",
            f"In {FUNDS_SETTINGS}, choose the bank account and the liability account for this "
            f"client funds account (its transactions are on {CLIENT_FUNDS_PAGE}); "
            f"{SAVING_RETRIES}.",
            settings=("client_funds_accounts",),
        )
    ),
    "lawsync:journal_number_too_long": _Entry(
        _g(
            "lawsync:journal_number_too_long",
            "The journal entry's number would be longer than QuickBooks allows",
            "A client funds journal entry is numbered with the journal prefix followed by the "
            "transaction's number, and QuickBooks takes at most 21 characters.",
            f"Shorten the journal prefix in {FUNDS_SETTINGS}; {SAVING_RETRIES}.",
            settings=("journal_prefix",),
        )
    ),
    "lawsync:email-conflict": _Entry(
        _g(
            "lawsync:email-conflict",
            "A contact change from QuickBooks could not be imported",
            "The primary email changed in QuickBooks to an address another lawsync contact uses as "
            "its sign-in address. Other changes keep syncing.",
            "Change the email address in lawsync, or give the customer another address in "
            "QuickBooks.",
        )
    ),
    # ---- the ledger and the company compared after a pass (lawsync.sync.trust_drift) ----------
    "lawsync:trust_client_drift": _Entry(
        _g(
            "lawsync:trust_client_drift",
            "A client's trust balance differs between the ledger and QuickBooks",
            "After the last pass, the postings naming this client on the trust liability account "
            "in QuickBooks do not add up to the client's balance in the ledger. Someone changed, "
            "deleted or added a transaction in QuickBooks, or a ledger movement has not been "
            "sent yet. The transactions that explain it are listed with this failure: missing "
            "(in the ledger, not in QuickBooks), only in QuickBooks, or different amounts.",
            "Open the listed transactions in QuickBooks. A transaction lawsync made must not be "
            "edited there: undo the edit, or delete the changed copy so the next pass sends "
            "the ledger's again.",
            "A transaction only in QuickBooks that belongs in trust is recorded in the ledger "
            f"(on {CLIENT_FUNDS_PAGE}); one that does not belong is removed in QuickBooks.",
            "A movement not synced yet has its own failure: resolve that one first.",
            "The next pass compares again and closes this failure when both sides agree.",
        )
    ),
    "lawsync:trust_account_drift": _Entry(
        _g(
            "lawsync:trust_account_drift",
            "A trust account's balance differs between the ledger and QuickBooks",
            "After the last pass, the trust bank account or the trust liability account in "
            "QuickBooks does not hold what the ledger's trust account holds, or some postings on "
            "the liability account name no client of the firm.",
            "Look at the client failures listed beside this one: they name the transactions.",
            "Postings on the trust accounts that lawsync did not make (bank fees, a transfer "
            "entered in QuickBooks) belong in the ledger first, or out of the trust accounts.",
            "The next pass compares again and closes this failure when both sides agree.",
        )
    ),
    "lawsync:invoice_drift": _Entry(
        _g(
            "lawsync:invoice_drift",
            "A bill's invoice in QuickBooks has another total or balance",
            "After the last pass, the invoice lawsync made for this bill shows a total or a "
            "balance other than the bill's: it was edited or deleted in QuickBooks, or a payment "
            "or credit was recorded there and not in the ledger.",
            "Record the payment or credit in lawsync (the bill's page), or undo the change in "
            "QuickBooks.",
            "If the invoice was deleted in QuickBooks, edit the bill in lawsync to send it again.",
            "The next pass compares again and closes this failure when both sides agree.",
        )
    ),
}


def guide_for(
    code: str, *, element: str | None = None, detail: str | None = None, kind: str | None = None
) -> Guide:
    """The guide for a fault; unknown codes get a generic one that still says what to do."""
    key = "6200" if code in ("6201", "6210") else code
    entry = _CATALOGUE.get(key)
    if entry is None:
        return _g(
            code,
            "QuickBooks refused the change",
            "QuickBooks returned an error lawsync has no specific advice for; its message "
            "is shown with this failure.",
            "Correct the record according to the message, then retry.",
            "If the message is unclear, contact support with it.",
        )
    text = (detail or "").lower()
    for v_element, v_detail, v_kind, guide in entry.variants:
        if v_element is not None and v_element != element:
            continue
        if v_detail is not None and v_detail.lower() not in text:
            continue
        if v_kind is not None and kind not in _FAMILIES.get(v_kind, (v_kind,)):
            continue
        return guide
    return entry.default


def knows(code: str) -> bool:
    """Whether the catalogue has advice of its own for this code (not the generic guide)."""
    return code in _CATALOGUE or code in ("6201", "6210")


def known_codes() -> list[str]:
    return sorted(_CATALOGUE)
