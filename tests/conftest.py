"""The cast: alice owns data, bob has his own, charlie is an outsider who only ever gets 404s."""

import os

import hypothesis
import pytest
from rest_framework.test import APIClient

from tests.db_faults import short_busy_timeout  # noqa: F401  (a fixture for every test module)
from tests.factories import make_user

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + sync Playwright in one thread

# In CI every property test replays the same examples, so a run is reproducible and a red build is a
# real regression; locally each run explores new examples.
hypothesis.settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis.settings.load_profile("ci")


@pytest.fixture
def alice(db):
    return make_user("alice", timezone="Europe/Berlin")


@pytest.fixture
def bob(db):
    return make_user("bob", timezone="America/New_York")


@pytest.fixture
def charlie(db):
    return make_user("charlie")


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def session_client_for(user) -> APIClient:
    """Signed in the way the app's browsers are, with a session cookie: query pins count its queries.

    (force_authenticate skips authentication altogether and hands the view a user whose profile is
    already loaded, so a pin taken with it is not the cost of any real request.)
    """
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def alice_session(alice) -> APIClient:
    return session_client_for(alice)


@pytest.fixture
def alice_client(alice) -> APIClient:
    return client_for(alice)


@pytest.fixture
def bob_client(bob) -> APIClient:
    return client_for(bob)


@pytest.fixture
def charlie_client(charlie) -> APIClient:
    return client_for(charlie)


@pytest.fixture
def anon_client() -> APIClient:
    return APIClient()


@pytest.fixture(autouse=True)
def _builtin_vocabulary(request):
    """Transactional tests flush every table afterwards, the seeded vocabulary included: re-seed it."""
    marker = request.node.get_closest_marker("django_db")
    if (marker and marker.kwargs.get("transaction")) or "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        from tracker.models import Emotion
        from tracker.vocabulary import load_builtin_vocabulary

        if not Emotion.objects.filter(owner=None).exists():
            load_builtin_vocabulary()


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
