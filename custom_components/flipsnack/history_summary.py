"""What the imported daily figures say at a glance: the most viewed flipbook of the week."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from .api import Figures

# The days the most viewed flipbook is chosen over: the complete days before today.
WEEK_DAYS: Final = 7


@dataclass(frozen=True, kw_only=True, slots=True)
class MostViewed:
    """The tracked flipbook with the most views in the last week, and those views."""

    flipbook_hash: str
    views: int


def last_week(today: date) -> list[date]:
    """Return the complete days of the last week, newest first; today is not complete."""
    return [today - timedelta(days=age) for age in range(1, WEEK_DAYS + 1)]


def most_viewed(
    daily: Mapping[str, Mapping[date, Figures]], today: date
) -> MostViewed | None:
    """Return the flipbook of daily (tracked flipbook -> its days) viewed most last week.

    None when a flipbook lacks one of the week's days, since the one missing could be
    the most viewed; when no flipbook is tracked; and when none was viewed at all. Of
    flipbooks viewed equally often, the one with the smallest hash, so that the state
    does not change with the order the flipbooks are listed in.
    """
    week = last_week(today)
    views: dict[str, int] = {}
    for flipbook_hash, days in daily.items():
        if any(day not in days for day in week):
            return None
        views[flipbook_hash] = sum(days[day].views for day in week)
    best = min(views, key=lambda h: (-views[h], h), default=None)
    if best is None or not views[best]:
        return None
    return MostViewed(flipbook_hash=best, views=views[best])
