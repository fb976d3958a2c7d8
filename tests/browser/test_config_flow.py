"""Logging in, and adding the integration as a newcomer does: Settings > Devices & services."""

import re
from typing import Any

from playwright.sync_api import Browser, Page, expect

from scripts.harness import OWNER_NAME, Sandbox
from tests.browser.ui import (
    ACCOUNT_DEVICE,
    STRINGS,
    VIEWPORT,
    form_errors,
    log_in,
    open_add_integration_form,
    submit_credentials,
)

ERRORS = STRINGS["config"]["error"]


def test_log_in_through_the_login_form(browser: Browser, sandbox: Sandbox) -> None:
    """The owner logs in with the login form and gets the frontend, with their name."""
    context = browser.new_context(viewport=VIEWPORT, base_url=sandbox.url)
    page = context.new_page()
    try:
        page.goto("/")
        expect(page).to_have_url(re.compile(r"/auth/authorize"))
        log_in(page, sandbox)
        expect(page.get_by_role("link", name=OWNER_NAME)).to_be_visible()
    finally:
        context.close()


def test_add_integration_shows_errors_at_their_fields_then_creates_the_device(
    page: Page, sandbox: Sandbox
) -> None:
    """A wrong key and a wrong secret are reported at their fields; the right pair works.

    The demo answers a key it doesn't know with code 41 and a wrong secret with code 44,
    as Flipsnack does.
    """
    sandbox.delete_entries()
    account = sandbox.demo_account()
    dialog = open_add_integration_form(page)
    expect(dialog.get_by_text("Connect your Flipsnack account")).to_be_visible()

    submit_credentials(dialog, "DEMO-KEY-0000", account["api_secret"])
    expect(dialog.get_by_text(ERRORS["invalid_api_key"])).to_be_visible()
    assert form_errors(dialog) == {"api_key": ERRORS["invalid_api_key"]}

    submit_credentials(dialog, account["api_key"], "DEMO-SECRET-0")
    expect(dialog.get_by_text(ERRORS["invalid_api_secret"])).to_be_visible()
    assert form_errors(dialog) == {"api_secret": ERRORS["invalid_api_secret"]}

    submit_credentials(dialog, account["api_key"], account["api_secret"])
    # The last step offers to name the new device and give it an area.
    device_name = dialog.get_by_role("textbox", name="Device name")
    expect(device_name).to_have_value(ACCOUNT_DEVICE)
    dialog.get_by_role("button", name="Skip and finish").click()
    expect(dialog).to_be_hidden()

    entries: list[dict[str, Any]] = sandbox.wait_for(
        "the entry loaded",
        lambda: [e for e in sandbox.entries() if e["state"] == "loaded"],
    )
    assert [entry["title"] for entry in entries] == [ACCOUNT_DEVICE]
