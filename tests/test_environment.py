"""Tests for the developers' switches: another API, and demo mode."""

from homeassistant.core import HomeAssistant
import pytest

from custom_components.flipsnack.api import DEFAULT_BASE_URL
from custom_components.flipsnack.environment import (
    API_URL_ENV,
    DEMO_ENV,
    async_create_client,
    async_demo_mode,
)

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


def _warnings_about(caplog: pytest.LogCaptureFixture, name: str) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelname == "WARNING" and name in record.getMessage()
    ]


@pytest.mark.parametrize(
    ("api_url", "demo"),
    [
        pytest.param(None, None, id="neither"),
        pytest.param(DEVELOPMENT_URL, None, id="api_url_only"),
        pytest.param(DEVELOPMENT_URL, "", id="demo_empty"),
        pytest.param(DEVELOPMENT_URL, "0", id="demo_0"),
        pytest.param(DEVELOPMENT_URL, "yes", id="demo_not_1"),
    ],
)
async def test_demo_mode_is_off_without_the_switch(
    hass: HomeAssistant,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    api_url: str | None,
    demo: str | None,
) -> None:
    """Without FLIPSNACK_DEMO=1 there is no demo mode, and nothing is said about it."""
    for name, value in ((API_URL_ENV, api_url), (DEMO_ENV, demo)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)

    assert not async_demo_mode(hass)
    assert not _warnings_about(caplog, DEMO_ENV)


async def test_demo_mode_needs_another_api(
    hass: HomeAssistant,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """FLIPSNACK_DEMO against Flipsnack's own API stays off, and says so once."""
    monkeypatch.delenv(API_URL_ENV, raising=False)
    monkeypatch.setenv(DEMO_ENV, "1")

    assert not async_demo_mode(hass)
    assert not async_demo_mode(hass)

    warnings = _warnings_about(caplog, DEMO_ENV)
    assert len(warnings) == 1
    assert "demo mode stays off" in warnings[0]


async def test_demo_mode_is_read_once_and_warned_about_once(
    hass: HomeAssistant,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """With both switches demo mode is on for the whole run, with one warning."""
    monkeypatch.setenv(API_URL_ENV, DEVELOPMENT_URL)
    monkeypatch.setenv(DEMO_ENV, " 1 ")

    assert async_demo_mode(hass)
    monkeypatch.delenv(DEMO_ENV)
    assert async_demo_mode(hass)

    warnings = _warnings_about(caplog, DEMO_ENV)
    assert len(warnings) == 1
    assert "demo mode" in warnings[0]
    assert "development only" in warnings[0]
