"""`make bench-instructions` counts what its requests cost only if they are the real ones: signed in as
the app's clients are, answered 2xx. Its requests are checked here without valgrind, in-process."""

import json

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from bench.instructions import Caller, _checkin_body, _environ, _signed_in
from tests.factories import PASSWORD


@pytest.fixture
def call():
    # As Django's test client does: the handler would otherwise close the test's database connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield Caller(WSGIHandler())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("kind", ["token", "session"])
def test_its_sign_in_authenticates_and_its_checkins_are_created(alice, call, kind):
    headers = _signed_in(call, kind, "alice", PASSWORD)

    status, _, body = call(_environ("GET", "/api/me", "", headers))
    assert status == 200
    assert json.loads(body)["username"] == "alice"
    status, _, body = call(_environ("POST", "/api/checkins/", "", headers, _checkin_body(3)))
    assert status == 201, body
    assert alice.checkins.count() == 1


def test_without_its_headers_the_same_request_is_refused(alice, call):
    status, _, _ = call(_environ("POST", "/api/checkins/", "", {}, _checkin_body(3)))
    assert status == 401
    session = _signed_in(call, "session", "alice", PASSWORD)
    without_csrf = {"HTTP_COOKIE": session["HTTP_COOKIE"]}
    status, _, _ = call(_environ("POST", "/api/checkins/", "", without_csrf, _checkin_body(3)))
    assert status == 403
    assert alice.checkins.count() == 0
