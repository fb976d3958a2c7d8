"""Constants for the Flipsnack integration."""

from datetime import timedelta
import logging
from typing import Final

DOMAIN: Final = "flipsnack"
LOGGER = logging.getLogger(__package__)

CONF_API_SECRET: Final = "api_secret"  # noqa: S105 - the name of a field

# Account totals move slowly; six calls an hour stay far below Flipsnack's 60 calls a minute.
SCAN_INTERVAL: Final = timedelta(minutes=10)

FLIPSNACK_APP_URL: Final = "https://app.flipsnack.com/"
API_GUIDE_URL: Final = "https://developers.flipsnack.com/getting-started"
