"""The rules of a check-in's values, in one place: the API (tracker.services) and every import path
(tracker.imports: Attune JSON and CSV, Daylio) check them here.

`checkin_problems` takes already-typed values and names the rule each field breaks; each caller says it
in its own words, both kept in tracker.messages (CHECKIN_RULES for the API's error bodies, ROW_RULES for
the import's row messages; both are part of their contracts).
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

INTENSITY_MIN = 0
INTENSITY_MAX = 10
NOTE_MAX_LENGTH = 5000  # also the database constraint checkin_note_max_5000
# The harsh inner line and its kinder rewrite (issue 14); also the database constraints
# checkin_harsh_line_max_500 and checkin_kind_line_max_500.
LINE_MAX_LENGTH = 500
CONTEXT_MAX_TAGS = 10
CONTEXT_TAG_MAX_LENGTH = 40
WORD_SLUG_MAX_LENGTH = 64  # emotion, need and sensation slugs (VocabularyWord.slug)
BODY_AREA_SLUG_MAX_LENGTH = 32
# A phone's clock may run a little ahead of the server's; beyond this a check-in is in the future.
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
# Instants the app can compute with: a local date, a week or a month around them, and a reminder's search
# for its next day, all stay inside Python's calendar (year 1 to 9999). Every instant accepted lies here.
EARLIEST_OCCURRED_AT = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST_INSTANT = dt.datetime(9999, 11, 30, tzinfo=dt.UTC)

# The rules, by the name callers map to their messages.
NAIVE = "naive"
TOO_EARLY = "too_early"
FUTURE = "future"
INTENSITY_RANGE = "intensity_range"
INTENSITY_AFTER_RANGE = "intensity_after_range"
LINE_TOO_LONG = "line_too_long"
NOTE_TOO_LONG = "note_too_long"
CONTEXT_TOO_BIG = "context_too_big"


def text_storable(value: str) -> bool:
    """Text a database can hold: no NUL (PostgreSQL refuses it), no lone surrogates (not UTF-8)."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def context_normalize(tags: Iterable[str]) -> list[str]:
    """Tags as stored: inner whitespace collapsed, empty ones dropped, repeats dropped (order kept)."""
    return list(dict.fromkeys(tag for tag in (" ".join(str(tag).split()) for tag in tags) if tag))


def checkin_problems(values: dict[str, Any], *, now: dt.datetime) -> dict[str, str]:
    """{field: rule broken} for the fields present in `values` (typed; `context` already normalized).

    Empty when every present value is allowed. Slugs are resolved by the callers (against the caller's
    vocabulary), so they are not checked here.
    """
    problems: dict[str, str] = {}
    occurred_at = values.get("occurred_at")
    if occurred_at is not None:
        if occurred_at.tzinfo is None or occurred_at.utcoffset() is None:
            problems["occurred_at"] = NAIVE
        elif occurred_at < EARLIEST_OCCURRED_AT:
            problems["occurred_at"] = TOO_EARLY
        elif occurred_at > now + FUTURE_TOLERANCE:
            problems["occurred_at"] = FUTURE
    if "intensity" in values and not INTENSITY_MIN <= values["intensity"] <= INTENSITY_MAX:
        problems["intensity"] = INTENSITY_RANGE
    # intensity_after is optional: None means "not asked" or "skipped", never 0.
    after = values.get("intensity_after")
    if after is not None and not INTENSITY_MIN <= after <= INTENSITY_MAX:
        problems["intensity_after"] = INTENSITY_AFTER_RANGE
    for line in ("harsh_line", "kind_line"):
        if len(values.get(line) or "") > LINE_MAX_LENGTH:
            problems[line] = LINE_TOO_LONG
    if len(values.get("note") or "") > NOTE_MAX_LENGTH:
        problems["note"] = NOTE_TOO_LONG
    tags = values.get("context") or []
    if len(tags) > CONTEXT_MAX_TAGS or any(len(tag) > CONTEXT_TAG_MAX_LENGTH for tag in tags):
        problems["context"] = CONTEXT_TOO_BIG
    return problems
