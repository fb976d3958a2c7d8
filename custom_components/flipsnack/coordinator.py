"""Polls the Flipsnack account statistics."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .api import (
    FlipsnackAuthenticationError,
    FlipsnackError,
    FlipsnackRateLimitError,
    UserStats,
)
from .api_endpoint import async_create_client
from .const import CONF_API_SECRET, DOMAIN, LOGGER, SCAN_INTERVAL
from .errors import translation_key

if TYPE_CHECKING:
    from .webhook import LeadWebhook

type FlipsnackConfigEntry = ConfigEntry[FlipsnackData]


@dataclass(kw_only=True, slots=True)
class FlipsnackData:
    """What a loaded Flipsnack entry holds while it runs."""

    account: FlipsnackDataUpdateCoordinator
    lead_webhook: LeadWebhook | None = None


class FlipsnackDataUpdateCoordinator(DataUpdateCoordinator[UserStats]):
    """Fetches the account-wide statistics with one user.getStats call per poll."""

    config_entry: FlipsnackConfigEntry

    def __init__(self, hass: HomeAssistant, entry: FlipsnackConfigEntry) -> None:
        """Create the coordinator and its API client on HA's shared web session."""
        self.client = async_create_client(
            hass, entry.data[CONF_API_KEY], entry.data[CONF_API_SECRET]
        )
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=DOMAIN,
            update_interval=SCAN_INTERVAL,
        )

    @override
    async def _async_update_data(self) -> UserStats:
        """Fetch the latest account statistics."""
        try:
            return await self.client.user_stats()
        except FlipsnackAuthenticationError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key=translation_key(err)
            ) from err
        except FlipsnackError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key=translation_key(err),
                translation_placeholders={"error": str(err)},
                retry_after=(
                    err.retry_after
                    if isinstance(err, FlipsnackRateLimitError)
                    else None
                ),
            ) from err
