"""The report's data: what a therapist report says about a range, before anything is drawn.

The range (`resolve_report_range`: defaults, limits), the numbers (`report_data`: the series from
tracker.trends.range_trends, the weekly figures from tracker.trends.week_trends, counts of words
aggregated in SQL, the notes when asked) and the sentences about the whole range (`range_summary`, with
the words for numbers from tracker.trends, so the report says what the app says). tracker.report draws it.
"""

import datetime as dt
import zoneinfo
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db.models import Count, Q

from tracker import messages, practices, summaries, trends
from tracker.models import CheckIn, Intention, Profile

DEFAULT_DAYS = 28  # "how has it been?" usually means the last few weeks
MAX_DAYS = 3 * 366
WEEKS_SUMMARISED = 8  # the most recent weeks of the range get their own sentences
NOTES_MAX = 1000  # newest notes read when a long range holds more
KIND_LINES_MAX = 500  # newest harsh -> kind rewrites read when a long range holds more


# --- data --------------------------------------------------------------------------------------


def resolve_report_range(
    *, profile: Profile, date_from: dt.date | None, date_to: dt.date | None, now: dt.datetime | None = None
) -> tuple[dt.date, dt.date]:
    """`to` defaults to today (local) and `from` to four weeks before it; at most three years."""
    date_to = date_to or trends.current_local_date(profile=profile, now=now)
    trends.check_date(date_to, "to")
    date_from = date_from or max(trends.MIN_DATE, date_to - dt.timedelta(days=DEFAULT_DAYS - 1))
    trends.check_date(date_from, "from")
    if date_from > date_to:
        raise ValidationError({"from": [messages.FROM_AFTER_TO]})
    if (date_to - date_from).days + 1 > MAX_DAYS:
        raise ValidationError({"to": [messages.RANGE_TOO_LONG.format(years=3)]})
    return date_from, date_to


def bucket_for(date_from: dt.date, date_to: dt.date) -> str:
    days = (date_to - date_from).days + 1
    return "day" if days <= 92 else "week" if days <= 366 else "month"


def _ranked(rows, slug: str, name: str, *extra: str) -> list[dict[str, Any]]:
    """(slug, name, ..., n) groups as dicts, most frequent first, ties alphabetical (stable)."""
    items = [{"slug": r[slug], "name": r[name], **{e: r[e] for e in extra}, "count": r["n"]} for r in rows]
    return sorted(items, key=lambda item: (-item["count"], item["slug"]))


def report_data(
    *,
    user: AbstractBaseUser,
    profile: Profile,
    date_from: dt.date,
    date_to: dt.date,
    include_notes: bool,
    include_kind_lines: bool = False,
    include_intentions: bool = False,
) -> dict[str, Any]:
    """Everything the report shows, in a fixed number of queries whatever the range holds:
    1 series (with the naming effect), 1 distinct days, 5 word groups, 1 helps, 2 boundaries (their needs),
    up to WEEKS_SUMMARISED weeks, and only when asked 1 for notes, 1 for kinder lines, 1 for intentions.

    Kinder lines and intentions are private like the notes: they are read only when the person asks."""
    rows = CheckIn.objects.filter(user=user, local_date__gte=date_from, local_date__lte=date_to)
    bucket = bucket_for(date_from, date_to)
    series = trends.range_trends(
        user=user, date_from=date_from, date_to=date_to, bucket=bucket, week_starts_on=profile.week_starts_on
    )
    days_with_checkins = rows.values("local_date").distinct().count()

    def grouped(*fields: str, having: Q | None = None):
        query = rows.filter(having) if having is not None else rows
        return query.values(*fields).annotate(n=Count("id")).order_by()

    emotions = _ranked(
        grouped("emotion__slug", "emotion__name", "emotion__family"),
        "emotion__slug",
        "emotion__name",
        "emotion__family",
    )
    needs = _ranked(
        grouped("need__slug", "need__name", having=Q(need__isnull=False)), "need__slug", "need__name"
    )
    areas = _ranked(
        grouped("body_area__slug", "body_area__name", having=Q(body_area__isnull=False)),
        "body_area__slug",
        "body_area__name",
    )
    sensations = _ranked(
        grouped("sensation__slug", "sensation__name", having=Q(sensation__isnull=False)),
        "sensation__slug",
        "sensation__name",
    )
    pairs = sorted(
        (
            {"emotion": r["emotion__name"], "need": r["need__name"], "count": r["n"]}
            for r in grouped("emotion__name", "need__name", having=Q(need__isnull=False))
        ),
        key=lambda pair: (-pair["count"], pair["emotion"], pair["need"]),
    )
    helps = _ranked(
        grouped("would_help__slug", "would_help__name", having=Q(would_help__isnull=False)),
        "would_help__slug",
        "would_help__name",
    )
    # Boundaries are the person's standing words, not events of the range: all of them are shown.
    boundaries = [
        {"text": boundary.text, "needs": [need.slug for need in boundary.needs.all()]}
        for boundary in practices.boundaries_for_user(user=user)
    ]
    weeks = []
    if series["count"]:
        start = trends.week_start_for(date_to, week_starts_on=profile.week_starts_on)
        while start + dt.timedelta(days=6) >= date_from and len(weeks) < WEEKS_SUMMARISED:
            week = trends.week_trends(user=user, start=start)
            if week["count"]:
                weeks.append(week)
            start -= dt.timedelta(days=7)
        weeks.reverse()
    notes = None
    if include_notes:
        notes = list(
            rows.exclude(note="")
            .order_by("-occurred_at", "-id")
            .values_list("occurred_at", "emotion__name", "intensity", "need__name", "note")[: NOTES_MAX + 1]
        )
        notes.reverse()
    kind_lines = None
    if include_kind_lines:
        kind_lines = list(
            rows.filter(~Q(harsh_line="") | ~Q(kind_line=""))
            .order_by("-occurred_at", "-id")
            .values_list("occurred_at", "emotion__name", "harsh_line", "kind_line")[:KIND_LINES_MAX]
        )
        kind_lines.reverse()
    intentions = None
    if include_intentions:
        first_week = trends.week_start_for(date_from, week_starts_on=profile.week_starts_on)
        intentions = list(
            Intention.objects.filter(user=user, week_start__gte=first_week, week_start__lte=date_to)
            .order_by("week_start")
            .values_list("week_start", "text")
        )
    return {
        "from": date_from,
        "to": date_to,
        "zone": zoneinfo.ZoneInfo(profile.timezone),
        "series": series,
        "days": (date_to - date_from).days + 1,
        "days_with_checkins": days_with_checkins,
        "emotions": emotions,
        "needs": needs,
        "body_areas": areas,
        "sensations": sensations,
        "pairs": pairs,
        "weeks": weeks,
        "notes": notes,
        "naming_effect": series["naming_effect"],
        "helps": helps,
        "boundaries": boundaries,
        "kind_lines": kind_lines,
        "intentions": intentions,
    }


# --- words -------------------------------------------------------------------------------------


def long_date(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%B')} {day.year}"


def range_summary(data: dict[str, Any]) -> list[str]:
    """Plain sentences about the whole range: how often, how it felt, what stood out, which way it went."""
    series = data["series"]
    if not series["count"]:
        return ["There are no check-ins in this range."]
    emotions = data["emotions"]
    sentences = [
        f"Between {long_date(data['from'])} and {long_date(data['to'])} you checked in "
        f"{summaries.times(series['count'])} on {data['days_with_checkins']} of {data['days']} days and "
        f"named "
        f"{len(emotions)} different feeling{'s' if len(emotions) != 1 else ''}.",
        f"Overall it felt {summaries.pleasantness_words(series['mean_pleasantness'])} (average pleasantness "
        f"{series['mean_pleasantness']:+.2f} on a scale from -1 to +1), with an average intensity of "
        f"{series['mean_intensity']:.1f} out of 10.",
    ]
    top = emotions[0]
    sentences.append(f"The feeling named most often was {top['name']} ({summaries.times(top['count'])}).")
    if data["needs"]:
        need = data["needs"][0]
        sentence = f"The most frequent unmet need was {need['name']} ({summaries.times(need['count'])})"
        companions = [pair for pair in data["pairs"] if pair["need"] == need["name"]]
        if companions:
            sentence += f", most often alongside feeling {companions[0]['emotion']}"
        sentences.append(sentence + ".")
    if data["body_areas"]:
        area = data["body_areas"][0]
        sentences.append(
            f"In the body it was felt most in the {area['name'].lower()} ({summaries.times(area['count'])})."
        )
    direction = _direction(series["buckets"])
    if direction:
        sentences.append(direction)
    naming = summaries.naming_sentence(data["naming_effect"])
    if naming:
        sentences.append(naming)
    if data["helps"]:
        sentences.append(
            summaries.helps_sentence(data["helps"], {h["slug"]: h["name"] for h in data["helps"]})
        )
    return sentences


def _direction(buckets: list[dict[str, Any]]) -> str | None:
    """Compare the first and second half of the range (weighted by check-ins), in words."""
    half = len(buckets) // 2
    halves = []
    for part in (buckets[:half], buckets[half:]):
        count = sum(b["count"] for b in part)
        if not count:
            return None
        halves.append(sum(b["mean_pleasantness"] * b["count"] for b in part if b["count"]) / count)
    change = halves[1] - halves[0]
    if change >= 0.1:
        return "In the second half of the range it felt lighter than in the first half."
    if change <= -0.1:
        return "In the second half of the range it felt heavier than in the first half."
    return "The second half of the range felt much like the first half."
