"""CSV files: which kind the header says (Attune's export or Daylio's), the records checked for shape, and
the rows of an Attune CSV. Daylio's rows are read in tracker.imports.daylio."""

import csv
import io
import zoneinfo

from tracker import messages
from tracker.exports import CSV_COLUMNS, CSV_COLUMNS_V1
from tracker.imports.attune_json import _date, _optional_timestamp, _source, _timestamp, _uuid
from tracker.imports.daylio import DAYLIO_HEADER_7, DAYLIO_HEADER_8, _daylio_candidate, _label_key
from tracker.imports.result import Candidate, ImportResult, Parsed, RowError, file_error
from tracker.models import Profile


def _parse_csv(text: str, *, mapping: dict[str, str], zone: zoneinfo.ZoneInfo, profile: Profile) -> Parsed:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        header_key = tuple(cell.strip().lower() for cell in header or ())
        if header and tuple(header) in (CSV_COLUMNS, CSV_COLUMNS_V1):  # V1: written before issue 14
            kind, width = "attune-csv", len(header)
            columns = tuple(header)
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
                candidates.append(_attune_csv_candidate(number, record, columns=columns))
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


def _attune_csv_candidate(
    number: int, record: list[str], *, columns: tuple[str, ...] = CSV_COLUMNS
) -> Candidate:
    cells = dict(zip(columns, (_csv_unescape(cell) for cell in record), strict=True))
    try:
        intensity = int(cells["intensity"])
    except ValueError:
        raise RowError(messages.ROW_INTENSITY) from None
    try:
        intensity_after = int(cells["intensity_after"]) if cells.get("intensity_after") else None
    except ValueError:
        raise RowError(messages.ROW_INTENSITY_AFTER) from None
    for required in ("id", "occurred_at", "emotion"):
        if not cells[required]:
            raise RowError(messages.ROW_FIELD_REQUIRED.format(name=required))
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
        intensity_after=intensity_after,
        would_help=cells.get("would_help") or None,
        harsh_line=cells.get("harsh_line", ""),
        kind_line=cells.get("kind_line", ""),
    )
