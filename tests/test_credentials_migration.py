"""Upgrading: the single token of rest_framework.authtoken keeps working, stored as a digest from then on."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.db import connection
from rest_framework.test import APIClient

from tests.factories import make_user
from tracker.models import ApiToken

migration = importlib.import_module("tracker.migrations.0005_credentials")
OLD_KEY = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"
CREATED = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


@pytest.mark.django_db(transaction=True)  # the SQLite schema editor refuses to run inside a transaction
def test_old_tokens_become_digests_and_their_plain_copies_are_dropped():
    dana = make_user("dana")
    created_type = "timestamp with time zone" if connection.vendor == "postgresql" else "datetime"
    with connection.schema_editor() as editor:
        columns = f"key varchar(40) PRIMARY KEY, user_id bigint, created {created_type}"
        editor.execute(f"CREATE TABLE authtoken_token ({columns})")
        editor.execute(
            "INSERT INTO authtoken_token (key, user_id, created) VALUES (%s, %s, %s)",
            [OLD_KEY, dana.pk, connection.ops.adapt_datetimefield_value(CREATED)],
        )
        migration.tokens_hashed_and_old_sessions_gone(apps, editor)

    assert "authtoken_token" not in connection.introspection.table_names()
    token = ApiToken.objects.get(user=dana)
    assert (token.name, token.created_at) == ("from before tokens per client", CREATED)
    assert OLD_KEY not in token.digest
    assert APIClient(HTTP_AUTHORIZATION=f"Token {OLD_KEY}").get("/api/me").json()["username"] == "dana"
