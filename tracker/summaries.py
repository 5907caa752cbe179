"""The kind sentences of the trends: plain words for a week and for the direction of a longer range.

Pure functions of the numbers tracker.trends computes (no queries): `week_summary` (2–4 sentences, no
grades, no streaks, nothing about gaps), `range_direction` (the rolling mean's general direction, which
allows for setbacks), and the words for numbers they share with the charts and the report (`times`,
`pleasantness_words`), so every part of the app says the same thing the same way.
"""

import itertools
from typing import Any

# --- a week ----------------------------------------------------------------------------------------


def times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def pleasantness_words(value: float) -> str:
    if value <= -0.5:
        return "mostly unpleasant"
    if value < -0.15:
        return "somewhat unpleasant"
    if value <= 0.15:
        return "mixed"
    if value < 0.5:
        return "somewhat pleasant"
    return "mostly pleasant"


# Naming a feeling is said to soften it only over a few check-ins: one or two say nothing yet.
NAMING_EFFECT_MIN_COUNT = 3


def whole(value: float) -> int:
    """A mean as a whole number, halves rounded up (7.5 -> 8), as people round."""
    return int(value + 0.5)


def naming_sentence(effect: dict[str, Any]) -> str | None:
    """A sentence when naming seemed to soften the feeling; nothing otherwise (never a judgment)."""
    if effect["count"] < NAMING_EFFECT_MIN_COUNT:
        return None
    before, after = whole(effect["mean_before"]), whole(effect["mean_after"])
    if not after < before:  # the same or stronger once named: that is fine, and says nothing
        return None
    return f"Naming it seemed to soften it a little: {before} → {after} on average."


def helps_sentence(top_helps: list[dict[str, Any]], names: dict[str, str]) -> str | None:
    if not top_helps:
        return None
    slug = top_helps[0]["slug"]
    return f"What would help most often: {names.get(slug, slug)}."


def week_summary(week: dict[str, Any], *, help_names: dict[str, str] | None = None) -> list[str]:
    """2–6 short, kind sentences from the numbers. No grades, no streaks, nothing about gaps.

    Up to four about the feelings, then, when there is something to say, one about naming them
    (naming_effect) and one about what would help (top_helps; `help_names` gives their names)."""
    if week["count"] == 0:
        return [
            "There are no check-ins for this week.",
            "That is completely fine; whenever you want to, one short check-in is enough.",
        ]
    sentences = []
    days = week["days_with_checkins"]
    day_words = "one day" if days == 1 else f"{days} days"
    kinds = week["distinct_emotions"]
    kind_words = "one feeling" if kinds == 1 else f"{kinds} different feelings"
    sentences.append(
        f"You checked in {times(week['count'])} on {day_words} and named {kind_words}; "
        f"overall the week felt {pleasantness_words(week['mean_pleasantness'])}."
    )
    top = week["top_emotions"][0]
    if top["count"] > 1:
        sentences.append(f"The feeling you named most often was {top['name']} ({times(top['count'])}).")
    if week["top_needs"]:
        need = week["top_needs"][0]
        sentence = f"Your most frequent unmet need was {need['name']} ({times(need['count'])})"
        with_need = [pair for pair in week["pairs"] if pair["need"] == need["slug"]]
        if with_need and (with_need[0]["count"] > 1 or need["count"] == 1):
            sentence += f", mostly alongside feeling {with_need[0]['emotion_name']}"
        sentences.append(sentence + ".")
    if week["top_body_areas"]:
        area = week["top_body_areas"][0]
        sentences.append(f"Your body held it most in the {area['name'].lower()} ({times(area['count'])}).")
    previous = week["previous_week"]
    if previous["count"] and len(sentences) < 4:
        change = week["mean_pleasantness"] - previous["mean_pleasantness"]
        if change >= 0.1:
            sentences.append("On average it felt a little lighter than the week before.")
        elif change <= -0.1:
            sentences.append("On average it felt heavier than the week before; be gentle with yourself.")
        else:
            sentences.append("On average it felt much like the week before.")
    practices = [naming_sentence(week["naming_effect"]), helps_sentence(week["top_helps"], help_names or {})]
    return sentences[:4] + [sentence for sentence in practices if sentence]


# --- a range ---------------------------------------------------------------------------------------


# How far (on the -1..+1 pleasantness scale) the rolling mean must move to be called a direction.
DIRECTION_THRESHOLD = 0.1


def range_direction(series: list[dict[str, Any]]) -> str:
    """One kind sentence about the general direction of the rolling mean, which allows for setbacks.

    Compares the rolling pleasantness of the earlier and later halves of the buckets that have one.
    """
    rolling = [b["rolling_pleasantness"] for b in series if b["rolling_pleasantness"] is not None]
    if len(rolling) < 4:
        return "There is not enough here yet to see a direction. Every check-in adds to the picture."
    half = len(rolling) // 2
    earlier = sum(rolling[:half]) / half
    later = sum(rolling[half:]) / (len(rolling) - half)
    dips = any(b < a - DIRECTION_THRESHOLD for a, b in itertools.pairwise(rolling))
    if later - earlier >= DIRECTION_THRESHOLD:
        sentence = "Over this time the general direction has been towards more pleasant feelings"
        return sentence + (", with dips along the way: healing is not linear." if dips else ".")
    if earlier - later >= DIRECTION_THRESHOLD:
        return (
            "Lately has felt heavier than before. Healing is not linear, and a harder stretch is part of it;"
            " be gentle with yourself."
        )
    return "The general direction has stayed about level. Healing is not linear: steadiness counts too."
