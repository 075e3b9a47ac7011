"""Reading values as people type them: full-width digits (１２３), ８５％, 1,234, era dates
(令和7年4月1日, R7.4.1, 平成31年4月30日), Western dates (2025/4/1, 2025-04-01, 2025年4月1日)
and times (20:00, ２０時３０分, 午後8時).

Each parser returns the value or raises ``ValueError`` with a message for the person typing;
callers (forms) show it next to the field and keep what was typed.
"""

import re
import unicodedata
from datetime import date, time
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

# Era name, its Latin initial, and the first day of its first year.
ERAS = [
    ("令和", "R", date(2019, 5, 1)),
    ("平成", "H", date(1989, 1, 8)),
    ("昭和", "S", date(1926, 12, 25)),
]
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
WEEKDAY = re.compile(r"[（(][月火水木金土日祝・]+[)）]")
YES = {"はい", "yes", "y", "○", "〇", "◯", "有", "あり", "有り", "実施", "済", "済み", "true", "1"}
NO = {"いいえ", "no", "n", "×", "✕", "無", "なし", "無し", "未実施", "未", "false", "0"}


def normalize(text: str) -> str:
    """NFKC (full-width letters and digits to half-width, ％ to %), control characters out,
    spaces trimmed."""
    return CONTROL.sub("", unicodedata.normalize("NFKC", str(text))).strip()


def parse_number(text: str, unit: str = "") -> Decimal:
    value = normalize(text).replace(",", "").replace(" ", "")
    if unit:
        unit_normalized = normalize(unit)
        if unit_normalized and value.endswith(unit_normalized):
            value = value[: -len(unit_normalized)]
    value = value.replace("−", "-").replace("ー", "-") if value[:1] in "−ー" else value
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(_("Enter a number, e.g. 1234 or 12.5.")) from None
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        raise ValueError(_("Enter a number, e.g. 1234 or 12.5.")) from None
    if number == number.to_integral_value():
        return Decimal(int(number))
    return Decimal(format(number.normalize(), "f"))


def parse_percentage(text: str) -> Decimal:
    value = normalize(text).replace(" ", "").removesuffix("%").removesuffix("パーセント")
    try:
        number = parse_number(value)
    except ValueError:
        raise ValueError(_("Enter a percentage between 0 and 100, e.g. 85 or 85%.")) from None
    if not 0 <= number <= 100:
        raise ValueError(
            _("A percentage is between 0 and 100 (you entered %(value)s).") % {"value": number}
        )
    return number


def _era_date(era_start: date, year_text: str, month: int, day: int) -> date:
    year = 1 if year_text in ("元", "1") else int(year_text)
    result = date(era_start.year + year - 1, month, day)
    if result < era_start:
        raise ValueError
    return result


DATE_PATTERNS = [
    # 令和7年4月1日, 令和元年5月1日
    re.compile(
        r"^(?P<era>令和|平成|昭和)(?P<year>元|\d{1,2})年(?P<month>\d{1,2})月(?P<day>\d{1,2})日?$"
    ),
    # R7.4.1, R7/4/1, R7-4-1, R07.04.01
    re.compile(
        r"^(?P<letter>[RHSrhs])\.?(?P<year>\d{1,2})[./-](?P<month>\d{1,2})[./-](?P<day>\d{1,2})$"
    ),
    # 2025年4月1日
    re.compile(r"^(?P<western>\d{4})年(?P<month>\d{1,2})月(?P<day>\d{1,2})日?$"),
    # 2025-04-01, 2025/4/1, 2025.4.1
    re.compile(r"^(?P<western>\d{4})[./-](?P<month>\d{1,2})[./-](?P<day>\d{1,2})$"),
    # 20250401
    re.compile(r"^(?P<western>\d{4})(?P<month>\d{2})(?P<day>\d{2})$"),
]


def parse_date(text: str) -> date:
    value = WEEKDAY.sub("", normalize(text)).replace(" ", "")
    message = _("Enter a date such as 2025-04-01, 2025年4月1日, 令和7年4月1日 or R7.4.1.")
    for pattern in DATE_PATTERNS:
        match = pattern.match(value)
        if not match:
            continue
        parts = match.groupdict()
        try:
            month, day = int(parts["month"]), int(parts["day"])
            if parts.get("western"):
                return date(int(parts["western"]), month, day)
            key = parts.get("era") or parts["letter"].upper()
            era_start = next(start for name, letter, start in ERAS if key in (name, letter))
            return _era_date(era_start, parts["year"], month, day)
        except ValueError:
            raise ValueError(
                _("%(value)s is not a date in the calendar.") % {"value": text.strip()}
            ) from None
    raise ValueError(message)


TIME_PATTERN = re.compile(
    r"^(?P<half>午前|午後|AM|PM|am|pm)?(?P<hour>\d{1,2})(?:[:時](?P<minute>\d{1,2})?分?)?"
    r"(?P<suffix>AM|PM|am|pm)?$"
)


def parse_time(text: str) -> time:
    value = normalize(text).replace(" ", "").replace("半", "30")
    match = TIME_PATTERN.match(value)
    message = _("Enter a time such as 20:00, 20時 or 午後8時.")
    if not match:
        raise ValueError(message)
    hour = int(match["hour"])
    minute = int(match["minute"] or 0)
    half = (match["half"] or match["suffix"] or "").lower()
    if half in ("午後", "pm") and hour < 12:
        hour += 12
    elif half in ("午前", "am") and hour == 12:
        hour = 0
    try:
        return time(hour, minute)
    except ValueError:
        raise ValueError(message) from None


def parse_yes_no(text: str) -> bool:
    value = normalize(text).casefold()
    if value in YES:
        return True
    if value in NO:
        return False
    raise ValueError(_("Answer yes or no (はい / いいえ)."))


def parse_choice(text: str, choices: list[str]) -> str:
    value = normalize(text).casefold()
    for choice in choices:
        if normalize(choice).casefold() == value:
            return choice
    if value.isdigit() and 1 <= int(value) <= len(choices):
        return choices[int(value) - 1]
    raise ValueError(_("Choose one of: %(choices)s.") % {"choices": " / ".join(choices)})


def parse_text(text: str, max_length: int = 200) -> str:
    value = CONTROL.sub("", str(text)).strip()
    if len(value) > max_length:
        raise ValueError(
            _("At most %(limit)d characters (this has %(count)d).")
            % {"limit": max_length, "count": len(value)}
        )
    return value
