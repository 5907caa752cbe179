"""The longer view's one sentence about the general direction: kind, and allowing for setbacks."""

import pytest

from tracker.trends import range_direction


def series(*rolling):
    return [{"rolling_pleasantness": r} for r in rolling]


@pytest.mark.parametrize(
    ("rolling", "expected"),
    [
        ((-0.6, -0.4, -0.55, -0.2, 0.0), "towards more pleasant feelings, with dips along the way"),
        ((-0.6, -0.5, -0.3, -0.2, 0.0), "towards more pleasant feelings."),
        ((0.4, 0.3, 0.0, -0.2), "Lately has felt heavier than before. Healing is not linear"),
        ((0.1, 0.12, 0.08, 0.1), "stayed about level"),
        ((0.1, None, 0.3), "not enough here yet"),
    ],
)
def test_the_direction_sentence_follows_the_rolling_mean(rolling, expected):
    assert expected in range_direction(series(*rolling))


def test_empty_buckets_do_not_count_towards_a_direction():
    assert range_direction(series(None, None, -0.5, None, -0.4, 0.2, None, 0.3)) == range_direction(
        series(-0.5, -0.4, 0.2, 0.3)
    )
