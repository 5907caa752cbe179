"""Password attempts: counted before the password is checked, so the limit cannot be overshot; keyed by
account and client address, so an attacker's address is locked out and the owner elsewhere is not."""

import datetime as dt
import json
import os
import threading
import urllib.error
import urllib.request

import pytest
import time_machine
from django.core.servers.basehttp import ThreadedWSGIServer
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.test import override_settings
from django.test.testcases import QuietWSGIRequestHandler
from rest_framework.test import APIClient

from tests.factories import PASSWORD
from tracker import credentials
from tracker.models import AttemptCounter

ATTACKER, OWNER, OTHER = "203.0.113.66", "198.51.100.7", "192.0.2.20"
START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
CONCURRENT = 50


def attempt(username: str, password: str, address: str, path: str = "/api/auth/token", **headers) -> int:
    body = {"username": username, "password": password}
    return APIClient().post(path, body, format="json", REMOTE_ADDR=address, **headers).status_code


def redis_url() -> str:
    """The Redis of the test machine; outside CI the Redis case is skipped when it does not answer."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"Redis at {url} did not answer")
    return url


def cache_settings(kind: str, tmp_path) -> dict:
    if kind == "file":
        backend = {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        }
    else:
        backend = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url(),
            "KEY_PREFIX": f"attune-test-{os.getpid()}",  # never touches another run's keys
        }
    return {"default": backend}


class WideBacklogServer(ThreadedWSGIServer):
    request_queue_size = 2 * CONCURRENT  # the live server's 10 would reset most of 50 simultaneous connects


@pytest.fixture
def http_server(transactional_db):
    """A real threaded HTTP server running the app (Django's, with a backlog fit for 50 connects)."""
    server = WideBacklogServer(("127.0.0.1", 0), QuietWSGIRequestHandler, allow_reuse_address=False)
    server.set_app(get_wsgi_application())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("cache", ["file", "redis"])
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_wrong_passwords_get_exactly_the_limit_checked(http_server, alice, cache, tmp_path):
    """The production caches (a file cache per host, Redis for several) must make no difference: the
    counters are one atomic SQL statement each."""
    barrier = threading.Barrier(CONCURRENT)
    statuses: list[int | str] = [0] * CONCURRENT

    def wrong_password(i: int) -> None:
        body = json.dumps({"username": "alice", "password": f"wrong-{i}-wrong"}).encode()
        request = urllib.request.Request(
            http_server + "/api/auth/token", data=body, headers={"Content-Type": "application/json"}
        )
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                statuses[i] = response.status
        except urllib.error.HTTPError as error:
            statuses[i] = error.code
        except Exception as error:  # reported by the assertion below
            statuses[i] = repr(error)

    with override_settings(
        CACHES=cache_settings(cache, tmp_path), LOGIN_FAILURE_LIMIT=5, AUTH_ADDRESS_LIMIT=1000
    ):
        threads = [threading.Thread(target=wrong_password, args=(i,)) for i in range(CONCURRENT)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        right_password_now = attempt("alice", PASSWORD, "127.0.0.1")

    checked, throttled = statuses.count(400), statuses.count(429)
    assert (checked, throttled) == (5, CONCURRENT - 5), (connection.vendor, cache, statuses)
    assert right_password_now == 429  # the address stays locked out for the window


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_the_owner_signs_in_from_another_address_while_the_attackers_is_locked_out(alice):
    attacks = [attempt("alice", f"guess-{i}-guess", ATTACKER) for i in range(5)]

    assert attacks == [400, 400, 400, 429, 429]
    assert attempt("alice", PASSWORD, ATTACKER) == 429
    assert attempt("alice", PASSWORD, OWNER) == 200
    assert attempt("alice", PASSWORD, OWNER, path="/api/auth/login") == 200


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_SECONDS=300)
def test_a_locked_out_address_may_try_again_after_the_window(alice):
    with time_machine.travel(START, tick=False) as traveller:
        assert [attempt("alice", "guess-guess", ATTACKER) for _ in range(4)] == [400, 400, 400, 429]
        response = APIClient().post(
            "/api/auth/token",
            {"username": "alice", "password": PASSWORD},
            format="json",
            REMOTE_ADDR=ATTACKER,
        )
        assert 0 < int(response["Retry-After"]) <= 300
        traveller.shift(dt.timedelta(seconds=301))

        assert attempt("alice", PASSWORD, ATTACKER) == 200


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_ACCOUNT_FAILURE_LIMIT=5)
def test_the_account_ceiling_counts_failures_from_every_address(alice, bob):
    with time_machine.travel(START, tick=False) as traveller:
        first = [attempt("alice", "guess-guess", ATTACKER) for _ in range(3)]
        second = [attempt("alice", "guess-guess", OTHER) for _ in range(3)]
        owner = APIClient().post(
            "/api/auth/token", {"username": "alice", "password": PASSWORD}, format="json", REMOTE_ADDR=OWNER
        )

        assert first == [400, 400, 400]
        assert second == [400, 400, 429]  # 5 checked for the account in all
        assert owner.status_code == 429  # the ceiling holds for everyone: at most 5 checked an hour
        assert 0 < int(owner["Retry-After"]) <= 3600
        assert attempt("bob", PASSWORD, ATTACKER) == 200  # per account, not global
        traveller.shift(dt.timedelta(hours=1, seconds=1))

        assert attempt("alice", PASSWORD, OWNER) == 200


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_a_success_resets_the_address_and_is_not_counted_against_the_account(alice):
    # A person who mistypes twice before every sign-in is never locked out by their own sign-ins.
    rounds = [
        [attempt("alice", "typo-typo-typo", OWNER) for _ in range(2)] + [attempt("alice", PASSWORD, OWNER)]
    ]
    rounds += [
        [attempt("alice", "typo-typo-typo", OWNER) for _ in range(2)] + [attempt("alice", PASSWORD, OWNER)]
    ]

    assert rounds == [[400, 400, 200], [400, 400, 200]]
    account = AttemptCounter.objects.get(key=credentials._counter_key("account", "alice"))
    assert account.count == 4  # the typos only


@override_settings(LOGIN_FAILURE_LIMIT=5)
def test_usernames_are_counted_regardless_of_case(alice):
    statuses = [
        attempt(name, "guess-guess", ATTACKER) for name in ("alice", "Alice", "ALICE", "alice ", "aLiCe")
    ]

    assert statuses == [400] * 5
    assert attempt("alice", PASSWORD, ATTACKER) == 429


@override_settings(AUTH_ADDRESS_LIMIT=4)
def test_register_and_token_requests_share_a_budget_per_address(alice):
    client = APIClient()
    spent = [
        attempt("alice", PASSWORD, ATTACKER),
        client.post(
            "/api/auth/register",
            {"username": "erin", "password": PASSWORD},
            format="json",
            REMOTE_ADDR=ATTACKER,
        ).status_code,
        attempt("nobody", PASSWORD, ATTACKER),
        attempt("alice", PASSWORD, ATTACKER, path="/api/auth/login"),
    ]
    over = [
        attempt("alice", PASSWORD, ATTACKER),
        client.post(
            "/api/auth/register",
            {"username": "fay", "password": PASSWORD},
            format="json",
            REMOTE_ADDR=ATTACKER,
        ),
    ]

    assert spent == [200, 201, 400, 200]
    assert over[0] == 429
    assert over[1].status_code == 429
    assert int(over[1]["Retry-After"]) <= 3600
    assert attempt("alice", PASSWORD, OWNER) == 200


@override_settings(LOGIN_FAILURE_LIMIT=2)
def test_a_forwarded_for_header_is_ignored_without_trusted_proxies(alice):
    statuses = [
        attempt("alice", "guess-guess", ATTACKER, HTTP_X_FORWARDED_FOR=f"10.0.0.{i}") for i in range(4)
    ]

    assert statuses == [400, 400, 429, 429]


@override_settings(LOGIN_FAILURE_LIMIT=2, TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_the_address_it_saw_is_counted(alice):
    proxy = "10.0.0.1"
    # The client may write anything left of what the proxy appended; only the proxy's entry counts.
    spoofed = [
        attempt("alice", "guess-guess", proxy, HTTP_X_FORWARDED_FOR=f"10.9.9.{i}, {ATTACKER}")
        for i in range(3)
    ]

    assert spoofed == [400, 400, 429]
    assert attempt("alice", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=OWNER) == 200


@pytest.mark.parametrize(
    ("address", "unit"),
    [
        ("203.0.113.66", "203.0.113.66"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.66", "203.0.113.66"),
        ("not an address", "not an address"),
    ],
)
def test_an_ipv6_host_is_counted_by_its_64_prefix(address, unit):
    assert credentials._network(address) == unit
