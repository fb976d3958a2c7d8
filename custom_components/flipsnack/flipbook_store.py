"""The tracked flipbooks and their figures, and how they are kept on disk between runs."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypedDict

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .api import Figures, Flipbook, FlipbookStatus
from .const import DOMAIN, LOGGER, Tracking

STORAGE_VERSION = 1
# Changed figures are written at most this often: each write wears the SD card that most
# Home Assistant installations run on. Home Assistant's stop writes the latest at once.
SAVE_DELAY = timedelta(minutes=5)


@dataclass(frozen=True, kw_only=True, slots=True)
class FetchedFigures:
    """The all-time figures of one flipbook, and when they were fetched."""

    figures: Figures
    fetched_at: datetime


@dataclass(kw_only=True, slots=True)
class FlipbooksData:
    """The tracked flipbooks and their latest figures."""

    # The tracked flipbooks by hash, in the order Flipsnack lists them.
    flipbooks: dict[str, Flipbook] = field(default_factory=dict)
    figures: dict[str, FetchedFigures] = field(default_factory=dict)
    listed_at: datetime | None = None


# The four figures by name, and fetched_at.
type _StoredFigures = dict[str, int | str]


class _StoredFlipbook(TypedDict):
    title: str | None
    status: str | None
    figures: _StoredFigures | None


class StoredFlipbooks(TypedDict):
    """The stored form of FlipbooksData, with the settings it was made for."""

    tracking: str
    chosen: list[str]
    listed_at: str | None
    flipbooks: dict[str, _StoredFlipbook]


def flipbook_store(hass: HomeAssistant, entry: ConfigEntry) -> Store[StoredFlipbooks]:
    """Return the store that keeps an entry's flipbooks and figures between runs."""
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry.entry_id}.flipbooks")


class FlipbookStore:
    """Writes an entry's flipbooks and figures to disk only when they changed.

    Changed means more than the times of the listing and of the figures, which move at
    every update while the figures mostly stay: the tracked flipbooks, their titles,
    statuses and figures, or the tracking settings. A change is written SAVE_DELAY later,
    with whatever changed meanwhile and the times. The times alone are written once, when
    Home Assistant stops, so that a restart finds them fresh. After `async_close` nothing
    is written any more: the entry may be about to be removed, its store with it.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        data: Callable[[], StoredFlipbooks],
    ) -> None:
        """Keep what `data` returns; nothing is written before `async_load`."""
        self._store = flipbook_store(hass, entry)
        self._data = data
        # What the disk holds, as far as this run knows, and its lasting part.
        self._on_disk: StoredFlipbooks | None = None
        self._lasting_on_disk: object = None
        self._pending = False
        self._writable = False
        entry.async_on_unload(
            hass.bus.async_listen(EVENT_HOMEASSISTANT_STOP, self._async_stopping)
        )

    async def async_load(self) -> StoredFlipbooks | None:
        """Return what the last run left on disk, if anything."""
        stored = await self._store.async_load()
        self._remember_on_disk(stored)
        self._writable = True
        return stored

    @callback
    def async_save_if_changed(self) -> None:
        """Write the data SAVE_DELAY from now if it changed, unless a write is due."""
        if not self._writable or self._pending:
            return
        if _lasting(self._data()) == self._lasting_on_disk:
            return
        self._pending = True
        self._store.async_delay_save(self._write, SAVE_DELAY.total_seconds())

    async def async_close(self) -> None:
        """Write the latest data now if the disk lacks it, and nothing after."""
        if not self._writable:
            return
        self._writable = False
        data = self._data()
        # A write still due must not come after this one, whatever it would write.
        if self._pending or data != self._on_disk:
            self._pending = False
            self._remember_on_disk(data)
            await self._store.async_save(data)

    @callback
    def _async_stopping(self, _event: Event) -> None:
        """Have the latest data written, times included, at Home Assistant's last write."""
        if not self._writable or self._pending or self._data() == self._on_disk:
            return
        self._pending = True
        # While Home Assistant stops, this waits for its final write.
        self._store.async_delay_save(self._write)

    @callback
    def _write(self) -> StoredFlipbooks:
        """Return the data the store writes now."""
        self._pending = False
        data = self._data()
        self._remember_on_disk(data)
        return data

    def _remember_on_disk(self, stored: StoredFlipbooks | None) -> None:
        self._on_disk = stored
        self._lasting_on_disk = _lasting(stored)


def _lasting(stored: StoredFlipbooks | None) -> object:
    """Return what stored holds apart from the times; None when there is nothing to read."""
    if stored is None:
        return None
    try:
        return (
            stored["tracking"],
            stored["chosen"],
            {
                flipbook_hash: (
                    item["title"],
                    item["status"],
                    None
                    if item["figures"] is None
                    else {
                        name: value
                        for name, value in item["figures"].items()
                        if name != "fetched_at"
                    },
                )
                for flipbook_hash, item in stored["flipbooks"].items()
            },
        )
    except KeyError, TypeError, AttributeError:
        # Damaged: whatever comes next replaces it.
        return None


def data_to_store(
    data: FlipbooksData, *, tracking: Tracking, chosen: list[str]
) -> StoredFlipbooks:
    """Return what the store keeps of data, made for the tracking settings given."""
    return {
        "tracking": tracking,
        "chosen": chosen,
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


def _figures_to_store(fetched: FetchedFigures | None) -> _StoredFigures | None:
    if fetched is None:
        return None
    return {
        **fetched.figures.as_dict(),
        "fetched_at": fetched.fetched_at.isoformat(),
    }


def data_from_store(stored: StoredFlipbooks) -> FlipbooksData:
    """Rebuild the data of the last run; a damaged store just starts afresh."""
    try:
        data = FlipbooksData(listed_at=_parse_time(stored["listed_at"]))
        for flipbook_hash, item in stored["flipbooks"].items():
            status = item["status"]
            data.flipbooks[flipbook_hash] = Flipbook(
                hash=flipbook_hash,
                title=item["title"],
                status=FlipbookStatus(status) if status else None,
            )
            if (figures := item["figures"]) is not None:
                data.figures[flipbook_hash] = FetchedFigures(
                    figures=Figures.from_dict(figures),
                    fetched_at=dt_util.parse_datetime(
                        str(figures["fetched_at"]), raise_on_error=True
                    ),
                )
    except KeyError, TypeError, ValueError, AttributeError:
        LOGGER.warning(
            "The stored Flipsnack flipbook figures are damaged; ignoring them"
        )
        return FlipbooksData()
    return data


def stored_for_same_settings(
    stored: StoredFlipbooks, *, tracking: Tracking, chosen: list[str]
) -> bool:
    """Whether the stored listing was made for the same tracking settings."""
    return stored.get("tracking") == tracking and (
        tracking is not Tracking.CHOSEN or set(stored.get("chosen", ())) >= set(chosen)
    )


def _parse_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    return dt_util.parse_datetime(value, raise_on_error=True)
