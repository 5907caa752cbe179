"""Browser tests: Debian's Chromium driven by Playwright against Django's live server, phone-sized.

Every page is watched for console errors, CSP violations and requests to any host but the app's own;
`screen()` runs axe-core in light and dark and keeps screenshots in var/screenshots (git-ignored).
"""

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model

from tests.factories import PASSWORD, make_user

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE = {
    "viewport": {"width": 360, "height": 800},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "en-GB",
    "timezone_id": "Europe/Berlin",
}
CHROME_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

# Records CSP violations from the very first script, before the app runs.
WATCH_SCRIPT = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


def axe_script() -> str:
    import axe_playwright_python

    return str(Path(axe_playwright_python.__file__).parent / "axe.min.js")


pytestmark = pytest.mark.e2e


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: `make test` installs it with apt.")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROME_ARGS}


class Watcher:
    """Console errors, page errors and requests to other hosts, collected for one page."""

    def __init__(self, page, base_url: str) -> None:
        self.page = page
        self.host = urlsplit(base_url).netloc
        self.console_errors: list[str] = []
        self.foreign_requests: list[str] = []
        self.allowed_console: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.console_errors.append(f"pageerror: {exc}"))
        page.on("request", self._request)

    def _console(self, message) -> None:
        if message.type == "error":
            text = message.text
            if not any(allowed in text for allowed in self.allowed_console):
                self.console_errors.append(text)

    def _request(self, request) -> None:
        url = urlsplit(request.url)
        if url.scheme in ("data", "blob", "about", "chrome-extension"):
            return
        if url.netloc != self.host:
            self.foreign_requests.append(request.url)

    def allow_console(self, text: str) -> None:
        """Expected errors: a browser logs failed requests (an offline fetch, a 400 the app handles)."""
        self.allowed_console.append(text)

    def assert_clean(self) -> None:
        violations = self.page.evaluate("window.__cspViolations || []")
        assert violations == [], f"CSP violations: {violations}"
        assert self.console_errors == [], f"console errors: {self.console_errors}"
        assert self.foreign_requests == [], f"requests to other hosts: {self.foreign_requests}"


def run_axe(page) -> list[dict]:
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": [(n["target"], n.get("failureSummary", "")[:300]) for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def screen(page, name: str) -> None:
    """axe in light and dark (no serious or critical violation) and a screenshot of each."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{name} is wider than the phone: {width}"
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.wait_for_timeout(250)  # let colour transitions finish before axe measures contrast
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{scheme}.png"), full_page=True)
        violations = run_axe(page)
        assert violations == [], f"axe on {name} ({scheme}): {json.dumps(violations, indent=1)}"
    page.emulate_media(color_scheme="light")


@pytest.fixture
def app(live_server, browser):
    """A fresh phone-sized browser context on the live server: (context, page, watcher)."""
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.add_init_script(path=axe_script())
    context.add_init_script(WATCH_SCRIPT)
    page = context.new_page()
    page.set_default_timeout(20_000)  # generous: a loaded 2-core machine, not a speed test
    watcher = Watcher(page, live_server.url)
    yield context, page, watcher
    context.close()


def sign_in(page, username: str, hash_: str = "#today") -> None:
    """Sign in through the form, then open `hash_`."""
    open_app(page, "#signin")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", level=1, name="Today").wait_for()
    if hash_ != "#today":
        page.evaluate("(h) => { location.hash = h; }", hash_)
        page.locator("main h1").first.wait_for()


@pytest.fixture
def dana(transactional_db):
    return make_user("dana", timezone="Europe/Berlin")


def wait_for_screen(page, heading: str) -> None:
    page.get_by_role("heading", level=1, name=heading).wait_for()


def open_app(page, hash_: str = "") -> None:
    page.goto("/" + hash_)
    page.locator("main h1").first.wait_for()


def service_worker_ready(page) -> None:
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15_000)


def users():
    return get_user_model().objects


def outbox(page) -> list[dict]:
    """The outbox entries in the page's IndexedDB."""
    return page.evaluate("async () => (await import('/static/frontend/js/db.js')).outboxStore.all()")


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.1):
    """Poll a Python predicate (for database state the browser changes)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def wait_js(page, async_function: str, arg=None, timeout: float = 10.0):
    """Poll an async page function until it returns something truthy (wait_for_function would take
    the promise itself as truthy)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(async_function, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {async_function}")
        page.wait_for_timeout(100)


OUTBOX_EMPTY = (
    "async () => (await (await import('/static/frontend/js/db.js')).outboxStore.all()).length === 0"
)


def ready_for_offline(page) -> None:
    """The worker controls the page (shell precached) and the vocabulary is on the device."""
    service_worker_ready(page)
    wait_js(
        page, "async () => Boolean(await (await import('/static/frontend/js/db.js')).kv.get('vocabulary'))"
    )


def quick_checkin(page, word: str) -> None:
    """The shortest check-in: find the word, Save."""
    page.get_by_role("link", name="Check in").first.click()
    page.get_by_role("heading", level=1, name="Where are you right now?").wait_for()
    page.get_by_label("Find a word").fill(word)
    page.get_by_role("button", name=word, exact=True).click()
    page.get_by_role("heading", level=1, name="The word").wait_for()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", level=1, name="Today").wait_for()
