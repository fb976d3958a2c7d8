"""Lead forms and orders: turned on in the options, and posts reaching their entities."""

from collections.abc import Iterator
import re

from playwright.sync_api import Page, expect
import pytest

from scripts.harness import Sandbox, request
from tests.browser.ui import (
    ACCOUNT_DEVICE,
    call_ws,
    entity_row,
    expect_state,
    open_device,
    open_options,
)
from tests.fake_flipsnack import FakeOrderItem, order_post

# Flipsnack posts only to HTTPS URLs on the internet; Home Assistant's internet URL in
# the network settings is the one without Home Assistant Cloud. The browser test posts to
# the same webhook path on Home Assistant's own address.
EXTERNAL_URL = "https://ha.example.com"
LEAD = {
    "type": "contact",
    "timestamp": 1777888800,
    "datetime": "2026-05-04 10:00:00",
    "flipbook_hash": "k7m2q9x",
    "flipbook_title": "Spring/Summer Catalogue 2026",
    "data": {"Name": "Ana Popescu", "Email": "ana.popescu@example.com"},
}
ORDER = order_post(
    "BROWSER-TEST-1",
    (
        FakeOrderItem(sku="SOFA-3S", name="Three-seat sofa", quantity=1, price=899.0),
        FakeOrderItem(sku="LAMP-ARC", name="Arc floor lamp", quantity=2, price=149.5),
    ),
    buyer={"Name": "Ana Popescu", "Email": "ana.popescu@example.com"},
)


@pytest.fixture
def external_url(page: Page) -> Iterator[str]:
    """Give Home Assistant an HTTPS internet URL, as in its network settings."""
    call_ws(page, {"type": "config/core/update", "external_url": EXTERNAL_URL})
    yield EXTERNAL_URL
    call_ws(page, {"type": "config/core/update", "external_url": None})


@pytest.mark.usefixtures("entry")
def test_lead_forms_turn_on_and_a_lead_fires_the_lead_form_entity(
    page: Page, sandbox: Sandbox, external_url: str
) -> None:
    """The options show the URL to paste into Flipsnack; a lead posted there arrives."""
    dialog = open_options(page, "Lead forms and orders")
    # The first switch is Receive lead forms; the second, Receive orders, stays off.
    dialog.locator("ha-switch").first.click()
    dialog.get_by_role("button", name="Submit").click()
    shown = dialog.get_by_text(f"{external_url}/api/webhook/")
    expect(shown).to_be_visible()
    url = shown.inner_text().strip()
    assert re.fullmatch(rf"{re.escape(external_url)}/api/webhook/[0-9a-f]{{64}}", url)
    dialog.get_by_role("button", name="Submit").click()
    expect(dialog.get_by_text("Options successfully saved")).to_be_visible()
    dialog.get_by_role("button", name="Finish").click()

    open_device(page, ACCOUNT_DEVICE)
    lead_form = entity_row(page, "Lead form")
    expect(lead_form).to_contain_text("Unknown")
    request(sandbox.url + url.removeprefix(external_url), data=LEAD)
    expect(lead_form).not_to_contain_text("Unknown")
    state = sandbox.entity_state("event.flipsnack_7832_lead_form")
    assert state["attributes"]["flipbook_title"] == LEAD["flipbook_title"]
    assert state["attributes"]["fields"] == LEAD["data"]


@pytest.mark.usefixtures("entry")
def test_orders_turn_on_and_an_order_fires_the_order_entity(
    page: Page, sandbox: Sandbox, external_url: str
) -> None:
    """Receive orders gives the Order entity and the sensors; an order posted arrives."""
    dialog = open_options(page, "Lead forms and orders")
    # The second switch is Receive orders.
    switches = dialog.locator("ha-switch")
    switches.nth(1).click()
    dialog.get_by_role("button", name="Submit").click()
    shown = dialog.get_by_text(f"{external_url}/api/webhook/")
    expect(shown).to_be_visible()
    url = shown.inner_text().strip()
    dialog.get_by_role("button", name="Submit").click()
    dialog.get_by_role("button", name="Finish").click()

    open_device(page, ACCOUNT_DEVICE)
    order = entity_row(page, "Order")
    expect(order).to_contain_text("Unknown")
    expect_state(entity_row(page, "Orders"), "Orders", "0")
    request(sandbox.url + url.removeprefix(external_url), data=ORDER)
    expect(order).not_to_contain_text("Unknown")
    expect_state(entity_row(page, "Orders"), "Orders", "1")
    # The frontend writes the amount in the currency's own way; its figures are these.
    expect(entity_row(page, "Order value EUR")).to_contain_text("1,198")
    state = sandbox.entity_state("event.flipsnack_7832_order")
    assert state["attributes"]["order_id"] == ORDER["order_id"]
    assert state["attributes"]["total_price"] == ORDER["total_price"]
