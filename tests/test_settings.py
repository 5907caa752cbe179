"""Settings are a pure read of the environment; DATA_DIR is created once, by the entry points, race-free."""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tracker import datadir

BASE_DIR = Path(__file__).resolve().parent.parent


def python(code: str, *, data_dir: Path, **env: str) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter configured as an install (not a test process) would be."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTEST_VERSION", "DATABASE_URL", "ATTUNE_TESTING", "SECRET_KEY")
    }
    environment.update(DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="tracker.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


READ_SETTINGS = "from django.conf import settings; print(settings.DEBUG, settings.LOGGING['root']['level'])"


def test_reading_the_settings_creates_nothing_and_asks_for_an_entry_point_without_a_key(tmp_path):
    done = python(READ_SETTINGS, data_dir=tmp_path / "data")

    assert done.returncode != 0
    assert "No SECRET_KEY" in done.stderr
    assert not (tmp_path / "data").exists()


def test_booleans_are_true_false_or_1_0_and_the_log_level_is_checked(tmp_path):
    key = "k" * 40

    good = python(READ_SETTINGS, data_dir=tmp_path, SECRET_KEY=key, DEBUG="True", LOG_LEVEL="warning")
    yes = python(READ_SETTINGS, data_dir=tmp_path, SECRET_KEY=key, DEBUG="yes")
    level = python(READ_SETTINGS, data_dir=tmp_path, SECRET_KEY=key, LOG_LEVEL="LOUD")

    assert good.returncode == 0, good.stderr
    assert good.stdout.split() == ["True", "WARNING"]
    assert yes.returncode != 0
    assert "DEBUG must be true or false" in yes.stderr
    assert level.returncode != 0
    assert "LOG_LEVEL must be one of" in level.stderr


def test_workers_preparing_the_data_dir_together_agree_on_one_secret_key(tmp_path, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("SECRET_KEY", raising=False)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: datadir.prepare(), range(16)))

    key_file = tmp_path / "data" / datadir.SECRET_KEY_FILE_NAME
    assert len(key_file.read_text()) >= 32
    assert sorted(path.name for path in (tmp_path / "data").iterdir()) == ["cache", "secret_key", "static"]
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
