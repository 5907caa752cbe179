"""A database that makes writers wait: a real lock held by another connection, and a short busy timeout."""

import contextlib
import sqlite3
from collections.abc import Iterator

import pytest
from django.db import connection

BUSY_TIMEOUT_SECONDS = 0.3


BUSY_TIMEOUT_SECONDS = 0.3


@contextlib.contextmanager
def database_locked() -> Iterator[None]:
    """Another connection holds the lock every check-in write needs, until the block ends."""
    if connection.vendor == "sqlite":
        other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
    else:
        import psycopg

        other = psycopg.connect(**connection.get_connection_params())
        other.execute("LOCK TABLE tracker_checkin IN EXCLUSIVE MODE")  # in a transaction until rollback
        try:
            yield
        finally:
            other.rollback()
            other.close()


@pytest.fixture
def short_busy_timeout() -> Iterator[None]:
    """Connections opened from now on (each live-server request opens one, and this thread reconnects)
    give up waiting for a lock after 0.3 s instead of 20 s."""
    options = connection.settings_dict["OPTIONS"]
    saved = dict(options)
    if connection.vendor == "sqlite":
        options["timeout"] = BUSY_TIMEOUT_SECONDS
    else:
        options["options"] = f"-c lock_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}"
    connection.close()
    yield
    options.clear()
    options.update(saved)
    connection.close()
