"""A new version waits, is offered outside a check-in, and after one reload every shell file is new."""

import shutil
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.e2e.conftest import service_worker_ready, sign_in, wait_js

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHELL = Path(__file__).resolve().parents[2] / "frontend" / "static" / "frontend"

CACHED_SHELL = """async () => {
    const out = {};
    for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) {
            const response = await cache.match(request);
            const type = response.headers.get('content-type') || '';
            out[name + ' ' + new URL(request.url).pathname] = type.startsWith('image/') ? null : await response.text();
        }
    }
    return out;
}"""


@pytest.fixture
def changed_stylesheet(settings, tmp_path):
    """Ship a new version: the server's copy of the shell (found first, through STATICFILES_DIRS) gets a
    changed stylesheet. The repository's files are never touched."""
    shutil.copytree(SHELL, tmp_path / "frontend")
    settings.STATICFILES_DIRS = [str(tmp_path)]
    stylesheet = tmp_path / "frontend" / "app.css"
    probe = f"/* new version {uuid.uuid4()} */"
    return lambda: stylesheet.write_bytes(stylesheet.read_bytes() + probe.encode())


def version_of(page) -> str:
    return page.locator("meta[name='attune-version']").get_attribute("content")


def test_a_new_version_waits_outside_a_check_in_and_then_every_shell_file_is_new(
    app, dana, live_server, changed_stylesheet
):
    _context, page, watch = app
    sign_in(page, "dana")
    service_worker_ready(page)
    old = version_of(page)
    assert list(page.evaluate(CACHED_SHELL))
    assert all(k.startswith(f"attune-shell-{old} ") for k in page.evaluate(CACHED_SHELL))

    page.evaluate("location.hash = '#checkin'")
    page.get_by_role("heading", level=1, name="Where are you right now?").wait_for()
    changed_stylesheet()
    page.evaluate("async () => (await navigator.serviceWorker.getRegistration()).update()")
    wait_js(page, "async () => Boolean((await navigator.serviceWorker.getRegistration()).waiting)")
    page.wait_for_timeout(300)
    assert page.locator("#update-ready").count() == 0  # never in the middle of a check-in

    page.get_by_role("link", name="Today").click()
    offer = page.locator("#update-ready")
    offer.wait_for()
    assert "A new version of Attune is ready" in offer.inner_text()
    with page.expect_navigation():
        offer.get_by_role("button", name="Reload").click()
    page.get_by_role("heading", level=1, name="Today").wait_for()

    new = version_of(page)
    assert new != old
    cached = page.evaluate(CACHED_SHELL)
    assert cached
    assert all(key.startswith(f"attune-shell-{new} ") for key in cached)
    for key, text in cached.items():
        path = key.split(" ", 1)[1]
        assert not path.startswith("/api/")
        if text is not None:
            with urllib.request.urlopen(live_server.url + path) as response:
                assert text == response.read().decode(), f"{path} is not from the new version"
    assert "new version" in cached[f"attune-shell-{new} /static/frontend/app.css"]
    assert page.evaluate("fetch('/static/frontend/app.css').then((r) => r.text())").endswith("*/")
    watch.assert_clean()
