"""What the app creates on disk is private, and a configuration that would open it up refuses to start.

Each case runs manage.py in a fresh process, as an install would: settings are read once per process.
"""

import os
import stat
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def manage(*args: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTEST_VERSION", "DATABASE_URL", "ATTUNE_TESTING", "PUSH_SERVICE_HOSTS")
    }
    environment.update(DATA_DIR=str(data_dir), **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        umask=0o022,  # the usual umask, under which files are created readable by every user of the host
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# Lists the modes while the database is open in WAL mode (its -wal and -shm files exist only then).
MODES_WHILE_OPEN = """
import os, stat
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
call_command("migrate", verbosity=0)
cache.set("probe", b"bytes")
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    cursor.execute("UPDATE django_migrations SET app = app WHERE id = 1")
data = settings.DATA_DIR
for path in [data, data / "attune.sqlite3", data / "attune.sqlite3-wal", data / "attune.sqlite3-shm",
             data / "cache", *sorted((data / "cache").iterdir())]:
    print(path.name, oct(stat.S_IMODE(os.stat(path).st_mode)))
"""


def test_the_database_its_wal_and_shm_the_cache_and_data_dir_are_readable_by_the_owner_only(tmp_path):
    data_dir = tmp_path / "data"

    done = manage("shell", "-c", MODES_WHILE_OPEN, data_dir=data_dir)

    assert done.returncode == 0, done.stderr
    modes = dict(line.split() for line in done.stdout.splitlines() if " 0o" in line)
    assert modes["data"] == "0o700"
    assert modes["attune.sqlite3"] == modes["attune.sqlite3-wal"] == modes["attune.sqlite3-shm"] == "0o600"
    assert modes["cache"] == "0o700"
    assert all(value in ("0o600", "0o700") for value in modes.values()), modes


def test_an_existing_world_readable_database_is_made_private_at_start(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    database = data_dir / "attune.sqlite3"
    database.touch(mode=0o644)
    os.chmod(database, 0o644)

    done = manage("check", data_dir=data_dir)

    assert done.returncode == 0, done.stderr
    assert mode(database) == 0o600


def test_an_empty_push_service_host_list_refuses_to_start(tmp_path):
    done = manage("check", data_dir=tmp_path / "data", PUSH_SERVICE_HOSTS="")
    spaces = manage("check", data_dir=tmp_path / "data", PUSH_SERVICE_HOSTS=" , ")
    star = manage("check", data_dir=tmp_path / "data", PUSH_SERVICE_HOSTS="*")

    assert done.returncode != 0
    assert spaces.returncode != 0
    assert "PUSH_SERVICE_HOSTS is empty" in done.stderr
    assert star.returncode == 0, star.stderr
