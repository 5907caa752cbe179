"""DATA_DIR and the private files in it, created once by the entry points before settings are read.

Settings only read (tracker.settings); creating the directory, the cache and static folders, the SQLite
file and the secret-key file happens here, called by manage.py, `python -m tracker.serve`, tracker.wsgi
and tracker.asgi. Each step is safe when several processes run it at once on first start: directories
are created with `exist_ok`, the key file is written under a temporary name and linked into place, so a
reader never sees a half-written key and the first writer's key wins.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY_FILE_NAME = "secret_key"  # noqa: S105 (a file name, not a key)
SQLITE_FILE_NAME = "attune.sqlite3"


def data_dir() -> Path:
    """DATA_DIR from the environment, else ./var of the checkout (a pure read: nothing is created)."""
    return Path(os.environ.get("DATA_DIR") or BASE_DIR / "var").resolve()


def testing() -> bool:
    """True under pytest or with ATTUNE_TESTING set to true or 1."""
    return "PYTEST_VERSION" in os.environ or os.environ.get("ATTUNE_TESTING", "").lower() in ("1", "true")


def private_dir(path: Path) -> Path:
    """`path`, created readable by its owner only (0700) when it does not exist yet."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def private_sqlite_file(path: Path) -> None:
    """Create the SQLite database file with mode 0600 (and tighten it if it exists): SQLite would create
    it 0644 under the usual umask, readable by every user of the host, and gives its -wal and -shm files
    the database file's mode."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))  # an empty file is a new SQLite database
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
        if (path.parent / name).exists():
            os.chmod(path.parent / name, 0o600)


def write_secret_key_once(path: Path) -> None:
    """Write a new random key to `path` unless a key is there; concurrent callers agree on one key."""
    if path.exists():
        return
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
        # link() fails if the name exists: the first process to get there wins, the others keep its key.
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink(missing_ok=True)


def sqlite_path() -> Path | None:
    """The SQLite database file the settings will use, or None for another engine or an in-memory one."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return data_dir() / SQLITE_FILE_NAME
    database = dj_database_url.parse(url)
    if database["ENGINE"] == "django.db.backends.sqlite3" and str(database["NAME"]) not in ("", ":memory:"):
        return Path(database["NAME"])
    return None


def prepare() -> None:
    """Create DATA_DIR (0700), its cache and static folders, the secret key and the SQLite file (0600)."""
    data = private_dir(data_dir())
    private_dir(data / "cache")  # rendered charts describe feelings
    (data / "static").mkdir(exist_ok=True)  # whitenoise warns about a missing static root
    if not os.environ.get("SECRET_KEY"):
        write_secret_key_once(data / SECRET_KEY_FILE_NAME)
    # Tests use their own database file (settings' TEST NAME); the install's stays untouched.
    if not testing() and (database := sqlite_path()) is not None:
        private_sqlite_file(database)
