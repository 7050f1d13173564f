"""The test framed on another site: its pages load in the frame, the host page's script resizes
the frame to the page's height, and the test can be taken inside the frame (cookies work)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from .helpers import t

pytestmark = pytest.mark.slow

# Another origin on this machine than the app's (another port of localhost).
HOST_PORT = 8261
HOST = f"http://localhost:{HOST_PORT}"


@contextmanager
def host_site(html: str, port: int = HOST_PORT) -> Iterator[None]:
    body = html.encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


def test_the_frame_follows_its_pages_height_on_an_allowed_site(site, questionnaire, settings):
    settings.EMBED_ALLOWED_ORIGINS = [HOST]
    # What embedding turns on (settings.py, tests/test_embed.py): cookies a framed page may send.
    settings.SESSION_COOKIE_SAMESITE = settings.CSRF_COOKIE_SAMESITE = "None"
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    host_script = (site_root() / "static/embed/cx-embed.js").read_text()
    host_page = f"""<!doctype html><html lang="en"><head><title>Consultancy</title></head>
<body><h1>Our CX test</h1>
<iframe data-cx-embed src="{site.url}/en/" title="CX maturity test"
  style="width:100%;border:0;height:150px"></iframe>
<script>{host_script}</script></body></html>"""
    page = site.page(viewport={"width": 390, "height": 844})
    with host_site(host_page):
        page.goto(f"{HOST}/")
    frame_element = page.locator("iframe[data-cx-embed]")
    # The landing page is far taller than the 150 px the host gave the frame.
    page.wait_for_function(
        "() => document.querySelector('iframe[data-cx-embed]').getBoundingClientRect().height > 600"
    )
    inner_height = (
        page.frame_locator("iframe[data-cx-embed]")
        .locator("html")
        .evaluate("html => html.scrollHeight")
    )
    assert abs(frame_element.bounding_box()["height"] - inner_height) <= 2
    # The test starts inside the frame: the form's CSRF cookie came along.
    frame = page.frame_locator("iframe[data-cx-embed]")
    frame.get_by_role("button", name=t("en", "Start the test")).click()
    # The first area's questions: the start's POST passed the CSRF check inside the frame.
    expect(frame.locator("input[type=radio]").first).to_be_attached()
    page.screenshot(path=str(artifacts() / "embed-host-390.png"), full_page=True)
    site.assert_no_problems()


def test_a_site_not_listed_may_not_frame_the_test(site, questionnaire, settings):
    settings.EMBED_ALLOWED_ORIGINS = [HOST]
    page = site.page()
    stranger = f'<!doctype html><title>x</title><iframe src="{site.url}/en/"></iframe>'
    with host_site(stranger, port=HOST_PORT + 1):
        page.goto(f"http://localhost:{HOST_PORT + 1}/")
        page.wait_for_timeout(1500)
    frame = page.frames[1]
    # Chromium shows its own error page instead of the refused frame's content.
    assert t("en", "Start the test") not in frame.content()
    # The refusal is what the test is about, not a problem of the site.
    site.problems.clear()


def site_root():
    from django.conf import settings

    return settings.BASE_DIR


def artifacts():
    from .conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
