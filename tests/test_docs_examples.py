"""Tests that run the docs pages' examples in Home Assistant and compare what they do.

The automations of docs/lead-forms.md and docs/orders.md, the script of docs/actions.md
and the test lead that docs/lead-forms.md sends with curl.
"""

from datetime import timedelta
import json
import shlex
from urllib.parse import urlsplit

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.webhook import async_generate_path
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_mock_service,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
import yaml

from custom_components.flipsnack.const import DOMAIN

from . import add_spring_catalog, setup_integration
from .const import WEBHOOK_ID
from .fake_flipsnack import FakeFlipsnack, FakeOrderItem, order_post
from .markdown import code_blocks, section
from .test_orders import BUYER
from .test_webhook import ENTITY_ID as LEAD_FORM_ENTITY_ID, FIELDS, LEAD
from .user_guide import README, page

# Where docs/lead-forms.md sends its test lead: the example URL with its webhook id.
TEST_LEAD_PATH = "/api/webhook/YOUR_WEBHOOK_ID"


async def _set_up_automations(hass: HomeAssistant, text: str, heading: str) -> int:
    """Set up every automation under heading; return how many there are."""
    automations = [
        yaml.safe_load(block) for block in code_blocks(section(text, heading), "yaml")
    ]
    assert await async_setup_component(hass, "automation", {"automation": automations})
    await hass.async_block_till_done()
    return len(automations)


def _field_lines(fields: dict[str, str]) -> str:
    """Return the fields as the examples write them: a line "name: value" each."""
    return "\n".join(f"{name}: {value}" for name, value in fields.items())


async def test_lead_form_automations_run(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    init_lead_forms: MockConfigEntry,
) -> None:
    """The lead form automations of docs/lead-forms.md run once for each lead.

    One notifies with the lead's fields, the other adds the lead to a to-do list, its
    fields in the item's description.
    """
    notifications = async_mock_service(hass, "notify", "mobile_app_your_phone")
    items = async_mock_service(hass, "todo", "add_item")
    assert (
        await _set_up_automations(hass, page("lead-forms.md"), "## Automation examples")
        == 2
    )
    client = await hass_client_no_auth()

    for timestamp in (1, 2):
        response = await client.post(
            async_generate_path(WEBHOOK_ID), json={**LEAD, "timestamp": timestamp}
        )
        assert response.status == 200
        await hass.async_block_till_done()

    assert len(notifications) == 2
    assert notifications[0].data == {
        "title": f"New lead from {LEAD['flipbook_title']}",
        "message": _field_lines(FIELDS),
    }
    assert len(items) == 2
    assert items[0].data == {
        "entity_id": ["todo.leads"],
        "item": f"Lead from {LEAD['flipbook_title']}",
        "description": _field_lines(FIELDS),
    }

    # Reloading the entry brings back the last lead; it must not run them again.
    assert await hass.config_entries.async_reload(init_lead_forms.entry_id)
    await hass.async_block_till_done()
    assert len(notifications) == 2
    assert len(items) == 2


def _curl_request(block: str) -> tuple[str, str, dict[str, str], str]:
    """Return the method, URL, headers and body of a curl command."""
    command, *arguments = shlex.split(block.replace("\\\n", " "))
    assert command == "curl"
    method, urls, headers, body = "GET", [], {}, ""
    options = iter(arguments)
    for argument in options:
        if argument == "-X":
            method = next(options)
        elif argument == "-H":
            name, _, value = next(options).partition(":")
            headers[name] = value.strip()
        elif argument == "-d":
            body = next(options)
        else:
            assert not argument.startswith("-"), f"unexpected curl option {argument}"
            urls.append(argument)
    (url,) = urls
    return method, url, headers, body


async def test_test_lead_arrives_as_described(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    init_lead_forms: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The curl command of docs/lead-forms.md posts a lead the entity shows.

    Home Assistant answers with success and an empty body, and the lead has the time it
    arrived as submitted_at, since it has no time of its own.
    """
    (block,) = code_blocks(
        section(page("lead-forms.md"), "## Send a test lead"), "bash"
    )
    method, url, headers, body = _curl_request(block)
    assert (method, urlsplit(url).path) == ("POST", TEST_LEAD_PATH)
    assert headers == {"Content-Type": "application/json"}
    lead = json.loads(body)
    assert lead["flipbook_title"] == "Test from curl"
    freezer.move_to("2026-05-04T10:00:02+00:00")

    client = await hass_client_no_auth()
    response = await client.post(
        async_generate_path(WEBHOOK_ID), data=body, headers=headers
    )
    assert response.status == 200
    assert await response.text() == ""
    await hass.async_block_till_done()

    state = hass.states.get(LEAD_FORM_ENTITY_ID)
    assert state is not None
    assert state.attributes["event_type"] == "contact_submitted"
    assert state.attributes["flipbook_title"] == "Test from curl"
    assert state.attributes["fields"] == lead["data"]
    assert lead["data"] == {"Name": "Test lead", "Email": "test@example.com"}
    assert state.attributes["submitted_at"] == "2026-05-04T10:00:02+00:00"


async def test_order_automation_runs(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    init_orders: MockConfigEntry,
) -> None:
    """The order automation of docs/orders.md notifies of large orders, with the items."""
    calls = async_mock_service(hass, "notify", "mobile_app_your_phone")
    assert (
        await _set_up_automations(
            hass, page("orders.md"), "## Order automation example"
        )
        == 1
    )
    client = await hass_client_no_auth()
    large = [
        FakeOrderItem(sku="SOFA-3", name="Sofa", price=1249),
        FakeOrderItem(sku="CHAIR", name="Chair", quantity=4, price=189.5),
    ]
    small = [FakeOrderItem(sku="THROW", name="Throw", price=59.9)]
    for order in (
        order_post("FS-1", large, buyer=BUYER, currency="EUR"),
        order_post("FS-2", small, buyer=BUYER, currency="EUR"),
        order_post("FS-3", large, buyer=BUYER, currency="RON"),
        order_post("FS-4", [FakeOrderItem(sku="S", name="Swatch")], buyer=BUYER),
    ):
        response = await client.post(async_generate_path(WEBHOOK_ID), json=order)
        assert response.status == 200
        await hass.async_block_till_done()

    assert [call.data for call in calls] == [
        {
            "title": "Order of 2007.0 EUR",
            "message": "1 x Sofa (SOFA-3)\n4 x Chair (CHAIR)",
        }
    ]


async def test_statistics_script_runs_and_the_response_is_as_shown(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipsnack: FakeFlipsnack,
    mock_config_entry: MockConfigEntry,
) -> None:
    """The script of docs/actions.md notifies last week's figures of the flipbook.

    On Tuesday 10 March 2026 last week is 2 to 8 March: the figures of 1 and 9 March stay
    out. Asked for its pages, the action answers what the page shows, and the README's
    call asks for the same flipbook and week.
    """
    actions = section(page("actions.md"), "# Actions")
    response_example, script, weekly = code_blocks(actions, "yaml")
    freezer.move_to("2026-03-10T17:00:00+00:00")
    add_spring_catalog(flipsnack)
    await setup_integration(hass, mock_config_entry)
    calls = async_mock_service(hass, "notify", "mobile_app_your_phone")
    config = yaml.safe_load(script.replace("YOUR_ENTRY_ID", mock_config_entry.entry_id))
    assert await async_setup_component(
        hass, "script", {"script": {"flipsnack_views_of_last_week": config}}
    )
    # Later than the setup's call, the scheduler lets the listing and the statistics
    # call through at once, without simulated time having to pass.
    freezer.tick(timedelta(minutes=1))

    await hass.services.async_call(
        "script",
        "flipsnack_views_of_last_week",
        {"flipbook": "Spring catalog"},
        blocking=True,
    )

    assert [call.data for call in calls] == [
        {
            "title": "Spring catalog",
            "message": "37 views and 115 impressions from 2026-03-02 to 2026-03-08.",
        }
    ]
    weekly_actions = yaml.safe_load(weekly)["actions"]
    assert weekly_actions[0]["action"] == "script.flipsnack_views_of_last_week"

    freezer.tick(timedelta(minutes=1))
    response = await hass.services.async_call(
        DOMAIN,
        "get_statistics",
        {
            "config_entry_id": mock_config_entry.entry_id,
            "flipbook": "spring-catalog",
            "start_date": "2026-03-02",
            "end_date": "2026-03-08",
            "include_pages": True,
        },
        blocking=True,
        return_response=True,
    )
    assert response == yaml.safe_load(response_example)

    (readme_call,) = code_blocks(section(README, "### The action"), "yaml")
    call = yaml.safe_load(readme_call)
    assert call["action"] == f"{DOMAIN}.get_statistics"
    assert call["response_variable"]
    assert call["data"] == {
        "config_entry_id": "YOUR_ENTRY_ID",
        "flipbook": "Spring catalog",
        "start_date": "2026-03-02",
        "end_date": "2026-03-08",
    }
