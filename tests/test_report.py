import datetime as dt
import io
import logging

import pypdf
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_checkin, make_custom_emotion
from tracker import report

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
PAGE_HEADINGS = [
    "Check-in summary",
    "How it went over time",
    "Feelings and unmet needs",
    "The body, and feelings with needs",
    "In plain words",
]


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def pdf_pages(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert reader.metadata.title == "Attune check-in summary"
    return [page.extract_text() for page in reader.pages]


@pytest.fixture
def alices_weeks(alice):
    """Three weeks of check-ins in November, with needs, body areas, a note and a custom word."""
    make_custom_emotion(alice, "wobbly")
    for day in range(21):
        occurred_at = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC) + dt.timedelta(days=day)
        make_checkin(
            alice,
            occurred_at=occurred_at,
            emotion=["anxious", "calm", "wobbly"][day % 3],
            intensity=day % 11,
            need="rest" if day % 2 else "connection",
            body_area="chest" if day % 4 else "stomach",
            sensation="tight" if day % 5 == 0 else None,
            note="Paid $5 for the bus and cried on the way home" if day == 10 else "",
        )
    make_checkin(alice, occurred_at=dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC), emotion="joyful")  # old


def test_the_report_has_its_pages_and_leaves_notes_out_by_default(alice, alice_client, alices_weeks):
    response = alice_client.get("/api/report.pdf")

    pages = pdf_pages(response)
    assert len(pages) == 5
    for text, heading in zip(pages, PAGE_HEADINGS, strict=True):
        assert heading in text
    # Default range: the four weeks up to today, in alice's zone; the September check-in is outside it.
    assert "26 October 2026 – 22 November 2026" in pages[0]
    assert "Check-ins 21" in pages[0]
    assert "Private notes are not included in this report." in pages[0]
    assert "anxious" in pages[2]
    assert "wobbly" in pages[2]
    assert "loneliness" not in pages[2]
    assert "rest" in pages[2]
    assert "connection" in pages[2]
    assert "chest" in pages[3]
    assert "stomach" in pages[3]
    assert "tight" in pages[3]
    assert "you checked in 21 times on 21 of 28 days and" in pages[4]
    assert "Week by week" in pages[4]
    assert "Week of 2 November 2026" in pages[4]
    assert not any("Paid" in text or "cried" in text for text in pages)
    assert response["Content-Disposition"] == (
        'attachment; filename="attune-report-2026-10-26-to-2026-11-22.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"


def test_notes_appear_only_when_asked_for(alice, alice_client, alices_weeks):
    pages = pdf_pages(alice_client.get("/api/report.pdf?include_notes=true"))

    assert len(pages) == 6
    assert "Notes" in pages[5]
    # A dollar sign stays a dollar sign (no mathtext), and the note sits under its local time and feeling.
    assert "Paid $5 for the bus and cried on the way home" in pages[5]
    assert "Wed 11 November 2026, 09:00 – calm (10/10), needing connection" in pages[5]
    assert "Private notes are included at the end of this report." in pages[0]


def test_a_long_list_of_notes_continues_over_pages(alice, alice_client):
    for hour in range(40):
        make_checkin(alice, occurred_at=NOW - dt.timedelta(hours=hour + 1), note=f"note {hour}\nsecond line")

    pages = pdf_pages(alice_client.get("/api/report.pdf?include_notes=1"))

    assert len(pages) == 9  # 40 notes of 4 lines each, 52 lines a page
    assert "page 1 of 4" in pages[5]
    assert "page 4 of 4" in pages[8]
    assert "note 39" in pages[5]
    assert "note 0" in pages[8]


def test_an_explicit_range_is_used_and_named(alice, alice_client, alices_weeks):
    pages = pdf_pages(alice_client.get("/api/report.pdf?from=2026-09-01&to=2026-09-30"))

    assert "1 September 2026 – 30 September 2026" in pages[0]
    assert "Check-ins 1" in pages[0]
    assert "joyful" in pages[2]
    assert "anxious" not in pages[2]


def test_an_empty_range_still_makes_a_readable_report(charlie_client):
    pages = pdf_pages(charlie_client.get("/api/report.pdf?include_notes=true"))

    assert len(pages) == 6
    assert "Check-ins 0" in pages[0]
    assert "There are no check-ins in this range." in pages[4]
    assert "None in this range." in pages[2]
    assert "No notes in this range." in pages[5]


def test_a_long_range_is_drawn_by_month(alice, alice_client, alices_weeks):
    pages = pdf_pages(alice_client.get("/api/report.pdf?from=2024-01-01&to=2026-11-22"))

    assert "Per month" in pages[1]
    assert "Check-ins 22" in pages[0]


def test_only_the_callers_checkins_and_notes_are_in_the_report(alice, alice_client, bob):
    make_checkin(bob, occurred_at=NOW - dt.timedelta(days=1), emotion="furious", note="bob's secret")
    make_checkin(alice, occurred_at=NOW - dt.timedelta(days=1), emotion="calm", note="alice's own")

    pages = pdf_pages(alice_client.get("/api/report.pdf?include_notes=true"))

    text = "\n".join(pages)
    assert "alice's own" in text
    assert "bob's secret" not in text
    assert "furious" not in text


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("from=2020-01-01&to=2026-11-22", {"to": ["Choose a range of at most 3 years."]}),
        ("from=2026-11-10&to=2026-11-01", {"from": ["'from' must not be after 'to'."]}),
        (
            "from=yesterday",
            {"from": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
        ),
        ("include_notes=perhaps", {"include_notes": ["Must be a valid boolean."]}),
    ],
)
def test_bad_parameters_are_a_400_with_field_errors(alice_client, query, errors):
    response = alice_client.get(f"/api/report.pdf?{query}", HTTP_ACCEPT="application/pdf")

    assert response.status_code == 400
    assert response.json() == errors


@pytest.mark.parametrize("accept", [None, "application/json, */*;q=0.8", "application/json", "text/html"])
def test_the_pdf_is_served_whatever_accept_prefers(alice_client, accept):
    headers = {"HTTP_ACCEPT": accept} if accept else {}

    response = alice_client.get("/api/report.pdf", **headers)

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")


def test_the_report_requires_authentication(anon_client):
    response = anon_client.get("/api/report.pdf", HTTP_ACCEPT="application/pdf")

    assert response.status_code == 401


@pytest.mark.parametrize("checkins", [3, 30])
def test_the_report_issues_a_fixed_number_of_queries(alice, alice_session, checkins):
    for hour in range(checkins):
        make_checkin(alice, occurred_at=NOW - dt.timedelta(hours=hour * 5 + 1), need="rest", note="n")

    with CaptureQueriesContext(connection) as queries:
        pdf_pages(alice_session.get("/api/report.pdf?include_notes=true"))

    # 1. the session with its user and profile joined in (zone, week start)
    # 2. the series (range_trends)  3. days with a check-in
    # 4-8. emotions, needs, body areas, sensations, emotion–need pairs
    # 9-12. week_trends of each week in the range (26 Oct to 22 Nov: four Monday-to-Sunday weeks)
    # 13. notes
    assert len(queries) == 13, [q["sql"] for q in queries.captured_queries]


def test_making_the_report_logs_nothing_of_the_notes(alice, alice_client, alices_weeks, caplog):
    caplog.set_level(logging.DEBUG)

    response = alice_client.get("/api/report.pdf?include_notes=true")

    assert response.status_code == 200
    # fontTools would list, at INFO, the glyphs it embeds: the letters of the person's notes.
    chatty = [r for r in caplog.records if r.name.startswith("fontTools") and r.levelno < logging.WARNING]
    assert chatty == []


def test_the_notes_pages_are_bounded_and_keep_the_newest_notes(alice, alice_client, monkeypatch):
    monkeypatch.setattr(report, "NOTES_PAGES_MAX", 2)
    words = "A long evening of turning things over, again and again, until the light changed. "
    for hour in range(5):
        note = f"note {hour} " + (words * 70)[:4990]  # 53 lines: about a page each
        make_checkin(alice, occurred_at=NOW - dt.timedelta(hours=hour + 1), note=note)

    pages = pdf_pages(alice_client.get("/api/report.pdf?include_notes=true"))

    assert len(pages) == 5 + 2
    assert "Only the newest note of this range fits here; the export has all of them." in pages[5]
    assert "note 0" in pages[5]
    assert "note 1" not in "".join(pages[5:])
