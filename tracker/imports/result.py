"""What the readers of each format produce and the entry point returns: a Candidate per check-in read,
the Parsed file, the ImportResult reported to the person, and the two ways a row or a file is refused
(RowError skips one row; file_error refuses the whole file)."""

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from tracker.models import CheckIn

ERRORS_REPORTED_MAX = 100  # the response stays small however broken a big file is


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
    # Issue 14: the intensity once named, what would help (a help slug), the harsh and the kinder line.
    intensity_after: int | None = None
    would_help: str | None = None
    harsh_line: str = ""
    kind_line: str = ""


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
    boundaries: list[dict[str, Any]] = field(default_factory=list)
    intentions: list[dict[str, Any]] = field(default_factory=list)
