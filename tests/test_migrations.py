"""An empty database migrates from zero to the current models, vocabulary seeded, on the suite's engine.

Runs manage.py in a fresh process against a database of its own (a new SQLite file, or a new PostgreSQL
database on the suite's server when the suite runs on PostgreSQL), as a first install would.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tracker.vocabulary import read

BASE_DIR = Path(__file__).resolve().parent.parent

# Migrates twice (the second run must change nothing), then prints the built-in vocabulary's size and
# checks that the migrations describe the models exactly.
MIGRATE_FROM_ZERO = """
from django.core.management import call_command
from django.db import connection
from tracker.models import BodyArea, Emotion, Help, Need, Sensation
assert connection.introspection.table_names() == [], connection.introspection.table_names()
call_command("migrate", verbosity=0)
first = [model.objects.count() for model in (Emotion, Need, Sensation, BodyArea, Help)]
call_command("migrate", verbosity=0)
print(*first, *(model.objects.count() for model in (Emotion, Need, Sensation, BodyArea, Help)))
call_command("makemigrations", check=True, dry_run=True, verbosity=0)
"""


@pytest.fixture
def empty_database_url(tmp_path):
    """The URL of a database that holds no table yet, on the engine the suite runs on."""
    database = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    import psycopg

    name = f"attune_fresh_{uuid.uuid4().hex[:12]}"
    server = {
        "host": database["HOST"] or None,
        "port": database["PORT"] or None,
        "user": database["USER"] or None,
        "password": database["PASSWORD"] or None,
        # Any database of the server to issue CREATE DATABASE from: the one the suite was given.
        "dbname": database["NAME"],
    }
    with psycopg.connect(**server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    yield f"postgres://{database['USER']}{password}@{database['HOST']}:{database['PORT'] or 5432}/{name}"
    with psycopg.connect(**server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_an_empty_database_migrates_from_zero_with_the_whole_vocabulary(empty_database_url, tmp_path):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTEST_VERSION", "ATTUNE_TESTING", "DJANGO_SETTINGS_MODULE")
    }
    environment.update(DATABASE_URL=empty_database_url, DATA_DIR=str(tmp_path / "data"))

    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", MIGRATE_FROM_ZERO],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert done.returncode == 0, done.stderr
    sizes = [len(read(kind)) for kind in ("emotions", "needs", "sensations", "body_areas", "helps")]
    assert [int(count) for count in done.stdout.split()] == sizes + sizes
