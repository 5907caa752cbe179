"""One "today" per person: the export file name and the report date follow `day_starts_at`, as trends do."""

import datetime as dt
import io

import pypdf
import time_machine

# 02:30 on 23 November in Berlin: with the day starting at 04:00 it is still the 22nd for alice.
NIGHT = dt.datetime(2026, 11, 23, 1, 30, tzinfo=dt.UTC)


def late_night_person(alice_client) -> None:
    assert alice_client.patch("/api/me", {"day_starts_at": 4}, format="json").status_code == 200


def test_the_export_file_is_named_after_the_day_still_being_lived(alice, alice_client):
    late_night_person(alice_client)

    with time_machine.travel(NIGHT, tick=False):
        response = alice_client.get("/api/export?format=json", HTTP_ACCEPT="application/json")
        trends = alice_client.get("/api/trends/week").json()

    assert response["Content-Disposition"] == 'attachment; filename="attune-export-2026-11-22.json"'
    assert trends["start"] <= "2026-11-22" <= trends["end"]


def test_the_report_is_prepared_on_and_ends_on_the_day_still_being_lived(alice, alice_client):
    late_night_person(alice_client)

    with time_machine.travel(NIGHT, tick=False):
        response = alice_client.get("/api/report.pdf", HTTP_ACCEPT="application/pdf")

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-to-2026-11-22.pdf"')
    cover = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "prepared on 22 November 2026" in cover
