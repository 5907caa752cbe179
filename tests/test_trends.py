"""Weekly and range trends: numbers checked by hand against fixtures that cross DST, a 4 am day start,
weeks starting on Sunday, and zones at UTC+14, UTC+5:45 and UTC−3:30."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import client_for, session_client_for
from tests.factories import make_checkin, make_user
from tracker import trends
from tracker.models import WEEKDAYS, CheckIn

UTC = dt.UTC


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.fixture
def dana(db):
    """Berlin, a day that ends at 4 am, weeks from Sunday; her data sits around the end of DST 2025.

    Clocks went back on Sunday 26 Oct 2025 at 01:00 UTC (03:00 CEST -> 02:00 CET).
    """
    user = make_user("dana", timezone="Europe/Berlin", day_starts_at=4, week_starts_on="sun")
    with time_machine.travel(at(2025, 11, 10), tick=False):
        # 02:30 CEST and 02:30 CET on the DST night: both before 4 am, so Saturday 25 Oct (last week).
        make_checkin(user, occurred_at=at(2025, 10, 26, 0, 30), emotion="sad", intensity=7)
        make_checkin(user, occurred_at=at(2025, 10, 26, 1, 30), emotion="sad", intensity=7)
        # 04:30 CET on the 26th: the first day of her week, Sunday 26 Oct.
        make_checkin(
            user,
            occurred_at=at(2025, 10, 26, 3, 30),
            emotion="anxious",
            intensity=6,
            need="reassurance",
            sensation="tight",
            body_area="chest",
        )
        # 03:59 CET on Monday the 27th is still Sunday for her.
        make_checkin(
            user,
            occurred_at=at(2025, 10, 27, 2, 59),
            emotion="lonely",
            intensity=4,
            need="reassurance",
            sensation="heavy",
            body_area="chest",
        )
        # Saturday 1 Nov 23:00 CET, and 03:00 CET on the 2nd (still Saturday): the last day of her week.
        make_checkin(user, occurred_at=at(2025, 11, 1, 22), emotion="hopeful", intensity=2)
        make_checkin(
            user, occurred_at=at(2025, 11, 2, 2), emotion="joyful", intensity=3, need="rest", body_area="legs"
        )
        # 04:00 CET on the 2nd: Sunday 2 Nov, the next week.
        make_checkin(user, occurred_at=at(2025, 11, 2, 3), emotion="calm", intensity=1)
    return user


@pytest.fixture
def dana_client(dana):
    return client_for(dana)


def empty_day(date: str) -> dict:
    return {"date": date, "count": 0, "mean_intensity": None, "mean_pleasantness": None, "mean_energy": None}


# --- week ----------------------------------------------------------------------------------------


def test_week_numbers_match_hand_computed_values_across_dst_day_start_and_a_sunday_week(dana_client):
    response = dana_client.get("/api/trends/week", {"start": "2025-10-26"})

    assert response.status_code == 200
    week = response.json()
    assert (week["start"], week["end"], week["week_starts_on"]) == ("2025-10-26", "2025-11-01", "sun")
    assert week["days"] == [
        # anxious (-0.65, 0.7, 6) and lonely (-0.65, -0.4, 4)
        {
            "date": "2025-10-26",
            "count": 2,
            "mean_intensity": 5.0,
            "mean_pleasantness": -0.65,
            "mean_energy": 0.15,
        },
        empty_day("2025-10-27"),
        empty_day("2025-10-28"),
        empty_day("2025-10-29"),
        empty_day("2025-10-30"),
        empty_day("2025-10-31"),
        # hopeful (0.6, 0.3, 2) and joyful (0.9, 0.6, 3)
        {
            "date": "2025-11-01",
            "count": 2,
            "mean_intensity": 2.5,
            "mean_pleasantness": 0.75,
            "mean_energy": 0.45,
        },
    ]
    # (-0.65 - 0.65 + 0.6 + 0.9) / 4, (0.7 - 0.4 + 0.3 + 0.6) / 4, (6 + 4 + 2 + 3) / 4
    assert (week["count"], week["days_with_checkins"]) == (4, 2)
    assert (week["mean_pleasantness"], week["mean_energy"], week["mean_intensity"]) == (0.05, 0.3, 3.75)
    assert week["distinct_emotions"] == 4
    assert week["top_emotions"] == [
        {"slug": "anxious", "name": "anxious", "count": 1},
        {"slug": "hopeful", "name": "hopeful", "count": 1},
        {"slug": "joyful", "name": "joyful", "count": 1},
        {"slug": "lonely", "name": "lonely", "count": 1},
    ]
    assert week["top_families"] == [
        {"slug": "fear", "count": 1},
        {"slug": "hope", "count": 1},
        {"slug": "joy", "count": 1},
        {"slug": "loneliness", "count": 1},
    ]
    assert week["top_needs"] == [
        {"slug": "reassurance", "name": "reassurance", "count": 2},
        {"slug": "rest", "name": "rest", "count": 1},
    ]
    assert week["top_sensations"] == [
        {"slug": "heavy", "name": "heavy", "count": 1},
        {"slug": "tight", "name": "tight", "count": 1},
    ]
    assert [(a["slug"], a["count"]) for a in week["top_body_areas"]] == [("chest", 2), ("legs", 1)]
    assert [(p["emotion"], p["need"], p["count"]) for p in week["pairs"]] == [
        ("anxious", "reassurance", 1),
        ("joyful", "rest", 1),
        ("lonely", "reassurance", 1),
    ]
    # Last week holds only the two DST-night check-ins (sad: -0.65, -0.45, 7).
    assert week["previous_week"] == {
        "start": "2025-10-19",
        "end": "2025-10-25",
        "count": 2,
        "days_with_checkins": 1,
        "mean_pleasantness": -0.65,
        "mean_energy": -0.45,
        "mean_intensity": 7.0,
        "distinct_emotions": 1,
        "top_emotions": [{"slug": "sad", "name": "sad", "count": 2}],
        "top_needs": [],
    }
    assert week["summary"] == [
        "You checked in 4 times on 2 days and named 4 different feelings; overall the week felt mixed.",
        "Your most frequent unmet need was reassurance (twice).",
        "Your body held it most in the chest (twice).",
        "On average it felt a little lighter than the week before.",
    ]


def test_a_start_inside_the_week_snaps_back_to_the_users_week_start(dana_client):
    wednesday = dana_client.get("/api/trends/week", {"start": "2025-10-29"})
    saturday = dana_client.get("/api/trends/week", {"start": "2025-11-01"})

    assert wednesday.status_code == saturday.status_code == 200
    assert wednesday.json()["start"] == saturday.json()["start"] == "2025-10-26"
    assert wednesday.json() == saturday.json()


def test_the_default_week_is_the_current_local_week_after_the_day_start(dana_client):
    # Sunday 2 Nov 02:30 CET is still Saturday for dana: the week that started on 26 Oct.
    with time_machine.travel(at(2025, 11, 2, 1, 30), tick=False):
        before_four = dana_client.get("/api/trends/week")
    # Sunday 2 Nov 04:00 CET: a new week.
    with time_machine.travel(at(2025, 11, 2, 3), tick=False):
        after_four = dana_client.get("/api/trends/week")

    assert before_four.json()["start"] == "2025-10-26"
    assert after_four.json()["start"] == "2025-11-02"
    assert after_four.json()["count"] == 1


@pytest.mark.parametrize(
    ("zone", "local_midnight_utc"),
    [
        ("Pacific/Kiritimati", at(2026, 1, 4, 10, 0)),  # UTC+14
        ("Asia/Kathmandu", at(2026, 1, 4, 18, 15)),  # UTC+5:45
        ("America/St_Johns", at(2026, 1, 5, 3, 30)),  # UTC−3:30 in January
    ],
)
def test_weeks_split_at_local_midnight_in_zones_with_odd_offsets(db, zone, local_midnight_utc):
    user = make_user("zoe", timezone=zone)
    one_minute = dt.timedelta(minutes=1)
    with time_machine.travel(local_midnight_utc, tick=False):
        make_checkin(user, occurred_at=local_midnight_utc - one_minute, emotion="tired", intensity=2)
        make_checkin(user, occurred_at=local_midnight_utc, emotion="calm", intensity=8)
        response = client_for(user).get("/api/trends/week")  # now is Monday 00:00 local

    assert response.status_code == 200
    week = response.json()
    assert week["start"] == "2026-01-05"
    assert week["days"][0] == {
        "date": "2026-01-05",
        "count": 1,
        "mean_intensity": 8.0,
        "mean_pleasantness": 0.6,
        "mean_energy": -0.6,
    }
    assert week["count"] == 1
    # The minute before midnight is Sunday 4 Jan, the last day of the previous week.
    assert week["previous_week"]["count"] == 1
    assert week["previous_week"]["mean_pleasantness"] == -0.3
    assert list(CheckIn.objects.order_by("occurred_at").values_list("local_date", flat=True)) == [
        dt.date(2026, 1, 4),
        dt.date(2026, 1, 5),
    ]


def test_an_empty_week_has_null_means_empty_lists_and_a_gentle_summary(dana_client):
    response = dana_client.get("/api/trends/week", {"start": "2024-03-03"})

    assert response.status_code == 200
    week = response.json()
    assert [day["count"] for day in week["days"]] == [0] * 7
    assert all(day == empty_day(day["date"]) for day in week["days"])
    assert week["count"] == 0
    assert (week["mean_pleasantness"], week["mean_energy"], week["mean_intensity"]) == (None, None, None)
    assert week["top_emotions"] == week["top_needs"] == week["pairs"] == []
    assert week["distinct_emotions"] == 0
    assert week["previous_week"]["mean_pleasantness"] is None
    assert 1 <= len(week["summary"]) <= 4
    text = " ".join(week["summary"]).lower()
    assert "fine" in text
    for unkind in ("missed", "streak", "failed", "should"):
        assert unkind not in text


def test_the_summary_names_the_top_need_with_the_feeling_it_came_with(db):
    user = make_user("erin")
    with time_machine.travel(at(2026, 3, 6, 12), tick=False):
        for hour in range(4):
            make_checkin(
                user, occurred_at=at(2026, 3, 2 + hour, 9), emotion="anxious", intensity=6, need="reassurance"
            )
        make_checkin(user, occurred_at=at(2026, 3, 5, 20), emotion="lonely", intensity=5, need="connection")
        response = client_for(user).get("/api/trends/week")

    summary = response.json()["summary"]
    assert 2 <= len(summary) <= 4
    assert summary[0].startswith("You checked in 5 times on 4 days and named 2 different feelings")
    assert "The feeling you named most often was anxious (4 times)." in summary
    assert (
        "Your most frequent unmet need was reassurance (4 times), mostly alongside feeling anxious."
        in summary
    )


def test_one_user_never_sees_another_users_checkins_in_trends(dana, bob_client, bob):
    with time_machine.travel(at(2025, 11, 10), tick=False):
        make_checkin(bob, occurred_at=at(2025, 10, 27, 12), emotion="angry", intensity=9)
    bobs = bob_client.get("/api/trends/week", {"start": "2025-10-27"}).json()
    danas = client_for(dana).get("/api/trends/week", {"start": "2025-10-26"}).json()
    bobs_range = bob_client.get("/api/trends/range", {"from": "2025-10-01", "to": "2025-11-30"}).json()

    assert bobs["count"] == 1
    assert [e["slug"] for e in bobs["top_emotions"]] == ["angry"]
    assert bobs["previous_week"]["count"] == 0
    assert "angry" not in [e["slug"] for e in danas["top_emotions"]]
    assert danas["count"] == 4
    assert bobs_range["count"] == 1


def test_a_custom_word_appears_in_its_owners_trends(db):
    from tests.factories import make_custom_emotion

    user = make_user("fay")
    with time_machine.travel(at(2026, 3, 6, 12), tick=False):
        make_custom_emotion(user, "wobbly", pleasantness=-0.2, energy=0.3)
        make_checkin(user, occurred_at=at(2026, 3, 3, 9), emotion="wobbly", intensity=4)
        week = client_for(user).get("/api/trends/week").json()

    assert week["top_emotions"] == [{"slug": "wobbly", "name": "wobbly", "count": 1}]
    assert week["days"][1]["mean_pleasantness"] == -0.2


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start": "2025-13-01"}, "start"),
        ({"start": "yesterday"}, "start"),
        ({"start": "0001-01-01"}, "start"),
    ],
)
def test_a_bad_week_start_is_a_400_with_a_field_error(alice_client, query, field):
    response = alice_client.get("/api/trends/week", query)

    assert response.status_code == 400
    assert field in response.json()


def test_trends_need_a_signed_in_user(anon_client):
    assert anon_client.get("/api/trends/week").status_code == 401
    assert anon_client.get("/api/trends/range").status_code == 401


def test_week_trends_take_one_query_beyond_authentication(dana):
    client = session_client_for(dana)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/trends/week", {"start": "2025-10-26"})

    assert response.status_code == 200
    # 1. the session with its user and profile joined in (zone, week start)
    # 2. the check-ins of this and the previous week as tuples (day, emotion coordinates, words)
    assert len(queries) == 2, [q["sql"] for q in queries]


# --- range ---------------------------------------------------------------------------------------


@pytest.fixture
def gus(db):
    user = make_user("gus")  # UTC, weeks from Monday
    with time_machine.travel(at(2026, 3, 20), tick=False):
        make_checkin(user, occurred_at=at(2026, 1, 7, 9), emotion="anxious", intensity=6)  # week of 5 Jan
        make_checkin(user, occurred_at=at(2026, 1, 3, 9), emotion="joyful", intensity=1)  # before `from`
        make_checkin(user, occurred_at=at(2026, 1, 19, 9), emotion="hopeful", intensity=4)  # week of 19 Jan
        make_checkin(user, occurred_at=at(2026, 1, 21, 9), emotion="hopeful", intensity=2)
        make_checkin(user, occurred_at=at(2026, 1, 26, 9), emotion="joyful", intensity=8)  # week of 26 Jan
        make_checkin(user, occurred_at=at(2026, 2, 1, 23), emotion="hopeful", intensity=6)
        make_checkin(user, occurred_at=at(2026, 2, 2, 9), emotion="sad", intensity=9)  # after `to`
    return user


def test_range_by_week_has_partial_edges_null_gaps_and_a_count_weighted_rolling_mean(gus):
    response = client_for(gus).get("/api/trends/range", {"from": "2026-01-07", "to": "2026-02-01"})

    assert response.status_code == 200
    data = response.json()
    assert (data["from"], data["to"], data["bucket"], data["rolling_window"]) == (
        "2026-01-07",
        "2026-02-01",
        "week",
        4,
    )
    assert [(b["start"], b["end"], b["count"]) for b in data["buckets"]] == [
        ("2026-01-07", "2026-01-11", 1),
        ("2026-01-12", "2026-01-18", 0),
        ("2026-01-19", "2026-01-25", 2),
        ("2026-01-26", "2026-02-01", 2),
    ]
    assert [b["mean_pleasantness"] for b in data["buckets"]] == [-0.65, None, 0.6, 0.75]
    assert [b["mean_intensity"] for b in data["buckets"]] == [6.0, None, 3.0, 7.0]
    # Rolling over the last 4 weeks, weighted by count: an empty week neither drags it to 0 nor breaks it.
    # (-0.65), (-0.65), (-0.65 + 0.6 + 0.6) / 3, (-0.65 + 1.2 + 0.9 + 0.6) / 5
    assert [b["rolling_pleasantness"] for b in data["buckets"]] == [-0.65, -0.65, 0.183, 0.41]
    assert data["count"] == 5
    assert data["mean_pleasantness"] == 0.41  # 2.05 / 5


def test_range_by_day_and_by_month(gus):
    client = client_for(gus)
    days = client.get("/api/trends/range", {"from": "2026-01-19", "to": "2026-01-21", "bucket": "day"}).json()
    months = client.get(
        "/api/trends/range", {"from": "2025-12-15", "to": "2026-02-10", "bucket": "month"}
    ).json()

    assert [(b["start"], b["count"], b["mean_pleasantness"]) for b in days["buckets"]] == [
        ("2026-01-19", 1, 0.6),
        ("2026-01-20", 0, None),
        ("2026-01-21", 1, 0.6),
    ]
    assert days["rolling_window"] == 7
    assert [(b["start"], b["end"], b["count"]) for b in months["buckets"]] == [
        ("2025-12-15", "2025-12-31", 0),
        ("2026-01-01", "2026-01-31", 5),
        ("2026-02-01", "2026-02-10", 2),
    ]
    # January: joyful 0.9, anxious -0.65, hopeful 0.6 x2, joyful 0.9 -> 2.35 / 5; February: 0.6, -0.65
    assert [b["mean_pleasantness"] for b in months["buckets"]] == [None, 0.47, -0.025]
    assert [b["rolling_pleasantness"] for b in months["buckets"]] == [None, 0.47, 0.329]  # 2.3 / 7


def test_range_weeks_follow_the_users_week_start(dana_client):
    data = dana_client.get("/api/trends/range", {"from": "2025-10-19", "to": "2025-11-08"}).json()

    assert [(b["start"], b["count"]) for b in data["buckets"]] == [
        ("2025-10-19", 2),
        ("2025-10-26", 4),
        ("2025-11-02", 1),
    ]


def test_range_defaults_to_the_last_year_by_week(gus):
    with time_machine.travel(at(2026, 3, 20, 12), tick=False):
        data = client_for(gus).get("/api/trends/range").json()

    assert (data["from"], data["to"], data["bucket"]) == ("2025-03-21", "2026-03-20", "week")
    assert data["count"] == 7


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-02-01", "to": "2026-01-01"}, "from"),
        ({"from": "2020-01-01", "to": "2023-12-31", "bucket": "day"}, "to"),  # over 3 years of days
        ({"from": "2019-01-01", "to": "2025-01-01", "bucket": "week"}, "to"),  # over 5 years
        ({"bucket": "year"}, "bucket"),
        ({"from": "soon"}, "from"),
    ],
)
def test_a_bad_or_too_long_range_is_a_400_with_a_field_error(alice_client, query, field):
    response = alice_client.get("/api/trends/range", query)

    assert response.status_code == 400
    assert field in response.json()


def test_five_years_by_month_is_allowed(alice_client):
    response = alice_client.get(
        "/api/trends/range", {"from": "2021-01-01", "to": "2025-12-31", "bucket": "month"}
    )

    assert response.status_code == 200
    assert len(response.json()["buckets"]) == 60


def test_range_trends_take_one_query_beyond_authentication(gus):
    client = session_client_for(gus)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/trends/range", {"from": "2025-01-01", "to": "2026-03-01"})

    assert response.status_code == 200
    # 1. the session with its user and profile joined in (zone, week start)
    # 2. the series of the range, summed by week in SQL
    assert len(queries) == 2, [q["sql"] for q in queries]


# --- SQLite's sums per bucket ----------------------------------------------------------------------


@pytest.fixture
def ivy(db):
    """Check-ins on every third day of 120 across a year's end, half of them asked again once named."""
    user = make_user("ivy")
    emotions = ("calm", "anxious", "joyful", "sad")
    with time_machine.travel(at(2026, 6, 1), tick=False):
        for i in range(0, 120, 3):
            day = dt.date(2025, 11, 20) + dt.timedelta(days=i)
            named = {"intensity_after": i % 7} if i % 2 else {}
            make_checkin(
                user, occurred_at=at(day.year, day.month, day.day, 12), emotion=emotions[i % 4],
                intensity=i % 11, **named,
            )  # fmt: skip
    return user


@pytest.mark.parametrize(
    ("bucket", "week_starts_on"), [*(("week", day) for day in WEEKDAYS), ("month", "mon")]
)
def test_sqlites_sum_per_bucket_equals_the_group_by_postgresql_runs(ivy, bucket, week_starts_on):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite sums each week or month in its own part; PostgreSQL runs the GROUP BY itself")
    # Partial first and last buckets, and a gap with no check-in at all (below).
    date_from, date_to = dt.date(2025, 11, 27), dt.date(2026, 3, 10)
    CheckIn.objects.filter(
        local_date__range=(dt.date(2025, 12, 28), dt.date(2026, 2, 1))
    ).delete()  # all January
    buckets = trends._buckets(
        date_from=date_from, date_to=date_to, bucket=bucket, week_starts_on=week_starts_on
    )

    by_part = trends._sums_by_part(user=ivy, buckets=buckets)
    grouped = trends._sums_grouped(
        user=ivy, date_from=date_from, date_to=date_to, bucket=bucket, week_starts_on=week_starts_on
    )

    assert [row for row in by_part if row[1]] == grouped  # a part of an empty bucket counts 0
    assert len(by_part) == len(buckets) > len(grouped)
    assert (
        sum(row[1] for row in grouped)
        == CheckIn.objects.filter(user=ivy, local_date__range=(date_from, date_to)).count()
    )


def test_five_years_by_week_is_one_query_of_every_week(gus):
    client = session_client_for(gus)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/trends/range", {"from": "2021-01-04", "to": "2026-01-07"})  # 1,830 days

    assert response.status_code == 200
    data = response.json()
    assert len(data["buckets"]) == 262  # Monday 4 Jan 2021 to Wednesday 7 Jan 2026, the last one partial
    assert data["buckets"][-1] == {**data["buckets"][-1], "start": "2026-01-05", "end": "2026-01-07"}
    assert (
        data["count"] == sum(b["count"] for b in data["buckets"]) == 2
    )  # gus's check-ins of 3 and 7 January
    assert len(queries) == 2, [q["sql"] for q in queries]


# --- calendar helpers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("week_starts_on", "expected"),
    [("mon", "2026-01-05"), ("sun", "2026-01-04"), ("sat", "2026-01-10"), ("wed", "2026-01-07")],
)
def test_week_start_for_every_first_weekday(week_starts_on, expected):
    # Saturday 10 Jan 2026
    assert trends.week_start_for(dt.date(2026, 1, 10), week_starts_on=week_starts_on).isoformat() == expected


@pytest.mark.parametrize("week_starts_on", ["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
def test_weeks_grouped_in_sql_start_where_python_says_they_start(db, week_starts_on):
    user = make_user("hal", week_starts_on=week_starts_on)
    first = dt.date(1999, 12, 27)  # 16 days across a year boundary, far from the epoch of the day numbers
    with time_machine.travel(at(2026, 1, 1), tick=False):
        for i in range(16):
            day = first + dt.timedelta(days=i)
            make_checkin(
                user, occurred_at=at(day.year, day.month, day.day, 12), emotion="calm", intensity=i % 11
            )
        data = client_for(user).get("/api/trends/range", {"from": "1999-12-27", "to": "2000-01-11"}).json()

    expected: dict[str, int] = {}
    for i in range(16):
        start = max(trends.week_start_for(first + dt.timedelta(days=i), week_starts_on=week_starts_on), first)
        expected[start.isoformat()] = expected.get(start.isoformat(), 0) + 1
    assert [(b["start"], b["count"]) for b in data["buckets"]] == list(expected.items())


# --- issue 14: naming effect and what would help ---------------------------------------------------


@pytest.fixture
def fay(db):
    """Berlin, weeks from Monday; the week of 20 Oct 2025 ends on the night clocks went back (26 Oct,
    01:00 UTC: 03:00 CEST -> 02:00 CET), so the same wall time 02:30 happens twice in it."""
    user = make_user("fay", timezone="Europe/Berlin")
    with time_machine.travel(at(2025, 11, 10), tick=False):
        # Last week: named too, but not this week's.
        make_checkin(user, occurred_at=at(2025, 10, 15, 9), emotion="sad", intensity=2, intensity_after=1)
        make_checkin(
            user, occurred_at=at(2025, 10, 20, 8), emotion="anxious", intensity=8, intensity_after=5,
            would_help="to-be-heard",
        )  # fmt: skip
        # 02:30 CEST and 02:30 CET on Sunday 26 Oct: both this week.
        make_checkin(
            user, occurred_at=at(2025, 10, 26, 0, 30), emotion="sad", intensity=7, intensity_after=6,
            would_help="to-be-heard",
        )  # fmt: skip
        make_checkin(
            user, occurred_at=at(2025, 10, 26, 1, 30), emotion="sad", intensity=6, intensity_after=3,
            would_help="space",
        )  # fmt: skip
        # 23:30 CET on Sunday: this week; not named again, so not in the naming effect.
        make_checkin(
            user,
            occurred_at=at(2025, 10, 26, 22, 30),
            emotion="lonely",
            intensity=5,
            would_help="to-be-heard",
        )
        # 00:30 CET on Monday 27 Oct: next week.
        make_checkin(
            user, occurred_at=at(2025, 10, 26, 23, 30), emotion="calm", intensity=9, intensity_after=1,
            would_help="rest",
        )  # fmt: skip
    return user


def test_the_naming_effect_and_helps_match_hand_computed_values_across_dst(fay):
    week = client_for(fay).get("/api/trends/week", {"start": "2025-10-20"}).json()

    assert (week["start"], week["end"], week["count"]) == ("2025-10-20", "2025-10-26", 4)
    # anxious 8 -> 5, sad 7 -> 6, sad 6 -> 3: (8 + 7 + 6) / 3 and (5 + 6 + 3) / 3
    assert week["naming_effect"] == {"count": 3, "mean_before": 7.0, "mean_after": 4.667}
    assert week["top_helps"] == [{"slug": "to-be-heard", "count": 3}, {"slug": "space", "count": 1}]
    assert week["help_pairs"] == [
        {"emotion": "anxious", "help": "to-be-heard", "count": 1},
        {"emotion": "lonely", "help": "to-be-heard", "count": 1},
        {"emotion": "sad", "help": "space", "count": 1},
        {"emotion": "sad", "help": "to-be-heard", "count": 1},
    ]
    assert week["summary"][-2:] == [
        "Naming it seemed to soften it a little: 7 → 5 on average.",
        "What would help most often: to be heard.",
    ]
    assert 2 <= len(week["summary"]) <= 6


def test_the_next_week_counts_only_its_own_named_check_in(fay):
    week = client_for(fay).get("/api/trends/week", {"start": "2025-10-27"}).json()

    assert week["naming_effect"] == {"count": 1, "mean_before": 9.0, "mean_after": 1.0}
    assert week["top_helps"] == [{"slug": "rest", "count": 1}]
    assert not any(sentence.startswith("Naming it") for sentence in week["summary"])  # one is too few
    assert week["summary"][-1] == "What would help most often: rest."


@pytest.mark.parametrize(
    ("pairs", "said"),
    [
        ([(7, 5), (7, 5), (7, 5)], "Naming it seemed to soften it a little: 7 → 5 on average."),
        ([(6, 6), (6, 6), (6, 6)], None),  # the same
        ([(3, 6), (4, 6), (5, 6)], None),  # stronger once named: nothing, never a judgment
        ([(6, 6), (7, 6), (6, 6)], None),  # 6.33 -> 6: lower, but not by a whole point
        ([(8, 2), (9, 1)], None),  # two are too few
        (
            [(8, 7), (8, 7), (7, 6), (7, 6)],
            "Naming it seemed to soften it a little: 8 → 7 on average.",
        ),  # 7.5 -> 6.5
    ],
)
def test_the_naming_sentence_is_said_only_when_it_softened_over_three_or_more(db, pairs, said):
    user = make_user("gil")
    with time_machine.travel(at(2026, 3, 20), tick=False):
        for number, (before, after) in enumerate(pairs):
            make_checkin(
                user, occurred_at=at(2026, 3, 16, 8 + number), emotion="sad", intensity=before,
                intensity_after=after,
            )  # fmt: skip

    week = client_for(user).get("/api/trends/week", {"start": "2026-03-16"}).json()

    assert week["naming_effect"]["count"] == len(pairs)
    assert week["naming_effect"]["mean_before"] == round(sum(b for b, _ in pairs) / len(pairs), 3)
    naming = [sentence for sentence in week["summary"] if sentence.startswith("Naming it")]
    assert naming == ([said] if said else [])
    assert not any(sentence.startswith("What would help") for sentence in week["summary"])


def test_a_week_without_named_check_ins_has_a_null_naming_effect(db):
    user = make_user("hal")
    with time_machine.travel(at(2026, 3, 20), tick=False):
        make_checkin(user, occurred_at=at(2026, 3, 16, 8), emotion="sad", intensity=4)

    week = client_for(user).get("/api/trends/week", {"start": "2026-03-16"}).json()

    assert week["naming_effect"] == {"count": 0, "mean_before": None, "mean_after": None}
    assert week["top_helps"] == []
    assert week["help_pairs"] == []


def test_week_trends_with_helps_still_take_one_query_beyond_authentication(fay):
    client = session_client_for(fay)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/trends/week", {"start": "2025-10-20"})

    assert response.status_code == 200
    assert response.json()["top_helps"]
    # 1. the session with its user and profile  2. the check-ins of both weeks, helps joined in
    assert len(queries) == 2, [q["sql"] for q in queries]


def test_range_buckets_carry_the_naming_effect_across_dst(fay):
    data = client_for(fay).get("/api/trends/range", {"from": "2025-10-13", "to": "2025-11-02"}).json()

    assert [(b["start"], b["naming_effect"]) for b in data["buckets"]] == [
        ("2025-10-13", {"count": 1, "mean_before": 2.0, "mean_after": 1.0}),
        ("2025-10-20", {"count": 3, "mean_before": 7.0, "mean_after": 4.667}),  # both 02:30s of 26 Oct
        ("2025-10-27", {"count": 1, "mean_before": 9.0, "mean_after": 1.0}),
    ]
    # (2 + 8 + 7 + 6 + 9) / 5 and (1 + 5 + 6 + 3 + 1) / 5; the lonely check-in was not asked again
    assert data["naming_effect"] == {"count": 5, "mean_before": 6.4, "mean_after": 3.2}
    empty = client_for(fay).get("/api/trends/range", {"from": "2025-12-01", "to": "2025-12-14"}).json()
    assert empty["naming_effect"] == {"count": 0, "mean_before": None, "mean_after": None}
    assert all(b["naming_effect"]["count"] == 0 for b in empty["buckets"])
