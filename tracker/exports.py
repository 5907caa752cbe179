"""Export of everything a user holds: Attune JSON (lossless, versioned) and Attune CSV (one row per check-in).

Both are generators of text chunks, so the API can stream them: the check-ins are read with a chunked
iterator over a flat values_list() query (slugs joined in SQL), and every row is serialized on its own,
so memory stays flat however many check-ins an account has. Each export issues a fixed number of queries.
"""

import csv
import datetime as dt
import io
import json
import zoneinfo
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from tracker import practices
from tracker.models import CheckIn, Emotion, Help, Intention, Need, Profile, Reminder, Sensation

EXPORT_FORMAT = "attune-export"
EXPORT_VERSION = 1
# Memory is bounded by these, not by the account: rows fetched per database round trip, and characters
# gathered before a chunk is handed to the server.
FETCH_ROWS = 500
FLUSH_CHARS = 64 * 1024

# The check-in fields of both formats, in order. CSV adds occurred_at_local (derived, ignored on import).
CHECKIN_VALUES = (
    "uuid",
    "occurred_at",
    "local_date",
    "emotion__slug",
    "intensity",
    "need__slug",
    "sensation__slug",
    "body_area__slug",
    "note",
    "context",
    "intensity_after",
    "would_help__slug",
    "harsh_line",
    "kind_line",
    "source",
    "created_at",
    "updated_at",
)
# Attune CSV as written before issue 14; its import still reads it (the new columns come last).
CSV_COLUMNS_V1 = (
    "id",
    "occurred_at",
    "occurred_at_local",
    "local_date",
    "emotion",
    "intensity",
    "need",
    "sensation",
    "body_area",
    "note",
    "context",
    "source",
    "created_at",
    "updated_at",
)
CSV_COLUMNS = (*CSV_COLUMNS_V1, "intensity_after", "would_help", "harsh_line", "kind_line")
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection). Such cells get a
# leading apostrophe; so do cells that already start with one, which keeps the escape reversible: the
# Attune CSV import removes exactly one leading apostrophe from every cell.
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
CONTEXT_SEPARATOR = " | "


def isoformat(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value is not None else None


def _checkin_rows(*, user: AbstractBaseUser) -> Iterator[tuple]:
    """The user's check-ins, oldest first, as flat tuples in CHECKIN_VALUES order (one query)."""
    return (
        CheckIn.objects.filter(user=user)
        .order_by("occurred_at", "id")
        .values_list(*CHECKIN_VALUES)
        .iterator(chunk_size=FETCH_ROWS)
    )


def _checkin_dict(row: tuple) -> dict[str, Any]:
    (uuid, occurred_at, local_date, emotion, intensity, need, sensation, body_area, note, context,
     intensity_after, would_help, harsh_line, kind_line, source, created_at, updated_at) = row  # fmt: skip
    return {
        "id": str(uuid),
        "occurred_at": isoformat(occurred_at),
        "local_date": local_date.isoformat(),
        "emotion": emotion,
        "intensity": intensity,
        "need": need,
        "sensation": sensation,
        "body_area": body_area,
        "note": note,
        "context": context,
        "intensity_after": intensity_after,
        "would_help": would_help,
        "harsh_line": harsh_line,
        "kind_line": kind_line,
        "source": source,
        "created_at": isoformat(created_at),
        "updated_at": isoformat(updated_at),
    }


def _profile(*, user: AbstractBaseUser, profile: Profile) -> dict[str, Any]:
    # The calendar token is a credential, not data: it is never exported.
    return {
        "username": user.get_username(),
        "timezone": profile.timezone,
        "day_starts_at": profile.day_starts_at,
        "week_starts_on": profile.week_starts_on,
        "paused_until": isoformat(profile.paused_until),
        "prompt_naming": profile.prompt_naming,
        "prompt_kind_line": profile.prompt_kind_line,
        "prompt_self_compassion": profile.prompt_self_compassion,
    }


def _custom_words(*, user: AbstractBaseUser) -> dict[str, list[dict[str, Any]]]:
    """The user's own vocabulary (4 queries); built-in words are referenced by slug only."""
    return {
        "emotions": list(
            Emotion.objects.filter(owner=user)
            .order_by("slug")
            .values("slug", "name", "definition", "family", "pleasantness", "energy")
        ),
        "needs": list(
            Need.objects.filter(owner=user).order_by("slug").values("slug", "name", "definition", "category")
        ),
        "sensations": list(
            Sensation.objects.filter(owner=user).order_by("slug").values("slug", "name", "definition")
        ),
        "helps": list(Help.objects.filter(owner=user).order_by("slug").values("slug", "name", "definition")),
    }


def _boundaries(*, user: AbstractBaseUser) -> list[dict[str, Any]]:
    """Boundaries with their need slugs, oldest first (2 queries; 1 when there are none)."""
    rows = reversed(practices.boundaries_for_user(user=user))
    return [
        {
            "id": str(boundary.uuid),
            "text": boundary.text,
            "needs": [need.slug for need in boundary.needs.all()],
            "created_at": isoformat(boundary.created_at),
            "updated_at": isoformat(boundary.updated_at),
        }
        for boundary in rows
    ]


def _intentions(*, user: AbstractBaseUser) -> list[dict[str, Any]]:
    """Weekly intentions, oldest week first (1 query)."""
    rows = (
        Intention.objects.filter(user=user).order_by("week_start").values("week_start", "text", "updated_at")
    )
    return [
        {
            "week_start": row["week_start"].isoformat(),
            "text": row["text"],
            "updated_at": isoformat(row["updated_at"]),
        }
        for row in rows
    ]


def _reminders(*, user: AbstractBaseUser) -> list[dict[str, Any]]:
    """Reminder schedules (1 query). Delivery state (next/last fire) is the server's, not the person's."""
    rows = (
        Reminder.objects.filter(user=user)
        .order_by("time", "id")
        .values("uuid", "time", "days", "enabled", "window_minutes", "label")
    )
    return [{**row, "uuid": str(row["uuid"]), "time": row["time"].strftime("%H:%M")} for row in rows]


def export_json(*, user: AbstractBaseUser, profile: Profile, now: dt.datetime) -> Iterator[str]:
    """The lossless Attune JSON export as text chunks (9 queries: 4 vocabularies, reminders, boundaries
    and their needs, intentions, check-ins).

    The document is one JSON object; check-ins come last, one serialized row at a time."""
    head = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": isoformat(now),
        "profile": _profile(user=user, profile=profile),
        "custom_words": _custom_words(user=user),
        "reminders": _reminders(user=user),
        "boundaries": _boundaries(user=user),
        "intentions": _intentions(user=user),
    }
    opening = json.dumps(head, ensure_ascii=False, indent=1)
    yield opening[: opening.rindex("}")].rstrip() + ',\n "checkins": ['
    separator = "\n  "
    batch: list[str] = []
    size = 0
    for row in _checkin_rows(user=user):
        batch.append(separator + json.dumps(_checkin_dict(row), ensure_ascii=False))
        size += len(batch[-1])
        separator = ",\n  "
        if size >= FLUSH_CHARS:
            yield "".join(batch)
            batch, size = [], 0
    batch.append("\n ]\n}\n")
    yield "".join(batch)


def csv_escape(value: str) -> str:
    return "'" + value if value.startswith(CSV_FORMULA_STARTS) else value


def context_join(tags: list[str]) -> str:
    r"""Tags joined by " | "; a backslash escapes a literal "|" or "\" inside a tag, so it splits back."""
    return CONTEXT_SEPARATOR.join(tag.replace("\\", "\\\\").replace("|", "\\|") for tag in tags)


def export_csv(*, user: AbstractBaseUser, profile: Profile) -> Iterator[str]:
    """Attune CSV: a byte-order mark (spreadsheets then read UTF-8), a header row and one row per check-in
    (1 query). Timestamps are ISO 8601 in UTC with their offset; occurred_at_local repeats the moment in
    the profile's current zone, for reading."""
    zone = zoneinfo.ZoneInfo(profile.timezone)
    yield "\ufeff" + ",".join(CSV_COLUMNS) + "\r\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in _checkin_rows(user=user):
        if buffer.tell() >= FLUSH_CHARS:
            yield buffer.getvalue()
            buffer = io.StringIO()  # a new buffer: truncating keeps the old one's allocation
            writer = csv.writer(buffer, lineterminator="\r\n")
        item = _checkin_dict(row)
        writer.writerow(
            csv_escape(cell)
            for cell in (
                item["id"],
                item["occurred_at"],
                row[1].astimezone(zone).isoformat(),
                item["local_date"],
                item["emotion"],
                str(item["intensity"]),
                item["need"] or "",
                item["sensation"] or "",
                item["body_area"] or "",
                item["note"],
                context_join(item["context"]),
                item["source"],
                item["created_at"],
                item["updated_at"],
                "" if item["intensity_after"] is None else str(item["intensity_after"]),
                item["would_help"] or "",
                item["harsh_line"],
                item["kind_line"],
            )
        )
    yield buffer.getvalue()


def export_filename(*, kind: str, today: dt.date) -> str:
    """No user text in file names: they end up in download folders, logs and proxies."""
    return f"attune-export-{today.isoformat()}.{kind}"
