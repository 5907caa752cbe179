"""The installable shell: manifest, worker headers, installability, strict CSP and the first-load budget."""

import gzip
import json
import re
import tempfile
from pathlib import Path

import brotli
import pytest

from tests.e2e.conftest import CHROME_ARGS, CHROMIUM, PHONE, Watcher, open_app, service_worker_ready, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FIRST_LOAD_BUDGET = 60 * 1024  # compressed HTML + JS + CSS of the first load
REPORT = Path(__file__).resolve().parents[2] / "var" / "first-load.json"


def test_the_browser_reports_the_app_installable(playwright, live_server, transactional_db):
    with tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROME_ARGS, base_url=live_server.url, **PHONE
        )
        try:
            page = context.new_page()
            watch = Watcher(page, live_server.url)
            open_app(page)
            service_worker_ready(page)
            cdp = context.new_cdp_session(page)
            errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
            assert errors == []
            manifest = cdp.send("Page.getAppManifest")
            assert manifest["errors"] == []
            watch.assert_clean()
        finally:
            context.close()


def test_the_first_load_fits_the_budget_compressed(app, transactional_db):
    _context, page, watch = app
    sizes: dict[str, dict[str, int]] = {}

    def record(response):
        kind = response.headers.get("content-type", "")
        if any(t in kind for t in ("text/html", "javascript", "text/css")):
            body = response.body()
            sizes[response.url.split("//", 1)[1].split("/", 1)[1] or "/"] = {
                "raw": len(body),
                "gzip": len(gzip.compress(body, 9)),
                "brotli": len(brotli.compress(body)),
            }

    page.on("response", record)
    open_app(page)
    page.wait_for_load_state("networkidle")
    page.get_by_role("heading", level=1, name="Welcome back").wait_for()
    shell_files = {k: v for k, v in sizes.items() if k != "sw.js" and not k.startswith("api/")}
    total = sum(v["gzip"] for v in shell_files.values())
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(
        json.dumps(
            {
                "total_gzip": total,
                "total_brotli": sum(v["brotli"] for v in shell_files.values()),
                "files": shell_files,
            },
            indent=1,
        )
    )
    assert "/" in shell_files
    assert any(k.endswith("main.js") for k in shell_files)
    assert total <= FIRST_LOAD_BUDGET, f"first load {total} B gzip > {FIRST_LOAD_BUDGET} B"
    watch.assert_clean()


def test_the_html_has_no_inline_script_or_style_and_the_worker_is_always_revalidated(client):
    html = client.get("/")
    assert html["Cache-Control"] == "no-cache"
    csp = html["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    text = html.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", text)
    assert " style=" not in text
    assert "<style" not in text

    worker = client.get("/sw.js")
    assert worker.status_code == 200
    assert worker["Cache-Control"] == "no-cache"
    assert worker["Content-Type"].startswith("text/javascript")
    body = worker.content.decode()
    version = re.search(r'const VERSION = "([0-9a-f]{16})"', body).group(1)
    assert f'content="{version}"' in text  # the HTML and the worker name the same version
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", body, re.S).group(1))
    assert "/" in shell
    assert "/static/frontend/app.css" in shell
    assert "/static/frontend/js/main.js" in shell
    assert not [url for url in shell if url.startswith("/api/")]


def test_the_manifest_names_the_app_its_icons_and_the_check_in_shortcut(client):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert (manifest["name"], manifest["short_name"], manifest["display"]) == (
        "Attune",
        "Attune",
        "standalone",
    )
    assert manifest["start_url"] == "/"
    assert manifest["scope"] == "/"
    assert manifest["theme_color"]
    assert manifest["background_color"]
    assert {(i["sizes"], i["purpose"]) for i in manifest["icons"]} == {
        ("192x192", "any"),
        ("512x512", "any"),
        ("512x512", "maskable"),
    }
    assert manifest["shortcuts"][0]["url"] == "/#checkin"
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200
    assert client.get("/static/frontend/icons/apple-touch-icon.png").status_code == 200


def test_a_screen_still_loading_when_a_newer_one_starts_never_draws_beside_it(app, dana):
    """Two renders overlapping (the page's and the worker's refused sends both open sign-in; a fast
    double tap): only the newest screen is on the page."""
    _context, page, watch = app
    sign_in(page, "dana")
    headings = page.evaluate(
        """async () => {
          const router = await import('/static/frontend/js/router.js');
          history.replaceState(null, '', '#week');
          const first = router.render();  // awaits the week's trends from the server
          // Until the first has cleared the old screen and waits for the server, then the second.
          while (document.querySelector('main h1')) await new Promise((done) => setTimeout(done, 0));
          const second = router.render();
          await Promise.all([first, second]);
          return [...document.querySelectorAll('main h1')].map((h) => h.textContent);
        }"""
    )
    assert headings == ["Your week"]
    watch.assert_clean()
