"""The browser tests' fixtures: one Home Assistant for the run, Chromium, a page.

Imported by conftest.py only for a browser run, because they need Playwright.
"""

from collections.abc import Iterator
import re
import shutil
from typing import Any

from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    StorageState,
    expect,
    sync_playwright,
)
import pytest

from scripts.demo_flipsnack import ExtraFlipbook, write_demo_state
from scripts.harness import ROOT, Sandbox, running_sandbox
from tests.browser.ui import VIEWPORT, find_chromium, log_in

ARTIFACTS = ROOT / "browser-artifacts"
REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()
KEPT = pytest.StashKey[list[str]]()

# Published flipbooks the demo account gets on top of its own, with the figures of the
# issue that made Time spent show its true duration.
TIME_SPENT_FLIPBOOKS = (
    ExtraFlipbook("bt154sx", "Browser test: 154 seconds", 3, 2, 154),
    ExtraFlipbook("bt5580x", "Browser test: 5580 seconds", 40, 25, 5580),
    ExtraFlipbook("bt0000x", "Browser test: 0 seconds", 1, 0, 0),
)

# A slow CI machine may take a while to render; the tests wait for what they expect.
expect.set_options(timeout=20_000)


@pytest.fixture(scope="package")
def sandbox(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    """Run Home Assistant and the demo for all the browser tests, in browser-artifacts/.

    Scoped to this package rather than the session, as Home Assistant's lint asks of
    fixtures in tests that are not used automatically; all browser tests are in it.

    The folder is kept, with Home Assistant's log, when it did not start or a test
    failed; otherwise it is removed at the end.
    """
    # What an earlier run kept would be taken for this run's.
    for kept in (*ARTIFACTS.glob("*.png"), *ARTIFACTS.glob("*.console.txt")):
        kept.unlink()
    workdir = ARTIFACTS / "home-assistant"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    write_demo_state(workdir / "flipsnack-demo.json", TIME_SPENT_FLIPBOOKS)
    keep = True
    try:
        with running_sandbox(workdir) as sandbox:
            yield sandbox
        keep = bool(request.session.testsfailed)
    finally:
        if keep:
            request.config.stash.setdefault(KEPT, []).append(
                f"Home Assistant's folder, with home-assistant.log: {workdir}"
            )
        else:
            shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Launch the system's Chromium, headless."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium())
        yield browser
        browser.close()


@pytest.fixture(scope="package")
def login_state(browser: Browser, sandbox: Sandbox) -> StorageState:
    """Log in once through the login form; return what the browser keeps of it."""
    context = browser.new_context(viewport=VIEWPORT, base_url=sandbox.url)
    try:
        log_in(context.new_page(), sandbox)
        state = context.storage_state()
    finally:
        context.close()
    return state


@pytest.fixture
def page(
    request: pytest.FixtureRequest,
    browser: Browser,
    sandbox: Sandbox,
    login_state: StorageState,
) -> Iterator[Page]:
    """Return a page of a browser logged in as the owner.

    When the test fails, its screenshot and the browser's console errors are kept in
    browser-artifacts/.
    """
    context = browser.new_context(
        viewport=VIEWPORT,
        base_url=sandbox.url,
        storage_state=login_state,
    )
    page = context.new_page()
    console: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            console.append(message.text)

    page.on("console", on_console)
    yield page
    report = request.node.stash.get(REPORTS, {}).get("call")
    if report is not None and report.failed:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        screenshot = ARTIFACTS / f"{name}.png"
        page.screenshot(path=screenshot)
        kept = [f"{request.node.nodeid}: screenshot {screenshot}"]
        if console:
            console_log = ARTIFACTS / f"{name}.console.txt"
            console_log.write_text("\n".join(console) + "\n", encoding="utf-8")
            kept.append(f"{request.node.nodeid}: console errors {console_log}")
        request.config.stash.setdefault(KEPT, []).extend(kept)
    context.close()


@pytest.fixture
def entry(sandbox: Sandbox) -> dict[str, Any]:
    """Return the loaded Flipsnack entry of the demo account, adding it if needed."""
    return sandbox.loaded_entry()
