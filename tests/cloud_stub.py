"""A stand-in for the public helpers of Home Assistant Cloud, for the tests.

`homeassistant.components.cloud` imports assist_pipeline, conversation and tts, whose
requirements (hassil, home-assistant-intents, ...) the test toolchain does not install.
Home Assistant installs them on a real system, because cloud is among the integration's
after_dependencies. Where the real module cannot be imported, this one takes its place:
it has the helpers the integration calls, behaving as on a Home Assistant that is not
signed in to Home Assistant Cloud, and the tests patch them as core's tests patch the real
ones. tests/test_cloud_stub.py checks the names and signatures against the source of the
installed Home Assistant.
"""

from collections.abc import Awaitable, Callable
from enum import Enum
import sys
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.util.signal_type import SignalType


class CloudNotAvailable(HomeAssistantError):  # noqa: N818 - as Home Assistant names it
    """Raised when an action requires the cloud but it's not available."""


class CloudNotConnected(CloudNotAvailable):
    """Raised when an action requires the cloud but it's not connected."""


class CloudConnectionState(Enum):
    """Cloud connection state."""

    CLOUD_CONNECTED = "cloud_connected"
    CLOUD_DISCONNECTED = "cloud_disconnected"


SIGNAL_CLOUD_CONNECTION_STATE: SignalType[CloudConnectionState] = SignalType(
    "CLOUD_CONNECTION_STATE"
)
_SIGNAL_CLOUDHOOKS_UPDATED: SignalType[dict[str, Any]] = SignalType(
    "CLOUDHOOKS_UPDATED"
)


@callback
def async_is_logged_in(hass: HomeAssistant) -> bool:
    """Not signed in."""
    return False


@callback
def async_is_connected(hass: HomeAssistant) -> bool:
    """Not connected."""
    return False


@callback
def async_listen_connection_change(
    hass: HomeAssistant,
    target: Callable[[CloudConnectionState], Awaitable[None] | None],
) -> Callable[[], None]:
    """Notify on connection state changes."""
    return async_dispatcher_connect(hass, SIGNAL_CLOUD_CONNECTION_STATE, target)


@callback
def async_active_subscription(hass: HomeAssistant) -> bool:
    """No subscription."""
    return False


async def async_get_or_create_cloudhook(hass: HomeAssistant, webhook_id: str) -> str:
    """Fail as the real helper does when not connected."""
    raise CloudNotConnected


async def async_delete_cloudhook(hass: HomeAssistant, webhook_id: str) -> None:
    """Fail as the real helper does when cloud is not set up."""
    raise CloudNotAvailable


@callback
def async_listen_cloudhook_change(
    hass: HomeAssistant,
    webhook_id: str,
    on_change: Callable[[dict[str, Any] | None], None],
) -> Callable[[], None]:
    """Listen for cloudhook changes for the given webhook."""

    @callback
    def _handle_cloudhooks_updated(cloudhooks: dict[str, Any]) -> None:
        on_change(cloudhooks.get(webhook_id))

    return async_dispatcher_connect(
        hass, _SIGNAL_CLOUDHOOKS_UPDATED, _handle_cloudhooks_updated
    )


STUBBED = (
    "CloudNotAvailable",
    "CloudNotConnected",
    "CloudConnectionState",
    "async_is_logged_in",
    "async_is_connected",
    "async_listen_connection_change",
    "async_active_subscription",
    "async_get_or_create_cloudhook",
    "async_delete_cloudhook",
    "async_listen_cloudhook_change",
)


def install_if_needed() -> None:
    """Put this module in the place of homeassistant.components.cloud if that fails."""
    try:
        from homeassistant.components import cloud  # noqa: F401, PLC0415
    except ImportError:
        import homeassistant.components  # noqa: PLC0415

        module = sys.modules[__name__]
        sys.modules["homeassistant.components.cloud"] = module
        homeassistant.components.cloud = module  # type: ignore[attr-defined]
