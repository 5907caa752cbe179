"""JSON request bodies, bounded before they are parsed: in size and in nesting depth.

Python's json module recurses once per nesting level, so `[` repeated 100,000 times ends in a
RecursionError (a 500 with a traceback) instead of a clear 400; and DRF reads a JSON body without
Django's DATA_UPLOAD_MAX_MEMORY_SIZE check, so any size used to be read and parsed.
"""

import itertools
import json
import re
from typing import Any

from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser

# The largest legitimate body is a check-in: a 5,000-character note and ten 40-character tags, each
# character escaped as a 12-byte surrogate pair (\ud83d\ude00), is about 65 KB; twice that leaves room for
# indentation. The import is multipart and has its own limit (IMPORT_MAX_BYTES).
JSON_BODY_MAX_BYTES = 128 * 1024
# Every body of the API nests two or three levels deep.
JSON_MAX_DEPTH = 32

# A JSON string (an unterminated one runs to the end of the text), possessive so no match is retried.
_STRING = re.compile(r'"[^"\\]*+(?:\\.?[^"\\]*+)*+(?:"|\Z)', re.DOTALL)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class BodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = f"The request body is larger than {JSON_BODY_MAX_BYTES // 1024} KB."


def json_depth_check(text: str, *, max_depth: int = JSON_MAX_DEPTH) -> None:
    """ValueError when `text` nests deeper than `max_depth`; brackets inside strings do not count.

    Linear in the length of the text, and done by the regular expression engine and C iterators: it
    costs little next to json.loads itself.
    """
    if text.count("[") + text.count("{") <= max_depth:  # nesting needs as many openings: most bodies
        return
    brackets = _NOT_BRACKETS.sub("", _STRING.sub("", text))
    if brackets and max(itertools.accumulate(map(_DEPTH_STEP.__getitem__, brackets))) > max_depth:
        raise ValueError(f"nested more than {max_depth} levels deep")


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


# One decoder per process: json.loads with a keyword builds a decoder (and its scanner) on every call.
_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


def json_loads_bounded(text: str) -> Any:
    """json.loads for untrusted text: refuses deep nesting, NaN and Infinity with ValueError."""
    json_depth_check(text)
    return _DECODER.decode(text)


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser with a size limit (checked before reading) and a depth limit (before parsing)."""

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        request = (parser_context or {}).get("request")
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
        except ValueError:
            declared = 0
        if declared > JSON_BODY_MAX_BYTES:
            raise BodyTooLarge()
        raw = stream.read(JSON_BODY_MAX_BYTES + 1) if stream is not None else b""
        if len(raw) > JSON_BODY_MAX_BYTES:
            raise BodyTooLarge()
        try:
            return json_loads_bounded(raw.decode((parser_context or {}).get("encoding") or "utf-8"))
        except (ValueError, RecursionError) as exc:  # UnicodeDecodeError and JSONDecodeError included
            raise ParseError(f"JSON parse error - {exc}") from None
