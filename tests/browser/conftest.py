"""Runs the browser tests only when `scripts/test --browser` asks for them.

They need Playwright (requirements_browser.txt) and Chromium, and start Home Assistant
with the demo Flipsnack, so the normal test run leaves them out: `scripts/test --browser`
sets FLIPSNACK_BROWSER_TESTS=1 and runs pytest on this folder without Home Assistant's
pytest plugin, which would block the browser's sockets and watch for threads.
"""

import os

import pytest

ENABLED = os.environ.get("FLIPSNACK_BROWSER_TESTS") == "1"
NOT_RUN = (
    "tests/browser: not run here, because they need Chromium and start Home Assistant;"
    " scripts/test --browser runs them"
)

if ENABLED:
    from tests.browser.fixtures import (  # noqa: F401 - fixtures, found by pytest by their names
        KEPT,
        REPORTS,
        browser,
        entry,
        login_state,
        page,
        sandbox,
    )
else:
    collect_ignore_glob = ["test_*.py"]


def pytest_configure(config: pytest.Config) -> None:
    """Refuse a browser run with Home Assistant's pytest plugin loaded."""
    if ENABLED and config.pluginmanager.has_plugin("homeassistant"):
        raise pytest.UsageError(
            "the browser tests run without Home Assistant's pytest plugin:"
            " use scripts/test --browser (pytest -p no:homeassistant tests/browser)"
        )


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> pytest.TestReport:
    """Keep each phase's report on the test, for the page fixture to see a failure."""
    report: pytest.TestReport = yield
    if ENABLED:
        item.stash.setdefault(REPORTS, {})[report.when] = report
    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say where a failure's screenshots and logs are, or why no browser test ran."""
    if not ENABLED:
        terminalreporter.write_line(NOT_RUN)
        return
    kept = terminalreporter.config.stash.get(KEPT, [])
    if kept:
        terminalreporter.section("kept for the failed browser tests")
        for line in kept:
            terminalreporter.write_line(line)
