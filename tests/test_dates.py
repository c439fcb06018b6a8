"""EDTF dates: parsing, bounds, precision, human forms and timeline sort order."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing_tui.model import dates
from briefing_tui.model.dates import DateError, parse


@pytest.mark.parametrize(
    ("text", "lower", "upper", "human"),
    [
        ("2020", dt.date(2020, 1, 1), dt.date(2020, 12, 31), "2020"),
        ("2020-10", dt.date(2020, 10, 1), dt.date(2020, 10, 31), "Oct 2020"),
        ("2020-02", dt.date(2020, 2, 1), dt.date(2020, 2, 29), "Feb 2020"),
        ("2020-10-26", dt.date(2020, 10, 26), dt.date(2020, 10, 26), "26 Oct 2020"),
        ("2019-08~", dt.date(2019, 8, 1), dt.date(2019, 8, 31), "~Aug 2019"),
        ("2020-10-16?", dt.date(2020, 10, 16), dt.date(2020, 10, 16), "16 Oct 2020?"),
        ("2020%", dt.date(2020, 1, 1), dt.date(2020, 12, 31), "~2020?"),
        ("2017/..", dt.date(2017, 1, 1), None, "2017 –"),
        ("../2020-03", None, dt.date(2020, 3, 31), "… – Mar 2020"),
        ("2020-09/2020-10", dt.date(2020, 9, 1), dt.date(2020, 10, 31), "Sep 2020 – Oct 2020"),
        ("201X", dt.date(2010, 1, 1), dt.date(2019, 12, 31), "201X"),
        ("2020-24", dt.date(2020, 12, 1), dt.date(2021, 2, 28), "Winter 2020"),
        ("2020-03-06T00:01", dt.date(2020, 3, 6), dt.date(2020, 3, 6), "6 Mar 2020 00:01"),
    ],
)
def test_parse_bounds_and_human_form(
    text: str, lower: dt.date | None, upper: dt.date | None, human: str
) -> None:
    date = parse(text)
    assert date.lower == lower
    assert date.upper == upper
    assert date.human() == human


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2020-13", "month 13 does not exist"),
        ("2021-02-29", "day 29 does not exist"),
        ("26 Oct 2020", "is not an EDTF date"),
        ("2020/2019", "ends before it starts"),
        ("../..", "needs at least one end"),
        ("", "cannot be empty"),
        ("2020-21-01", "season"),
        ("2020/2021/2022", "exactly one '/'"),
        ("0000", "years before 1"),
    ],
)
def test_bad_dates_say_why(text: str, reason: str) -> None:
    with pytest.raises(DateError, match=reason):
        parse(text)


def test_yaml_values_normalize_to_the_same_string() -> None:
    assert dates.normalize(dt.date(2020, 10, 26)) == "2020-10-26"
    assert dates.normalize(2020) == "2020"
    assert dates.normalize(" 2020-10 ") == "2020-10"
    with pytest.raises(DateError):
        dates.normalize(True)


def test_sort_by_earliest_instant_then_coarser_precision() -> None:
    texts = ["2020-10-26", "2020-10", "2020", "2019-08~", "2020-10-01", "../2019"]
    ordered = sorted(texts, key=lambda t: parse(t).sort_key())
    assert ordered == ["../2019", "2019-08~", "2020", "2020-10", "2020-10-01", "2020-10-26"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789X-/.?~%T:Z+ ", max_size=25))
def test_any_text_parses_or_raises_date_error(text: str) -> None:
    try:
        date = parse(text)
    except DateError:
        return
    assert date.human()
    assert date.lower is None or date.upper is None or date.lower <= date.upper


@pytest.mark.parametrize("text", ["2020-2X", "2021-02-3X", "2020-02-30"])
def test_unspecified_digits_that_name_no_day_are_date_errors(text: str) -> None:
    with pytest.raises(DateError):
        parse(text)


def test_times_with_offsets_sort_in_utc() -> None:
    moscow_midnight = parse("2020-11-10T00:00:00+03:00")
    late_utc = parse("2020-11-09T22:00:00Z")
    assert moscow_midnight.sort_key() < late_utc.sort_key()


@pytest.mark.parametrize(
    ("text", "human"),
    [
        ("2020-11-10T00:00:00+03:00", "10 Nov 2020 00:00 UTC+3"),
        ("2020-03-06T00:01", "6 Mar 2020 00:01"),
        ("2020-03-06T14:30:15Z", "6 Mar 2020 14:30:15 UTC"),
        ("2020-03-06T10:00+05:30", "6 Mar 2020 10:00 UTC+5:30"),
    ],
)
def test_times_read_as_a_person_writes_them(text: str, human: str) -> None:
    assert parse(text).human() == human
