"""Browser tests: Playwright drives Debian's Chromium against the live server.

Set-up that works here is in ../shared/STACK.md ("Browser tests"). Screenshots go
to test-artifacts/browser/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserType, Page, Playwright, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE.parent.parent / "test-artifacts" / "browser"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items) -> None:
    # tryfirst: the marker must be on the items before `-m "not browser"` deselects.
    for item in items:
        if HERE not in Path(item.path).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package", autouse=True)
def _allow_sync_orm_beside_playwright() -> Iterator[None]:
    if not CHROMIUM.exists():
        # A failure, not a skip: the set-up script installs it, and a skipped
        # browser test would pass a suite that never drove a browser.
        pytest.fail(
            f"{CHROMIUM} is missing: run `bash scripts/setup` (it installs "
            "chromium; Playwright's own browser download does not work here)",
            pytrace=False,
        )
    # Playwright's sync API keeps an asyncio loop running in the test thread, so
    # Django refuses ORM calls from it (SynchronousOnlyOperation), even in
    # database set-up. The test thread never runs async code itself, so this is
    # safe here; it is set only while this package runs, never for the app.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


# pytest-playwright keeps Playwright, and with it the running loop, until the end
# of the session: every database test run after this package would then need
# DJANGO_ALLOW_ASYNC_UNSAFE too. These overrides end Playwright with the package.
# Apart from the scope they follow the plugin's own fixtures, less its remote
# `connect_options` and API-request tracing, which these tests do not use.
@pytest.fixture(scope="package")
def playwright(_allow_sync_orm_beside_playwright) -> Iterator[Playwright]:
    pw = sync_playwright().start()
    yield pw
    pw.stop()


@pytest.fixture(scope="package")
def browser_type(playwright: Playwright, browser_name: str) -> BrowserType:
    return getattr(playwright, browser_name)


@pytest.fixture(scope="package")
def launch_browser(
    browser_type_launch_args: dict, browser_type: BrowserType
) -> Callable[..., Browser]:
    def launch(**kwargs) -> Browser:
        return browser_type.launch(**{**browser_type_launch_args, **kwargs})

    return launch


@pytest.fixture(scope="package")
def browser(launch_browser: Callable[..., Browser]) -> Iterator[Browser]:
    browser = launch_browser()
    yield browser
    browser.close()


@pytest.fixture(scope="package")
def browser_context_args(
    pytestconfig, playwright: Playwright, device, base_url, _pw_artifacts_folder
) -> dict:
    # The coach works in a Dutch browser: Django's LocaleMiddleware serves the
    # admin in the language the browser asks for (Chromium asks for en-US).
    args: dict = {"locale": "nl-NL", "timezone_id": "Europe/Amsterdam"}
    if device:
        args.update(playwright.devices[device])
    if base_url:
        args["base_url"] = base_url
    if pytestconfig.getoption("--video") in ("on", "retain-on-failure"):
        args["record_video_dir"] = _pw_artifacts_folder.name
    return args


@pytest.fixture(scope="session")
def base_url(pytestconfig) -> str | None:
    # pytest-playwright 0.10's own fallback is an instance-method fixture, which
    # pytest 9 deprecates with a warning that pytest.ini turns into an error.
    return (
        pytestconfig.getoption("--base-url") or pytestconfig.getini("base_url") or None
    )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    # pytest-playwright cannot be pointed at a browser binary from the command line.
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM)}


@pytest.fixture
def app_url(live_server, settings) -> str:
    """Return the live server's base URL, with cookies the browser will send back."""
    url = live_server.url
    if urlsplit(url).hostname != "localhost":
        # With debug off the session and CSRF cookies are Secure. Chromium accepts
        # Secure cookies over plain http only on localhost (a "potentially
        # trustworthy" origin), so on another host (--liveserver or
        # DJANGO_LIVE_TEST_SERVER_ADDRESS) the login would silently fail.
        settings.SESSION_COOKIE_SECURE = False
        settings.CSRF_COOKIE_SECURE = False
    return url


@pytest.fixture
def screenshot(request) -> Callable[[Page, str], Path]:
    """Return a function that saves a numbered full-page screenshot of a step."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    test = request.node.originalname.removeprefix("test_")
    counter = iter(range(1, 100))

    def take(page: Page, step: str) -> Path:
        path = ARTIFACTS / f"{test}-{next(counter):02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
