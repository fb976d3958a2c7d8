"""Coordinators: the account totals, and the tracked flipbooks with their figures."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, TypedDict, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.storage import Store
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from .action_cache import ActionCache
from .api import (
    Flipbook,
    FlipbookStatus,
    FlipsnackClient,
    FlipsnackError,
    FlipsnackFlipbookNotFoundError,
    UserStats,
)
from .const import (
    CATALOG_INTERVAL,
    DOMAIN,
    FLIPBOOK_CALLS_PER_MINUTE,
    FLIPBOOK_UPDATE_INTERVAL,
    LISTING_RETRY,
    LOGGER,
    SCAN_INTERVAL,
    STALE_AFTER_CYCLES,
    Tracking,
    flipbook_cycle,
)
from .errors import update_error
from .scheduler import RequestScheduler

if TYPE_CHECKING:
    from .webhook import LeadWebhook

type FlipsnackConfigEntry = ConfigEntry[FlipsnackData]

STORAGE_VERSION = 1
# However long an update took, the next one leaves the scheduler this much room.
MIN_UPDATE_GAP = timedelta(seconds=10)


@dataclass(kw_only=True, slots=True)
class FlipsnackData:
    """What a loaded Flipsnack entry holds while it runs."""

    client: FlipsnackClient
    scheduler: RequestScheduler
    account_device_id: str
    account: FlipsnackAccountCoordinator
    # None while the entry tracks no flipbooks: then no call is made for them.
    flipbooks: FlipsnackFlipbooksCoordinator | None = None
    # None while lead forms are off.
    lead_webhook: LeadWebhook | None = None
    # What the statistics action fetched recently.
    action_cache: ActionCache = field(default_factory=ActionCache)


def account_device_identifier(entry: ConfigEntry) -> tuple[str, str]:
    """Return the identifier of the account's device.

    The API exposes no account id, and the API key can be rotated, so the entry id is the
    only identifier that stays the same for the life of the account's entry.
    """
    return (DOMAIN, entry.entry_id)


def flipbook_device_identifier(
    entry: ConfigEntry, flipbook_hash: str
) -> tuple[str, str]:
    """Return the identifier of a tracked flipbook's device."""
    return (DOMAIN, f"{entry.entry_id}_flipbook_{flipbook_hash}")


def flipbook_hash_of(entry: ConfigEntry, device: dr.DeviceEntry) -> str | None:
    """Return the hash of the flipbook a device of the entry stands for, if any."""
    prefix = f"{entry.entry_id}_flipbook_"
    for domain, identifier in device.identifiers:
        if domain == DOMAIN and identifier.startswith(prefix):
            return identifier.removeprefix(prefix)
    return None


class FlipsnackAccountCoordinator(DataUpdateCoordinator[UserStats]):
    """Fetches the account-wide statistics with one user.getStats call per poll."""

    config_entry: FlipsnackConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: FlipsnackConfigEntry,
        client: FlipsnackClient,
        scheduler: RequestScheduler,
    ) -> None:
        """Create the coordinator of the account totals."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=DOMAIN,
            update_interval=SCAN_INTERVAL,
        )
        self._client = client
        self._scheduler = scheduler

    @override
    async def _async_update_data(self) -> UserStats:
        """Fetch the latest account statistics."""
        try:
            return await self._scheduler.async_call(self._client.user_stats)
        except FlipsnackError as err:
            raise update_error(err) from err


@dataclass(frozen=True, kw_only=True, slots=True)
class FlipbookFigures:
    """The all-time figures of one flipbook, as last fetched."""

    impressions: int
    views: int
    time_spent: int
    downloads: int
    fetched_at: datetime


@dataclass(kw_only=True, slots=True)
class FlipbooksData:
    """The tracked flipbooks and their latest figures."""

    # The tracked flipbooks by hash, in the order Flipsnack lists them.
    flipbooks: dict[str, Flipbook] = field(default_factory=dict)
    figures: dict[str, FlipbookFigures] = field(default_factory=dict)
    listed_at: datetime | None = None


class _StoredFigures(TypedDict):
    impressions: int
    views: int
    time_spent: int
    downloads: int
    fetched_at: str


class _StoredFlipbook(TypedDict):
    title: str | None
    status: str | None
    figures: _StoredFigures | None


class _StoredFlipbooks(TypedDict):
    tracking: str
    chosen: list[str]
    listed_at: str | None
    flipbooks: dict[str, _StoredFlipbook]


class FlipsnackFlipbooksCoordinator(DataUpdateCoordinator[FlipbooksData]):
    """Follows the tracked flipbooks and refreshes their figures, stalest first.

    Every update either lists the account's flipbooks (every 30 minutes, and soon after a
    flipbook turned out to be gone) or refreshes the figures of the flipbooks that are due,
    at most FLIPBOOK_CALLS_PER_MINUTE of them. One coordinator for all flipbooks, because
    one per flipbook would fire them all in the same second. The figures are kept on disk,
    so a restart shows the last known values at once and costs no call per flipbook.
    """

    config_entry: FlipsnackConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: FlipsnackConfigEntry,
        client: FlipsnackClient,
        scheduler: RequestScheduler,
        *,
        tracking: Tracking,
        chosen: Iterable[str] = (),
    ) -> None:
        """Create the coordinator; `async_load` fills it from disk."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} flipbooks",
            update_interval=FLIPBOOK_UPDATE_INTERVAL,
        )
        self._client = client
        self._scheduler = scheduler
        self.tracking = tracking
        self._chosen = list(dict.fromkeys(chosen))
        self._store = flipbook_store(hass, entry)
        self._listing_wanted = False
        self._listing_failed_at: datetime | None = None

    @property
    def cycle(self) -> timedelta:
        """How often each tracked flipbook is refreshed at the current count."""
        return flipbook_cycle(len(self.data.flipbooks))

    async def async_load(self) -> None:
        """Show the flipbooks and figures of the last run, without calling Flipsnack."""
        stored = await self._store.async_load()
        data = FlipbooksData()
        if stored is not None:
            data = _data_from_storage(stored)
            self._listing_wanted = not self._same_settings(stored)
        data.flipbooks = self._tracked(data.flipbooks)
        self.data = data
        self._async_remove_untracked_devices()

    @property
    def listing_due(self) -> bool:
        """Whether the next update lists the flipbooks instead of refreshing figures."""
        now = dt_util.utcnow()
        if self._listing_failed_at and now - self._listing_failed_at < LISTING_RETRY:
            # Meanwhile the figures of the flipbooks already known go on.
            return False
        listed_at = self.data.listed_at
        return (
            self._listing_wanted
            or listed_at is None
            or now - listed_at >= CATALOG_INTERVAL
        )

    def figures_of(self, flipbook_hash: str) -> FlipbookFigures | None:
        """Return the figures of a tracked flipbook, unless they are too old to show."""
        figures = self.data.figures.get(flipbook_hash)
        if figures is None or flipbook_hash not in self.data.flipbooks:
            return None
        if dt_util.utcnow() - figures.fetched_at > STALE_AFTER_CYCLES * self.cycle:
            return None
        return figures

    @override
    async def _async_update_data(self) -> FlipbooksData:
        """List the flipbooks when due, otherwise refresh the figures that are due."""
        started = self.hass.loop.time()
        try:
            if self.listing_due:
                await self._async_list_flipbooks()
            else:
                await self._async_refresh_figures()
        except FlipsnackError as err:
            # A coordinator tells its listeners of failures only once, but the
            # figures keep ageing: the entities must see when they get too old.
            self.async_update_listeners()
            raise update_error(err) from err
        finally:
            self._store.async_delay_save(self._data_to_store, 30)
            # The next update is timed from the end of this one; paced calls make an
            # update last seconds, so start the next one a minute after this began
            # to keep the rotation at its rate a minute.
            elapsed = timedelta(seconds=self.hass.loop.time() - started)
            self.update_interval = max(
                MIN_UPDATE_GAP, FLIPBOOK_UPDATE_INTERVAL - elapsed
            )
        return self.data

    @override
    async def async_shutdown(self) -> None:
        """Write the latest figures to disk before the entry unloads."""
        await super().async_shutdown()
        await self._store.async_save(self._data_to_store())

    async def _async_list_flipbooks(self) -> None:
        """Take the tracked flipbooks from a complete listing, and follow it."""
        try:
            listing = await self._scheduler.async_call(self._client.collections)
        except FlipsnackError:
            self._listing_failed_at = dt_util.utcnow()
            raise
        self._listing_failed_at = None
        # Editable flipbooks are never tracked: their hash changes when published.
        published = self._tracked(
            {flipbook.hash: flipbook for flipbook in listing if flipbook.published}
        )
        data = self.data
        data.flipbooks = published
        data.figures = {
            flipbook_hash: figures
            for flipbook_hash, figures in data.figures.items()
            if flipbook_hash in published
        }
        data.listed_at = dt_util.utcnow()
        self._listing_wanted = False
        self._async_remove_untracked_devices()
        self._async_rename_devices()

    async def _async_refresh_figures(self) -> None:
        """Refresh the stalest due flipbooks that have an enabled entity."""
        data = self.data
        now = dt_util.utcnow()
        cycle = self.cycle
        # Only flipbooks whose entities are enabled register a context; disabled ones
        # cost no calls.
        wanted = {
            context
            for context in self.async_contexts()
            if isinstance(context, str) and context in data.flipbooks
        }
        fetched_at = {
            flipbook_hash: figures.fetched_at
            for flipbook_hash, figures in data.figures.items()
        }
        due = sorted(
            (
                flipbook_hash
                for flipbook_hash in wanted
                if flipbook_hash not in fetched_at
                or now - fetched_at[flipbook_hash] >= cycle
            ),
            # Never fetched first, then the stalest.
            key=lambda flipbook_hash: (
                fetched_at[flipbook_hash].timestamp()
                if flipbook_hash in fetched_at
                else 0.0
            ),
        )
        for flipbook_hash in due[:FLIPBOOK_CALLS_PER_MINUTE]:
            try:
                stats = await self._scheduler.async_call(
                    partial(self._client.collection_stats, flipbook_hash)
                )
            except FlipsnackFlipbookNotFoundError:
                # Deleted or moved: the next listing decides whether it goes.
                LOGGER.debug("A tracked flipbook is gone; listing the flipbooks again")
                data.figures.pop(flipbook_hash, None)
                self._listing_wanted = True
                continue
            data.figures[flipbook_hash] = FlipbookFigures(
                impressions=stats.impressions,
                views=stats.views,
                time_spent=stats.time_spent,
                downloads=stats.downloads,
                fetched_at=dt_util.utcnow(),
            )

    @callback
    def _async_remove_untracked_devices(self) -> None:
        """Remove the devices of flipbooks that are no longer tracked."""
        async_remove_flipbook_devices(
            self.hass, self.config_entry, keep=self.data.flipbooks
        )

    @callback
    def _async_rename_devices(self) -> None:
        """Follow title changes; a name the user gave a device stays as it is."""
        device_registry = dr.async_get(self.hass)
        for flipbook_hash, flipbook in self.data.flipbooks.items():
            device = device_registry.async_get_device_by_identifier(
                flipbook_device_identifier(self.config_entry, flipbook_hash),
                self.config_entry.entry_id,
            )
            name = flipbook_device_name(flipbook)
            if device is not None and device.name != name:
                device_registry.async_update_device(device.id, name=name)

    def _tracked(self, flipbooks: dict[str, Flipbook]) -> dict[str, Flipbook]:
        """Return the flipbooks the tracking settings keep, in their order."""
        if self.tracking is not Tracking.CHOSEN:
            return flipbooks
        chosen = set(self._chosen)
        return {
            flipbook_hash: flipbook
            for flipbook_hash, flipbook in flipbooks.items()
            if flipbook_hash in chosen
        }

    def _same_settings(self, stored: _StoredFlipbooks) -> bool:
        """Whether the stored listing was made for the same tracking settings."""
        return stored.get("tracking") == self.tracking and (
            self.tracking is not Tracking.CHOSEN
            or set(stored.get("chosen", ())) >= set(self._chosen)
        )

    @callback
    def _data_to_store(self) -> _StoredFlipbooks:
        data = self.data
        return {
            "tracking": self.tracking,
            "chosen": self._chosen,
            "listed_at": data.listed_at.isoformat() if data.listed_at else None,
            "flipbooks": {
                flipbook_hash: {
                    "title": flipbook.title,
                    "status": flipbook.status,
                    "figures": _figures_to_store(data.figures.get(flipbook_hash)),
                }
                for flipbook_hash, flipbook in data.flipbooks.items()
            },
        }


def flipbook_store(hass: HomeAssistant, entry: ConfigEntry) -> Store[_StoredFlipbooks]:
    """Return the store that keeps an entry's flipbooks and figures between runs."""
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry.entry_id}.flipbooks")


def flipbook_device_name(flipbook: Flipbook) -> str:
    """Return the name of a flipbook's device: its title, or its hash without one."""
    return flipbook.title or flipbook.hash


@callback
def async_remove_flipbook_devices(
    hass: HomeAssistant, entry: ConfigEntry, *, keep: Iterable[str] = ()
) -> None:
    """Remove the entry's flipbook devices, except those of the flipbooks in keep."""
    kept = set(keep)
    device_registry = dr.async_get(hass)
    for device in dr.async_entries_for_config_entry(device_registry, entry.entry_id):
        flipbook_hash = flipbook_hash_of(entry, device)
        if flipbook_hash is not None and flipbook_hash not in kept:
            device_registry.async_remove_device(device.id)


def _figures_to_store(figures: FlipbookFigures | None) -> _StoredFigures | None:
    if figures is None:
        return None
    return {
        "impressions": figures.impressions,
        "views": figures.views,
        "time_spent": figures.time_spent,
        "downloads": figures.downloads,
        "fetched_at": figures.fetched_at.isoformat(),
    }


def _data_from_storage(stored: _StoredFlipbooks) -> FlipbooksData:
    """Rebuild the data of the last run; a damaged store just starts afresh."""
    try:
        data = FlipbooksData(
            listed_at=_parse_time(stored["listed_at"]),
        )
        for flipbook_hash, item in stored["flipbooks"].items():
            status = item["status"]
            data.flipbooks[flipbook_hash] = Flipbook(
                hash=flipbook_hash,
                title=item["title"],
                status=FlipbookStatus(status) if status else None,
            )
            if (figures := item["figures"]) is not None:
                data.figures[flipbook_hash] = FlipbookFigures(
                    impressions=int(figures["impressions"]),
                    views=int(figures["views"]),
                    time_spent=int(figures["time_spent"]),
                    downloads=int(figures["downloads"]),
                    fetched_at=dt_util.parse_datetime(
                        figures["fetched_at"], raise_on_error=True
                    ),
                )
    except KeyError, TypeError, ValueError, AttributeError:
        LOGGER.warning(
            "The stored Flipsnack flipbook figures are damaged; ignoring them"
        )
        return FlipbooksData()
    return data


def _parse_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    return dt_util.parse_datetime(value, raise_on_error=True)
