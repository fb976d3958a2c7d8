"""Tests for the lead form webhook in demo mode, where plain HTTP is allowed.

Flipsnack only posts to HTTPS URLs on the internet, so without demo mode the options refuse
to turn lead forms on without one. In demo mode the demo's send-lead command posts the leads,
from the same machine, so Home Assistant's local URL is good enough.
"""

from typing import Any

from homeassistant.components.http import ApiConfig
from homeassistant.components.webhook import async_generate_path
from homeassistant.const import CONF_API_KEY, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.flipsnack.api import DEFAULT_BASE_URL
from custom_components.flipsnack.const import (
    CONF_API_SECRET,
    CONF_LEAD_FORMS,
    CONF_WEBHOOK_URL,
    DOMAIN,
)
from custom_components.flipsnack.environment import DEMO_ENV
from custom_components.flipsnack.webhook_url import (
    UrlKind,
    UrlProblem,
    WebhookUrl,
    async_get_webhook_url,
)

from .const import API_KEY, API_SECRET, EXTERNAL_URL, WEBHOOK_ID, WEBHOOK_URL
from .fake_flipsnack import FakeFlipsnack
from .test_webhook import ENTITY_ID, LEAD

PATH = async_generate_path(WEBHOOK_ID)
# Home Assistant's test plugin gives every test this source IP address.
LOCAL_BASE_URL = "http://10.10.10.10:8123"


@pytest.fixture
def demo_mode(flipsnack: FakeFlipsnack, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the integration in demo mode: against the fake, with FLIPSNACK_DEMO=1."""
    monkeypatch.setenv(DEMO_ENV, "1")


@pytest.fixture
def entry(hass: HomeAssistant) -> MockConfigEntry:
    """Return an entry with a webhook id, not set up."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={
            CONF_API_KEY: API_KEY,
            CONF_API_SECRET: API_SECRET,
            CONF_WEBHOOK_ID: WEBHOOK_ID,
        },
    )
    entry.add_to_hass(hass)
    return entry


async def _turn_on(hass: HomeAssistant, entry: MockConfigEntry) -> Any:
    """Open the lead form options and ask to turn them on; return the next step."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "lead_forms"}
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_LEAD_FORMS: True}
    )
    await hass.async_block_till_done()
    return result


@pytest.mark.parametrize(
    "external", [None, "http://ha.example.com:8123"], ids=["no_url", "http"]
)
@pytest.mark.parametrize("demo", [None, "0"], ids=["unset", "not_1"])
async def test_without_demo_mode_plain_http_is_refused(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    external: str | None,
    demo: str | None,
) -> None:
    """Against another API but without FLIPSNACK_DEMO=1, the HTTPS rule holds."""
    # The other switch is on: the integration talks to the fake.
    assert init_integration.runtime_data.client.base_url != DEFAULT_BASE_URL
    if demo is not None:
        monkeypatch.setenv(DEMO_ENV, demo)
    hass.config.external_url = external

    result = await _turn_on(hass, init_integration)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "lead_forms"
    assert result["errors"] == {
        "base": UrlProblem.NO_URL if external is None else UrlProblem.URL_NOT_HTTPS
    }
    assert init_integration.options == {}
    assert DEMO_ENV not in caplog.text


@pytest.mark.parametrize(
    "external", [None, "http://ha.example.com:8123"], ids=["no_url", "http"]
)
@pytest.mark.usefixtures("demo_mode")
async def test_demo_mode_turns_lead_forms_on_at_the_local_url(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    issue_registry: ir.IssueRegistry,
    caplog: pytest.LogCaptureFixture,
    external: str | None,
) -> None:
    """In demo mode the options show the local plain-HTTP URL, and leads arrive there."""
    hass.config.external_url = external

    result = await _turn_on(hass, init_integration)
    assert result["step_id"] == "lead_forms_url"
    path = async_generate_path(init_integration.data[CONF_WEBHOOK_ID])
    url = f"{LOCAL_BASE_URL}{path}"
    assert result["description_placeholders"] == {"webhook_url": url}
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert init_integration.data[CONF_WEBHOOK_URL] == url
    lead_webhook = init_integration.runtime_data.lead_webhook
    assert lead_webhook is not None
    assert lead_webhook.url_watcher.url == WebhookUrl(UrlKind.LOCAL, url)
    assert issue_registry.issues == {}
    warnings = [r for r in caplog.records if DEMO_ENV in r.getMessage()]
    assert [r.levelname for r in warnings] == ["WARNING"]

    client = await hass_client_no_auth()
    response = await client.post(path, json=LEAD)
    assert response.status == 200
    state = hass.states.get(ENTITY_ID)
    assert state is not None
    assert state.attributes["flipbook_title"] == LEAD["flipbook_title"]


@pytest.mark.usefixtures("demo_mode", "external_url")
async def test_demo_mode_keeps_an_https_url(
    hass: HomeAssistant,
    lead_forms_config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Demo mode only fills the gap: a URL Flipsnack can reach is used as before."""
    assert await async_get_webhook_url(hass, lead_forms_config_entry) == WebhookUrl(
        UrlKind.EXTERNAL, WEBHOOK_URL
    )
    assert EXTERNAL_URL in WEBHOOK_URL
    assert DEMO_ENV not in caplog.text


@pytest.mark.usefixtures("demo_mode")
async def test_demo_mode_prefers_the_internal_url(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """An internal URL of the network settings is the local URL, HTTP or not."""
    hass.config.internal_url = "http://homeassistant.local:8123"

    assert await async_get_webhook_url(hass, entry) == WebhookUrl(
        UrlKind.LOCAL, f"http://homeassistant.local:8123{PATH}"
    )


@pytest.mark.usefixtures("demo_mode")
async def test_demo_mode_on_a_machine_without_a_network(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """With only a loopback address the demo, on the same machine, still gets a URL."""
    hass.config.api = ApiConfig("127.0.0.1", "0.0.0.0", 8124, use_ssl=False)  # noqa: S104

    assert await async_get_webhook_url(hass, entry) == WebhookUrl(
        UrlKind.LOCAL, f"http://127.0.0.1:8124{PATH}"
    )


@pytest.mark.usefixtures("demo_mode")
async def test_demo_mode_without_the_http_server(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """Without Home Assistant's HTTP server there is no local URL either."""
    assert hass.config.api is None

    assert await async_get_webhook_url(hass, entry) == WebhookUrl(
        UrlKind.NONE, problem=UrlProblem.NO_URL
    )
