"""`manage.py check --deploy` with the settings of a production install finds nothing to warn about."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def deploy_check(tmp_path, **overrides: str) -> subprocess.CompletedProcess:
    test_only = (
        "PYTEST_VERSION",
        "ATTUNE_TESTING",
        "DJANGO_SETTINGS_MODULE",
        "DEBUG",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    )
    env = {key: value for key, value in os.environ.items() if key not in test_only}
    env.update(
        DJANGO_SETTINGS_MODULE="tracker.settings",
        HTTPS="1",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="attune.example.org",
        DATA_DIR=str(tmp_path),
        **overrides,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_check_of_production_settings_is_clean(tmp_path):
    result = deploy_check(tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_turning_hsts_preload_off_is_reported(tmp_path):
    result = deploy_check(tmp_path, HSTS_PRELOAD="0", HSTS_INCLUDE_SUBDOMAINS="0")

    assert result.returncode != 0
    assert "security.W005" in result.stderr
    assert "security.W021" in result.stderr
