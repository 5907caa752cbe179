import csv
import datetime as dt
import io
import json
import tracemalloc
import uuid

import pytest
import time_machine
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import make_checkin, make_custom_emotion
from tracker import practices, services
from tracker.exports import CSV_COLUMNS
from tracker.models import BodyArea, Boundary, CheckIn, Emotion, Intention, PushSubscription, Reminder

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def content(response) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode("utf-8")


def export(client, kind: str = "json", **headers):
    response = client.get(f"/api/export?format={kind}", **headers)
    assert response.status_code == 200, response.content
    return response, content(response)


@pytest.fixture
def alices_data(alice):
    make_custom_emotion(alice, "wobbly")
    services.vocabulary_word_create(user=alice, kind="need", name="quiet mornings", category="peace")
    services.vocabulary_word_create(user=alice, kind="sensation", name="fizzy")
    services.vocabulary_word_create(user=alice, kind="help", name="a long bath", definition="Warm water.")
    first = make_checkin(
        alice,
        occurred_at=dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC),  # 01:30 in Berlin, before the jump
        emotion="wobbly",
        intensity=3,
        need="quiet-mornings",
        sensation="fizzy",
        body_area="chest",
        note='=HYPERLINK("x")\nsecond line',
        context=["work", "a | b"],
        intensity_after=2,
        would_help="a-long-bath",
        harsh_line="=I'm too much",
        kind_line="My needs are real, | and allowed.",
    )
    second = make_checkin(alice, occurred_at=dt.datetime(2026, 11, 21, 23, 30, tzinfo=dt.UTC), emotion="calm")
    practices.boundary_create(
        user=alice, text="I leave when voices are raised.", needs=["safety", "quiet-mornings"]
    )
    practices.intention_set(user=alice, week_start=dt.date(2026, 11, 16), text="One walk outside.")
    services.profile_update(profile=alice.profile, prompt_self_compassion=False)
    Reminder.objects.create(user=alice, time=dt.time(8, 0), days=["mon", "thu"], label="morning")
    PushSubscription.objects.create(
        user=alice, endpoint="https://push.example/abc", p256dh="secret-p256dh", auth="secret-auth"
    )
    return first, second


# --- JSON --------------------------------------------------------------------------------------


def test_json_export_holds_profile_custom_words_checkins_and_reminders(alice, alice_client, alices_data):
    first, second = alices_data
    make_checkin(services.User.objects.create_user("bob-ish", password="x" * 12), emotion="calm")

    response, body = export(alice_client)

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="attune-export-2026-11-22.json"'
    assert response["Cache-Control"] == "private, no-store"
    data = json.loads(body)
    assert data["format"] == "attune-export"
    assert data["version"] == 1
    assert data["exported_at"] == "2026-11-22T12:00:00+00:00"
    assert data["profile"] == {
        "username": "alice",
        "timezone": "Europe/Berlin",
        "day_starts_at": 0,
        "week_starts_on": "mon",
        "paused_until": None,
        "prompt_naming": True,
        "prompt_kind_line": True,
        "prompt_self_compassion": False,
    }
    assert data["custom_words"] == {
        "emotions": [
            {"slug": "wobbly", "name": "wobbly", "definition": "", "family": "fear", "pleasantness": -0.2,
             "energy": 0.3}
        ],
        "needs": [
            {"slug": "quiet-mornings", "name": "quiet mornings", "definition": "", "category": "peace"}
        ],
        "sensations": [{"slug": "fizzy", "name": "fizzy", "definition": ""}],
        "helps": [{"slug": "a-long-bath", "name": "a long bath", "definition": "Warm water."}],
    }  # fmt: skip
    boundary = Boundary.objects.get(user=alice)
    assert data["boundaries"] == [
        {
            "id": str(boundary.uuid),
            "text": "I leave when voices are raised.",
            "needs": ["quiet-mornings", "safety"],
            "created_at": "2026-11-22T12:00:00+00:00",
            "updated_at": "2026-11-22T12:00:00+00:00",
        }
    ]
    assert data["intentions"] == [
        {"week_start": "2026-11-16", "text": "One walk outside.", "updated_at": "2026-11-22T12:00:00+00:00"}
    ]
    assert [row["id"] for row in data["checkins"]] == [str(first.uuid), str(second.uuid)]  # oldest first
    first.refresh_from_db()
    assert data["checkins"][0] == {
        "id": str(first.uuid),
        "occurred_at": "2026-03-29T00:30:00+00:00",
        "local_date": "2026-03-29",
        "emotion": "wobbly",
        "intensity": 3,
        "need": "quiet-mornings",
        "sensation": "fizzy",
        "body_area": "chest",
        "note": '=HYPERLINK("x")\nsecond line',
        "context": ["work", "a | b"],
        "intensity_after": 2,
        "would_help": "a-long-bath",
        "harsh_line": "=I'm too much",
        "kind_line": "My needs are real, | and allowed.",
        "source": "app",
        "created_at": first.created_at.isoformat(),
        "updated_at": first.updated_at.isoformat(),
    }
    assert data["checkins"][1]["local_date"] == "2026-11-22"  # 00:30 in Berlin
    assert (data["checkins"][1]["intensity_after"], data["checkins"][1]["would_help"]) == (None, None)
    assert (data["checkins"][1]["harsh_line"], data["checkins"][1]["kind_line"]) == ("", "")
    assert data["reminders"] == [
        {
            "uuid": str(Reminder.objects.get().uuid),
            "time": "08:00",
            "days": ["mon", "thu"],
            "enabled": True,
            "window_minutes": 0,
            "label": "morning",
        }
    ]


def test_the_export_carries_no_credentials(alice, alice_client, alices_data):
    _, body = export(alice_client)
    _, csv_body = export(alice_client, "csv")

    for secret in (
        "secret-p256dh",
        "secret-auth",
        "push.example",
        alice.profile.calendar_token,
        alice.password,
    ):
        assert secret not in body
        assert secret not in csv_body


def test_an_empty_account_exports_a_valid_document(charlie_client):
    _, body = export(charlie_client)

    data = json.loads(body)
    assert data["checkins"] == []
    assert data["reminders"] == []
    assert data["custom_words"] == {"emotions": [], "needs": [], "sensations": [], "helps": []}
    assert data["boundaries"] == []
    assert data["intentions"] == []


def test_odd_unicode_survives_the_json_export(alice, alice_client):
    note = 'שלום 👩‍👩‍👧 e\u0301 \u2028 "quoted" \\ </script>'
    make_checkin(alice, note=note, context=["ünï", "🙂"])

    _, body = export(alice_client)

    assert json.loads(body)["checkins"][0]["note"] == note
    assert json.loads(body)["checkins"][0]["context"] == ["ünï", "🙂"]


# --- CSV ---------------------------------------------------------------------------------------


def test_csv_export_is_one_row_per_checkin_with_offsets_and_a_local_time(alice, alice_client, alices_data):
    first, _ = alices_data

    response, body = export(alice_client, "csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="attune-export-2026-11-22.csv"'
    assert body.startswith("\ufeff")  # spreadsheets read it as UTF-8
    rows = list(csv.reader(io.StringIO(body[1:], newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 3
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["id"] == str(first.uuid)
    assert row["occurred_at"] == "2026-03-29T00:30:00+00:00"
    assert row["occurred_at_local"] == "2026-03-29T01:30:00+01:00"
    assert row["local_date"] == "2026-03-29"
    assert (row["emotion"], row["intensity"], row["need"], row["sensation"], row["body_area"]) == (
        "wobbly", "3", "quiet-mornings", "fizzy", "chest",
    )  # fmt: skip
    # A formula is defused with a leading apostrophe; "|" inside a tag is escaped so tags split back.
    assert row["note"] == '\'=HYPERLINK("x")\nsecond line'
    assert row["context"] == "work | a \\| b"
    assert (row["intensity_after"], row["would_help"]) == ("2", "a-long-bath")
    assert row["harsh_line"] == "'=I'm too much"  # defused like the note
    assert row["kind_line"] == "My needs are real, | and allowed."
    assert tuple(rows[0][-4:]) == ("intensity_after", "would_help", "harsh_line", "kind_line")
    second = dict(zip(rows[0], rows[2], strict=True))
    assert second["occurred_at_local"] == "2026-11-22T00:30:00+01:00"
    assert (second["intensity_after"], second["would_help"], second["harsh_line"]) == ("", "", "")
    assert second["need"] == ""
    assert second["context"] == ""


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+49 30 1234", "'+49 30 1234"),
        ("-5 degrees", "'-5 degrees"),
        ("@home", "'@home"),
        ("\tindented", "'\tindented"),
        ("'tis", "''tis"),  # an apostrophe is escaped too, so import can always remove exactly one
        ("plain = fine", "plain = fine"),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_defused(alice, alice_client, value, cell):
    make_checkin(alice, note=value)

    _, body = export(alice_client, "csv")

    rows = list(csv.reader(io.StringIO(body[1:], newline="")))
    assert rows[1][CSV_COLUMNS.index("note")] == cell


# --- HTTP --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept",
    [None, "application/json, */*;q=0.8", "text/csv", "application/json", "text/html", "application/pdf"],
)
@pytest.mark.parametrize("kind", ["json", "csv"])
def test_the_export_ignores_what_accept_prefers(alice, alice_client, accept, kind):
    make_checkin(alice)
    headers = {"HTTP_ACCEPT": accept} if accept else {}

    _response, body = export(alice_client, kind, **headers)

    assert body.lstrip("\ufeff")[:1] == ("{" if kind == "json" else "i")


def test_format_defaults_to_json(alice_client):
    response = alice_client.get("/api/export")

    assert response.status_code == 200
    assert json.loads(content(response))["format"] == "attune-export"


def test_an_unknown_format_is_a_400_field_error(alice_client):
    response = alice_client.get("/api/export?format=xml", HTTP_ACCEPT="text/csv")

    assert response.status_code == 400
    assert response.json() == {"format": ['"xml" is not a valid choice.']}


def test_export_requires_authentication(alice, anon_client):
    make_checkin(alice, note="private")

    response = anon_client.get("/api/export?format=csv", HTTP_ACCEPT="text/csv")

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_the_download_file_name_uses_the_users_local_date(alice, alice_client):
    with time_machine.travel(dt.datetime(2026, 11, 22, 23, 30, tzinfo=dt.UTC), tick=False):
        response, _ = export(alice_client)  # 00:30 on the 23rd in Berlin

    assert response["Content-Disposition"] == 'attachment; filename="attune-export-2026-11-23.json"'


# --- cost --------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 40])
def test_export_issues_a_fixed_number_of_queries_however_many_checkins(alice, alice_session, count):
    for minute in range(count):
        make_checkin(
            alice, occurred_at=NOW - dt.timedelta(minutes=minute + 1), need="rest", body_area="chest",
            would_help="space", intensity_after=3,
        )  # fmt: skip
    for number in range(count // 2):
        practices.boundary_create(user=alice, text=f"boundary {number}", needs=["rest", "space"])
        Intention.objects.create(
            user=alice, week_start=dt.date(2026, 11, 16) - dt.timedelta(weeks=number), text="i"
        )

    with CaptureQueriesContext(connection) as json_queries:
        _, body = export(alice_session)
    with CaptureQueriesContext(connection) as csv_queries:
        _, csv_body = export(alice_session, "csv")

    assert len(json.loads(body)["checkins"]) == count
    assert csv_body.count("\r\n") == count + 1
    # 1. the session with its user and profile joined in
    # 2-5. custom emotions, needs, sensations, helps  6. reminders  7-8. boundaries and their needs
    # 9. intentions  10. check-ins with their slugs joined (one chunked cursor)
    assert len(json_queries) == 10, [q["sql"] for q in json_queries.captured_queries]
    # 1. the session with its user and profile joined in  2. check-ins with their slugs joined
    assert len(csv_queries) == 2, [q["sql"] for q in csv_queries.captured_queries]


MEMORY_BOUND_BYTES = 2 * 1024 * 1024


def _bulk_checkins(user, count: int) -> None:
    """`count` check-ins of `user`, inserted with one executemany. Only the export's reading of them is
    measured, so they go in the cheapest way: bulk_create spent ~5 s building and converting 20,000 model
    instances for 0.3 s of SQL. A value the same on every row is converted for the database once."""
    emotions = list(Emotion.objects.filter(owner=None).values_list("id", flat=True)[:20])
    chest = BodyArea.objects.get(slug="chest").id
    start = NOW - dt.timedelta(days=count // 10 + 1)
    database = connections[DEFAULT_DB_ALIAS]
    fields = {field.attname: field for field in CheckIn._meta.concrete_fields if not field.primary_key}
    now = timezone.now()
    constant = {
        "user_id": user.pk,
        "need_id": None,
        "sensation_id": None,
        "body_area_id": chest,
        "context": ["work", "home"],
        "intensity_after": None,
        "would_help_id": None,
        "harsh_line": "",
        "kind_line": "",
        "source": CheckIn.Source.APP,
        "created_at": now,
        "updated_at": now,
    }
    prepared = {name: fields[name].get_db_prep_save(value, database) for name, value in constant.items()}
    rows = []
    for number in range(count):
        occurred_at = start + dt.timedelta(minutes=137 * number // 10)
        varying = {
            "uuid": uuid.uuid4(),
            "occurred_at": occurred_at,
            "local_date": occurred_at.date(),
            "emotion_id": emotions[number % len(emotions)],
            "intensity": number % 11,
            "note": f"Check-in number {number}: " + "a quiet sentence about the day. " * 8,
        }
        values = {
            **prepared,
            **{name: fields[name].get_db_prep_save(v, database) for name, v in varying.items()},
        }
        rows.append([values[name] for name in fields])
    quote = database.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields.values())
    placeholders = ", ".join(["%s"] * len(fields))
    with database.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(CheckIn._meta.db_table)} ({columns}) VALUES ({placeholders})",  # noqa: S608
            rows,
        )


@pytest.mark.parametrize("kind", ["json", "csv"])
def test_a_20000_checkin_export_streams_in_bounded_memory(alice, alice_client, kind):
    """The bound: 2 MiB of Python allocations at peak while the whole response is
    produced and consumed (measured: 1.1 MB for a 12.8 MB JSON). Holding the rows or the document needs more;
    the peak is set by FETCH_ROWS and FLUSH_CHARS, not by the number of check-ins."""
    export(alice_client, kind)  # first imports (URLconf, views) are one-time costs, not the export's
    _bulk_checkins(alice, 20_000)

    tracemalloc.start()
    try:
        response = alice_client.get(f"/api/export?format={kind}")
        size = rows = 0
        for chunk in response.streaming_content:
            size += len(chunk)
            rows += chunk.count(b'"id": ' if kind == "json" else b"\r\n")
        response.close()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert rows == 20_000 + (0 if kind == "json" else 1)
    assert size > 3 * MEMORY_BOUND_BYTES  # the bound is meaningful: the file is far bigger
    assert peak < MEMORY_BOUND_BYTES, f"peak {peak / 1e6:.1f} MB for {size / 1e6:.1f} MB"
