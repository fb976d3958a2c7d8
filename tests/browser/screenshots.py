"""Take the README's pictures in Chromium, from the demo Flipsnack: `scripts/screenshots`.

A fresh demo account (the same flipbooks and figures every time; only the dates follow
the calendar) next to a throwaway Home Assistant, walked through as in the README: the
add-integration form with a wrong secret, the account's device, the README's dashboard,
the flipbook options and a flipbook's device, the lead form URL, and last the history:
two flipbooks tracked with 90 days of history, which the integration imports at its own
pace (some ten minutes), for the README's dashboard and its history graphs.
"""

import argparse
from collections.abc import Callable
from pathlib import Path
import shutil
import sys

from PIL import Image
from playwright.sync_api import FloatRect, Locator, Page, expect, sync_playwright

from scripts.check_history import turn_on_history, wait_for_complete_import
from scripts.harness import (
    ACCOUNT_VIEWS,
    ROOT,
    HarnessError,
    Sandbox,
    running_sandbox,
)
from tests.browser.ui import (
    ACCOUNT_DEVICE,
    README_DASHBOARD,
    VIEWPORT,
    NoChromiumError,
    call_ws,
    create_dashboard,
    entity_row,
    find_chromium,
    log_in,
    open_add_integration_form,
    open_dashboard,
    open_device,
    open_options,
    readme_dashboard,
    readme_yaml,
    statistics_graph_bars,
    submit_credentials,
)

IMAGES = ROOT / "docs" / "images"
WORKDIR = ROOT / "browser-artifacts" / "screenshots"
MAX_BYTES = 200_000
# Pixels of the page kept around the cards, so that their shadows are not cut off.
MARGIN = 12
# The flipbook whose device the README shows: the demo's most read one.
FLIPBOOK = "Spring/Summer Catalogue 2026"
# The flipbooks whose history the README's graphs show, the first by itself.
HISTORY_FLIPBOOKS = (FLIPBOOK, "Autumn/Winter Catalogue 2025")
HISTORY_DAYS = 90
HISTORY_DASHBOARD = "dashboard-history"
EXTERNAL_URL = "https://ha.example.com"


class PictureTooLargeError(Exception):
    """A picture is larger than the README allows."""


def save(
    page: Page,
    path: Path,
    *cards: Locator,
    margin: int = MARGIN,
    beside: Locator | None = None,
) -> None:
    """Save the part of the window the cards cover, as a PNG compressed as far as it goes.

    A picture of the cards alone leaves out the sidebar, the top bar and the empty rest of
    the page, which would only shrink the cards in the README. Elements `beside` matches
    that the picture would cut off below, such as a card under a shown one, are taken in
    whole.

    Raises:
        PictureTooLargeError: The picture is larger than the README allows.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    clip = covering(cards, margin, beside)
    page.screenshot(path=path, animations="disabled", clip=clip)
    with Image.open(path) as image:
        image.load()
    image.save(path, optimize=True)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise PictureTooLargeError(f"{path} is {size:,} bytes, more than {MAX_BYTES:,}")
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"screenshots: {shown} ({size // 1000} kB)")  # noqa: T201


def covering(
    cards: tuple[Locator, ...], margin: int, beside: Locator | None
) -> FloatRect:
    """Return the rectangle around every element the locators match, with a margin."""
    boxes = boxes_of(cards)
    if not boxes:
        raise HarnessError("none of the cards to take a picture of is on the page")
    if beside is not None:
        left, _, right, bottom = bounds(boxes)
        boxes += [
            box
            for box in boxes_of((beside,))
            if box["x"] >= left
            and box["x"] + box["width"] <= right
            and box["y"] < bottom
        ]
    left, top, right, bottom = bounds(boxes)
    left, top = max(left - margin, 0), max(top - margin, 0)
    right = min(right + margin, VIEWPORT["width"])
    bottom = min(bottom + margin, VIEWPORT["height"])
    return {"x": left, "y": top, "width": right - left, "height": bottom - top}


def bounds(boxes: list[FloatRect]) -> tuple[float, float, float, float]:
    """Return the left, top, right and bottom edges of the boxes together."""
    return (
        min(box["x"] for box in boxes),
        min(box["y"] for box in boxes),
        max(box["x"] + box["width"] for box in boxes),
        max(box["y"] + box["height"] for box in boxes),
    )


def boxes_of(locators: tuple[Locator, ...]) -> list[FloatRect]:
    """Return where each visible element the locators match is on the page."""
    return [
        box
        for locator in locators
        for element in locator.all()
        if (box := element.bounding_box()) is not None
    ]


def hide_core_notices(page: Page) -> None:
    """Ignore Home Assistant's own repairs, such as the Core installation's notice.

    They would put a badge on Settings in every picture.
    """
    issues = call_ws(page, {"type": "repairs/list_issues"})["issues"]
    for issue in issues:
        if issue["domain"] == "homeassistant":
            call_ws(
                page,
                {
                    "type": "repairs/ignore_issue",
                    "domain": issue["domain"],
                    "issue_id": issue["issue_id"],
                    "ignore": True,
                },
            )


def save_dialog(page: Page, path: Path) -> None:
    """Save the visible box of the open dialog, without the dimmed page around it."""
    save(page, path, page.get_by_role("dialog"), margin=0)


def save_device(page: Page, path: Path) -> None:
    """Save the device page's service info and entity cards, and Related below them.

    Not Activity, which stays empty in the demo.
    """
    save(
        page,
        path,
        page.locator("ha-device-info-card"),
        page.locator("ha-device-entities-card"),
        beside=page.locator("ha-config-device-page ha-card"),
    )


def add_integration(page: Page, sandbox: Sandbox, out: Path) -> None:
    """The form with a wrong secret, then the right one."""
    account = sandbox.demo_account()
    dialog = open_add_integration_form(page)
    submit_credentials(dialog, account["api_key"], "DEMO-SECRET-0")
    expect(dialog.get_by_text("This API secret doesn't match")).to_be_visible()
    # The key in clear, so that the picture shows the demo's; the secret stays hidden.
    dialog.get_by_role("button", name="Show password").first.click()
    # No hover or focus marks: the pointer on the title, away from the fields.
    dialog.get_by_text("Connect your Flipsnack account").click()
    save_dialog(page, out / "add-integration-error.png")
    submit_credentials(dialog, account["api_key"], account["api_secret"])
    dialog.get_by_role("button", name="Skip and finish").click()
    expect(dialog).to_be_hidden()


def device(page: Page, sandbox: Sandbox, out: Path) -> None:
    """The account's device with its five sensors."""
    sandbox.wait_for_values((ACCOUNT_VIEWS,), "the account's sensors")
    open_device(page, ACCOUNT_DEVICE)
    expect(entity_row(page, "Time spent")).to_be_visible()
    save_device(page, out / "device.png")


def flipbooks(page: Page, sandbox: Sandbox, out: Path) -> None:
    """The flipbook options, and the device of one flipbook."""
    dialog = open_options(page, "Flipbooks with their own statistics")
    dialog.get_by_role("radio", name="All published flipbooks").click()
    save_dialog(page, out / "flipbook-options.png")
    dialog.get_by_role("button", name="Submit").click()
    dialog.get_by_role("button", name="Finish").click()

    time_spent = "sensor.spring_summer_catalogue_2026_time_spent"
    sandbox.wait_for_entities((time_spent,), "after the flipbook options")
    # Their figures would come at the next minute's refresh; fetch them now.
    sandbox.refresh_until_values((time_spent,), "the flipbook's figures")
    open_device(page, FLIPBOOK)
    expect(entity_row(page, "Time spent")).to_be_visible()
    save_device(page, out / "flipbook-device.png")


def lead_forms(page: Page, sandbox: Sandbox, out: Path) -> None:
    """The lead form URL to paste into Flipsnack, at an example internet URL."""
    call_ws(page, {"type": "config/core/update", "external_url": EXTERNAL_URL})
    dialog = open_options(page, "Lead forms and orders")
    # The first switch is Receive lead forms; the second, Receive orders, stays off.
    dialog.locator("ha-switch").first.click()
    dialog.get_by_role("button", name="Submit").click()
    expect(dialog.get_by_text(f"{EXTERNAL_URL}/api/webhook/")).to_be_visible()
    save_dialog(page, out / "lead-forms-url.png")
    dialog.get_by_role("button", name="Submit").click()
    dialog.get_by_role("button", name="Finish").click()
    expect(dialog).to_be_hidden()


def history(page: Page, sandbox: Sandbox, out: Path) -> None:
    """Two flipbooks' 90 days of history: the README's dashboard and history graphs.

    The statistics are the integration's own import, as a user who turns history on
    gets them.
    """
    hashes = [sandbox.demo_flipbooks()[title]["hash"] for title in HISTORY_FLIPBOOKS]
    sandbox.set_options("flipbooks", ({"tracking": "chosen"}, {"flipbooks": hashes}))
    (entry,) = sandbox.entries()
    turn_on_history(sandbox, entry["entry_id"], len(hashes), HISTORY_DAYS)
    wait_for_complete_import(sandbox, len(hashes) * (HISTORY_DAYS + 1))

    config = readme_dashboard(entry["entry_id"])
    create_dashboard(page, README_DASHBOARD, "Flipsnack", config)
    open_dashboard(page, f"/{README_DASHBOARD}/{config['views'][0]['path']}")
    statistics_graph_bars(page, 30)
    # The chart draws its bars a moment after its data arrives.
    page.wait_for_timeout(2000)
    save(page, out / "dashboard.png", page.locator("hui-view ha-card"))

    graphs = readme_yaml(
        "## Dashboard example: daily views of a flipbook",
        entry["entry_id"],
        hashes[0],
        page="docs/history.md",
    )
    create_dashboard(
        page,
        HISTORY_DASHBOARD,
        "History",
        {"views": [{"path": "views", "panel": False, "cards": [graphs]}]},
    )
    open_dashboard(page, f"/{HISTORY_DASHBOARD}/views")
    statistics_graph_bars(page, HISTORY_DAYS)
    # The weekly graph's data comes beside the daily one's; both draw a moment later.
    page.wait_for_timeout(2000)
    save(page, out / "history.png", page.locator("hui-vertical-stack-card"))


STEPS: tuple[Callable[[Page, Sandbox, Path], None], ...] = (
    add_integration,
    device,
    flipbooks,
    lead_forms,
    history,
)


def take(out: Path) -> None:
    """Take every picture into `out`."""
    shutil.rmtree(WORKDIR, ignore_errors=True)
    WORKDIR.mkdir(parents=True)
    with running_sandbox(WORKDIR) as sandbox, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium())
        context = browser.new_context(viewport=VIEWPORT, base_url=sandbox.url)
        page = context.new_page()
        log_in(page, sandbox)
        hide_core_notices(page)
        for step in STEPS:
            step(page, sandbox, out)
        browser.close()
    shutil.rmtree(WORKDIR, ignore_errors=True)


def main() -> None:
    """Take the pictures; exit non-zero with the reason on failure."""
    parser = argparse.ArgumentParser(
        prog="scripts/screenshots", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--out", type=Path, default=IMAGES, help="where the PNGs go (docs/images)"
    )
    args = parser.parse_args()
    try:
        take(args.out.resolve())
    except (HarnessError, NoChromiumError, PictureTooLargeError) as err:
        sys.exit(f"screenshots: {err}; Home Assistant's files are in {WORKDIR}")


if __name__ == "__main__":
    main()
