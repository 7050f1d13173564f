"""The browser tests' machinery: the tools they need, one Chromium per run, failure screenshots.

Each tool is checked where a test needs it. When one is missing, the test is skipped with the
reason and the fix, and the reasons are repeated plainly at the end of the run; in CI (CI=true)
a missing tool fails the test instead, because .ci/run installs them all.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.core.servers.basehttp import WSGIServer

if TYPE_CHECKING:  # Playwright itself is imported only once Chromium is known to be there.
    from playwright.sync_api import Browser, ConsoleMessage, Page, Response

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}

# The flags the project runs Chromium with: no network of its own, nothing that needs a screen.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}  # the phone width every page is looked at
NODE_PACKAGES_FIX = "install Node.js and npm, then `npm ci --ignore-scripts` (make test does it)"

_skip_reasons: set[str] = set()


def require(missing: str | None) -> None:
    """Skips the test when a tool is missing (missing = what and how to fix); fails it in CI."""
    if missing is None:
        return
    if IN_CI:
        pytest.fail(f"{missing}. CI never skips the browser tests: .ci/run installs them.")
    _skip_reasons.add(missing)
    pytest.skip(missing)


def missing_chromium() -> str | None:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"Chromium is missing ({CHROMIUM}): install it with `apt-get install chromium`"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is missing: `pip install -e '.[dev]'` (make test does it)"
    return None


def missing_axe() -> str | None:
    if not AXE_SCRIPT.is_file():
        return f"axe-core is missing ({AXE_SCRIPT.relative_to(ROOT)}): {NODE_PACKAGES_FIX}"
    return None


def missing_vnu() -> str | None:
    if shutil.which("java") is None:
        return "Java is missing, so vnu.jar cannot run: `apt-get install default-jre-headless`"
    if not VNU_JAR.is_file():
        return f"The Nu Html Checker is missing ({VNU_JAR.relative_to(ROOT)}): {NODE_PACKAGES_FIX}"
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _skip_reasons:
        return
    skipped = [str(report.longrepr) for report in terminalreporter.stats.get("skipped", [])]
    terminalreporter.section("browser tests skipped", sep="=", yellow=True, bold=True)
    for reason in sorted(_skip_reasons):
        count = sum(reason in text for text in skipped)
        terminalreporter.line(f"{count} skipped because {reason}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    # A failed browser test keeps a screenshot of every page it had open, named in its report.
    report = yield
    site = getattr(item, "funcargs", {}).get("site")
    if report.when == "call" and report.failed and isinstance(site, Site):
        kept = _keep_screenshots(item.nodeid, site.pages)
        if kept:
            report.sections.append(("browser screenshots", "\n".join(kept)))
    return report


@pytest.fixture(scope="package")
def chromium() -> Iterator[Browser]:
    """One headless Chromium for the whole browser package (starting one costs about a second)."""
    require(missing_chromium())
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, and Django refuses ORM calls
    # from a thread with a running loop. The tests' own ORM calls are plain synchronous code,
    # so the check is lifted while the browser lives, and only then.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class OneRequestAtATime(WSGIServer):
    """The live server without threads.

    The tests' SQLite database lives in memory, and Django hands its one connection to the
    server's threads: two requests at once (an autosave still in flight when Next is pressed)
    would share it and fail with "database table is locked", which no real database does.
    """

    def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
        # LiveServerThread.run has already given its own thread the overriding connections.
        super().__init__(*args, **kwargs)


@pytest.fixture(scope="package")
def live_server(request: pytest.FixtureRequest, django_db_blocker: Any) -> Iterator[Any]:
    """pytest-django's live server, serving one request at a time (see OneRequestAtATime)."""
    from pytest_django.live_server_helper import LiveServer

    address = request.config.getvalue("liveserver") or os.getenv(
        "DJANGO_LIVE_TEST_SERVER_ADDRESS", "localhost"
    )
    with django_db_blocker.unblock():
        server = LiveServer(address, start=False)
        server.thread.server_class = OneRequestAtATime
        server.start()
    yield server
    server.stop()


@dataclass
class Site:
    """The app on Django's live server, seen through fresh browser contexts (no shared cookies)."""

    browser: Browser
    url: str
    problems: list[str] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)

    def page(self, viewport: dict[str, int] | None = None, **context_options: Any) -> Page:
        # A Finnish browser unless a test says otherwise: the bare root follows the browser's
        # language (Accept-Language), and the tests reach English by its /en/ addresses.
        context_options.setdefault("locale", "fi-FI")
        context = self.browser.new_context(
            viewport=viewport or DESKTOP, base_url=self.url, **context_options
        )
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: {error}"))
        page.on("console", lambda message: self._console(page, message))
        page.on("response", lambda response: self._response(page, response))
        self.pages.append(page)
        return page

    def _console(self, page: Page, message: ConsoleMessage) -> None:
        # A failed resource is reported by _response, with its address.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"{page.url}: console error: {message.text}")

    def _response(self, page: Page, response: Response) -> None:
        if response.status >= 400:
            self.problems.append(f"{page.url}: {response.status} for {response.url}")

    def assert_no_problems(self) -> None:
        """No script error, no failed resource and no CSP refusal on any page the test opened."""
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def site(chromium: Browser, live_server: Any) -> Iterator[Site]:
    site = Site(browser=chromium, url=live_server.url)
    yield site
    for page in site.pages:
        page.context.close()


def _keep_screenshots(nodeid: str, pages: list[Page]) -> list[str]:
    ARTIFACTS.mkdir(exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid).strip("_")
    kept = []
    for number, page in enumerate(pages, start=1):
        if page.is_closed():
            continue
        path = ARTIFACTS / f"{stem}-{number}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
        except Exception as error:  # noqa: BLE001 (a failed screenshot must not hide the failure)
            kept.append(f"no screenshot of {page.url}: {error}")
        else:
            kept.append(f"{page.url} -> {path.relative_to(ROOT)}")
    return kept


@pytest.fixture
def axe_script() -> Path:
    require(missing_axe())
    return AXE_SCRIPT


@pytest.fixture
def vnu_jar() -> Path:
    require(missing_vnu())
    return VNU_JAR
