"""The Flipsnack integration: account and flipbook statistics from the Flipsnack API."""

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_API_KEY, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.device_registry import DeviceEntry
from homeassistant.helpers.typing import ConfigType

from .api import FlipsnackClient
from .const import (
    CONF_API_SECRET,
    CONF_FLIPBOOKS,
    CONF_HISTORY_DAYS,
    CONF_ORDERS,
    CONF_TRACKING,
    DOMAIN,
    LOGGER,
    Tracking,
)
from .coordinator import FlipsnackAccountCoordinator, FlipsnackFlipbooksCoordinator
from .devices import (
    async_create_account_device,
    async_remove_flipbook_devices,
    flipbook_hash_of,
)
from .environment import async_create_client
from .flipbook_store import flipbook_store
from .history import HistoryImporter
from .history_store import history_store
from .order_book import async_remove_order_book
from .runtime_data import FlipsnackConfigEntry, FlipsnackData
from .scheduler import SchedulerLease, async_lease_scheduler
from .services import async_setup_services
from .webhook import (
    async_remove_lead_receiver,
    async_setup_lead_receiver,
    async_start_lead_webhook,
)
from .webhook_url import async_remove_webhook_url

# The event platform is always set up, so that unloading never depends on options that
# changed since; it creates the Lead form and Order entities only while they are on.
PLATFORMS: list[Platform] = [Platform.EVENT, Platform.SENSOR]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions, so that they exist even while no entry is loaded."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: FlipsnackConfigEntry) -> bool:
    """Set up Flipsnack from a config entry."""
    # First: lead forms and orders do not depend on Flipsnack's API, so its webhook
    # receives while the set-up below waits for Flipsnack, and across reloads (see
    # webhook.py).
    lead_receiver = async_setup_lead_receiver(hass, entry)
    if lead_receiver is not None and entry.options.get(CONF_ORDERS):
        # The order sensors show what the book holds from their first state.
        await lead_receiver.order_book.async_load()
    # The key's budget outlives this load: a reload counts the calls made before it.
    scheduler = async_lease_scheduler(hass, entry.data[CONF_API_KEY])
    entry.async_on_unload(scheduler.async_release)
    client = async_create_client(
        hass,
        entry.data[CONF_API_KEY],
        entry.data[CONF_API_SECRET],
        request_gate=scheduler.async_wait_for_slot,
    )

    account = FlipsnackAccountCoordinator(hass, entry, client, scheduler)
    await account.async_config_entry_first_refresh()

    account_device_id = async_create_account_device(hass, entry)

    flipbooks = None
    tracking = Tracking(entry.options.get(CONF_TRACKING, Tracking.NONE))
    if tracking is Tracking.NONE:
        async_remove_flipbook_devices(hass, entry)
    else:
        flipbooks = FlipsnackFlipbooksCoordinator(
            hass,
            entry,
            client,
            scheduler,
            tracking=tracking,
            chosen=entry.options.get(CONF_FLIPBOOKS, ()),
        )
        await flipbooks.async_load()

    entry.runtime_data = FlipsnackData(
        client=client,
        scheduler=scheduler,
        account_device_id=account_device_id,
        account=account,
        flipbooks=flipbooks,
        lead_webhook=async_start_lead_webhook(
            hass,
            entry,
            lead_receiver,
            flipbook_titles=lambda: _listed_titles(flipbooks),
        ),
        history=_history_importer(hass, entry, client, scheduler, flipbooks),
    )
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    if (history := entry.runtime_data.history) is not None:
        entry.async_create_background_task(
            hass, history.async_run(), "flipsnack history import"
        )

    if flipbooks is not None and flipbooks.listing_due:
        # In the background, so that a long listing does not hold up the setup; the
        # sensor platform adds the devices of new flipbooks when it arrives.
        entry.async_create_background_task(
            hass, flipbooks.async_refresh(), "flipsnack flipbook listing"
        )
    return True


def _history_importer(
    hass: HomeAssistant,
    entry: FlipsnackConfigEntry,
    client: FlipsnackClient,
    scheduler: SchedulerLease,
    flipbooks: FlipsnackFlipbooksCoordinator | None,
) -> HistoryImporter | None:
    """Return the history import when it is on and flipbooks are tracked."""
    days = int(entry.options.get(CONF_HISTORY_DAYS, 0))
    if not days or flipbooks is None:
        return None
    if "recorder" not in hass.config.components:
        LOGGER.warning("History needs the recorder, which is not loaded")
        return None
    return HistoryImporter(hass, entry, client, scheduler, flipbooks, days=days)


def _listed_titles(
    flipbooks: FlipsnackFlipbooksCoordinator | None,
) -> dict[str, str | None]:
    """Return the titles of the tracked flipbooks by hash, for leads posted without one."""
    if flipbooks is None:
        return {}
    return {key: book.title for key, book in flipbooks.data.flipbooks.items()}


async def async_unload_entry(hass: HomeAssistant, entry: FlipsnackConfigEntry) -> bool:
    """Unload a Flipsnack config entry."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: FlipsnackConfigEntry, device: DeviceEntry
) -> bool:
    """Let the user delete the device of a flipbook that is no longer tracked."""
    flipbook_hash = flipbook_hash_of(entry, device)
    if flipbook_hash is None:
        return False  # the account's device goes with the entry
    if entry.state is not ConfigEntryState.LOADED:
        # Nothing tracks it now; the next listing brings it back if it is tracked.
        return True
    flipbooks = entry.runtime_data.flipbooks
    return flipbooks is None or flipbook_hash not in flipbooks.data.flipbooks


async def async_remove_entry(hass: HomeAssistant, entry: FlipsnackConfigEntry) -> None:
    """Delete what a removed entry kept outside itself: figures, orders, webhook."""
    async_remove_lead_receiver(hass, entry.entry_id)
    await flipbook_store(hass, entry).async_remove()
    await history_store(hass, entry).async_remove()
    await async_remove_order_book(hass, entry)
    await async_remove_webhook_url(hass, entry)
