"""Trends: check-ins turned into weekly and longer series and patterns; their sentences: tracker.summaries.

Everything is bucketed by CheckIn.local_date (fixed when the check-in was written) and read through
the (user, local_date) index. Ranges are summed in SQL by day, week (starting on any weekday) or month,
in one query (a GROUP BY, or on SQLite one part per week or month); a single week is one fetch of a few
dozen tuples, counted in Python.
It is ~530 lines because the week and the range share their SQL (built once), its column positions
and the counting of its rows (words, pairs, the naming effect, helps): split, each half would import
the other's internals.
"""

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from tracker import messages
from tracker.models import WEEKDAYS, BodyArea, CheckIn, Emotion, Help, Need, Profile, Sensation
from tracker.services import EARLIEST_OCCURRED_AT, LATEST_INSTANT, local_date_for

# The sentences live in tracker.summaries; the words for numbers stay importable from here (charts).
from tracker.summaries import pleasantness_words, range_direction, times, week_summary  # noqa: F401

TOP_N = 5
BUCKETS = ("day", "week", "month")
# Longest range per bucket: a day series of 3 years is ~1,100 points, more than any screen shows.
MAX_RANGE_DAYS = {"day": 3 * 366, "week": 5 * 366, "month": 5 * 366}
# Trailing window of the rolling mean, in buckets: a week of days, a month of weeks, a quarter of months.
ROLLING_WINDOW = {"day": 7, "week": 4, "month": 3}
# Dates outside this window cannot be shifted by a week or a month without leaving Python's calendar.
MIN_DATE = EARLIEST_OCCURRED_AT.date()
MAX_DATE = LATEST_INSTANT.date()
# Made once: a timedelta costs more to make than to add (~2 µs a bucket).
ONE_DAY, ONE_WEEK, PAST_A_MONTH = dt.timedelta(days=1), dt.timedelta(days=7), dt.timedelta(days=32)


# --- calendar ----------------------------------------------------------------------------------


def current_local_date(*, profile: Profile, now: dt.datetime | None = None) -> dt.date:
    """Today as the user lives it: their zone, and a day that may end after midnight."""
    return local_date_for(
        now or timezone.now(), zone=zoneinfo.ZoneInfo(profile.timezone), day_starts_at=profile.day_starts_at
    )


def week_start_for(day: dt.date, *, week_starts_on: str) -> dt.date:
    """The first day of the user's week that contains `day`."""
    return day - dt.timedelta(days=(day.weekday() - WEEKDAYS.index(week_starts_on)) % 7)


def check_date(value: dt.date, field: str) -> None:
    """Every date the app accepts lies in MIN_DATE..MAX_DATE, where week and month arithmetic works."""
    if not MIN_DATE <= value <= MAX_DATE:
        raise ValidationError({field: [messages.DATE_OUT_OF_RANGE]})


def resolve_week_start(*, profile: Profile, start: dt.date | None, now: dt.datetime | None = None) -> dt.date:
    """The week asked for: `start` snapped back to the user's week start, or the current local week.

    Any date inside a week names that week (a link to "the week of Thursday" works), and the response
    says which start it used.
    """
    day = start if start is not None else current_local_date(profile=profile, now=now)
    check_date(day, "start")
    return week_start_for(day, week_starts_on=profile.week_starts_on)


def resolve_range(
    *,
    profile: Profile,
    date_from: dt.date | None,
    date_to: dt.date | None,
    bucket: str,
    now: dt.datetime | None = None,
) -> tuple[dt.date, dt.date]:
    """The range asked for; `to` defaults to today and `from` to a year before it."""
    if bucket not in BUCKETS:
        raise ValidationError({"bucket": [messages.CHOOSE_ONE_OF.format(choices=", ".join(BUCKETS))]})
    date_to = date_to or current_local_date(profile=profile, now=now)
    check_date(date_to, "to")
    if date_from is None:
        date_from = max(MIN_DATE, date_to - dt.timedelta(days=364))
    check_date(date_from, "from")
    if date_from > date_to:
        raise ValidationError({"from": [messages.FROM_AFTER_TO]})
    if (date_to - date_from).days + 1 > MAX_RANGE_DAYS[bucket]:
        years = MAX_RANGE_DAYS[bucket] // 366
        message = messages.RANGE_TOO_LONG_FOR_BUCKET.format(years=years, bucket=bucket)
        raise ValidationError({"to": [message]})
    return date_from, date_to


# --- queries -----------------------------------------------------------------------------------


# Monday 25 Dec 1899: day numbers count from it, so (day number - weekday offset) / 7 numbers the weeks
# that start on any weekday, and stays positive (integer division = floor) for every date from MIN_DATE.
DAY_ZERO = dt.date(1899, 12, 25)

# The bucket key of a local_date, per database: the one vendor-specific piece of SQL in the app.
BUCKET_KEY_SQL = {
    "sqlite": {
        "day": "local_date",
        "week": f"(CAST(julianday(local_date) - julianday('{DAY_ZERO}') AS INTEGER) - %s) / 7",
        "month": "strftime('%%Y-%%m-01', local_date)",
    },
    "postgresql": {
        "day": "local_date",
        "week": f"((local_date - DATE '{DAY_ZERO}') - %s) / 7",
        "month": "CAST(date_trunc('month', local_date) AS date)",
    },
}
# Sums, not means, so buckets add up to the range's own numbers and to rolling means. The last three
# columns are the naming effect's: check-ins asked again once named, and their intensity before and after.
BUCKET_SUMS = """COUNT(*), SUM(e.pleasantness), SUM(e.energy), SUM(c.intensity), COUNT(c.intensity_after),
           SUM(CASE WHEN c.intensity_after IS NULL THEN 0 ELSE c.intensity END), SUM(c.intensity_after)"""
BUCKET_ROWS = f"""
    FROM {CheckIn._meta.db_table} c JOIN {Emotion._meta.db_table} e ON e.id = c.emotion_id
    WHERE c.user_id = %s AND c.local_date >= %s AND c.local_date <= %s
"""  # (table names from the models, never user input; values are parameters)
BUCKET_SQL = "SELECT {key} AS bucket, " + BUCKET_SUMS + BUCKET_ROWS + "GROUP BY bucket ORDER BY bucket"
# One bucket's sums after its number in the list of buckets (SQLite's weeks and months, below).
BUCKET_PART_SQL = "SELECT %s, " + BUCKET_SUMS + BUCKET_ROWS


def _bucket_rows(
    *,
    user: AbstractBaseUser,
    date_from: dt.date,
    date_to: dt.date,
    bucket: str,
    week_starts_on: str,
    buckets: list[tuple[dt.date, dt.date, dt.date]],
) -> dict[dt.date, tuple]:
    """Per non-empty bucket of `buckets` (keyed by its first day): (count, Σ pleasantness, Σ energy,
    Σ intensity, then the naming effect's count, Σ before and Σ after), in one query.

    Summed in SQL, so a year by week returns 53 rows rather than 365 days to fold in Python. Plain SQL
    because weeks may start on any weekday (no portable ORM function for that) and because building
    the ORM version cost twice what running it did (measured in `make bench`).
    """
    if connection.vendor == "sqlite" and bucket != "day":
        rows = _sums_by_part(user=user, buckets=buckets)
    else:
        rows = _sums_grouped(
            user=user, date_from=date_from, date_to=date_to, bucket=bucket, week_starts_on=week_starts_on
        )
    result = {}
    for start, *sums in rows:
        if sums[0]:  # (a part of SQLite's statement has a row for an empty bucket; GROUP BY has none)
            sums[-1] = sums[-1] or 0  # SUM(intensity_after) is NULL when no check-in was asked again
            result[start] = tuple(sums)
    return result


def _sums_grouped(
    *, user: AbstractBaseUser, date_from: dt.date, date_to: dt.date, bucket: str, week_starts_on: str
) -> list[tuple]:
    """The buckets' rows by one GROUP BY, each led by its first day."""
    offset = WEEKDAYS.index(week_starts_on)
    sql = BUCKET_SQL.format(key=BUCKET_KEY_SQL[connection.vendor][bucket])
    params = [offset] if bucket == "week" else []
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, user.pk, date_from, date_to])
        rows = cursor.fetchall()
    found = []
    for key_value, *sums in rows:
        if bucket == "week":
            start = DAY_ZERO + dt.timedelta(days=int(key_value) * 7 + offset)
        elif isinstance(key_value, str):  # SQLite returns dates as text
            start = dt.date.fromisoformat(key_value)
        else:
            start = key_value
        found.append((start, *sums))
    return found


def _sums_by_part(*, user: AbstractBaseUser, buckets: list[tuple[dt.date, dt.date, dt.date]]) -> list[tuple]:
    """The buckets' rows, each led by its first day, by one UNION ALL part per bucket.

    SQLite groups by an expression (a week or a month of local_date) by sorting every check-in first,
    ~45 % of a year's query. Each part sums its bucket over its own slice of the (user, local_date)
    index, with nothing to sort (at most 263 parts, five years of weeks: SQLite allows 500).
    PostgreSQL hashes its groups, and would plan every part on every request: it keeps the GROUP BY.
    """
    params: list = []
    for number, (_start, first, last) in enumerate(buckets):
        params += [number, user.pk, first, last]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join([BUCKET_PART_SQL] * len(buckets)), params)
        return [(buckets[number][0], *sums) for number, *sums in cursor.fetchall()]


FINGERPRINT_SQL = f"""
    SELECT COUNT(*), SUM(id), MAX(updated_at), SUM(emotion_id), SUM(intensity)
    FROM {CheckIn._meta.db_table}
    WHERE user_id = %s AND local_date >= %s AND local_date <= %s
"""  # noqa: S608  (a table name from the model, never user input; values are parameters)


def data_fingerprint(*, user: AbstractBaseUser, date_from: dt.date, date_to: dt.date) -> tuple:
    """A cheap value that changes whenever a check-in in the range is added, edited or deleted (one query).

    Count and id sum move on every insert and delete; the latest updated_at moves on every edit
    (auto_now), including an edit that moves a check-in into or out of the range. The sums of what the
    charts draw (emotion, intensity) also catch an edit within the same clock tick.

    Plain SQL on purpose: this is all a 304 costs besides authentication, and building the same
    aggregate through the ORM took several times longer than running it (measured in `make bench`).
    """
    with connection.cursor() as cursor:
        cursor.execute(FINGERPRINT_SQL, [user.pk, date_from, date_to])
        count, ids, latest, emotions, intensities = cursor.fetchone()
    return (count, ids or 0, str(latest or ""), emotions or 0, intensities or 0)


def _table(model) -> str:
    return model._meta.db_table


# (day, emotion coordinates, intensity, the words' slugs and names, then the intensity once named and
# what would help) of each check-in of a range, read through the (user, local_date) index.
WEEK_SQL = f"""
    SELECT c.local_date, e.pleasantness, e.energy, c.intensity, e.slug, e.name, e.family,
           n.slug, n.name, s.slug, s.name, b.slug, b.name, c.intensity_after, h.slug, h.name
    FROM {_table(CheckIn)} c
    JOIN {_table(Emotion)} e ON e.id = c.emotion_id
    LEFT JOIN {_table(Need)} n ON n.id = c.need_id
    LEFT JOIN {_table(Sensation)} s ON s.id = c.sensation_id
    LEFT JOIN {_table(BodyArea)} b ON b.id = c.body_area_id
    LEFT JOIN {_table(Help)} h ON h.id = c.would_help_id
    WHERE c.user_id = %s AND c.local_date >= %s AND c.local_date <= %s
"""  # noqa: S608  (table names from the models, never user input; values are parameters)


# --- week --------------------------------------------------------------------------------------


def _mean(total: float, count: int) -> float | None:
    return round(total / count, 3) if count else None


def _day_entry(day: dt.date, row: dict | None) -> dict[str, Any]:
    if row is None:  # an empty day has no mean, not a mean of 0
        return {
            "date": day,
            "count": 0,
            "mean_intensity": None,
            "mean_pleasantness": None,
            "mean_energy": None,
        }
    return {
        "date": day,
        "count": row["count"],
        "mean_intensity": round(row["intensity"], 3),
        "mean_pleasantness": round(row["pleasantness"], 3),
        "mean_energy": round(row["energy"], 3),
    }


def _totals(days: Iterable[dt.date], rows: dict[dt.date, dict]) -> dict[str, Any]:
    """Means over all check-ins of the days (each day weighted by its count)."""
    present = [rows[day] for day in days if day in rows]
    count = sum(row["count"] for row in present)
    return {
        "count": count,
        "days_with_checkins": len(present),
        "mean_pleasantness": _mean(sum(r["pleasantness"] * r["count"] for r in present), count),
        "mean_energy": _mean(sum(r["energy"] * r["count"] for r in present), count),
        "mean_intensity": _mean(sum(r["intensity"] * r["count"] for r in present), count),
    }


def _rank(item: tuple) -> tuple:
    return (-item[1], item[0])


def _top(counts: dict, names: dict[str, str] | None = None) -> list[dict[str, Any]]:
    # Most frequent first; ties in alphabetical order so the answer is stable.
    ranked = sorted(counts.items(), key=_rank)[:TOP_N]
    if names is None:
        return [{"slug": slug, "count": count} for slug, count in ranked]
    return [{"slug": slug, "name": names[slug], "count": count} for slug, count in ranked]


def _patterns(words: list[tuple]) -> dict[str, Any]:
    """Top words, emotion–need pairs and granularity from (emotion, family, need, sensation, area) rows.

    Counted in plain dicts: collections.Counter's per-key overhead made this a sixth of a week request.
    """
    emotion_names: dict[str, str] = {}
    need_names: dict[str, str] = {}
    sensation_names: dict[str, str] = {}
    area_names: dict[str, str] = {}
    emotions: dict[str, int] = {}
    families: dict[str, int] = {}
    needs: dict[str, int] = {}
    sensations: dict[str, int] = {}
    areas: dict[str, int] = {}
    pairs: dict[tuple[str, str], int] = {}
    for emotion, emotion_name, family, need, need_name, sensation, sensation_name, area, area_name in words:
        emotions[emotion] = emotions.get(emotion, 0) + 1
        emotion_names[emotion] = emotion_name
        if family:
            families[family] = families.get(family, 0) + 1
        if need:
            needs[need] = needs.get(need, 0) + 1
            need_names[need] = need_name
            pairs[emotion, need] = pairs.get((emotion, need), 0) + 1
        if sensation:
            sensations[sensation] = sensations.get(sensation, 0) + 1
            sensation_names[sensation] = sensation_name
        if area:
            areas[area] = areas.get(area, 0) + 1
            area_names[area] = area_name
    ranked_pairs = sorted(pairs.items(), key=_rank)[:TOP_N]
    return {
        "top_emotions": _top(emotions, emotion_names),
        "top_families": _top(families),
        "top_needs": _top(needs, need_names),
        "top_sensations": _top(sensations, sensation_names),
        "top_body_areas": _top(areas, area_names),
        "pairs": [
            {
                "emotion": emotion,
                "emotion_name": emotion_names[emotion],
                "need": need,
                "need_name": need_names[need],
                "count": count,
            }
            for (emotion, need), count in ranked_pairs
        ],
        "distinct_emotions": len(emotions),
    }


# Columns of a WEEK_SQL row: the words _patterns counts, and the naming and help columns after them.
WORDS = slice(4, 13)
INTENSITY, INTENSITY_AFTER, HELP, HELP_NAME = 3, 13, 14, 15


def naming_effect(pairs: list[tuple[int, int]]) -> dict[str, Any]:
    """{count, mean_before, mean_after} of (intensity, intensity_after) pairs; means null for none."""
    return _naming_effect_of_sums(
        len(pairs), sum(before for before, _after in pairs), sum(after for _before, after in pairs)
    )


def _naming_effect_of_sums(count: int, before: int, after: int) -> dict[str, Any]:
    return {"count": count, "mean_before": _mean(before, count), "mean_after": _mean(after, count)}


def _helps(rows: list[tuple]) -> tuple[dict[str, Any], dict[str, str]]:
    """The naming effect, top helps and emotion–help pairs of WEEK_SQL rows, and the helps' names."""
    helps: dict[str, int] = {}  # plain dicts, as in _patterns
    pairs: dict[tuple[str, str], int] = {}
    names: dict[str, str] = {}
    for row in rows:
        help_slug = row[HELP]
        if help_slug:
            helps[help_slug] = helps.get(help_slug, 0) + 1
            pair = (row[WORDS.start], help_slug)
            pairs[pair] = pairs.get(pair, 0) + 1
            names[help_slug] = row[HELP_NAME]
    named = [(row[INTENSITY], row[INTENSITY_AFTER]) for row in rows if row[INTENSITY_AFTER] is not None]
    ranked_pairs = sorted(pairs.items(), key=_rank)[:TOP_N]
    return {
        "naming_effect": naming_effect(named),
        "top_helps": _top(helps),
        "help_pairs": [
            {"emotion": emotion, "help": slug, "count": count} for (emotion, slug), count in ranked_pairs
        ],
    }, names


def _day_means(rows: list[tuple]) -> dict[dt.date, dict]:
    """(local_date, pleasantness, energy, intensity, ...) rows -> per-day count and means."""
    days: dict[dt.date, list] = {}
    for row in rows:  # indexed, not unpacked with *rest: a list per row cost more than the sums
        acc = days.get(row[0])
        if acc is None:
            acc = days[row[0]] = [0, 0.0, 0.0, 0]
        acc[0] += 1
        acc[1] += row[1]
        acc[2] += row[2]
        acc[3] += row[3]
    return {
        day: {"count": n, "pleasantness": p / n, "energy": e / n, "intensity": i / n}
        for day, (n, p, e, i) in days.items()
    }


def week_trends(*, user: AbstractBaseUser, start: dt.date) -> dict[str, Any]:
    """One week from `start` (already the user's week start): days, patterns, last week, summary.

    One query: the check-ins of this and the previous week as short tuples, helps joined in (a few
    dozen rows, bounded by 14 days), folded into day means and word counts in Python. Measured under
    gunicorn, one fetch beats a grouped query plus a words query, and its SQL is written once
    (WEEK_SQL): building the ORM version cost 0.7-1 ms a request, several times running it (issue 12).
    """
    end = start + dt.timedelta(days=6)
    previous_start = start - ONE_WEEK
    with connection.cursor() as cursor:
        cursor.execute(WEEK_SQL, [user.pk, previous_start, end])
        rows = [
            (dt.date.fromisoformat(row[0]) if isinstance(row[0], str) else row[0], *row[1:])
            for row in cursor.fetchall()
        ]
    days = _day_means(rows)
    this_days = [start + dt.timedelta(days=i) for i in range(7)]
    previous_days = [previous_start + dt.timedelta(days=i) for i in range(7)]
    this_rows = [row for row in rows if row[0] >= start]
    this_patterns = _patterns([row[WORDS] for row in this_rows])
    previous_patterns = _patterns([row[WORDS] for row in rows if row[0] < start])
    healing, help_names = _helps(this_rows)
    week = {
        "start": start,
        "end": end,
        "days": [_day_entry(day, days.get(day)) for day in this_days],
        **_totals(this_days, days),
        **this_patterns,
        **healing,
        "previous_week": {
            "start": previous_start,
            "end": previous_start + dt.timedelta(days=6),
            **_totals(previous_days, days),
            "distinct_emotions": previous_patterns["distinct_emotions"],
            "top_emotions": previous_patterns["top_emotions"][:3],
            "top_needs": previous_patterns["top_needs"][:3],
        },
    }
    week["summary"] = week_summary(week, help_names=help_names)
    return week


# --- range -------------------------------------------------------------------------------------


def _bucket_start(day: dt.date, *, bucket: str, week_starts_on: str) -> dt.date:
    if bucket == "week":
        return week_start_for(day, week_starts_on=week_starts_on)
    if bucket == "month":
        return day.replace(day=1)
    return day


def _next_bucket(start: dt.date, *, bucket: str) -> dt.date:
    if bucket == "week":
        return start + ONE_WEEK
    if bucket == "month":
        return (start + PAST_A_MONTH).replace(day=1)
    return start + ONE_DAY


def _buckets(
    *, date_from: dt.date, date_to: dt.date, bucket: str, week_starts_on: str
) -> list[tuple[dt.date, dt.date, dt.date]]:
    """Each bucket [date_from, date_to] touches: (its first day, then its first and last day in the range)."""
    buckets = []
    start = _bucket_start(date_from, bucket=bucket, week_starts_on=week_starts_on)
    while start <= date_to:
        following = _next_bucket(start, bucket=bucket)
        buckets.append((start, max(start, date_from), min(following - ONE_DAY, date_to)))
        start = following
    return buckets


def range_trends(
    *, user: AbstractBaseUser, date_from: dt.date, date_to: dt.date, bucket: str, week_starts_on: str
) -> dict[str, Any]:
    """The day/week/month series of [date_from, date_to] with a trailing rolling mean (one query).

    Buckets are aligned to calendar weeks (the user's week start) and months; the first and last may be
    partial, and their `start`/`end` say so. Means are null for empty buckets, never 0. The rolling
    mean of pleasantness is weighted by check-in count over the last ROLLING_WINDOW buckets, so a
    single heavy day does not swing it, and empty buckets neither pull it to 0 nor break it.
    """
    buckets = _buckets(date_from=date_from, date_to=date_to, bucket=bucket, week_starts_on=week_starts_on)
    rows = _bucket_rows(
        user=user,
        date_from=date_from,
        date_to=date_to,
        bucket=bucket,
        week_starts_on=week_starts_on,
        buckets=buckets,
    )
    window = ROLLING_WINDOW[bucket]
    series = []
    counts: list[int] = []  # per bucket so far; the last `window` make the rolling mean
    pleasantness_sums: list[float] = []
    empty = (0, 0.0, 0.0, 0, 0, 0, 0)
    for start, first, last in buckets:
        n, sp, se, si, named, before, after = rows.get(start, empty)
        counts.append(n)
        pleasantness_sums.append(sp)
        series.append(
            {
                "start": first,
                "end": last,
                "count": n,
                "mean_pleasantness": _mean(sp, n),
                "mean_energy": _mean(se, n),
                "mean_intensity": _mean(si, n),
                "rolling_pleasantness": _mean(sum(pleasantness_sums[-window:]), sum(counts[-window:])),
                "naming_effect": _naming_effect_of_sums(named, before, after),
            }
        )
    count, sp, se, si, named, before, after = map(sum, zip(*rows.values(), strict=True)) if rows else empty
    return {
        "from": date_from,
        "to": date_to,
        "bucket": bucket,
        "rolling_window": window,
        "count": count,
        "mean_pleasantness": _mean(sp, count),
        "mean_energy": _mean(se, count),
        "mean_intensity": _mean(si, count),
        "naming_effect": _naming_effect_of_sums(named, before, after),
        "buckets": series,
        "direction": range_direction(series),
    }
