"""The tracked flipbooks and their figures, and how they are kept on disk between runs."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import TypedDict

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .api import Figures, Flipbook, FlipbookStatus
from .const import DOMAIN, LOGGER, Tracking

STORAGE_VERSION = 1


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


type FlipbookStore = Store[StoredFlipbooks]


def flipbook_store(hass: HomeAssistant, entry: ConfigEntry) -> FlipbookStore:
    """Return the store that keeps an entry's flipbooks and figures between runs."""
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry.entry_id}.flipbooks")


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
