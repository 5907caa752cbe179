"""Daylio CSV import, against fixture files written for these tests (tests/fixtures/daylio_*.csv)."""

import datetime as dt
import json
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import client_for
from tests.factories import make_custom_emotion, make_user
from tracker.imports import html_to_text
from tracker.models import CheckIn

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
FIXTURES = Path(__file__).parent / "fixtures"
HEADER_8 = "full_date,date,weekday,time,mood,activities,note_title,note\n"


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def upload(client, data: bytes | str, mapping=None):
    if isinstance(data, str):
        data = data.encode("utf-8")
    fields = {"file": SimpleUploadedFile("daylio_export.csv", data, content_type="text/csv")}
    if mapping is not None:
        fields["mapping"] = mapping if isinstance(mapping, str) else json.dumps(mapping)
    return client.post("/api/import", fields, format="multipart")


def stored(user) -> list[tuple]:
    rows = CheckIn.objects.filter(user=user).select_related("emotion").order_by("-occurred_at")
    return [
        (c.occurred_at.isoformat(), c.local_date.isoformat(), c.emotion.slug, c.intensity, c.note, c.context)
        for c in rows
    ]


def test_the_8_column_export_maps_default_moods_and_lists_unknown_labels(alice, alice_client):
    response = upload(alice_client, fixture("daylio_8col.csv"))

    assert response.status_code == 200, response.json()
    assert response.json() == {
        "format": "daylio-csv",
        "imported": 5,
        "skipped": 3,
        "errors": [],
        "warnings": [],
        "unknown_labels": ["Super Tired", "Grateful"],  # verbatim, once each, in first-seen order
    }
    # Alice lives in Berlin: Daylio's wall times are read there (CEST is UTC+2, CET UTC+1).
    assert stored(alice) == [
        (
            "2024-05-14T18:05:00+00:00", "2024-05-14", "joyful", 8,
            "Great evening\nLong day, then dinner with Sam & Alex.\nFelt seen.", ["friends", "dinner out"],
        ),
        ("2024-05-14T07:15:00+00:00", "2024-05-14", "flat", 4, "Tired.\nCoffee helped.", ["work", "commute"]),
        ("2024-05-13T21:59:00+00:00", "2024-05-13", "sad", 8, "Couldn't sleep \u2014 worried", []),
        # 02:30 did not exist that night (02:00 -> 03:00): read with the offset before the jump, +01:00.
        ("2024-03-31T01:30:00+00:00", "2024-03-31", "down", 6, "In the hour the clocks skipped", []),
        # 02:30 happened twice that night: the first one, still in summer time (+02:00).
        ("2023-10-29T00:30:00+00:00", "2023-10-29", "content", 6, "In the hour that came twice", []),
    ]  # fmt: skip
    assert set(CheckIn.objects.filter(user=alice).values_list("source", flat=True)) == {"import"}


def test_the_7_column_export_with_24_hour_times_and_capitalised_labels(alice, alice_client):
    response = upload(alice_client, fixture("daylio_7col.csv"))

    assert response.status_code == 200
    assert (response.json()["imported"], response.json()["unknown_labels"]) == (4, [])
    assert stored(alice) == [
        ("2018-11-30T23:05:00+00:00", "2018-12-01", "down", 6, "", []),
        (
            "2018-05-14T18:05:00+00:00", "2018-05-14", "content", 6,
            "Plain note with a < sign & an ampersand", ["work", "gym"],
        ),
        ("2018-05-14T05:45:00+00:00", "2018-05-14", "joyful", 8, "", []),
        ("2018-05-13T21:10:00+00:00", "2018-05-13", "flat", 4, "two\nlines", ["reading", "tea"]),
    ]  # fmt: skip


def test_a_mapping_imports_the_rows_skipped_before_and_nothing_twice(alice, alice_client):
    upload(alice_client, fixture("daylio_8col.csv"))

    response = upload(
        alice_client, fixture("daylio_8col.csv"), {" super TIRED ": "exhausted", "GRATEFUL": "grateful"}
    )

    assert response.status_code == 200
    assert response.json() == {
        "format": "daylio-csv", "imported": 3, "skipped": 5,
        "errors": [], "warnings": [], "unknown_labels": [],
    }  # fmt: skip
    mapped = CheckIn.objects.filter(user=alice, emotion__slug__in=["exhausted", "grateful"])
    assert sorted(mapped.values_list("emotion__slug", "intensity")) == [
        ("exhausted", 5), ("exhausted", 5), ("grateful", 5),
    ]  # fmt: skip
    assert CheckIn.objects.filter(user=alice).count() == 8


def test_a_rows_identity_does_not_depend_on_what_it_maps_to(alice, alice_client):
    upload(alice_client, fixture("daylio_8col.csv"))

    response = upload(alice_client, fixture("daylio_8col.csv"), {"rad": "elated", "good": "calm"})

    assert response.json()["imported"] == 0
    assert not CheckIn.objects.filter(user=alice, emotion__slug__in=["elated", "calm"]).exists()


def test_a_mapping_to_ones_own_custom_word_works_but_not_to_someone_elses(alice, alice_client, bob):
    make_custom_emotion(alice, "wiped out")
    make_custom_emotion(bob, "bobs word")

    refused = upload(alice_client, fixture("daylio_8col.csv"), {"super tired": "bobs-word"})
    accepted = upload(alice_client, fixture("daylio_8col.csv"), {"super tired": "wiped-out"})

    assert refused.status_code == 400
    assert refused.json() == {"mapping": ["Unknown emotion 'bobs-word'."]}
    assert accepted.status_code == 200
    assert CheckIn.objects.filter(user=alice, emotion__slug="wiped-out").count() == 2


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"super tired": "nope"}, "Unknown emotion 'nope'."),
        ("not json", 'Send a JSON object of {"label": "emotion slug"}.'),
        ('["a list"]', 'Send a JSON object of {"label": "emotion slug"}.'),
        ({"label": 3}, 'Send a JSON object of {"label": "emotion slug"}.'),
    ],
)
def test_a_bad_mapping_is_a_400_and_imports_nothing(alice, alice_client, mapping, message):
    response = upload(alice_client, fixture("daylio_8col.csv"), mapping)

    assert response.status_code == 400
    assert response.json() == {"mapping": [message]}
    assert not CheckIn.objects.filter(user=alice).exists()


def test_a_byte_order_mark_and_crlf_line_ends_are_read(alice, alice_client):
    data = b"\xef\xbb\xbf" + fixture("daylio_7col.csv").replace(b"\n", b"\r\n")

    response = upload(alice_client, data)

    assert response.json()["imported"] == 4
    assert CheckIn.objects.get(user=alice, local_date="2018-05-13").note == "two\r\nlines".replace(
        "\r\n", "\n"
    )


def test_rows_with_bad_values_are_listed_and_the_rest_imported(alice, alice_client):
    rows = [
        "2024-05-14,May 14,Tuesday,25:00,good,,,",
        "2024-05-14,May 14,Tuesday,13:00 pm,good,,,",
        "2024-02-30,Feb 30,Friday,10:00,good,,,",
        "2024-05-14,May 14,Tuesday,10:00,  ,,,",
        "2027-01-01,Jan 1,Friday,10:00,good,,,",
        "2024-05-14,May 14,Tuesday,10:00,good,,,fine",
    ]

    response = upload(alice_client, HEADER_8 + "\n".join(rows))

    assert response.status_code == 200
    assert response.json()["errors"] == [
        {"row": 2, "message": "'25:00' is not a time of day."},
        {"row": 3, "message": "'13:00 pm' is not a 12-hour time."},
        {"row": 4, "message": "'2024-02-30' is not a date (YYYY-MM-DD)."},
        {"row": 5, "message": "The mood is empty."},
        {"row": 6, "message": "A check-in cannot be in the future."},
    ]
    assert (response.json()["imported"], response.json()["skipped"]) == (1, 5)
    assert CheckIn.objects.get(user=alice).note == "fine"


def test_oversized_notes_and_activities_are_shortened_with_warnings(alice, alice_client):
    activities = " | ".join([f"activity {n}" for n in range(12)] + ["x" * 50])
    note = "<p>" + "word " * 1100 + "</p>"
    response = upload(
        alice_client, HEADER_8 + f'2024-05-14,May 14,Tuesday,10:00,good,{activities},,"{note}"\n'
    )

    assert response.status_code == 200
    assert response.json()["imported"] == 1
    assert response.json()["warnings"] == [
        {"row": 2, "message": "The note was shortened to 5,000 characters."},
        {"row": 2, "message": "Activities were shortened to 40 characters."},
        {"row": 2, "message": "Only the first 10 activities were kept."},
    ]
    checkin = CheckIn.objects.get(user=alice)
    assert len(checkin.note) == 5000
    assert checkin.context == [f"activity {n}" for n in range(10)]


def test_the_local_date_follows_the_profiles_day_start(db):
    night_owl = make_user("owl", timezone="Europe/Berlin", day_starts_at=4)

    upload(client_for(night_owl), HEADER_8 + "2024-05-14,May 14,Tuesday,1:30 am,good,,,\n")

    checkin = CheckIn.objects.get(user=night_owl)
    assert checkin.occurred_at == dt.datetime(2024, 5, 13, 23, 30, tzinfo=dt.UTC)
    assert checkin.local_date == dt.date(2024, 5, 13)  # still "Monday night" for someone whose day ends at 4


def test_identical_rows_in_one_file_are_one_checkin(alice, alice_client):
    row = "2024-05-14,May 14,Tuesday,10:00,good,,,same\n"

    response = upload(alice_client, HEADER_8 + row + row)

    assert (response.json()["imported"], response.json()["skipped"]) == (1, 1)


def test_a_row_with_a_missing_column_makes_the_file_a_400(alice, alice_client):
    data = fixture("daylio_8col.csv") + b"2024-05-10,May 10,Friday,10:00,good\n"

    response = upload(alice_client, data)

    assert response.status_code == 400
    assert response.json() == {
        "file": [
            "Row 10 has 5 columns instead of 8; the file may be cut off or damaged. Nothing was imported."
        ]
    }
    assert not CheckIn.objects.filter(user=alice).exists()


def test_a_daylio_header_with_other_columns_is_not_taken_for_daylio(alice, alice_client):
    response = upload(
        alice_client, "full_date,date,weekday,time,mood\n2024-05-14,May 14,Tuesday,10:00,good\n"
    )

    assert response.status_code == 400
    assert "first row is not a header" in response.json()["file"][0]


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("plain text", "plain text"),
        ("a<br>b<br/>c", "a\nb\nc"),
        ("<p>one</p><p>two</p>", "one\ntwo"),
        ("<div><b>bold</b> &amp; <i>it</i></div>", "bold & it"),
        ("5 &lt; 6 &#128578; caf&eacute;", "5 < 6 \U0001f642 café"),
        ("<p>a</p><p></p><p></p><p>b</p>", "a\n\nb"),
        ("<script>alert(1)</script>ok", "alert(1)ok"),
        ("I <3 it", "I <3 it"),
    ],
)
def test_html_notes_become_plain_text(html, text):
    assert html_to_text(html) == text
