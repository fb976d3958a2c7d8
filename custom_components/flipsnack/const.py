"""Constants for the Flipsnack integration."""

from datetime import timedelta
from enum import StrEnum
import logging
import math
from typing import Final

DOMAIN: Final = "flipsnack"
LOGGER = logging.getLogger(__package__)

CONF_API_SECRET: Final = "api_secret"  # noqa: S105 - the name of a field

# Account totals move slowly; six calls an hour stay far below Flipsnack's 60 calls a minute.
SCAN_INTERVAL: Final = timedelta(minutes=10)

FLIPSNACK_APP_URL: Final = "https://app.flipsnack.com/"
API_GUIDE_URL: Final = "https://developers.flipsnack.com/getting-started"

# Options of an entry: which flipbooks get devices of their own.
CONF_TRACKING: Final = "tracking"
CONF_FLIPBOOKS: Final = "flipbooks"
# Options and data of an entry that receives lead forms or orders. Both come to the same
# workspace webhook; it is registered while either is on.
CONF_LEAD_FORMS: Final = "lead_forms"
CONF_ORDERS: Final = "orders"
CONF_CLOUDHOOK_URL: Final = "cloudhook_url"
# The webhook URL the user was last shown, so presumably the one pasted into Flipsnack.
CONF_WEBHOOK_URL: Final = "webhook_url"
# Options of an entry: how many days of daily figures to import; 0 is off.
CONF_HISTORY_DAYS: Final = "history_days"
HISTORY_DAY_CHOICES: Final = (30, 90, 365)
DEFAULT_HISTORY_DAYS: Final = 90


class Tracking(StrEnum):
    """Which flipbooks of the account get a device with statistics sensors."""

    NONE = "none"
    ALL = "all"  # every published flipbook, new ones included
    CHOSEN = "chosen"


# The flipbook listing is refreshed this often, to follow new, renamed and deleted flipbooks.
LISTING_INTERVAL: Final = timedelta(minutes=30)
# After a failed listing the figures go on for this long before the next try.
LISTING_RETRY: Final = timedelta(minutes=5)
# The flipbook statistics rotation wakes up this often and refreshes the stalest flipbooks.
FLIPBOOK_UPDATE_INTERVAL: Final = timedelta(minutes=1)
# The rotation takes the scheduler's 20 calls a minute less the one it keeps free for a
# person waiting (scheduler.INTERACTIVE_RESERVE), and less what the account poll, the
# listing, the flows and the action take, which go first.
FLIPBOOK_CALLS_PER_MINUTE: Final = 19
# Each flipbook is refreshed at most this often, however few there are.
MIN_FLIPBOOK_CYCLE: Final = timedelta(minutes=30)
# A tracked flipbook whose figures Flipsnack refuses (codes 43 and 46) while the listing
# still has it is asked again after a cycle, then after twice as long each time, up to this.
REFUSED_FIGURES_MAX_BACKOFF: Final = timedelta(hours=4)
# Figures older than this many cycles are too old to show.
STALE_AFTER_CYCLES: Final = 3


def flipbook_cycle(count: int) -> timedelta:
    """Return how often each of count tracked flipbooks is refreshed."""
    return max(
        MIN_FLIPBOOK_CYCLE,
        timedelta(minutes=math.ceil(count / FLIPBOOK_CALLS_PER_MINUTE)),
    )
