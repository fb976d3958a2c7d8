"""The account's device page, its more-info dialogs, and the README's dashboard."""

from typing import Any

from playwright.sync_api import Page, expect
import pytest

from scripts.harness import Sandbox
from tests.browser.ui import (
    ACCOUNT_DEVICE,
    README_DASHBOARD,
    create_dashboard,
    entity_row,
    expect_state,
    open_dashboard,
    open_device,
    readme_dashboard,
    shown_duration,
)


def shown_figures(account: dict[str, Any]) -> dict[str, str]:
    """Return how the frontend shows the demo account's totals, by sensor name."""
    stats = account["stats"]
    return {
        "Impressions": f"{stats['impressions']:,}",
        "Views": f"{stats['views']:,}",
        "Time spent": shown_duration(stats["time_spent"]),
        "Downloads": f"{stats['downloads']:,}",
        "API uploads left": f"{stats['api_uploads_left']:,}",
    }


@pytest.mark.usefixtures("entry")
def test_device_page_lists_the_sensors_with_the_demo_figures(
    page: Page, sandbox: Sandbox
) -> None:
    """The device page shows the demo's totals, Time spent in hours and minutes.

    History is off: Most viewed flipbook has no state, History import is a diagnostic.
    """
    open_device(page, ACCOUNT_DEVICE)
    sensors = page.locator("ha-device-entities-card").filter(has_text="Sensors")
    for name, figure in shown_figures(sandbox.demo_account()).items():
        expect_state(entity_row(sensors, name), name, figure)
    most_viewed = "Most viewed flipbook"
    expect_state(entity_row(sensors, most_viewed), most_viewed, "Unknown")
    expect(sensors.locator("hui-sensor-entity-row")).to_have_count(6)


@pytest.mark.usefixtures("entry")
def test_more_info_shows_time_spent_in_hours_and_minutes(
    page: Page, sandbox: Sandbox
) -> None:
    """Opening Time spent shows the same duration in its more-info dialog."""
    seconds = sandbox.demo_account()["stats"]["time_spent"]
    open_device(page, ACCOUNT_DEVICE)
    entity_row(page, "Time spent").click()
    dialog = page.locator("ha-more-info-dialog")
    expect(dialog.get_by_text(shown_duration(seconds), exact=True)).to_be_visible()


def test_readme_dashboard_names_its_rows_and_shows_the_figures(
    page: Page, sandbox: Sandbox, entry: dict[str, Any]
) -> None:
    """The README's dashboard works as pasted, and its rows carry short names."""
    config = readme_dashboard(entry["entry_id"])
    create_dashboard(page, README_DASHBOARD, "Flipsnack", config)
    open_dashboard(page, f"/{README_DASHBOARD}/{config['views'][0]['path']}")

    card = page.locator("hui-entities-card")
    expect(card.get_by_text("Flipsnack account")).to_be_visible()
    for name, figure in shown_figures(sandbox.demo_account()).items():
        expect_state(entity_row(card, name), name, figure)
    expect(page.locator("hui-statistics-graph-card")).to_contain_text("Views per day")
    expect(page.locator("hui-gauge-card")).to_contain_text("API uploads left")
    # A card the frontend cannot render shows as an error card instead.
    expect(page.locator("hui-error-card")).to_have_count(0)
