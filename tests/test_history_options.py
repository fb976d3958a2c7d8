"""Tests for the History step of the options: how many days of daily figures to import.

The step needs the entry loaded, as the flipbooks step does; the listing that finds the
tracked flipbooks is paced by the entry's scheduler, so time is simulated.
"""

from datetime import timedelta
import json
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState, ConfigFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.flipsnack.const import (
    CONF_HISTORY_DAYS,
    CONF_LEAD_FORMS,
    CONF_TRACKING,
    DOMAIN,
    HISTORY_DAY_CHOICES,
    Tracking,
)
from custom_components.flipsnack.history_plan import import_duration

from . import setup_and_list
from .const import API_KEY, API_SECRET
from .fake_flipsnack import FakeFlipsnack
from .test_options_flow import _selector_config, _submit, _suggested_values

STRINGS = json.loads(
    (
        Path(__file__).parent.parent / "custom_components" / DOMAIN / "strings.json"
    ).read_text(encoding="utf-8")
)
TRACKED = 40


def _entry(**options: Any) -> MockConfigEntry:
    """Return the test account's entry with these options."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Flipsnack …7832",
        data={"api_key": API_KEY, "api_secret": API_SECRET},
        options=options,
        entry_id="01JFLIPSNACKTESTENTRY00000",
    )


@pytest.fixture
def published(hass: HomeAssistant, flipsnack: FakeFlipsnack) -> FakeFlipsnack:
    """Give the test account 40 published flipbooks, and a draft that is never tracked."""
    flipsnack.clock = hass.loop.time
    flipsnack.add_flipbooks(API_KEY, TRACKED, status_cycle=["public"])
    flipsnack.add_flipbook(API_KEY, hash="draft", title="Draft", status="editable")
    return flipsnack


async def _set_up(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, entry: MockConfigEntry
) -> None:
    """Set the entry up, let its first listing finish, and check that it loaded."""
    await setup_and_list(hass, freezer, entry)
    assert entry.state is ConfigEntryState.LOADED


async def _open(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, entry: MockConfigEntry
) -> ConfigFlowResult:
    """Open the options and pick History in the menu."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["flipbooks", "history", "lead_forms"]
    return await _submit(hass, freezer, result, {"next_step_id": "history"})


def _hours_and_minutes(duration: timedelta) -> tuple[int, int]:
    minutes = int(duration.total_seconds() // 60)
    return minutes // 60, minutes % 60


async def test_history_is_off_and_each_choice_has_its_estimate(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, published: FakeFlipsnack
) -> None:
    """Off is preselected; the form tells how long each choice takes at today's count."""
    entry = _entry(**{CONF_TRACKING: Tracking.ALL})
    await _set_up(hass, freezer, entry)
    published.requests.clear()

    result = await _open(hass, freezer, entry)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "history"
    assert _suggested_values(result) == {CONF_HISTORY_DAYS: "off"}
    selector = _selector_config(result, CONF_HISTORY_DAYS)
    assert selector["options"] == ["off", "30", "90", "365"]
    assert selector["translation_key"] == CONF_HISTORY_DAYS
    assert set(STRINGS["selector"][CONF_HISTORY_DAYS]["options"]) == {
        "off",
        *map(str, HISTORY_DAY_CHOICES),
    }
    # The English description as the user reads it, with the formula's durations.
    description = STRINGS["options"]["step"]["history"]["description"].format(
        **result["description_placeholders"]
    )
    assert f"Tracked flipbooks now: {TRACKED}." in description
    for days in HISTORY_DAY_CHOICES:
        hours, minutes = _hours_and_minutes(import_duration(TRACKED, days))
        assert f"- {days} days: {hours} h {minutes} min\n" in description
    # A year of 40 flipbooks takes more than an hour: hours and minutes both show.
    assert _hours_and_minutes(import_duration(TRACKED, 365))[0] > 0
    # The count is the one the entry tracks: no call to Flipsnack.
    assert published.requests == []


@pytest.mark.parametrize(
    ("choice", "days"), [("off", 0), ("30", 30), ("90", 90), ("365", 365)]
)
async def test_history_choice_is_saved_with_the_other_options(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    published: FakeFlipsnack,
    choice: str,
    days: int,
) -> None:
    """The current choice is preselected; the saved one replaces it, and only it."""
    entry = _entry(
        **{CONF_TRACKING: Tracking.ALL, CONF_LEAD_FORMS: False, CONF_HISTORY_DAYS: 90}
    )
    await _set_up(hass, freezer, entry)
    result = await _open(hass, freezer, entry)
    assert _suggested_values(result) == {CONF_HISTORY_DAYS: "90"}

    result = await _submit(hass, freezer, result, {CONF_HISTORY_DAYS: choice})

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {
        CONF_TRACKING: Tracking.ALL,
        CONF_LEAD_FORMS: False,
        CONF_HISTORY_DAYS: days,
    }
    # Saved for the next time the step opens.
    result = await _open(hass, freezer, entry)
    assert _suggested_values(result) == {CONF_HISTORY_DAYS: choice}


async def test_history_refuses_a_choice_it_does_not_offer(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, published: FakeFlipsnack
) -> None:
    """Only the offered numbers of days can be saved; the options stay as they were."""
    entry = _entry(**{CONF_TRACKING: Tracking.ALL})
    await _set_up(hass, freezer, entry)
    result = await _open(hass, freezer, entry)

    with pytest.raises(InvalidData, match="history_days"):
        await _submit(hass, freezer, result, {CONF_HISTORY_DAYS: "7"})
    assert entry.options == {CONF_TRACKING: Tracking.ALL}


@pytest.mark.parametrize(
    "options",
    [{}, {CONF_TRACKING: Tracking.NONE}, {CONF_TRACKING: Tracking.ALL}],
    ids=["no_tracking", "tracking_none", "nothing_published"],
)
async def test_history_without_tracked_flipbooks_says_so(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipsnack: FakeFlipsnack,
    options: dict[str, Any],
) -> None:
    """With no flipbook tracked there is no estimate; a choice still saves for later."""
    flipsnack.clock = hass.loop.time
    entry = _entry(**options)
    await _set_up(hass, freezer, entry)

    result = await _open(hass, freezer, entry)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "history_untracked"
    assert not result["description_placeholders"]
    step = STRINGS["options"]["step"]["history_untracked"]
    assert step["description"].startswith("No flipbook is tracked now")
    assert step["data"] == STRINGS["options"]["step"]["history"]["data"]
    assert _suggested_values(result) == {CONF_HISTORY_DAYS: "off"}

    result = await _submit(hass, freezer, result, {CONF_HISTORY_DAYS: "90"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {**options, CONF_HISTORY_DAYS: 90}
    assert entry.runtime_data.history is None


async def test_history_aborts_while_the_entry_is_not_loaded(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, published: FakeFlipsnack
) -> None:
    """An entry that is not loaded can't count its tracked flipbooks: the step aborts."""
    entry = _entry(**{CONF_TRACKING: Tracking.ALL})
    entry.add_to_hass(hass)

    result = await _open(hass, freezer, entry)

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_loaded"
    assert entry.options == {CONF_TRACKING: Tracking.ALL}
    assert published.requests == []
