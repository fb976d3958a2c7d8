"""Which Flipsnack API the integration talks to, and whether it runs as the demo.

Flipsnack's own API, unless a developer points Home Assistant at another one (the demo or
a fake) with an environment variable before it starts. A second variable puts the
integration in demo mode, which relaxes what only the real Flipsnack needs. Nothing in the
UI can change either.
"""

from collections.abc import Awaitable, Callable
import os
from typing import Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util.hass_dict import HassKey

from .api import DEFAULT_BASE_URL, FlipsnackClient
from .const import DOMAIN, LOGGER

API_URL_ENV: Final = "FLIPSNACK_API_URL"
DEMO_ENV: Final = "FLIPSNACK_DEMO"
_API_URL: HassKey[str] = HassKey(f"{DOMAIN}_api_url")
_DEMO_MODE: HassKey[bool] = HassKey(f"{DOMAIN}_demo_mode")


@callback
def async_create_client(
    hass: HomeAssistant,
    api_key: str,
    api_secret: str,
    *,
    request_gate: Callable[[], Awaitable[None]] | None = None,
) -> FlipsnackClient:
    """Create a client of the API in use, on Home Assistant's shared web session."""
    return FlipsnackClient(
        api_key,
        api_secret,
        session=async_get_clientsession(hass),
        base_url=_async_api_url(hass),
        request_gate=request_gate,
    )


@callback
def _async_api_url(hass: HomeAssistant) -> str:
    """Return the API URL, read from the environment once per Home Assistant run."""
    if (url := hass.data.get(_API_URL)) is None:
        url = os.environ.get(API_URL_ENV, "").strip() or DEFAULT_BASE_URL
        if url != DEFAULT_BASE_URL:
            LOGGER.warning(
                "%s is set: the Flipsnack integration talks to the API at %s instead"
                " of Flipsnack's. This is meant for development only",
                API_URL_ENV,
                url,
            )
        hass.data[_API_URL] = url
    return url


@callback
def async_demo_mode(hass: HomeAssistant) -> bool:
    """Return whether the integration runs next to the demo, read once per run.

    Demo mode needs FLIPSNACK_DEMO=1 and FLIPSNACK_API_URL both: against Flipsnack's own
    API, what it relaxes (the Flipsnack webhook's HTTPS rule) is what Flipsnack needs.
    """
    if (demo := hass.data.get(_DEMO_MODE)) is None:
        demo = os.environ.get(DEMO_ENV, "").strip() == "1"
        if demo and _async_api_url(hass) == DEFAULT_BASE_URL:
            LOGGER.warning(
                "%s is set but %s is not; demo mode stays off, because Flipsnack itself"
                " only posts lead forms and orders to HTTPS URLs",
                DEMO_ENV,
                API_URL_ENV,
            )
            demo = False
        elif demo:
            LOGGER.warning(
                "%s is set: the Flipsnack integration runs in demo mode, and its webhook"
                " may use Home Assistant's plain-HTTP local URL. This is meant for"
                " development only",
                DEMO_ENV,
            )
        hass.data[_DEMO_MODE] = demo
    return demo
