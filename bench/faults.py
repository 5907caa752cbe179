"""`python -m bench.faults`: the costs that decide whether one person's heavy request hurts everyone else.

1. Import vs other writers: one person imports a ~10 MB Attune CSV (BENCH_IMPORT_ROWS, default 62,000)
   while another person saves check-ins one after another; reports the import's time and the longest any
   of those saves waited for SQLite's write lock (the import used to hold it for the whole file).
2. Report notes: the therapist PDF with NOTES (default 1,000) notes of 5,000 characters, against the same
   report without notes (ratio: what the notes pages add).
3. Dispatcher vs a hanging push service: BENCH_HANGING (default 20) of BENCH_DUE (default 200) due
   reminders go to a push service that never answers; reports the batch time against the push timeout
   (it must stay well inside the hour after which a due reminder counts as missed).

BENCH_FAULTS picks parts (default "import,report,dispatch"). Everything runs in-process on a temporary
DATA_DIR (SQLite), removed afterwards (BENCH_KEEP=1 keeps it).
Absolute figures drift on a shared machine; the ratios and the "longest wait" are what to compare.
"""

import csv
import datetime as dt
import io
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid

from bench.reminders import setup_django


def attune_csv(rows: int) -> bytes:
    """An Attune CSV export of `rows` check-ins, about 165 bytes each (the columns before issue 14, which
    still import: the practices' columns would only be empty)."""
    from tracker.exports import CSV_COLUMNS_V1

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS_V1)
    start = dt.datetime(2015, 1, 1, tzinfo=dt.UTC)
    for n in range(rows):
        at = start + dt.timedelta(minutes=37 * n)
        writer.writerow(
            [uuid.uuid4(), at.isoformat(), "", at.date().isoformat(), "calm", n % 11, "rest", "", "",
             "An ordinary day, a little tired after work; dinner with a friend helped." * 1, "home | work",
             "import", "", ""]
        )  # fmt: skip
    return out.getvalue().encode()


def import_beside_writers(rows: int) -> dict[str, float]:
    from django.db import connections

    from tests.factories import make_user
    from tracker import imports, services

    importer, writer = make_user("importer"), make_user("writer")
    data = attune_csv(rows)
    waits: list[float] = []
    failures = 0
    done = threading.Event()

    def save_checkins() -> None:
        nonlocal failures
        try:
            while not done.is_set():
                started = time.perf_counter()
                try:
                    services.checkin_create(user=writer, data={"emotion": "calm", "intensity": 3})
                except Exception:  # "database is locked" after the busy timeout
                    failures += 1
                waits.append(time.perf_counter() - started)
                time.sleep(0.01)
        finally:
            connections.close_all()

    thread = threading.Thread(target=save_checkins)
    thread.start()
    started = time.perf_counter()
    try:
        result = imports.import_file(user=importer, data=data)
    finally:
        seconds = time.perf_counter() - started
        done.set()
        thread.join()
    return {
        "rows": result.imported,
        "megabytes": len(data) / 1e6,
        "import_s": seconds,
        "saves": len(waits),
        "failed_saves": failures,
        "longest_save_wait_s": max(waits, default=0.0),
    }


def report_with_long_notes(notes: int) -> dict[str, float]:
    from django.utils import timezone

    from tests.factories import make_user
    from tracker import report
    from tracker.models import CheckIn, Emotion

    user = make_user("reporter")
    profile = user.profile
    calm = Emotion.objects.get(slug="calm", owner=None)
    now = timezone.now()
    words = ("Long day; I kept thinking about what she said at lunch and whether I should have "
             "answered differently. ")  # fmt: skip
    note = (words * (5000 // len(words) + 1))[:5000]
    CheckIn.objects.bulk_create(
        [
            CheckIn(user=user, occurred_at=now - dt.timedelta(minutes=40 * n), local_date=(now - dt.timedelta(
                minutes=40 * n)).date(), emotion=calm, intensity=4, note=note)
            for n in range(notes)
        ]
    )  # fmt: skip
    date_from, date_to = report.resolve_report_range(profile=profile, date_from=None, date_to=None)
    date_from = date_to - dt.timedelta(days=60)
    timings = {}
    for include_notes in (False, True):
        data = report.report_data(
            user=user, profile=profile, date_from=date_from, date_to=date_to, include_notes=include_notes
        )
        report.render_report(data, include_notes=include_notes, today=date_to)  # warm matplotlib and fonts
        started = time.perf_counter()
        pdf = report.render_report(data, include_notes=include_notes, today=date_to)
        timings["with_notes_s" if include_notes else "without_notes_s"] = time.perf_counter() - started
        timings["with_notes_mb" if include_notes else "without_notes_mb"] = len(pdf) / 1e6
    timings["notes"] = notes
    timings["ratio"] = timings["with_notes_s"] / timings["without_notes_s"]
    return timings


HANGING_SERVICE = r"""
import socket, sys, time
server = socket.socket(); server.bind(("127.0.0.1", 0)); server.listen(512)
print(server.getsockname()[1], flush=True)
held = []
while True:
    connection, _ = server.accept()
    held.append(connection)  # accept, read nothing, never answer
"""


def dispatcher_beside_a_hanging_push_service(due: int, hanging: int) -> dict[str, float]:
    from django.contrib.auth import get_user_model

    from bench.reminders import PushServiceProcess
    from tests.reminder_kit import Browser
    from tracker import dispatcher, push
    from tracker.models import WEEKDAYS, Profile, PushSubscription, Reminder

    hang = subprocess.Popen([sys.executable, "-c", HANGING_SERVICE], stdout=subprocess.PIPE, text=True)  # noqa: S603
    hang_port = int(hang.stdout.readline())
    ok = PushServiceProcess().__enter__()
    ok_port = ok.port
    try:
        users = get_user_model().objects.bulk_create(
            [get_user_model()(username=f"due-{n}", password="!") for n in range(due)]  # noqa: S106
        )
        Profile.objects.bulk_create([Profile(user=user) for user in users])
        browser = Browser()
        PushSubscription.objects.bulk_create(
            [
                PushSubscription(
                    user=user,
                    endpoint=f"http://127.0.0.1:{hang_port if n < hanging else ok_port}/p{n}",
                    p256dh=browser.p256dh,
                    auth=browser.auth,
                )
                for n, user in enumerate(users)
            ]
        )
        now = dt.datetime.now(dt.UTC)
        Reminder.objects.bulk_create(
            [Reminder(user=user, time=dt.time(8), days=WEEKDAYS, next_fire_at=now) for user in users]
        )
        push.vapid_ensure_keys()
        started = time.perf_counter()
        stats = dispatcher.dispatch_due(now=now + dt.timedelta(seconds=1), limit=due)
        seconds = time.perf_counter() - started
        received = ok.received()
    finally:
        hang.kill()
        ok.__exit__(None, None, None)
    return {
        "due": due,
        "hanging": hanging,
        "batch_s": seconds,
        "push_timeout_s": push.PUSH_TIMEOUT_SECONDS,
        "sent": stats.outcomes.get("sent", 0),
        "received": received,
        "retry": stats.outcomes.get("retry", 0),
    }


def main() -> int:
    work_dir = tempfile.mkdtemp(prefix="attune-bench-faults-")
    try:
        setup_django(work_dir)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        parts = os.environ.get("BENCH_FAULTS", "import,report,dispatch").split(",")
        if "import" in parts:
            figures = import_beside_writers(int(os.environ.get("BENCH_IMPORT_ROWS", "62000")))
            print(
                f"import of {figures['rows']:,} rows ({figures['megabytes']:.1f} MB) "
                f"took {figures['import_s']:.1f} s; "
                f"another person's {figures['saves']} saves meanwhile: longest wait "
                f"{figures['longest_save_wait_s'] * 1000:.0f} ms, {figures['failed_saves']} failed"
            )
        if "report" in parts:
            figures = report_with_long_notes(int(os.environ.get("BENCH_NOTES", "1000")))
            print(
                f"report with {figures['notes']} notes of 5,000 characters: {figures['with_notes_s']:.1f} s "
                f"({figures['with_notes_mb']:.1f} MB), without notes {figures['without_notes_s']:.2f} s: "
                f"ratio {figures['ratio']:.1f}"
            )
        if "dispatch" in parts:
            figures = dispatcher_beside_a_hanging_push_service(
                int(os.environ.get("BENCH_DUE", "200")), int(os.environ.get("BENCH_HANGING", "20"))
            )
            print(
                f"dispatcher batch of {figures['due']} due reminders, {figures['hanging']} to a push service "
                f"that never answers: {figures['batch_s']:.1f} s "
                f"(push timeout {figures['push_timeout_s']} s); "
                f"sent {figures['sent']}, to retry {figures['retry']}"
            )
    finally:
        if os.environ.get("BENCH_KEEP"):
            print(f"kept {work_dir}")
        else:
            shutil.rmtree(work_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
