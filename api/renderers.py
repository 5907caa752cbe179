"""DRF's JSON renderer with orjson doing the encoding: the same bytes, ~20 times faster on a year of
trends (~20 µs against ~440 µs, issue 12).

orjson and the standard library agree on everything this API sends except three corners, each sent to
DRF's own renderer instead: a float orjson writes differently (an exponent, or a tiny number written out
as 0.0000…: Python writes 1e-05 where orjson writes 0.00001; the output is scanned for both, looking
again without the strings when a string may hold such text, as the hex digits of most ids do), anything
orjson refuses (integers beyond 64 bits, lone surrogates, ...), and an indent asked for in the Accept
header.
Dates, times and everything else orjson does not know go through DRF's encoder.
"""

import datetime as dt
import functools
import re

import orjson
from rest_framework import renderers

_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
# Where orjson's float formatting may differ from repr() (a digit before an exponent, or 0.0000):
# verified over a million floats of every magnitude (tests/test_renderer.py keeps a sample). Digits and
# e/E are mapped to two control bytes, which JSON output never holds unescaped, and the pair is found by
# a bytes search: the regular expression this replaced cost ~150 µs on a year of trends (issue 12).
_DIGIT_AND_E = bytes.maketrans(b"0123456789eE", b"\x01" * 10 + b"\x02\x02")


# A string of orjson's output (always well formed), possessive so no match is retried.
_STRING = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"')


def _float_text_in(out: bytes) -> bool:
    return b"0.0000" in out or b"\x01\x02" in out.translate(_DIGIT_AND_E)


def _float_may_differ(out: bytes) -> bool:
    # Most answers hold no such text at all. A check-in's id usually does ("…2e…", hex digits): the
    # numbers alone are looked at again rather than rendering the whole answer twice.
    return _float_text_in(out) and _float_text_in(_STRING.sub(b'""', out))


# A date's isoformat() by the date: making it costs ~4 µs (a year of trends sends ~110 dates), finding it
# ~0.1 µs. Few dates recur (the weeks and days people look at), and the cache is bounded.
@functools.lru_cache(maxsize=10_000)
def _date_text(day: dt.date) -> str:
    return day.isoformat()


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        context = renderer_context or {}
        if self.ensure_ascii or not self.compact or self.get_indent(accepted_media_type, context) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        encode = self.encoder_class().default

        def default(value):
            # DRF's encoder writes a date as isoformat(); answered here, a year of trends' dates skips
            # the encoder's chain of isinstance checks, and each date's text is made once per process.
            return _date_text(value) if type(value) is dt.date else encode(value)

        try:
            out = orjson.dumps(data, default=default, option=_OPTIONS)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        if _float_may_differ(out):
            return super().render(data, accepted_media_type, renderer_context)
        # As DRF: the two line separators are valid JSON but not valid JavaScript source.
        return out.replace("\u2028".encode(), b"\\u2028").replace("\u2029".encode(), b"\\u2029")
