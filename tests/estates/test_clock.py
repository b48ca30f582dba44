"""Service time per estate: lunch breaks, nights across midnight, weekends, public holidays, 调休 Saturdays,
and a year the official calendar does not know yet."""
from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from handlers.estates.calendar import HolidayCalendar, official_years
from handlers.estates import calendar as calendar_module
from handlers.estates.clock import EstateClock, format_periods, parse_periods
from handlers.estates.settings_schema import parse_dates
from config.values import parse_days, parse_hours
from handlers.tickets.servicetime import ServiceClock

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEKDAYS = frozenset(range(5))


def utc(text: str) -> datetime:
    """A Shanghai wall-clock time as the naive UTC the database stores."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def clock(hours: str, days=WEEKDAYS, official=True, holidays=(), workdays=()) -> EstateClock:
    calendar = HolidayCalendar(days, official, frozenset(map(date.fromisoformat, parse_dates(holidays))),
                               frozenset(map(date.fromisoformat, parse_dates(workdays))))
    return EstateClock(parse_periods(hours), calendar, SHANGHAI)


def test_a_ticket_opened_the_evening_before_a_holiday_waits_for_the_first_day_back():
    # 2026-09-30 (Wednesday) 20:00; 国庆 1-7 October are days off; Thursday 8 October is the first day back.
    due = clock("08:30-12:00,13:30-18:00").add(utc("2026-09-30T20:00"), 120)
    assert due == utc("2026-10-08T10:30")
    assert clock("08:30-12:00,13:30-18:00", official=False).add(utc("2026-09-30T20:00"), 120) == utc("2026-10-01T10:30")


def test_a_make_up_saturday_is_a_working_day():
    # Friday 2026-02-13 17:30, 60 minutes: 30 on Friday, the rest on Saturday 14 February (调休上班 for 春节).
    assert clock("08:30-18:00").add(utc("2026-02-13T17:30"), 60) == utc("2026-02-14T09:00")
    # an ordinary Saturday a week earlier is not: Friday 6 February goes on to Monday 9 February
    assert clock("08:30-18:00").add(utc("2026-02-06T17:30"), 60) == utc("2026-02-09T09:00")


def test_lunch_break_and_weekend_are_skipped():
    hours = "08:30-12:00,13:30-18:00"
    assert clock(hours).add(utc("2026-11-20T11:50"), 30) == utc("2026-11-20T13:50")       # lunch
    assert clock(hours).add(utc("2026-11-20T17:45"), 30) == utc("2026-11-23T08:45")       # Friday -> Monday
    assert clock(hours).add(utc("2026-11-21T10:00"), 30) == utc("2026-11-23T09:00")       # asked on Saturday


def test_a_night_period_crosses_midnight():
    night = clock("22:00-06:00", days=frozenset(range(7)), official=False)
    assert night.add(utc("2026-11-20T23:00"), 120) == utc("2026-11-21T01:00")
    assert night.add(utc("2026-11-21T03:00"), 240) == utc("2026-11-21T23:00")  # 3h until 06:00, 1h from 22:00
    assert night.add(utc("2026-11-21T12:00"), 30) == utc("2026-11-21T22:30")
    assert night.between(utc("2026-11-20T21:00"), utc("2026-11-21T07:00")) == timedelta(hours=8)


def test_a_night_shift_belongs_to_the_day_it_starts():
    # Friday's night shift runs into Saturday morning; no shift starts on Saturday or Sunday.
    friday_nights = clock("22:00-06:00", official=False)
    assert friday_nights.add(utc("2026-11-21T05:00"), 120) == utc("2026-11-23T23:00")  # 1h Sat morning, 1h Mon night


def test_make_up_days_and_holidays_entered_by_hand_serve_an_unknown_year(caplog, monkeypatch):
    monkeypatch.setattr(calendar_module, "_warned", set())
    first, last = official_years()
    assert last == 2026, "chinesecalendar learned a new year: move this test to the next unknown one"
    # 2027-02-05 (Friday) evening; no official data for 2027 yet.
    hours = "08:30-18:00"
    with caplog.at_level(logging.WARNING, logger="handlers.estates.calendar"):
        plain = clock(hours).add(utc("2027-02-04T17:30"), 60)
    assert plain == utc("2027-02-05T09:00")  # weekdays only: Friday counts
    by_hand = clock(hours, holidays=["2027-02-05..2027-02-11"], workdays=["2027-02-07"])
    assert by_hand.add(utc("2027-02-04T17:30"), 60) == utc("2027-02-07T09:00")  # the make-up Sunday works
    assert by_hand.add(utc("2027-02-07T17:30"), 60) == utc("2027-02-12T09:00")
    assert "2027 uses the service weekdays plus the holidays entered by hand" in caplog.text


def test_hand_entries_override_the_official_calendar():
    assert clock("08:30-18:00", workdays=["2026-10-05"]).add(utc("2026-09-30T17:30"), 60) == utc("2026-10-05T09:00")


def test_no_hours_counts_every_minute_like_today():
    assert clock("").add(utc("2026-09-30T20:00"), 120) == utc("2026-09-30T22:00")


def test_same_answers_as_the_service_clock_without_holidays():
    """Where ServiceClock applies (no night, no holiday) the estate clock agrees with it."""
    hours, days = "08:30-12:00,13:30-18:00", "1-6"
    old = ServiceClock(parse_hours(hours), parse_days(days), SHANGHAI)
    new = clock(hours, days=parse_days(days), official=False)
    start = utc("2026-11-16T07:00")
    for step in range(0, 7 * 24 * 60, 97):
        moment = start + timedelta(minutes=step)
        for minutes in (5, 30, 120, 1440):
            assert new.add(moment, minutes) == old.add(moment, minutes), (moment, minutes)
        assert new.between(start, moment) == old.between(start, moment)


def test_no_service_time_at_all_is_an_error_not_a_hang():
    with pytest.raises(ValueError, match="never reaches"):
        clock("08:00-18:00", days=frozenset(), official=False).add(utc("2026-11-20T10:00"), 30)


@pytest.mark.parametrize("raw, message", [("08:00-08:00", "empty"), ("08:00-12:00,11:00-13:00", "overlap"),
                                          ("22:00-09:00,08:00-12:00", "next morning"), ("8点-9点", "HH:MM")])
def test_bad_periods_are_refused(raw, message):
    with pytest.raises(ValueError, match=message):
        parse_periods(raw)


def test_periods_are_written_back_as_given():
    for raw in ("08:30-12:00,13:30-18:00", "22:00-06:00", "00:00-24:00", "18:00-24:00"):
        assert format_periods(parse_periods(raw)) == raw


def test_holidays_are_described_in_chinese():
    calendar = HolidayCalendar(WEEKDAYS)
    assert calendar.describe(date(2026, 10, 1)) == "国庆节假期"
    assert calendar.describe(date(2026, 2, 14)) == "春节调休上班"
    assert calendar.describe(date(2026, 11, 20)) is None
