"""Coordinators: the account totals, and the tracked flipbooks with their figures."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import override

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CoreState, HomeAssistant, callback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from .api import (
    Figures,
    Flipbook,
    FlipsnackClient,
    FlipsnackError,
    FlipsnackFlipbookNotFoundError,
    UserStats,
)
from .const import (
    DOMAIN,
    FLIPBOOK_CALLS_PER_MINUTE,
    FLIPBOOK_UPDATE_INTERVAL,
    LISTING_INTERVAL,
    LISTING_RETRY,
    LOGGER,
    REFUSED_FIGURES_MAX_BACKOFF,
    SCAN_INTERVAL,
    STALE_AFTER_CYCLES,
    Tracking,
    flipbook_cycle,
)
from .devices import async_remove_flipbook_devices, async_rename_flipbook_devices
from .errors import update_error
from .flipbook_store import (
    FetchedFigures,
    FlipbooksData,
    FlipbookStore,
    StoredFlipbooks,
    data_from_store,
    data_to_store,
    stored_for_same_settings,
)
from .scheduler import Priority, SchedulerLease

# However long an update took, the next one starts no sooner than this after it. The
# rotation's calls are spread over the minute, so an update takes most of one; a person
# waiting finds the slot the scheduler keeps free (INTERACTIVE_RESERVE) instead.
MIN_UPDATE_GAP = timedelta(seconds=1)


@dataclass(frozen=True, kw_only=True, slots=True)
class _FailedListing:
    """The last listing of the flipbooks, which failed."""

    error: FlipsnackError
    at: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class _RefusedFigures:
    """Flipsnack refused a listed flipbook's figures, and when to ask again."""

    wait: timedelta
    ask_again_at: datetime


class FlipsnackAccountCoordinator(DataUpdateCoordinator[UserStats]):
    """Fetches the account-wide statistics with one user.getStats call per poll."""

    config_entry: ConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: FlipsnackClient,
        scheduler: SchedulerLease,
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


class FlipsnackFlipbooksCoordinator(DataUpdateCoordinator[FlipbooksData]):
    """Follows the tracked flipbooks and refreshes their figures, stalest first.

    Every update either lists the account's flipbooks (every 30 minutes, and soon after a
    flipbook turned out to be gone) or refreshes the figures of the flipbooks that are due,
    at most FLIPBOOK_CALLS_PER_MINUTE of them. One coordinator for all flipbooks, because
    one per flipbook would fire them all in the same second. The figures are kept on disk,
    so a restart shows the last known values at once and costs no call per flipbook.
    """

    config_entry: ConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: FlipsnackClient,
        scheduler: SchedulerLease,
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
        self._store = FlipbookStore(hass, entry, self._data_to_store)
        self._listing_wanted = False
        self._failed_listing: _FailedListing | None = None
        self._refused: dict[str, _RefusedFigures] = {}

    @property
    def cycle(self) -> timedelta:
        """How often each tracked flipbook is refreshed at the current count."""
        return flipbook_cycle(len(self.data.flipbooks))

    async def async_load(self) -> None:
        """Show the flipbooks and figures of the last run, without calling Flipsnack.

        A set-up while Home Assistant runs (a reload, an options change) lists the
        flipbooks again at once: users reload to make an integration look again. Only
        a start of Home Assistant keeps a listing that is recent enough.
        """
        stored = await self._store.async_load()
        data = FlipbooksData()
        self._listing_wanted = self.hass.state is CoreState.running
        if stored is not None:
            data = data_from_store(stored)
            self._listing_wanted |= not stored_for_same_settings(
                stored, tracking=self.tracking, chosen=self._chosen
            )
        data.flipbooks = self._tracked(data.flipbooks)
        self.data = data
        self._async_remove_untracked_devices()

    @property
    def listing_due(self) -> bool:
        """Whether the next update lists the flipbooks instead of refreshing figures."""
        now = dt_util.utcnow()
        failed = self._failed_listing
        if failed is not None and now - failed.at < LISTING_RETRY:
            # Meanwhile the figures of the flipbooks already known go on.
            return False
        listed_at = self.data.listed_at
        return (
            self._listing_wanted
            or listed_at is None
            or now - listed_at >= LISTING_INTERVAL
        )

    def figures_of(self, flipbook_hash: str) -> Figures | None:
        """Return the figures of a tracked flipbook, unless they are too old to show."""
        fetched = self.data.figures.get(flipbook_hash)
        if fetched is None or flipbook_hash not in self.data.flipbooks:
            return None
        if dt_util.utcnow() - fetched.fetched_at > STALE_AFTER_CYCLES * self.cycle:
            return None
        return fetched.figures

    @override
    async def _async_update_data(self) -> FlipbooksData:
        """List the flipbooks when due, otherwise refresh the figures that are due.

        The update fails while the last listing failed, even when it refreshed figures:
        the flipbooks are back only with a listing, so an outage is logged once, and
        its end once, whatever updates come between.
        """
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
            self._store.async_save_if_changed()
            # The next update is timed from the end of this one; paced calls make an
            # update last seconds, so start the next one a minute after this began
            # to keep the rotation at its rate a minute.
            elapsed = timedelta(seconds=self.hass.loop.time() - started)
            self.update_interval = max(
                MIN_UPDATE_GAP, FLIPBOOK_UPDATE_INTERVAL - elapsed
            )
        if (failed := self._failed_listing) is not None:
            # The figures this update refreshed show all the same.
            self.async_update_listeners()
            raise update_error(failed.error, repeated=True) from failed.error
        return self.data

    @override
    async def async_shutdown(self) -> None:
        """Write the latest figures to disk before the entry unloads, and then no more.

        An update cancelled by the unload ends after this; the entry may be removed by
        then, and its store must not come back.
        """
        await super().async_shutdown()
        await self._store.async_close()

    async def _async_list_flipbooks(self) -> None:
        """Take the tracked flipbooks from a complete listing, and follow it."""
        try:
            listing = await self._scheduler.async_call(self._client.collections)
        except FlipsnackError as err:
            self._failed_listing = _FailedListing(error=err, at=dt_util.utcnow())
            raise
        self._failed_listing = None
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
        self._refused = {
            flipbook_hash: refused
            for flipbook_hash, refused in self._refused.items()
            if flipbook_hash in published
        }
        self._async_remove_untracked_devices()
        async_rename_flipbook_devices(self.hass, self.config_entry, published.values())

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
            if isinstance(context, str)
            and context in data.flipbooks
            and not (
                (refused := self._refused.get(context)) and now < refused.ask_again_at
            )
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
                    partial(self._client.collection_stats, flipbook_hash),
                    priority=Priority.ROTATION,
                )
            except FlipsnackFlipbookNotFoundError:
                data.figures.pop(flipbook_hash, None)
                self._refuse(flipbook_hash, cycle)
                continue
            self._refused.pop(flipbook_hash, None)
            data.figures[flipbook_hash] = FetchedFigures(
                figures=stats.figures(), fetched_at=dt_util.utcnow()
            )

    def _refuse(self, flipbook_hash: str, cycle: timedelta) -> None:
        """Ask for a refused flipbook's figures again later, each time later still.

        The first refusal lists the flipbooks again at once: a deleted flipbook goes
        with that listing. One that the listing keeps, but whose figures Flipsnack
        goes on refusing, must not cost a listing and a call every other minute.
        """
        refused = self._refused.get(flipbook_hash)
        if refused is None:
            LOGGER.debug("A tracked flipbook is gone; listing the flipbooks again")
            self._listing_wanted = True
            wait = cycle
        else:
            wait = min(refused.wait * 2, REFUSED_FIGURES_MAX_BACKOFF)
            LOGGER.debug(
                "Flipsnack still refuses the figures of a listed flipbook; asking"
                " again in %s",
                wait,
            )
        self._refused[flipbook_hash] = _RefusedFigures(
            wait=wait, ask_again_at=dt_util.utcnow() + wait
        )

    @callback
    def _async_remove_untracked_devices(self) -> None:
        """Remove the devices of flipbooks that are no longer tracked."""
        async_remove_flipbook_devices(
            self.hass, self.config_entry, keep=self.data.flipbooks
        )

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

    @callback
    def _data_to_store(self) -> StoredFlipbooks:
        return data_to_store(self.data, tracking=self.tracking, chosen=self._chosen)
