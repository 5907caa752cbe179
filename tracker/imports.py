"""Import of Attune JSON, Attune CSV and Daylio CSV exports.

Why it is this long (~940 lines, four ideas: the entry point, Attune JSON, Attune CSV, Daylio, and the
writing): it becomes a package split by format in a later session, after the speed work that edits it.

The format is read from the content, never from the file name. The whole file is read and checked before
anything is written (see import_file for how it is written):

- A file that is not what it claims is refused whole (ValidationError on `file`, HTTP 400, nothing
  written): not UTF-8 text, binary, truncated or invalid JSON, a JSON that is not an Attune export or of an
  unknown version, a CSV whose header is neither Attune's nor Daylio's, a CSV row with the wrong number of
  columns or an unterminated quote (a cut-off or hand-mangled file), malformed profile, custom word or
  reminder sections of an Attune JSON.
- A row whose values are wrong in an otherwise sound file is skipped and reported in `errors` as
  {row, message}: an unknown emotion/need/sensation/body area slug, a bad or future timestamp, an
  intensity outside 0-10, a note over 5,000 characters or holding a NUL character (PostgreSQL text cannot
  store one; the API refuses it too), an invalid id. The other rows are imported.
- Daylio rows whose mood label is not known (not one of the five defaults, not in `mapping`) are skipped and
  the label listed once in `unknown_labels`, in first-seen order; they are counted in `skipped`, not errors.
- Daylio values that only break a size rule are kept, shortened, and noted in `warnings`: notes cut to
  5,000 characters, activity tags cut to 40 characters, activities beyond the 10th dropped.

Row numbers: for CSV the spreadsheet row (the header is row 1, each record one row even if a note spans
lines); for JSON the 1-based position in `checkins`.

Idempotency: every row has an id. Attune files keep their check-in ids; a Daylio row's id is a UUID5 of its
date, time, mood label (case-folded) and note, so importing the same file again, with or without a
different mapping, adds nothing. Rows whose id the account already holds are counted in `skipped`.
"""

import csv
import datetime as dt
import html.parser
import io
import json
import re
import time
import uuid
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, OperationalError, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone

from tracker import checkin_rules as rules
from tracker import services
from tracker.exports import CONTEXT_SEPARATOR, CSV_COLUMNS, EXPORT_FORMAT, EXPORT_VERSION
from tracker.models import WEEKDAYS, BodyArea, CheckIn, Emotion, Need, Profile, Reminder, Sensation

NOTE_MAX_LENGTH = rules.NOTE_MAX_LENGTH
# The import's words for the broken rules (tracker.checkin_rules); the API has its own.
ROW_MESSAGES = {
    rules.NAIVE: "'occurred_at' needs a UTC offset.",
    rules.TOO_EARLY: "That is too long ago to be a check-in.",
    rules.FUTURE: "A check-in cannot be in the future.",
    rules.INTENSITY_RANGE: (
        f"'intensity' must be a whole number from {rules.INTENSITY_MIN} to {rules.INTENSITY_MAX}."
    ),
    rules.NOTE_TOO_LONG: f"The note is longer than {rules.NOTE_MAX_LENGTH:,} characters.",
    rules.CONTEXT_TOO_BIG: (
        f"Use at most {rules.CONTEXT_MAX_TAGS} context tags of at most "
        f"{rules.CONTEXT_TAG_MAX_LENGTH} characters."
    ),
}
ERRORS_REPORTED_MAX = 100  # the response stays small however broken a big file is
BATCH_SIZE = 1000
# Check-ins per write transaction: each holds SQLite's write lock for a few milliseconds, so other people's
# saves wait that long at most, not for the whole import.
WRITE_CHUNK_ROWS = 500
# An import stops writing after this long (counted from its start) and says so; sending the file again
# completes it. Keeps the largest import well inside the web server's worker timeout (tracker.serve).
IMPORT_SECONDS_MAX = 30
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


class RowError(Exception):
    """A problem with one row; the row is skipped and reported."""


class ImportInterrupted(Exception):
    """Writing stopped part-way (the database was busy or away, or the import ran out of time). The rows
    written so far are kept."""

    def __init__(self, *, result: "ImportResult", remaining: int) -> None:
        super().__init__(f"import interrupted with {remaining} rows left")
        self.result = result
        self.remaining = remaining


def file_error(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


@dataclass
class Candidate:
    """One check-in read from a file, typed but not yet checked against the vocabulary and rules."""

    row: int
    uuid: uuid.UUID
    occurred_at: dt.datetime
    emotion: str
    intensity: int
    need: str | None = None
    sensation: str | None = None
    body_area: str | None = None
    note: str = ""
    context: list[str] = field(default_factory=list)
    source: str = CheckIn.Source.IMPORT
    local_date: dt.date | None = None  # None: derived from the profile, as for a new check-in
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None


@dataclass
class ImportResult:
    format: str = ""
    imported: int = 0
    skipped: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    unknown_labels: list[str] = field(default_factory=list)
    omitted: int = 0  # errors beyond ERRORS_REPORTED_MAX

    def error(self, row: int, message: str) -> None:
        self.skipped += 1
        if len(self.errors) < ERRORS_REPORTED_MAX:
            self.errors.append({"row": row, "message": message})
        else:
            self.omitted += 1

    def warn(self, row: int, message: str) -> None:
        if len(self.warnings) < ERRORS_REPORTED_MAX:
            self.warnings.append({"row": row, "message": message})

    def as_dict(self) -> dict[str, Any]:
        errors = sorted(self.errors, key=lambda error: error["row"])
        if self.omitted:
            errors.append({"row": None, "message": f"{self.omitted} more rows had problems."})
        return {
            "format": self.format,
            "imported": self.imported,
            "skipped": self.skipped,
            "errors": errors,
            "warnings": sorted(self.warnings, key=lambda warning: warning["row"]),
            "unknown_labels": self.unknown_labels,
        }


@dataclass
class Parsed:
    """What a file holds, before anything is written."""

    format: str
    candidates: list[Candidate]
    result: ImportResult
    profile: dict[str, Any] | None = None
    custom_words: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    reminders: list[dict[str, Any]] = field(default_factory=list)


# --- entry point -------------------------------------------------------------------------------


def import_file(
    *,
    user: AbstractBaseUser,
    data: bytes,
    mapping: dict[str, str] | None = None,
    now: dt.datetime | None = None,
) -> ImportResult:
    """Import an export file into `user`'s account; see the module docstring.

    The whole file is read and checked first, writing nothing. Then the account's settings and words go
    in one short transaction and the check-ins in transactions of WRITE_CHUNK_ROWS rows, so an import never
    holds the database's write lock for long (SQLite has a single one, shared by every account). Should
    writing stop part-way (a busy database, or IMPORT_SECONDS_MAX passed), ImportInterrupted says how far
    it got; sending the same file again completes the import, because rows whose id the account holds are
    skipped.
    """
    started = time.monotonic()
    now = now or timezone.now()
    mapping = mapping_validate(user=user, mapping=mapping or {})
    text = _decode(data)
    profile = services.profile_get(user=user)
    if text.lstrip(" \t\r\n")[:1] in ("{", "["):
        parsed = _parse_attune_json(text)
    else:
        parsed = _parse_csv(text, mapping=mapping, zone=zoneinfo.ZoneInfo(profile.timezone), profile=profile)
    rows = _rows_checked(user=user, parsed=parsed, now=now)
    result = parsed.result
    done = 0  # rows written or found written
    try:
        profile = _settings_write(user=user, parsed=parsed, now=now)
        words = _Vocabulary.for_user(user)  # with the ids of the custom words just created
        for start in range(0, len(rows), WRITE_CHUNK_ROWS):
            if time.monotonic() - started > IMPORT_SECONDS_MAX:
                raise ImportInterrupted(result=result, remaining=len(rows) - done)
            chunk = rows[start : start + WRITE_CHUNK_ROWS]
            imported, skipped = _chunk_write(user=user, rows=chunk, words=words, profile=profile, now=now)
            result.imported += imported
            result.skipped += skipped
            done += len(chunk)
    except OperationalError as exc:  # the database is busy or away: what is written stays written
        raise ImportInterrupted(result=result, remaining=len(rows) - done) from exc
    return result


def mapping_validate(*, user: AbstractBaseUser, mapping: Any) -> dict[str, str]:
    """{label: emotion slug} with labels case-folded; every slug must be an emotion the user can use."""
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
    ):
        raise ValidationError({"mapping": ['Send a JSON object of {"label": "emotion slug"}.']})
    cleaned = {_label_key(label): slug.strip() for label, slug in mapping.items() if _label_key(label)}
    known = set(
        Emotion.objects.filter(Q(owner=None) | Q(owner=user), slug__in=set(cleaned.values())).values_list(
            "slug", flat=True
        )
    )
    unknown = sorted({slug for slug in cleaned.values() if slug not in known})
    if unknown:
        raise ValidationError({"mapping": [f"Unknown emotion '{slug}'." for slug in unknown]})
    return cleaned


def _label_key(label: str) -> str:
    return " ".join(label.split()).casefold()


def _decode(data: bytes) -> str:
    if not data.strip():
        raise file_error("The file is empty.")
    if data[:4] == b"PK\x03\x04":
        raise file_error(
            "This is a zip archive (a Daylio backup is one). Export a CSV from Daylio, or an Attune "
            "JSON or CSV export, and import that."
        )
    if b"\x00" in data:
        raise file_error("This is a binary file, not an Attune export (JSON or CSV) or a Daylio CSV.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise file_error("The file is not UTF-8 text. Import an Attune export or a Daylio CSV.") from None


# --- Attune JSON -------------------------------------------------------------------------------


def _parse_attune_json(text: str) -> Parsed:
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise file_error("The file is not valid JSON; it may have been cut off.") from None
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise file_error("This JSON file is not an Attune export.")
    if document.get("version") != EXPORT_VERSION:
        raise file_error(
            f"This Attune export has version {document.get('version')!r}; this server reads version "
            f"{EXPORT_VERSION}."
        )
    rows = document.get("checkins")
    if not isinstance(rows, list):
        raise file_error("This Attune export has no list of check-ins.")
    result = ImportResult(format="attune-json")
    candidates = []
    for number, item in enumerate(rows, start=1):
        try:
            if not isinstance(item, dict):
                raise RowError("A check-in must be a JSON object.")
            candidates.append(_attune_candidate(number, item))
        except RowError as exc:
            result.error(number, str(exc))
    return Parsed(
        format="attune-json",
        candidates=candidates,
        result=result,
        profile=_profile_section(document.get("profile")),
        custom_words=_custom_words_section(document.get("custom_words")),
        reminders=_reminders_section(document.get("reminders")),
    )


def _attune_candidate(number: int, item: dict[str, Any]) -> Candidate:
    def text(key: str, *, optional: bool = True) -> str | None:
        value = item.get(key)
        if value is None or value == "":
            if optional:
                return None
            raise RowError(f"'{key}' is required.")
        if not isinstance(value, str):
            raise RowError(f"'{key}' must be text.")
        return value

    intensity = item.get("intensity")
    if isinstance(intensity, bool) or not isinstance(intensity, int):
        raise RowError("'intensity' must be a whole number from 0 to 10.")
    note = item.get("note")
    if note is not None and not isinstance(note, str):
        raise RowError("'note' must be text.")
    context = item.get("context") or []
    if not isinstance(context, list) or not all(isinstance(tag, str) for tag in context):
        raise RowError("'context' must be a list of text tags.")
    return Candidate(
        row=number,
        uuid=_uuid(text("id", optional=False)),
        occurred_at=_timestamp(text("occurred_at", optional=False), "occurred_at"),
        local_date=_date(text("local_date")),
        emotion=text("emotion", optional=False),
        intensity=intensity,
        need=text("need"),
        sensation=text("sensation"),
        body_area=text("body_area"),
        note=note or "",
        context=context,
        source=_source(text("source")),
        created_at=_optional_timestamp(text("created_at"), "created_at"),
        updated_at=_optional_timestamp(text("updated_at"), "updated_at"),
    )


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise RowError(f"'{value[:40]}' is not a valid id (a UUID).") from None


def _timestamp(value: str, name: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise RowError(f"'{name}' is not an ISO 8601 timestamp.") from None
    if timezone.is_naive(parsed):
        raise RowError(f"'{name}' needs a UTC offset, e.g. 2026-11-22T08:30:00+01:00.")
    try:
        return parsed.astimezone(dt.UTC)
    except OverflowError:  # near year 1 or 9999 the UTC instant is outside Python's calendar
        raise RowError(f"'{name}' is too far in the past or the future.") from None


def _optional_timestamp(value: str | None, name: str) -> dt.datetime | None:
    return _timestamp(value, name) if value else None


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise RowError("'local_date' is not a date (YYYY-MM-DD).") from None


def _source(value: str | None) -> str:
    if value is None:
        return CheckIn.Source.IMPORT
    if value not in CheckIn.Source.values:
        raise RowError(f"'source' must be one of {', '.join(CheckIn.Source.values)}.")
    return value


def _profile_section(section: Any) -> dict[str, Any] | None:
    if section is None:
        return None
    if not isinstance(section, dict):
        raise file_error("The profile of this Attune export is not a JSON object.")
    values: dict[str, Any] = {}
    for key, name, kind in (
        ("timezone", "timezone_name", str),
        ("day_starts_at", "day_starts_at", int),
        ("week_starts_on", "week_starts_on", str),
    ):
        if key in section:
            value = section[key]
            if isinstance(value, bool) or not isinstance(value, kind):
                raise file_error(f"The profile's '{key}' of this Attune export is invalid.")
            values[name] = value
    if "paused_until" in section:
        try:
            values["paused_until"] = _optional_timestamp(section["paused_until"] or None, "paused_until")
        except (RowError, TypeError):
            raise file_error("The profile's 'paused_until' is not an ISO 8601 timestamp.") from None
    return values


WORD_FIELDS: dict[str, dict[str, int]] = {  # kind -> text field -> max length
    "emotions": {"slug": 64, "name": 64, "definition": 300, "family": 40},
    "needs": {"slug": 64, "name": 64, "definition": 300, "category": 40},
    "sensations": {"slug": 64, "name": 64, "definition": 300},
}
SLUG_RE = re.compile(r"^[-\w]+\Z")


def _custom_words_section(section: Any) -> dict[str, list[dict[str, Any]]]:
    if section is None:
        return {}
    if not isinstance(section, dict):
        raise file_error("The custom words of this Attune export are not a JSON object.")
    words: dict[str, list[dict[str, Any]]] = {}
    for kind, limits in WORD_FIELDS.items():
        items = section.get(kind) or []
        if not isinstance(items, list):
            raise file_error(f"The custom {kind} of this Attune export are not a list.")
        words[kind] = []
        for position, item in enumerate(items, start=1):
            where = f"Custom {kind[:-1]} #{position}"
            if not isinstance(item, dict):
                raise file_error(f"{where} is not a JSON object.")
            word: dict[str, Any] = {}
            for name, limit in limits.items():
                value = item.get(name, "") or ""
                if not isinstance(value, str) or len(value) > limit or not _storable(value):
                    raise file_error(f"{where} has an invalid '{name}'.")
                word[name] = value
            if not SLUG_RE.match(word["slug"]) or not word["name"].strip():
                raise file_error(f"{where} needs a slug and a name.")
            if kind == "emotions":
                for axis in ("pleasantness", "energy"):
                    value = item.get(axis)
                    if isinstance(value, bool) or not isinstance(value, int | float) or not -1 <= value <= 1:
                        raise file_error(f"{where} needs '{axis}' from -1 to 1.")
                    word[axis] = float(value)
            words[kind].append(word)
    return words


def _reminders_section(section: Any) -> list[dict[str, Any]]:
    if section is None:
        return []
    if not isinstance(section, list):
        raise file_error("The reminders of this Attune export are not a list.")
    reminders = []
    for position, item in enumerate(section, start=1):
        where = f"Reminder #{position}"
        if not isinstance(item, dict):
            raise file_error(f"{where} is not a JSON object.")
        try:
            wall = dt.time.fromisoformat(item.get("time") or "")
        except (TypeError, ValueError):
            raise file_error(f"{where} needs a time as HH:MM.") from None
        days = item.get("days")
        window = item.get("window_minutes", 0)
        label = item.get("label") or ""
        if not isinstance(days, list) or any(day not in WEEKDAYS for day in days):
            raise file_error(f"{where} has invalid days.")
        if isinstance(window, bool) or not isinstance(window, int) or not 0 <= window <= 720:
            raise file_error(f"{where} has an invalid window.")
        if not isinstance(label, str) or len(label) > 80 or not _storable(label):
            raise file_error(f"{where} has an invalid label.")
        try:
            reminder_id = uuid.UUID(str(item.get("uuid")))
        except ValueError:
            reminder_id = uuid.uuid4()
        reminders.append(
            {
                "uuid": reminder_id,
                "time": wall.replace(second=0, microsecond=0, tzinfo=None),
                "days": [day for day in WEEKDAYS if day in days],
                "enabled": bool(item.get("enabled", True)),
                "window_minutes": window,
                "label": label,
            }
        )
    return reminders


# --- CSV (Attune and Daylio) -------------------------------------------------------------------


def _parse_csv(text: str, *, mapping: dict[str, str], zone: zoneinfo.ZoneInfo, profile: Profile) -> Parsed:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        header_key = tuple(cell.strip().lower() for cell in header or ())
        if header and tuple(header) == CSV_COLUMNS:
            kind, width = "attune-csv", len(CSV_COLUMNS)
        elif header_key == DAYLIO_HEADER_8:
            kind, width = "daylio-csv", 8
        elif header_key == DAYLIO_HEADER_7:
            kind, width = "daylio-csv", 7
        else:
            raise file_error(
                "The file is not an Attune export (JSON or CSV) or a Daylio CSV: its first row is not a "
                "header either of them writes."
            )
        records = []
        for number, record in enumerate(reader, start=2):
            if not record or record == [""]:
                continue  # blank line
            if len(record) != width:
                raise file_error(
                    f"Row {number} has {len(record)} columns instead of {width}; the file may be cut off "
                    f"or damaged. Nothing was imported."
                )
            records.append((number, record))
    except csv.Error:
        raise file_error("The CSV is malformed (an unterminated quote?); it may be cut off.") from None
    result = ImportResult(format=kind)
    candidates = []
    labels: dict[str, str] = {}  # case-folded label -> first spelling seen
    for number, record in records:
        try:
            if kind == "attune-csv":
                candidates.append(_attune_csv_candidate(number, record))
            else:
                candidate = _daylio_candidate(
                    number, record, mapping=mapping, zone=zone, profile=profile, result=result
                )
                if candidate is None:
                    label = record[4].strip()
                    labels.setdefault(_label_key(label), label)
                    result.skipped += 1
                else:
                    candidates.append(candidate)
        except RowError as exc:
            result.error(number, str(exc))
    result.unknown_labels = list(labels.values())
    return Parsed(format=kind, candidates=candidates, result=result)


def _csv_unescape(cell: str) -> str:
    """Undo the export's formula guard: exactly one leading apostrophe goes (see exports.csv_escape)."""
    return cell[1:] if cell.startswith("'") else cell


def context_split(cell: str) -> list[str]:
    r"""The inverse of exports.context_join: split on unescaped "|", then unescape "\|" and "\\"."""
    if not cell:
        return []
    tags, current, chars = [], [], iter(cell)
    for char in chars:
        if char == "\\":
            current.append(next(chars, ""))
        elif char == "|":
            tags.append("".join(current))
            current = []
        else:
            current.append(char)
    tags.append("".join(current))
    return [tag.strip() for tag in tags]


def _attune_csv_candidate(number: int, record: list[str]) -> Candidate:
    cells = dict(zip(CSV_COLUMNS, (_csv_unescape(cell) for cell in record), strict=True))
    try:
        intensity = int(cells["intensity"])
    except ValueError:
        raise RowError("'intensity' must be a whole number from 0 to 10.") from None
    for required in ("id", "occurred_at", "emotion"):
        if not cells[required]:
            raise RowError(f"'{required}' is required.")
    return Candidate(
        row=number,
        uuid=_uuid(cells["id"]),
        occurred_at=_timestamp(cells["occurred_at"], "occurred_at"),
        local_date=_date(cells["local_date"]),
        emotion=cells["emotion"],
        intensity=intensity,
        need=cells["need"] or None,
        sensation=cells["sensation"] or None,
        body_area=cells["body_area"] or None,
        note=cells["note"],
        context=context_split(cells["context"]),
        source=_source(cells["source"] or None),
        created_at=_optional_timestamp(cells["created_at"], "created_at"),
        updated_at=_optional_timestamp(cells["updated_at"], "updated_at"),
    )


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
            raise RowError(f"'{record[0][:20]}' is not a date (YYYY-MM-DD).") from None
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


# --- writing -----------------------------------------------------------------------------------


def _storable(value: str) -> bool:
    """Text a database can hold: no NUL (PostgreSQL refuses it), no lone surrogates (not UTF-8)."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass
class _Vocabulary:
    emotions: dict[str, int | None]
    needs: dict[str, int | None]
    sensations: dict[str, int | None]
    body_areas: dict[str, int | None]

    @classmethod
    def for_user(cls, user: AbstractBaseUser) -> "_Vocabulary":
        """Slug -> id of every word the user may use (4 queries)."""
        visible = Q(owner=None) | Q(owner=user)
        return cls(
            emotions=dict(Emotion.objects.filter(visible).values_list("slug", "id")),
            needs=dict(Need.objects.filter(visible).values_list("slug", "id")),
            sensations=dict(Sensation.objects.filter(visible).values_list("slug", "id")),
            body_areas=dict(BodyArea.objects.values_list("slug", "id")),
        )

    def with_custom_words(self, words: dict[str, list[dict[str, Any]]]) -> "_Vocabulary":
        """Also the file's custom words (their ids are known once they are written)."""
        for kind in ("emotions", "needs", "sensations"):
            table = getattr(self, kind)
            for item in words.get(kind) or []:
                table.setdefault(item["slug"], None)
        return self


WORD_FIELDS_OF_ROW = ("emotion", "need", "sensation", "body_area")


def _row_check(candidate: Candidate, *, words: _Vocabulary, now: dt.datetime) -> None:
    """The rules a check-in made in the app obeys, applied to a row before anything is written: RowError
    when it breaks one. Context tags are normalized in place, as the app normalizes them."""
    c = candidate
    tags = rules.context_normalize(c.context)
    problems = rules.checkin_problems(
        {"occurred_at": c.occurred_at, "intensity": c.intensity, "note": c.note, "context": tags}, now=now
    )
    for name in ("occurred_at", "intensity"):
        if name in problems:
            raise RowError(ROW_MESSAGES[problems[name]])
    for name in WORD_FIELDS_OF_ROW:
        slug = getattr(c, name)
        if slug is not None and slug not in getattr(words, name + "s"):
            raise RowError(f"Unknown {name.replace('_', ' ')} '{slug[:64]}'.")
    for name in ("note", "context"):
        if name in problems:
            raise RowError(ROW_MESSAGES[problems[name]])
    if not all(_storable(value) for value in (c.note, *tags)):
        raise RowError("The note or a tag holds a NUL character or invalid text.")
    # The exported local date is kept (history as lived, in the zone of the day), but it must be a day the
    # instant can belong to somewhere: zones span UTC-12..+14 and a day may start as late as 23:00.
    utc_day = c.occurred_at.date()
    if c.local_date and not utc_day - dt.timedelta(days=2) <= c.local_date <= utc_day + dt.timedelta(days=1):
        raise RowError("'local_date' does not fit 'occurred_at'.")
    c.context = tags


def _checkin_values(
    candidate: Candidate, *, user: AbstractBaseUser, words: _Vocabulary, profile: Profile, now: dt.datetime
) -> dict[str, Any]:
    """The check-in a checked row becomes, as {attname: value}; a row without a local date gets one as a
    new check-in would. Created and updated times are the file's (a lossless round trip keeps them), never
    later than now."""
    c = candidate
    values = {
        name + "_id": None if getattr(c, name) is None else getattr(words, name + "s")[getattr(c, name)]
        for name in WORD_FIELDS_OF_ROW
    }
    return {
        **values,
        "uuid": c.uuid,
        "user_id": user.pk,
        "occurred_at": c.occurred_at,
        "local_date": c.local_date or services.profile_local_date(profile, c.occurred_at),
        "intensity": c.intensity,
        "note": c.note,
        "context": c.context,
        "intensity_after": None,
        "would_help_id": None,
        "harsh_line": "",
        "kind_line": "",
        "source": c.source,
        "created_at": min(c.created_at or now, now),
        "updated_at": min(c.updated_at or now, now),
    }


def _existing_ids(*, user: AbstractBaseUser, ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    ids = list(ids)
    found: set[uuid.UUID] = set()
    for start in range(0, len(ids), BATCH_SIZE):
        found.update(
            CheckIn.objects.filter(user=user, uuid__in=ids[start : start + BATCH_SIZE]).values_list(
                "uuid", flat=True
            )
        )
    return found


def _rows_checked(*, user: AbstractBaseUser, parsed: Parsed, now: dt.datetime) -> list[Candidate]:
    """The rows to write, in file order: rows the account already holds are skipped (a second import of
    the file, or the rest of an interrupted one), rows that break a rule are reported. Reads only."""
    result = parsed.result
    words = _Vocabulary.for_user(user).with_custom_words(parsed.custom_words)
    existing = _existing_ids(user=user, ids=(c.uuid for c in parsed.candidates))
    seen: set[uuid.UUID] = set()
    rows = []
    for candidate in parsed.candidates:
        if candidate.uuid in existing or candidate.uuid in seen:
            result.skipped += 1
            continue
        try:
            _row_check(candidate, words=words, now=now)
        except RowError as exc:
            result.error(candidate.row, str(exc))
            continue
        seen.add(candidate.uuid)
        rows.append(candidate)
    return rows


def _settings_write(*, user: AbstractBaseUser, parsed: Parsed, now: dt.datetime) -> Profile:
    """Profile, custom words and reminders of the file, in one short transaction before any check-in: a
    file-level problem found here (an invalid profile) leaves the account as it was."""
    with transaction.atomic():
        # One import per account at a time (PostgreSQL; SQLite's IMMEDIATE transactions serialize anyway),
        # so two imports into a new account cannot both restore its settings.
        profile = Profile.objects.select_for_update().get(pk=services.profile_get(user=user).pk)
        fresh = (
            not CheckIn.objects.filter(user=user).exists() and not Reminder.objects.filter(user=user).exists()
        )
        if parsed.profile and fresh:
            profile = _profile_restore(profile=profile, values=parsed.profile)
        _custom_words_create(user=user, words=parsed.custom_words)
        if parsed.reminders and fresh:
            _reminders_restore(user=user, profile=profile, reminders=parsed.reminders, now=now)
    return profile


def _insert_statement() -> tuple[str, list]:
    fields = [field for field in CheckIn._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Names come from the model, values are parameters.
    return f"INSERT INTO {quote(CheckIn._meta.db_table)} ({columns}) VALUES ({placeholders})", fields  # noqa: S608


def _chunk_write(
    *, user: AbstractBaseUser, rows: list[Candidate], words: _Vocabulary, profile: Profile, now: dt.datetime
) -> tuple[int, int]:
    """Insert one chunk of checked rows in its own transaction. Returns (written, skipped): a row the
    account gained meanwhile (an offline phone replaying its outbox, the same file sent twice at once)
    is skipped.

    Every value is converted for the database before the transaction starts, and the rows go in with one
    executemany: SQLite's write lock is then held for milliseconds. (bulk_create does that conversion
    while holding it, a few hundred milliseconds per chunk: writers waiting in SQLite's busy handler,
    which retries at intervals of up to 100 ms, then rarely found the lock free between two chunks.)
    """
    sql, fields = _insert_statement()
    database = connections[DEFAULT_DB_ALIAS]  # the object itself: `connection` is a per-access proxy
    params = {}
    for candidate in rows:
        values = _checkin_values(candidate, user=user, words=words, profile=profile, now=now)
        params[candidate.uuid] = [field.get_db_prep_save(values[field.attname], database) for field in fields]
    for _attempt in range(3):
        try:
            with transaction.atomic():
                taken = _existing_ids(user=user, ids=params)
                new = [values for checkin_id, values in params.items() if checkin_id not in taken]
                with connection.cursor() as cursor:
                    cursor.executemany(sql, new)
            return len(new), len(rows) - len(new)
        except IntegrityError:
            continue  # an id of the chunk was written between reading the ids and inserting: read again
    raise file_error("The import collided with other changes to your account; please try again.")


def _profile_restore(*, profile: Profile, values: dict[str, Any]) -> Profile:
    try:
        return services.profile_update(profile=profile, **values)
    except ValidationError as exc:
        messages = [f"{key}: {message}" for key, errors in exc.message_dict.items() for message in errors]
        raise file_error("The profile of this Attune export is invalid: " + " ".join(messages)) from None


def _custom_words_create(*, user: AbstractBaseUser, words: dict[str, list[dict[str, Any]]]) -> None:
    """Create the file's custom words the user lacks (a built-in word or their own of that slug wins)."""
    for kind, model in (("emotions", Emotion), ("needs", Need), ("sensations", Sensation)):
        items = words.get(kind) or []
        if not items:
            continue
        taken = set(
            model.objects.filter(
                Q(owner=None) | Q(owner=user), slug__in=[item["slug"] for item in items]
            ).values_list("slug", flat=True)
        )
        missing = {}
        for item in items:
            if item["slug"] not in taken:
                missing.setdefault(item["slug"], model(owner=user, **item))
        model.objects.bulk_create(list(missing.values()))


def _reminders_restore(
    *, user: AbstractBaseUser, profile: Profile, reminders: list[dict[str, Any]], now: dt.datetime
) -> None:
    """Reminders of the file, into an account that has none. A reminder id is unique across all accounts,
    so one still held elsewhere (the account exported from, on this server) gets a new id."""
    from tracker.reminders import REMINDERS_PER_USER_MAX, reminder_next_fire_at

    taken = set(
        Reminder.objects.filter(uuid__in=[item["uuid"] for item in reminders]).values_list("uuid", flat=True)
    )
    rows = []
    for item in reminders[:REMINDERS_PER_USER_MAX]:
        reminder = Reminder(
            user=user, **{**item, "uuid": uuid.uuid4() if item["uuid"] in taken else item["uuid"]}
        )
        taken.add(reminder.uuid)
        reminder.next_fire_at = reminder_next_fire_at(reminder=reminder, profile=profile, now=now)
        rows.append(reminder)
    Reminder.objects.bulk_create(rows)
