"""Tests for setting up and unloading the Flipsnack integration."""

from unittest.mock import patch

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers.update_coordinator import UpdateFailed
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.flipsnack.const import DOMAIN
from custom_components.flipsnack.coordinator import FlipsnackAccountCoordinator

from . import setup_integration
from .const import API_KEY, API_SECRET
from .fake_flipsnack import FakeFlipsnack, FakeMode


async def test_load_unload_entry(
    hass: HomeAssistant, flipsnack: FakeFlipsnack, mock_config_entry: MockConfigEntry
) -> None:
    """The entry loads with one call to Flipsnack and unloads cleanly."""
    await setup_integration(hass, mock_config_entry)

    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert len(flipsnack.requests) == 1
    assert mock_config_entry.runtime_data.account.data.views == 3719

    await hass.config_entries.async_unload(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.NOT_LOADED


@pytest.mark.parametrize(
    "mode", [FakeMode.MAINTENANCE, FakeMode.HTTP_500, FakeMode.TRUNCATED_JSON]
)
async def test_setup_retries_when_flipsnack_is_unavailable(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    mock_config_entry: MockConfigEntry,
    mode: FakeMode,
) -> None:
    """Maintenance and broken answers make Home Assistant retry the setup later."""
    flipsnack.mode = mode
    await setup_integration(hass, mock_config_entry)

    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)


@pytest.mark.usefixtures("unreachable_api", "flipsnack")
async def test_setup_retries_when_flipsnack_cannot_be_reached(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """A refused connection makes Home Assistant retry the setup later."""
    await setup_integration(hass, mock_config_entry)

    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY


async def test_setup_retries_when_rate_limited(
    hass: HomeAssistant, flipsnack: FakeFlipsnack, mock_config_entry: MockConfigEntry
) -> None:
    """A throttled first refresh is retried, and says after how long.

    Home Assistant 2026.11 and newer wait that long before the retry (the cause's
    retry_after becomes the ConfigEntryNotReady's); older releases use their backoff.
    """
    flipsnack.envelope_override = {
        "code": 32,
        "status": "Requests per minute limit exceeded",
    }
    first_refresh = FlipsnackAccountCoordinator.async_config_entry_first_refresh
    not_ready: list[ConfigEntryNotReady] = []

    async def noting_first_refresh(coordinator: FlipsnackAccountCoordinator) -> None:
        try:
            await first_refresh(coordinator)
        except ConfigEntryNotReady as err:
            not_ready.append(err)
            raise

    with patch.object(
        FlipsnackAccountCoordinator,
        "async_config_entry_first_refresh",
        noting_first_refresh,
    ):
        await setup_integration(hass, mock_config_entry)

    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    (err,) = not_ready
    assert isinstance(err.__cause__, UpdateFailed)
    assert err.__cause__.retry_after == 60


@pytest.mark.parametrize(
    ("api_key", "api_secret"),
    [(API_KEY, "rotated-secret"), ("REVOKED-KEY-0000", API_SECRET)],
    ids=["secret_rotated", "key_revoked"],
)
async def test_setup_with_refused_credentials_starts_reauth(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    mock_config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    api_key: str,
    api_secret: str,
) -> None:
    """Credentials Flipsnack refuses fail the setup and ask the user for new ones."""
    flipsnack.accounts.clear()
    flipsnack.add_account(api_key, api_secret)
    await setup_integration(hass, mock_config_entry)

    assert mock_config_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert len(flows) == 1
    assert flows[0]["context"]["source"] == SOURCE_REAUTH
    assert flows[0]["context"]["entry_id"] == mock_config_entry.entry_id
    for secret in (API_KEY, API_SECRET):
        assert secret not in caplog.text
