"""Settings and your data in the app: day and zone, export, a Daylio import with a mapping, the report,
and deleting the account (nothing left on the server or the phone)."""

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pypdf
import pytest
from django.utils import timezone

from tests.e2e.conftest import ready_for_offline, screen, sign_in, wait_for_screen, wait_js
from tests.factories import PASSWORD, make_checkin
from tracker.models import CheckIn, Profile

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
DAYLIO = Path(__file__).resolve().parents[1] / "fixtures" / "daylio_8col.csv"
NOTE = "sentinel-note-for-the-report"


@pytest.fixture
def two_checkins(dana):
    now = timezone.now()
    return [
        make_checkin(
            dana, occurred_at=now - dt.timedelta(hours=2), emotion="dismissed", need="respect", note=NOTE
        ),
        make_checkin(dana, occurred_at=now - dt.timedelta(days=1), emotion="calm", intensity=3),
    ]


def test_changing_the_time_zone_and_the_day_start_shows_in_the_profile(app, dana):
    _context, page, watch = app
    sign_in(page, "dana", "#settings")
    wait_for_screen(page, "Settings")
    screen(page, "settings")
    page.get_by_label("Time zone").select_option("America/New_York")
    page.get_by_label("My day ends at").select_option(label="4 am")
    page.get_by_label("Weeks start on").select_option("sun")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved.").wait_for()
    profile = Profile.objects.get(user=dana)
    assert (profile.timezone, profile.day_starts_at, profile.week_starts_on) == ("America/New_York", 4, "sun")
    watch.assert_clean()


def test_export_downloads_a_file_with_the_check_ins_as_json_and_csv(app, two_checkins):
    _context, page, watch = app
    sign_in(page, "dana", "#data")
    wait_for_screen(page, "Your data")
    screen(page, "data")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download (JSON)").click()
    exported = json.loads(Path(download.value.path()).read_text())
    assert {c["id"] for c in exported["checkins"]} == {str(c.uuid) for c in two_checkins}
    with page.expect_download() as download:
        page.get_by_role("link", name="Download for a spreadsheet (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert sorted(r["emotion"] for r in rows) == ["calm", "dismissed"]
    watch.assert_clean()


def test_a_daylio_import_with_unknown_moods_asks_for_a_feeling_and_then_imports_every_row_once(app, dana):
    _context, page, watch = app
    sign_in(page, "dana", "#data")
    page.get_by_label("A file to import").set_input_files(str(DAYLIO))
    page.get_by_role("button", name="Import", exact=True).click()
    mapping = page.locator("form", has_text="Which feeling is each of these moods?")
    mapping.wait_for()
    first = CheckIn.objects.filter(user=dana).count()
    labels = [label.inner_text() for label in mapping.locator("label").all()]
    assert set(labels) >= {"Grateful"}
    assert first == 8 - len(labels) - 1
    screen(page, "data-import-mapping")
    for label in labels:
        mapping.get_by_label(label, exact=True).select_option("exhausted" if "ired" in label else "grateful")
    mapping.get_by_role("button", name="Import again with these feelings").click()
    page.get_by_text("Imported", exact=False).last.wait_for()
    page.wait_for_function("() => !document.body.innerText.includes('Importing…')")
    assert CheckIn.objects.filter(user=dana).count() == 8
    page.get_by_role("button", name="Import", exact=True).click()  # the same file again adds nothing
    page.wait_for_function("() => document.body.innerText.includes('Imported 0 check-ins')")
    assert CheckIn.objects.filter(user=dana).count() == 8
    watch.assert_clean()


def report_text(download) -> str:
    reader = pypdf.PdfReader(download.value.path())
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_report_downloads_a_pdf_with_notes_only_when_asked(app, two_checkins):
    _context, page, watch = app
    sign_in(page, "dana", "#data")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    text = report_text(download)
    assert "dismissed" in text
    assert NOTE not in text
    page.get_by_label("Include my notes").check()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    assert NOTE in report_text(download)
    watch.assert_clean()


def test_deleting_the_account_leaves_no_row_on_the_server_and_nothing_on_the_phone(app, two_checkins, dana):
    _context, page, watch = app
    watch.allow_console("status of 400")
    sign_in(page, "dana", "#data")
    ready_for_offline(page)
    page.get_by_label("Your password, to confirm").fill("wrong password")
    page.get_by_role("button", name="Delete my account").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete everything").click()
    page.locator("[data-field='password'] .field-error").wait_for()
    assert CheckIn.objects.filter(user=dana).count() == 2  # nothing half-deleted
    page.get_by_label("Your password, to confirm").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete everything").click()
    wait_for_screen(page, "Welcome back")
    assert not CheckIn.objects.filter(user_id=dana.pk).exists()
    assert not Profile.objects.filter(user_id=dana.pk).exists()
    storage = wait_js(
        page,
        "async () => { const s = {db: (await indexedDB.databases()).length, caches: (await caches.keys()).length, workers: (await navigator.serviceWorker.getRegistrations()).length}; return s.db + s.caches + s.workers === 0 ? s : null; }",
    )
    assert storage == {"db": 0, "caches": 0, "workers": 0}
    watch.assert_clean()


def test_a_file_that_is_not_an_export_is_refused_with_the_reason_and_changes_nothing(app, dana, tmp_path):
    _context, page, watch = app
    watch.allow_console("status of 400")
    junk = tmp_path / "notes.csv"
    junk.write_text("this,is\nnot,an export\n")
    sign_in(page, "dana", "#data")
    page.get_by_label("A file to import").set_input_files(str(junk))
    page.get_by_role("button", name="Import", exact=True).click()
    error = page.locator("[data-field='file'] .field-error")
    error.wait_for()
    assert error.inner_text().strip()
    assert not CheckIn.objects.filter(user=dana).exists()
    screen(page, "data-import-refused")
    watch.assert_clean()
