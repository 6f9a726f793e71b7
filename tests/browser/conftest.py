"""Playwright against a live server, driving the system's own Chromium.

The browser comes from the operating system (Debian: `apt-get install chromium`),
never from `playwright install`, so the tests run offline and on CI machines
that cannot download browsers.
"""

import re
import shutil
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, ViewportSize

from safeguard.accounts.models import User

DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 375, "height": 740}


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail(
            "Browser tests need Chromium from the operating system. Install it with "
            "`sudo apt-get install chromium` (Debian/Ubuntu), then run the tests again. "
            "Do not run `playwright install`.",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": chromium_path(),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


class ConsoleErrors:
    """The console errors and uncaught errors of every page in the contexts it watches."""

    def __init__(self, expected: Iterable[str] = ()) -> None:
        self.expected = [re.compile(pattern) for pattern in expected]
        self.errors: list[str] = []
        self.watched: list[BrowserContext] = []

    def watch(self, context: BrowserContext) -> BrowserContext:
        """Listen on the context: that catches every page and popup opened in it."""
        if context in self.watched:
            return context
        self.watched.append(context)

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                where = message.location.get("url", "") if message.location else ""
                page_url = message.page.url if message.page else ""
                self.errors.append(f"console error on {page_url}: {message.text} ({where})")

        context.on("console", on_console)
        context.on(
            "weberror",
            lambda web_error: self.errors.append(f"uncaught error: {web_error.error.message}"),
        )
        return context

    def unexpected(self) -> list[str]:
        return [e for e in self.errors if not any(p.search(e) for p in self.expected)]


@pytest.fixture(autouse=True)
def _no_console_errors(request: pytest.FixtureRequest) -> Iterator[ConsoleErrors]:
    """Fail any browser test during which a page logged a console error or threw.

    A blocked inline style (CSP), a missing file (404) or a script error is a fault the
    person using the page would meet, even if the test's own checks pass. Every context
    the test opens is watched, not only its main one: while the test runs, the browser's
    `new_context` and `new_page` hand back watched contexts (a second person signing in,
    a context without JavaScript), and the main `context` fixture is watched too. A test
    where the server's refusal is the behaviour under test names it:
    @pytest.mark.console_errors_expected(regex).
    """
    marker = request.node.get_closest_marker("console_errors_expected")
    collector = ConsoleErrors(marker.args if marker else ())
    if "browser" not in request.fixturenames:
        yield collector
        return
    browser: Browser = request.getfixturevalue("browser")
    new_context, new_page = browser.new_context, browser.new_page

    def watched_context(*args: Any, **kwargs: Any) -> BrowserContext:
        return collector.watch(new_context(*args, **kwargs))

    def watched_page(*args: Any, **kwargs: Any) -> Page:
        page = new_page(*args, **kwargs)
        collector.watch(page.context)
        return page

    browser.new_context = watched_context  # type: ignore[method-assign]
    browser.new_page = watched_page  # type: ignore[method-assign]
    try:
        if "context" in request.fixturenames:
            collector.watch(request.getfixturevalue("context"))
        yield collector
    finally:
        del browser.new_context, browser.new_page  # the class's own methods again
    errors = collector.unexpected()
    if errors:
        pytest.fail("The browser reported errors:\n" + "\n".join(errors), pytrace=False)


@pytest.fixture
def site(live_server) -> Callable[[str], str]:
    """site("/path") -> the absolute URL of that path on the live test server."""

    def url(path: str = "/") -> str:
        return live_server.url + path

    return url


@pytest.fixture
def signed_in(context: BrowserContext, live_server) -> Callable[[User], None]:
    """signed_in(user): give the browser a session for `user` without the sign-in form."""

    def sign_in(user: User) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    return sign_in


@pytest.fixture
def phone_page(page: Page) -> Page:
    page.set_viewport_size(PHONE)
    return page
