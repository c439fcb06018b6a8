"""EDTF dates (levels 0 and 1, the subset briefings use): parsing, bounds, sorting, display."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

YEAR, MONTH, DAY, TIME = 0, 1, 2, 3
"""Precision ranks: a coarser date has a smaller rank and sorts first among equal starts."""

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_SEASONS = {
    21: ("Spring", 3, 5),
    22: ("Summer", 6, 8),
    23: ("Autumn", 9, 11),
    24: ("Winter", 12, 14),
}

_SINGLE = re.compile(
    r"(?P<year>\d[\dX]{3})"
    r"(?:-(?P<month>[\dX]{2})(?:-(?P<day>[\dX]{2}))?)?"
    r"(?:T(?P<time>\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}(?::?\d{2})?)?))?"
    r"(?P<qual>[?~%])?"
)


class DateError(ValueError):
    """A date string that is not in the supported EDTF subset."""


@dataclass(frozen=True, slots=True)
class Instant:
    """One EDTF date (not an interval): the span of days it can mean, and how precisely."""

    text: str
    lower: dt.date
    upper: dt.date
    precision: int
    uncertain: bool = False
    approximate: bool = False
    time: str | None = None

    def human(self) -> str:
        """A reader's form: `26 Oct 2020`, `Oct 2020`, `~Aug 2019`, `2020?`."""
        core = self.text.rstrip("?~%")
        if "X" in core:
            shown = core
        elif self.precision == YEAR:
            shown = f"{self.lower.year}"
        elif self.precision == MONTH:
            month = int(core[5:7])
            if month in _SEASONS:
                shown = f"{_SEASONS[month][0]} {self.lower.year}"
            else:
                shown = f"{_MONTHS[self.lower.month - 1]} {self.lower.year}"
        else:
            shown = f"{self.lower.day} {_MONTHS[self.lower.month - 1]} {self.lower.year}"
            if self.time:
                shown += " " + _short_time(self.time)
        if self.approximate:
            shown = "~" + shown
        if self.uncertain:
            shown += "?"
        return shown


@dataclass(frozen=True, slots=True)
class EdtfDate:
    """A parsed date or interval; `start`/`end` are None where an interval is open or unknown."""

    text: str
    start: Instant | None
    end: Instant | None
    interval: bool

    @property
    def lower(self) -> dt.date | None:
        """The earliest day the date can mean (None: open towards the past)."""
        return self.start.lower if self.start else None

    @property
    def upper(self) -> dt.date | None:
        """The latest day the date can mean (None: open towards the future)."""
        if self.interval:
            return self.end.upper if self.end else None
        return self.start.upper if self.start else None

    @property
    def precision(self) -> int:
        """The precision of the start (or of the end, when the start is open)."""
        first = self.start or self.end
        return first.precision if first else YEAR

    def sort_key(self) -> tuple[int, int, int]:
        """Earliest instant first, then coarser precision first (file order breaks ties).

        A time with a UTC offset is compared in UTC, so `00:00+03:00` sorts before `22:00Z`
        of the previous day.
        """
        if self.start is None:
            return (0, 0, self.precision)
        if self.start.time is None:
            return (self.start.lower.toordinal(), 0, self.precision)
        moment = dt.datetime.fromisoformat(f"{self.start.lower.isoformat()}T{self.start.time}")
        if moment.tzinfo is not None:
            moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
        seconds = moment.hour * 3600 + moment.minute * 60 + moment.second
        return (moment.toordinal(), seconds, self.precision)

    def human(self) -> str:
        """A reader's form of the whole date: `26 Oct 2020`, `2017 –`, `Sep 2020 – Oct 2020`."""
        if not self.interval:
            return self.start.human() if self.start else self.text
        left = self.start.human() if self.start else "…"
        right = self.end.human() if self.end else ""
        return f"{left} – {right}".rstrip()


def _short_time(time: str) -> str:
    """`00:01:00+03:00` → `00:01 UTC+3`; `14:30:15Z` → `14:30:15 UTC`; seconds only when set."""
    match = re.fullmatch(r"(\d{2}:\d{2})(:\d{2})?(Z|([+-])(\d{2}):?(\d{2})?)?", time)
    if not match:
        return time
    clock, seconds, zone, sign, hours, minutes = match.groups()
    if seconds and seconds != ":00":
        clock += seconds
    if zone == "Z":
        return f"{clock} UTC"
    if zone:
        tail = f":{minutes}" if minutes and minutes != "00" else ""
        return f"{clock} UTC{sign}{int(hours)}{tail}"
    return clock


def normalize(value: object) -> str:
    """The string form of a date as YAML may hand it over (str, int year, date, datetime)."""
    if isinstance(value, bool):
        raise DateError(f"{value!r} is not a date")
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return f"{value:04d}" if value >= 0 else str(value)
    if isinstance(value, str):
        return value.strip()
    raise DateError(f"{value!r} is not a date")


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _digit_range(field: str, low: int, high: int) -> tuple[int, int]:
    """Bounds of a field whose unspecified digits are written X (`201X` → 2010..2019)."""
    lo, hi = int(field.replace("X", "0")), int(field.replace("X", "9"))
    return max(lo, low), min(hi, high)


def _instant(text: str) -> Instant:
    match = _SINGLE.fullmatch(text)
    if not match:
        raise DateError(
            f"{text!r} is not an EDTF date "
            "(use YYYY, YYYY-MM or YYYY-MM-DD, optionally ending in ?, ~ or %)"
        )
    year_s, month_s, day_s, time_s, qual = match.group("year", "month", "day", "time", "qual")
    y_lo, y_hi = _digit_range(year_s, 1, 9999)
    if int(year_s.replace("X", "9")) < 1:
        raise DateError(f"{text!r}: years before 1 are not supported")
    precision = YEAR
    m_lo, m_hi = 1, 12
    if month_s is not None:
        precision = MONTH
        if "X" not in month_s and int(month_s) in _SEASONS:
            if day_s is not None:
                raise DateError(f"{text!r}: a season (21-24) cannot have a day")
            _, m_lo, m_hi = _SEASONS[int(month_s)]
        else:
            m_lo, m_hi = _digit_range(month_s, 1, 12)
            if "X" not in month_s and not 1 <= int(month_s) <= 12:
                raise DateError(f"{text!r}: month {month_s} does not exist")
    d_lo, d_hi = 1, 31
    if day_s is not None:
        precision = DAY
        exact = "X" not in day_s + month_s + year_s
        if exact and not 1 <= int(day_s) <= _last_day(y_lo, m_lo):
            raise DateError(f"{text!r}: day {day_s} does not exist in that month")
        d_lo, d_hi = _digit_range(day_s, 1, 31)
    if time_s is not None:
        if day_s is None or "X" in text:
            raise DateError(f"{text!r}: a time needs a complete day")
        precision = TIME
        try:
            dt.time.fromisoformat(time_s.replace("Z", "+00:00"))
        except ValueError as exc:
            raise DateError(f"{text!r}: {time_s!r} is not a valid time") from exc
    if m_lo > m_hi or d_lo > d_hi:
        raise DateError(f"{text!r} does not name any day")
    upper_year, upper_month = y_hi, m_hi
    if upper_month > 12:  # winter runs into the next year (but not past the calendar's end)
        upper_year, upper_month = upper_year + 1, upper_month - 12
        if upper_year > 9999:
            upper_year, upper_month = 9999, 12
    if d_lo > _last_day(y_lo, m_lo):
        raise DateError(f"{text!r} does not name any day")
    lower = dt.date(y_lo, m_lo, d_lo)
    upper = dt.date(upper_year, upper_month, min(d_hi, _last_day(upper_year, upper_month)))
    if lower > upper:
        raise DateError(f"{text!r} does not name any day")
    return Instant(
        text=text,
        lower=lower,
        upper=upper,
        precision=precision,
        uncertain=qual in ("?", "%"),
        approximate=qual in ("~", "%"),
        time=time_s,
    )


@lru_cache(maxsize=65536)
def parse(text: str) -> EdtfDate:
    """Parse an EDTF date or interval; raises DateError with a reason a person can act on."""
    if not text:
        raise DateError("a date cannot be empty")
    if "/" not in text:
        return EdtfDate(text=text, start=_instant(text), end=None, interval=False)
    left, _, right = text.partition("/")
    if "/" in right:
        raise DateError(f"{text!r}: an interval has exactly one '/'")
    start = None if left in ("", "..") else _instant(left)
    end = None if right in ("", "..") else _instant(right)
    if start is None and end is None:
        raise DateError(f"{text!r}: an interval needs at least one end")
    if start and end and start.lower > end.upper:
        raise DateError(f"{text!r}: the interval ends before it starts")
    return EdtfDate(text=text, start=start, end=end, interval=True)
