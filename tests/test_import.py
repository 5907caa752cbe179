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
from tracker import exports, imports, practices, services
from tracker.models import Boundary, CheckIn, Emotion, Help, Intention, Profile, Reminder

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
    reminder and boundary ids (unique across all accounts, so a copy on the same server gets new ones)."""
    data = json.loads(document)
    del data["exported_at"], data["profile"]["username"]
    for reminder in data["reminders"]:
        del reminder["uuid"]
    for boundary in data["boundaries"]:
        del boundary["id"]
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
        "intensity_after": st.one_of(st.none(), st.integers(0, 10)),
        "would_help": st.sampled_from([None, "to-be-heard", "space", "custom"]),
        "harsh_line": st.one_of(text, st.text(storable, max_size=500)),
        "kind_line": text,
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
    boundaries=st.lists(
        st.tuples(
            st.text(storable, min_size=1, max_size=500).filter(str.strip).map(str.strip),
            st.lists(st.sampled_from(["rest", "space", "custom"]), max_size=3),
        ),
        max_size=3,
        unique_by=lambda item: item[0],
    ),
    intentions=st.dictionaries(st.integers(0, 60), st.text(storable, min_size=1, max_size=280), max_size=3),
    prompts=st.fixed_dictionaries({name: st.booleans() for name in services.PROFILE_PROMPTS}),
)
def test_export_import_export_is_identical_apart_from_account_ids(
    db, rows, zone, moved_to, day_starts_at, word_name, definition, with_reminder, boundaries, intentions,
    prompts,
):  # fmt: skip
    with transaction.atomic():
        source = fresh_user("source", timezone=zone, day_starts_at=day_starts_at)
        services.profile_update(profile=source.profile, **prompts)
        words = {}
        for kind in ("emotion", "need", "sensation", "help"):
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
        words["would_help"] = words["help"]
        for row in rows:
            data = {key: (words.get(key) if value == "custom" else value) for key, value in row.items()}
            data["emotion"] = data["emotion"] or "calm"
            services.checkin_create(user=source, data=data)
        for number, (words_of_it, needs) in enumerate(boundaries):
            with time_machine.travel(NOW - dt.timedelta(days=number, minutes=3), tick=False):
                needs = [words["need"] if slug == "custom" else slug for slug in needs]
                practices.boundary_create(
                    user=source, text=words_of_it, needs=[slug for slug in needs if slug]
                )
        for weeks_ago, step in intentions.items():
            week = dt.date(2026, 11, 16) - dt.timedelta(weeks=weeks_ago)
            with time_machine.travel(NOW - dt.timedelta(weeks=weeks_ago), tick=False):
                practices.intention_set(user=source, week_start=week, text=step)
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
            if slug and kind != "would_help":
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
    good = f"{uuid.uuid4()},2026-11-01T10:00:00+00:00,,2026-11-01,calm,3,,,,note,,app,,,,,,"
    response = upload(bob_client, f"{header}\r\n{good}\r\n{good[:45]}\r\n", name="x.csv")

    assert response.status_code == 400
    assert response.json() == {
        "file": [
            "Row 3 has 2 columns instead of 18; the file may be cut off or damaged. Nothing was imported."
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

    # Reading: 1-5. vocabularies (with helps)  6. the ids the account holds
    # Settings: 7. savepoint  8. profile lock  9-10. fresh-account checks  11-13. the profile update (in its
    # own savepoint)  14. release (a file without boundaries or intentions reads nothing for them)
    # 15-19. vocabularies again (with the ids of custom words just created)
    # Per chunk of imports.WRITE_CHUNK_ROWS: 20. savepoint  21. ids held  22. one executemany  23. release
    assert counts[0] == counts[1] == 23, "\n".join(q["sql"][:70] for q in queries)


# --- issue 14: the healing practices, losslessly -------------------------------------------------------


@pytest.fixture
def alices_practices(alice):
    """Every kind of issue-14 data: the check-in fields, a custom help, boundaries, intentions, prompts."""
    services.vocabulary_word_create(user=alice, kind="help", name="a long bath", definition="Warm water.")
    services.vocabulary_word_create(user=alice, kind="need", name="quiet evenings", category="peace")
    make_checkin(
        alice, occurred_at=NOW - dt.timedelta(days=2), emotion="worthless", intensity=8, intensity_after=5,
        would_help="a-long-bath", harsh_line="=I ruin everything",
        kind_line="I made one mistake, | that's all.",
    )  # fmt: skip
    make_checkin(alice, occurred_at=NOW - dt.timedelta(hours=3), emotion="calm", would_help="to-be-heard")
    with time_machine.travel(NOW - dt.timedelta(days=40), tick=False):
        practices.boundary_create(user=alice, text="I leave when voices are raised.", needs=["safety"])
    practices.boundary_create(user=alice, text="No calls after 9 pm.", needs=["quiet-evenings", "rest"])
    with time_machine.travel(NOW - dt.timedelta(days=8), tick=False):
        practices.intention_set(user=alice, week_start=dt.date(2026, 11, 9), text="One walk outside.")
    practices.intention_set(user=alice, week_start=dt.date(2026, 11, 16), text="Ask for help once.")
    services.profile_update(profile=alice.profile, prompt_naming=False, prompt_self_compassion=False)


def test_a_round_trip_over_http_restores_every_practice(
    alice, alice_client, bob, bob_client, alices_practices
):
    document = export_text(alice_client)

    response = upload(bob_client, document)

    assert response.status_code == 200, response.json()
    assert (response.json()["imported"], response.json()["errors"]) == (2, [])
    bob.profile.refresh_from_db()  # the client signs in as this very object
    assert comparable(export_text(bob_client)) == comparable(document)
    assert (bob.profile.prompt_naming, bob.profile.prompt_kind_line, bob.profile.prompt_self_compassion) == (
        False, True, False,
    )  # fmt: skip
    worthless = CheckIn.objects.get(user=bob, emotion__slug="worthless")
    assert (worthless.intensity_after, worthless.would_help.slug, worthless.would_help.owner) == (
        5,
        "a-long-bath",
        bob,
    )
    assert worthless.harsh_line == "=I ruin everything"
    boundaries = Boundary.objects.filter(user=bob).order_by("created_at")
    assert [b.text for b in boundaries] == ["I leave when voices are raised.", "No calls after 9 pm."]
    assert boundaries[0].created_at == NOW - dt.timedelta(days=40)  # the file's time, not the import's
    assert sorted(boundaries[1].needs.values_list("slug", flat=True)) == ["quiet-evenings", "rest"]
    assert boundaries[1].needs.get(slug="quiet-evenings").owner == bob
    assert {b.uuid for b in boundaries}.isdisjoint(
        Boundary.objects.filter(user=alice).values_list("uuid", flat=True)
    )
    assert list(Intention.objects.filter(user=bob).values_list("week_start", "text")) == [
        (dt.date(2026, 11, 9), "One walk outside."),
        (dt.date(2026, 11, 16), "Ask for help once."),
    ]


def test_importing_the_practices_twice_adds_nothing(alice, alice_client, bob, bob_client, alices_practices):
    document = export_text(alice_client)

    upload(bob_client, document)
    again = upload(bob_client, document)

    assert again.status_code == 200
    assert (again.json()["imported"], again.json()["skipped"]) == (0, 2)
    assert Boundary.objects.filter(user=bob).count() == 2
    assert Intention.objects.filter(user=bob).count() == 2
    assert Help.objects.filter(owner=bob).count() == 1


def test_an_accounts_own_intention_for_a_week_is_kept(alice, alice_client, bob, bob_client, alices_practices):
    practices.intention_set(user=bob, week_start=dt.date(2026, 11, 16), text="bob's own step")

    upload(bob_client, export_text(alice_client))

    assert dict(Intention.objects.filter(user=bob).values_list("week_start", "text")) == {
        dt.date(2026, 11, 9): "One walk outside.",
        dt.date(2026, 11, 16): "bob's own step",
    }


def test_an_export_from_before_the_practices_still_imports(alice, alice_client, bob, bob_client):
    make_checkin(alice, occurred_at=NOW - dt.timedelta(days=1), need="rest", note="old")
    document = json.loads(export_text(alice_client))
    for key in ("boundaries", "intentions"):
        del document[key]
    del document["custom_words"]["helps"]
    for name in services.PROFILE_PROMPTS:
        del document["profile"][name]
    for row in document["checkins"]:
        for key in ("intensity_after", "would_help", "harsh_line", "kind_line"):
            del row[key]

    response = upload(bob_client, json.dumps(document))

    assert response.status_code == 200, response.json()
    assert (response.json()["imported"], response.json()["errors"]) == (1, [])
    row = CheckIn.objects.get(user=bob)
    assert (row.note, row.intensity_after, row.would_help, row.harsh_line, row.kind_line) == (
        "old",
        None,
        None,
        "",
        "",
    )
    bob.profile.refresh_from_db()
    assert bob.profile.prompt_naming is True


def test_the_csv_columns_of_the_practices_round_trip_and_an_older_csv_still_imports(
    alice, alice_client, bob, bob_client, alices_practices
):
    services.vocabulary_word_create(user=bob, kind="help", name="a long bath")
    document = export_text(alice_client, "csv")
    header = document.lstrip("\ufeff").split("\r\n")[0]
    older = "\r\n".join(
        [
            ",".join(exports.CSV_COLUMNS_V1),
            f"{uuid.uuid4()},2026-11-01T10:00:00+00:00,,2026-11-01,calm,3,,,,n,,app,,",
        ]
    )

    new = upload(bob_client, document, name="x.csv")
    old = upload(bob_client, older, name="old.csv")

    assert header.split(",")[-4:] == ["intensity_after", "would_help", "harsh_line", "kind_line"]
    assert (new.status_code, new.json()["imported"], new.json()["errors"]) == (200, 2, [])
    assert (old.status_code, old.json()["imported"], old.json()["errors"]) == (200, 1, [])
    worthless = CheckIn.objects.get(user=bob, emotion__slug="worthless")
    assert (worthless.intensity_after, worthless.would_help.slug) == (5, "a-long-bath")
    assert (worthless.harsh_line, worthless.kind_line) == (
        "=I ruin everything",
        "I made one mistake, | that's all.",
    )
    assert CheckIn.objects.get(user=bob, note="n").intensity_after is None


BAD_PRACTICE_ROWS = [
    ({"intensity_after": 11}, "'intensity_after' must be a whole number from 0 to 10, or empty."),
    ({"intensity_after": -1}, "'intensity_after' must be a whole number from 0 to 10, or empty."),
    ({"intensity_after": "x"}, "'intensity_after' must be a whole number from 0 to 10, or empty."),
    ({"intensity_after": True}, "'intensity_after' must be a whole number from 0 to 10, or empty."),
    ({"would_help": "a-pony"}, "Unknown help 'a-pony'."),
    ({"would_help": "bobs-help"}, "Unknown help 'bobs-help'."),  # another account's custom help
    ({"harsh_line": "x" * 501}, "A harsh or kinder line is longer than 500 characters."),
    ({"kind_line": 5}, "'kind_line' must be text."),
    ({"kind_line": "a\x00b"}, "A harsh or kinder line holds a NUL character or invalid text."),
]


@pytest.mark.parametrize(("overrides", "message"), BAD_PRACTICE_ROWS)
def test_a_row_with_a_bad_practice_value_is_reported_and_skipped(
    alice, alice_client, bob, overrides, message
):
    services.vocabulary_word_create(user=bob, kind="help", name="bobs help")
    document = json.loads(export_text(alice_client))
    good = {
        "id": str(uuid.uuid4()),
        "occurred_at": "2026-11-20T10:00:00+00:00",
        "emotion": "calm",
        "intensity": 3,
    }
    document["checkins"] = [good, {**good, "id": str(uuid.uuid4()), **overrides}]

    response = upload(alice_client, json.dumps(document))

    assert response.json()["errors"] == [{"row": 2, "message": message}]
    assert response.json()["imported"] == 1
    assert CheckIn.objects.filter(user=alice).count() == 1


def test_a_bad_csv_intensity_after_is_a_row_error(alice, alice_client):
    header = ",".join(exports.CSV_COLUMNS)
    row = f"{uuid.uuid4()},2026-11-01T10:00:00+00:00,,2026-11-01,calm,3,,,,n,,app,,,eleven,,,"

    response = upload(alice_client, f"{header}\r\n{row}\r\n", name="x.csv")

    assert response.json()["errors"] == [
        {"row": 2, "message": "'intensity_after' must be a whole number from 0 to 10, or empty."}
    ]


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda d: d.update(boundaries={}), "The boundaries of this Attune export are not a list."),
        (lambda d: d["boundaries"][0].update(text=""), "Boundary #1 has an invalid text."),
        (lambda d: d["boundaries"][0].update(text="x" * 501), "Boundary #1 has an invalid text."),
        (lambda d: d["boundaries"][0].update(needs="rest"), "Boundary #1 has invalid needs."),
        (lambda d: d["boundaries"][0].update(id="nope"), "Boundary #1 has an invalid id or time."),
        (
            lambda d: d["boundaries"][0].update(needs=["no-such-need"]),
            "A boundary of this Attune export names an unknown need 'no-such-need'.",
        ),
        (
            lambda d: d["intentions"][0].update(week_start="2026-13-01"),
            "Intention #1 has an invalid week or time.",
        ),
        (lambda d: d["intentions"][0].update(text="x" * 281), "Intention #1 has an invalid text."),
        (
            lambda d: d["profile"].update(prompt_naming="yes"),
            "The profile's 'prompt_naming' of this Attune export is invalid.",
        ),
        (
            lambda d: d["custom_words"].update(helps=[{"slug": "", "name": ""}]),
            "Custom help #1 needs a slug and a name.",
        ),
    ],
)
def test_a_broken_practices_section_is_a_400_and_imports_nothing(
    alice, alice_client, bob, bob_client, alices_practices, mangle, message
):
    document = json.loads(export_text(alice_client))
    mangle(document)

    response = upload(bob_client, json.dumps(document))

    assert response.status_code == 400
    assert response.json() == {"file": [message]}
    _nothing_written(bob)
    assert not Boundary.objects.filter(user=bob).exists()
    assert not Intention.objects.filter(user=bob).exists()
    assert not Help.objects.filter(owner=bob).exists()
