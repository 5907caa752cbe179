"""The report's drawing: a multi-page A4 PDF for a therapist, drawn with matplotlib (PdfPages, Figure API).

Pages: a cover (range, counts, how to read the numbers); the trend over the range (pleasantness and
energy with a rolling mean, check-ins and intensity); feelings and unmet needs as tables; body areas,
sensations and emotion–need pairs; the summary in plain words, for the range and week by week; when
there is any, naming, what would help and the person's boundaries; and, only when the person asks for
them, their kinder lines (harsh -> kind), their weekly intentions and their notes.

What the pages show comes from tracker.report_data (`resolve_report_range` and `report_data` are
imported here too, so `tracker.report` stays the report's one entry point). The pictures are vector
(PDF) and drawn here: the app's charts are sized for a phone screen. Every text artist is drawn with
parse_math=False, because a "$" in a note or a custom word must stay a dollar sign, and under
charts.RENDER_LOCK, as matplotlib is not thread-safe.
"""

import datetime as dt
import io
import textwrap
import warnings
from collections.abc import Iterator
from typing import Any

from tracker import charts, summaries
from tracker.report_data import (
    NOTES_MAX,
    long_date,
    range_summary,
    report_data,
    resolve_report_range,
)

__all__ = ["render_report", "report_data", "resolve_report_range"]

TABLE_ROWS = 10
# Every character of a note is a glyph matplotlib's PDF backend handles in Python (kerning included): a
# page of notes takes 0.2-0.5 s, and 1,000 notes of 5,000 characters (~1,000 pages) took minutes. The
# newest notes that fit these pages are shown (the first notes page says so); the export keeps them all.
NOTES_PAGES_MAX = 12
NOTES_LINES_PER_PAGE = 52
PAGE = (8.27, 11.69)  # A4 portrait, inches
LEFT, RIGHT = 0.08, 0.92
# Text is wrapped by characters, sized for DejaVu Sans (matplotlib's font): English text measured
# 0.51-0.53 em a character, so at 0.57 em a line of wider words still ends inside the right margin.
CHARACTER_EM = 0.57
LINE_SIZE = 9.5  # points: the notes', kinder lines' and intentions' pages


def chars_per_line(size: float) -> int:
    """How many characters of `size`-point text fit between the margins."""
    return int((RIGHT - LEFT) * PAGE[0] * 72 / (size * CHARACTER_EM))


COLOURS = charts.PALETTE["light"]


# --- drawing -----------------------------------------------------------------------------------


def _text(figure, x: float, y: float, value: str, **style) -> None:
    figure.text(x, y, value, parse_math=False, color=style.pop("color", COLOURS["text"]), **style)


def _page(title: str, subtitle: str = ""):
    from matplotlib.figure import Figure  # imported lazily, as in tracker.charts

    figure = Figure(figsize=PAGE, facecolor=COLOURS["background"])
    _text(figure, LEFT, 0.95, title, fontsize=18, fontweight="bold", va="top")
    if subtitle:
        _text(figure, LEFT, 0.922, subtitle, fontsize=10, color=COLOURS["muted"], va="top")
    return figure


def _paragraphs(figure, lines: list[str], *, y: float, size: float = 11) -> float:
    step = size / 72 / PAGE[1] * 1.45  # line height in figure coordinates
    for line in lines:
        for part in textwrap.wrap(line, width=chars_per_line(size)) or [""]:
            _text(figure, LEFT, y, part, fontsize=size, va="top")
            y -= step
        y -= step * 0.5
    return y


def _table(
    figure, *, y: float, title: str, headers: list[str], rows: list[list[str]], columns: list[float]
) -> float:
    """A plain table of text rows at fixed column positions; returns the y below it."""
    _text(figure, LEFT, y, title, fontsize=13, fontweight="bold", va="top")
    y -= 0.03
    for x, header in zip(columns, headers, strict=True):
        _text(
            figure,
            x,
            y,
            header,
            fontsize=9.5,
            color=COLOURS["muted"],
            va="top",
            ha="left" if x < 0.6 else "right",
        )
    y -= 0.022
    if not rows:
        _text(figure, LEFT, y, "None in this range.", fontsize=10, va="top", color=COLOURS["muted"])
        return y - 0.04
    for row in rows:
        for x, cell in zip(columns, row, strict=True):
            _text(figure, x, y, cell, fontsize=10, va="top", ha="left" if x < 0.6 else "right")
        y -= 0.021
    return y - 0.02


def _share(count: int, total: int) -> str:
    return f"{100 * count / total:.0f} %" if total else ""


def _cover(data: dict[str, Any], *, include_notes: bool, today: dt.date, extras: tuple[str, ...] = ()):
    series = data["series"]
    figure = _page("Check-in summary", f"From Attune, prepared on {long_date(today)}")
    _text(figure, LEFT, 0.86, f"{long_date(data['from'])} – {long_date(data['to'])}", fontsize=15, va="top")
    facts = [
        ("Check-ins", str(series["count"])),
        ("Days with a check-in", f"{data['days_with_checkins']} of {data['days']}"),
        ("Different feelings named", str(len(data["emotions"]))),
    ]
    if series["count"]:
        pleasantness = series["mean_pleasantness"]
        facts += [
            ("Average pleasantness", f"{pleasantness:+.2f} ({summaries.pleasantness_words(pleasantness)})"),
            ("Average energy", f"{series['mean_energy']:+.2f}"),
            ("Average intensity", f"{series['mean_intensity']:.1f} of 10"),
        ]
    y = 0.8
    for label, value in facts:
        _text(figure, LEFT, y, label, fontsize=12, color=COLOURS["muted"], va="top")
        _text(figure, 0.5, y, value, fontsize=12, va="top")
        y -= 0.03
    y -= 0.03
    _text(figure, LEFT, y, "How to read it", fontsize=13, fontweight="bold", va="top")
    _paragraphs(
        figure,
        [
            "Each check-in names one feeling from a vocabulary in which every word has a pleasantness "
            "and an energy from -1 to +1 (for example: calm is pleasant and low in energy, anxious is "
            "unpleasant and high in energy), an intensity from 0 to 10, and optionally the unmet need "
            "underneath, a body sensation and where in the body it was felt.",
            "Days are the person's own local days. Averages are over check-ins; a day without a check-in "
            "is a gap, not a zero.",
            "Private notes are included at the end of this report."
            if include_notes
            else "Private notes are not included in this report.",
            *(f"{extra} are included, by the person's choice." for extra in extras),
        ],
        y=y - 0.035,
    )
    return figure


def _trend_page(data: dict[str, Any]):
    series = data["series"]
    buckets = series["buckets"]
    figure = _page("How it went over time", f"Per {series['bucket']}; a gap means no check-ins")
    x = list(range(len(buckets)))
    labels = [trends_label(b["start"], series["bucket"]) for b in buckets]
    step = max(1, -(-len(buckets) // 8))
    nan = float("nan")

    top = figure.add_axes((LEFT + 0.04, 0.56, RIGHT - LEFT - 0.04, 0.3))

    def values(key: str) -> list[float]:
        return [nan if b[key] is None else b[key] for b in buckets]

    rolling = f"rolling mean ({series['rolling_window']} {series['bucket']}s)"
    top.plot(
        x, values("mean_pleasantness"), color=COLOURS["raw"], marker="o", markersize=3.5, label="pleasantness"
    )
    top.plot(x, values("rolling_pleasantness"), color=COLOURS["pleasantness"], linewidth=3, label=rolling)
    top.plot(
        x, values("mean_energy"), color=COLOURS["energy"], linestyle=(0, (4, 2)), marker="s", markersize=3,
        label="energy",
    )  # fmt: skip
    top.set_ylim(-1.1, 1.1)
    top.axhline(0, color=COLOURS["grid"], linewidth=1)
    top.set_title("Pleasantness and energy (-1 to +1)", loc="left", fontsize=12, pad=24)
    top.legend(loc="lower left", bbox_to_anchor=(0, 1.0), fontsize=8.5, frameon=False, ncols=3)

    bottom = figure.add_axes((LEFT + 0.04, 0.15, RIGHT - LEFT - 0.04, 0.3))
    bottom.bar(x, [b["count"] for b in buckets], color=COLOURS["grid"], label="check-ins")
    bottom.set_title("Check-ins (bars) and average intensity (line, 0 to 10)", loc="left", fontsize=12)
    from matplotlib.ticker import MaxNLocator

    intensity = bottom.twinx()
    intensity.plot(
        x, values("mean_intensity"), color=COLOURS["text"], marker="o", markersize=3, linewidth=1.4
    )
    intensity.set_ylim(0, 10.5)
    bottom.yaxis.set_major_locator(MaxNLocator(integer=True))
    for ax in (top, bottom):
        ax.set_xlim(-0.6, max(len(buckets) - 0.4, 0.6))
        ax.set_xticks(x[::step], labels[::step], fontsize=8.5)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    intensity.spines["top"].set_visible(False)
    return figure


def trends_label(day: dt.date, bucket: str) -> str:
    return f"{day.strftime('%b')} {day.year}" if bucket == "month" else f"{day.day} {day.strftime('%b')}"


def _words_pages(data: dict[str, Any]):
    total = data["series"]["count"]
    with_need = sum(n["count"] for n in data["needs"])
    first = _page("Feelings and unmet needs", "Most frequent first; shares are of all check-ins in the range")
    y = _table(
        first,
        y=0.88,
        title="Feelings named most often",
        headers=["feeling", "family", "times", "share"],
        rows=[
            [e["name"], e["emotion__family"], str(e["count"]), _share(e["count"], total)]
            for e in data["emotions"][:TABLE_ROWS]
        ],
        columns=[LEFT, 0.45, 0.75, RIGHT],
    )
    _table(
        first,
        y=y - 0.02,
        title=f"Unmet needs (named in {with_need} of {total} check-ins)",
        headers=["need", "times", "share"],
        rows=[[n["name"], str(n["count"]), _share(n["count"], total)] for n in data["needs"][:TABLE_ROWS]],
        columns=[LEFT, 0.75, RIGHT],
    )
    second = _page("The body, and feelings with needs", "Most frequent first")
    y = _table(
        second,
        y=0.88,
        title="Where in the body",
        headers=["body area", "times", "share"],
        rows=[[a["name"], str(a["count"]), _share(a["count"], total)] for a in data["body_areas"][:8]],
        columns=[LEFT, 0.75, RIGHT],
    )
    y = _table(
        second,
        y=y - 0.01,
        title="Body sensations",
        headers=["sensation", "times", "share"],
        rows=[[s["name"], str(s["count"]), _share(s["count"], total)] for s in data["sensations"][:8]],
        columns=[LEFT, 0.75, RIGHT],
    )
    _table(
        second,
        y=y - 0.01,
        title="Feelings with the unmet need underneath",
        headers=["feeling", "unmet need", "times"],
        rows=[[p["emotion"], p["need"], str(p["count"])] for p in data["pairs"][:8]],
        columns=[LEFT, 0.45, RIGHT],
    )
    return [first, second]


def _summary_page(data: dict[str, Any]):
    figure = _page("In plain words")
    y = _paragraphs(figure, range_summary(data), y=0.88)
    if data["weeks"]:
        y -= 0.02
        _text(figure, LEFT, y, "Week by week", fontsize=13, fontweight="bold", va="top")
        y -= 0.035
        for week in data["weeks"]:
            if y < 0.12:
                break
            heading = f"Week of {long_date(week['start'])}"
            _text(figure, LEFT, y, heading, fontsize=11, fontweight="bold", va="top")
            y = _paragraphs(figure, [" ".join(week["summary"])], y=y - 0.022, size=10)
    return figure


def _practices_page(data: dict[str, Any]):
    """Naming, what would help and the boundaries, when there is any of them (else no page)."""
    effect, helps, boundaries = data["naming_effect"], data["helps"], data["boundaries"]
    if not (effect["count"] or helps or boundaries):
        return None
    figure = _page("Naming, what would help, and boundaries")
    y = 0.88
    if effect["count"]:
        checkins = "one check-in" if effect["count"] == 1 else f"{effect['count']} check-ins"
        lines = [
            f"In {checkins} the intensity was noted again once the feeling was named: on average "
            f"{effect['mean_before']:.1f} before and {effect['mean_after']:.1f} after, out of 10."
        ]
        y = _paragraphs(figure, lines, y=y)
    if helps:
        y = _table(
            figure,
            y=y - 0.01,
            title="What would help",
            headers=["what would help", "times"],
            rows=[[h["name"], str(h["count"])] for h in helps[:8]],
            columns=[LEFT, RIGHT],
        )
    if boundaries:
        _text(figure, LEFT, y - 0.01, "Boundaries", fontsize=13, fontweight="bold", va="top")
        y -= 0.045
        for number, boundary in enumerate(boundaries):
            if y < 0.1:
                more = len(boundaries) - number
                _text(figure, LEFT, y, f"… and {more} more in the app.", fontsize=10, va="top")
                break
            needs = f" (protects: {', '.join(boundary['needs'])})" if boundary["needs"] else ""
            y = _paragraphs(figure, [f"• {boundary['text']}{needs}"], y=y, size=10)
    return figure


def _line_pages(title: str, subtitle: str, blocks: list[list[str]], empty: str) -> Iterator[Any]:
    """Blocks of text lines over as many pages as they need, up to NOTES_PAGES_MAX (newest kept)."""
    budget = NOTES_PAGES_MAX * NOTES_LINES_PER_PAGE - 1
    kept: list[list[str]] = []
    used = 0
    for block in reversed(blocks):
        if used + len(block) > budget:
            break
        kept.append(block)
        used += len(block)
    lines = [] if len(kept) == len(blocks) else ["Only the newest fit here; the export has all of them."]
    for block in reversed(kept):
        lines.extend(block)
    pages = [lines[i : i + NOTES_LINES_PER_PAGE] for i in range(0, len(lines), NOTES_LINES_PER_PAGE)]
    pages = pages or [[empty]]
    for number, page_lines in enumerate(pages, start=1):
        figure = _page(title, f"{subtitle} (page {number} of {len(pages)})")
        y = 0.88
        for text in page_lines:
            _text(figure, LEFT, y, text, fontsize=LINE_SIZE, va="top")
            y -= 0.0155
        yield figure


def _wrapped(text: str, *, indent: str = "", hanging: str = "") -> list[str]:
    """`text` wrapped at LINE_SIZE after `indent`; lines after the first also after `hanging`."""
    width, continued = chars_per_line(LINE_SIZE), indent + hanging
    return textwrap.wrap(text, width=width, initial_indent=indent, subsequent_indent=continued) or [indent]


def _kind_line_pages(data: dict[str, Any]) -> Iterator[Any]:
    blocks = []
    for occurred_at, emotion, harsh, kind in data["kind_lines"]:
        local = occurred_at.astimezone(data["zone"])
        block = [f"{long_date(local.date())} – {emotion}"]
        if harsh:
            block += _wrapped(f"Harsh: {harsh}", indent="  ", hanging="    ")  # under the line, not the label
        if kind:
            block += _wrapped(f"Kinder: {kind}", indent="  ", hanging="    ")
        blocks.append([*block, ""])
    yield from _line_pages(
        "Kinder lines", "A harsh inner line, rewritten more kindly; shared by choice", blocks,
        "No kinder lines in this range.",
    )  # fmt: skip


def _intention_pages(data: dict[str, Any]) -> Iterator[Any]:
    blocks = [
        [f"Week of {long_date(week)}", *_wrapped(text, indent="  "), ""] for week, text in data["intentions"]
    ]
    yield from _line_pages(
        "Intentions", "One small step for each week; shared by choice", blocks, "No intentions in this range."
    )


def _note_lines(data: dict[str, Any], note_row: tuple) -> list[tuple[str, bool]]:
    """One note as (text, is heading) lines: its local time and feeling, then its wrapped text."""
    occurred_at, emotion, intensity, need, note = note_row
    local = occurred_at.astimezone(data["zone"])
    when = f"{local.strftime('%a')} {long_date(local.date())}, {local.strftime('%H:%M')}"
    heading = f"{when} – {emotion} ({intensity}/10)"
    lines = [(heading + (f", needing {need}" if need else ""), True)]
    for paragraph in note.splitlines() or [""]:
        lines.extend((part, False) for part in _wrapped(paragraph))
    lines.append(("", False))
    return lines


def _notes_pages(data: dict[str, Any]) -> Iterator[Any]:
    notes = data["notes"]
    budget = NOTES_PAGES_MAX * NOTES_LINES_PER_PAGE - 1  # a line for the notice below
    blocks: list[list[tuple[str, bool]]] = []
    used = 0
    for note_row in reversed(notes[-NOTES_MAX:]):  # newest first, until the pages are full
        block = _note_lines(data, note_row)
        if used + len(block) > budget:
            break
        blocks.append(block)
        used += len(block)
    lines: list[tuple[str, bool]] = []  # (text, is heading)
    if len(blocks) < len(notes):
        shown = "note of this range fits" if len(blocks) == 1 else f"{len(blocks)} notes of this range fit"
        lines.append((f"Only the newest {shown} here; the export has all of them.", False))
    for block in reversed(blocks):  # oldest first
        lines.extend(block)
    per_page = NOTES_LINES_PER_PAGE
    pages = [lines[i : i + per_page] for i in range(0, len(lines), per_page)] or [
        [("No notes in this range.", False)]
    ]
    for number, page_lines in enumerate(pages, start=1):
        figure = _page("Notes", f"Private notes, shared by choice (page {number} of {len(pages)})")
        y = 0.88
        for text, heading in page_lines:
            weight = "bold" if heading else "normal"
            _text(figure, LEFT, y, text, fontsize=LINE_SIZE, va="top", fontweight=weight)
            y -= 0.0155
        yield figure


def render_report(data: dict[str, Any], *, include_notes: bool, today: dt.date) -> bytes:
    """The PDF bytes. Metadata carries no user text (it shows in file managers and mail previews).

    Kinder lines and intentions are drawn when report_data read them (the person asked for them)."""
    mpl = charts._matplotlib()  # the app's lazy import, with a writable font cache directory
    from matplotlib.backends.backend_pdf import PdfPages

    buffer = io.BytesIO()
    with charts.RENDER_LOCK, warnings.catch_warnings(), mpl["matplotlib"].rc_context({"pdf.fonttype": 42}):
        # A glyph the font lacks (most emoji) is drawn as a box; the warning would name the character.
        warnings.simplefilter("ignore", UserWarning)
        metadata = {"Title": "Attune check-in summary", "Creator": "Attune", "Producer": "Attune"}
        with PdfPages(buffer, metadata=metadata) as pdf:
            extras = tuple(
                name
                for name, key in (("Kinder lines", "kind_lines"), ("Weekly intentions", "intentions"))
                if data.get(key) is not None
            )
            pages = [_cover(data, include_notes=include_notes, today=today, extras=extras), _trend_page(data)]
            pages += _words_pages(data)
            pages.append(_summary_page(data))
            pages += [page for page in (_practices_page(data),) if page is not None]
            for figure in pages:
                pdf.savefig(figure)
            if data.get("kind_lines") is not None:
                for figure in _kind_line_pages(data):
                    pdf.savefig(figure)
            if data.get("intentions") is not None:
                for figure in _intention_pages(data):
                    pdf.savefig(figure)
            if include_notes:
                for figure in _notes_pages(data):
                    pdf.savefig(figure)
    return buffer.getvalue()
