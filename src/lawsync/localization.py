"""How a firm reads money, numbers, dates and times: its locale and time zone.

A firm names a locale (``en_US``, ``en_CA``, ``fr_CA``, ``en_GB``…) and an IANA time zone
(``America/New_York``, ``America/Toronto``…). `canonical_locale` and `canonical_time_zone` check
what is typed and give the spelling to store; `Formats` turns values into the text a person
reads, with Babel (the Unicode CLDR data):

    f = Formats("en_CA", "CAD", "America/Toronto")
    f.money(Decimal("1234.5"), "USD")   # 'US$1,234.50'
    f.date(dt.date(2026, 12, 6))         # 'Dec 6, 2026'
    f.date_time(moment)                  # 'Dec 6, 2026, 7:00 p.m. EST'

Only human-facing text goes through here. What a machine reads back (a form's ``value=``, an
``<input type=date>``, a CSV or the JSON API) stays ISO dates and plain decimals.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError, dates, localedata, numbers

from lawsync.money import to_cents

# A firm created without saying: the app's own language with US conventions, which go with the
# default currency (USD). Time zone: UTC, which is what every page showed before firms had one;
# any other guess would put most firms' times in someone else's zone, and the zone is printed
# beside every time, so a UTC time is never mistaken for a local one.
DEFAULT_LOCALE = "en_US"
DEFAULT_TIME_ZONE = "UTC"
DEFAULT_CURRENCY = "USD"

LOCALE_MAX = 32  # the column's length; the longest CLDR identifier has 14 characters
TIME_ZONE_MAX = 64  # the column's length; the longest IANA name has 30

# A language (2 or 3 letters), then up to three of script, region and variant; "_" or "-".
LOCALE_PATTERN = r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8}){0,3}$"
TIME_ZONE_PATTERN = r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$"
LOCALE_EXAMPLES = "en_US, en_CA, fr_CA or en_GB"
TIME_ZONE_EXAMPLES = "America/New_York, America/Toronto, Europe/London or UTC"

# Names in the zone database that are no place: the machine's own zone, and placeholders.
_NOT_ZONES = frozenset({"localtime", "Factory", "posixrules", "posix", "right"})


def canonical_locale(value: str) -> str:
    """The locale as stored (``fr-ca`` → ``fr_CA``); ValueError for one Babel does not know."""
    text = value.strip().replace("-", "_")
    refused = ValueError(
        f"{value} is not a locale lawsync knows; use one such as {LOCALE_EXAMPLES}"
    )
    if not re.fullmatch(LOCALE_PATTERN, text) or text.split("_")[0].lower() in ("und", "root"):
        raise refused
    try:
        found = str(Locale.parse(text))
    except (ValueError, UnknownLocaleError) as exc:
        raise refused from exc
    if not localedata.exists(found):
        raise refused
    return found


@lru_cache(maxsize=1)
def _zones() -> dict[str, str]:
    """Every IANA zone name this machine knows, by its case-folded spelling."""
    return {
        name.casefold(): name
        for name in zoneinfo.available_timezones()
        if name not in _NOT_ZONES and not name.startswith(("posix/", "right/"))
    }


def canonical_time_zone(value: str) -> str:
    """The IANA time zone as stored (``america/toronto`` → ``America/Toronto``); ValueError for
    a name the time zone database does not have."""
    found = _zones().get(value.strip().casefold())
    if found is None:
        raise ValueError(
            f"{value} is not an IANA time zone; use a name such as {TIME_ZONE_EXAMPLES}"
        )
    return found


def time_zone_choices() -> list[str]:
    """Every time zone a firm may pick, sorted."""
    return sorted(_zones().values())


@lru_cache(maxsize=32)
def locale_choices(shown_in: str = DEFAULT_LOCALE) -> list[tuple[str, str]]:
    """(identifier, name) of every locale with a region, named in ``shown_in``, sorted by name."""
    reader = _locale(shown_in)
    found = []
    for identifier in localedata.locale_identifiers():
        if "_" not in identifier:
            continue  # a language alone: its regions are listed
        name = Locale.parse(identifier).get_display_name(reader) or identifier
        found.append((identifier, f"{name} — {identifier}"))
    return sorted(found, key=lambda pair: pair[1].casefold())


@lru_cache(maxsize=64)
def _locale(identifier: str) -> Locale:
    try:
        return Locale.parse(identifier)
    except (ValueError, UnknownLocaleError):  # stored before a Babel upgrade dropped it
        return Locale.parse(DEFAULT_LOCALE)


@lru_cache(maxsize=64)
def _zone(name: str) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):  # gone from this machine's database
        return dt.UTC


@lru_cache(maxsize=64)
def _amount_pattern(identifier: str) -> str:
    """The locale's money pattern without the currency sign: "¤#,##0.00" → "#,##0.00"."""
    pattern = _locale(identifier).currency_formats["standard"].pattern
    return ";".join(re.sub(r"\s*¤\s*", "", part) for part in pattern.split(";"))


@lru_cache(maxsize=64)
def _date_time_pattern(identifier: str) -> str:
    """The locale's medium date and short time, joined as the locale joins them."""
    locale = _locale(identifier)
    glue = str(locale.datetime_formats["medium"])
    return glue.replace("{1}", locale.date_formats["medium"].pattern).replace(
        "{0}", locale.time_formats["short"].pattern
    )


_OFFSET_ONLY = re.compile(r"[+-][0-9]{4}")


def _zone_name(moment: dt.datetime, zone: dt.tzinfo, locale: Locale) -> str:
    """The zone as people there write it ("EST", "HNE", "GMT"), else its offset ("GMT-05:00")."""
    name = dates.get_timezone_name(moment, "short", locale=locale, zone_variant=None)
    if _OFFSET_ONLY.fullmatch(name):  # CLDR has no short name for it in this locale
        return dates.get_timezone_gmt(moment, "long", locale=locale)
    return name


@dataclass(frozen=True)
class Formats:
    """A firm's locale, currency and time zone, and the text each kind of value becomes."""

    locale: str = DEFAULT_LOCALE
    currency: str = DEFAULT_CURRENCY
    time_zone: str = DEFAULT_TIME_ZONE

    def money(self, value: Decimal | str | int, currency: str | None = None) -> str:
        """An amount with its currency as the locale writes it: "$1,234.50", "US$1,234.50",
        "1 234,50 $", "-$12.00". Rounded to cents; a currency without cents (JPY) shows none
        unless the amount has some."""
        amount = to_cents(Decimal(str(value)))
        code = (currency or self.currency).upper()
        digits = numbers.get_currency_precision(code)
        whole = amount == amount.quantize(Decimal(1).scaleb(-digits))
        return numbers.format_currency(
            amount, code, locale=_locale(self.locale), currency_digits=whole
        )

    def amount(self, value: Decimal | str | int) -> str:
        """An amount without a currency sign, grouped as the locale groups: "1,234.50",
        "1 234,50" (a table's column, where the currency is said once, or not known)."""
        amount = to_cents(Decimal(str(value)))
        return numbers.format_decimal(
            amount, format=_amount_pattern(self.locale), locale=_locale(self.locale)
        )

    def number(self, value: Decimal | str | int) -> str:
        """A quantity, hours or a rate with all its decimals: "1.5", "1,5", "12.3456"."""
        return numbers.format_decimal(
            Decimal(str(value)), locale=_locale(self.locale), decimal_quantization=False
        )

    def date(self, value: dt.date) -> str:
        """A calendar date, medium length: "Dec 6, 2026", "6 déc. 2026", "6 Dec 2026"."""
        return dates.format_date(value, "medium", locale=_locale(self.locale))

    def date_time(self, value: dt.datetime) -> str:
        """A moment in the firm's time zone, with the zone: "Dec 6, 2026, 7:00 PM EST".
        A moment without a zone is taken as UTC (the database keeps UTC)."""
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        zone = _zone(self.time_zone)
        local = value.astimezone(zone)
        locale = _locale(self.locale)
        pattern = _date_time_pattern(self.locale)
        text = dates.format_datetime(local, pattern, tzinfo=zone, locale=locale)
        return f"{text} {_zone_name(local, zone, locale)}"

    def today(self) -> dt.date:
        """Today's date where the firm is (a form's default date)."""
        return dt.datetime.now(_zone(self.time_zone)).date()
