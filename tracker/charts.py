"""Charts of trends, rendered on the server with matplotlib's object API (Figure + Agg, never pyplot).

Why it looks like this:
- pyplot keeps global figures and is not thread-safe; a Figure per kind and theme is built once per
  process and only its data, labels and texts change per render, under RENDER_LOCK.
- No tight/constrained layout and no legend: fixed margins and a few text artists are several times
  cheaper to draw, and the layout never jumps between weeks.
- matplotlib is imported on the first render (it costs ~0.5 s), with MPLCONFIGDIR pointed at a
  writable directory so its font cache is built once, not per process start.
- Okabe–Ito colours (safe for the common colour-vision deficiencies), lines also differ by dash and
  marker; empty days are gaps in the lines and a muted dash in the count row, never red.
- The SVG carries <title> and <desc> that say the key figures in words, for screen readers.
"""

import datetime as dt
import hashlib
import math
import os
import threading
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers

from tracker import png, trends
from tracker.models import Profile
from tracker.trends import pleasantness_words, times

RENDERER_VERSION = "2"  # bump when the bytes change (pictures or encoding), so ETags and cached bytes do
FORMATS = {"svg": "image/svg+xml", "png": "image/png"}
THEMES = ("light", "dark")
FIGSIZE = (7.2, 4.0)  # inches: 1440 × 800 px at PNG_DPI, a phone screen at 2–3× density
PNG_DPI = 200
# One lock for every matplotlib render of the process (other modules that draw should take it too).
RENDER_LOCK = threading.Lock()

PALETTE = {
    "light": {
        "background": "#ffffff",
        "text": "#1f1f1f",
        "muted": "#6b6b6b",
        "grid": "#d9d9d9",
        "pleasantness": "#0072B2",  # Okabe–Ito blue
        "energy": "#D55E00",  # Okabe–Ito vermillion, dashed and square-marked
        "raw": "#56B4E9",  # Okabe–Ito sky blue
    },
    "dark": {
        "background": "#121212",
        "text": "#f0f0f0",
        "muted": "#a8a8a8",
        "grid": "#3a3a3a",
        "pleasantness": "#56B4E9",
        "energy": "#E69F00",  # Okabe–Ito orange
        "raw": "#0072B2",
    },
}

CACHE_SECONDS = 7 * 24 * 3600  # rendered bytes; an entry is only reached again through its own ETag

_mpl: dict[str, Any] = {}
_figures: dict[tuple[str, str], dict[str, Any]] = {}


def _matplotlib() -> dict[str, Any]:
    """Import matplotlib once, with a writable config directory and deterministic SVG output."""
    if not _mpl:
        if not os.environ.get("MPLCONFIGDIR"):
            config_dir = settings.DATA_DIR / "mpl"
            config_dir.mkdir(parents=True, exist_ok=True)
            os.environ["MPLCONFIGDIR"] = str(config_dir)
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        _mpl.update(matplotlib=matplotlib, Figure=Figure, FigureCanvasAgg=FigureCanvasAgg)
    return _mpl


# SVG text stays text (small, selectable, read by screen readers); ids are stable between renders.
SVG_RC = {"svg.fonttype": "none", "svg.hashsalt": "attune", "font.family": "DejaVu Sans"}


def _base_figure(theme: str) -> tuple[Any, Any]:
    mpl = _matplotlib()
    colours = PALETTE[theme]
    # Drawn at the PNG's density (its canvas is the PNG's pixels); SVG output is always at 72 dpi.
    figure = mpl["Figure"](figsize=FIGSIZE, dpi=PNG_DPI, facecolor=colours["background"])
    mpl["FigureCanvasAgg"](figure)
    ax = figure.add_axes((0.11, 0.2, 0.86, 0.58))  # fixed margins instead of a layout pass
    ax.set_facecolor(colours["background"])
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(colours["muted"])
    ax.tick_params(colors=colours["text"], labelsize=13, length=0, pad=8)
    ax.set_ylim(-1.1, 1.1)
    ax.set_yticks([-1, 0, 1], ["−1", "0", "+1"])
    ax.axhline(0, color=colours["grid"], linewidth=1.2, zorder=0)
    ax.grid(axis="y", color=colours["grid"], linewidth=0.8)
    ax.set_axisbelow(True)
    figure.text(0.03, 0.93, "", fontsize=17, fontweight="bold", color=colours["text"], va="center")
    return figure, ax


def _key(figure: Any, entries: list[tuple[str, str, str]], *, y: float) -> None:
    """A hand-placed key at the top right: cheaper than a legend and never covers the data."""
    x = 0.97
    for label, colour, marker in reversed(entries):
        figure.text(x, y, f"{marker} {label}", fontsize=13, color=colour, ha="right", va="center")
        x -= 0.04 + 0.0155 * (len(label) + 2)  # ~0.6 em per character at 13 pt on a 7.2 in figure


def _week_figure(theme: str) -> dict[str, Any]:
    colours = PALETTE[theme]
    figure, ax = _base_figure(theme)
    x = list(range(7))
    nan = [math.nan] * 7
    pleasant = ax.plot(x, nan, color=colours["pleasantness"], linewidth=3.2, marker="o", markersize=9)[0]
    energy = ax.plot(
        x, nan, color=colours["energy"], linewidth=2.4, linestyle=(0, (4, 2)), marker="s", markersize=7
    )[0]
    ax.set_xlim(-0.5, 6.5)
    ax.set_xticks(x, [""] * 7)
    counts = [ax.text(i, 1.22, "", fontsize=13, ha="center", va="center", color=colours["text"]) for i in x]
    figure.text(0.03, 0.855, "check-ins", fontsize=11, color=colours["muted"], va="center")
    _key(figure, [("pleasantness", colours["pleasantness"], "●"), ("energy", colours["energy"], "■")], y=0.93)
    return {
        "figure": figure,
        "ax": ax,
        "pleasant": pleasant,
        "energy": energy,
        "counts": counts,
        "title": figure.texts[0],
    }


def _range_figure(theme: str) -> dict[str, Any]:
    colours = PALETTE[theme]
    figure, ax = _base_figure(theme)
    raw = ax.plot([], [], color=colours["raw"], linewidth=1.2, marker="o", markersize=3.5, alpha=0.8)[0]
    rolling = ax.plot([], [], color=colours["pleasantness"], linewidth=3.4)[0]
    _key(
        figure,
        [("pleasantness", colours["raw"], "●"), ("rolling mean", colours["pleasantness"], "━")],
        y=0.855,
    )
    return {"figure": figure, "ax": ax, "raw": raw, "rolling": rolling, "title": figure.texts[0]}


def _figure(kind: str, theme: str) -> dict[str, Any]:
    if (kind, theme) not in _figures:
        _figures[(kind, theme)] = (_week_figure if kind == "week" else _range_figure)(theme)
    return _figures[(kind, theme)]


def _nan(value: float | None) -> float:
    return math.nan if value is None else value


def _save(figure: Any, *, fmt: str, title: str, description: str) -> bytes:
    import io

    if fmt == "png":  # the canvas's pixels, encoded here rather than by savefig's Pillow (tracker.png)
        canvas = figure.canvas
        canvas.draw()
        width, height = canvas.get_width_height(physical=True)
        return png.encode_rgba(canvas.buffer_rgba(), width=width, height=height, dpi=figure.dpi)
    buffer = io.BytesIO()
    with _matplotlib()["matplotlib"].rc_context(SVG_RC):
        figure.savefig(buffer, format="svg", facecolor=figure.get_facecolor(), metadata={"Date": None})
    svg = buffer.getvalue().decode()
    # The first element of the <svg> becomes its accessible name and description.
    head_end = svg.index(">", svg.index("<svg")) + 1
    head = svg[:head_end].replace("<svg ", '<svg role="img" aria-labelledby="chart-title chart-desc" ', 1)
    accessible = (
        f'\n <title id="chart-title">{escape(title)}</title>'
        f'\n <desc id="chart-desc">{escape(description)}</desc>'
    )
    svg = head + accessible + svg[head_end:]
    return svg.encode()


# --- ETag and cache ------------------------------------------------------------------------------


def chart_etag(*, kind: str, user_id: int, params: tuple, theme: str, fmt: str, fingerprint: tuple) -> str:
    """A strong ETag for exactly these bytes: what was asked, how it is drawn, and the data under it.

    `fingerprint` (trends.data_fingerprint) changes with every added, edited or deleted check-in of the
    range, so a changed check-in always yields a new ETag and a new cache entry.
    """
    material = repr((RENDERER_VERSION, kind, user_id, params, theme, fmt, fingerprint))
    return '"' + hashlib.sha256(material.encode()).hexdigest()[:32] + '"'


def cached_render(*, etag: str, user_id: int, render: Callable[[], bytes]) -> bytes:
    """The bytes for `etag` from Django's cache, rendering (once) only when they are not there."""
    key = f"chart:{etag.strip(chr(34))}"
    data = cache.get(key)
    if data is None:
        data = render()
        cache.set(key, data, CACHE_SECONDS)
        _index_add(user_id=user_id, key=key)
    return data


# Each user's cached chart keys, so deleting the account deletes its charts too: their SVG descriptions
# name the person's top feeling and need. (Caches cannot list keys by prefix; Redis and files alike.)
INDEX_MAX = 1000  # keys expire after CACHE_SECONDS anyway; the newest are kept


def _index_key(user_id: int) -> str:
    return f"chart-index:{user_id}"


def _index_add(*, user_id: int, key: str) -> None:
    index = _index_key(user_id)
    for _attempt in range(3):
        keys = cache.get(index) or []
        if key in keys:
            return
        cache.set(index, [*keys, key][-INDEX_MAX:], CACHE_SECONDS)
        # Two renders for one person at the same moment (two workers) may each write the index: check
        # that this key survived, else add it again.
        if key in (cache.get(index) or []):
            return


def charts_forget(*, user_id: int) -> None:
    """Remove every cached chart of the user (account deletion)."""
    index = _index_key(user_id)
    cache.delete_many([*(cache.get(index) or []), index])


# --- the HTTP answer ------------------------------------------------------------------------------


def chart_response(
    request: HttpRequest,
    *,
    user: AbstractBaseUser,
    profile: Profile,
    kind: str,
    params: dict[str, Any],
    theme: str,
    fmt: str,
) -> HttpResponse:
    """The week or range chart asked for, as an HTTP answer with a strong ETag.

    Revalidation is the common request (the app asks again on every visit), so the 304 costs only
    resolving the dates and the fingerprint query: nothing is built, queried or drawn after it. A
    changed fingerprint means a new ETag; its bytes come from the cache or are rendered once.
    `params`: `start` for a week; `date_from`, `date_to`, `bucket` for a range (parsed, maybe None).
    """
    if kind == "week":
        start = trends.resolve_week_start(profile=profile, start=params.get("start"))
        date_from, date_to = start, start + dt.timedelta(days=6)
        shown: tuple = (start.isoformat(),)
    else:
        bucket = params["bucket"]
        date_from, date_to = trends.resolve_range(
            profile=profile, date_from=params.get("date_from"), date_to=params.get("date_to"), bucket=bucket
        )
        # Week buckets start on the user's week start, so it is part of what the picture shows.
        shown = (date_from.isoformat(), date_to.isoformat(), bucket, profile.week_starts_on)
    fingerprint = trends.data_fingerprint(user=user, date_from=date_from, date_to=date_to)
    etag = chart_etag(kind=kind, user_id=user.pk, params=shown, theme=theme, fmt=fmt, fingerprint=fingerprint)
    response = get_conditional_response(request, etag=etag)  # If-None-Match, weak comparison (RFC 9110)
    if response is None:

        def render() -> bytes:
            if kind == "week":
                return render_week(trends.week_trends(user=user, start=date_from), theme=theme, fmt=fmt)
            data = trends.range_trends(
                user=user,
                date_from=date_from,
                date_to=date_to,
                bucket=bucket,
                week_starts_on=profile.week_starts_on,
            )
            return render_range(data, theme=theme, fmt=fmt)

        response = HttpResponse(
            cached_render(etag=etag, user_id=user.pk, render=render), content_type=FORMATS[fmt]
        )
    response["ETag"] = etag
    # private: the picture is one person's data; no-cache: reuse only after revalidating the ETag.
    response["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ["Authorization", "Cookie"])
    return response


# --- week --------------------------------------------------------------------------------------


def checkins(count: int) -> str:
    return "1 check-in" if count == 1 else f"{count} check-ins"


def _short(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%b')} {day.year}"


def week_words(week: dict[str, Any]) -> tuple[str, str]:
    """The chart's title and its key figures in words (SVG <title>/<desc>, alt text)."""
    title = f"Week of {_short(week['start'])}"
    if not week["count"]:
        return title, f"{title} to {_short(week['end'])}: no check-ins this week."
    pleasantness = week["mean_pleasantness"]
    parts = [
        f"{title} to {_short(week['end'])}: {checkins(week['count'])} "
        f"on {week['days_with_checkins']} of 7 days.",
        f"Average pleasantness {pleasantness:+.2f} ({pleasantness_words(pleasantness)}), "
        f"average energy {week['mean_energy']:+.2f}, average intensity {week['mean_intensity']:.1f} of 10.",
    ]
    for day in week["days"]:
        if day["count"]:
            parts.append(
                f"{day['date'].strftime('%A')}: {checkins(day['count'])}, pleasantness "
                f"{day['mean_pleasantness']:+.2f}, energy {day['mean_energy']:+.2f}."
            )
    if week["top_emotions"]:
        top = week["top_emotions"][0]
        parts.append(f"Most named feeling: {top['name']} ({times(top['count'])}).")
    if week["top_needs"]:
        need = week["top_needs"][0]
        parts.append(f"Most frequent unmet need: {need['name']} ({times(need['count'])}).")
    return title, " ".join(parts)


def render_week(week: dict[str, Any], *, theme: str, fmt: str) -> bytes:
    """The week's pleasantness and energy per day, counts above; empty days are gaps."""
    title, description = week_words(week)
    colours = PALETTE[theme]
    with RENDER_LOCK:
        chart = _figure("week", theme)
        days = week["days"]
        chart["pleasant"].set_ydata([_nan(d["mean_pleasantness"]) for d in days])
        chart["energy"].set_ydata([_nan(d["mean_energy"]) for d in days])
        chart["ax"].set_xticks(range(7), [f"{d['date'].strftime('%a')}\n{d['date'].day}" for d in days])
        for text, day in zip(chart["counts"], days, strict=True):
            text.set_text(str(day["count"]) if day["count"] else "–")
            text.set_color(colours["text"] if day["count"] else colours["muted"])
        chart["title"].set_text(title)
        return _save(chart["figure"], fmt=fmt, title=title, description=description)


# --- range -------------------------------------------------------------------------------------


def range_words(data: dict[str, Any]) -> tuple[str, str]:
    title = f"{_short(data['from'])} to {_short(data['to'])}, by {data['bucket']}"
    if not data["count"]:
        return title, f"{title}: no check-ins in this range."
    pleasantness = data["mean_pleasantness"]
    rolling = [b["rolling_pleasantness"] for b in data["buckets"] if b["rolling_pleasantness"] is not None]
    parts = [
        f"{title}: {checkins(data['count'])}.",
        f"Average pleasantness {pleasantness:+.2f} ({pleasantness_words(pleasantness)}).",
        f"The rolling mean over {data['rolling_window']} {data['bucket']}s went from {rolling[0]:+.2f} "
        f"to {rolling[-1]:+.2f}.",
    ]
    return title, " ".join(parts)


def _date_label(day: dt.date, bucket: str) -> str:
    return f"{day.strftime('%b')} {day.year}" if bucket == "month" else f"{day.day} {day.strftime('%b')}"


def render_range(data: dict[str, Any], *, theme: str, fmt: str) -> bytes:
    """Bucket means as a thin line with dots, the rolling mean as a thick line; gaps where empty."""
    title, description = range_words(data)
    buckets = data["buckets"]
    x = list(range(len(buckets)))
    with RENDER_LOCK:
        chart = _figure("range", theme)
        chart["raw"].set_data(x, [_nan(b["mean_pleasantness"]) for b in buckets])
        chart["rolling"].set_data(x, [_nan(b["rolling_pleasantness"]) for b in buckets])
        ax = chart["ax"]
        ax.set_xlim(-0.5, max(len(buckets) - 0.5, 0.5))
        step = max(1, math.ceil(len(buckets) / 6))  # about six date labels, whatever the length
        ticks = x[::step]
        ax.set_xticks(ticks, [_date_label(buckets[i]["start"], data["bucket"]) for i in ticks])
        chart["title"].set_text(title)
        return _save(chart["figure"], fmt=fmt, title=title, description=description)
