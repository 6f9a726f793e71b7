"""The console check itself: every context a test opens is watched, not only its main one."""

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import ConsoleErrors

pytestmark = pytest.mark.browser


def log_console_error(page: Page, text: str) -> None:
    """Log `text` as a console error and wait until the context has reported it."""
    with page.context.expect_event("console"):
        page.evaluate("text => console.error(text)", text)


@pytest.mark.console_errors_expected(r"second person's page broke")
def test_a_console_error_in_a_second_context_is_collected(
    browser: Browser, page: Page, _no_console_errors: ConsoleErrors
):
    other = browser.new_context()
    try:
        log_console_error(other.new_page(), "second person's page broke")
    finally:
        other.close()
    assert any("second person's page broke" in e for e in _no_console_errors.errors)


@pytest.mark.console_errors_expected(r"page of its own broke")
def test_a_console_error_on_a_page_of_its_own_is_collected(
    browser: Browser, _no_console_errors: ConsoleErrors
):
    page = browser.new_page()
    try:
        log_console_error(page, "page of its own broke")
    finally:
        page.context.close()
    assert any("page of its own broke" in e for e in _no_console_errors.errors)


@pytest.mark.console_errors_expected(r"main page broke")
def test_a_console_error_in_the_main_context_is_still_collected(
    page: Page, _no_console_errors: ConsoleErrors
):
    log_console_error(page, "main page broke")
    assert any("main page broke" in e for e in _no_console_errors.errors)


def test_only_the_expected_errors_are_forgiven():
    collector = ConsoleErrors([r"403 \(Forbidden\)"])
    collector.errors = ["console error on /x: 403 (Forbidden) ()", "uncaught error: boom"]
    assert collector.unexpected() == ["uncaught error: boom"]
