"""What the statistics action fetched in the last few minutes, per config entry.

A script that reports on many flipbooks, or asks the same question twice, should not spend
the API key's budget again on answers that cannot have changed much. The cache lives in the
entry's runtime data, so it goes away when the entry unloads or reloads with new
credentials.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from homeassistant.util import dt as dt_util

from .api import CollectionStats, Flipbook

CACHE_MAX_AGE: Final = timedelta(minutes=5)


@dataclass(frozen=True, kw_only=True, slots=True)
class StatisticsQuery:
    """One question to `collection.getStats`."""

    flipbook_hash: str
    start: date | None
    end: date | None
    include_pages: bool


class ActionCache:
    """Keeps the account's flipbook listing and statistics answers for CACHE_MAX_AGE."""

    def __init__(self) -> None:
        """Start empty."""
        self._listing: tuple[datetime, list[Flipbook]] | None = None
        self._statistics: dict[StatisticsQuery, tuple[datetime, CollectionStats]] = {}

    def listing(self) -> list[Flipbook] | None:
        """Return the flipbook listing, unless it is too old or there is none."""
        if self._listing is None or self._expired(self._listing[0]):
            return None
        return self._listing[1]

    def store_listing(self, listing: list[Flipbook]) -> None:
        """Keep a complete listing of the account's flipbooks."""
        self._listing = (dt_util.utcnow(), listing)

    def statistics(self, query: StatisticsQuery) -> CollectionStats | None:
        """Return the answer to a query, unless it is too old or there is none."""
        cached = self._statistics.get(query)
        if cached is None or self._expired(cached[0]):
            return None
        return cached[1]

    def store_statistics(self, query: StatisticsQuery, stats: CollectionStats) -> None:
        """Keep the answer to a query, and forget the answers that are too old."""
        # Pruned here, so that a loop over many flipbooks does not keep them all.
        self._statistics = {
            key: cached
            for key, cached in self._statistics.items()
            if not self._expired(cached[0])
        }
        self._statistics[query] = (dt_util.utcnow(), stats)

    @staticmethod
    def _expired(stored_at: datetime) -> bool:
        return dt_util.utcnow() - stored_at >= CACHE_MAX_AGE
