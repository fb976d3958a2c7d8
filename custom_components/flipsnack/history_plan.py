"""How fast the history import may call Flipsnack, and how long it takes.

The import takes the rotation's share (scheduler.Priority.HISTORY) that the rotation
leaves at this count of flipbooks, less a call a minute for the account poll and the
listing; while the rotation has flipbooks due, one of its slots in HISTORY_SLOT_EVERY.
The scheduler paces the calls; the form, the README and the benchmark estimate with
these two functions.
"""

from datetime import timedelta
import math
from typing import Final

from .const import FLIPBOOK_CALLS_PER_MINUTE, flipbook_cycle
from .scheduler import HISTORY_SLOT_EVERY

# What the account poll and the listing take of the rotation's share, about.
POLLING_CALLS_PER_MINUTE: Final = 1.0


def spare_calls_per_minute(flipbook_count: int) -> float:
    """Return the calls a minute the import may make while count flipbooks rotate."""
    cycle_minutes = flipbook_cycle(flipbook_count).total_seconds() / 60
    rotation = flipbook_count / cycle_minutes
    return max(
        FLIPBOOK_CALLS_PER_MINUTE / HISTORY_SLOT_EVERY,
        FLIPBOOK_CALLS_PER_MINUTE - POLLING_CALLS_PER_MINUTE - rotation,
    )


def import_duration(flipbook_count: int, days: int) -> timedelta:
    """Return how long importing days of count flipbooks takes: one call a flipbook-day.

    flipbooks x days / spare calls per minute, rounded up to a minute.
    """
    calls = flipbook_count * days
    return timedelta(minutes=math.ceil(calls / spare_calls_per_minute(flipbook_count)))
