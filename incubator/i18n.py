"""Locales: which ones we serve, how one is chosen for a request, and how values are formatted."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel import Locale
from flask import current_app, has_request_context, request, session
from flask_babel import format_currency, format_date, format_datetime, format_decimal, get_locale
from flask_login import current_user

# Code -> (name in its own language, BCP 47 tag for <html lang>). Names stay in their own language on purpose:
# a reader looks for their language by the name they know it by.
LOCALES: dict[str, tuple[str, str]] = {
    "ja": ("日本語", "ja"),
    "en": ("English", "en"),
    "zh_Hans": ("简体中文", "zh-Hans"),
    "zh_Hant": ("繁體中文", "zh-Hant"),
    "ko": ("한국어", "ko"),
    "vi": ("Tiếng Việt", "vi"),
}

# Chinese browsers send a region more often than a script; map regions to the script their readers use.
_CHINESE_TRADITIONAL = {"tw", "hk", "mo", "hant"}


def match_language_tag(tag: str) -> str | None:
    """Map one Accept-Language tag (``zh-TW``, ``ko-KR``, ``en``) to a served locale code, or None."""
    parts = tag.replace("_", "-").lower().split("-")
    primary = parts[0]
    if primary == "zh":
        return "zh_Hant" if _CHINESE_TRADITIONAL.intersection(parts[1:]) else "zh_Hans"
    return primary if primary in LOCALES else None


def select_locale() -> str:
    """Saved preference, then the switcher's remembered choice, then Accept-Language, then the default."""
    if not has_request_context():  # command line and outbox worker: they force the recipient's locale
        return current_app.config["DEFAULT_LOCALE"]
    user = current_user
    if user and user.is_authenticated and user.locale in LOCALES:
        return user.locale
    chosen = session.get("locale")
    if chosen in LOCALES:
        return chosen
    for tag, _quality in request.accept_languages:
        code = match_language_tag(tag)
        if code:
            return code
    return current_app.config["DEFAULT_LOCALE"]


def html_lang() -> str:
    return LOCALES.get(str(get_locale()), ("", "ja"))[1]


def localized(names: dict[str, str] | None, fallback: str = "") -> str:
    """Pick the active locale's entry of a translated name, falling back to English, then Japanese."""
    if not names:
        return fallback
    code = str(get_locale())
    return names.get(code) or names.get("en") or names.get("ja") or fallback


def country_name(code: str | None) -> str:
    if not code:
        return ""
    return Locale.parse(str(get_locale())).territories.get(code.upper(), code.upper())


def country_choices() -> list[tuple[str, str]]:
    """ISO 3166 countries named in the active locale, sorted by that name."""
    territories = Locale.parse(str(get_locale())).territories
    codes = [c for c in territories if len(c) == 2 and c.isalpha() and c not in {"ZZ", "XA", "XB", "EU", "EZ", "UN"}]
    return sorted(((c, territories[c]) for c in codes), key=lambda pair: pair[1])


def format_yen(amount: int | Decimal | None) -> str:
    return "" if amount is None else format_currency(amount, "JPY")


def format_number(value: int | float | Decimal | None, fmt: str | None = None) -> str:
    """A number in the active locale; ``fmt`` is a Babel pattern, e.g. "0.0" for one decimal."""
    return "" if value is None else format_decimal(value, format=fmt)


def format_share(value: float | None, fmt: str = "0.0") -> str:
    """A share from 0 to 1 as a percentage: 0.771 -> 77.1%; — when there is none."""
    return "—" if value is None else f"{format_decimal(value * 100, format=fmt)}%"


def format_day(value: date | None, fmt: str = "medium") -> str:
    return "" if value is None else format_date(value, fmt)


def format_month(value: date | None) -> str:
    """A month and year, as the active locale writes them (2026年11月, November 2026, tháng 11 năm 2026)."""
    from babel.dates import format_skeleton

    return "" if value is None else format_skeleton("yMMMM", value, locale=get_locale())


def format_moment(value: datetime | None, fmt: str = "medium") -> str:
    """Format a UTC timestamp in the configured time zone (Asia/Tokyo)."""
    return "" if value is None else format_datetime(value, fmt)


def register_template_helpers(app) -> None:
    app.add_template_filter(format_yen, "yen")
    app.add_template_filter(format_number, "number")
    app.add_template_filter(format_share, "share")
    app.add_template_filter(format_day, "day")
    app.add_template_filter(format_moment, "moment")
    app.add_template_filter(format_month, "month")
    app.add_template_filter(country_name, "country")
    app.add_template_filter(localized, "localized")
    app.jinja_env.globals.update(LOCALES=LOCALES, html_lang=html_lang, current_locale=lambda: str(get_locale()))
