"""Re-authentication: the demo's secret is rotated, and Settings asks for the new one."""

from typing import Any

from playwright.sync_api import Page, expect
import pytest

from scripts.harness import Sandbox
from tests.browser.ui import (
    ACCOUNT_DEVICE,
    STRINGS,
    call_ws,
    flow_dialog,
    submit_credentials,
)

REAUTH = STRINGS["config"]["step"]["reauth_confirm"]


def reauth_flows(page: Page) -> list[dict[str, Any]]:
    """Return the Flipsnack re-authentication flows in progress."""
    flows: list[dict[str, Any]] = call_ws(
        page, {"type": "config_entries/flow/progress"}
    )
    return [
        flow
        for flow in flows
        if flow["handler"] == "flipsnack" and flow["context"]["source"] == "reauth"
    ]


@pytest.mark.usefixtures("entry")
def test_reauthentication_appears_in_settings_and_takes_the_new_secret(
    page: Page, sandbox: Sandbox
) -> None:
    """After a rotation the next poll fails with code 44; the new secret mends it."""
    account = sandbox.demo("POST", "/demo/rotate-secret")
    # The next poll, at once: the action refreshes the account's sensors.
    sandbox.refresh("sensor.flipsnack_7832_views")
    sandbox.wait_for("a re-authentication flow", lambda: reauth_flows(page))

    page.goto("/config/integrations/dashboard")
    card = page.locator("ha-config-flow-card").filter(has_text=ACCOUNT_DEVICE)
    expect(card).to_be_visible()
    card.get_by_role("button", name="Reconfigure").click()
    dialog = flow_dialog(page)
    expect(dialog.get_by_text(REAUTH["title"])).to_be_visible()
    submit_credentials(dialog, account["api_key"], account["api_secret"])
    expect(dialog.get_by_text("Re-authentication was successful")).to_be_visible()
    dialog.get_by_role("button", name="Close").last.click()
    expect(card).to_have_count(0)
    assert not reauth_flows(page)

    entries: list[dict[str, Any]] = sandbox.wait_for(
        "the entry loaded again",
        lambda: [e for e in sandbox.entries() if e["state"] == "loaded"],
    )
    assert [entry["title"] for entry in entries] == [ACCOUNT_DEVICE]
    views = sandbox.entity_state("sensor.flipsnack_7832_views")
    assert int(views["state"]) == account["stats"]["views"]
