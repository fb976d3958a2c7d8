"""Tests for the developers' switch that points the integration at another API."""

from homeassistant.core import HomeAssistant
import pytest

from custom_components.flipsnack.api import DEFAULT_BASE_URL
from custom_components.flipsnack.api_endpoint import API_URL_ENV, async_create_client

from .const import API_KEY, API_SECRET

DEVELOPMENT_URL = "http://127.0.0.1:8765/v1/"


async def test_flipsnack_api_without_the_switch(
    hass: HomeAssistant,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Without the environment variable, clients talk to Flipsnack's own API."""
    monkeypatch.delenv(API_URL_ENV, raising=False)

    client = async_create_client(hass, API_KEY, API_SECRET)

    assert client.base_url == DEFAULT_BASE_URL
    assert API_URL_ENV not in caplog.text


@pytest.mark.parametrize("value", ["", "   "])
async def test_an_empty_switch_is_ignored(
    hass: HomeAssistant,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    value: str,
) -> None:
    """A variable that is set but empty changes nothing and warns about nothing."""
    monkeypatch.setenv(API_URL_ENV, value)

    assert async_create_client(hass, API_KEY, API_SECRET).base_url == DEFAULT_BASE_URL
    assert API_URL_ENV not in caplog.text


async def test_the_switch_is_read_once_and_warned_about_once(
    hass: HomeAssistant,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The variable points every client at its URL, read and logged once per run."""
    monkeypatch.setenv(API_URL_ENV, f" {DEVELOPMENT_URL} ")

    first = async_create_client(hass, API_KEY, API_SECRET)
    # A change after the first read does not move a running Home Assistant.
    monkeypatch.setenv(API_URL_ENV, "http://127.0.0.1:1/v1/")
    second = async_create_client(hass, API_KEY, API_SECRET)

    assert first.base_url == second.base_url == DEVELOPMENT_URL
    warnings = [r for r in caplog.records if API_URL_ENV in r.getMessage()]
    assert len(warnings) == 1
    assert warnings[0].levelname == "WARNING"
    assert DEVELOPMENT_URL in warnings[0].getMessage()
    assert API_KEY not in caplog.text
    assert API_SECRET not in caplog.text
