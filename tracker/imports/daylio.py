"""Daylio CSV exports: the two headers, the date and time formats, the note's HTML as text, and the mood
labels (Daylio's five defaults, or the person's mapping of their own labels to emotions)."""

import datetime as dt
import html.parser
import json
import re
import uuid
import zoneinfo
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db.models import Q

from tracker import checkin_rules as rules
from tracker import messages
from tracker.exports import CONTEXT_SEPARATOR
from tracker.imports.result import Candidate, ImportResult, RowError
from tracker.models import Emotion, Profile

NOTE_MAX_LENGTH = rules.NOTE_MAX_LENGTH
DAYLIO_HEADER_8 = ("full_date", "date", "weekday", "time", "mood", "activities", "note_title", "note")
DAYLIO_HEADER_7 = ("year", "date", "weekday", "time", "mood", "activities", "note")
# Daylio's five default moods. Pleasantness falls from rad to awful; intensity grows toward both ends,
# because "rad" and "awful" are the strong days and "meh" the faint one.
DAYLIO_DEFAULT_MOODS: dict[str, tuple[str, int]] = {
    "rad": ("joyful", 8),
    "good": ("content", 6),
    "meh": ("flat", 4),
    "bad": ("down", 6),
    "awful": ("sad", 8),
}
DAYLIO_MAPPED_INTENSITY = 5  # a label the person mapped themselves carries no strength of its own
# Fixed forever: changing it would make re-imports of old Daylio files duplicate every row.
DAYLIO_NAMESPACE = uuid.UUID("6f0f4f8e-6a8e-4f2b-9a53-2f7c6f1d0c51")


def mapping_validate(*, user: AbstractBaseUser, mapping: Any) -> dict[str, str]:
    """{label: emotion slug} with labels case-folded; every slug must be an emotion the user can use."""
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
    ):
        raise ValidationError({"mapping": [messages.MAPPING_SHAPE]})
    cleaned = {_label_key(label): slug.strip() for label, slug in mapping.items() if _label_key(label)}
    known = set(
        Emotion.objects.filter(Q(owner=None) | Q(owner=user), slug__in=set(cleaned.values())).values_list(
            "slug", flat=True
        )
    )
    unknown = sorted({slug for slug in cleaned.values() if slug not in known})
    if unknown:
        raise ValidationError(
            {"mapping": [messages.UNKNOWN_WORD.format(kind="emotion", slug=slug) for slug in unknown]}
        )
    return cleaned


def _label_key(label: str) -> str:
    return " ".join(label.split()).casefold()


TIME_RE = re.compile(r"^(\d{1,2})[:.](\d{2})(?::\d{2})?\s*(?:([ap])\.?\s*m\.?)?$", re.IGNORECASE)
DAYLIO_OLD_DATE_FORMATS = ("%Y %B %d", "%Y %b %d", "%Y %d %B", "%Y %d %b")


def _daylio_time(value: str) -> dt.time:
    match = TIME_RE.match(value.strip())
    if not match:
        raise RowError(f"'{value[:20]}' is not a time (like 20:05 or 8:05 pm).")
    hour, minute, half = int(match[1]), int(match[2]), (match[3] or "").lower()
    if half:
        if not 1 <= hour <= 12:
            raise RowError(f"'{value[:20]}' is not a 12-hour time.")
        hour = hour % 12 + (12 if half == "p" else 0)
    if hour > 23 or minute > 59:
        raise RowError(f"'{value[:20]}' is not a time of day.")
    return dt.time(hour, minute)


def _daylio_date(record: list[str]) -> dt.date:
    if len(record) == 8:  # full_date is ISO
        try:
            return dt.date.fromisoformat(record[0].strip())
        except ValueError:
            raise RowError(messages.NOT_A_DATE.format(value=record[0][:20])) from None
    text = f"{record[0].strip()} {record[1].strip().replace('.', '').replace(',', '')}"
    for pattern in DAYLIO_OLD_DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise RowError(f"'{text[:30]}' is not a date (like 2018 May 14).")


def _daylio_candidate(
    number: int,
    record: list[str],
    *,
    mapping: dict[str, str],
    zone: zoneinfo.ZoneInfo,
    profile: Profile,
    result: ImportResult,
) -> Candidate | None:
    """A check-in for one Daylio row, or None when its mood label is unknown."""
    if len(record) == 8:
        _full_date, _date_text, _weekday, time_text, label, activities, title, note = record
    else:
        _year, _date_text, _weekday, time_text, label, activities, note = record
        title = ""
    day = _daylio_date(record)
    wall = _daylio_time(time_text)
    key = _label_key(label)
    if not key:
        raise RowError("The mood is empty.")
    if key in mapping:
        emotion, intensity = mapping[key], DAYLIO_DEFAULT_MOODS.get(key, ("", DAYLIO_MAPPED_INTENSITY))[1]
    elif key in DAYLIO_DEFAULT_MOODS:
        emotion, intensity = DAYLIO_DEFAULT_MOODS[key]
    else:
        return None
    # The row's identity is what the person wrote, never what it maps to.
    identity = json.dumps([day.isoformat(), wall.strftime("%H:%M"), key, title, note], ensure_ascii=False)
    text = "\n".join(part for part in (html_to_text(title), html_to_text(note)) if part)
    if len(text) > NOTE_MAX_LENGTH:
        result.warn(number, f"The note was shortened to {NOTE_MAX_LENGTH:,} characters.")
        text = text[:NOTE_MAX_LENGTH]
    tags = rules.context_normalize(activities.split(CONTEXT_SEPARATOR.strip()))
    if any(len(tag) > rules.CONTEXT_TAG_MAX_LENGTH for tag in tags):
        result.warn(number, f"Activities were shortened to {rules.CONTEXT_TAG_MAX_LENGTH} characters.")
        tags = list(dict.fromkeys(tag[: rules.CONTEXT_TAG_MAX_LENGTH].strip() for tag in tags))
    if len(tags) > rules.CONTEXT_MAX_TAGS:
        result.warn(number, f"Only the first {rules.CONTEXT_MAX_TAGS} activities were kept.")
        tags = tags[: rules.CONTEXT_MAX_TAGS]
    return Candidate(
        row=number,
        uuid=uuid.uuid5(DAYLIO_NAMESPACE, identity),
        occurred_at=daylio_instant(day, wall, zone),
        emotion=emotion,
        intensity=intensity,
        note=text,
        context=tags,
    )


def daylio_instant(day: dt.date, wall: dt.time, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The UTC instant of a Daylio date and wall time, read in the profile's zone (Daylio stores no zone).

    An ambiguous wall time (the repeated hour when clocks go back) is its first occurrence; a wall time
    that does not exist (skipped when clocks go forward) is read with the offset in force before the jump,
    which lands as far after the jump as the time was after the gap's start (fold=0 in both cases).
    """
    try:
        return dt.datetime.combine(day, wall, tzinfo=zone).astimezone(dt.UTC)
    except OverflowError:  # 9999-12-31 in a zone behind UTC is in year 10000
        raise RowError("The date is too far in the past or the future.") from None


class _TextExtractor(html.parser.HTMLParser):
    BREAKS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # entities (&amp; &#8217;) become characters
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BREAKS and tag != "br":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(value: str) -> str:
    """Daylio's note HTML as plain text: tags dropped, <br> and block ends as line breaks, entities
    decoded, at most one blank line in a row, no trailing spaces. Plain text passes through."""
    if not value:
        return ""
    extractor = _TextExtractor()
    extractor.feed(value)
    extractor.close()
    lines = [line.rstrip() for line in "".join(extractor.parts).replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
