"""Attune JSON exports: the check-ins, the profile, the custom words and the reminders, read and checked.

The field readers (`_uuid`, `_timestamp`, `_date`, `_source`) are shared with the Attune CSV, which holds
the same fields as text."""

import datetime as dt
import json
import re
import uuid
from typing import Any

from django.utils import timezone

from tracker import checkin_rules as rules
from tracker import messages, practices, services
from tracker.exports import EXPORT_FORMAT, EXPORT_VERSION
from tracker.imports.result import Candidate, ImportResult, Parsed, RowError, file_error
from tracker.models import WEEKDAYS, CheckIn


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
        boundaries=_boundaries_section(document.get("boundaries")),
        intentions=_intentions_section(document.get("intentions")),
    )


def _attune_candidate(number: int, item: dict[str, Any]) -> Candidate:
    def text(key: str, *, optional: bool = True) -> str | None:
        value = item.get(key)
        if value is None or value == "":
            if optional:
                return None
            raise RowError(messages.ROW_FIELD_REQUIRED.format(name=key))
        if not isinstance(value, str):
            raise RowError(f"'{key}' must be text.")
        return value

    intensity = item.get("intensity")
    if isinstance(intensity, bool) or not isinstance(intensity, int):
        raise RowError(messages.ROW_INTENSITY)
    note = item.get("note")
    if note is not None and not isinstance(note, str):
        raise RowError("'note' must be text.")
    context = item.get("context") or []
    if not isinstance(context, list) or not all(isinstance(tag, str) for tag in context):
        raise RowError("'context' must be a list of text tags.")
    intensity_after = item.get("intensity_after")
    if intensity_after is not None and (
        isinstance(intensity_after, bool) or not isinstance(intensity_after, int)
    ):
        raise RowError(messages.ROW_INTENSITY_AFTER)
    lines = {}
    for line in ("harsh_line", "kind_line"):
        value = item.get(line)
        if value is not None and not isinstance(value, str):
            raise RowError(f"'{line}' must be text.")
        lines[line] = value or ""
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
        intensity_after=intensity_after,
        would_help=text("would_help"),
        **lines,
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
        raise RowError(messages.NOT_A_DATE.format(value="local_date")) from None


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
    for name in services.PROFILE_PROMPTS:
        if name in section:
            if not isinstance(section[name], bool):
                raise file_error(f"The profile's '{name}' of this Attune export is invalid.")
            values[name] = section[name]
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
    "helps": {"slug": 64, "name": 64, "definition": 300},
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
                raise file_error(messages.NOT_A_JSON_OBJECT.format(where=where))
            word: dict[str, Any] = {}
            for name, limit in limits.items():
                value = item.get(name, "") or ""
                if not isinstance(value, str) or len(value) > limit or not rules.text_storable(value):
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
            raise file_error(messages.NOT_A_JSON_OBJECT.format(where=where))
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
        if not isinstance(label, str) or len(label) > 80 or not rules.text_storable(label):
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


def _section_items(section: Any, *, plural: str, singular: str):
    """(where, item) for each JSON object of an optional list section, e.g. ("Boundary #2", {...})."""
    if section is None:
        return
    if not isinstance(section, list):
        raise file_error(f"The {plural} of this Attune export are not a list.")
    for position, item in enumerate(section, start=1):
        where = f"{singular} #{position}"
        if not isinstance(item, dict):
            raise file_error(messages.NOT_A_JSON_OBJECT.format(where=where))
        yield where, item


def _section_text(item: dict[str, Any], *, where: str, max_length: int) -> str:
    """A practice's text: non-empty, within its limit and storable; returned stripped."""
    text = item.get("text")
    valid = isinstance(text, str) and text.strip() and len(text) <= max_length and rules.text_storable(text)
    if not valid:
        raise file_error(f"{where} has an invalid text.")
    return text.strip()


def _boundaries_section(section: Any) -> list[dict[str, Any]]:
    """Boundaries with their need slugs (resolved against the account when written) and their times."""
    boundaries = []
    for where, item in _section_items(section, plural="boundaries", singular="Boundary"):
        text = _section_text(item, where=where, max_length=practices.BOUNDARY_TEXT_MAX_LENGTH)
        needs = item.get("needs") or []
        if (
            not isinstance(needs, list)
            or len(needs) > practices.BOUNDARY_NEEDS_MAX
            or not all(isinstance(slug, str) and SLUG_RE.match(slug) for slug in needs)
        ):
            raise file_error(f"{where} has invalid needs.")
        try:
            boundary_id = uuid.UUID(str(item.get("id")))
            created_at = _optional_timestamp(item.get("created_at") or None, "created_at")
            updated_at = _optional_timestamp(item.get("updated_at") or None, "updated_at")
        except (RowError, TypeError, ValueError):
            raise file_error(f"{where} has an invalid id or time.") from None
        boundaries.append(
            {
                "uuid": boundary_id,
                "text": text,
                "needs": list(dict.fromkeys(needs)),
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
    return boundaries


def _intentions_section(section: Any) -> list[dict[str, Any]]:
    """Each week's one small step, by the first day of its week."""
    intentions = []
    for where, item in _section_items(section, plural="intentions", singular="Intention"):
        text = _section_text(item, where=where, max_length=practices.INTENTION_TEXT_MAX_LENGTH)
        try:
            week_start = dt.date.fromisoformat(item.get("week_start") or "")
            updated_at = _optional_timestamp(item.get("updated_at") or None, "updated_at")
        except (RowError, TypeError, ValueError):
            raise file_error(f"{where} has an invalid week or time.") from None
        intentions.append({"week_start": week_start, "text": text, "updated_at": updated_at})
    return intentions
