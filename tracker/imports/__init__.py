"""Import of Attune JSON, Attune CSV and Daylio CSV exports.

The package, one module an idea: this entry point; `result` (what a read file becomes and what the person
is told); `attune_json`, `attune_csv` (which also tells the CSV kinds apart) and `daylio`, one a format;
`writing` (the rules every row obeys, and the transactions that write it).

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

import datetime as dt
import time
import zoneinfo

from django.contrib.auth.models import AbstractBaseUser
from django.db import OperationalError
from django.utils import timezone

from tracker import services
from tracker.imports.attune_csv import _parse_csv, context_split
from tracker.imports.attune_json import _parse_attune_json
from tracker.imports.daylio import NOTE_MAX_LENGTH, daylio_instant, html_to_text, mapping_validate
from tracker.imports.result import (
    ERRORS_REPORTED_MAX,
    Candidate,
    ImportInterrupted,
    ImportResult,
    Parsed,
    RowError,
    file_error,
)
from tracker.imports.writing import _chunk_write, _rows_checked, _settings_write, _Vocabulary

__all__ = [
    "ERRORS_REPORTED_MAX",
    "IMPORT_SECONDS_MAX",
    "NOTE_MAX_LENGTH",
    "WRITE_CHUNK_ROWS",
    "Candidate",
    "ImportInterrupted",
    "ImportResult",
    "Parsed",
    "RowError",
    "context_split",
    "daylio_instant",
    "file_error",
    "html_to_text",
    "import_file",
    "mapping_validate",
]

# import_file calls _chunk_write and reads the two limits below by this module's names, so a test can
# replace them here (tracker.imports._chunk_write, tracker.imports.WRITE_CHUNK_ROWS).

# Check-ins per write transaction: each holds SQLite's write lock for a few milliseconds, so other people's
# saves wait that long at most, not for the whole import.
WRITE_CHUNK_ROWS = 500
# An import stops writing after this long (counted from its start) and says so; sending the file again
# completes it. Keeps the largest import well inside the web server's worker timeout (tracker.serve).
IMPORT_SECONDS_MAX = 30


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
