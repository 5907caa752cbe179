import datetime as dt
import json
import uuid

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_checkin, make_custom_emotion, make_user
from tracker import exports, imports, services
from tracker.models import CheckIn, Emotion, Profile, Reminder

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def export_text(client, kind: str = "json") -> str:
    response = client.get(f"/api/export?format={kind}")
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8")


def upload(client, data: bytes | str, *, name: str = "export.json", **fields):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return client.post("/api/import", {"file": SimpleUploadedFile(name, data), **fields}, format="multipart")


def comparable(document: str) -> dict:
    """An export without what belongs to the account rather than the data: its name, the export time and
    reminder ids (unique across all accounts, so a copy on the same server gets new ones)."""
    data = json.loads(document)
    del data["exported_at"], data["profile"]["username"]
    for reminder in data["reminders"]:
        del reminder["uuid"]
    return data


def fresh_user(prefix: str = "user", **profile):
    return make_user(f"{prefix}-{uuid.uuid4().hex[:8]}", **profile)


def export_json_of(user) -> str:
    return "".join(exports.export_json(user=user, profile=Profile.objects.get(user=user), now=NOW))


def export_csv_of(user) -> str:
    return "".join(exports.export_csv(user=user, profile=Profile.objects.get(user=user)))


# --- round trips -------------------------------------------------------------------------------

# Text people really type, and text that breaks naive code: emoji sequences, right-to-left scripts,
# combining marks, separators and quotes, spreadsheet formulas, the CSV context escape characters.
ODD_TEXT = [
    "",
    " ",
    "שלום, עולם",
    "مرحبا",
    "👩‍👩‍👧‍👦🏳️‍🌈",
    "e\u0301\u0327",
    "line one\r\nline two\rthree\n",
    '"quoted", with, commas',
    "=SUM(A1:A2)",
    "+1",
    "-",
    "@mention",
    "'apostrophe",
    "''",
    "a | b",
    "back\\slash\\",
    "|",
    "\u2028\u2029\u00a0",
    "\ufeffbom",
    "</script><b>",
]
# PostgreSQL text cannot hold NUL and UTF-8 cannot hold lone surrogates: the app refuses both on input,
# so generated text leaves them out (a separate test shows an import reports such a row).
storable = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
text = st.one_of(st.sampled_from(ODD_TEXT), st.text(storable, max_size=60))
tag = st.one_of(st.sampled_from(ODD_TEXT[2:]), st.text(storable, min_size=1, max_size=40))
# Instants around Berlin's DST changes (the gap and the repeated hour) and anywhere since 1970.
dst_instant = st.builds(
    lambda base, minutes: base + dt.timedelta(minutes=minutes),
    st.sampled_from(
        [dt.datetime(2025, 3, 30, 0, 0, tzinfo=dt.UTC), dt.datetime(2025, 10, 26, 0, 0, tzinfo=dt.UTC)]
    ),
    st.integers(min_value=0, max_value=180),
)
any_instant = st.datetimes(
    # Hypothesis takes naive bounds and adds the zone itself.
    min_value=dt.datetime(1970, 1, 1),  # noqa: DTZ001
    max_value=dt.datetime(2026, 11, 1),  # noqa: DTZ001
    timezones=st.just(dt.UTC),
)
checkin_data = st.fixed_dictionaries(
    {
        "occurred_at": st.one_of(dst_instant, any_instant),
        "emotion": st.sampled_from(["lonely", "calm", "joyful", "custom"]),
        "intensity": st.integers(0, 10),
        "need": st.sampled_from([None, "rest", "custom"]),
        "sensation": st.sampled_from([None, "tight", "custom"]),
        "body_area": st.sampled_from([None, "chest", "whole-body"]),
        "note": st.one_of(text, st.text(storable, max_size=400)),
        "context": st.lists(tag, max_size=4),
    }
)
zones = st.sampled_from(["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "UTC"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(checkin_data, max_size=8),
    zone=zones,
    moved_to=st.one_of(st.none(), zones),
    day_starts_at=st.integers(0, 6),
    word_name=st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=20),
    definition=text,
    with_reminder=st.booleans(),
)
def test_export_import_export_is_identical_apart_from_account_ids(
    db, rows, zone, moved_to, day_starts_at, word_name, definition, with_reminder
):
    with transaction.atomic():
        source = fresh_user("source", timezone=zone, day_starts_at=day_starts_at)
        words = {}
        for kind in ("emotion", "need", "sensation"):
            extra = {"pleasantness": 0.25, "energy": -0.5} if kind == "emotion" else {}
            try:
                words[kind] = services.vocabulary_word_create(
                    user=source,
                    kind=kind,
                    name=f"my {word_name}",
                    definition=definition.strip()[:300],
                    **extra,
                ).slug
            except services.ValidationError:  # the name slugifies to a built-in word
                words[kind] = None
        for row in rows:
            data = {key: (words.get(key) if value == "custom" else value) for key, value in row.items()}
            data["emotion"] = data["emotion"] or "calm"
            services.checkin_create(user=source, data=data)
        if with_reminder:
            Reminder.objects.create(user=source, time=dt.time(2, 30), days=["sun"], window_minutes=15)
        if moved_to:  # a traveller: old check-ins keep the local dates of the zone they were made in
            services.profile_update(profile=source.profile, timezone_name=moved_to)
        first_json, first_csv = export_json_of(source), export_csv_of(source)

        json_copy = fresh_user("json-copy")
        result = imports.import_file(user=json_copy, data=first_json.encode(), now=NOW)
        assert (result.imported, result.errors) == (len(rows), [])
        assert comparable(export_json_of(json_copy)) == comparable(first_json)

        # CSV has no profile: the copy lives in the same zone, and then the files are byte for byte equal.
        csv_copy = fresh_user("csv-copy", timezone=moved_to or zone, day_starts_at=day_starts_at)
        for kind, slug in words.items():  # CSV carries no custom words: the copy makes its own first
            if slug:
                word = services.VOCABULARY_MODELS[kind].objects.get(owner=source, slug=slug)
                extra = {"pleasantness": 0.25, "energy": -0.5} if kind == "emotion" else {}
                extra |= {"category": word.category} if kind == "need" else {}
                services.vocabulary_word_create(
                    user=csv_copy, kind=kind, name=word.name, definition=word.definition, **extra
                )
        result = imports.import_file(user=csv_copy, data=first_csv.encode(), now=NOW)
        assert (result.imported, result.errors) == (len(rows), [])
        assert export_csv_of(csv_copy) == first_csv

        # And again: nothing new.
        again = imports.import_file(user=json_copy, data=first_json.encode(), now=NOW)
        assert (again.imported, again.skipped) == (0, len(rows))
        transaction.set_rollback(True)


def test_a_round_trip_over_http_restores_profile_words_checkins_and_reminders(
    alice, alice_client, bob, bob_client
):
    make_custom_emotion(alice, "wobbly")
    make_checkin(alice, occurred_at=NOW - dt.timedelta(days=3), emotion="wobbly", note="first", context=["w"])
    make_checkin(
        alice, occurred_at=NOW - dt.timedelta(hours=1), emotion="calm", need="rest", body_area="chest"
    )
    services.profile_update(profile=alice.profile, day_starts_at=4, week_starts_on="sun")
    Reminder.objects.create(user=alice, time=dt.time(8, 0), days=["mon"], label="gentle")
    document = export_text(alice_client)

    response = upload(bob_client, document)

    assert response.status_code == 200, response.json()
    assert response.json() == {
        "format": "attune-json", "imported": 2, "skipped": 0,
        "errors": [], "warnings": [], "unknown_labels": [],
    }  # fmt: skip
    bob.profile.refresh_from_db()
    assert (bob.profile.timezone, bob.profile.day_starts_at, bob.profile.week_starts_on) == (
        "Europe/Berlin", 4, "sun",
    )  # fmt: skip
    assert Emotion.objects.filter(owner=bob, slug="wobbly").exists()
    reminder = Reminder.objects.get(user=bob)
    assert reminder.label == "gentle"
    assert reminder.next_fire_at is not None
    assert reminder.uuid != Reminder.objects.get(user=alice).uuid  # alice still holds hers
    assert comparable(export_text(bob_client)) == comparable(document)
    assert CheckIn.objects.filter(user=alice).count() == 2  # alice's rows are hers alone


def test_importing_the_same_file_twice_adds_nothing(alice, alice_client, bob_client):
    make_checkin(alice, note="once")
    make_checkin(alice, note="twice", occurred_at=NOW - dt.timedelta(days=1))
    for kind in ("json", "csv"):
        document = export_text(alice_client, kind)

        first = upload(bob_client, document)
        second = upload(bob_client, document)

        assert first.status_code == second.status_code == 200
        assert second.json()["imported"] == 0
        assert second.json()["skipped"] == 2
    assert CheckIn.objects.count() == 4


def test_ids_are_kept_and_the_same_id_in_another_account_never_conflicts(
    alice, alice_client, bob, bob_client
):
    checkin = make_checkin(alice)

    response = upload(bob_client, export_text(alice_client))

    assert response.json()["imported"] == 1
    assert set(CheckIn.objects.filter(uuid=checkin.uuid).values_list("user__username", flat=True)) == {
        "alice", "bob",
    }  # fmt: skip
    bobs = CheckIn.objects.get(user=bob)
    assert (bobs.occurred_at, bobs.local_date, bobs.created_at) == (
        checkin.occurred_at, checkin.local_date, checkin.created_at,
    )  # fmt: skip


def test_an_account_with_history_keeps_its_own_profile_and_reminders(alice, alice_client, bob, bob_client):
    make_checkin(alice)
    Reminder.objects.create(user=alice, time=dt.time(8, 0), days=["mon"])
    make_checkin(bob, emotion="calm")

    response = upload(bob_client, export_text(alice_client))

    assert response.json()["imported"] == 1
    bob.profile.refresh_from_db()
    assert bob.profile.timezone == "America/New_York"
    assert not Reminder.objects.filter(user=bob).exists()


def test_custom_words_are_created_only_when_missing(alice, alice_client, bob, bob_client):
    make_custom_emotion(alice, "wobbly", pleasantness=0.5)
    make_checkin(alice, emotion="wobbly")
    make_custom_emotion(bob, "wobbly", pleasantness=-0.9)

    response = upload(bob_client, export_text(alice_client))

    assert response.json()["imported"] == 1
    assert Emotion.objects.get(owner=bob, slug="wobbly").pleasantness == -0.9  # bob's own word wins
    assert CheckIn.objects.get(user=bob).emotion.owner == bob


# --- row problems ------------------------------------------------------------------------------


def test_bad_rows_are_listed_and_skipped_while_good_rows_are_imported(alice, alice_client, bob, bob_client):
    make_checkin(alice, note="good")
    document = json.loads(export_text(alice_client))
    good = document["checkins"][0]
    document["checkins"] += [
        {**good, "id": str(uuid.uuid4()), "emotion": "no-such-word"},
        {**good, "id": str(uuid.uuid4()), "occurred_at": "2027-01-01T00:00:00+00:00"},
        {**good, "id": str(uuid.uuid4()), "intensity": 11},
        {**good, "id": str(uuid.uuid4()), "note": "nul \x00 inside"},
        {**good, "id": "not-a-uuid"},
        {**good, "id": str(uuid.uuid4()), "occurred_at": "2026-01-01T10:00:00"},
        {**good, "id": str(uuid.uuid4()), "local_date": "2020-01-01"},
        {**good, "id": str(uuid.uuid4()), "context": ["x" * 41]},
        "not an object",
    ]

    response = upload(bob_client, json.dumps(document))

    assert response.status_code == 200
    body = response.json()
    assert (body["imported"], body["skipped"]) == (1, 9)
    assert body["errors"] == [
        {"row": 2, "message": "Unknown emotion 'no-such-word'."},
        {"row": 3, "message": "A check-in cannot be in the future."},
        {"row": 4, "message": "'intensity' must be a whole number from 0 to 10."},
        {"row": 5, "message": "The note or a tag holds a NUL character or invalid text."},
        {"row": 6, "message": "'not-a-uuid' is not a valid id (a UUID)."},
        {"row": 7, "message": "'occurred_at' needs a UTC offset, e.g. 2026-11-22T08:30:00+01:00."},
        {"row": 8, "message": "'local_date' does not fit 'occurred_at'."},
        {"row": 9, "message": "Use at most 10 context tags of at most 40 characters."},
        {"row": 10, "message": "A check-in must be a JSON object."},
    ]
    assert CheckIn.objects.get(user=bob).note == "good"


def test_a_csv_row_with_an_unknown_custom_word_says_so(alice, alice_client, bob, bob_client):
    make_custom_emotion(alice, "wobbly")
    make_checkin(alice, emotion="wobbly")

    response = upload(bob_client, export_text(alice_client, "csv"), name="export.csv")

    assert response.json()["errors"] == [{"row": 2, "message": "Unknown emotion 'wobbly'."}]
    assert not CheckIn.objects.filter(user=bob).exists()


def test_formula_guards_are_removed_on_csv_import(alice, alice_client, bob, bob_client):
    notes = ["=1+1", "'tis", "''", "-", "@x", "plain"]
    for minutes, note in enumerate(notes):
        make_checkin(
            alice,
            note=note,
            context=[note or "x", "a|b\\"],
            occurred_at=NOW - dt.timedelta(minutes=minutes + 1),
        )

    upload(bob_client, export_text(alice_client, "csv"), name="export.csv")

    stored = CheckIn.objects.filter(user=bob).order_by("-occurred_at")
    assert [c.note for c in stored] == notes
    assert next(c.context for c in stored) == ["=1+1", "a|b\\"]


# --- files that are not what they claim: 400, nothing written ------------------------------------


def _nothing_written(user) -> None:
    assert not CheckIn.objects.filter(user=user).exists()
    assert not Emotion.objects.filter(owner=user).exists()
    assert not Reminder.objects.filter(user=user).exists()
    user.profile.refresh_from_db()
    assert user.profile.timezone == "America/New_York"


@pytest.fixture
def valid_export(alice, alice_client) -> str:
    make_custom_emotion(alice, "wobbly")
    make_checkin(alice, emotion="wobbly")
    make_checkin(alice, emotion="calm", occurred_at=NOW - dt.timedelta(days=1))
    Reminder.objects.create(user=alice, time=dt.time(8, 0), days=["mon"])
    return export_text(alice_client)


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda doc: doc[: len(doc) // 2], "The file is not valid JSON; it may have been cut off."),
        (lambda doc: doc.replace('"attune-export"', '"other"'), "This JSON file is not an Attune export."),
        (
            lambda doc: doc.replace('"version": 1', '"version": 2'),
            "This Attune export has version 2; this server reads version 1.",
        ),
        (
            lambda doc: '{"format": "attune-export", "version": 1}',
            "This Attune export has no list of check-ins.",
        ),
        (lambda doc: "[1, 2]", "This JSON file is not an Attune export."),
        (
            lambda doc: doc.replace('"timezone": "Europe/Berlin"', '"timezone": "Mars/Olympus"'),
            "The profile of this Attune export is invalid: timezone: 'Mars/Olympus' is not a known IANA "
            "time zone, e.g. Europe/Berlin.",
        ),
        (lambda doc: doc.replace('"pleasantness": -0.2', '"pleasantness": 7'), None),
        (lambda doc: doc.replace('"days": [\n    "mon"\n   ]', '"days": ["someday"]'), None),
    ],
)
def test_a_broken_attune_json_is_a_400_and_imports_nothing(bob, bob_client, valid_export, mangle, message):
    mangled = mangle(valid_export)
    assert mangled != valid_export

    response = upload(bob_client, mangled)

    assert response.status_code == 400, response.json()
    assert list(response.json()) == ["file"]
    if message:
        assert response.json() == {"file": [message]}
    _nothing_written(bob)


def test_a_broken_late_row_rolls_back_everything_before_it(bob, bob_client):
    """A row count mismatch far down a CSV means the file is damaged: the good rows above are not kept."""
    header = export_text(bob_client, "csv").strip()  # bob has no check-ins: just the header
    good = f"{uuid.uuid4()},2026-11-01T10:00:00+00:00,,2026-11-01,calm,3,,,,note,,app,,"
    response = upload(bob_client, f"{header}\r\n{good}\r\n{good[:45]}\r\n", name="x.csv")

    assert response.status_code == 400
    assert response.json() == {
        "file": [
            "Row 3 has 2 columns instead of 14; the file may be cut off or damaged. Nothing was imported."
        ]
    }
    _nothing_written(bob)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "This is a binary file, not an Attune export (JSON or CSV) or a Daylio CSV.",
        ),
        (b"PK\x03\x04rest-of-a-zip", None),
        (b"id,when,feeling\r\n1,today,fine\r\n", None),
        (
            "caf\xe9,latin-1\r\n".encode("latin-1"),
            "The file is not UTF-8 text. Import an Attune export or a Daylio CSV.",
        ),
        (b"", "The file is empty."),
        (b"  \r\n", "The file is empty."),
        (b'"unterminated,quote\r\n', None),
    ],
)
def test_a_file_that_is_no_export_is_a_400_and_imports_nothing(bob, bob_client, data, message):
    response = upload(bob_client, data, name="export.csv")

    assert response.status_code == 400, response.json()
    assert list(response.json()) == ["file"]
    if message:
        assert response.json() == {"file": [message]}
    _nothing_written(bob)


def test_an_unterminated_quote_at_the_end_of_an_attune_csv_is_a_400(alice, alice_client, bob, bob_client):
    make_checkin(alice, note="a note that gets cut")
    document = export_text(alice_client, "csv")

    response = upload(bob_client, document[: document.index("a note") + 3], name="x.csv")

    assert response.status_code == 400
    assert not CheckIn.objects.filter(user=bob).exists()


def test_a_missing_file_is_a_field_error(alice_client):
    response = alice_client.post("/api/import", {}, format="multipart")

    assert response.status_code == 400
    assert response.json() == {"file": ["No file was submitted."]}


def test_a_json_body_instead_of_a_form_is_refused(alice_client):
    response = alice_client.post("/api/import", {"file": "x"}, format="json")

    assert response.status_code == 415


def test_import_requires_authentication(anon_client, valid_export):
    response = upload(anon_client, valid_export)

    assert response.status_code == 401


def test_a_browser_session_needs_the_csrf_token(bob, valid_export):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(bob)

    response = upload(client, valid_export)

    assert response.status_code == 403
    _nothing_written(bob)


@pytest.mark.parametrize("accept", ["text/html", "application/json, */*;q=0.8", "text/csv"])
def test_import_answers_json_whatever_accept_prefers(bob_client, valid_export, accept):
    response = bob_client.post(
        "/api/import", {"file": SimpleUploadedFile("e.json", valid_export.encode())}, format="multipart",
        HTTP_ACCEPT=accept,
    )  # fmt: skip

    assert response.status_code == 200
    assert response.json()["imported"] == 2


# --- size cap ----------------------------------------------------------------------------------


def test_a_file_just_over_the_cap_is_a_413_and_one_at_the_cap_is_read(bob, bob_client, valid_export):
    size = len(valid_export.encode())
    with override_settings(IMPORT_MAX_BYTES=size - 1):
        too_big = upload(bob_client, valid_export)
    _nothing_written(bob)
    with override_settings(IMPORT_MAX_BYTES=size):
        at_cap = upload(bob_client, valid_export)

    assert too_big.status_code == 413
    assert too_big.json() == {"detail": f"The file is larger than the import limit of {size - 1:,} bytes."}
    assert at_cap.status_code == 200
    assert at_cap.json()["imported"] == 2


def test_a_request_far_over_the_cap_is_refused_before_its_body_is_parsed(bob, bob_client):
    # The request says it is 2 MB but carries a few bytes: reading its body (the multipart parser) would
    # fail on the missing bytes, so only a refusal made from Content-Length alone answers 413.
    with override_settings(IMPORT_MAX_BYTES=1024 * 1024):
        response = bob_client.generic(
            "POST",
            "/api/import",
            b'--b\r\nContent-Disposition: form-data; name="file"; filename="x.json"\r\n\r\n{',
            content_type="multipart/form-data; boundary=b",
            CONTENT_LENGTH=str(2 * 1024 * 1024),
        )

    assert response.status_code == 413
    assert response.json() == {"detail": "The file is larger than the import limit of 1 MB."}
    _nothing_written(bob)


# --- cost --------------------------------------------------------------------------------------


def test_an_import_issues_the_same_number_of_queries_for_10_or_200_rows(bob):
    counts = []
    for rows in (10, 200):
        source = fresh_user()
        for minute in range(rows):
            make_checkin(source, occurred_at=NOW - dt.timedelta(minutes=minute + 1))
        target = fresh_user()
        document = export_json_of(source).encode()
        with CaptureQueriesContext(connection) as queries:
            result = imports.import_file(user=target, data=document, now=NOW)
        assert result.imported == rows
        counts.append(len(queries))

    # Reading: 1-4. vocabularies  5. the ids the account holds
    # Settings: 6. savepoint  7. profile lock  8-9. fresh-account checks  10-12. the profile update (in its
    # own savepoint)  13. release
    # 14-17. vocabularies again (with the ids of custom words just created)
    # Per chunk of imports.WRITE_CHUNK_ROWS: 18. savepoint  19. ids held  20. one executemany  21. release
    assert counts[0] == counts[1] == 21, "\n".join(q["sql"][:70] for q in queries)
