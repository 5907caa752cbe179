"""Schedule math: wall times in the zone, the DST rule, windows. Pure functions, no database."""

import datetime as dt
import itertools
import uuid
import zoneinfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.models import WEEKDAYS
from tracker.reminders import next_occurrence, occurrence_on, wall_time_to_utc, window_offset

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
EVERY_DAY = WEEKDAYS


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def fires(*, wall, zone, start, count, days=EVERY_DAY, window_minutes=0, seed=""):
    """The next `count` (local date, fire instant) pairs after `start`, each from the previous fire."""
    found = []
    after = start
    for _ in range(count):
        local_date, fire_at = next_occurrence(
            after=after, wall=wall, days=days, zone=zone, window_minutes=window_minutes, seed=seed
        )
        found.append((local_date, fire_at))
        after = fire_at
    return found


def test_eight_oclock_in_berlin_stays_at_eight_across_both_2026_dst_changes():
    spring = fires(wall=dt.time(8), zone=BERLIN, start=utc(2026, 3, 27, 12), count=2)
    autumn = fires(wall=dt.time(8), zone=BERLIN, start=utc(2026, 10, 23, 12), count=2)

    assert [fire_at for _, fire_at in spring] == [utc(2026, 3, 28, 7), utc(2026, 3, 29, 6)]
    assert [fire_at for _, fire_at in autumn] == [utc(2026, 10, 24, 6), utc(2026, 10, 25, 7)]


def test_a_time_in_the_spring_forward_gap_fires_once_at_the_moment_the_clock_jumps():
    # 2026-03-29 Berlin: 02:00 CET jumps to 03:00 CEST (01:00Z); 02:30 does not exist that day.
    found = fires(wall=dt.time(2, 30), zone=BERLIN, start=utc(2026, 3, 28, 0), count=3)

    assert found == [
        (dt.date(2026, 3, 28), utc(2026, 3, 28, 1, 30)),
        (dt.date(2026, 3, 29), utc(2026, 3, 29, 1, 0)),  # 03:00 local, the first valid instant
        (dt.date(2026, 3, 30), utc(2026, 3, 30, 0, 30)),
    ]
    assert utc(2026, 3, 29, 1).astimezone(BERLIN).strftime("%H:%M") == "03:00"


def test_a_time_in_the_fall_back_fold_fires_once_at_its_first_occurrence():
    # 2026-10-25 Berlin: 03:00 CEST falls back to 02:00 CET (01:00Z); 02:30 happens twice.
    found = fires(wall=dt.time(2, 30), zone=BERLIN, start=utc(2026, 10, 24, 0), count=3)

    assert found == [
        (dt.date(2026, 10, 24), utc(2026, 10, 24, 0, 30)),
        (dt.date(2026, 10, 25), utc(2026, 10, 25, 0, 30)),  # 02:30 CEST, not 02:30 CET (01:30Z)
        (dt.date(2026, 10, 26), utc(2026, 10, 26, 1, 30)),
    ]


def test_lord_howes_half_hour_gap_fires_at_half_past_two():
    lord_howe = zoneinfo.ZoneInfo("Australia/Lord_Howe")

    # 2026-10-04: 02:00 (+10:30) jumps to 02:30 (+11:00) = 2026-10-03T15:30Z.
    assert wall_time_to_utc(dt.date(2026, 10, 4), dt.time(2, 15), lord_howe) == utc(2026, 10, 3, 15, 30)
    # 2026-04-05: 02:00 (+11:00) falls back to 01:30 (+10:30); 01:45 fires at its first occurrence.
    assert wall_time_to_utc(dt.date(2026, 4, 5), dt.time(1, 45), lord_howe) == utc(2026, 4, 4, 14, 45)


ZONES_AND_TIMES = [
    ("America/New_York", dt.time(2, 30)),  # in the March gap
    ("America/New_York", dt.time(1, 30)),  # in the November fold
    ("America/New_York", dt.time(8, 0)),
    ("Australia/Lord_Howe", dt.time(2, 15)),  # in the 30-minute October gap
    ("Australia/Lord_Howe", dt.time(1, 45)),  # in the 30-minute April fold
    ("Asia/Kathmandu", dt.time(0, 0)),  # +05:45, no DST: midnight is tomorrow's date in UTC terms
    ("Europe/Berlin", dt.time(2, 30)),
    ("Europe/Berlin", dt.time(23, 59)),
    ("Pacific/Chatham", dt.time(2, 50)),  # +12:45/+13:45, gap 02:45-03:45
]


@pytest.mark.parametrize(("zone_name", "wall"), ZONES_AND_TIMES)
@pytest.mark.parametrize("days", [EVERY_DAY, ["mon", "wed", "fri"], ["sun"]])
def test_400_simulated_days_give_exactly_one_fire_per_scheduled_day(zone_name, wall, days):
    zone = zoneinfo.ZoneInfo(zone_name)
    start = utc(2026, 1, 1)
    end = start + dt.timedelta(days=400)
    found = []
    after = start
    while True:
        local_date, fire_at = next_occurrence(after=after, wall=wall, days=days, zone=zone)
        if fire_at >= end:
            break
        found.append((local_date, fire_at))
        after = fire_at

    fired_dates = [local_date for local_date, _ in found]
    first_local = start.astimezone(zone).date()
    expected = [
        first_local + dt.timedelta(days=n)
        for n in range(402)
        if WEEKDAYS[(first_local + dt.timedelta(days=n)).weekday()] in days
    ]
    expected = [d for d in expected if start < wall_time_to_utc(d, wall, zone) < end]
    assert fired_dates == expected  # every scheduled day, once, in order
    assert len(set(fired_dates)) == len(fired_dates)
    for local_date, fire_at in found:
        local = fire_at.astimezone(zone)
        assert local.date() == local_date  # fires on its own day
        # At the chosen wall time, or (only in a gap) at most an hour after it when the clock jumps.
        minutes_late = dt.datetime.combine(local_date, local.time()) - dt.datetime.combine(local_date, wall)
        assert dt.timedelta(0) <= minutes_late <= dt.timedelta(hours=1)
        if minutes_late:
            assert wall_time_to_utc(local_date, wall, zone).astimezone(zone).time() != wall  # a gap day


def test_a_window_moves_each_occurrence_by_a_stable_offset_inside_the_window():
    seed = str(uuid.uuid4())
    first = fires(wall=dt.time(8), zone=BERLIN, start=utc(2026, 5, 1), count=30, window_minutes=45, seed=seed)
    again = fires(wall=dt.time(8), zone=BERLIN, start=utc(2026, 5, 1), count=30, window_minutes=45, seed=seed)

    assert first == again  # recomputing gives the same instants
    offsets = [fire_at - wall_time_to_utc(local_date, dt.time(8), BERLIN) for local_date, fire_at in first]
    assert all(dt.timedelta(0) <= offset < dt.timedelta(minutes=45) for offset in offsets)
    assert len(set(offsets)) > 20  # it varies from day to day
    assert [d for d, _ in first] == [dt.date(2026, 5, 1) + dt.timedelta(days=n) for n in range(30)]


def test_a_late_evening_window_crossing_midnight_still_fires_once_per_day():
    seed = "fixed-seed"
    found = fires(
        wall=dt.time(23, 0), zone=BERLIN, start=utc(2026, 3, 1, 12), count=60, window_minutes=720, seed=seed
    )

    assert [d for d, _ in found] == [dt.date(2026, 3, 1) + dt.timedelta(days=n) for n in range(60)]
    assert all(a[1] < b[1] for a, b in itertools.pairwise(found))


def test_the_window_offset_depends_on_the_reminder_and_the_date():
    day = dt.date(2026, 6, 1)
    offsets = {window_offset(seed=str(uuid.uuid4()), local_date=day, window_minutes=60) for _ in range(20)}

    assert len(offsets) > 10
    assert window_offset(seed="a", local_date=day, window_minutes=0) == dt.timedelta(0)


def test_a_day_outside_the_schedule_has_no_occurrence():
    monday = dt.date(2026, 6, 1)

    assert occurrence_on(monday, wall=dt.time(8), days=["tue"], zone=BERLIN) is None
    assert occurrence_on(monday, wall=dt.time(8), days=["mon"], zone=BERLIN) == utc(2026, 6, 1, 6)
    assert next_occurrence(after=utc(2026, 6, 1), wall=dt.time(8), days=[], zone=BERLIN) is None


ALL_ZONES = sorted(zoneinfo.available_timezones() - {"Factory", "localtime"})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    zone_name=st.sampled_from(ALL_ZONES),
    wall=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    days=st.sets(st.sampled_from(WEEKDAYS), min_size=1),
    start=st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2035, 1, 1)),  # noqa: DTZ001 (hypothesis takes naive bounds)
    window_minutes=st.sampled_from([0, 0, 15, 720]),
)
def test_in_every_iana_zone_each_scheduled_date_fires_once_in_order(
    zone_name, wall, days, start, window_minutes
):
    zone = zoneinfo.ZoneInfo(zone_name)
    after = start.replace(tzinfo=dt.UTC)
    seed = "property"
    found = fires(
        wall=wall, zone=zone, start=after, count=60, days=days, window_minutes=window_minutes, seed=seed
    )

    dates = [local_date for local_date, _ in found]
    instants = [fire_at for _, fire_at in found]
    assert all(WEEKDAYS[d.weekday()] in days for d in dates)
    assert all(a < b for a, b in itertools.pairwise(dates))  # one per date, in order
    assert all(a < b for a, b in itertools.pairwise(instants))
    # No scheduled date between the first and last fire is skipped.
    span = (dates[-1] - dates[0]).days
    scheduled = [dates[0] + dt.timedelta(days=n) for n in range(span + 1)]
    assert dates == [d for d in scheduled if WEEKDAYS[d.weekday()] in days]
    for local_date, fire_at in found:
        base = fire_at - window_offset(seed=seed, local_date=local_date, window_minutes=window_minutes)
        nominal = dt.datetime.combine(local_date, wall)
        shown = base.astimezone(zone).replace(tzinfo=None)
        # On the chosen wall time, or (in a gap) at the jump: within the gap's length after it.
        assert dt.timedelta(0) <= shown - nominal <= dt.timedelta(hours=2)
