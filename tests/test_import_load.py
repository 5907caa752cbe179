"""A big import never makes other people's saves fail, and an interrupted import is completed by re-sending.

Real parts: the live HTTP server (one thread per request, each with its own database connection), a real
SQLite file or PostgreSQL, real locks. The busy timeout is shortened to 0.3 s, so an import holding the
write lock longer than that (as one transaction over the whole file did) fails the other person's saves.
"""

import csv
import datetime as dt
import io
import json
import threading
import urllib.error
import urllib.request
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from tests.db_faults import database_locked
from tests.factories import make_token, make_user
from tracker import imports
from tracker.exports import CSV_COLUMNS_V1
from tracker.models import CheckIn

ROWS = 6000  # one transaction over this many rows held the lock for seconds; a chunk holds it for ms


def attune_csv(rows: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS_V1)  # the CSV as written before issue 14: still read
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    for n in range(rows):
        at = start + dt.timedelta(minutes=37 * n)
        writer.writerow(
            [uuid.uuid4(), at.isoformat(), "", at.date().isoformat(), "calm", n % 11, "rest", "", "",
             "an ordinary day", "home", "import", "", ""]
        )  # fmt: skip
    return out.getvalue().encode()


def multipart(data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="export.csv"\r\n'
            f"Content-Type: text/csv\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def send(base_url: str, path: str, token: str, body: bytes, content_type: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        base_url + path,
        data=body,
        method="POST",
        headers={
            "Authorization": f"Token {token}",
            "Content-Type": content_type,
            "Accept": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        raw = error.read()
        return error.code, json.loads(raw) if raw.startswith(b"{") else {"html": raw[:200].decode()}


@pytest.mark.django_db(transaction=True)
def test_a_big_import_running_while_another_person_checks_in_lets_every_checkin_through(
    live_server, short_busy_timeout
):
    importer, other = make_user("importer"), make_user("other")
    importer_token, other_token = (
        make_token(importer),
        make_token(other),
    )
    body, content_type = multipart(attune_csv(ROWS))
    outcome: dict = {}

    def run_import() -> None:
        outcome["import"] = send(live_server.url, "/api/import", importer_token, body, content_type)

    importing = threading.Thread(target=run_import)
    importing.start()
    statuses = []
    # At least 20 check-ins, and for as long as the import runs (its parsing and its writing).
    while importing.is_alive() or len(statuses) < 20:
        checkin = json.dumps({"id": str(uuid.uuid4()), "emotion": "calm", "intensity": 3}).encode()
        statuses.append(send(live_server.url, "/api/checkins/", other_token, checkin, "application/json"))
    importing.join()

    assert outcome["import"][0] == 200, outcome["import"]
    assert outcome["import"][1]["imported"] == ROWS
    assert [status for status, _ in statuses] == [201] * len(statuses), [b for s, b in statuses if s != 201][
        :3
    ]
    assert CheckIn.objects.filter(user=other).count() == len(statuses)
    assert CheckIn.objects.filter(user=importer).count() == ROWS


def upload(client: APIClient, data: bytes):
    return client.post("/api/import", {"file": SimpleUploadedFile("export.csv", data)}, format="multipart")


@pytest.mark.django_db(transaction=True)
def test_an_import_stopped_by_a_busy_database_says_how_far_it_got_and_resending_completes_it(
    short_busy_timeout, monkeypatch
):
    user = make_user("mover")
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user)
    data = attune_csv(5)
    monkeypatch.setattr(imports, "WRITE_CHUNK_ROWS", 2)
    chunk_write = imports._chunk_write
    lock = database_locked()

    def lock_after_the_first_chunk(**kwargs):
        written = chunk_write(**kwargs)
        lock.__enter__()  # another writer takes the database and keeps it past the busy timeout
        return written

    monkeypatch.setattr(imports, "_chunk_write", lock_after_the_first_chunk)
    try:
        stopped = upload(client, data)
    finally:
        lock.__exit__(None, None, None)
    monkeypatch.setattr(imports, "_chunk_write", chunk_write)
    resent = upload(client, data)
    again = upload(client, data)

    assert stopped.status_code == 503
    assert int(stopped["Retry-After"]) > 0
    assert (stopped.json()["imported"], stopped.json()["remaining"]) == (2, 3)
    assert "Send the same file again" in stopped.json()["detail"]
    assert resent.status_code == 200
    assert (resent.json()["imported"], resent.json()["skipped"]) == (3, 2)
    assert (again.json()["imported"], again.json()["skipped"]) == (0, 5)
    assert CheckIn.objects.filter(user=user).count() == 5


def test_an_import_out_of_time_stops_and_resending_completes_it(alice, alice_client, monkeypatch):
    data = attune_csv(4)
    monkeypatch.setattr(imports, "IMPORT_SECONDS_MAX", -1)  # already out of time at the first chunk

    stopped = upload(alice_client, data)
    monkeypatch.undo()
    resent = upload(alice_client, data)

    assert stopped.status_code == 503
    assert (stopped.json()["imported"], stopped.json()["remaining"]) == (0, 4)
    assert (resent.status_code, resent.json()["imported"]) == (200, 4)
    assert CheckIn.objects.filter(user=alice).count() == 4


def test_rows_are_written_in_short_transactions(alice, monkeypatch):
    monkeypatch.setattr(imports, "WRITE_CHUNK_ROWS", 3)
    calls = []
    chunk_write = imports._chunk_write
    monkeypatch.setattr(
        imports, "_chunk_write", lambda **kw: calls.append(len(kw["rows"])) or chunk_write(**kw)
    )

    result = imports.import_file(user=alice, data=attune_csv(8))

    assert result.imported == 8
    assert calls == [3, 3, 2]
