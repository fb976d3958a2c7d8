"""What the browser tests and `scripts/screenshots` do in Home Assistant's UI.

Home Assistant's frontend is made of web components with open shadow roots; Playwright's
CSS and text locators pierce them, so the locators below name the components as the
frontend's source does (`dialog-data-entry-flow`, `ha-form`, `hui-sensor-entity-row`).
"""

from datetime import UTC, datetime
import json
import math
import os
import re
import shutil
import time
from typing import Any

from playwright.sync_api import Error as PlaywrightError, Locator, Page, expect
import yaml

from scripts.harness import PASSWORD, ROOT, USERNAME, Sandbox
from tests.markdown import code_blocks, section

# A laptop's window: the pictures stay readable in the README and small on disk.
VIEWPORT = {"width": 1280, "height": 800}
ACCOUNT_DEVICE = "Flipsnack …7832"
STRINGS = json.loads(
    (ROOT / "custom_components" / "flipsnack" / "strings.json").read_text(
        encoding="utf-8"
    )
)
# The entity rows of the device page's cards and of entities cards.
ENTITY_ROWS = "hui-sensor-entity-row, hui-event-entity-row, hui-simple-entity-row"
README_DASHBOARD = "dashboard-flipsnack"
# The example entry id and flipbook hash of the README's statistic ids.
README_ENTRY = "01jexampleentry"
README_FLIPBOOK = "spring_catalog_hash"
# How long a statistics graph may take to draw what the recorder has, in seconds.
CHART_TIMEOUT = 20.0

# The frontend keeps its connection to Home Assistant on the <home-assistant> element;
# the tests use it as the frontend's own code does, to call the WebSocket API.
_CALL_WS = "(message) => document.querySelector('home-assistant').hass.callWS(message)"
_FRONTEND_READY = "() => document.querySelector('home-assistant')?.hass?.connected"
# The form's errors: ha-form puts a field's error right before the field (whose schema
# names it), and the flow dialog puts the form's own errors above the form.
_FORM_ERRORS = """alerts => Object.fromEntries(alerts.map(alert => [
    alert.nextElementSibling?.schema?.name ?? "base",
    alert.innerText.trim(),
]))"""


class NoChromiumError(Exception):
    """No Chromium is installed, or FLIPSNACK_CHROMIUM does not name one."""


def find_chromium() -> str:
    """Return the path of the system's Chromium.

    `FLIPSNACK_CHROMIUM` overrides the search.

    Raises:
        NoChromiumError: No Chromium is installed.
    """
    if configured := os.environ.get("FLIPSNACK_CHROMIUM"):
        return configured
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    raise NoChromiumError(
        "no Chromium found: install it (Debian and Ubuntu: apt-get install chromium),"
        " or set FLIPSNACK_CHROMIUM to a Chromium or Chrome executable"
    )


def log_in(page: Page, sandbox: Sandbox) -> None:
    """Log in as the owner through Home Assistant's login form."""
    page.goto(sandbox.url)
    page.get_by_role("textbox", name="Username").fill(USERNAME)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/auth/"))
    wait_for_frontend(page)


def wait_for_frontend(page: Page) -> None:
    """Wait until the frontend is connected to Home Assistant."""
    page.wait_for_function(_FRONTEND_READY)


def call_ws(page: Page, message: dict[str, Any]) -> Any:
    """Send a WebSocket API command on the frontend's connection; return its result.

    A page that shows nothing yet opens the frontend first.
    """
    if page.url == "about:blank":
        page.goto("/")
    wait_for_frontend(page)
    return page.evaluate(_CALL_WS, message)


def shown_duration(seconds: int) -> str:
    """Return how the frontend shows a Time spent of `seconds`, in English.

    The state is in hours, as Home Assistant converts and writes it (15 significant
    digits). The frontend rounds it to the display precision of 4, and writes the
    whole hours and the whole minutes of the rest as `Intl.DurationFormat` does in its
    narrow style, leaving out zero minutes: "1h 33m", "0h 2m", "5,084h", "0h".
    """
    state = float(f"{seconds * (1 / 3600):.15}")
    rounded = math.floor(state * 10**4 + 0.5) / 10**4
    hours = math.floor(rounded)
    minutes = math.floor((rounded - hours) * 60)
    return f"{hours:,}h {minutes}m" if minutes else f"{hours:,}h"


# Devices & services


def open_add_integration_form(page: Page) -> Locator:
    """Go Settings > Devices & services > Add integration > Flipsnack; return the dialog."""
    page.goto("/")
    wait_for_frontend(page)
    # The sidebar's link is named with its badge, such as "1 Settings 1".
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Devices & services").click()
    page.get_by_role("button", name="Add integration").click()
    page.get_by_placeholder("Search for a brand name").fill("Flipsnack")
    page.get_by_role("button", name="Flipsnack", exact=True).click()
    dialog = flow_dialog(page)
    expect(dialog.get_by_role("textbox", name="API key")).to_be_visible()
    return dialog


def flow_dialog(page: Page) -> Locator:
    """Return the dialog of the config, options or repair flow shown."""
    return page.locator("dialog-data-entry-flow")


def form_errors(dialog: Locator) -> dict[str, str]:
    """Return the errors a flow form shows: by field name, "base" for the form's own."""
    errors: dict[str, str] = dialog.locator("ha-alert[alert-type=error]").evaluate_all(
        _FORM_ERRORS
    )
    return errors


def submit_credentials(dialog: Locator, api_key: str, api_secret: str) -> None:
    """Fill in the API key and secret of a Flipsnack form and submit it."""
    dialog.get_by_role("textbox", name="API key").fill(api_key)
    dialog.get_by_role("textbox", name="API secret").fill(api_secret)
    dialog.get_by_role("button", name="Submit").click()


def open_options(page: Page, menu_option: str) -> Locator:
    """Open the Flipsnack entry's options at one entry of their menu; return the dialog."""
    page.goto("/config/integrations/integration/flipsnack")
    page.get_by_role("button", name="Configure").first.click()
    dialog = flow_dialog(page)
    dialog.get_by_text(menu_option, exact=True).click()
    return dialog


# Devices and dashboards


def device_id(page: Page, name: str) -> str:
    """Return the id of the device with this name."""
    devices = call_ws(page, {"type": "config/device_registry/list"})
    (found,) = (device["id"] for device in devices if device["name"] == name)
    return str(found)


def open_device(page: Page, name: str) -> None:
    """Open the page of the device with this name."""
    page.goto(f"/config/devices/device/{device_id(page, name)}")
    expect(page.get_by_text(name).first).to_be_visible()


def entity_row(scope: Page | Locator, name: str) -> Locator:
    """Return the entity row of this name in the cards on the page or in a card."""
    page = scope if isinstance(scope, Page) else scope.page
    # The inner locator of `has` is looked for inside each row.
    return scope.locator(ENTITY_ROWS).filter(has=page.get_by_text(name, exact=True))


def expect_state(row: Locator, name: str, shown: str) -> None:
    """Wait until an entity row shows this name and state, and nothing else."""
    expect(row).to_match_aria_snapshot(f"- text: {json.dumps(f'{name} {shown}')}")


def readme_yaml(
    heading: str, entry_id: str, flipbook_hash: str = "", page: str = "README.md"
) -> dict[str, Any]:
    """Return the first YAML example under a heading of the README or a docs page.

    page is the file's path in the repository, such as "docs/history.md". The examples'
    statistic ids hold an example entry's id and flipbook hash, which a reader replaces
    with their own, as this does.
    """
    markdown = (ROOT / page).read_text(encoding="utf-8")
    block = code_blocks(section(markdown, heading), "yaml")[0]
    block = block.replace(README_ENTRY, entry_id.lower())
    if flipbook_hash:
        block = block.replace(README_FLIPBOOK, flipbook_hash.lower())
    example: dict[str, Any] = yaml.safe_load(block)
    return example


def readme_dashboard(entry_id: str) -> dict[str, Any]:
    """Return the dashboard of the README's Dashboard example, for this entry."""
    return readme_yaml("### Dashboard", entry_id)


def create_dashboard(
    page: Page, url_path: str, title: str, config: dict[str, Any]
) -> None:
    """Create a dashboard in the sidebar with this configuration, or replace its own."""
    dashboards = call_ws(page, {"type": "lovelace/dashboards/list"})
    if url_path not in {dashboard["url_path"] for dashboard in dashboards}:
        call_ws(
            page,
            {
                "type": "lovelace/dashboards/create",
                "url_path": url_path,
                "title": title,
                "icon": "mdi:book-open-page-variant",
                "mode": "storage",
                "show_in_sidebar": True,
                "require_admin": False,
            },
        )
    call_ws(
        page, {"type": "lovelace/config/save", "url_path": url_path, "config": config}
    )


def open_dashboard(page: Page, path: str) -> None:
    """Open a dashboard's view just created or changed.

    A new dashboard makes the frontend reload its panels, which can abort a navigation
    started at that moment (net::ERR_ABORTED): then it is opened once more.
    """
    try:
        page.goto(path)
    except PlaywrightError as err:
        if "ERR_ABORTED" not in err.message:
            raise
        page.goto(path)


def statistics_graph_bars(page: Page, bars: int) -> dict[str, dict[str, float]]:
    """Return the bars the first statistics graph card draws: by series, by UTC date.

    Read from the chart's own series (ha-chart-base's data), which echarts draws on the
    canvas: each bar is [start in ms, value, start, end]. Waits until one series has
    this many bars, since the card draws what it has while the statistics arrive.
    """
    chart = page.locator("hui-statistics-graph-card ha-chart-base").first
    expect(chart.locator("canvas").first).to_be_visible()
    deadline = time.monotonic() + CHART_TIMEOUT
    while True:
        series: list[dict[str, Any]] = chart.evaluate("chart => chart.data ?? []")
        drawn = {
            line["id"]: {
                datetime.fromtimestamp(bar[0] / 1000, UTC).date().isoformat(): bar[1]
                for bar in line["data"]
            }
            for line in series
        }
        if any(len(days) >= bars for days in drawn.values()):
            return drawn
        if time.monotonic() > deadline:
            return drawn
        page.wait_for_timeout(500)
