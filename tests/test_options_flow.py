"""Tests for the Flipsnack options flow: which flipbooks get devices.

The options flow needs the entry really loaded, with its client and scheduler, so
these tests live apart from test_config_flow.py, whose tests all replace the setup.
The flow lists the flipbooks through the entry's scheduler, so time is simulated:
while a step waits for a slot, the tests move the clock to the scheduler's timer.
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState, ConfigFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
)

from custom_components.flipsnack.const import CONF_FLIPBOOKS, CONF_TRACKING, Tracking
from custom_components.flipsnack.scheduler import Priority

from . import answer_with_code, await_paced, set_mode, setup_integration
from .const import API_KEY, API_SECRET, UNREACHABLE_BASE_URL
from .fake_flipsnack import FakeFlipsnack, FakeMode

PUBLIC = "pub0000001"
UNLISTED = "unl0000002"
UNTITLED = "unt0000003"
EDITABLE = "edt0000004"
ARCHIVED = "arc0000005"  # a status the client does not know

# The published flipbooks as the choose step offers them, in the listing's order.
PUBLISHED_OPTIONS = [
    {"value": PUBLIC, "label": f"Annual report ({PUBLIC})"},
    {"value": UNLISTED, "label": f"Catalog 2026 ({UNLISTED})"},
    {"value": UNTITLED, "label": UNTITLED},
]

LIST = "collection.getList"
STATS = "user.getStats"


async def _run[T](
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, step: Awaitable[T]
) -> T:
    """Await a flow step, then the reload after a saved change and its listing."""
    result = await await_paced(hass, freezer, step)
    # The reload after a saved change, and the listing it starts: their calls wait for
    # the key's budget, which the calls before the reload still fill.
    await await_paced(
        hass, freezer, hass.async_block_till_done(wait_background_tasks=True)
    )
    return result


def _actions(flipsnack: FakeFlipsnack) -> list[str]:
    """Return the actions of the requests the fake received."""
    return [request.params["action"] for request in flipsnack.requests]


def _suggested_values(result: ConfigFlowResult) -> dict[str, Any]:
    """Return the values the form offers in its fields."""
    return {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description and "suggested_value" in key.description
    }


def _selector_config(result: ConfigFlowResult, field: str) -> dict[str, Any]:
    """Return the configuration of a field's selector."""
    for key, selector in result["data_schema"].schema.items():
        if str(key) == field:
            return dict(selector.config)
    pytest.fail(f"The form has no field {field}")


@pytest.fixture
def flipbooks(hass: HomeAssistant, flipsnack: FakeFlipsnack) -> FakeFlipsnack:
    """Give the test account flipbooks of every status.

    The fake counts its rate limits in the tests' simulated time, as the scheduler
    does, so that it refuses calls the way Flipsnack would.
    """
    flipsnack.clock = hass.loop.time
    flipsnack.add_flipbook(API_KEY, hash=PUBLIC, title="Annual report")
    flipsnack.add_flipbook(
        API_KEY, hash=UNLISTED, title="Catalog 2026", status="unlisted"
    )
    flipsnack.add_flipbook(API_KEY, hash=UNTITLED, title="")
    flipsnack.add_flipbook(API_KEY, hash=EDITABLE, title="Draft", status="editable")
    flipsnack.add_flipbook(API_KEY, hash=ARCHIVED, title="Old", status="archived")
    return flipsnack


@pytest.fixture
async def loaded_entry(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipbooks: FakeFlipsnack,
    mock_config_entry: MockConfigEntry,
) -> MockConfigEntry:
    """Set up the test account for real, with time frozen; forget the setup's calls."""
    await setup_integration(hass, mock_config_entry)
    assert mock_config_entry.state is ConfigEntryState.LOADED
    flipbooks.requests.clear()
    return mock_config_entry


async def _open(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, entry: MockConfigEntry
) -> ConfigFlowResult:
    """Open the options of the entry and pick the flipbooks in the menu."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["flipbooks", "history", "lead_forms"]
    return await _submit(hass, freezer, result, {"next_step_id": "flipbooks"})


async def _submit(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    result: ConfigFlowResult,
    user_input: dict[str, Any],
) -> ConfigFlowResult:
    """Submit a step of the options flow."""
    return await _run(
        hass,
        freezer,
        hass.config_entries.options.async_configure(result["flow_id"], user_input),
    )


async def _open_choose_step(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, entry: MockConfigEntry
) -> ConfigFlowResult:
    """Open the options and ask to choose flipbooks."""
    result = await _open(hass, freezer, entry)
    result = await _submit(hass, freezer, result, {CONF_TRACKING: "chosen"})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "choose_flipbooks"
    return result


async def test_options_default_to_no_flipbooks(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipbooks: FakeFlipsnack,
    loaded_entry: MockConfigEntry,
) -> None:
    """The first step offers no tracking, and tells the published count and the cycle."""
    result = await _open(hass, freezer, loaded_entry)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "flipbooks"
    assert result["errors"] == {}
    assert _suggested_values(result) == {CONF_TRACKING: "none"}
    assert _selector_config(result, CONF_TRACKING)["options"] == [
        "none",
        "all",
        "chosen",
    ]
    # Public, unlisted and untitled count; the editable and the archived one do not.
    assert result["description_placeholders"] == {
        "published": "3",
        "cycle_minutes": "30",
    }
    # One live listing, to count the published flipbooks.
    assert _actions(flipbooks) == [LIST]


async def test_options_form_shown_again_keeps_the_listing(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipbooks: FakeFlipsnack,
    loaded_entry: MockConfigEntry,
) -> None:
    """Showing the first step again uses the listing the flow holds, with no call."""
    result = await _open(hass, freezer, loaded_entry)
    flipbooks.add_flipbook(API_KEY, hash="new0000006", title="Added meanwhile")

    result = await _run(
        hass, freezer, hass.config_entries.options.async_configure(result["flow_id"])
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "flipbooks"
    assert result["errors"] == {}
    assert result["description_placeholders"]["published"] == "3"
    assert _actions(flipbooks) == [LIST]
    hass.config_entries.options.async_abort(result["flow_id"])


async def test_options_listing_is_interactive(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, loaded_entry: MockConfigEntry
) -> None:
    """The flow's listing goes through the entry's scheduler, ahead of the polls."""
    scheduler = loaded_entry.runtime_data.scheduler
    with patch.object(scheduler, "async_call", wraps=scheduler.async_call) as spy:
        await _open_choose_step(hass, freezer, loaded_entry)
    # One listing when the form opens; choosing uses it.
    assert len(spy.call_args_list) == 1
    for call in spy.call_args_list:
        assert call.args == (loaded_entry.runtime_data.client.collections,)
        assert call.kwargs == {"priority": Priority.INTERACTIVE}
    assert scheduler.stats.calls == 2  # the setup's poll and the listing


async def test_options_count_a_large_account(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipbooks: FakeFlipsnack,
    loaded_entry: MockConfigEntry,
) -> None:
    """With hundreds of flipbooks, the cycle grows, and the pages are paced."""
    # 900 more: a third of them editable. 600 + 3 published in all.
    flipbooks.add_flipbooks(API_KEY, 900)
    before = loaded_entry.runtime_data.scheduler.stats
    result = await _open(hass, freezer, loaded_entry)

    assert result["errors"] == {}
    assert result["description_placeholders"] == {
        "published": "603",
        "cycle_minutes": "32",  # 603 flipbooks at 19 a minute
    }
    # 905 flipbooks at 50 a page, each page its own call under the scheduler.
    assert _actions(flipbooks) == [LIST] * 19
    assert loaded_entry.runtime_data.scheduler.stats.calls == before.calls + 19
    assert loaded_entry.runtime_data.scheduler.stats.pauses == 0


@pytest.mark.parametrize("tracking", ["none", "all"])
async def test_options_track_none_or_all(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipbooks: FakeFlipsnack,
    loaded_entry: MockConfigEntry,
    tracking: str,
) -> None:
    """Tracking none or all saves the choice without a list, and reloads the entry."""
    old_scheduler = loaded_entry.runtime_data.scheduler
    result = await _open(hass, freezer, loaded_entry)
    result = await _submit(hass, freezer, result, {CONF_TRACKING: tracking})

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {CONF_TRACKING: tracking, CONF_FLIPBOOKS: []}
    assert loaded_entry.options == {CONF_TRACKING: tracking, CONF_FLIPBOOKS: []}
    # Reloaded with the new options.
    assert loaded_entry.state is ConfigEntryState.LOADED
    data = loaded_entry.runtime_data
    assert data.scheduler is not old_scheduler
    if tracking == "none":
        assert data.flipbooks is None
        assert _actions(flipbooks) == [LIST, STATS]
    else:
        assert data.flipbooks is not None
        assert data.flipbooks.tracking is Tracking.ALL
        assert sorted(data.flipbooks.data.flipbooks) == sorted(
            [PUBLIC, UNLISTED, UNTITLED]
        )
        assert _actions(flipbooks) == [LIST, STATS, LIST]

    # Opened again, the saved choice is offered.
    result = await _open(hass, freezer, loaded_entry)
    assert _suggested_values(result) == {CONF_TRACKING: tracking}
    hass.config_entries.options.async_abort(result["flow_id"])


async def test_options_track_none_without_a_listing(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipbooks: FakeFlipsnack,
    loaded_entry: MockConfigEntry,
) -> None:
    """Tracking none can be saved while the listing fails; it needs no listing."""
    flipbooks.mode = FakeMode.MAINTENANCE
    result = await _open(hass, freezer, loaded_entry)
    assert result["errors"] == {"base": "maintenance"}
    assert result["description_placeholders"] == {
        "published": "?",
        "cycle_minutes": "30",
    }

    result = await _submit(hass, freezer, result, {CONF_TRACKING: "none"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert loaded_entry.options == {CONF_TRACKING: "none", CONF_FLIPBOOKS: []}


async def test_options_choose_flipbooks_from_the_list(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipbooks: FakeFlipsnack,
    loaded_entry: MockConfigEntry,
) -> None:
    """The choose step lists the published flipbooks by title and hash."""
    result = await _open_choose_step(hass, freezer, loaded_entry)

    assert result["errors"] == {}
    config = _selector_config(result, CONF_FLIPBOOKS)
    assert config["options"] == PUBLISHED_OPTIONS
    assert config["multiple"] is True
    assert config["custom_value"] is True
    assert _suggested_values(result) == {CONF_FLIPBOOKS: []}
    assert result["description_placeholders"] == {
        "cycle_minutes": "30",
        "flipbooks_at_minimum_cycle": "570",  # 30 minutes at 19 a minute
    }
    # Choosing uses the listing made when the form opened.
    assert _actions(flipbooks) == [LIST]

    result = await _submit(hass, freezer, result, {CONF_FLIPBOOKS: [UNLISTED, PUBLIC]})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert loaded_entry.options == {
        CONF_TRACKING: "chosen",
        CONF_FLIPBOOKS: [UNLISTED, PUBLIC],
    }
    # Reloaded: only the chosen flipbooks are tracked.
    tracked = loaded_entry.runtime_data.flipbooks
    assert tracked is not None
    assert tracked.tracking is Tracking.CHOSEN
    assert list(tracked.data.flipbooks) == [PUBLIC, UNLISTED]

    # Opened again, the saved choice is offered on both steps.
    result = await _open(hass, freezer, loaded_entry)
    assert _suggested_values(result) == {CONF_TRACKING: "chosen"}
    result = await _submit(hass, freezer, result, {CONF_TRACKING: "chosen"})
    assert _suggested_values(result) == {CONF_FLIPBOOKS: [UNLISTED, PUBLIC]}
    hass.config_entries.options.async_abort(result["flow_id"])


async def test_options_typed_hash_of_a_published_flipbook(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, loaded_entry: MockConfigEntry
) -> None:
    """A typed hash counts once, without the spaces around it."""
    result = await _open_choose_step(hass, freezer, loaded_entry)
    result = await _submit(
        hass,
        freezer,
        result,
        {CONF_FLIPBOOKS: [f"  {UNTITLED}\t", UNTITLED, " ", PUBLIC, f"{PUBLIC} "]},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {
        CONF_TRACKING: "chosen",
        CONF_FLIPBOOKS: [UNTITLED, PUBLIC],
    }


@pytest.mark.parametrize(
    ("chosen", "error"),
    [
        pytest.param([], "no_flipbook_chosen", id="nothing"),
        pytest.param(["  ", ""], "no_flipbook_chosen", id="blanks"),
        pytest.param([PUBLIC, EDITABLE], "editable_flipbook", id="editable"),
        pytest.param(
            ["not-a-hash", EDITABLE], "editable_flipbook", id="editable_and_unknown"
        ),
        pytest.param([PUBLIC, "not-a-hash"], "unknown_flipbook", id="unknown"),
        pytest.param([ARCHIVED], "unknown_flipbook", id="unknown_status"),
        pytest.param([PUBLIC.upper()], "unknown_flipbook", id="hash_is_exact"),
    ],
)
async def test_options_choose_error_then_recovery(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipbooks: FakeFlipsnack,
    loaded_entry: MockConfigEntry,
    chosen: list[str],
    error: str,
) -> None:
    """A choice that cannot be tracked is refused on the field; the flow goes on."""
    result = await _open_choose_step(hass, freezer, loaded_entry)
    result = await _submit(hass, freezer, result, {CONF_FLIPBOOKS: chosen})

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "choose_flipbooks"
    assert result["errors"] == {CONF_FLIPBOOKS: error}
    # What the user chose is offered again.
    assert _suggested_values(result) == {CONF_FLIPBOOKS: chosen}
    assert _selector_config(result, CONF_FLIPBOOKS)["options"] == PUBLISHED_OPTIONS
    assert loaded_entry.options == {}
    # Checked against the listing the step holds: no further call.
    assert _actions(flipbooks) == [LIST]

    result = await _submit(hass, freezer, result, {CONF_FLIPBOOKS: [PUBLIC]})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert loaded_entry.options == {CONF_TRACKING: "chosen", CONF_FLIPBOOKS: [PUBLIC]}


async def test_options_account_without_flipbooks(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipsnack: FakeFlipsnack,
    mock_config_entry: MockConfigEntry,
) -> None:
    """An account without flipbooks offers nothing to choose and refuses any hash."""
    flipsnack.clock = hass.loop.time
    await setup_integration(hass, mock_config_entry)
    result = await _open(hass, freezer, mock_config_entry)
    assert result["description_placeholders"]["published"] == "0"

    result = await _submit(hass, freezer, result, {CONF_TRACKING: "chosen"})
    assert _selector_config(result, CONF_FLIPBOOKS)["options"] == []
    result = await _submit(hass, freezer, result, {CONF_FLIPBOOKS: [PUBLIC]})
    assert result["errors"] == {CONF_FLIPBOOKS: "unknown_flipbook"}


def _rotate_secret(fake: FakeFlipsnack) -> None:
    """Make Flipsnack refuse the entry's secret."""
    fake.accounts[API_KEY].api_secret = "rotated-secret"


def _restore_secret(fake: FakeFlipsnack) -> None:
    """Make Flipsnack accept the entry's secret again."""
    fake.accounts[API_KEY].api_secret = API_SECRET


LISTING_FAILURES = [
    pytest.param(set_mode(FakeMode.MAINTENANCE), "maintenance", id="maintenance"),
    pytest.param(
        answer_with_code(31, "Requests per second limit exceeded"),
        "rate_limited",
        id="requests_per_second",
    ),
    pytest.param(
        answer_with_code(32, "Requests per minute limit exceeded"),
        "rate_limited",
        id="requests_per_minute",
    ),
    pytest.param(set_mode(FakeMode.HTML), "invalid_response", id="html_page"),
    pytest.param(set_mode(FakeMode.HTTP_500), "invalid_response", id="http_500"),
    pytest.param(set_mode(FakeMode.TRUNCATED_JSON), "invalid_response", id="truncated"),
    pytest.param(_rotate_secret, "invalid_api_secret", id="rotated_secret"),
    pytest.param(
        answer_with_code(41, "Invalid credentials"),
        "invalid_api_key",
        id="revoked_key",
    ),
    pytest.param(
        answer_with_code(42, "Invalid action"), "request_rejected", id="rejected"
    ),
]


@pytest.mark.parametrize(("break_api", "error"), LISTING_FAILURES)
async def test_options_listing_failure_on_open_then_recovery(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipbooks: FakeFlipsnack,
    loaded_entry: MockConfigEntry,
    break_api: Callable[[FakeFlipsnack], None],
    error: str,
) -> None:
    """A failed listing shows why, with an unknown count; choosing lists again."""
    break_api(flipbooks)
    result = await _open(hass, freezer, loaded_entry)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "flipbooks"
    assert result["errors"] == {"base": error}
    assert result["description_placeholders"] == {
        "published": "?",
        "cycle_minutes": "30",
    }

    flipbooks.reset()
    _restore_secret(flipbooks)
    result = await _submit(hass, freezer, result, {CONF_TRACKING: "chosen"})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "choose_flipbooks"
    assert _selector_config(result, CONF_FLIPBOOKS)["options"] == PUBLISHED_OPTIONS
    assert _actions(flipbooks) == [LIST]

    result = await _submit(hass, freezer, result, {CONF_FLIPBOOKS: [PUBLIC]})
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize(("break_api", "error"), LISTING_FAILURES)
async def test_options_listing_failure_on_choose_then_recovery(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipbooks: FakeFlipsnack,
    loaded_entry: MockConfigEntry,
    break_api: Callable[[FakeFlipsnack], None],
    error: str,
) -> None:
    """A listing that fails again when choosing keeps the user on the first step."""
    break_api(flipbooks)
    result = await _open(hass, freezer, loaded_entry)
    assert result["errors"] == {"base": error}

    result = await _submit(hass, freezer, result, {CONF_TRACKING: "chosen"})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "flipbooks"
    assert result["errors"] == {"base": error}
    assert loaded_entry.options == {}

    flipbooks.reset()
    _restore_secret(flipbooks)
    result = await _submit(hass, freezer, result, {CONF_TRACKING: "chosen"})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "choose_flipbooks"
    assert _actions(flipbooks) == [LIST]
    result = await _submit(hass, freezer, result, {CONF_FLIPBOOKS: [UNLISTED]})
    assert loaded_entry.options == {
        CONF_TRACKING: "chosen",
        CONF_FLIPBOOKS: [UNLISTED],
    }


async def test_options_throttled_listing_pauses_the_next_one(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipbooks: FakeFlipsnack,
    loaded_entry: MockConfigEntry,
) -> None:
    """After Flipsnack throttled the listing, the retry waits the minute it asked for."""
    scheduler = loaded_entry.runtime_data.scheduler
    flipbooks.envelope_override = {
        "code": 32,
        "status": "Requests per minute limit exceeded",
    }
    result = await _open(hass, freezer, loaded_entry)
    assert result["errors"] == {"base": "rate_limited"}
    assert scheduler.stats.pauses == 1
    throttled_at = hass.loop.time()

    flipbooks.reset()
    result = await _submit(hass, freezer, result, {CONF_TRACKING: "chosen"})
    assert result["step_id"] == "choose_flipbooks"
    assert 59.9 <= hass.loop.time() - throttled_at <= 60.1


async def test_options_unexpected_refusal_is_logged(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipbooks: FakeFlipsnack,
    loaded_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A refusal the user cannot fix is logged with its traceback, without secrets."""
    flipbooks.envelope_override = {"code": 47, "status": "A code the docs do not list"}
    result = await _open(hass, freezer, loaded_entry)
    assert result["errors"] == {"base": "request_rejected"}
    assert "Unexpected answer from Flipsnack to the listing" in caplog.text
    assert "Traceback" in caplog.text
    assert "A code the docs do not list" in caplog.text
    for secret in (API_KEY, API_SECRET):
        assert secret not in caplog.text
    hass.config_entries.options.async_abort(result["flow_id"])


async def test_options_cannot_connect(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipbooks: FakeFlipsnack,
    loaded_entry: MockConfigEntry,
) -> None:
    """An unreachable API is reported, and choosing works once it is back."""
    client = loaded_entry.runtime_data.client
    client.base_url = UNREACHABLE_BASE_URL
    result = await _open(hass, freezer, loaded_entry)
    assert result["errors"] == {"base": "cannot_connect"}

    client.base_url = flipbooks.url
    result = await _submit(hass, freezer, result, {CONF_TRACKING: "chosen"})
    assert result["step_id"] == "choose_flipbooks"


async def test_options_abort_when_entry_not_loaded(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipbooks: FakeFlipsnack,
    mock_config_entry: MockConfigEntry,
) -> None:
    """Options of an entry that failed to set up abort, without calling Flipsnack."""
    flipbooks.mode = FakeMode.MAINTENANCE
    await setup_integration(hass, mock_config_entry)
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    flipbooks.requests.clear()

    result = await _open(hass, freezer, mock_config_entry)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_loaded"
    assert flipbooks.requests == []
    await hass.config_entries.async_unload(mock_config_entry.entry_id)


async def test_options_abort_when_entry_was_never_set_up(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipbooks: FakeFlipsnack,
    mock_config_entry: MockConfigEntry,
) -> None:
    """Options of an entry that is not loaded abort."""
    mock_config_entry.add_to_hass(hass)
    result = await _open(hass, freezer, mock_config_entry)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_loaded"
    assert flipbooks.requests == []


async def test_options_abort_when_entry_unloads_during_the_flow(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipbooks: FakeFlipsnack,
    loaded_entry: MockConfigEntry,
) -> None:
    """An entry unloaded while its options are open aborts the next step."""
    result = await _open(hass, freezer, loaded_entry)
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    flipbooks.requests.clear()

    result = await _submit(hass, freezer, result, {CONF_TRACKING: "chosen"})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_loaded"
    assert flipbooks.requests == []
    assert loaded_entry.options == {}


async def test_options_abort_when_entry_unloads_while_listing(
    hass: HomeAssistant, flipbooks: FakeFlipsnack, loaded_entry: MockConfigEntry
) -> None:
    """An entry unloaded while the flow's listing waits for a slot aborts the flow.

    Unloading cancels the calls waiting in the entry's scheduler; the flow is no part
    of the entry, so that must not surface as a cancellation of the user's request.
    """
    # Six pages a listing: the listing waits for slots page after page.
    flipbooks.add_flipbooks(API_KEY, 300)
    scheduler = loaded_entry.runtime_data.scheduler

    menu = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    step = asyncio.ensure_future(
        hass.config_entries.options.async_configure(
            menu["flow_id"], {"next_step_id": "flipbooks"}
        )
    )
    for _ in range(100_000):
        await asyncio.sleep(0)
        if scheduler.stats.waiting:
            break
    else:
        pytest.fail("The listing never waited for a slot")

    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    await asyncio.wait([step])

    assert not step.cancelled(), "the unload surfaced as a CancelledError in the flow"
    result = step.result()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_loaded"
    assert loaded_entry.options == {}
