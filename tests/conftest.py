"""Fixtures for the Flipsnack tests."""

from collections.abc import AsyncGenerator, Generator
from typing import Any
from unittest.mock import AsyncMock, patch

import aiohttp
from aiohttp.test_utils import TestClient
from homeassistant.components import cloud
from homeassistant.const import CONF_API_KEY, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.flipsnack.config_flow import account_unique_id
from custom_components.flipsnack.const import (
    CONF_API_SECRET,
    CONF_LEAD_FORMS,
    CONF_ORDERS,
    CONF_WEBHOOK_URL,
    DOMAIN,
)
from custom_components.flipsnack.environment import API_URL_ENV, DEMO_ENV

from . import setup_integration
from .const import (
    API_KEY,
    API_SECRET,
    CLOUDHOOK_URL,
    EXTERNAL_URL,
    UNREACHABLE_BASE_URL,
    WEBHOOK_ID,
    WEBHOOK_URL,
)
from .deprecation_guard import failing_on_deprecation_reports
from .fake_flipsnack import FakeFlipsnack


@pytest.fixture(autouse=True)
def no_deprecation_reports() -> Generator[None]:
    """Fail every test in which Home Assistant reports a deprecated use by the integration.

    Home Assistant only logs them (`report_usage`, the deprecation helpers); this makes
    them fail on every release the suite runs on, from set-up to teardown.
    """
    with failing_on_deprecation_reports():
        yield


@pytest.fixture
async def fake_flipsnack(socket_enabled: None) -> AsyncGenerator[FakeFlipsnack]:
    """Serve a fake Flipsnack API that knows the test account on 127.0.0.1.

    Home Assistant's test plugin blocks sockets; `socket_enabled` lifts that,
    and connections stay limited to 127.0.0.1.
    """
    fake = FakeFlipsnack()
    fake.add_account(API_KEY, API_SECRET)
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def session() -> AsyncGenerator[aiohttp.ClientSession]:
    """Open a plain aiohttp session, for the tests that run without Home Assistant."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Serialize snapshots the way Home Assistant core does.

    Syrupy's own fixture can shadow the one the Home Assistant plugin provides.
    """
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def mock_config_entry() -> MockConfigEntry:
    """Return the config entry of the test account, as the config flow makes it."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Flipsnack …7832",
        unique_id=account_unique_id(API_KEY),
        data={CONF_API_KEY: API_KEY, CONF_API_SECRET: API_SECRET},
        entry_id="01JFLIPSNACKTESTENTRY00000",
    )


@pytest.fixture
def mock_setup_entry() -> Generator[AsyncMock]:
    """Keep config flow tests from setting up the entry they create."""
    with patch(
        "custom_components.flipsnack.async_setup_entry", return_value=True
    ) as mock_setup:
        yield mock_setup


@pytest.fixture
def flipsnack(
    enable_custom_integrations: None,
    fake_flipsnack: FakeFlipsnack,
    monkeypatch: pytest.MonkeyPatch,
) -> FakeFlipsnack:
    """Load the integration from custom_components/ and point it at the fake API.

    The integration keeps its real client and Home Assistant's shared web session;
    only the base URL changes, through the developers' environment variable, so every
    test talks HTTP to the fake on 127.0.0.1. Demo mode stays off, whatever the shell
    says, so that the tests see the rules users get.
    """
    monkeypatch.setenv(API_URL_ENV, fake_flipsnack.url)
    monkeypatch.delenv(DEMO_ENV, raising=False)
    return fake_flipsnack


@pytest.fixture
def unreachable_api() -> Generator[None]:
    """Point the integration at an address where nothing listens."""
    with patch(
        "custom_components.flipsnack.environment._async_api_url",
        return_value=UNREACHABLE_BASE_URL,
    ):
        yield


@pytest.fixture
async def init_integration(
    hass: HomeAssistant, flipsnack: FakeFlipsnack, mock_config_entry: MockConfigEntry
) -> MockConfigEntry:
    """Set up the integration for the test account."""
    await setup_integration(hass, mock_config_entry)
    return mock_config_entry


@pytest.fixture
def lead_forms_config_entry() -> MockConfigEntry:
    """Return the test account's entry with lead forms on, as the options flow leaves it.

    The user was shown the URL at the external URL, and pasted it into Flipsnack.
    """
    return MockConfigEntry(
        domain=DOMAIN,
        title="Flipsnack …7832",
        unique_id=account_unique_id(API_KEY),
        data={
            CONF_API_KEY: API_KEY,
            CONF_API_SECRET: API_SECRET,
            CONF_WEBHOOK_ID: WEBHOOK_ID,
            CONF_WEBHOOK_URL: WEBHOOK_URL,
        },
        options={CONF_LEAD_FORMS: True},
        entry_id="01JFLIPSNACKTESTENTRY00000",
    )


@pytest.fixture
def external_url(hass: HomeAssistant) -> str:
    """Give Home Assistant an external HTTPS URL, as in its network settings."""
    hass.config.external_url = EXTERNAL_URL
    return EXTERNAL_URL


@pytest.fixture
async def init_lead_forms(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    external_url: str,
    lead_forms_config_entry: MockConfigEntry,
) -> MockConfigEntry:
    """Set up the test account with lead forms on, reachable at the external URL."""
    await setup_integration(hass, lead_forms_config_entry)
    return lead_forms_config_entry


@pytest.fixture
def orders_config_entry(lead_forms_config_entry: MockConfigEntry) -> MockConfigEntry:
    """Return the test account's entry with orders on and lead forms off."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=lead_forms_config_entry.title,
        unique_id=lead_forms_config_entry.unique_id,
        data=dict(lead_forms_config_entry.data),
        options={CONF_ORDERS: True},
        entry_id=lead_forms_config_entry.entry_id,
    )


@pytest.fixture
async def init_orders(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    external_url: str,
    orders_config_entry: MockConfigEntry,
) -> MockConfigEntry:
    """Set up the test account with orders on, reachable at the external URL."""
    await setup_integration(hass, orders_config_entry)
    return orders_config_entry


@pytest.fixture
async def orders_client(
    hass_client_no_auth: ClientSessionGenerator, init_orders: MockConfigEntry
) -> TestClient:
    """Return a client posting to the webhook of a loaded entry with orders on."""
    return await hass_client_no_auth()


@pytest.fixture
def subscribed() -> Generator[dict[str, Any]]:
    """Sign Home Assistant in to Home Assistant Cloud, connected, with a subscription.

    The cloudhook that Home Assistant Cloud makes is CLOUDHOOK_URL.
    """
    with (
        patch.object(cloud, "async_active_subscription", return_value=True) as active,
        patch.object(cloud, "async_is_connected", return_value=True) as connected,
        patch.object(
            cloud, "async_get_or_create_cloudhook", return_value=CLOUDHOOK_URL
        ) as get_cloudhook,
        patch.object(cloud, "async_delete_cloudhook") as delete_cloudhook,
    ):
        yield {
            "active": active,
            "connected": connected,
            "get_cloudhook": get_cloudhook,
            "delete_cloudhook": delete_cloudhook,
        }
