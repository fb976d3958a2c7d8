"""Flipbooks with their own statistics: the options flow, and the flipbooks' devices."""

from typing import Any

from homeassistant.util import slugify
from playwright.sync_api import Page, expect
import pytest

from scripts.demo_flipsnack import ExtraFlipbook
from scripts.harness import Sandbox
from tests.browser.fixtures import TIME_SPENT_FLIPBOOKS
from tests.browser.ui import (
    create_dashboard,
    entity_row,
    expect_state,
    open_dashboard,
    open_device,
    open_options,
)

FLIPBOOKS_MENU = "Flipbooks with their own statistics"


@pytest.fixture
def untracked(sandbox: Sandbox, entry: dict[str, Any]) -> dict[str, Any]:
    """Return the demo's entry, tracking no flipbooks."""
    sandbox.set_options("flipbooks", ({"tracking": "none"},))
    return entry


@pytest.mark.usefixtures("untracked")
def test_options_track_all_published_flipbooks(page: Page, sandbox: Sandbox) -> None:
    """Configure > Flipbooks > All published flipbooks gives each one a device.

    The demo's editable drafts get none.
    """
    flipbooks = sandbox.demo_flipbooks()
    published = [t for t, f in flipbooks.items() if f["status"] != "editable"]
    drafts = [t for t, f in flipbooks.items() if f["status"] == "editable"]
    assert published
    assert drafts

    dialog = open_options(page, FLIPBOOKS_MENU)
    expect(
        dialog.get_by_text(f"Your account has {len(published)} published")
    ).to_be_visible()
    dialog.get_by_role("radio", name="All published flipbooks").click()
    dialog.get_by_role("button", name="Submit").click()
    expect(dialog.get_by_text("Options successfully saved")).to_be_visible()
    dialog.get_by_role("button", name="Finish").click()

    page.goto("/config/integrations/integration/flipsnack")
    for title in published:
        expect(page.get_by_text(title, exact=True)).to_be_visible()
    for title in drafts:
        expect(page.get_by_text(title, exact=True)).to_have_count(0)


@pytest.fixture
def time_spent_flipbooks(sandbox: Sandbox, entry: dict[str, Any]) -> None:
    """Track the flipbooks with the issue's figures, and wait for their figures.

    Their sensors appear once the flipbooks are listed; their figures would come at the
    next minute's refresh, which the action homeassistant.update_entity brings forward.
    """
    sandbox.set_options(
        "flipbooks",
        (
            {"tracking": "chosen"},
            {"flipbooks": [flipbook.hash for flipbook in TIME_SPENT_FLIPBOOKS]},
        ),
    )
    entity_ids = tuple(time_spent_of(flipbook) for flipbook in TIME_SPENT_FLIPBOOKS)
    sandbox.wait_for_entities(entity_ids, "after the flipbook options")
    sandbox.refresh_until_values(entity_ids, "the flipbooks' figures")


def time_spent_of(flipbook: ExtraFlipbook) -> str:
    """Return the entity id of a flipbook's Time spent sensor, named after its title."""
    return f"sensor.{slugify(flipbook.title)}_time_spent"


# What the issue asked for; the frontend writes hours and minutes for a duration in hours.
SHOWN = {154: "0h 2m", 5580: "1h 33m", 0: "0h"}


@pytest.mark.usefixtures("time_spent_flipbooks")
@pytest.mark.parametrize(
    "flipbook",
    TIME_SPENT_FLIPBOOKS,
    ids=tuple(f"{f.time_spent}s" for f in TIME_SPENT_FLIPBOOKS),
)
def test_flipbook_time_spent_shows_the_true_duration(
    page: Page, flipbook: ExtraFlipbook
) -> None:
    """A flipbook's Time spent: on its device page, in more-info and in an entities card."""
    shown = SHOWN[flipbook.time_spent]
    open_device(page, flipbook.title)
    row = entity_row(page.locator("ha-device-entities-card"), "Time spent")
    expect_state(row, "Time spent", shown)
    row.click()
    more_info = page.locator("ha-more-info-dialog")
    expect(more_info.get_by_text(shown, exact=True)).to_be_visible()
    page.keyboard.press("Escape")

    create_dashboard(
        page,
        "dashboard-time-spent",
        "Time spent",
        {
            "views": [
                {
                    "path": "time",
                    "cards": [
                        {
                            "type": "entities",
                            "entities": [
                                {
                                    "entity": time_spent_of(flipbook),
                                    "name": "Time spent",
                                }
                            ],
                        }
                    ],
                }
            ]
        },
    )
    open_dashboard(page, "/dashboard-time-spent/time")
    card = page.locator("hui-entities-card")
    expect_state(entity_row(card, "Time spent"), "Time spent", shown)
