import datetime as dt
import io
import logging

import pypdf
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_checkin, make_custom_emotion
from tracker import practices, report

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
    assert "you checked in 21 times on 21 of 28 days and" in " ".join(pages[4].split())  # however wrapped
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
        make_checkin(
            alice, occurred_at=NOW - dt.timedelta(hours=hour * 5 + 1), need="rest", note="n",
            intensity_after=2, would_help="space", harsh_line="h", kind_line="k",
        )  # fmt: skip
    for number in range(checkins // 3):
        practices.boundary_create(user=alice, text=f"boundary {number}", needs=["rest", "space"])
        practices.intention_set(
            user=alice, week_start=dt.date(2026, 11, 16) - dt.timedelta(weeks=number), text="i"
        )

    with CaptureQueriesContext(connection) as queries:
        pdf_pages(
            alice_session.get(
                "/api/report.pdf?include_notes=true&include_kind_lines=true&include_intentions=true"
            )
        )

    # 1. the session with its user and profile joined in (zone, week start)
    # 2. the series (range_trends)  3. days with a check-in
    # 4-8. emotions, needs, body areas, sensations, emotion–need pairs
    # 9. what would help  10-11. boundaries and their needs
    # 12-15. week_trends of each week in the range (26 Oct to 22 Nov: four Monday-to-Sunday weeks)
    # 16. notes  17. kinder lines  18. intentions
    assert len(queries) == 18, [q["sql"] for q in queries.captured_queries]


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


# --- issue 14: naming, what would help, boundaries; kinder lines and intentions only when ticked ----


@pytest.fixture
def alices_practices(alice):
    """A week of named check-ins with what would help, two boundaries, kinder lines and intentions."""
    for day, (before, after, help_slug) in enumerate(
        [(8, 5, "to-be-heard"), (7, 5, "to-be-heard"), (6, 5, "space")]
    ):
        make_checkin(
            alice, occurred_at=dt.datetime(2026, 11, 16 + day, 8, 0, tzinfo=dt.UTC), emotion="worthless",
            intensity=before, intensity_after=after, would_help=help_slug,
            harsh_line=f"harsh-sentinel-{day} I ruin everything",
            kind_line=f"kind-sentinel-{day} I am learning",
        )  # fmt: skip
    practices.boundary_create(user=alice, text="I leave when voices are raised.", needs=["safety", "respect"])
    practices.boundary_create(user=alice, text="No work messages after 8 pm.", needs=[])
    practices.intention_set(user=alice, week_start=dt.date(2026, 11, 16), text="intention-sentinel one walk")
    practices.intention_set(user=alice, week_start=dt.date(2026, 8, 3), text="out of range intention")


def test_the_report_shows_naming_what_would_help_and_boundaries(alice, alice_client, alices_practices):
    pages = pdf_pages(alice_client.get("/api/report.pdf"))

    assert len(pages) == 6
    text = "\n".join(pages)
    practice_page = " ".join(pages[5].split())  # wrapped lines joined
    assert "Naming, what would help, and boundaries" in practice_page
    # (8 + 7 + 6) / 3 = 7.0 before, 5.0 after
    assert "In 3 check-ins the intensity was noted again once the feeling was named" in practice_page
    assert "7.0 before and 5.0 after" in practice_page
    assert "to be heard" in practice_page
    assert "space" in practice_page
    assert "I leave when voices are raised. (protects: respect, safety)" in practice_page
    assert "No work messages after 8 pm." in practice_page
    assert "Naming it seemed to soften it a little: 7 → 5 on average." in pages[4]
    assert "What would help most often: to be heard." in pages[4]
    for private in ("harsh-sentinel", "kind-sentinel", "intention-sentinel"):
        assert private not in text
    assert "Kinder lines are included" not in pages[0]


def test_kinder_lines_and_intentions_appear_only_when_ticked(alice, alice_client, alices_practices):
    kind = pdf_pages(alice_client.get("/api/report.pdf?include_kind_lines=true"))
    intentions = pdf_pages(alice_client.get("/api/report.pdf?include_intentions=true"))
    both = pdf_pages(
        alice_client.get("/api/report.pdf?include_kind_lines=true&include_intentions=true&include_notes=true")
    )

    assert len(kind) == len(intentions) == 7
    assert "Kinder lines" in kind[6]
    assert "Harsh: harsh-sentinel-0 I ruin everything" in kind[6]
    assert "Kinder: kind-sentinel-2 I am learning" in kind[6]
    assert "Kinder lines are included, by the person's choice." in kind[0]
    assert "intention-sentinel" not in "\n".join(kind)
    assert "Intentions" in intentions[6]
    assert "Week of 16 November 2026" in intentions[6]
    assert "intention-sentinel one walk" in intentions[6]
    assert "out of range intention" not in "\n".join(intentions)
    assert "kind-sentinel" not in "\n".join(intentions)
    assert [
        heading in page
        for heading, page in zip(["Kinder lines", "Intentions", "Notes"], both[6:], strict=True)
    ]
    assert len(both) == 9


def test_ticking_kinder_lines_and_intentions_without_any_says_so(charlie_client):
    pages = pdf_pages(charlie_client.get("/api/report.pdf?include_kind_lines=true&include_intentions=1"))

    assert len(pages) == 7  # no practices page: nothing named, no helps, no boundaries
    assert "No kinder lines in this range." in pages[5]
    assert "No intentions in this range." in pages[6]


def test_another_users_practices_never_reach_the_report(alice, alice_client, bob):
    make_checkin(
        bob,
        occurred_at=NOW - dt.timedelta(days=1),
        intensity_after=1,
        would_help="comfort",
        harsh_line="bob-harsh",
    )
    practices.boundary_create(user=bob, text="bob-boundary")
    practices.intention_set(user=bob, week_start=dt.date(2026, 11, 16), text="bob-intention")

    text = "\n".join(
        pdf_pages(alice_client.get("/api/report.pdf?include_kind_lines=true&include_intentions=true"))
    )

    for private in ("bob-harsh", "bob-boundary", "bob-intention", "comfort"):
        assert private not in text


@pytest.mark.parametrize("name", ["include_kind_lines", "include_intentions"])
def test_a_bad_include_flag_is_a_400(alice_client, name):
    response = alice_client.get(f"/api/report.pdf?{name}=perhaps")

    assert response.status_code == 400
    assert response.json() == {name: ["Must be a valid boolean."]}


LONG_TEXT = (
    "I felt humiliated when my sister laughed at my idea during dinner, and I said nothing, which is what I "
    "always do. Later I noticed my shoulders were tight and that I wanted to be heard, not fixed. Writing "
    "it down helps; tomorrow I will tell her calmly how it landed. Why Was My Mother Always Worried? "
)


def test_every_line_of_text_stays_inside_the_page_margins(alice, alice_client, alices_practices, monkeypatch):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.backends.backend_pdf import PdfPages

    make_checkin(
        alice, occurred_at=NOW - dt.timedelta(hours=2), emotion="humiliated", need="to-be-heard",
        note=LONG_TEXT * 3, harsh_line=LONG_TEXT[:300], kind_line=LONG_TEXT[:300],
    )  # fmt: skip
    practices.intention_set(user=alice, week_start=dt.date(2026, 11, 9), text=LONG_TEXT[:280])
    figures = []
    save = PdfPages.savefig
    monkeypatch.setattr(PdfPages, "savefig", lambda pdf, figure: (figures.append(figure), save(pdf, figure)))

    ticked = "include_notes=true&include_kind_lines=true&include_intentions=true"
    assert alice_client.get(f"/api/report.pdf?{ticked}").status_code == 200

    assert len(figures) >= 8  # every kind of page, long text on the cover, summary, lines and notes
    for figure in figures:
        renderer = FigureCanvasAgg(figure).get_renderer()
        width = figure.bbox.width
        for text in figure.texts:
            extent = text.get_window_extent(renderer)
            assert extent.x0 >= report.LEFT * width - 1, text.get_text()
            assert extent.x1 <= report.RIGHT * width + 1, text.get_text()
