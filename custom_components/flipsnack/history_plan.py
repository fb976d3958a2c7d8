"""How fast the history import may call Flipsnack, and how long it takes.

The import takes only what the request budget leaves: the scheduler's calls a minute,
less the rotation's calls at this count of flipbooks, less a reserve for the account
poll, the listing, flows and the action. The form, the README and the benchmark all
use these two functions.
"""

from datetime import timedelta
import math
from typing import Final

from .const import flipbook_cycle
from .scheduler import CALLS_PER_MINUTE

# Kept free for the account poll, the listing, flows and the statistics action.
RESERVED_CALLS_PER_MINUTE: Final = 4
# However many flipbooks the rotation refreshes, the import goes on at this pace.
MIN_HISTORY_CALLS_PER_MINUTE: Final = 1.0


def spare_calls_per_minute(flipbook_count: int) -> float:
    """Return the calls a minute the import may make while count flipbooks rotate."""
    cycle_minutes = flipbook_cycle(flipbook_count).total_seconds() / 60
    rotation = flipbook_count / cycle_minutes
    return max(
        MIN_HISTORY_CALLS_PER_MINUTE,
        CALLS_PER_MINUTE - RESERVED_CALLS_PER_MINUTE - rotation,
    )


def import_duration(flipbook_count: int, days: int) -> timedelta:
    """Return how long importing days of count flipbooks takes: one call a flipbook-day.

    flipbooks x days / spare calls per minute, rounded up to a minute.
    """
    calls = flipbook_count * days
    return timedelta(minutes=math.ceil(calls / spare_calls_per_minute(flipbook_count)))
